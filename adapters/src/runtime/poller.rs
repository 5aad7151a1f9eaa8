//! The blocking client's own reactor: one `polling::Poller` per client, waited on by
//! whichever thread drives the driver (see `lead.rs`).
//!
//! async-io's global reactor has a thread of its own that holds epoll whenever no
//! `block_on` does. A blocking call entering `block_on` found it held, so every reply came
//! to the caller through that thread: two thread hand-overs per call, a third of the
//! client's CPU. Here the thread that drives the driver is the one that waits on the
//! sockets, so a lone caller's request and reply touch no other thread.
//!
//! Sockets are non-blocking `std::net` streams registered in oneshot mode: a read or write
//! that would block records its waker and arms the interest; an event wakes it and disarms
//! it. Timers are an ordered map of deadlines to wakers, fired by [`Reactor::wait`]. The
//! driver reaches the reactor through a thread-local set by whoever polls it
//! ([`Reactor::enter`]), since the runtime's constructors take no arguments.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread, ThreadId};
use std::time::Instant;

use bytes::BytesMut;
use polling::{Event, Events, Poller};

use super::{BoxFuture, Stream, Timer};

/// A client's sockets and timers.
pub(crate) struct Reactor {
    poller: Poller,
    sources: Mutex<Sources>,
    timers: Mutex<BTreeMap<(Instant, u64), Waker>>,
    next_timer: AtomicU64,
}

#[derive(Default)]
struct Sources {
    /// By key; `None` for a free key.
    slots: Vec<Option<Source>>,
    free: Vec<usize>,
}

struct Source {
    fd: RawFd,
    read: Option<Waker>,
    write: Option<Waker>,
}

thread_local! {
    /// The reactor of the driver this thread is polling.
    static CURRENT: RefCell<Option<Arc<Reactor>>> = const { RefCell::new(None) };
}

impl Reactor {
    pub(crate) fn new() -> io::Result<Arc<Reactor>> {
        Ok(Arc::new(Reactor {
            poller: Poller::new()?,
            sources: Mutex::new(Sources::default()),
            timers: Mutex::new(BTreeMap::new()),
            next_timer: AtomicU64::new(0),
        }))
    }

    /// Make this the reactor of whatever the current thread polls until the guard drops.
    #[must_use]
    pub(crate) fn enter(self: &Arc<Self>) -> Entered {
        let previous = CURRENT.with(|c| c.replace(Some(self.clone())));
        Entered(previous)
    }

    fn current() -> io::Result<Arc<Reactor>> {
        CURRENT
            .with(|c| c.borrow().clone())
            .ok_or_else(|| io::Error::other("keyslot: a blocking socket outside its driver"))
    }

    fn register(&self, fd: RawFd) -> io::Result<usize> {
        let mut sources = self.lock_sources();
        let key = match sources.free.pop() {
            Some(key) => key,
            None => {
                sources.slots.push(None);
                sources.slots.len() - 1
            }
        };
        // SAFETY: the socket stays open until `deregister`, which its owner calls before
        // closing it (`PolledStream`'s drop).
        let added = unsafe { self.poller.add(fd, Event::none(key)) };
        if let Err(e) = added {
            sources.free.push(key);
            return Err(e);
        }
        sources.slots[key] = Some(Source {
            fd,
            read: None,
            write: None,
        });
        Ok(key)
    }

    fn deregister(&self, key: usize) {
        let mut sources = self.lock_sources();
        if let Some(source) = sources.slots.get_mut(key).and_then(Option::take) {
            // SAFETY: still open; its owner closes it after this returns.
            let fd = unsafe { BorrowedFd::borrow_raw(source.fd) };
            let _ = self.poller.delete(fd);
            sources.free.push(key);
        }
    }

    /// Wake `waker` when the socket of `key` is readable (or writable).
    fn want(&self, key: usize, write: bool, waker: &Waker) -> io::Result<()> {
        let mut sources = self.lock_sources();
        let Some(source) = sources.slots.get_mut(key).and_then(Option::as_mut) else {
            return Err(io::Error::other("keyslot: a deregistered socket"));
        };
        let slot = if write {
            &mut source.write
        } else {
            &mut source.read
        };
        if !slot.as_ref().is_some_and(|w| w.will_wake(waker)) {
            *slot = Some(waker.clone());
        }
        arm(&self.poller, key, source)
    }

