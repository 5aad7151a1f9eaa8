//! The one driver loop: it owns the core state machine and every socket, and moves bytes.
//!
//! It is a single future (one task) that, each time it is woken, takes every command
//! submitted since the last wake-up into the core, polls connection attempts, reads every
//! readable socket straight into the core's buffers, drains the core's outputs, writes each
//! connection's whole pending output at once, and arms the timer for the core's next
//! deadline. Draining all submissions before writing is what makes pipelining automatic:
//! commands submitted concurrently leave in one write per connection.
//!
//! It makes no protocol decision: connect where the core says, close what it says, deliver
//! what it replies.

use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Instant as StdInstant;

use bytes::Bytes;
use keyslot_core::cluster::{
    ConnId, Error, Event, Output, PubSub, Reply, RequestId, SubscriptionKind,
};
use keyslot_core::time::Instant;
use keyslot_core::topology::{Addr, Topology};
use keyslot_core::{Cluster, Cmd, ScriptCall};
use tokio::sync::{mpsc, oneshot};

use crate::resolve::Resolve;
use crate::runtime::{BoxFuture, Runtime, Stream, Timer};
use crate::slots::SlotMap;
use crate::subscription::Subscribers;
use crate::trace::RequestSpan;
use crate::wake::{ConnWake, TaskWaker};

/// Where a request's reply goes, with the request's span (zero-sized without the `tracing`
/// feature; see `trace.rs`).
pub(crate) struct Waiter {
    pub(crate) tx: oneshot::Sender<Reply>,
    pub(crate) span: RequestSpan,
}

/// What a client handle asks of the driver.
pub(crate) enum Msg {
    /// A command, with the caller's own timeout when it gave one.
    Send(Cmd, Option<std::time::Duration>, Waiter),
    Pipeline(Vec<Cmd>, Waiter),
    Transaction(Vec<Cmd>, Waiter),
    SendTo(Addr, Cmd, Waiter),
    Script(ScriptCall, Waiter),
    /// A new subscription holder: its id, kind, channels and item stream.
    Subscribe(
        u64,
        SubscriptionKind,
        Vec<Bytes>,
        mpsc::UnboundedSender<PubSub>,
    ),
    /// A subscription holder was dropped.
    Unsubscribe(u64),
    /// Answer once the cluster's topology is known, or with the bootstrap error.
    Ready(oneshot::Sender<Result<(), Error>>),
    /// The current view of the cluster.
    Topology(oneshot::Sender<Option<Topology>>),
    /// A snapshot of the core's counters.
    Metrics(oneshot::Sender<keyslot_core::cluster::Metrics>),
    /// A caller stopped waiting for its reply (see `pending.rs`): cancel, in the core, the
    /// requests whose reply channel is closed.
    Cancelled,
}

/// A callback for the machine's events.
pub(crate) type EventHook = Arc<dyn Fn(&Event) + Send + Sync>;

/// A connection attempt in progress.
type Connecting<S> = BoxFuture<'static, io::Result<crate::tls::MaybeTls<S>>>;

/// A credentials source's answer in progress.
type CredentialsFetch =
    BoxFuture<'static, Result<crate::Credentials, crate::credentials::CredentialsError>>;

/// Settings the driver needs besides the core's.
pub(crate) struct DriverOptions {
    pub(crate) resolver: Option<Arc<dyn Resolve>>,
    /// TCP keepalive for every socket, or none.
    pub(crate) keepalive: Option<crate::runtime::Keepalive>,
    pub(crate) on_event: Option<EventHook>,
    /// `on_event` gets `Event::Served` too: its configuration asked for them (the `tracing`
    /// feature turns them on for the spans, and the hook should not see them unasked).
    #[cfg(feature = "tracing")]
    pub(crate) hook_served: bool,
    /// The rotating credentials' source, when there is one.
    pub(crate) credentials: Option<Arc<dyn crate::CredentialsProvider>>,
    #[cfg(feature = "tls")]
    pub(crate) tls: Option<crate::tls::TlsConnector>,
}

/// How many rounds of work one wake-up may do before yielding to other tasks.
const BUDGET: usize = 64;

