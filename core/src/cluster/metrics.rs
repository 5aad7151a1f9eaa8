//! What the machine saw of each node, for operators: replies, errors by kind, redirects,
//! connection failures and (with `std`) reply times as an HDR histogram.
//!
//! Counting happens where the machine already handles each event (a reply, a redirect, a
//! lost connection), so a snapshot costs nothing until it is asked for; [`Cluster::metrics`]
//! then copies the counters and adds what is derived (connections, requests in flight).
//! Reply times are a node's own: from a command's write to its reply, redirects and
//! retries excluded, blocking commands' waits left out.

use alloc::vec::Vec;

use super::conn::ConnState;
use super::server_error::ServerErrorKind;
use super::slab::Key;
use super::{Cluster, ServerError};
#[cfg(feature = "std")]
use crate::time::Duration;
use crate::time::Instant;
use crate::topology::{Addr, Role};

/// One node's counters since the client started (or since the node first appeared).
///
/// ```
/// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Config};
/// let cluster: Cluster = Cluster::new(Config::default(), vec![Addr::new("10.0.0.1", 7000)], Instant::ZERO);
/// let metrics = cluster.metrics();
/// assert!(metrics.nodes.iter().all(|node| node.replies == 0 && node.moved == 0));
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct NodeMetrics {
    /// The node.
    pub addr: Addr,
    /// Its role in the latest view.
    pub role: Role,
    /// Listed in the latest view of the cluster (a seed may not be).
    pub listed: bool,
    /// Open connections (shared, blocking and subscription ones).
    pub connections: usize,
    /// Commands written to it and not answered yet.
    pub in_flight: usize,
    /// Replies it sent to commands (errors included).
    pub replies: u64,
    /// Error replies other than redirects, by kind.
    pub errors: Vec<(ServerErrorKind, u64)>,
    /// `MOVED` replies it sent.
    pub moved: u64,
    /// `ASK` replies it sent.
    pub ask: u64,
    /// Connections to it that failed to open or were lost.
    pub connection_failures: u64,
    /// Its connection read nothing for the stall timeout with replies due, and it has not
    /// answered since.
    pub stalled: bool,
    /// Reply times (`std` only).
    #[cfg(feature = "std")]
    pub latency: Latency,
}

/// A snapshot of the whole client (see [`Cluster::metrics`]).
///
/// ```
/// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Config};
/// let cluster: Cluster = Cluster::new(Config::default(), vec![Addr::new("10.0.0.1", 7000)], Instant::ZERO);
/// let metrics = cluster.metrics();
/// assert_eq!((metrics.requests_in_flight, metrics.requests_timed_out), (0, 0));
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Metrics {
    /// Every node the machine knows of.
    pub nodes: Vec<NodeMetrics>,
    /// Requests submitted and not answered.
    pub requests_in_flight: usize,
    /// Requests that ended at their deadline (`Timeout` or `OutcomeUnknown`).
    pub requests_timed_out: u64,
    /// Views of the cluster that took effect.
    pub topology_changes: u64,
    /// The client-side cache's counters, when there is one.
    pub cache: Option<super::CacheMetrics>,
}

/// Reply-time percentiles of one node, from an HDR histogram (microsecond resolution, two
/// significant digits, up to one minute).
///
/// ```
/// use keyslot_core::cluster::Latency;
/// use keyslot_core::time::Duration;
/// let mut latency = Latency::default();
/// for micros in [100, 200, 300, 400, 10_000] {
///     latency.record(Duration::from_micros(micros));
/// }
/// assert_eq!(latency.count(), 5);
/// let median = latency.percentile(50.0).as_micros();
/// assert!((300..=303).contains(&median), "two significant digits: {median}");
/// assert!(latency.percentile(99.0) >= Duration::from_micros(9_900));
/// ```
#[cfg(feature = "std")]
#[derive(Clone, Debug, Default)]
pub struct Latency {
    histogram: Option<hdrhistogram::Histogram<u32>>,
}

#[cfg(feature = "std")]
impl Latency {
    /// The longest time recorded precisely; longer ones count as this.
    const MAX_MICROS: u64 = 60_000_000;

    /// Record one reply time.
    ///
    /// ```
    /// # use keyslot_core::{cluster::Latency, time::Duration};
    /// let mut latency = Latency::default();
    /// latency.record(Duration::from_secs(120)); // beyond a minute counts as a minute
    /// let top = latency.percentile(100.0).as_micros();
    /// assert!((60_000_000..60_500_000).contains(&top), "{top}");
    /// ```
    pub fn record(&mut self, d: Duration) {
        if self.histogram.is_none() {
            self.histogram = hdrhistogram::Histogram::new_with_bounds(1, Self::MAX_MICROS, 2).ok();
        }
        if let Some(histogram) = &mut self.histogram {
            histogram.saturating_record(d.as_micros().clamp(1, Self::MAX_MICROS));
        }
    }

    /// Replies recorded.
    ///
    /// ```
    /// # use keyslot_core::cluster::Latency;
    /// assert_eq!(Latency::default().count(), 0);
    /// ```
    pub fn count(&self) -> u64 {
        self.histogram.as_ref().map_or(0, |h| h.len())
    }

