//! What happened inside the machine, for logs and metrics. Events never need a reaction.

use super::redirect::RetryReason;
use crate::time::Duration;
use crate::topology::Addr;

/// Why a rediscovery ran.
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