pub(crate) struct Driver<R: Runtime> {
    cluster: Cluster,
    origin: StdInstant,
    rx: mpsc::UnboundedReceiver<Msg>,
    rx_open: bool,
    waiting: SlotMap<RequestId, Waiter>,
    ready: Vec<oneshot::Sender<Result<(), Error>>>,
    subscribers: Subscribers,
    conns: SlotMap<ConnId, Conn<R>>,
    connecting: Vec<(ConnId, Connecting<R::Stream>)>,
    /// The credentials source's answer being awaited (a new ask replaces it).
    credentials: Option<CredentialsFetch>,
    timer: R::Timer,
    timer_at: Option<Instant>,
    options: Arc<DriverOptions>,
    task: Arc<TaskWaker>,
    /// The last poll stepped aside after taking submissions (see `poll`).
    deferred: bool,
    /// Replies handed to callers during the current poll.
    delivered: usize,
    /// Submissions taken in all, and how many the last wake-up's first round took.
    taken: u64,
    batch_start: u64,
    last_batch: u64,
}

struct Conn<R: Runtime> {
    stream: crate::tls::MaybeTls<R::Stream>,
    /// Marks this connection when its socket wants attention.
    wake: Arc<ConnWake>,
    waker: Waker,
    /// The core has output for this connection.
    writing: bool,
    /// Written since the last flush (TLS buffers records).
    unflushed: bool,
}

impl<R: Runtime> Driver<R> {
    pub(crate) fn new(
        cluster: Cluster,
        origin: StdInstant,
        rx: mpsc::UnboundedReceiver<Msg>,
        options: DriverOptions,
    ) -> Self {
        Driver {
            cluster,
            origin,
            rx,
            rx_open: true,
            waiting: SlotMap::default(),
            ready: Vec::new(),
            subscribers: Subscribers::default(),
            conns: SlotMap::default(),
            connecting: Vec::new(),
            credentials: None,
            timer: R::timer(),
            timer_at: None,
            options: Arc::new(options),
            task: Arc::new(TaskWaker::default()),
            deferred: false,
            delivered: 0,
            taken: 0,
            batch_start: 0,
            last_batch: 0,
        }
    }

    fn now(&self) -> Instant {
        since(self.origin)
    }

    fn std_instant(&self, at: Instant) -> StdInstant {
        self.origin + std::time::Duration::from_micros(at.as_micros())
    }

    /// Take every submitted message into the core.
    fn take_messages(&mut self, cx: &mut Context<'_>) -> bool {
        let mut progress = false;
        // One clock reading for the batch: a message that arrives while the loop runs is
        // stamped a little early, which only moves its deadline that much closer.
        let mut taken_at = None;
        let mut abandoned = false;
        while self.rx_open {
            match self.rx.poll_recv(cx) {
                Poll::Ready(Some(msg)) => {
                    progress = true;
                    self.taken += 1;
                    let now = *taken_at.get_or_insert_with(|| self.now());
                    match msg {
                        Msg::Send(cmd, timeout, w) => {
                            let id = self.cluster.submit(cmd, now);
                            if let Some(t) = timeout {
                                let micros = u64::try_from(t.as_micros()).unwrap_or(u64::MAX);
                                let at = now + keyslot_core::time::Duration::from_micros(micros);
                                self.cluster.set_deadline(id, at);
                            }
                            self.wait_for(id, w);
                        }
                        Msg::Pipeline(cmds, w) => {
                            let id = self.cluster.submit_pipeline(cmds, now);
                            self.wait_for(id, w);
                        }
                        Msg::Transaction(cmds, w) => {
                            let id = self.cluster.submit_transaction(cmds, now);
                            self.wait_for(id, w);
                        }
                        Msg::SendTo(addr, cmd, w) => {
                            let id = self.cluster.submit_to(&addr, cmd, now);
                            self.wait_for(id, w);
                        }
                        Msg::Script(call, w) => {
                            let id = self.cluster.submit_script(call, now);
                            self.wait_for(id, w);
                        }
                        Msg::Subscribe(id, kind, channels, items) => {
                            let new = self.subscribers.add(id, kind, channels, items);
                            if !new.is_empty() {
                                self.cluster.subscribe(kind, new, now);
                            }
                        }
                        Msg::Unsubscribe(id) => self.drop_subscriber(id, now),
                        Msg::Ready(tx) => self.ready.push(tx),
                        Msg::Topology(tx) => {
                            let _ = tx.send(self.cluster.topology().cloned());
                        }
                        Msg::Metrics(tx) => {
                            let _ = tx.send(self.cluster.metrics());
                        }
                        Msg::Cancelled => abandoned = true,
                    }
                }
                Poll::Ready(None) => self.rx_open = false,
                Poll::Pending => break,
            }
        }
        if abandoned {
            self.cancel_abandoned();
        }
        progress
    }

