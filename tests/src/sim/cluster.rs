//! The simulated cluster's true state: nodes, shards, slot ownership, replication, failover.
//!
//! - **Shards** are replication groups: a primary, its replicas, a replication stream
//!   ([`ReplOp`]s) and the migration state of their slots (`MIGRATING`/`IMPORTING`, kept per
//!   shard so that a promoted replica inherits it, as Valkey 8 and Redis 8 do).
//! - **Views.** The cluster configuration (slot owners, shard members, node health, which
//!   hostnames are announced) is a versioned, immutable [`View`]. A change makes a new
//!   version; the nodes it directly involves adopt it at once and the others hear of it by
//!   gossip after a random delay, so nodes disagree for a while — MOVED replies and topology
//!   answers come from each node's own, possibly stale, view.
//! - **Replication is asynchronous.** A write reaches each replica after a random lag, and
//!   only while the primary is reachable; a replica promoted before it caught up lacks the
//!   last writes. Those losses are not hidden: every change of a key's visible value is
//!   recorded in the model with its cause.
//! - **Failure detection.** A node unreachable from the cluster (crashed, frozen, cut off)
//!   for `node_timeout` is marked failed; a failed primary's most up-to-date reachable replica
//!   is promoted after an election delay. A cut-off primary notices after `node_timeout` too
//!   and answers CLUSTERDOWN from then on, so two primaries never serve one slot at once.

use std::collections::BTreeMap;
use std::rc::Rc;

use bytes::Bytes;
use keyslot_core::key_slot;
use keyslot_core::time::{Duration, Instant};

use super::clock::{ms, us};
use super::model::Cause;
use super::owners::Owners;
use super::profile::Endpoints;
use super::store::{Entry, ReplOp, Store};
use super::world::{Ev, World};

/// Index of a node (never reused).
pub type NodeId = usize;
/// Index of a shard (never reused).
pub type ShardId = usize;
/// "No shard" in a slot table.
pub const NO_SHARD: u16 = u16::MAX;

/// A node's health as the cluster reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    /// Serving.
    Online,
    /// Loading its data set.
    Loading,
    /// Marked failed.
    Fail,
}

/// One shard in a view.
#[derive(Clone, Debug)]
pub struct ShardView {
    /// Its primary.
    pub primary: NodeId,
    /// Its other members.
    pub replicas: Vec<NodeId>,
    /// Still part of the cluster.
    pub listed: bool,
}

/// One version of the cluster configuration.
#[derive(Clone, Debug)]
pub struct View {
    /// Increases with every change.
    pub version: u64,
    /// Slot to shard, with its runs.
    pub owner: Owners,
    /// Shards by id.
    pub shards: Vec<ShardView>,
    /// Health by node id.
    pub health: Vec<Health>,
    /// Whether each node's hostname is announced (else its endpoint shows `?`).
    pub announced: Vec<bool>,
    /// Some slot is served by no healthy primary (full-coverage clusters go down).
    pub degraded: bool,
}

impl View {
    /// The shard of `slot`, if any.
    pub fn shard_of(&self, slot: u16) -> Option<ShardId> {
        match self.owner.get(usize::from(slot)) {
            Some(NO_SHARD) | None => None,
            Some(s) => Some(usize::from(s)),
        }
    }

    /// Maximal runs `(first, last, shard)` of the slot table (kept up to date by
    /// [`Owners`]: every topology reply and slot-map comparison reads them).
    pub fn runs(&self) -> &[(u16, u16, u16)] {
        self.owner.runs()
    }

    /// Work out whether some slot lacks a healthy primary. Call after changing the slot
    /// table or the health.
    fn finish(&mut self) {
        let health = &self.health;
        let shards = &self.shards;
        self.degraded = self.owner.runs().iter().any(|&(_, _, s)| {
            s == NO_SHARD
                || shards
                    .get(usize::from(s))
                    .is_none_or(|sh| health.get(sh.primary) != Some(&Health::Online))
        });
    }
}

