//! Fan-out tips: where a keyless command goes and how its replies combine.
//!
//! Redis 7 documents, per command, a *request policy* (which nodes to send it to when it has
//! no key) and a *response policy* (how to merge the replies of several nodes). A cluster
//! client needs both to make DBSIZE, KEYS, FLUSHALL or SCRIPT LOAD mean what they mean on a
//! single server. Commands without a tip use `Default`, whose meaning depends on the command:
//! see each variant.

use core::fmt;

/// Where to send a command, from its `request_policy` tip.
///
/// ```
/// use keyslot_core::command::{lookup_name, RequestPolicy};
/// // DBSIZE counts the keys of one node: a cluster client asks every primary.
/// assert_eq!(lookup_name(b"dbsize").unwrap().request_policy(), RequestPolicy::AllShards);
/// assert_eq!(lookup_name(b"get").unwrap().request_policy(), RequestPolicy::Default);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum RequestPolicy {
    /// No tip: a command with keys goes to the shard of its keys; a keyless one to any node.
    #[default]
    Default,
    /// Every node, primaries and replicas (`all_nodes`, e.g. CONFIG SET).
    AllNodes,
    /// Every primary (`all_shards`, e.g. DBSIZE, KEYS, FLUSHALL).
    AllShards,
    /// Split by key and send each part to its shard (`multi_shard`, e.g. MSET, DEL).
    MultiShard,
    /// Needs command-specific handling (`special`).
    Special,
}

impl RequestPolicy {
    /// The tip's value as the server spells it (`"default"` for no tip).
    ///
    /// ```
    /// use keyslot_core::command::RequestPolicy;
    /// assert_eq!(RequestPolicy::MultiShard.as_str(), "multi_shard");
    /// assert_eq!(RequestPolicy::default().as_str(), "default");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            RequestPolicy::Default => "default",
            RequestPolicy::AllNodes => "all_nodes",
            RequestPolicy::AllShards => "all_shards",
            RequestPolicy::MultiShard => "multi_shard",
            RequestPolicy::Special => "special",
        }
    }
}

impl fmt::Display for RequestPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How to combine the replies of a fanned-out command, from its `response_policy` tip.
///
/// ```
/// use keyslot_core::command::{lookup_name, ResponsePolicy};
/// // DEL split over several shards: the counts of deleted keys add up.
/// assert_eq!(lookup_name(b"del").unwrap().response_policy(), ResponsePolicy::AggSum);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ResponsePolicy {
    /// No tip: arrays are concatenated (keyless commands) or reassembled in key order
    /// (multi-shard commands); anything else is the single reply.
    #[default]
    Default,
    /// Succeed when any node succeeds; return the first non-error reply (`one_succeeded`).
    OneSucceeded,
    /// Succeed only when every node succeeds; the replies are alike (`all_succeeded`).
    AllSucceeded,
    /// Logical AND of integer or array-of-integer replies, element-wise (`agg_logical_and`).
    AggLogicalAnd,
    /// Logical OR, element-wise (`agg_logical_or`).
    AggLogicalOr,
    /// Minimum of the replies, element-wise (`agg_min`).
    AggMin,
    /// Maximum of the replies, element-wise (`agg_max`).
    AggMax,
    /// Sum of the replies, element-wise (`agg_sum`).
    AggSum,
    /// Needs command-specific handling (`special`).
    Special,
}

impl ResponsePolicy {
    /// The tip's value as the server spells it (`"default"` for no tip).
    ///
    /// ```
    /// use keyslot_core::command::ResponsePolicy;
    /// assert_eq!(ResponsePolicy::AggLogicalAnd.as_str(), "agg_logical_and");
    /// assert_eq!(ResponsePolicy::AllSucceeded.to_string(), "all_succeeded");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ResponsePolicy::Default => "default",
            ResponsePolicy::OneSucceeded => "one_succeeded",
            ResponsePolicy::AllSucceeded => "all_succeeded",
            ResponsePolicy::AggLogicalAnd => "agg_logical_and",
            ResponsePolicy::AggLogicalOr => "agg_logical_or",
            ResponsePolicy::AggMin => "agg_min",
            ResponsePolicy::AggMax => "agg_max",
            ResponsePolicy::AggSum => "agg_sum",
            ResponsePolicy::Special => "special",
        }
    }
}

impl fmt::Display for ResponsePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
