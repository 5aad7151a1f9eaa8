//! `Client::scan`: the cluster-wide key scan, carried out for the core's planner.
//!
//! Every decision — which node to ask what, what a reply means, when a slot must be re-read —
//! is [`keyslot_core::scan::ClusterScan`]'s. This file is the loop that carries its steps:
//! node commands through [`Client::send_to`], routed ones through [`Client::pipeline`], pauses
//! on the runtime's timer, and a fresh topology whenever the planner wants one.

use std::future::poll_fn;
use std::time::{Duration, Instant};

use bytes::Bytes;
use keyslot_core::cluster::Error;
use keyslot_core::scan::{ClusterScan, ScanError, ScanOptions, ScanStats, Step};
use keyslot_core::topology::Topology;

use crate::client::Client;
use crate::runtime::{Runtime, Timer};

/// A scan over every key of the cluster, in batches; see [`Client::scan`].
///
/// **Guarantee:** every key that exists for the whole scan is returned at least once, even
/// through failovers and resharding; keys may come more than once, and keys created or
/// deleted meanwhile may or may not come. The [`keyslot_core::scan`] docs explain how, and
/// the one change it cannot notice (a slot that leaves a node and comes back between two
/// looks at it).
///
/// ```no_run
/// # async fn demo(client: keyslot::tokio::Client) -> Result<(), Box<dyn std::error::Error>> {
/// let mut scan = client.scan(keyslot::ScanOptions::default());
/// let mut keys = 0;
/// while let Some(batch) = scan.next_batch().await {
///     keys += batch?.len();
/// }
/// println!("{keys} keys (some may be counted twice)");
/// # Ok(()) }
/// ```
pub struct Scan<R> {
    client: Client<R>,
    plan: ClusterScan,
    topology: Option<Topology>,
    done: bool,
}

impl<R> std::fmt::Debug for Scan<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scan")
            .field("stats", &self.plan.stats())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<R: Runtime> Client<R> {
    /// Scan every key of the cluster, one primary at a time: `MATCH`, `COUNT` and `TYPE`
    /// as [`ScanOptions`] say. Call [`Scan::next_batch`] until it returns `None`.
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use keyslot::ScanOptions;
    /// let opts = ScanOptions { pattern: Some("session:*".into()), ..ScanOptions::default() };
    /// let mut sessions = client.scan(opts);
    /// while let Some(batch) = sessions.next_batch().await {
    ///     for key in batch? {
    ///         println!("{}", String::from_utf8_lossy(&key));
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn scan(&self, opts: ScanOptions) -> Scan<R> {
        Scan {
            client: self.clone(),
            plan: ClusterScan::new(opts),
            topology: None,
            done: false,
        }
    }
}

impl<R: Runtime> Scan<R> {
    /// The next keys found (never an empty batch), `None` once the scan is complete, or the
    /// error that ended it (after which it returns `None`).
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let opts = keyslot::ScanOptions { count: Some(500), ..Default::default() };
    /// let mut scan = client.scan(opts);
    /// while let Some(batch) = scan.next_batch().await {
    ///     let keys = batch?;
    ///     assert!(!keys.is_empty());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn next_batch(&mut self) -> Option<Result<Vec<Bytes>, ScanError>> {
        while !self.done {
            match self.advance().await {
                Ok(keys) if keys.is_empty() => {}
                Ok(keys) => return Some(Ok(keys)),
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
        None
    }

    /// What the scan has done so far (nodes scanned, slots re-read, failures).
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let mut scan = client.scan(keyslot::ScanOptions::default());
    /// while let Some(batch) = scan.next_batch().await {
    ///     batch?;
    /// }
    /// let stats = scan.stats();
    /// println!("{} primaries scanned, {} failures", stats.nodes_scanned, stats.failures);
    /// # Ok(()) }
    /// ```
    pub fn stats(&self) -> ScanStats {
        self.plan.stats()
    }

    /// Carry out one step of the plan.
    async fn advance(&mut self) -> Result<Vec<Bytes>, ScanError> {
        if self.plan.wants_topology() || self.topology.is_none() {
            self.refresh_topology().await?;
        }
        let Some(topology) = &self.topology else {
            return Err(refused(Error::Timeout));
        };
        match self.plan.next_step(topology) {
            Step::Done => {
                self.done = true;
                Ok(Vec::new())
            }
            Step::Wait(pause) => {
                sleep::<R>(pause.into()).await;
                Ok(Vec::new())
            }
            Step::Send { node, cmd } => {
                let reply = self.client.send_to(&node, cmd).await;
                self.plan.on_reply(reply)
            }
            Step::Routed { cmds } => {
                let replies = self.client.pipeline(cmds).await;
                self.plan.on_routed_replies(replies)
            }
        }
    }

    /// Take the client's current view. Clients are connected with a view already; should
    /// one have none, wait until the driver has one (or says why it has none).
    async fn refresh_topology(&mut self) -> Result<(), ScanError> {
        if self.topology.is_none() {
            let ready = self.client.ready().map_err(refused)?;
            ready
                .await
                .map_err(|_| refused(Error::Closed))?
                .map_err(refused)?;
        }
        if let Some(topology) = self.client.topology().await.map_err(refused)? {
            self.topology = Some(topology);
        }
        Ok(())
    }
}

fn refused(error: Error) -> ScanError {
    ScanError::Refused { node: None, error }
}

async fn sleep<R: Runtime>(pause: Duration) {
    let mut timer = R::timer();
    timer.reset(Instant::now() + pause);
    poll_fn(|cx| timer.poll_elapsed(cx)).await;
}
