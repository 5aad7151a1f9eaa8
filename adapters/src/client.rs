//! The client handle: cheap to clone, shared by every task that sends commands.

use std::marker::PhantomData;
use std::time::Duration;

use keyslot_core::cluster::{Error, Request, SubscriptionKind};
use keyslot_core::resp::Value;
use keyslot_core::topology::{Addr, Topology};
use keyslot_core::{Cmd, ScriptCall};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, OwnedSemaphorePermit, Semaphore};

use crate::builder::Builder;
use crate::driver::Msg;
use crate::pending::PendingReply;
use crate::runtime::Runtime;
use crate::subscription::Subscription;
use crate::trace::{Op, RequestSpan, Spans};
use crate::waiter::{OneResult, PipelineResults, Waiter};

/// A Redis Cluster client on runtime `R`. Clones share one driver (one connection per node);
/// the driver stops when the last clone is dropped and its requests are answered.
///
/// ```no_run
/// # async fn demo() -> Result<(), keyslot::Error> {
/// use keyslot::Cmd;
/// let client = keyslot::tokio::Client::connect(["127.0.0.1:7000"]).await?;
/// let worker = client.clone(); // the same driver and connections
/// tokio::spawn(async move { worker.send(Cmd::new("INCR").arg("jobs:started")).await });
/// client.send(Cmd::new("INCR").arg("requests")).await?;
/// # Ok(()) }
/// ```
pub struct Client<R> {
    tx: mpsc::UnboundedSender<Msg>,
    /// One permit per request in flight: the bound of `Builder::max_pending_requests`.
    permits: Arc<Semaphore>,
    /// Opens each request's span (feature `tracing`; zero-sized without it).
    spans: Spans,
    _runtime: PhantomData<fn() -> R>,
}

impl<R> Clone for Client<R> {
    fn clone(&self) -> Self {
        Client {
            tx: self.tx.clone(),
            permits: self.permits.clone(),
            spans: self.spans.clone(),
            _runtime: PhantomData,
        }
    }
}

impl<R> std::fmt::Debug for Client<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").finish_non_exhaustive()
    }
}

impl<R: Runtime> Client<R> {
    /// Connect with default settings. `seeds` are `host:port`, `redis://user:pass@host:port`
    /// or `rediss://...`; one reachable seed is enough (a configuration endpoint is one).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), keyslot::Error> {
    /// let client = keyslot::tokio::Client::connect(["redis://app:secret@10.0.0.1:6379"]).await?;
    /// # let _ = client; Ok(()) }
    /// ```
    ///
    /// A malformed seed fails with [`Error::Config`] before anything connects:
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let seeds = ["memcached://10.0.0.1:11211"];
    /// let err = keyslot::tokio::Client::connect(seeds).await.unwrap_err();
    /// assert!(matches!(err, keyslot::Error::Config(_)));
    /// # });
    /// ```
    pub async fn connect<I, S>(seeds: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self::builder(seeds).connect().await
    }

