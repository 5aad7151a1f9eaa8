//! What routing reads: every node the machine knows of, the slot table, and the view of
//! the cluster they were built from.
//!
//! Node indices are stable while anything refers to them (connections, jobs, slot table
//! entries); [`membership`](super::membership) frees the entries of departed nodes and
//! [`Routing::node_for`] reuses them. The slot table changes only when a view is applied
//! (`refresh/apply.rs`) or a MOVED names a new owner (`redirect.rs`), and either bumps
//! `slots_generation`.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use super::metrics;
use super::slab::Key;
use crate::time::Instant;
use crate::topology::{Addr, Role, Topology};

/// A node the machine knows of.
#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) addr: Addr,
    pub(crate) conn: Option<Key>,
    pub(crate) role: Role,
    /// In the current topology.
    pub(crate) listed: bool,
    /// Connections failed in a row, and no new attempt before `down_until`.
    pub(crate) failures: u32,
    pub(crate) down_until: Option<Instant>,
    /// On a primary: the replicas reads may go to, from the latest topology.
    pub(crate) replicas: Vec<usize>,
    /// Next replica for [`ReadFrom::RoundRobinReplicas`](super::ReadFrom::RoundRobinReplicas) and same-zone reads.
    pub(crate) next_replica: usize,
    /// The node's availability zone, when configured or reported.
    pub(crate) zone: Option<alloc::string::String>,
    /// `INFO SERVER` was asked for the zone (once per node).
    pub(crate) zone_asked: bool,
    /// Smoothed reply time of reads, for [`ReadFrom::LowestLatency`](super::ReadFrom::LowestLatency).
    pub(crate) latency: Option<crate::time::Duration>,
    /// Connections for blocking commands, handshaken and idle.
    pub(crate) idle_blocking: Vec<Key>,
    /// With RESP2: the connection in subscribed mode.
    pub(crate) pubsub_conn: Option<Key>,
    /// Its connection read nothing for the stall timeout with replies due (see `stall.rs`).
    pub(crate) stalled: bool,
    /// A free entry, waiting to be reused for a new node (see [`membership`](super::membership)).
    pub(crate) vacant: bool,
    /// What [`Cluster::metrics`](super::Cluster::metrics) reports of it.
    pub(crate) stats: metrics::NodeStats,
}

impl Node {
    pub(super) fn new(addr: Addr, zone: Option<alloc::string::String>) -> Node {
        Node {
            addr,
            conn: None,
            role: Role::Primary,
            listed: false,
            failures: 0,
            down_until: None,
            replicas: Vec::new(),
            next_replica: 0,
            zone_asked: zone.is_some(),
            zone,
            latency: None,
            idle_blocking: Vec::new(),
            pubsub_conn: None,
            stalled: false,
            vacant: false,
            stats: metrics::NodeStats::default(),
        }
    }

    /// Failed recently (no new connection attempt before its backoff ends), or stalled.
    pub(crate) fn is_down(&self, now: Instant) -> bool {
        self.stalled || self.down_until.is_some_and(|t| t > now)
    }

    /// `conn` is gone: drop every reference the node holds to it.
    pub(crate) fn forget_conn(&mut self, conn: Key) {
        if self.conn == Some(conn) {
            self.conn = None;
            // The stall was that connection's; the next one is judged afresh (a node marked
            // stalled with no connection left would stay out of every rediscovery).
            self.stalled = false;
        }
        if self.pubsub_conn == Some(conn) {
            self.pubsub_conn = None;
        }
        self.idle_blocking.retain(|k| *k != conn);
    }
}

/// The slot table entry for "no owner".
pub(crate) const NO_NODE: u32 = u32::MAX;

/// The nodes and the slot table. See the [module docs](self).
#[derive(Debug)]
pub(crate) struct Routing {
    /// Every node the machine keeps state for.
    pub(crate) nodes: Vec<Node>,
    pub(crate) node_index: BTreeMap<Addr, usize>,
    /// Vacant entries of `nodes`.
    pub(crate) free_nodes: Vec<usize>,
    /// The primary of each slot, as a node index, or [`NO_NODE`].
    pub(crate) slots: Vec<u32>,
    /// Bumped whenever `slots` may have changed ([`Cluster::slot_map_generation`]).
    ///
    /// [`Cluster::slot_map_generation`]: super::Cluster::slot_map_generation
    pub(crate) slots_generation: u64,
    /// The nodes that own slots, for keyless commands.
    pub(crate) primaries: Vec<usize>,
    /// The view in effect, once there is one.
    pub(crate) topology: Option<Topology>,
}

impl Routing {
    /// No nodes, no owner for any slot, no view.
    pub(crate) fn new() -> Routing {
        Routing {
            nodes: Vec::new(),
            node_index: BTreeMap::new(),
            free_nodes: Vec::new(),
            slots: alloc::vec![NO_NODE; crate::SLOT_COUNT as usize],
            slots_generation: 0,
            primaries: Vec::new(),
            topology: None,
        }
    }

    /// The node index for `addr`, adding the node when it is new (in a vacant entry when
    /// there is one), with its zone from `zones` when configured.
    pub(crate) fn node_for(&mut self, addr: &Addr, zones: &[(Addr, String)]) -> usize {
        if let Some(&i) = self.node_index.get(addr) {
            return i;
        }
        let zone = zones
            .iter()
            .find(|(a, _)| a == addr)
            .map(|(_, zone)| zone.clone());
        let node = Node::new(addr.clone(), zone);
        let i = match self.free_nodes.pop() {
            Some(i) => {
                self.nodes[i] = node;
                i
            }
            None => {
                self.nodes.push(node);
                self.nodes.len() - 1
            }
        };
        self.node_index.insert(addr.clone(), i);
        i
    }
}
