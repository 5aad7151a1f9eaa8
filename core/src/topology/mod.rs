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
//!
//! ```
//! use keyslot_core::{resp, topology::{Addr, Topology}};
//! let reply = b"*1\r\n*3\r\n:0\r\n:16383\r\n*2\r\n$8\r\n10.0.0.1\r\n:7000\r\n";
//! let (value, _) = resp::decode(reply).unwrap().unwrap();
//! let asked = Addr::new("10.0.0.1", 7000);
//! let topology = Topology::from_cluster_slots(&value, &asked).unwrap();
//! assert_eq!(topology.primary_of_slot(12_539).map(|p| &p.addr), Some(&asked));
//! ```

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
///
/// ```
/// use keyslot_core::topology::Addr;
/// assert_eq!(Addr::new("10.0.0.1", 7000).to_string(), "10.0.0.1:7000");
/// assert_eq!(Addr::new("::1", 6379).to_string(), "[::1]:6379"); // IPv6 in brackets
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Addr {
    /// A hostname, an IPv4 address, or an IPv6 address without brackets.
    pub host: String,
    /// The TCP port.
    pub port: u16,
}

impl Addr {
    /// An address from its parts.
    ///
    /// ```
    /// use keyslot_core::topology::Addr;
    /// let addr = Addr::new("node1.example", 7000); // kept as a name, not resolved
    /// assert_eq!(addr.host, "node1.example");
    /// assert_eq!(addr.port, 7000);
    /// ```
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
///
/// ```
/// # use keyslot_core::{resp, topology::{Addr, Topology}};
/// # // CLUSTER SLOTS: 0-8191 on 10.0.0.1 (replica 10.0.0.3), 8192-16383 on 10.0.0.2.
/// # let reply = b"*2\r\n*4\r\n:0\r\n:8191\r\n*2\r\n$8\r\n10.0.0.1\r\n:7000\r\n\
/// # *2\r\n$8\r\n10.0.0.3\r\n:7000\r\n*3\r\n:8192\r\n:16383\r\n\
/// # *2\r\n$8\r\n10.0.0.2\r\n:7000\r\n";
/// # let (reply, _) = resp::decode(reply).unwrap().unwrap();
/// # let asked = Addr::new("10.0.0.1", 7000);
/// # let topology = Topology::from_cluster_slots(&reply, &asked).unwrap();
/// # use keyslot_core::topology::Role;
/// let roles: Vec<Role> = topology.nodes().map(|n| n.role).collect();
/// assert_eq!(roles, [Role::Primary, Role::Replica, Role::Primary]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Serves writes for the shard's slots (`master` on the wire).
    Primary,
    /// Replicates a primary; may serve reads after `READONLY`.
    Replica,
}