/// Where a node is, as the network and topology replies know it.
#[derive(Clone, Debug)]
pub struct Ident {
    /// 40 hex digits.
    pub id: String,
    /// Its IP address.
    pub ip: String,
    /// Its port.
    pub port: u16,
    /// Its hostname (used in hostname mode).
    pub hostname: String,
}

/// Whether a node's process exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Life {
    /// Running (possibly frozen).
    Up,
    /// Down; will restart.
    Crashed,
    /// Taken out of the cluster for good.
    Removed,
}

/// One simulated redis-server.
#[derive(Debug)]
pub struct Node {
    /// Identity and address.
    pub ident: Ident,
    /// The shard it belongs to for life.
    pub shard: ShardId,
    /// Process state.
    pub life: Life,
    /// Stopped (SIGSTOP): accepts bytes, runs nothing.
    pub frozen: bool,
    /// Cut off from the other nodes (not from clients).
    pub isolated: bool,
    /// Knows it lost the cluster: answers CLUSTERDOWN.
    pub cluster_fail: bool,
    /// Answers LOADING until then.
    pub loading_until: Instant,
    /// Its data.
    pub store: Store,
    /// The replication epoch it follows, and how much of that stream it applied.
    pub epoch: u64,
    /// Ops of the shard's current stream applied.
    pub applied: usize,
    /// Its view of the cluster.
    pub view: Rc<View>,
    /// Counts periods of unreachability (failure-detector bookkeeping).
    pub incident: u64,
    /// Unreachable from the cluster since.
    pub unreachable_since: Option<Instant>,
    /// When it was last demoted from primary.
    pub demoted_at: Option<Instant>,
    /// Replication deliveries to this node are scheduled no earlier than this.
    pub repl_next: Instant,
}

impl Node {
    /// Reachable by the other nodes.
    pub fn reachable(&self) -> bool {
        self.life == Life::Up && !self.frozen && !self.isolated
    }

    /// Able to run commands for clients right now.
    pub fn running(&self) -> bool {
        self.life == Life::Up && !self.frozen
    }
}

/// A replication group.
#[derive(Debug)]
pub struct Shard {
    /// The primary (even while it is down, until a replica replaces it).
    pub primary: NodeId,
    /// The other members.
    pub replicas: Vec<NodeId>,
    /// The current replication stream.
    pub log: Vec<ReplOp>,
    /// Which stream (a promotion starts a new one).
    pub epoch: u64,
    /// Offset of the stream's start (for `replication-offset`).
    pub base_offset: u64,
    /// Slots being migrated out: slot -> target shard.
    pub migrating: BTreeMap<u16, ShardId>,
    /// Slots being migrated in: slot -> source shard.
    pub importing: BTreeMap<u16, ShardId>,
    /// Taken out of the cluster.
    pub removed: bool,
    /// An operation holds it (one at a time per shard).
    pub busy: bool,
}

impl Shard {
    /// All members, primary first.
    pub fn members(&self) -> Vec<NodeId> {
        let mut m = vec![self.primary];
        m.extend(self.replicas.iter().copied());
        m
    }
}

/// The whole cluster.
#[derive(Debug)]
pub struct ClusterState {
    /// Every node ever created.
    pub nodes: Vec<Node>,
    /// Every shard ever created.
    pub shards: Vec<Shard>,
    /// The newest configuration.
    pub latest: Rc<View>,
    /// `(ip, port)` to node.
    pub by_addr: BTreeMap<(String, u16), NodeId>,
    /// Hostname to node.
    pub by_hostname: BTreeMap<String, NodeId>,
    /// Endpoint announcement mode.
    pub endpoints: Endpoints,
    /// Gossip messages not yet delivered.
    pub gossip_in_flight: usize,
}

/// The IP the simulator gives node `n`.
pub fn node_ip(n: NodeId, endpoints: Endpoints) -> String {
    match endpoints {
        Endpoints::SharedHost => "127.0.0.1".into(),
        _ => format!("10.0.{}.{}", n / 200, n % 200 + 10),
    }
}

