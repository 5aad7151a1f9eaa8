//! The client handle: cheap to clone, shared by every task that sends commands.

use std::marker::PhantomData;
use std::time::Duration;

use keyslot_core::cluster::{Error, Reply, SubscriptionKind};
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

/// A Redis Cluster client on runtime `R`. Clones share one driver (one connection per node);
/// the driver stops when the last clone is dropped and its requests are answered.
pub struct Client<R> {
    tx: mpsc::UnboundedSender<Msg>,
    /// One permit per request in flight: the bound of `Builder::max_pending_requests`.
    permits: Arc<Semaphore>,
    _runtime: PhantomData<fn() -> R>,
}

impl<R> Clone for Client<R> {
    fn clone(&self) -> Self {
        Client {
            tx: self.tx.clone(),
            permits: self.permits.clone(),
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
    pub async fn connect<I, S>(seeds: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self::builder(seeds).connect().await
    }

    /// A builder with every knob of the client.
    pub fn builder<I, S>(seeds: I) -> Builder<R>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Builder::new(seeds)
    }

    pub(crate) fn from_sender(tx: mpsc::UnboundedSender<Msg>, max_pending: usize) -> Self {
        Client {
            tx,
            permits: Arc::new(Semaphore::new(max_pending)),
            _runtime: PhantomData,
        }
    }

    /// Run one command on the node that serves its keys.
    ///
    /// Dropping the future before it completes cancels the command: if none of its bytes
    /// had been written it never runs, and a blocking command waiting on the server is
    /// unblocked (its connection is closed) before it can take anything.
    pub async fn send(&self, cmd: Cmd) -> Result<Value, Error> {
        single(self.wait(|tx| Msg::Send(cmd, None, tx)).await?.await)
    }

    /// [`send`](Self::send) with a deadline of its own instead of the request timeout (a
    /// blocking command's own timeout included). At the deadline the command ends with
    /// [`Error::Timeout`] if it did not run, or [`Error::OutcomeUnknown`] if it may write
    /// and was sent. The deadline starts when the command is submitted, after any wait for
    /// room under [`Builder::max_pending_requests`](crate::Builder::max_pending_requests).
    pub async fn send_timeout(&self, cmd: Cmd, timeout: Duration) -> Result<Value, Error> {
        single(
            self.wait(|tx| Msg::Send(cmd, Some(timeout), tx))
                .await?
                .await,
        )
    }

    /// Run commands for any slots; results come back in order, each with its own outcome.
    pub async fn pipeline(&self, cmds: Vec<Cmd>) -> Result<Vec<Result<Value, Error>>, Error> {
        pipeline(self.wait(|tx| Msg::Pipeline(cmds, tx)).await?.await)
    }

    /// Run commands as one MULTI/EXEC transaction; their keys must share a slot. The value is
    /// the array of the commands' replies.
    pub async fn transaction(&self, cmds: Vec<Cmd>) -> Result<Value, Error> {
        single(self.wait(|tx| Msg::Transaction(cmds, tx)).await?.await)
    }

    /// Run a command on one node, whatever its keys (`CLUSTER NODES`, `INFO`, `MEMORY
    /// STATS`). The node's own answer is the reply; redirects are not followed.
    pub async fn send_to(&self, node: &Addr, cmd: Cmd) -> Result<Value, Error> {
        let node = node.clone();
        single(self.wait(|tx| Msg::SendTo(node, cmd, tx)).await?.await)
    }

    /// Run a script by its digest (`EVALSHA`); a node that lacks it gets `SCRIPT LOAD` and
    /// the call again, so the caller never sees `NOSCRIPT`.
    pub async fn script(&self, call: ScriptCall) -> Result<Value, Error> {
        single(self.wait(|tx| Msg::Script(call, tx)).await?.await)
    }

    /// Subscribe to channels (`SUBSCRIBE`); the subscription lives on one node and moves
    /// when that node dies. See [`Subscription`] for what it yields.
    pub fn subscribe<I, C>(&self, channels: I) -> Result<Subscription, Error>
    where
        I: IntoIterator<Item = C>,
        C: AsRef<[u8]>,
    {
        subscribe(&self.tx, SubscriptionKind::Channel, channels)
    }

    /// Subscribe to channel patterns (`PSUBSCRIBE`).
    pub fn psubscribe<I, C>(&self, patterns: I) -> Result<Subscription, Error>
    where
        I: IntoIterator<Item = C>,
        C: AsRef<[u8]>,
    {
        subscribe(&self.tx, SubscriptionKind::Pattern, patterns)
    }

    /// Subscribe to shard channels (`SSUBSCRIBE`, Redis 7+), each on its slot's primary;
    /// followed across slot migrations and failovers.
    pub fn ssubscribe<I, C>(&self, channels: I) -> Result<Subscription, Error>
    where
        I: IntoIterator<Item = C>,
        C: AsRef<[u8]>,
    {
        subscribe(&self.tx, SubscriptionKind::Shard, channels)
    }

    /// The client's current view of the cluster (`None` before discovery).
    pub async fn topology(&self) -> Result<Option<Topology>, Error> {
        self.topology_request()?.await.map_err(|_| Error::Closed)
    }

    pub(crate) fn topology_request(&self) -> Result<oneshot::Receiver<Option<Topology>>, Error> {
        let (tx, rx) = oneshot::channel();
        self.tx.send(Msg::Topology(tx)).map_err(|_| Error::Closed)?;
        Ok(rx)
    }

    /// Submit a request, once the bound on requests in flight allows, and wait for its
    /// reply; dropping the wait cancels it.
    pub(crate) async fn wait(
        &self,
        msg: impl FnOnce(oneshot::Sender<Reply>) -> Msg,
    ) -> Result<PendingReply<'_>, Error> {
        let permit = self.permit().await?;
        Ok(PendingReply::new(self.request(msg)?, &self.tx, permit))
    }

