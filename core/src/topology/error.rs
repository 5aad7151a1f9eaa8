//! Why a topology reply was refused.
//!
//! A reply that cannot be trusted must not half-update the slot map, so every parser either
//! returns a whole [`Topology`](super::Topology) or one of these. The variants are typed so the
//! state machine can tell "the server refused the command" (fall back from `CLUSTER SHARDS` to
//! `CLUSTER SLOTS`) from "the reply is malformed" (ask another node).

use alloc::string::String;
use core::fmt;

/// A `CLUSTER SHARDS` or `CLUSTER SLOTS` reply that does not describe a usable cluster.
///
/// ```
/// use keyslot_core::{resp, topology::{Addr, Topology, TopologyError}};
/// let asked = Addr::new("10.0.0.1", 6379);
/// let (refusal, _) = resp::decode(b"-ERR This instance has cluster support disabled\r\n")
///     .unwrap()
///     .unwrap();
/// let message = "ERR This instance has cluster support disabled".to_string();
/// let error = Topology::from_cluster_slots(&refusal, &asked).unwrap_err();
/// assert_eq!(error, TopologyError::ServerError { message });
/// let (bad_range, _) = resp::decode(b"*1\r\n*3\r\n:0\r\n:20000\r\n*2\r\n$1\r\na\r\n:1\r\n")
///     .unwrap()
///     .unwrap();
/// let error = Topology::from_cluster_slots(&bad_range, &asked).unwrap_err();
/// assert_eq!(error, TopologyError::BadSlotRange { start: 0, end: 20000 });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TopologyError {
    /// The server answered with an error instead of a topology (for example an old server
    /// that does not know `CLUSTER SHARDS`, or one without cluster support).
    ServerError {
        /// The error text, lossily decoded as UTF-8.
        message: String,
    },
    /// A part of the reply has the wrong RESP type or length; `what` names the part.
    UnexpectedShape {
        /// The part of the reply, such as `"shard"` or `"slot range list"`.
        what: &'static str,
    },
    /// A field the parser needs is absent.
    MissingField {
        /// The field's name as the server spells it (`"port"`, `"role"`, ...).
        field: &'static str,
    },
    /// A field is present but its value has the wrong type or an impossible value.
    BadField {
        /// The field's name as the server spells it.
        field: &'static str,
    },
    /// A slot range with a bound outside `0..=16383` or a start after its end.
    BadSlotRange {
        /// The range's first slot as sent.
        start: i64,
        /// The range's last slot as sent.
        end: i64,
    },
    /// Two shards both claim this slot.
    OverlappingSlots {
        /// The first slot found claimed twice.
        slot: u16,
    },
    /// The reply names no node the client could connect to.
    NoNodes,
    /// More shards than a slot table entry can index (65534).
    TooManyShards {
        /// How many shards the reply described.
        count: usize,
    },
}

impl fmt::Display for TopologyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use TopologyError::*;
        match self {
            ServerError { message } => {
                write!(f, "the server refused the topology query: {message}")
            }
            UnexpectedShape { what } => write!(f, "topology reply: unexpected shape of {what}"),
            MissingField { field } => write!(f, "topology reply: node or shard without `{field}`"),
            BadField { field } => write!(f, "topology reply: invalid value for `{field}`"),
            BadSlotRange { start, end } => {
                write!(f, "topology reply: invalid slot range {start}-{end}")
            }
            OverlappingSlots { slot } => {
                write!(f, "topology reply: slot {slot} is claimed by two shards")
            }
            NoNodes => f.write_str("topology reply names no reachable node"),
            TooManyShards { count } => write!(f, "topology reply has too many shards ({count})"),
        }
    }
}

impl core::error::Error for TopologyError {}
