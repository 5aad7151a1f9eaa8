//! Cluster-wide `SCAN`: every key of every primary, through failovers and resharding.
//!
//! `SCAN` is a per-node command, and its cursor means nothing on another node, so a cluster
//! scan is a plan: visit each primary, scan it fully, and notice what the cluster did in the
//! meantime. [`ClusterScan`] is that plan as a pure state machine. It never does I/O: it
//! says what to send next ([`ClusterScan::next_step`]), is told the answer
//! ([`ClusterScan::on_reply`], [`ClusterScan::on_routed_replies`]) and hands back the keys
//! to yield. The adapters' `Client::scan` is a loop around it.
//!
//! # The guarantee
//!
//! **Every key that exists, unchanged in name, for the whole scan is returned at least
//! once.** Keys may be returned more than once (a slot re-read after it moved, a key seen on
//! both ends of a migration), and keys created or deleted during the scan may or may not be.
//! Keys come in no particular order.
//!
//! # How
//!
//! 1. **Main pass.** For each primary of the topology as the scan starts: ask it `CLUSTER
//!    NODES` (its `myself` line is the authority on what it owns, and — unlike `CLUSTER
//!    SHARDS` — shows slots it is migrating or importing); `SCAN` it from cursor 0 back to 0
//!    with the caller's `MATCH` / `COUNT` / `TYPE`; ask `CLUSTER NODES` again. A slot the node
//!    owned at both samples, migrating or importing at neither, is *confirmed*: its keys sat
//!    on that node through the whole `SCAN`, and `SCAN` returns every element present for
//!    its whole iteration.
//! 2. **Re-cover.** Every other slot is *dirty*: unconfirmed (its node failed, it moved, it
//!    was not served at the start), or claimed by different nodes in different samples, or
//!    moving at some sample. Dirty slots are re-read one batch per owner: locate the owner
//!    (ask the topology's owner `CLUSTER NODES`; follow its view if it disowns the slot),
//!    take its `CLUSTER NODES` as the *before* sample, read each slot with `CLUSTER
//!    GETKEYSINSLOT` (a full page means there may be more: ask again for four times as many),
//!    and when the owner is migrating the slot read the **source first, then the target**:
//!    keys only move source → target, so a key present throughout is on the source when the
//!    source is read or already on the target when the target is read. Then an *after*
//!    sample: a slot whose owner and migration target are the same in both is done; the
//!    others stay dirty and are tried again (a bounded number of times per slot, with a
//!    growing pause, so that a failover can complete and the client's topology catch up).
//!    Keys from this path are filtered here: `MATCH` by [`glob_match`] (the server's own
//!    rules), `TYPE` with a routed `TYPE key` per key.
//!
//! A failing node (connection lost, timeout) does not restart anything: its main pass is
//! abandoned, so none of its slots is confirmed, and they are re-covered on whoever owns them
//! afterwards (typically the promoted replica). Restarting its pass on a new node would
//! re-read every slot anyway, and a cursor is worthless on another node. An error *reply*
//! (a bad `TYPE`, `NOPERM`) ends the scan with [`ScanError::Refused`]: retrying cannot help.
//!
//! # The case this does not detect
//!
//! Samples are points in time. A slot that moves away from a node and back again between two
//! samples of that node looks unmoved, while its keys may have been elsewhere when `SCAN`
//! passed; the same holds for a migration started and cancelled between two samples (keys
//! moved to the target and back). A key present throughout could then be missed. Resharding
//! tools do not do this in the normal course; a rebalance that moves a slot twice within one
//! node's `SCAN` would. A cancelled migration during a re-cover read has the same blind spot
//! (keys moving target → source).
//!
//! The planner also takes a node's word for what it owns. A former primary that has not yet
//! heard of a failover elsewhere (restarted from an old configuration, or cut off from the
//! other nodes) still claims its slots for the moments until gossip reaches it; if the
//! client's own topology is just as stale, that node is scanned, and keys that only its
//! successor has (writes it missed, or values a lossy failover brought back) can be missed.
//! The simulator measures this (`tests/tests/sim_scan.rs`): 20 keys in 2,000 seeds of
//! faults, all in slots such a node claimed when asked, and no miss of any other kind.
//!
//! ```
//! use keyslot_core::scan::{glob_match, ClusterScan, ScanOptions};
//! let plan = ClusterScan::new(ScanOptions { pattern: Some("user:*".into()), ..Default::default() });
//! assert!(plan.wants_topology(), "a scan starts from the cluster's primaries");
//! assert!(glob_match(b"user:*", b"user:42"), "MATCH by the server's own rules");
//! ```

mod glob;
mod nodes;
mod plan;
mod reply;
mod slots;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;
use bytes::Bytes;
use core::fmt;