    /// Cancel in the core every request whose caller dropped its reply channel: one pass
    /// per batch of messages however many callers gave up in it.
    fn cancel_abandoned(&mut self) {
        let now = self.now();
        let gone: Vec<RequestId> = self
            .waiting
            .iter_mut()
            .filter(|(_, w)| w.tx.is_closed())
            .map(|(id, _)| id)
            .collect();
        for id in gone {
            if let Some(w) = self.waiting.remove(id) {
                w.span.cancelled();
            }
            self.cluster.cancel(id, now);
        }
    }

    fn poll_connects(&mut self, cx: &mut Context<'_>) -> bool {
        let mut progress = false;
        let mut i = 0;
        while i < self.connecting.len() {
            let (conn, fut) = &mut self.connecting[i];
            let conn = *conn;
            match fut.as_mut().poll(cx) {
                Poll::Pending => i += 1,
                Poll::Ready(result) => {
                    drop(self.connecting.swap_remove(i));
                    progress = true;
                    let now = self.now();
                    match result {
                        Ok(stream) => {
                            let wake = ConnWake::new(self.task.clone());
                            let waker = Waker::from(wake.clone());
                            let io = Conn {
                                stream,
                                wake,
                                waker,
                                // Output the core queued before now is written too.
                                writing: true,
                                unflushed: false,
                            };
                            self.conns.insert(conn, io);
                            self.cluster.handle_connected(conn, now);
                        }
                        Err(e) => self
                            .cluster
                            .handle_connect_failed(conn, &e.to_string(), now),
                    }
                }
            }
        }
        progress
    }

    /// Read the connections whose sockets asked for attention.
    fn poll_reads(&mut self) -> bool {
        let mut progress = false;
        let mut closed = Vec::new();
        let mut read_at = None;
        for (id, conn) in self.conns.iter_mut() {
            if !conn.wake.take_mark() {
                continue;
            }
            let Some(buf) = self.cluster.read_buffer(id) else {
                continue;
            };
            let mut cx = Context::from_waker(&conn.waker);
            match conn.stream.poll_read_buf(&mut cx, buf) {
                Poll::Ready(Ok(0)) | Poll::Ready(Err(_)) => closed.push(id),
                Poll::Ready(Ok(_)) => {
                    // More may be waiting; look again on the next round.
                    conn.wake.mark();
                    progress = true;
                    let origin = self.origin;
                    let now = *read_at.get_or_insert_with(|| since(origin));
                    self.cluster.handle_read(id, now);
                }
                Poll::Pending => {}
            }
        }
        progress | self.close_conns(closed)
    }

    fn poll_writes(&mut self) -> bool {
        let mut progress = false;
        let mut closed = Vec::new();
        for (id, conn) in self.conns.iter_mut() {
            let mut cx = Context::from_waker(&conn.waker);
            let cx = &mut cx;
            while conn.writing {
                let data = self.cluster.transmit(id);
                if data.is_empty() {
                    conn.writing = false;
                    break;
                }
                match conn.stream.poll_write(cx, data) {
                    Poll::Ready(Ok(0)) | Poll::Ready(Err(_)) => {
                        closed.push(id);
                        break;
                    }
                    Poll::Ready(Ok(n)) => {
                        self.cluster.handle_written(id, n);
                        conn.unflushed = true;
                        progress = true;
                    }
                    Poll::Pending => break,
                }
            }
            if conn.unflushed {
                match conn.stream.poll_flush(cx) {
                    Poll::Ready(Ok(())) => conn.unflushed = false,
                    Poll::Ready(Err(_)) => closed.push(id),
                    Poll::Pending => {}
                }
            }
        }
        progress | self.close_conns(closed)
    }