/// A deterministic 40-hex-digit node id.
fn node_id_text(n: NodeId, salt: u64) -> String {
    let mut x = salt ^ (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut s = String::with_capacity(40);
    while s.len() < 40 {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        s.push_str(&format!("{:016x}", x));
    }
    s.truncate(40);
    s
}

impl ClusterState {
    /// A cluster of `shards` x (1 + `replicas`) nodes with the slot layout `owner`.
    pub fn new(
        shards: usize,
        replicas: usize,
        owner: Vec<u16>,
        endpoints: Endpoints,
        distinct_ports: bool,
        salt: u64,
        now: Instant,
    ) -> ClusterState {
        let view = Rc::new(View {
            version: 1,
            owner: Owners::new(owner),
            shards: Vec::new(),
            health: Vec::new(),
            announced: Vec::new(),
            degraded: false,
        });
        let mut c = ClusterState {
            nodes: Vec::new(),
            shards: Vec::new(),
            latest: view,
            by_addr: BTreeMap::new(),
            by_hostname: BTreeMap::new(),
            endpoints,
            gossip_in_flight: 0,
        };
        let mut v = (*c.latest).clone();
        for _ in 0..shards {
            c.add_shard_nodes(&mut v, replicas, distinct_ports, salt, true, now);
        }
        v.finish();
        let v = Rc::new(v);
        for n in &mut c.nodes {
            n.view = v.clone();
        }
        c.latest = v;
        c
    }

    /// Create a shard's nodes and add them to `v`; returns the shard id.
    pub fn add_shard_nodes(
        &mut self,
        v: &mut View,
        replicas: usize,
        distinct_ports: bool,
        salt: u64,
        announced: bool,
        now: Instant,
    ) -> ShardId {
        let shard = self.shards.len();
        let mut members = Vec::new();
        for _ in 0..=replicas {
            let n = self.nodes.len();
            let ip = node_ip(n, self.endpoints);
            let port = match self.endpoints {
                Endpoints::SharedHost => 7000 + n as u16,
                _ if distinct_ports => 7000 + n as u16,
                _ => 6379,
            };
            let ident = Ident {
                id: node_id_text(n, salt),
                ip: ip.clone(),
                port,
                hostname: format!("n{n}.sim.test"),
            };
            self.by_addr.insert((ip, port), n);
            self.by_hostname.insert(ident.hostname.clone(), n);
            self.nodes.push(Node {
                ident,
                shard,
                life: Life::Up,
                frozen: false,
                isolated: false,
                cluster_fail: false,
                loading_until: now,
                store: Store::default(),
                epoch: 0,
                applied: 0,
                view: self.latest.clone(),
                incident: 0,
                unreachable_since: None,
                demoted_at: None,
                repl_next: now,
            });
            v.health.push(Health::Online);
            v.announced.push(announced);
            members.push(n);
        }
        self.shards.push(Shard {
            primary: members[0],
            replicas: members[1..].to_vec(),
            log: Vec::new(),
            epoch: 0,
            base_offset: 0,
            migrating: BTreeMap::new(),
            importing: BTreeMap::new(),
            removed: false,
            busy: false,
        });
        v.shards.push(ShardView {
            primary: members[0],
            replicas: members[1..].to_vec(),
            listed: true,
        });
        shard
    }

    /// The node id behind `ip:port`.
    pub fn node_at(&self, ip: &str, port: u16) -> Option<NodeId> {
        self.by_addr.get(&(ip.to_string(), port)).copied()
    }

    /// The endpoint text a node announces in `view` (MOVED, topology replies).
    pub fn endpoint(&self, view: &View, n: NodeId) -> String {
        let node = &self.nodes[n];
        match self.endpoints {
            Endpoints::Ip => node.ident.ip.clone(),
            Endpoints::Hostname if view.announced.get(n).copied().unwrap_or(false) => {
                node.ident.hostname.clone()
            }
            Endpoints::Hostname => "?".into(),
            Endpoints::SharedHost => String::new(),
        }
    }

    /// The `host:port` of a redirect to node `n` as `view` knows it.
    pub fn redirect_target(&self, view: &View, n: NodeId) -> String {
        format!("{}:{}", self.endpoint(view, n), self.nodes[n].ident.port)
    }

    /// The replication offset a node reports.
    pub fn offset(&self, n: NodeId) -> i64 {
        let node = &self.nodes[n];
        let shard = &self.shards[node.shard];
        let own = if shard.primary == n {
            shard.log.len()
        } else if node.epoch == shard.epoch {
            node.applied
        } else {
            0
        };
        (shard.base_offset + own as u64) as i64
    }

    /// The shard whose primary, per the newest view, serves `slot`.
    pub fn true_owner(&self, slot: u16) -> Option<ShardId> {
        self.latest.shard_of(slot)
    }
}

impl World {
    /// Publish a configuration change: `involved` nodes adopt it now, the others by gossip.
    pub fn change_view(&mut self, involved: &[NodeId], f: impl FnOnce(&mut View)) {
        let mut v = (*self.c.latest).clone();
        f(&mut v);
        self.publish_view(v, involved);
    }

    /// Publish `v` (a modified copy of the newest view) as the next version.
    pub fn publish_view(&mut self, mut v: View, involved: &[NodeId]) {
        v.version = self.c.latest.version + 1;
        v.finish();
        let v = Rc::new(v);
        self.c.latest = v.clone();
        for n in 0..self.c.nodes.len() {
            if !self.c.nodes[n].reachable() && !involved.contains(&n) {
                continue; // catches up when it is back
            }
            if involved.contains(&n) {
                self.c.nodes[n].view = v.clone();
                self.node_view_changed(n);
            } else {
                let delay = self.rng_cluster.range(0, self.profile.gossip_max_ms * 1000);
                self.c.gossip_in_flight += 1;
                self.sched.after(
                    self.now,
                    us(delay),
                    Ev::Gossip {
                        node: n,
                        view: v.clone(),
                    },
                );
            }
        }
        self.trace_note(format!("view v{}", v.version));
    }

    /// A gossip message arrives.
    pub fn on_gossip(&mut self, node: NodeId, view: Rc<View>) {
        self.c.gossip_in_flight -= 1;
        let n = &mut self.c.nodes[node];
        if n.reachable() && n.view.version < view.version {
            n.view = view;
            self.node_view_changed(node);
        }
    }

    /// `node` adopted a new view: the pub/sub and blocking servers react.
    pub fn node_view_changed(&mut self, node: NodeId) {
        self.pubsub_view_changed(node);
        self.blocked_view_changed(node);
    }

    /// The value a GET for `key` on the owner would see now, per the true state.
    pub fn visible(&self, key: &[u8]) -> Option<Bytes> {
        let slot = key_slot(key);
        let shard = self.c.true_owner(slot)?;
        let s = &self.c.shards[shard];
        let local = self.c.nodes[s.primary].store.value(key, self.now);
        match s.migrating.get(&slot) {
            Some(&target) if local.is_none() => {
                let t = self.c.shards[target].primary;
                self.c.nodes[t].store.value(key, self.now)
            }
            _ => local,
        }
    }

    /// Re-derive `key`'s visible value and record it if it changed.
    pub fn refresh_visible(&mut self, key: &Bytes, cause: Cause) {
        let v = self.visible(key);
        self.model.record(key, self.now, v, cause);
    }

    /// A primary writes `key`: store it, stream it to the replicas, note the new value.
    pub fn primary_write(&mut self, node: NodeId, key: Bytes, entry: Option<Entry>) {
        if let Some(at) = entry.as_ref().and_then(|e| e.expire_at) {
            self.sched.at(at, Ev::Expire { key: key.clone() });
        }
        self.c.nodes[node].store.put(key.clone(), entry.clone());
        self.tracked_key_changed(node, &key);
        let shard = self.c.nodes[node].shard;
        self.c.shards[shard].log.push(ReplOp {
            key: key.clone(),
            entry,
        });
        self.schedule_replication(shard);
        self.refresh_visible(&key, Cause::Write);
    }

    /// Schedule delivery of the shard's stream, as it is now, to each replica.
    pub fn schedule_replication(&mut self, shard: ShardId) {
        let s = &self.c.shards[shard];
        let (epoch, upto) = (s.epoch, s.log.len());
        for r in s.replicas.clone() {
            if self.c.nodes[r].life != Life::Up {
                continue;
            }
            let lag = self
                .rng_cluster
                .range(self.profile.repl_lag_us.0, self.profile.repl_lag_us.1);
            let at = (self.now + us(lag)).max(self.c.nodes[r].repl_next);
            self.c.nodes[r].repl_next = at;
            self.sched.at(
                at,
                Ev::Replicate {
                    node: r,
                    epoch,
                    upto,
                },
            );
        }
    }

    /// Replication bytes reach a replica.
    pub fn on_replicate(&mut self, node: NodeId, epoch: u64, upto: usize) {
        let shard = self.c.nodes[node].shard;
        let primary = self.c.shards[shard].primary;
        let s = &self.c.shards[shard];
        let n = &self.c.nodes[node];
        if primary == node
            || !n.reachable()
            || !self.c.nodes[primary].reachable()
            || s.epoch != epoch
            || n.epoch != epoch
        {
            return;
        }
        let upto = upto.min(s.log.len());
        let from = n.applied;
        if upto <= from {
            return;
        }
        let ops: Vec<ReplOp> = s.log[from..upto].to_vec();
        for op in &ops {
            self.c.nodes[node].store.apply(op);
            self.tracked_key_changed(node, &op.key);
        }
        self.c.nodes[node].applied = upto;
    }

    /// Make `node` an exact copy of its shard's primary (full resynchronisation).
    pub fn full_sync(&mut self, node: NodeId) {
        let shard = self.c.nodes[node].shard;
        let s = &self.c.shards[shard];
        let (primary, epoch, len) = (s.primary, s.epoch, s.log.len());
        if primary == node {
            return;
        }
        let store = self.c.nodes[primary].store.clone();
        let n = &mut self.c.nodes[node];
        n.store = store;
        n.epoch = epoch;
        n.applied = len;
        self.tracked_node_flushed(node);
    }

    /// A TTL passes: the key may now read as absent.
    pub fn on_expire(&mut self, key: Bytes) {
        self.tracked_expiry(&key);
        self.refresh_visible(&key, Cause::Expiry);
    }

    /// The node stopped being reachable by the cluster (crash, freeze, cut-off).
    pub fn node_unreachable(&mut self, node: NodeId) {
        let n = &mut self.c.nodes[node];
        if n.unreachable_since.is_some() {
            return;
        }
        n.unreachable_since = Some(self.now);
        n.incident += 1;
        let incident = n.incident;
        let timeout = ms(self.profile.node_timeout_ms);
        self.sched
            .after(self.now, timeout, Ev::Suspect { node, incident });
    }

    /// The failure detector's timeout for an unreachable node.
    pub fn on_suspect(&mut self, node: NodeId, incident: u64) {
        let n = &self.c.nodes[node];
        if n.incident != incident || n.unreachable_since.is_none() || n.life == Life::Removed {
            return;
        }
        if n.life == Life::Up && n.isolated {
            // It cannot see a majority either: it stops serving.
            self.c.nodes[node].cluster_fail = true;
        }
        self.change_view(&[], |v| {
            if let Some(h) = v.health.get_mut(node) {
                *h = Health::Fail;
            }
        });
        let shard = self.c.nodes[node].shard;
        if self.c.shards[shard].primary == node {
            let delay = self.rng_cluster.range(50, 1_000);
            self.sched.after(
                self.now,
                ms(delay),
                Ev::Election {
                    shard,
                    node,
                    incident,
                },
            );
        }
    }

    /// The failed primary's replicas hold an election.
    pub fn on_election(&mut self, shard: ShardId, node: NodeId, incident: u64) {
        let n = &self.c.nodes[node];
        if self.c.shards[shard].primary != node
            || n.incident != incident
            || n.unreachable_since.is_none()
        {
            return;
        }
        let epoch = self.c.shards[shard].epoch;
        let best = self.c.shards[shard]
            .replicas
            .iter()
            .copied()
            .filter(|&r| {
                let rn = &self.c.nodes[r];
                rn.reachable() && rn.loading_until <= self.now && rn.epoch == epoch
            })
            .max_by_key(|&r| (self.c.nodes[r].applied, usize::MAX - r));
        if let Some(r) = best {
            self.promote(shard, r);
        }
    }

    /// `replica` becomes its shard's primary. What it had not received is lost.
    pub fn promote(&mut self, shard: ShardId, replica: NodeId) {
        let old = self.c.shards[shard].primary;
        let mut keys: Vec<Bytes> = self.c.nodes[old].store.keys().cloned().collect();
        keys.extend(self.c.nodes[replica].store.keys().cloned());
        keys.sort();
        keys.dedup();
        let s = &mut self.c.shards[shard];
        let mut members = s.members();
        members.retain(|&m| m != replica);
        s.primary = replica;
        s.replicas = members.clone();
        s.base_offset += s.log.len() as u64;
        s.log.clear();
        s.epoch += 1;
        let epoch = s.epoch;
        let r = &mut self.c.nodes[replica];
        r.epoch = epoch;
        r.applied = 0;
        self.c.nodes[old].demoted_at = Some(self.now);
        for &m in &members {
            if self.c.nodes[m].reachable() {
                self.full_sync(m);
            }
        }
        self.stats.failovers += 1;
        self.trace_note(format!("promote n{replica} over n{old} in shard {shard}"));
        let involved: Vec<NodeId> = std::iter::once(replica)
            .chain(
                members
                    .iter()
                    .copied()
                    .filter(|&m| self.c.nodes[m].reachable()),
            )
            .collect();
        self.change_view(&involved, |v| {
            v.shards[shard].primary = replica;
            v.shards[shard].replicas = members;
        });
        for key in keys {
            self.refresh_visible(&key, Cause::Failover);
        }
    }

    /// The node is reachable again: it catches up with the configuration, and with its
    /// primary's data if it is (now) a replica.
    pub fn node_reachable(&mut self, node: NodeId) {
        let latest = self.c.latest.clone();
        let n = &mut self.c.nodes[node];
        n.unreachable_since = None;
        n.cluster_fail = false;
        n.view = latest;
        let shard = n.shard;
        self.node_view_changed(node);
        let s = &self.c.shards[shard];
        if s.primary != node {
            let n = &self.c.nodes[node];
            if n.epoch != s.epoch || n.applied > s.log.len() {
                self.full_sync(node);
            }
        }
        self.schedule_replication(shard);
        let loading = self.c.nodes[node].loading_until > self.now;
        let want = if loading {
            Health::Loading
        } else {
            Health::Online
        };
        if self.c.latest.health.get(node) != Some(&want) {
            self.change_view(&[node], |v| v.health[node] = want);
        }
    }

    /// A loading node finished loading.
    pub fn on_loaded(&mut self, node: NodeId) {
        let n = &self.c.nodes[node];
        if n.life != Life::Up || n.loading_until > self.now {
            return;
        }
        if n.reachable() && self.c.latest.health.get(node) == Some(&Health::Loading) {
            self.change_view(&[node], |v| v.health[node] = Health::Online);
        }
    }

    /// Start loading for `d` (LOADING errors, `loading` health).
    pub fn start_loading(&mut self, node: NodeId, d: Duration) {
        self.c.nodes[node].loading_until = self.now + d;
        self.sched.after(self.now, d, Ev::Loaded { node });
    }
}
