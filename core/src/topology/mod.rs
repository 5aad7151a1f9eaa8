//! The cluster's shape: which shard serves each of the 16384 slots, and where its nodes are.
//!
//! A client learns the topology by asking any node `CLUSTER SHARDS` (Redis 7.0+, preferred) or
//! `CLUSTER SLOTS` (the fallback). Both replies are parsed here into one [`Topology`], so the
//! state machine routes, compares and reports without caring which command produced it:
//!
//! - [`Topology::from_cluster_shards`] and [`Topology::from_cluster_slots`] accept the RESP2
//!   and the RESP3 form of their reply and apply the endpoint rules (NULL or `""` = no
//!   endpoint: the node's own `ip`, and the host that was asked only for the one node that
//!   can be the one answering; `?` = unknown, skip the node; a hostname endpoint keeps its IP
//!   too). The host asked is not the answer for everyone: behind a configuration endpoint it
//!   names every node at once.
//! - Nodes that are `loading` or `fail` are kept, with their [`Health`]: choosing whom to talk
//!   to is the state machine's decision, not the parser's. A shard whose primary has failed
//!   still owns its slots.
//! - [`Topology::fingerprint`] and [`Topology::slot_owner_changes`] let rediscovery compare
//!   the views several nodes hold and report how much a change moved.
//!
//! Everything is deterministic (no hashing with random state) and `no_std`. A reply is either
//! wholly accepted or refused with a typed [`TopologyError`]; nothing panics on reply data.

mod compare;
mod error;
mod fields;
mod shards;
mod slots;
mod table;

#[cfg(test)]
mod fixture_tests;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

pub use error::TopologyError;

/// An address to connect to: a hostname or IP address as text, and a port.
///
/// The host is kept as text, not resolved: a hostname is needed for TLS server-name checks
/// and may resolve differently over time.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Addr {
    /// A hostname, an IPv4 address, or an IPv6 address without brackets.
    pub host: String,
    /// The TCP port.
    pub port: u16,
}

impl Addr {
    /// An address from its parts.
    pub fn new(host: impl Into<String>, port: u16) -> Addr {
        Addr {
            host: host.into(),
            port,
        }
    }
}

impl fmt::Display for Addr {
    /// `host:port`, with an IPv6 host in brackets: `[::1]:6379`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') && !self.host.starts_with('[') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// A node's role in its shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Serves writes for the shard's slots (`master` on the wire).
    Primary,
    /// Replicates a primary; may serve reads after `READONLY`.
    Replica,
}

/// A node's state as `CLUSTER SHARDS` reports it. `CLUSTER SLOTS` reports none, so nodes it
/// lists are [`Health::Online`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Health {
    /// Serving.
    Online,
    /// A replica still loading its data set: not yet useful for reads.
    Loading,
    /// Marked failed by the cluster (`fail` on the wire, `failed` in the documentation). Any
    /// state this client does not recognise is also reported as failed, so that it is not used.
    Failed,
}

/// One node of the cluster, as the topology reply describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeInfo {
    /// The node id, or `""` when the reply has none.
    pub id: String,
    /// Where to connect, after the endpoint rules. Its port is the plain-TCP port, or the TLS
    /// port when the node has no plain one (see [`Topology::with_tls_ports`] for TLS clients).
    pub addr: Addr,
    /// The node's IP address when the reply gives it (as a field, as metadata, or as the
    /// endpoint itself).
    pub ip: Option<String>,
    /// The node's announced hostname when the reply gives it; what TLS should verify.
    pub hostname: Option<String>,
    /// The TLS port, when the reply gives one (only `CLUSTER SHARDS` does).
    pub tls_port: Option<u16>,
    /// Primary or replica.
    pub role: Role,
    /// Online, loading or failed.
    pub health: Health,
    /// The replication offset (only `CLUSTER SHARDS` gives one).
    pub replication_offset: Option<i64>,
    /// The node's availability zone, when the reply gives it (Valkey 9.1's
    /// `availability-zone`, in `CLUSTER SHARDS` and in `CLUSTER SLOTS` metadata).
    pub zone: Option<String>,
}

/// A primary, its replicas, and the slots they serve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shard {
    /// Inclusive slot ranges, sorted, with overlapping and adjacent ranges merged. Empty for a
    /// shard that serves no slot (a new or drained primary).
    pub slots: Vec<(u16, u16)>,
    /// The primary; `None` when the reply listed it with an unknown (`?`) endpoint or not at
    /// all.
    pub primary: Option<NodeInfo>,
    /// The shard's other nodes: its replicas and, should a reply ever list two primaries for
    /// one shard, the less healthy of them (with its role still [`Role::Primary`]).
    pub replicas: Vec<NodeInfo>,
}