    /// Forget connections whose socket failed or ended, and tell the core.
    fn close_conns(&mut self, closed: Vec<ConnId>) -> bool {
        let any = !closed.is_empty();
        for id in closed {
            self.conns.remove(id);
            let now = self.now();
            self.cluster.handle_closed(id, now);
        }
        any
    }

    /// Carry out the core's outputs.
    /// Returns true when it started connection attempts, which must be polled before the
    /// driver may sleep.
    fn drain_outputs(&mut self) -> bool {
        let mut started = false;
        loop {
            match self.cluster.poll_output() {
                Output::Connect { conn, addr } => {
                    let fut = open::<R>(addr, self.options.clone());
                    self.connecting.push((conn, fut));
                    started = true;
                }
                Output::Transmit { conn } => {
                    if let Some(c) = self.conns.get_mut(conn) {
                        c.writing = true;
                    }
                }
                Output::Close { conn } => {
                    self.conns.remove(conn);
                    self.connecting.retain(|(c, _)| *c != conn);
                }
                Output::Reply { id, reply } => {
                    if let Some(w) = self.waiting.remove(id) {
                        // The span closes before the caller can see the reply.
                        w.span.finish(&reply);
                        let _ = w.tx.send(reply);
                        self.delivered += 1;
                    }
                }
                Output::Event(event) => self.event(&event),
                Output::PubSub(item) => {
                    let now = self.now();
                    for id in self.subscribers.deliver(item) {
                        self.drop_subscriber(id, now);
                    }
                }
                Output::NeedCredentials => {
                    if let Some(source) = &self.options.credentials {
                        self.credentials = Some(source.credentials());
                        started = true;
                    }
                }
                Output::Timeout(at) => {
                    if at != self.timer_at {
                        self.timer_at = at;
                        if let Some(at) = at {
                            let when = self.std_instant(at);
                            self.timer.reset(when);
                        }
                    }
                    break;
                }
            }
        }
        self.answer_ready_waiters();
        started
    }

    /// Keep `w` until request `id`'s reply; a traced request has the machine say which node
    /// served it (`Event::Served`).
    fn wait_for(&mut self, id: RequestId, w: Waiter) {
        #[cfg(feature = "tracing")]
        if w.span.is_enabled() {
            self.cluster.report_served_for(id);
        }
        self.waiting.insert(id, w);
    }

    /// Tell the machine's event to `tracing` (feature `tracing`; a request's `Served` goes to
    /// its span) and to the user's hook.
    fn event(&mut self, event: &Event) {
        #[cfg(feature = "tracing")]
        {
            crate::trace::event(event);
            if let Event::Served {
                request,
                addr,
                slot,
                redirects,
            } = event
            {
                if let Some(w) = self.waiting.get_mut(*request) {
                    w.span.served(addr.as_ref(), *slot, *redirects);
                }
                if !self.options.hook_served {
                    return;
                }
            }
        }
        if let Some(f) = &self.options.on_event {
            f(event);
        }
    }

    /// A subscription holder is gone: unsubscribe what nobody else holds.
    fn drop_subscriber(&mut self, id: u64, now: Instant) {
        if let Some((kind, gone)) = self.subscribers.remove(id) {
            if !gone.is_empty() {
                self.cluster.unsubscribe(kind, gone, now);
            }
        }
    }

    fn answer_ready_waiters(&mut self) {
        if self.ready.is_empty() {
            return;
        }
        let answer = if self.cluster.is_ready() {
            Ok(())
        } else if let Some(e) = self.cluster.bootstrap_error() {
            Err(e.clone())
        } else {
            return;
        };
        for tx in self.ready.drain(..) {
            let _ = tx.send(answer.clone());
        }
    }