    /// Submit a request, once the bound on requests in flight allows, and block the thread
    /// until its reply (the blocking client).
    #[cfg(feature = "blocking")]
    pub(crate) fn blocking_request(
        &self,
        msg: impl FnOnce(oneshot::Sender<Reply>) -> Msg,
    ) -> Result<Result<Reply, oneshot::error::RecvError>, Error> {
        let _permit = async_io::block_on(self.permit())?;
        Ok(self.request(msg)?.blocking_recv())
    }

    /// A place among the requests in flight, waiting for one when all are taken.
    pub(crate) async fn permit(&self) -> Result<OwnedSemaphorePermit, Error> {
        self.permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Error::Closed)
    }

    pub(crate) fn request(
        &self,
        msg: impl FnOnce(oneshot::Sender<Reply>) -> Msg,
    ) -> Result<oneshot::Receiver<Reply>, Error> {
        let (tx, rx) = oneshot::channel();
        self.tx.send(msg(tx)).map_err(|_| Error::Closed)?;
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
    let (subscription, id, items) = Subscription::new(tx.clone());
    tx.send(Msg::Subscribe(id, kind, channels, items))
        .map_err(|_| Error::Closed)?;
    Ok(subscription)
}

pub(crate) fn single(reply: Result<Reply, oneshot::error::RecvError>) -> Result<Value, Error> {
    match reply {
        Ok(Reply::Single(result)) => result,
        Ok(Reply::Pipeline(_)) | Err(_) => Err(Error::Closed),
    }
}

pub(crate) fn pipeline(
    reply: Result<Reply, oneshot::error::RecvError>,
) -> Result<Vec<Result<Value, Error>>, Error> {
    match reply {
        Ok(Reply::Pipeline(results)) => Ok(results),
        Ok(Reply::Single(Err(e))) => Err(e),
        Ok(Reply::Single(Ok(_))) | Err(_) => Err(Error::Closed),
    }
}
