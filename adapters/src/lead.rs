//! The blocking client's driver, driven by whichever thread needs it (leader/follower).
//!
//! A blocking call that finds nobody driving takes the driver and runs it on its own thread
//! until its reply is in, waiting on the client's own reactor (`runtime/poller.rs`): its
//! request goes into the core, out on the socket, and its reply back, with no word to
//! another thread. Every blocking method is its async counterpart run this way
//! ([`Lead::run`]), so the blocking client repeats none of the async one. A call that finds
//! the driver taken hands its request over the channel and waits; whoever drives serves it.
//!
//! When no call is in progress the driver's own thread runs it — timers, subscriptions,
//! rediscoveries, the replies of callers that waited — woken through the driver's
//! forwarding waker (`wake.rs`), which always wakes whoever polled last. While nothing is
//! under way (`Driver::is_quiet`) it does not even watch the sockets: it sleeps until the
//! driver's next deadline (a nap of at most [`QUIET_NAP`]), so a lone caller's next call
//! finds the reactor free. A leader that leaves hands the waker back to the driver's thread,
//! and wakes it when something woke the leader since its last poll or something is under
//! way; that is the only wake-up the driver's thread needs from a caller.

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, TryLockError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use polling::Events;

use crate::blocking::Blocking;
use crate::driver::Driver;
use crate::runtime::poller::{self, Reactor, Signal};

/// The longest the driver's thread sleeps while nothing is under way: a deadline a leader
/// brought forward is kept at most this late.
const QUIET_NAP: Duration = Duration::from_millis(100);

/// The driver, its reactor, and the thread that runs it when no caller does.
pub(crate) struct Lead {
    /// `None` once the driver has finished.
    driver: Mutex<Option<Driver<Blocking>>>,
    reactor: Arc<Reactor>,
    /// Wakes the driver's thread (out of a reactor wait or a sleep).
    home: Waker,
    /// Callers driving now (at most one holds the driver; a second one is about to).
    leaders: AtomicUsize,
    /// The driver's thread is waiting on the reactor.
    home_waiting: AtomicBool,
}

impl std::fmt::Debug for Lead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lead").finish_non_exhaustive()
    }
}

impl Lead {
    /// Start the driver's thread; callers lead through the returned handle.
    pub(crate) fn start(driver: Driver<Blocking>) -> std::io::Result<Arc<Lead>> {
        let reactor = Reactor::new()?;
        let (tx, rx) = std::sync::mpsc::channel::<Arc<Lead>>();
        let handle = std::thread::Builder::new()
            .name("keyslot-driver".into())
            .spawn(move || {
                if let Ok(lead) = rx.recv() {
                    lead.run_home();
                }
            })?;
        let home = Signal::new(reactor.clone(), handle.thread().clone());
        let lead = Arc::new(Lead {
            driver: Mutex::new(Some(driver)),
            reactor,
            home: Waker::from(home),
            leaders: AtomicUsize::new(0),
            home_waiting: AtomicBool::new(false),
        });
        // The thread waits for its handle; it cannot fail to receive it while we hold `lead`.
        let _ = tx.send(lead.clone());
        Ok(lead)
    }

    /// The driver's own thread: poll whenever woken and nobody else drives.
    fn run_home(&self) {
        let mut cx = Context::from_waker(&self.home);
        let mut events = Events::new();
        loop {
            let locked = match self.driver.try_lock() {
                Ok(slot) => Some(slot),
                Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
                Err(TryLockError::WouldBlock) => None,
            };
            let (quiet, next) = match locked {
                Some(mut slot) => {
                    let Some(driver) = slot.as_mut() else {
                        return;
                    };
                    let _entered = self.reactor.enter();
                    if Pin::new(&mut *driver).poll(&mut cx).is_ready() {
                        *slot = None;
                        return;
                    }
                    (driver.is_quiet(), driver.next_deadline())
                }
                // A caller drives; it wakes this thread when it leaves.
                None => {
                    self.step_aside();
                    continue;
                }
            };
            if self.leaders.load(Ordering::SeqCst) > 0 {
                self.step_aside();
                continue;
            }
            if quiet {
                let nap = poller::until(next).map_or(QUIET_NAP, |d| d.min(QUIET_NAP));
                std::thread::park_timeout(nap);
                continue;
            }
            // Watch the sockets — unless a caller arrived meanwhile: it notifies the reactor
            // once it sees `home_waiting`, so one of the two checks catches the other.
            self.home_waiting.store(true, Ordering::SeqCst);
            if self.leaders.load(Ordering::SeqCst) == 0 {
                self.reactor.wait(None, &mut events);
            }
            self.home_waiting.store(false, Ordering::SeqCst);
        }
    }

    /// Leave the driver to the caller driving it: it wakes this thread when it leaves with
    /// something under way; otherwise a nap, and a look.
    fn step_aside(&self) {
        std::thread::park_timeout(QUIET_NAP);
    }

    /// Run `future` (a call of the async client) to its end on this thread, driving the
    /// driver meanwhile when nobody else does (see the module docs): its request reaches the
    /// driver through the channel, which wakes this very thread, and its reply comes back
    /// the same way.
    pub(crate) fn run<F: Future>(&self, future: F) -> F::Output {
        let mut future = pin!(future);
        self.leaders.fetch_add(1, Ordering::SeqCst);
        let mut slot = match self.driver.try_lock() {
            Ok(slot) => slot,
            // A caller that panicked while driving left the driver as it was: go on.
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            // Someone drives: they serve this call; wait for the answer like any thread.
            Err(TryLockError::WouldBlock) => {
                self.leave();
                return futures_lite::future::block_on(future);
            }
        };
        let led = slot
            .as_mut()
            .map(|driver| self.drive(driver, future.as_mut()));
        match led {
            Some((output, finished)) => {
                if finished {
                    *slot = None;
                }
                drop(slot);
                self.leave();
                output
            }
            // The driver has finished: the call finds its channel closed.
            None => {
                drop(slot);
                self.leave();
                futures_lite::future::block_on(future)
            }
        }
    }

    /// Poll `future` and the driver on this thread until `future` is done; also says whether
    /// the driver finished meanwhile.
    fn drive<F: Future>(
        &self,
        driver: &mut Driver<Blocking>,
        mut future: Pin<&mut F>,
    ) -> (F::Output, bool) {
        if self.home_waiting.load(Ordering::SeqCst) {
            // Out of the reactor: this thread waits on it now.
            self.reactor.notify();
        }
        let mut finished = false;
        let output = poller::block_on(
            &self.reactor,
            std::future::poll_fn(|cx| {
                // This thread is the one to wake from now on: the call's request, handed
                // over the channel, must not wake the driver's thread.
                driver.task().register(cx.waker());
                // The call first (it hands its request over), the driver, then the call
                // again (for the reply the driver may have handed out).
                if let Poll::Ready(output) = future.as_mut().poll(cx) {
                    return Poll::Ready(output);
                }
                if !finished {
                    let _ = driver.task().take_woken();
                    finished = Pin::new(&mut *driver).poll(cx).is_ready();
                }
                future.as_mut().poll(cx)
            }),
        );
        if !finished {
            // Hand the waker back to the driver's thread; wake it if something woke this
            // thread since its last poll, or something is under way.
            driver.task().register(&self.home);
            if driver.task().take_woken() || !driver.is_quiet() {
                self.home.wake_by_ref();
            }
        }
        (output, finished)
    }

    /// A caller stops driving (or never started); `drive` woke the driver's thread already
    /// if it had something to do.
    fn leave(&self) {
        self.leaders.fetch_sub(1, Ordering::SeqCst);
    }
}
