//! What happened inside the machine, for logs and metrics. Events never need a reaction.

use alloc::string::String;

use super::redirect::RetryReason;
use crate::time::Duration;
use crate::topology::Addr;

/// Why a rediscovery ran.
///
/// ```
/// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
/// # let now = Instant::from_micros(0);
/// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
/// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
/// # use keyslot_core::cluster::{Event, RefreshTrigger};
/// let Output::Event(Event::RefreshStarted { trigger }) = cluster.poll_output() else { panic!() };
/// assert_eq!(trigger, RefreshTrigger::Bootstrap); // a new machine discovers the cluster
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefreshTrigger {
    /// The first discovery from the seeds.
    Bootstrap,
    /// A MOVED reply.
    Moved,
    /// A connection was refused, reset or closed.
    ConnectionLost,
    /// A request's deadline passed.
    DeadlineMissed,
    /// A former primary answered READONLY, or released a blocking command with UNBLOCKED.
    ReadOnly,
    /// CLUSTERDOWN or MASTERDOWN.
    ClusterDown,
    /// A command's slot has no owner in the current view.
    UncoveredSlot,
    /// A MOVED or ASK named a node the current view does not list (or named none: an
    /// empty or `?` host); the command waits for the new view.
    UnknownNode,
    /// The periodic check.
    Periodic,
    /// A node's connection has read nothing for the stall timeout with replies outstanding.
    NodeStalled,
}

/// How a rediscovery ended.
///
/// ```
/// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
/// # let now = Instant::from_micros(0);
/// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
/// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
/// # let conn = loop {
/// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
/// # };
/// # use keyslot_core::cluster::{Event, RefreshOutcome};
/// cluster.handle_connect_failed(conn, "connection refused", now); // the only seed
/// let outcome = loop {
///     if let Output::Event(Event::RefreshFinished { outcome, .. }) = cluster.poll_output() {
///         break outcome;
///     }
/// };
/// assert_eq!(outcome, RefreshOutcome::Failed);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The view changed.
    Changed,
    /// The view is the same.
    Unchanged,
    /// No node answered; the seeds are tried next.
    Failed,
}

/// Something worth logging.
///
/// ```
/// # use keyslot_core::{resp::Protocol, time::Instant, topology::Addr, Cluster, Cmd, Config};
/// # use keyslot_core::Output;
/// # let now = Instant::from_micros(0);
/// # let config = Config { protocol: Protocol::Resp2, ..Config::default() };
/// # let mut cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], now);
/// # use keyslot_core::resp::Value;
/// # let conn = loop {
/// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
/// # };
/// # cluster.handle_connected(conn, now);
/// # // The seed's CLUSTER SHARDS reply: one shard, every slot, its primary at 10.0.0.1:7000.
/// # const SHARDS: &[u8] = b"*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n\
/// # *1\r\n*6\r\n$8\r\nendpoint\r\n$8\r\n10.0.0.1\r\n$4\r\nport\r\n:7000\r\n$4\r\nrole\r\n\
/// # $6\r\nmaster\r\n";
/// # cluster.handle_data(conn, SHARDS, now);
/// # while !matches!(cluster.poll_output(), Output::Timeout(_)) {}
/// # cluster.handle_written(conn, cluster.transmit(conn).len());
/// # use keyslot_core::cluster::Event;
/// cluster.submit(Cmd::new("GET").arg("foo"), (), now);
/// cluster.handle_written(conn, cluster.transmit(conn).len());
/// cluster.handle_data(conn, b"-MOVED 12182 10.0.0.2:7000\r\n", now);
/// let event = loop {
///     if let Output::Event(event) = cluster.poll_output() { break event; }
/// };
/// let (from, to) = (Addr::new("10.0.0.1", 7000), Addr::new("10.0.0.2", 7000));
/// assert_eq!(event, Event::Redirected { ask: false, slot: 12182, from, to });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A new view of the cluster took effect.
    TopologyChanged {
        /// Slots whose primary differs from the previous view (all 16384 the first time).
        slots_moved: usize,
        /// Primaries serving slots before.
        primaries_before: usize,
        /// Primaries serving slots now.
        primaries_after: usize,
    },
    /// A connection finished its handshake.
    NodeConnected {
        /// The node.
        addr: Addr,
    },
    /// A node's connection read nothing for the stall timeout while replies were due: the
    /// node is presumed stalled until it answers again.
    NodeStalled {
        /// The node.
        addr: Addr,
    },
    /// A connection failed or closed.
    NodeLost {
        /// The node.
        addr: Addr,
    },
    /// A command was redirected.
    Redirected {
        /// True for ASK, false for MOVED.
        ask: bool,
        /// The slot.
        slot: u16,
        /// The node that redirected.
        from: Addr,
        /// Where to.
        to: Addr,
    },
    /// A command waits before being retried.
    Retrying {
        /// Why.
        reason: RetryReason,
        /// The node that asked for it.
        addr: Addr,
        /// How long.
        delay: Duration,
    },
    /// Fresh credentials from the source took effect (see [`Cluster::set_credentials`]).
    ///
    /// [`Cluster::set_credentials`]: super::Cluster::set_credentials
    CredentialsRotated {
        /// Live connections that re-authenticate with them.
        connections: usize,
    },
    /// The credentials source failed; the held credentials stay in use while valid.
    CredentialsUnavailable {
        /// The source's words.
        reason: String,
        /// Failures in a row.
        failures: u32,
    },
    /// A live connection's server refused the rotated credentials; the connection keeps
    /// its earlier authentication.
    ReauthenticationRefused {
        /// The node.
        addr: Addr,
        /// The server's words.
        message: String,
    },
    /// A command of a request got its final answer from a node (only with
    /// [`Config::report_served`](super::Config::report_served)); a request split over
    /// several slots or nodes has one per part. Comes before the request's reply.
    Served {
        /// The request.
        request: super::RequestId,
        /// The node that answered, if one did (not for a failure before sending).
        addr: Option<Addr>,
        /// The slot the command was routed by (none for keyless or node-pinned commands).
        slot: Option<u16>,
        /// MOVED, ASK and READONLY redirects it followed.
        redirects: u32,
    },
    /// A rediscovery began.
    RefreshStarted {
        /// Why.
        trigger: RefreshTrigger,
    },
    /// A rediscovery ended.
    RefreshFinished {
        /// Why it had begun.
        trigger: RefreshTrigger,
        /// How it ended.
        outcome: RefreshOutcome,
    },
}