/// A node's state as `CLUSTER SHARDS` reports it. `CLUSTER SLOTS` reports none, so nodes it
/// lists are [`Health::Online`].
///
/// ```
/// use keyslot_core::{resp, topology::{Addr, Health, Topology}};
/// # // CLUSTER SHARDS: a primary online at 10.0.0.1, its replica at 10.0.0.2 still loading.
/// # let bytes = b"*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n*2\r\n\
/// # *8\r\n$8\r\nendpoint\r\n$8\r\n10.0.0.1\r\n$4\r\nport\r\n:7000\r\n$4\r\nrole\r\n\
/// # $6\r\nmaster\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*8\r\n$8\r\nendpoint\r\n$8\r\n10.0.0.2\r\n\
/// # $4\r\nport\r\n:7000\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$6\r\nhealth\r\n$7\r\nloading\r\n";
/// let (reply, _) = resp::decode(bytes).unwrap().unwrap();
/// let topology = Topology::from_cluster_shards(&reply, &Addr::new("10.0.0.1", 7000)).unwrap();
/// let health: Vec<Health> = topology.nodes().map(|n| n.health).collect();
/// assert_eq!(health, [Health::Online, Health::Loading]); // kept, not dropped
/// ```
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
///
/// ```
/// # use keyslot_core::{resp, topology::{Addr, Topology}};
/// # // CLUSTER SLOTS: 0-8191 on 10.0.0.1 (replica 10.0.0.3), 8192-16383 on 10.0.0.2.
/// # let reply = b"*2\r\n*4\r\n:0\r\n:8191\r\n*2\r\n$8\r\n10.0.0.1\r\n:7000\r\n\
/// # *2\r\n$8\r\n10.0.0.3\r\n:7000\r\n*3\r\n:8192\r\n:16383\r\n\
/// # *2\r\n$8\r\n10.0.0.2\r\n:7000\r\n";
/// # let (reply, _) = resp::decode(reply).unwrap().unwrap();
/// # let asked = Addr::new("10.0.0.1", 7000);
/// # let topology = Topology::from_cluster_slots(&reply, &asked).unwrap();
/// # use keyslot_core::topology::Role;
/// let primary = topology.primary_of_slot(0).unwrap();
/// assert_eq!(primary.addr, Addr::new("10.0.0.1", 7000));
/// assert_eq!(primary.ip.as_deref(), Some("10.0.0.1")); // the endpoint is an IP address
/// assert_eq!(primary.role, Role::Primary);
/// assert_eq!(primary.tls_port, None); // CLUSTER SLOTS gives none
/// ```
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
///
/// ```
/// # use keyslot_core::{resp, topology::{Addr, Topology}};
/// # // CLUSTER SLOTS: 0-8191 on 10.0.0.1 (replica 10.0.0.3), 8192-16383 on 10.0.0.2.
/// # let reply = b"*2\r\n*4\r\n:0\r\n:8191\r\n*2\r\n$8\r\n10.0.0.1\r\n:7000\r\n\
/// # *2\r\n$8\r\n10.0.0.3\r\n:7000\r\n*3\r\n:8192\r\n:16383\r\n\
/// # *2\r\n$8\r\n10.0.0.2\r\n:7000\r\n";
/// # let (reply, _) = resp::decode(reply).unwrap().unwrap();
/// # let asked = Addr::new("10.0.0.1", 7000);
/// # let topology = Topology::from_cluster_slots(&reply, &asked).unwrap();
/// let shard = &topology.shards()[0];
/// assert_eq!(shard.slots, [(0, 8191)]);
/// assert_eq!(shard.primary.as_ref().unwrap().addr, Addr::new("10.0.0.1", 7000));
/// assert_eq!(shard.replicas[0].addr, Addr::new("10.0.0.3", 7000));
/// ```
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
///
/// ```
/// use keyslot_core::{key_slot, resp, topology::{Addr, Topology}};
/// # // CLUSTER SLOTS: 0-8191 on 10.0.0.1 (replica 10.0.0.3), 8192-16383 on 10.0.0.2; all :7000.
/// # let bytes = b"*2\r\n*4\r\n:0\r\n:8191\r\n*2\r\n$8\r\n10.0.0.1\r\n:7000\r\n\
/// # *2\r\n$8\r\n10.0.0.3\r\n:7000\r\n*3\r\n:8192\r\n:16383\r\n*2\r\n$8\r\n10.0.0.2\r\n:7000\r\n";
/// let (reply, _) = resp::decode(bytes).unwrap().unwrap(); // as read from the node asked
/// let topology = Topology::from_cluster_slots(&reply, &Addr::new("10.0.0.1", 7000)).unwrap();
/// let owner = topology.primary_of_slot(key_slot(b"foo")).unwrap(); // slot 12182
/// assert_eq!(owner.addr, Addr::new("10.0.0.2", 7000));
/// ```
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
    ///
    /// ```
    /// # use keyslot_core::{resp, topology::{Addr, Topology}};
    /// # // CLUSTER SLOTS: 0-8191 on 10.0.0.1 (replica 10.0.0.3), 8192-16383 on 10.0.0.2.
    /// # let reply = b"*2\r\n*4\r\n:0\r\n:8191\r\n*2\r\n$8\r\n10.0.0.1\r\n:7000\r\n\
    /// # *2\r\n$8\r\n10.0.0.3\r\n:7000\r\n*3\r\n:8192\r\n:16383\r\n\
    /// # *2\r\n$8\r\n10.0.0.2\r\n:7000\r\n";
    /// # let (reply, _) = resp::decode(reply).unwrap().unwrap();
    /// # let asked = Addr::new("10.0.0.1", 7000);
    /// # let topology = Topology::from_cluster_slots(&reply, &asked).unwrap();
    /// let shards = topology.shards();
    /// assert_eq!(shards.len(), 2);
    /// assert_eq!(shards[1].slots, [(8192, 16383)]); // in the reply's order
    /// assert!(shards[1].replicas.is_empty());
    /// ```
    pub fn shards(&self) -> &[Shard] {
        &self.shards
    }

    /// The index into [`shards`](Self::shards) of the shard serving `slot`; `None` when no
    /// shard serves it or `slot` is not below 16384.
    ///
    /// ```
    /// # use keyslot_core::{resp, topology::{Addr, Topology}};
    /// # // CLUSTER SLOTS: 0-8191 on 10.0.0.1 (replica 10.0.0.3), 8192-16383 on 10.0.0.2.
    /// # let reply = b"*2\r\n*4\r\n:0\r\n:8191\r\n*2\r\n$8\r\n10.0.0.1\r\n:7000\r\n\
    /// # *2\r\n$8\r\n10.0.0.3\r\n:7000\r\n*3\r\n:8192\r\n:16383\r\n\
    /// # *2\r\n$8\r\n10.0.0.2\r\n:7000\r\n";
    /// # let (reply, _) = resp::decode(reply).unwrap().unwrap();
    /// # let asked = Addr::new("10.0.0.1", 7000);
    /// # let topology = Topology::from_cluster_slots(&reply, &asked).unwrap();
    /// assert_eq!(topology.shard_of_slot(0), Some(0));
    /// assert_eq!(topology.shard_of_slot(8192), Some(1));
    /// assert_eq!(topology.shard_of_slot(16384), None); // not a slot
    /// ```
    pub fn shard_of_slot(&self, slot: u16) -> Option<usize> {
        match self.table.get(usize::from(slot)) {
            Some(&UNCOVERED) | None => None,
            Some(&i) => Some(usize::from(i)),
        }
    }

    /// The primary serving `slot`, whatever its health; `None` when the slot is uncovered or
    /// its shard's primary is unknown.
    ///
    /// ```
    /// # use keyslot_core::{resp, topology::{Addr, Topology}};
    /// # // CLUSTER SLOTS: 0-8191 on 10.0.0.1 (replica 10.0.0.3), 8192-16383 on 10.0.0.2.
    /// # let reply = b"*2\r\n*4\r\n:0\r\n:8191\r\n*2\r\n$8\r\n10.0.0.1\r\n:7000\r\n\
    /// # *2\r\n$8\r\n10.0.0.3\r\n:7000\r\n*3\r\n:8192\r\n:16383\r\n\
    /// # *2\r\n$8\r\n10.0.0.2\r\n:7000\r\n";
    /// # let (reply, _) = resp::decode(reply).unwrap().unwrap();
    /// # let asked = Addr::new("10.0.0.1", 7000);
    /// # let topology = Topology::from_cluster_slots(&reply, &asked).unwrap();
    /// let primary = topology.primary_of_slot(9000).expect("slot 9000 is served");
    /// assert_eq!(primary.addr, Addr::new("10.0.0.2", 7000));
    /// ```
    pub fn primary_of_slot(&self, slot: u16) -> Option<&NodeInfo> {
        self.shards.get(self.shard_of_slot(slot)?)?.primary.as_ref()
    }

    /// How many of the 16384 slots no shard serves.
    ///
    /// ```
    /// # use keyslot_core::{resp, topology::{Addr, Topology}};
    /// # // CLUSTER SLOTS: 0-9999 on 10.0.0.1:7000; slots 10000-16383 have no owner.
    /// # let reply = b"*1\r\n*3\r\n:0\r\n:9999\r\n*2\r\n$8\r\n10.0.0.1\r\n:7000\r\n";
    /// # let (reply, _) = resp::decode(reply).unwrap().unwrap();
    /// # let asked = Addr::new("10.0.0.1", 7000);
    /// # let topology = Topology::from_cluster_slots(&reply, &asked).unwrap();
    /// assert_eq!(topology.uncovered_slots(), 16384 - 10000);
    /// ```
    pub fn uncovered_slots(&self) -> usize {
        self.uncovered
    }

    /// The maximal inclusive ranges of slots no shard serves, in slot order.
    ///
    /// ```
    /// # use keyslot_core::{resp, topology::{Addr, Topology}};
    /// # // CLUSTER SLOTS: 0-9999 on 10.0.0.1:7000; slots 10000-16383 have no owner.
    /// # let reply = b"*1\r\n*3\r\n:0\r\n:9999\r\n*2\r\n$8\r\n10.0.0.1\r\n:7000\r\n";
    /// # let (reply, _) = resp::decode(reply).unwrap().unwrap();
    /// # let asked = Addr::new("10.0.0.1", 7000);
    /// # let topology = Topology::from_cluster_slots(&reply, &asked).unwrap();
    /// let gaps: Vec<(u16, u16)> = topology.uncovered_ranges().collect();
    /// assert_eq!(gaps, [(10000, 16383)]);
    /// ```
    pub fn uncovered_ranges(&self) -> impl Iterator<Item = (u16, u16)> + '_ {
        self.slot_ranges()
            .filter(|r| r.2.is_none())
            .map(|(s, e, _)| (s, e))
    }

    /// The whole slot table as maximal runs `(first, last, shard index)` in slot order;
    /// uncovered runs have `None`. Together they cover 0..=16383 exactly once.
    ///
    /// ```
    /// # use keyslot_core::{resp, topology::{Addr, Topology}};
    /// # // CLUSTER SLOTS: 0-9999 on 10.0.0.1:7000; slots 10000-16383 have no owner.
    /// # let reply = b"*1\r\n*3\r\n:0\r\n:9999\r\n*2\r\n$8\r\n10.0.0.1\r\n:7000\r\n";
    /// # let (reply, _) = resp::decode(reply).unwrap().unwrap();
    /// # let asked = Addr::new("10.0.0.1", 7000);
    /// # let topology = Topology::from_cluster_slots(&reply, &asked).unwrap();
    /// let runs: Vec<_> = topology.slot_ranges().collect();
    /// assert_eq!(runs, [(0, 9999, Some(0)), (10000, 16383, None)]);
    /// ```
    pub fn slot_ranges(&self) -> impl Iterator<Item = (u16, u16, Option<usize>)> + '_ {
        self.runs
            .iter()
            .map(|&(s, e, i)| (s, e, (i != UNCOVERED).then_some(usize::from(i))))
    }

    /// Every node, shard by shard: each primary, then that shard's replicas.
    ///
    /// ```
    /// # use keyslot_core::{resp, topology::{Addr, Topology}};
    /// # // CLUSTER SLOTS: 0-8191 on 10.0.0.1 (replica 10.0.0.3), 8192-16383 on 10.0.0.2.
    /// # let reply = b"*2\r\n*4\r\n:0\r\n:8191\r\n*2\r\n$8\r\n10.0.0.1\r\n:7000\r\n\
    /// # *2\r\n$8\r\n10.0.0.3\r\n:7000\r\n*3\r\n:8192\r\n:16383\r\n\
    /// # *2\r\n$8\r\n10.0.0.2\r\n:7000\r\n";
    /// # let (reply, _) = resp::decode(reply).unwrap().unwrap();
    /// # let asked = Addr::new("10.0.0.1", 7000);
    /// # let topology = Topology::from_cluster_slots(&reply, &asked).unwrap();
    /// let addrs: Vec<String> = topology.nodes().map(|n| n.addr.to_string()).collect();
    /// assert_eq!(addrs, ["10.0.0.1:7000", "10.0.0.3:7000", "10.0.0.2:7000"]);
    /// ```
    pub fn nodes(&self) -> impl Iterator<Item = &NodeInfo> {
        self.shards
            .iter()
            .flat_map(|s| s.primary.iter().chain(s.replicas.iter()))
    }

    /// The same view for a TLS client: every node that has a [`NodeInfo::tls_port`] is
    /// addressed on it. (`CLUSTER SHARDS` lists both ports whatever the asking connection;
    /// `CLUSTER SLOTS` gives the port of the asking connection's kind and no TLS port, so its
    /// nodes stay as they are.)
    ///
    /// ```
    /// # use keyslot_core::{resp, topology::{Addr, Topology}};
    /// # // CLUSTER SHARDS: one primary at 10.0.0.1, plain port 7000, TLS port 7443.
    /// # let bytes = b"*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n*1\r\n\
    /// # *8\r\n$8\r\nendpoint\r\n$8\r\n10.0.0.1\r\n$4\r\nport\r\n:7000\r\n\
    /// # $8\r\ntls-port\r\n:7443\r\n$4\r\nrole\r\n$6\r\nmaster\r\n";
    /// # let (reply, _) = resp::decode(bytes).unwrap().unwrap();
    /// let plain = Topology::from_cluster_shards(&reply, &Addr::new("10.0.0.1", 7000)).unwrap();
    /// assert_eq!(plain.primary_of_slot(0).unwrap().addr.port, 7000);
    /// let tls = plain.with_tls_ports();
    /// assert_eq!(tls.primary_of_slot(0).unwrap().addr.port, 7443);
    /// ```
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
