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
//! what it replies. It keeps no copy of what the core knows: a caller's reply channel and a
//! subscriber's item stream travel through the core as tokens and come back with their
//! outputs, and which connection has bytes to write is read from the core each round.

use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Instant as StdInstant;

use bytes::Bytes;
use keyslot_core::cluster::{
    ConnId, Error, Event, Output, PubSub, Request, RequestId, SubscriptionKind,
};
use keyslot_core::time::Instant;
use keyslot_core::topology::{Addr, Topology};
use keyslot_core::Cluster;
use keyslot_core::Cmd;
use tokio::sync::{mpsc, oneshot};

use crate::resolve::Resolve;
use crate::runtime::{BoxFuture, Runtime, Stream, Timer};
use crate::waiter::{self, OneResult, PipelineResults, Waiter};
use crate::wake::{ConnWake, TaskWaker};

/// A subscriber's token: its item stream.
pub(crate) type Items = mpsc::UnboundedSender<PubSub>;

/// The core as the driver runs it: callers' waiters (a command's, a pipeline's) and
/// subscribers' streams as tokens.
pub(crate) type Machine = Cluster<Waiter<OneResult>, Items, Waiter<PipelineResults>>;

/// What a client handle asks of the driver.
pub(crate) enum Msg {
    /// A request, with the caller's own timeout when it gave one.
    Submit(Request, Option<std::time::Duration>, Waiter<OneResult>),
    /// A pipeline.
    Pipeline(Vec<Cmd>, Waiter<PipelineResults>),
    /// A new subscriber: its kind, channels and item stream.
    Subscribe(SubscriptionKind, Vec<Bytes>, Items),
    /// A subscriber dropped its stream: unsubscribe, in the core, the subscribers whose
    /// stream is closed.
    Unsubscribed,
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

/// What taking a message left for the end of the batch.
pub(crate) enum Taken {
    Done,
    /// A caller gave up: cancel the requests whose reply channel is closed.
    Abandoned,
    /// A subscription was dropped: unsubscribe those whose stream is closed.
    Unsubscribed,
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
    cluster: Machine,
    origin: StdInstant,
    rx: mpsc::UnboundedReceiver<Msg>,
    rx_open: bool,
    /// `Event::Served` of requests that ended with that command, for their reply's span: the
    /// reply follows in the same drain of outputs (emptied at its end).
    #[cfg(feature = "tracing")]
    served_last: Vec<(RequestId, Option<Addr>, Option<u16>, u32)>,
    /// Callers waiting for the first view (answered on `Output::Ready`).
    ready: Vec<oneshot::Sender<Result<(), Error>>>,
    /// The open sockets, by the core's connection id (a handful: found by a scan).
    conns: Vec<(ConnId, Conn<R>)>,
    connecting: Vec<(ConnId, Connecting<R::Stream>)>,
    /// The credentials source's answer being awaited (a new ask replaces it).
    credentials: Option<CredentialsFetch>,
    timer: R::Timer,
    timer_at: Option<Instant>,
    options: Arc<DriverOptions>,
    task: Arc<TaskWaker>,
    /// `task` as a waker.
    waker: Waker,
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
    /// Written since the last flush (TLS buffers records).
    unflushed: bool,
    /// Look at what the core holds for this connection in the next round of writes: the
    /// core said it has bytes (`Output::Transmit`, said once until they are all written),
    /// the connection is new, or its socket took less than all of them. Cleared once the
    /// core's buffer is empty: what is left to write is only ever the core's to know.
    write_due: bool,
}

impl<R: Runtime> Driver<R> {
    pub(crate) fn new(
        cluster: Machine,
        origin: StdInstant,
        rx: mpsc::UnboundedReceiver<Msg>,
        options: DriverOptions,
    ) -> Self {
        let task = Arc::new(TaskWaker::default());
        Driver {
            cluster,
            origin,
            rx,
            rx_open: true,
            #[cfg(feature = "tracing")]
            served_last: Vec::new(),
            ready: Vec::new(),
            conns: Vec::new(),
            connecting: Vec::new(),
            credentials: None,
            timer: R::timer(),
            timer_at: None,
            options: Arc::new(options),
            task: task.clone(),
            waker: Waker::from(task),
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
        let mut unsubscribed = false;
        while self.rx_open {
            match self.rx.poll_recv(cx) {
                Poll::Ready(Some(msg)) => {
                    progress = true;
                    let now = *taken_at.get_or_insert_with(|| self.now());
                    match self.take(msg, now) {
                        Taken::Done => {}
                        Taken::Abandoned => abandoned = true,
                        Taken::Unsubscribed => unsubscribed = true,
                    }
                }
                Poll::Ready(None) => self.rx_open = false,
                Poll::Pending => break,
            }
        }
        // One pass per batch of messages however many callers gave up in it.
        self.after_batch(abandoned, unsubscribed);
        progress
    }

    /// Cancel the requests whose caller left, and drop the subscribers whose stream closed.
    fn after_batch(&mut self, abandoned: bool, unsubscribed: bool) {
        if abandoned {
            let now = self.now();
            for w in self.cluster.cancel_where(waiter::is_abandoned, now) {
                waiter::into_span(w).cancelled();
            }
        }
        if unsubscribed {
            let now = self.now();
            self.cluster
                .unsubscribe_where(|items| items.is_closed(), now);
        }
    }

    /// Nothing under way, in the core or here (see `Cluster::is_quiet`).
    #[cfg(feature = "blocking")]
    pub(crate) fn is_quiet(&self) -> bool {
        self.connecting.is_empty() && self.credentials.is_none() && self.cluster.is_quiet()
    }

    /// When the core wants its next timeout.
    #[cfg(feature = "blocking")]
    pub(crate) fn next_deadline(&self) -> Option<StdInstant> {
        self.timer_at.map(|at| self.std_instant(at))
    }

    /// The driver's forwarding waker (see `wake.rs`).
    #[cfg(feature = "blocking")]
    pub(crate) fn task(&self) -> &TaskWaker {
        &self.task
    }

    /// Take one message into the core.
    fn take(&mut self, msg: Msg, now: Instant) -> Taken {
        self.taken += 1;
        match msg {
            Msg::Submit(request, timeout, w) => {
                let traced = w.span.is_enabled();
                let id = self.cluster.submit(request, w, now);
                if let Some(t) = timeout {
                    let micros = u64::try_from(t.as_micros()).unwrap_or(u64::MAX);
                    let at = now + keyslot_core::time::Duration::from_micros(micros);
                    self.cluster.set_deadline(id, at);
                }
                self.report_served_if(traced, id);
            }
            Msg::Pipeline(cmds, w) => {
                let traced = w.span.is_enabled();
                let id = self.cluster.submit_pipeline(cmds, w, now);
                self.report_served_if(traced, id);
            }
            Msg::Subscribe(kind, channels, items) => {
                self.cluster.subscribe(kind, channels, items, now);
            }
            Msg::Unsubscribed => return Taken::Unsubscribed,
            Msg::Ready(tx) => self.answer_or_keep(tx),
            Msg::Topology(tx) => {
                let _ = tx.send(self.cluster.topology().cloned());
            }
            Msg::Metrics(tx) => {
                let _ = tx.send(self.cluster.metrics());
            }
            Msg::Cancelled => return Taken::Abandoned,
        }
        Taken::Done
    }

    /// A traced request has the machine say which node served it.
    fn report_served_if(&mut self, traced: bool, id: RequestId) {
        if traced {
            self.cluster.report_served_for(id);
        }
    }

    /// Answer a caller waiting for the first view now, if the core can say; else keep it
    /// until `Output::Ready`.
    fn answer_or_keep(&mut self, tx: oneshot::Sender<Result<(), Error>>) {
        if self.cluster.is_ready() {
            let _ = tx.send(Ok(()));
        } else if let Some(e) = self.cluster.bootstrap_error() {
            let _ = tx.send(Err(e.clone()));
        } else {
            self.ready.push(tx);
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
                                unflushed: false,
                                write_due: true,
                            };
                            self.conns.push((conn, io));
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
            let id = *id;
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

    /// Write what the core has for each connection whose write is due: its buffer is the only
    /// record of what is left to write (a socket that took part of it is tried again on the
    /// next round, or when it wakes the driver as writable).
    fn poll_writes(&mut self) -> bool {
        let mut progress = false;
        let mut closed = Vec::new();
        for (id, conn) in self.conns.iter_mut() {
            let id = *id;
            let mut cx = Context::from_waker(&conn.waker);
            let cx = &mut cx;
            while conn.write_due {
                let data = self.cluster.transmit(id);
                if data.is_empty() {
                    conn.write_due = false;
                    break;
                }
                let len = data.len();
                match conn.stream.poll_write(cx, data) {
                    Poll::Ready(Ok(0)) | Poll::Ready(Err(_)) => {
                        closed.push(id);
                        break;
                    }
                    Poll::Ready(Ok(n)) => {
                        self.cluster.handle_written(id, n);
                        conn.unflushed = true;
                        progress = true;
                        // All of it: the core's buffer is empty, and bytes it gets from now
                        // on come with a new `Output::Transmit`.
                        conn.write_due = n < len;
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
            self.forget_conn(id);
            let now = self.now();
            self.cluster.handle_closed(id, now);
        }
        any
    }

    fn forget_conn(&mut self, id: ConnId) {
        self.conns.retain(|(c, _)| *c != id);
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
                    if let Some((_, io)) = self.conns.iter_mut().find(|(c, _)| *c == conn) {
                        io.write_due = true;
                    }
                }
                Output::Close { conn } => {
                    self.forget_conn(conn);
                    self.connecting.retain(|(c, _)| *c != conn);
                }
                Output::Reply { id, token, reply } => {
                    self.deliver(id, token, reply, |r| r.as_ref().err());
                }
                Output::PipelineReply { id, token, results } => {
                    self.deliver(id, token, results, |rs| {
                        rs.iter().find_map(|r| r.as_ref().err())
                    });
                }
                Output::Event(event) => self.event(&event),
                Output::PubSub { subscriber, item } => {
                    let dropped = self
                        .cluster
                        .subscriber(subscriber)
                        .is_some_and(|items| items.send(item).is_err());
                    if dropped {
                        let now = self.now();
                        self.cluster.unsubscribe(subscriber, now);
                    }
                }
                Output::Ready(answer) => {
                    for tx in self.ready.drain(..) {
                        let _ = tx.send(answer.clone());
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
        // Each was for a reply queued behind it, handed over by now.
        #[cfg(feature = "tracing")]
        self.served_last.clear();
        started
    }

    /// Hand a finished request's reply to its caller, of either shape. Its span gets the
    /// `Served` events of its last commands and `failure`'s error (a pipeline's first), and
    /// closes before the caller can see the reply.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables, unused_mut))]
    fn deliver<A>(
        &mut self,
        id: RequestId,
        mut waiter: Waiter<A>,
        reply: A,
        failure: impl FnOnce(&A) -> Option<&Error>,
    ) {
        #[cfg(feature = "tracing")]
        for (_, addr, slot, redirects) in self.served_last.iter().filter(|s| s.0 == id) {
            waiter.span.served(addr.as_ref(), *slot, *redirects);
        }
        waiter.span.finish(failure(&reply));
        let _ = waiter.tx.send(reply);
        self.delivered += 1;
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
                match self.cluster.token_mut(*request) {
                    Some(w) => waiter::span_mut(w).served(addr.as_ref(), *slot, *redirects),
                    // Its last command: the request is done, its reply queued behind this.
                    None => self
                        .served_last
                        .push((*request, addr.clone(), *slot, *redirects)),
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
        !self.rx_open && self.cluster.tokens().all(waiter::is_abandoned)
    }
}

impl<R: Runtime> Future for Driver<R> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.task.register(cx.waker());
        // Every part is polled with the forwarding waker (see `wake.rs`).
        let waker = this.waker.clone();
        let cx = &mut Context::from_waker(&waker);
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
            if this.poll_timer(cx) {
                progress = true;
                this.drain_outputs();
            }
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