use crate::cluster::Error;
use crate::time::Duration;
use crate::topology::Addr;
use crate::Cmd;

pub use glob::glob_match;
pub use plan::{ClusterScan, MAX_ATTEMPTS, MAX_FAILURES};

/// What to scan for; every field is optional.
///
/// ```
/// use keyslot_core::scan::{ClusterScan, ScanOptions, Step};
/// # use keyslot_core::resp::Value;
/// # use keyslot_core::topology::{Addr, Topology};
/// # const ID: &str = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca";
/// # let node = Addr::new("10.0.0.1", 7000);
/// # let me = vec![Value::from("10.0.0.1"), Value::Integer(7000), Value::from(ID)];
/// # let me = Value::Array(me);
/// # let range = Value::Array(vec![Value::Integer(0), Value::Integer(16383), me]);
/// # let slots = Value::Array(vec![range]);
/// # let topology = Topology::from_cluster_slots(&slots, &node).unwrap();
/// # // The node's CLUSTER NODES reply, with `extra` at the end of its line.
/// # let nodes = |extra: &str| -> Value {
/// #     let line = "10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383";
/// #     Value::BulkString(format!("{ID} {line}{extra}\n").into())
/// # };
/// let opts = ScanOptions {
///     pattern: Some("user:*".into()),
///     count: Some(100),
///     ..ScanOptions::default()
/// };
/// let mut scan = ClusterScan::new(opts);
/// # scan.next_step(&topology);
/// # scan.on_reply(Ok(nodes(""))).unwrap();
/// // After the node's first CLUSTER NODES, its SCAN carries the options.
/// let Step::Send { cmd, .. } = scan.next_step(&topology) else { panic!() };
/// let args: Vec<&[u8]> = cmd.args().collect();
/// assert_eq!(args, [&b"SCAN"[..], b"0", b"MATCH", b"user:*", b"COUNT", b"100"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScanOptions {
    /// `MATCH`: a glob pattern keys must match.
    pub pattern: Option<Bytes>,
    /// `COUNT`: the work hint for each `SCAN` call (the server's default is 10).
    pub count: Option<u32>,
    /// `TYPE`: only keys of this type (`string`, `list`, `set`, `zset`, `hash`, `stream`..).
    pub type_: Option<Bytes>,
}

/// What the driver of a [`ClusterScan`] does next.
///
/// ```
/// use keyslot_core::scan::{ClusterScan, ScanOptions, Step};
/// use keyslot_core::Cmd;
/// # use keyslot_core::resp::Value;
/// # use keyslot_core::topology::{Addr, Topology};
/// # const ID: &str = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca";
/// # let node = Addr::new("10.0.0.1", 7000);
/// # let me = vec![Value::from("10.0.0.1"), Value::Integer(7000), Value::from(ID)];
/// # let me = Value::Array(me);
/// # let range = Value::Array(vec![Value::Integer(0), Value::Integer(16383), me]);
/// # let slots = Value::Array(vec![range]);
/// # let topology = Topology::from_cluster_slots(&slots, &node).unwrap();
/// # // The node's CLUSTER NODES reply, with `extra` at the end of its line.
/// # let nodes = |extra: &str| -> Value {
/// #     let line = "10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383";
/// #     Value::BulkString(format!("{ID} {line}{extra}\n").into())
/// # };
/// let mut scan = ClusterScan::new(ScanOptions::default());
/// // First, the primary is asked what it owns.
/// let step = scan.next_step(&topology);
/// assert_eq!(step, Step::Send { node: node.clone(), cmd: Cmd::new("CLUSTER").arg("NODES") });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Send `cmd` to `node` as is (no redirects followed) and pass the outcome to
    /// [`ClusterScan::on_reply`].
    Send {
        /// The node.
        node: Addr,
        /// The command.
        cmd: Cmd,
    },
    /// Send these keyed commands as one routed pipeline (redirects followed) and pass the
    /// outcome to [`ClusterScan::on_routed_replies`].
    Routed {
        /// The commands.
        cmds: Vec<Cmd>,
    },
    /// Pause this long, then ask for the next step (a node failed; give the cluster and the
    /// client's topology time to settle).
    Wait(Duration),
    /// The scan is complete (or failed: the error was returned by the last `on_*` call).
    Done,
}