    fn add_timer(&self, at: Instant, waker: &Waker) -> (Instant, u64) {
        let id = self.next_timer.fetch_add(1, Ordering::Relaxed);
        self.lock_timers().insert((at, id), waker.clone());
        (at, id)
    }

    fn remove_timer(&self, entry: (Instant, u64)) {
        self.lock_timers().remove(&entry);
    }

    /// The earliest timer.
    fn next_timer(&self) -> Option<Instant> {
        self.lock_timers().keys().next().map(|(at, _)| *at)
    }

    /// Wait for socket events, the earliest timer, [`Reactor::notify`] or `until`, whichever
    /// comes first, and wake whoever the events and due timers are for. (Another thread
    /// waiting already makes it return at once; see `lead.rs` for who waits.)
    pub(crate) fn wait(&self, until: Option<Instant>, events: &mut Events) {
        let deadline = match (self.next_timer(), until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let timeout = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        events.clear();
        if self.poller.wait(events, timeout).is_err() {
            events.clear();
        }
        let mut woken = Vec::new();
        {
            let mut sources = self.lock_sources();
            for event in events.iter() {
                let Some(source) = sources.slots.get_mut(event.key).and_then(Option::as_mut) else {
                    continue;
                };
                if event.readable {
                    woken.extend(source.read.take());
                }
                if event.writable {
                    woken.extend(source.write.take());
                }
                // Oneshot: the event disarmed the socket; arm what is still wanted.
                if source.read.is_some() || source.write.is_some() {
                    let _ = arm(&self.poller, event.key, source);
                }
            }
        }
        let now = Instant::now();
        {
            let mut timers = self.lock_timers();
            while let Some(entry) = timers.first_entry() {
                if entry.key().0 > now {
                    break;
                }
                woken.push(entry.remove());
            }
        }
        for waker in woken {
            waker.wake();
        }
    }

    /// Make the thread in [`Reactor::wait`] (or the next one to enter it) return.
    pub(crate) fn notify(&self) {
        let _ = self.poller.notify();
    }

    fn lock_sources(&self) -> std::sync::MutexGuard<'_, Sources> {
        self.sources.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_timers(&self) -> std::sync::MutexGuard<'_, BTreeMap<(Instant, u64), Waker>> {
        self.timers.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Arm the socket for what its wakers want (nothing when none is waiting).
fn arm(poller: &Poller, key: usize, source: &Source) -> io::Result<()> {
    let interest = Event::new(key, source.read.is_some(), source.write.is_some());
    // SAFETY: registered sockets stay open until they are deregistered.
    let fd = unsafe { BorrowedFd::borrow_raw(source.fd) };
    poller.modify(fd, interest)
}

/// Restores the thread's previous reactor.
pub(crate) struct Entered(Option<Arc<Reactor>>);

impl Drop for Entered {
    fn drop(&mut self) {
        let previous = self.0.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

/// Wakes a thread that may be waiting on `reactor`: sets its flag, and interrupts the wait
/// unless the waker runs on that thread (then it is in no wait).
pub(crate) struct Signal {
    woken: AtomicBool,
    thread: Thread,
    id: ThreadId,
    reactor: Arc<Reactor>,
}

impl Signal {
    /// A signal for `thread`.
    pub(crate) fn new(reactor: Arc<Reactor>, thread: Thread) -> Arc<Signal> {
        Arc::new(Signal {
            woken: AtomicBool::new(false),
            id: thread.id(),
            thread,
            reactor,
        })
    }

    /// Whether the signal was woken since the last call.
    pub(crate) fn take(&self) -> bool {
        self.woken.swap(false, Ordering::AcqRel)
    }
}

impl Wake for Signal {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        if thread::current().id() != self.id {
            self.reactor.notify();
            self.thread.unpark();
        }
    }
}

/// Run `future` on this thread, waiting on `reactor` between polls.
pub(crate) fn block_on<F: Future>(reactor: &Arc<Reactor>, future: F) -> F::Output {
    let _entered = reactor.enter();
    let signal = Signal::new(reactor.clone(), thread::current());
    let waker = Waker::from(signal.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    let mut events = Events::new();
    loop {
        let _ = signal.take();
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        if signal.take() {
            continue;
        }
        reactor.wait(None, &mut events);
    }
}

/// A non-blocking TCP stream registered with a client's reactor: the blocking runtime's
/// stream.
///
/// ```
/// fn a_stream<S: keyslot::Stream>() {}
/// a_stream::<<keyslot::blocking::Blocking as keyslot::Runtime>::Stream>();
/// ```
pub struct PolledStream {
    socket: TcpStream,
    reactor: Arc<Reactor>,
    key: usize,
}

impl std::fmt::Debug for PolledStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolledStream")
            .field("socket", &self.socket)
            .finish_non_exhaustive()
    }
}

impl Drop for PolledStream {
    fn drop(&mut self) {
        self.reactor.deregister(self.key);
    }
}

/// Connect on a thread of its own (a blocking connect; connections are few), then register
/// the socket with the reactor of the driver that awaits it.
pub(crate) fn connect_tcp(addr: SocketAddr) -> BoxFuture<'static, io::Result<PolledStream>> {
    Box::pin(async move {
        let (tx, rx) = tokio::sync::oneshot::channel();
        thread::Builder::new()
            .name("keyslot-connect".into())
            .spawn(move || {
                let _ = tx.send(TcpStream::connect(addr));
            })?;
        let socket = rx
            .await
            .map_err(|_| io::Error::other("the connecting thread died"))??;
        socket.set_nodelay(true)?;
        socket.set_nonblocking(true)?;
        let reactor = Reactor::current()?;
        let key = reactor.register(socket.as_raw_fd())?;
        Ok(PolledStream {
            socket,
            reactor,
            key,
        })
    })
}

impl Stream for PolledStream {
    fn poll_read_buf(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut BytesMut,
    ) -> Poll<io::Result<usize>> {
        let (socket, reactor, key) = (&self.socket, &self.reactor, self.key);
        super::read_into_chunk(buf, |chunk| loop {
            match (&*socket).read(chunk) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    return match reactor.want(key, false, cx.waker()) {
                        Ok(()) => Poll::Pending,
                        Err(e) => Poll::Ready(Err(e)),
                    };
                }
                done => return Poll::Ready(done),
            }
        })
    }

    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        loop {
            match (&self.socket).write(buf) {
                Ok(n) => return Poll::Ready(Ok(n)),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    return match self.reactor.want(self.key, true, cx.waker()) {
                        Ok(()) => Poll::Pending,
                        Err(e) => Poll::Ready(Err(e)),
                    };
                }
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    fn poll_flush(&mut self, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // TCP_NODELAY and no user-space buffer: written is sent.
        Poll::Ready(Ok(()))
    }

    fn set_keepalive(&self, keepalive: &super::Keepalive) -> io::Result<()> {
        super::set_socket_keepalive(socket2::SockRef::from(&self.socket), keepalive)
    }
}