    /// Hand the credentials source's answer to the core.
    fn poll_credentials(&mut self, cx: &mut Context<'_>) -> bool {
        let Some(fetch) = &mut self.credentials else {
            return false;
        };
        let Poll::Ready(answer) = fetch.as_mut().poll(cx) else {
            return false;
        };
        self.credentials = None;
        let now = self.now();
        match answer {
            Ok(c) => {
                let expires = c
                    .valid_for
                    .map(|d| now + keyslot_core::time::Duration::from(d));
                let core = keyslot_core::cluster::Credentials::new(c.username, c.password, expires);
                self.cluster.set_credentials(core, now);
            }
            Err(e) => self.cluster.credentials_failed(&e.to_string(), now),
        }
        true
    }

    fn poll_timer(&mut self, cx: &mut Context<'_>) -> bool {
        if self.timer_at.is_none() {
            return false;
        }
        match self.timer.poll_elapsed(cx) {
            Poll::Ready(()) => {
                self.timer_at = None;
                let now = self.now();
                self.cluster.handle_timeout(now);
                true
            }
            Poll::Pending => false,
        }
    }

    /// Every client handle is gone and no caller still waits: a request whose caller gave up
    /// (a cancelled `BLPOP q 0`, which has no deadline) must not keep the driver alive.
    fn finished(&self) -> bool {
        !self.rx_open && self.waiting.values().all(|w| w.tx.is_closed())
    }
}

impl<R: Runtime> Future for Driver<R> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.task.register(cx.waker());
        // Woken by a submission: step aside once so that other tasks ready to run submit too,
        // and their commands leave in the same write (runtimes run a just-woken task first).
        // Only when submissions have been arriving together: a lone caller (concurrency 1)
        // gains nothing from waiting and would pay a scheduling round trip.
        if !this.deferred {
            this.batch_start = this.taken;
        }
        let submitted = this.take_messages(cx);
        let concurrent = this.last_batch > 1;
        if submitted && concurrent && !this.deferred {
            this.deferred = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        this.deferred = false;
        this.delivered = 0;
        let mut first = true;
        for _ in 0..BUDGET {
            let mut progress = this.take_messages(cx);
            if first {
                this.last_batch = this.taken - this.batch_start;
                first = false;
            }
            progress |= this.poll_connects(cx);
            progress |= this.poll_credentials(cx);
            progress |= this.poll_reads();
            progress |= this.drain_outputs();
            progress |= this.poll_writes();
            progress |= this.poll_timer(cx);
            progress |= this.drain_outputs();
            if this.finished() {
                return Poll::Ready(());
            }
            if !progress {
                // Callers just woken by replies usually send their next command at once:
                // come back after them rather than be woken by the first one, so that their
                // commands leave together.
                if this.delivered > 1 {
                    cx.waker().wake_by_ref();
                }
                return Poll::Pending;
            }
        }
        // Plenty done: let other tasks run, and come back.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// The core's clock: microseconds since the driver started.
fn since(origin: StdInstant) -> Instant {
    Instant::from_micros(origin.elapsed().as_micros() as u64)
}

/// Resolve `addr` (every time: a configuration endpoint may point elsewhere by now), try each
/// address in turn, and wrap the first connection in TLS when configured.
fn open<R: Runtime>(addr: Addr, options: Arc<DriverOptions>) -> Connecting<R::Stream> {
    Box::pin(async move {
        let addrs: Vec<SocketAddr> = match addr.host.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, addr.port)],
            Err(_) => match &options.resolver {
                Some(r) => r.resolve(&addr.host, addr.port).await?,
                None => R::resolve(addr.host.clone(), addr.port).await?,
            },
        };
        let mut last = io::Error::new(
            io::ErrorKind::NotFound,
            format!("{} resolved to no address", addr.host),
        );
        for a in addrs {
            match R::connect_tcp(a).await {
                Ok(stream) => {
                    if let Some(keepalive) = &options.keepalive {
                        stream.set_keepalive(keepalive)?;
                    }
                    return crate::tls::wrap(stream, &addr, &options).await;
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    })
}