/// The slot table entry of a slot no shard serves.
const UNCOVERED: u16 = u16::MAX;

/// A parsed cluster topology: its shards and a table from each of the 16384 slots to the shard
/// that serves it.
///
/// Built by [`Topology::from_cluster_shards`] or [`Topology::from_cluster_slots`]; immutable
/// afterwards. Lookups by slot are one table index.
#[derive(Clone, PartialEq, Eq)]
pub struct Topology {
    shards: Vec<Shard>,
    /// `table[slot]` is an index into `shards`, or [`UNCOVERED`]. Always 16384 entries.
    table: Box<[u16]>,
    /// The table's maximal runs `(first, last, entry)` in slot order, covering every slot
    /// once: what comparisons and iteration walk, so they cost a step per range, not per slot.
    runs: Vec<(u16, u16, u16)>,
    uncovered: usize,
}

impl Topology {
    /// The shards, in the order the reply listed them (for `CLUSTER SLOTS`: in the order each
    /// primary first appeared).
    pub fn shards(&self) -> &[Shard] {
        &self.shards
    }

    /// The index into [`shards`](Self::shards) of the shard serving `slot`; `None` when no
    /// shard serves it or `slot` is not below 16384.
    pub fn shard_of_slot(&self, slot: u16) -> Option<usize> {
        match self.table.get(usize::from(slot)) {
            Some(&UNCOVERED) | None => None,
            Some(&i) => Some(usize::from(i)),
        }
    }

    /// The primary serving `slot`, whatever its health; `None` when the slot is uncovered or
    /// its shard's primary is unknown.
    pub fn primary_of_slot(&self, slot: u16) -> Option<&NodeInfo> {
        self.shards.get(self.shard_of_slot(slot)?)?.primary.as_ref()
    }

    /// How many of the 16384 slots no shard serves.
    pub fn uncovered_slots(&self) -> usize {
        self.uncovered
    }

    /// The maximal inclusive ranges of slots no shard serves, in slot order.
    pub fn uncovered_ranges(&self) -> impl Iterator<Item = (u16, u16)> + '_ {
        self.slot_ranges()
            .filter(|r| r.2.is_none())
            .map(|(s, e, _)| (s, e))
    }

    /// The whole slot table as maximal runs `(first, last, shard index)` in slot order;
    /// uncovered runs have `None`. Together they cover 0..=16383 exactly once.
    pub fn slot_ranges(&self) -> impl Iterator<Item = (u16, u16, Option<usize>)> + '_ {
        self.runs
            .iter()
            .map(|&(s, e, i)| (s, e, (i != UNCOVERED).then_some(usize::from(i))))
    }

    /// Every node, shard by shard: each primary, then that shard's replicas.
    pub fn nodes(&self) -> impl Iterator<Item = &NodeInfo> {
        self.shards
            .iter()
            .flat_map(|s| s.primary.iter().chain(s.replicas.iter()))
    }

    /// The same view for a TLS client: every node that has a [`NodeInfo::tls_port`] is
    /// addressed on it. (`CLUSTER SHARDS` lists both ports whatever the asking connection;
    /// `CLUSTER SLOTS` gives the port of the asking connection's kind and no TLS port, so its
    /// nodes stay as they are.)
    pub fn with_tls_ports(mut self) -> Topology {
        for shard in &mut self.shards {
            for node in shard.primary.iter_mut().chain(shard.replicas.iter_mut()) {
                if let Some(port) = node.tls_port {
                    node.addr.port = port;
                }
            }
        }
        self
    }
}

impl fmt::Debug for Topology {
    /// The shards and the uncovered count; the 16384-entry table is left out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Topology")
            .field("shards", &self.shards)
            .field("uncovered_slots", &self.uncovered)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn addr_display() {
        assert_eq!(Addr::new("10.0.0.1", 6379).to_string(), "10.0.0.1:6379");
        assert_eq!(
            Addr::new("node1.example", 7000).to_string(),
            "node1.example:7000"
        );
        assert_eq!(Addr::new("::1", 6379).to_string(), "[::1]:6379");
        assert_eq!(Addr::new("fe80::1%eth0", 1).to_string(), "[fe80::1%eth0]:1");
    }
}