/// A deadline on the reactor of the driver that polls it: the blocking runtime's timer.
///
/// ```
/// use keyslot::Runtime;
/// let timer = keyslot::blocking::Blocking::timer(); // not armed yet
/// # let _ = timer;
/// ```
#[derive(Default)]
pub struct PolledTimer {
    at: Option<Instant>,
    /// Where the deadline waits on the reactor, and which.
    entry: Option<(Arc<Reactor>, (Instant, u64))>,
}

impl std::fmt::Debug for PolledTimer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolledTimer").field("at", &self.at).finish()
    }
}

impl PolledTimer {
    fn clear_entry(&mut self) {
        if let Some((reactor, entry)) = self.entry.take() {
            reactor.remove_timer(entry);
        }
    }
}

impl Drop for PolledTimer {
    fn drop(&mut self) {
        self.clear_entry();
    }
}

impl Timer for PolledTimer {
    fn reset(&mut self, at: Instant) {
        self.clear_entry();
        self.at = Some(at);
    }

    fn poll_elapsed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let Some(at) = self.at else {
            return Poll::Pending;
        };
        if Instant::now() >= at {
            self.clear_entry();
            self.at = None;
            return Poll::Ready(());
        }
        // The driver polls with one waker throughout (`wake.rs`): one entry per deadline.
        if self
            .entry
            .as_ref()
            .is_some_and(|(_, (when, _))| *when == at)
        {
            return Poll::Pending;
        }
        self.clear_entry();
        if let Ok(reactor) = Reactor::current() {
            let entry = reactor.add_timer(at, cx.waker());
            self.entry = Some((reactor, entry));
        }
        Poll::Pending
    }
}

/// The time left before `at`, for a thread sleeping until it.
pub(crate) fn until(at: Option<Instant>) -> Option<std::time::Duration> {
    at.map(|at| at.saturating_duration_since(Instant::now()))
}