    /// A builder with every knob of the client.
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .request_timeout(Duration::from_secs(1));
    /// ```
    pub fn builder<I, S>(seeds: I) -> Builder<R>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Builder::new(seeds)
    }

    pub(crate) fn from_sender(
        tx: mpsc::UnboundedSender<Msg>,
        max_pending: usize,
        spans: Spans,
    ) -> Self {
        Client {
            tx,
            permits: Arc::new(Semaphore::new(max_pending)),
            spans,
            _runtime: PhantomData,
        }
    }

    /// Run one command on the node that serves its keys.
    ///
    /// Dropping the future before it completes cancels the command: if none of its bytes
    /// had been written it never runs, and a blocking command waiting on the server is
    /// unblocked (its connection is closed) before it can take anything.
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
    /// use keyslot::Cmd;
    /// client.send(Cmd::new("SET").arg("greeting").arg("hello")).await?;
    /// let value = client.send(Cmd::new("GET").arg("greeting")).await?;
    /// assert_eq!(value.as_str(), Some("hello"));
    /// # Ok(()) }
    /// ```
    pub async fn send(&self, cmd: Cmd) -> Result<Value, Error> {
        let span = self.span(Op::Command(&cmd));
        single(
            self.wait(span, |w| Msg::Submit(Request::Command(cmd), None, w))
                .await?
                .await
                .ok(),
        )
    }

    /// [`send`](Self::send) with a deadline of its own instead of the request timeout (a
    /// blocking command's own timeout included). At the deadline the command ends with
    /// [`Error::Timeout`] if it did not run, or [`Error::OutcomeUnknown`] if it may write
    /// and was sent. The deadline starts when the command is submitted, after any wait for
    /// room under [`Builder::max_pending_requests`](crate::Builder::max_pending_requests).
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
    /// use std::time::Duration;
    /// use keyslot::{Cmd, Error};
    /// let pop = Cmd::new("BLPOP").arg("queue").arg(0);
    /// match client.send_timeout(pop, Duration::from_secs(30)).await {
    ///     Err(Error::Timeout) => println!("nothing queued in 30 s"),
    ///     other => println!("{:?}", other?),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn send_timeout(&self, cmd: Cmd, timeout: Duration) -> Result<Value, Error> {
        let span = self.span(Op::Command(&cmd));
        single(
            self.wait(span, |w| {
                Msg::Submit(Request::Command(cmd), Some(timeout), w)
            })
            .await?
            .await
            .ok(),
        )
    }

    /// Run commands for any slots; results come back in order, each with its own outcome.
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
    /// use keyslot::Cmd;
    /// let cmds = vec![Cmd::new("INCR").arg("a"), Cmd::new("INCR").arg("b")];
    /// for result in client.pipeline(cmds).await? {
    ///     println!("{:?}", result?);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn pipeline(&self, cmds: Vec<Cmd>) -> Result<Vec<Result<Value, Error>>, Error> {
        let span = self.span(Op::Pipeline(&cmds));
        pipeline(
            self.wait(span, |w| Msg::Pipeline(cmds, w))
                .await?
                .await
                .ok(),
        )
    }

    /// Run commands as one MULTI/EXEC transaction; their keys must share a slot. The value is
    /// the array of the commands' replies.
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
    /// use keyslot::Cmd;
    /// // `{user:1}` is the hash tag: both keys are on its slot.
    /// let replies = client
    ///     .transaction(vec![
    ///         Cmd::new("HSET").arg("{user:1}:profile").arg("name").arg("Ada"),
    ///         Cmd::new("INCR").arg("{user:1}:version"),
    ///     ])
    ///     .await?;
    /// # let _ = replies; Ok(()) }
    /// ```
    pub async fn transaction(&self, cmds: Vec<Cmd>) -> Result<Value, Error> {
        let span = self.span(Op::Transaction(&cmds));
        single(
            self.wait(span, |w| Msg::Submit(Request::Transaction(cmds), None, w))
                .await?
                .await
                .ok(),
        )
    }

    /// Run a command on one node, whatever its keys (`CLUSTER NODES`, `INFO`, `MEMORY
    /// STATS`). The node's own answer is the reply; redirects are not followed.
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
    /// use keyslot::{Addr, Cmd};
    /// let node = Addr::new("10.0.0.1", 6379);
    /// let info = client.send_to(&node, Cmd::new("INFO").arg("memory")).await?;
    /// # let _ = info; Ok(()) }
    /// ```
    pub async fn send_to(&self, node: &Addr, cmd: Cmd) -> Result<Value, Error> {
        let node = node.clone();
        let span = self.span(Op::Command(&cmd));
        single(
            self.wait(span, |w| Msg::Submit(Request::ToNode(node, cmd), None, w))
                .await?
                .await
                .ok(),
        )
    }

    /// Run a script by its digest (`EVALSHA`); a node that lacks it gets `SCRIPT LOAD` and
    /// the call again, so the caller never sees `NOSCRIPT`.
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
    /// use keyslot::Script;
    /// let incr_by = Script::new("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    /// let n = client.script(incr_by.call().key("counter").arg(5)).await?;
    /// # let _ = n; Ok(()) }
    /// ```
    pub async fn script(&self, call: ScriptCall) -> Result<Value, Error> {
        let span = self.span(Op::Script);
        single(
            self.wait(span, |w| Msg::Submit(Request::Script(call), None, w))
                .await?
                .await
                .ok(),
        )
    }

    /// Subscribe to channels (`SUBSCRIBE`); the subscription lives on one node and moves
    /// when that node dies. See [`Subscription`] for what it yields.
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
    /// use keyslot::PubSub;
    /// let mut news = client.subscribe(["news"])?;
    /// while let Some(item) = news.next().await {
    ///     if let PubSub::Message { payload, .. } = item {
    ///         println!("{}", String::from_utf8_lossy(&payload));
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn subscribe<I, C>(&self, channels: I) -> Result<Subscription, Error>
    where
        I: IntoIterator<Item = C>,
        C: AsRef<[u8]>,
    {
        subscribe(&self.tx, SubscriptionKind::Channel, channels)
    }

    /// Subscribe to channel patterns (`PSUBSCRIBE`).
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
    /// let mut events = client.psubscribe(["events.*"])?;
    /// while let Some(item) = events.next().await {
    ///     println!("{item:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn psubscribe<I, C>(&self, patterns: I) -> Result<Subscription, Error>
    where
        I: IntoIterator<Item = C>,
        C: AsRef<[u8]>,
    {
        subscribe(&self.tx, SubscriptionKind::Pattern, patterns)
    }

    /// Subscribe to shard channels (`SSUBSCRIBE`, Redis 7+), each on its slot's primary;
    /// followed across slot migrations and failovers.
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
    /// let mut orders = client.ssubscribe(["orders:{eu}"])?;
    /// while let Some(item) = orders.next().await {
    ///     println!("{item:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn ssubscribe<I, C>(&self, channels: I) -> Result<Subscription, Error>
    where
        I: IntoIterator<Item = C>,
        C: AsRef<[u8]>,
    {
        subscribe(&self.tx, SubscriptionKind::Shard, channels)
    }

    /// The client's current view of the cluster (`None` before discovery).
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
    /// if let Some(topology) = client.topology().await? {
    ///     for node in topology.nodes() {
    ///         println!("{} ({:?})", node.addr, node.role);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn topology(&self) -> Result<Option<Topology>, Error> {
        self.topology_request()?.await.map_err(|_| Error::Closed)
    }

    pub(crate) fn topology_request(&self) -> Result<oneshot::Receiver<Option<Topology>>, Error> {
        let (tx, rx) = oneshot::channel();
        self.tx.send(Msg::Topology(tx)).map_err(|_| Error::Closed)?;
        Ok(rx)
    }

    /// What the client saw of each node so far: connections, commands in flight, replies,
    /// errors by kind, redirects, connection failures, and reply-time percentiles (see
    /// [`Metrics`](crate::Metrics)). A snapshot: cheap, taken when asked.
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
    /// for node in client.metrics().await?.nodes {
    ///     println!(
    ///         "{} {} replies, p99 {} µs, {} MOVED",
    ///         node.addr,
    ///         node.replies,
    ///         node.latency.percentile(99.0).as_micros(),
    ///         node.moved
    ///     );
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn metrics(&self) -> Result<crate::Metrics, Error> {
        self.metrics_request()?.await.map_err(|_| Error::Closed)
    }

    /// Take a snapshot and publish it through the `metrics` crate facade (feature
    /// `metrics`; see [`crate::metrics_export`]). Call it at the pace the recorder wants.
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
    /// loop {
    ///     client.publish_metrics().await?;
    ///     tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    /// }
    /// # }
    /// ```
    #[cfg(feature = "metrics")]
    pub async fn publish_metrics(&self) -> Result<(), Error> {
        crate::metrics_export::publish(&self.metrics().await?);
        Ok(())
    }

    pub(crate) fn metrics_request(&self) -> Result<oneshot::Receiver<crate::Metrics>, Error> {
        let (tx, rx) = oneshot::channel();
        self.tx.send(Msg::Metrics(tx)).map_err(|_| Error::Closed)?;
        Ok(rx)
    }

    /// The span of a request about to be made, in the caller's context (see `trace.rs`):
    /// opened before any wait for room among the requests in flight, so that it covers the
    /// call as the caller sees it.
    pub(crate) fn span(&self, op: Op<'_>) -> RequestSpan {
        self.spans.open(op)
    }

    /// Submit a request, once the bound on requests in flight allows, and wait for its
    /// reply; dropping the wait cancels it.
    pub(crate) async fn wait<A>(
        &self,
        span: RequestSpan,
        msg: impl FnOnce(Waiter<A>) -> Msg,
    ) -> Result<PendingReply<'_, A>, Error> {
        let permit = self.permit().await?;
        Ok(PendingReply::new(
            self.request(span, msg)?,
            &self.tx,
            permit,
        ))
    }

    /// A place among the requests in flight, waiting for one when all are taken.
    pub(crate) async fn permit(&self) -> Result<OwnedSemaphorePermit, Error> {
        self.permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Error::Closed)
    }

    pub(crate) fn request<A>(
        &self,
        span: RequestSpan,
        msg: impl FnOnce(Waiter<A>) -> Msg,
    ) -> Result<oneshot::Receiver<A>, Error> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(msg(Waiter { tx, span }))
            .map_err(|_| Error::Closed)?;
        Ok(rx)
    }

    pub(crate) fn ready(&self) -> Result<oneshot::Receiver<Result<(), Error>>, Error> {
        let (tx, rx) = oneshot::channel();
        self.tx.send(Msg::Ready(tx)).map_err(|_| Error::Closed)?;
        Ok(rx)
    }
}

/// Register a subscription holder with the driver (shared by every client kind).
pub(crate) fn subscribe<I, C>(
    tx: &mpsc::UnboundedSender<Msg>,
    kind: SubscriptionKind,
    channels: I,
) -> Result<Subscription, Error>
where
    I: IntoIterator<Item = C>,
    C: AsRef<[u8]>,
{
    let channels: Vec<bytes::Bytes> = channels
        .into_iter()
        .map(|c| bytes::Bytes::copy_from_slice(c.as_ref()))
        .collect();
    let (subscription, items) = Subscription::new(tx.clone());
    tx.send(Msg::Subscribe(kind, channels, items))
        .map_err(|_| Error::Closed)?;
    Ok(subscription)
}

/// A single request's result; `None` when the driver went away without a reply.
pub(crate) fn single(reply: Option<OneResult>) -> Result<Value, Error> {
    reply.unwrap_or(Err(Error::Closed))
}

/// A pipeline's results; `None` when the driver went away without a reply.
pub(crate) fn pipeline(reply: Option<PipelineResults>) -> Result<PipelineResults, Error> {
    reply.ok_or(Error::Closed)
}