/// Why a scan stopped.
///
/// ```
/// use keyslot_core::scan::{ClusterScan, ScanError, ScanOptions, Step};
/// # use keyslot_core::resp::Value;
/// # use keyslot_core::topology::{Addr, Topology};
/// # const ID: &str = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca";
/// # let node = Addr::new("10.0.0.1", 7000);
/// # let me = vec![Value::from("10.0.0.1"), Value::Integer(7000), Value::from(ID)];
/// # let me = Value::Array(me);
/// # let range = Value::Array(vec![Value::Integer(0), Value::Integer(16383), me]);
/// # let slots = Value::Array(vec![range]);
/// # let topology = Topology::from_cluster_slots(&slots, &node).unwrap();
/// # // The node's CLUSTER NODES reply, with `extra` at the end of its line.
/// # let nodes = |extra: &str| -> Value {
/// #     let line = "10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383";
/// #     Value::BulkString(format!("{ID} {line}{extra}\n").into())
/// # };
/// let mut scan = ClusterScan::new(ScanOptions::default());
/// scan.next_step(&topology);
/// // An error reply is not retried: the scan ends.
/// let err = scan.on_reply(Ok(Value::Error("NOPERM no permissions".into()))).unwrap_err();
/// assert!(matches!(err, ScanError::Refused { node: Some(_), .. }));
/// assert_eq!(scan.next_step(&topology), Step::Done);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScanError {
    /// A node's reply does not have the shape its command promises.
    Malformed {
        /// The node.
        node: Addr,
        /// What was wrong.
        reason: &'static str,
    },
    /// A node refused a command with an error reply (or the client is closed): retrying
    /// cannot help.
    Refused {
        /// The node, when one was addressed.
        node: Option<Addr>,
        /// The error.
        error: Error,
    },
    /// Requests failed more often than the scan allows ([`MAX_FAILURES`]).
    TooManyFailures {
        /// The last failure.
        last: Error,
    },
    /// A slot kept moving: its re-cover was attempted the maximum number of times.
    Unstable {
        /// The slot.
        slot: u16,
    },
    /// A reply came when none was expected (the driver broke the step protocol).
    UnexpectedReply,
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScanError::Malformed { node, reason } => {
                write!(f, "malformed reply from {node}: {reason}")
            }
            ScanError::Refused {
                node: Some(node),
                error,
            } => write!(f, "{node} refused: {error}"),
            ScanError::Refused { node: None, error } => write!(f, "refused: {error}"),
            ScanError::TooManyFailures { last } => {
                write!(f, "too many failed requests; the last: {last}")
            }
            ScanError::Unstable { slot } => {
                write!(f, "slot {slot} kept moving; gave up re-reading it")
            }
            ScanError::UnexpectedReply => f.write_str("a reply came when none was expected"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ScanError {}

/// What a scan did, for logs and tests.
///
/// ```
/// use keyslot_core::scan::{ClusterScan, ScanOptions, ScanStats, Step};
/// # use keyslot_core::resp::Value;
/// # use keyslot_core::topology::{Addr, Topology};
/// # const ID: &str = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca";
/// # let node = Addr::new("10.0.0.1", 7000);
/// # let me = vec![Value::from("10.0.0.1"), Value::Integer(7000), Value::from(ID)];
/// # let me = Value::Array(me);
/// # let range = Value::Array(vec![Value::Integer(0), Value::Integer(16383), me]);
/// # let slots = Value::Array(vec![range]);
/// # let topology = Topology::from_cluster_slots(&slots, &node).unwrap();
/// # // The node's CLUSTER NODES reply, with `extra` at the end of its line.
/// # let nodes = |extra: &str| -> Value {
/// #     let line = "10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383";
/// #     Value::BulkString(format!("{ID} {line}{extra}\n").into())
/// # };
/// let mut scan = ClusterScan::new(ScanOptions::default());
/// assert_eq!(scan.stats(), ScanStats::default());
/// let keys = Value::Array(vec![Value::from("0"), Value::Array(vec![Value::from("k")])]);
/// while let Step::Send { cmd, .. } = scan.next_step(&topology) {
///     let reply = if cmd.name() == b"SCAN" { keys.clone() } else { nodes("") };
///     scan.on_reply(Ok(reply)).unwrap();
/// }
/// let stats = scan.stats();
/// assert_eq!((stats.nodes_scanned, stats.slots_confirmed, stats.failures), (1, 16384, 0));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanStats {
    /// Primaries whose main pass completed.
    pub nodes_scanned: usize,
    /// Distinct slots the main pass confirmed.
    pub slots_confirmed: usize,
    /// Slots re-read and confirmed by the re-cover phase.
    pub slots_recovered: usize,
    /// Re-cover attempts that had to be repeated (the slot moved during the read, or a node
    /// failed).
    pub recover_retries: usize,
    /// Slots nobody claimed when re-covered (no keys can be served from them).
    pub slots_unowned: usize,
    /// Requests that failed (connections lost, timeouts).
    pub failures: usize,
}