    /// The reply time `percent` % of replies were at most (zero without replies).
    ///
    /// ```
    /// # use keyslot_core::{cluster::Latency, time::Duration};
    /// let mut latency = Latency::default();
    /// latency.record(Duration::from_millis(2));
    /// let p99 = latency.percentile(99.0).as_micros();
    /// assert!((2_000..2_020).contains(&p99), "{p99}");
    /// ```
    pub fn percentile(&self, percent: f64) -> Duration {
        let micros = self
            .histogram
            .as_ref()
            .map_or(0, |h| h.value_at_percentile(percent));
        Duration::from_micros(micros)
    }

    /// What was recorded after `earlier` (a snapshot of the same node taken before), to show
    /// percentiles over an interval rather than since the start.
    ///
    /// ```
    /// # use keyslot_core::{cluster::Latency, time::Duration};
    /// let mut latency = Latency::default();
    /// latency.record(Duration::from_millis(50));
    /// let before = latency.clone();
    /// latency.record(Duration::from_millis(1));
    /// let interval = latency.since(&before);
    /// assert_eq!(interval.count(), 1);
    /// assert!(interval.percentile(100.0) < Duration::from_millis(2), "the 50 ms is before");
    /// ```
    pub fn since(&self, earlier: &Latency) -> Latency {
        let (Some(now), Some(before)) = (&self.histogram, &earlier.histogram) else {
            return self.clone();
        };
        let mut interval = now.clone();
        if interval.subtract(before).is_err() {
            return self.clone();
        }
        Latency {
            histogram: Some(interval),
        }
    }
}

/// The counters kept on each node.
#[derive(Clone, Debug, Default)]
pub(crate) struct NodeStats {
    replies: u64,
    errors: Vec<(ServerErrorKind, u64)>,
    moved: u64,
    ask: u64,
    connection_failures: u64,
    #[cfg(feature = "std")]
    latency: Latency,
}

impl<T, S, P> Cluster<T, S, P> {
    /// [`Cluster::metrics`]'s work.
    pub(super) fn snapshot_metrics(&self) -> Metrics {
        // Where each node's entry is in the snapshot (vacant entries have none).
        let mut at = Vec::with_capacity(self.routing.nodes.len());
        let mut nodes: Vec<NodeMetrics> = Vec::with_capacity(self.routing.nodes.len());
        for n in &self.routing.nodes {
            at.push((!n.vacant).then_some(nodes.len()));
            if n.vacant {
                continue;
            }
            nodes.push(NodeMetrics {
                addr: n.addr.clone(),
                role: n.role,
                listed: n.listed,
                connections: 0,
                in_flight: 0,
                replies: n.stats.replies,
                errors: n.stats.errors.clone(),
                moved: n.stats.moved,
                ask: n.stats.ask,
                connection_failures: n.stats.connection_failures,
                stalled: n.stalled,
                #[cfg(feature = "std")]
                latency: n.stats.latency.clone(),
            });
        }
        for (_, c) in self.conns.iter() {
            let Some(m) = c
                .node
                .and_then(|i| *at.get(i)?)
                .and_then(|i| nodes.get_mut(i))
            else {
                continue;
            };
            m.connections += 1;
            if c.state == ConnState::Ready {
                m.in_flight += c.inflight.len();
            }
        }
        Metrics {
            nodes,
            requests_in_flight: self.requests.all.len(),
            requests_timed_out: self.requests.timed_out,
            topology_changes: self.topology_changes,
            cache: self.cache.as_ref().map(super::cache::Cache::metrics),
        }
    }

    /// A reply from `conn`'s node to a job written at `sent_at`; `timed` when its wait is
    /// the node's own work (not a blocking command's).
    pub(crate) fn count_reply(&mut self, conn: Key, sent_at: Instant, now: Instant, timed: bool) {
        let Some(node) = self.conns.get(conn).and_then(|c| c.node) else {
            return;
        };
        let stats = &mut self.routing.nodes[node].stats;
        stats.replies += 1;
        #[cfg(feature = "std")]
        if timed {
            stats.latency.record(now - sent_at);
        }
        #[cfg(not(feature = "std"))]
        let _ = (sent_at, now, timed);
    }

    /// An error reply from `conn`'s node (a redirect or otherwise), by its kind.
    pub(crate) fn count_error(&mut self, conn: Key, text: &bytes::Bytes) {
        let Some(node) = self.conns.get(conn).and_then(|c| c.node) else {
            return;
        };
        let error = ServerError::new(text.clone());
        let stats = &mut self.routing.nodes[node].stats;
        match (error.kind(), error.code()) {
            (ServerErrorKind::Redirect, "MOVED") => stats.moved += 1,
            (ServerErrorKind::Redirect, _) => stats.ask += 1,
            (kind, _) => match stats.errors.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, n)) => *n += 1,
                None => stats.errors.push((kind, 1)),
            },
        }
    }

    /// `conn` failed to open, or was lost.
    pub(crate) fn count_failure_of(&mut self, conn: Key) {
        if let Some(node) = self.conns.get(conn).and_then(|c| c.node) {
            self.routing.nodes[node].stats.connection_failures += 1;
        }
    }
}
