//! The orchestrator: cluster operations and faults, started at random during the fault
//! phase, each a small state machine driven by scheduled events.
//!
//! | operation | what happens |
//! |---|---|
//! | crash | a node dies (connections reset, connects refused), restarts later, maybe loading; a primary is failed over if it stays down past `node_timeout` |
//! | freeze | a node stops (SIGSTOP): it accepts connections and bytes but runs nothing; on resuming it first learns the configuration it missed, then answers what it was sent |
//! | isolate | a node is cut off from the other nodes but not from the client: a primary keeps serving (writes it takes are lost if it is failed over) until it notices and answers CLUSTERDOWN |
//! | failover | a manual failover: a caught-up replica takes over, nothing is lost, the old primary redirects |
//! | loading | a replica restarts and loads its data for a while |
//! | partition | the client cannot reach a node for a while (bytes wait, connects hang) |
//! | migrate | slots move between shards in batches: MIGRATING/IMPORTING, keys moved one by one, then the new owner is published (Valkey 9 seeds: atomically, see [`super::atomic_migration`]) |
//! | scale-out | a new shard joins (its hostnames possibly announced late) and slots migrate to it |
//! | scale-in | a shard's slots migrate away and its nodes leave for good (the DNS may remember them) |
//!
//! At most one failure operation runs per shard at a time, and a shard is in at most one
//! migration at a time; failures may hit shards that are migrating (failover during
//! migration: the migration state belongs to the shard and survives it).

use std::collections::{BTreeSet, VecDeque};

use keyslot_core::key_slot;
use keyslot_core::time::Duration;

use super::clock::{ms, us};
use super::cluster::{Health, Life, NodeId, ShardId};
use super::world::{Ev, Phase, World};

/// An orchestrator step.
#[derive(Debug)]
pub enum OpEv {
    /// Start another operation.
    Tick,
    /// A crashed node restarts.
    Restart {
        /// The node.
        node: NodeId,
        /// Load for this long after restarting (milliseconds).
        loading_ms: u64,
    },
    /// A frozen node resumes.
    Thaw {
        /// The node.
        node: NodeId,
    },
    /// A cut-off node rejoins.
    Heal {
        /// The node.
        node: NodeId,
    },
    /// A client-node partition heals.
    PartitionEnd {
        /// The node.
        node: NodeId,
    },
    /// The next step of a migration.
    MigrateStep {
        /// Index into the migrations.
        mig: usize,
    },
    /// A new node's hostname is announced.
    Announce {
        /// The node.
        node: NodeId,
    },
    /// An operation ends, releasing its shard.
    Done {
        /// The shard it held.
        shard: Option<ShardId>,
    },
    /// Reset a random connection.
    NetReset,
    /// The configuration endpoint's answer changes.
    DnsRotate,
}

/// Kinds of operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// See the module docs.
    Crash,
    /// See the module docs.
    Freeze,
    /// See the module docs.
    Isolate,
    /// See the module docs.
    Failover,
    /// See the module docs.
    Loading,
    /// See the module docs.
    Partition,
    /// See the module docs.
    Migrate,
    /// See the module docs.
    ScaleOut,
    /// See the module docs.
    ScaleIn,
}

/// Every kind, for scripted use.
pub const ALL_KINDS: [OpKind; 9] = [
    OpKind::Crash,
    OpKind::Freeze,
    OpKind::Isolate,
    OpKind::Failover,
    OpKind::Loading,
    OpKind::Partition,
    OpKind::Migrate,
    OpKind::ScaleOut,
    OpKind::ScaleIn,
];

/// A migration in progress.
#[derive(Debug)]
pub struct Migration {
    pub(super) from: ShardId,
    pub(super) plan: VecDeque<(u16, ShardId)>,
    batch: Vec<u16>,
    pub(super) to: ShardId,
    remove_after: bool,
    finished: bool,
    /// Valkey 9's `CLUSTER MIGRATESLOTS` (see [`super::atomic_migration`]) instead of
    /// MIGRATING/IMPORTING and ASK.
    atomic: bool,
}

impl Ops {
    /// Shards some unfinished migration moves slots out of or into.
    pub fn mig_busy(&self) -> BTreeSet<ShardId> {
        self.migrations
            .iter()
            .filter(|m| !m.finished)
            .flat_map(|m| {
                std::iter::once(m.from)
                    .chain(std::iter::once(m.to))
                    .chain(m.plan.iter().map(|&(_, t)| t))
            })
            .collect()
    }
}

/// The orchestrator's state.
#[derive(Debug, Default)]
pub struct Ops {
    /// Operations in progress.
    pub active: usize,
    /// Shards held by a failure operation.
    pub fault_busy: BTreeSet<ShardId>,
    /// Migrations, finished or not.
    pub migrations: Vec<Migration>,
    /// Atomic migrations' batches in progress.
    pub handovers: super::atomic_migration::Handovers,
}

impl World {
    /// Start the orchestrator's clocks.
    pub fn schedule_faults(&mut self) {
        if self.profile.any_ops() {
            let gap = self.rng_fault.exp(self.profile.op_every_ms);
            self.sched.after(self.now, ms(gap), Ev::Op(OpEv::Tick));
        }
        if let Some(every) = self.profile.resets_ms {
            let gap = self.rng_fault.exp(every);
            self.sched.after(self.now, ms(gap), Ev::Op(OpEv::NetReset));
        }
        if self.profile.dns_rotation {
            let gap = self.rng_fault.range(1_000, 5_000);
            self.sched.after(self.now, ms(gap), Ev::Op(OpEv::DnsRotate));
        }
    }

    fn enabled_kinds(&self) -> Vec<OpKind> {
        let p = &self.profile;
        let flags = [
            (p.crashes, OpKind::Crash),
            (p.freezes, OpKind::Freeze),
            (p.isolations, OpKind::Isolate),
            (p.graceful_failovers, OpKind::Failover),
            (p.loading, OpKind::Loading),
            (p.partitions, OpKind::Partition),
            (p.migrations, OpKind::Migrate),
            (p.scale_out, OpKind::ScaleOut),
            (p.scale_in, OpKind::ScaleIn),
        ];
        flags
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, k)| k)
            .collect()
    }

    /// An orchestrator event.
    pub fn on_op(&mut self, ev: OpEv) {
        match ev {
            OpEv::Tick => {
                if self.phase != Phase::Faults {
                    return;
                }
                let kinds = self.enabled_kinds();
                if let Some(&kind) = self.rng_fault.pick(&kinds) {
                    self.start_op(kind);
                }
                let gap = self.rng_fault.exp(self.profile.op_every_ms);
                self.sched.after(self.now, ms(gap), Ev::Op(OpEv::Tick));
            }
            OpEv::Restart { node, loading_ms } => self.restart(node, loading_ms),
            OpEv::Thaw { node } => {
                self.c.nodes[node].frozen = false;
                self.trace_note(format!("thaw n{node}"));
                self.node_reachable(node);
                self.replay_held(node);
                self.op_done(Some(self.c.nodes[node].shard));
            }
            OpEv::Heal { node } => {
                self.c.nodes[node].isolated = false;
                self.trace_note(format!("heal n{node}"));
                self.node_reachable(node);
                self.op_done(Some(self.c.nodes[node].shard));
            }
            OpEv::PartitionEnd { node } => {
                self.net.partitions.remove(&node);
                self.op_done(None);
            }
            OpEv::MigrateStep { mig } => self.migrate_step(mig),
            OpEv::Announce { node } => {
                self.change_view(&[node], |v| v.announced[node] = true);
                self.op_done(None);
            }
            OpEv::Done { shard } => self.op_done(shard),
            OpEv::NetReset => {
                if self.phase != Phase::Faults {
                    return;
                }
                let open: Vec<u64> = self
                    .net
                    .conns
                    .iter()
                    .filter(|(_, c)| c.state == super::net::State::Open)
                    .map(|(&k, _)| k)
                    .collect();
                if let Some(&k) = self.rng_fault.pick(&open) {
                    self.reset_conn(k);
                }
                if let Some(every) = self.profile.resets_ms {
                    let gap = self.rng_fault.exp(every);
                    self.sched.after(self.now, ms(gap), Ev::Op(OpEv::NetReset));
                }
            }
            OpEv::DnsRotate => {
                self.rotate_dns();
                let gap = self.rng_fault.range(1_000, 5_000);
                self.sched.after(self.now, ms(gap), Ev::Op(OpEv::DnsRotate));
            }
        }
    }

    fn op_started(&mut self, what: String) {
        self.ops.active += 1;
        self.stats.ops += 1;
        self.trace_note(what);
    }

    fn op_done(&mut self, shard: Option<ShardId>) {
        if let Some(s) = shard {
            self.ops.fault_busy.remove(&s);
        }
        self.ops.active -= 1;
    }

    /// Listed, not removed shards.
    fn live_shards(&self) -> Vec<ShardId> {
        (0..self.c.shards.len())
            .filter(|&s| self.c.latest.shards[s].listed && !self.c.shards[s].removed)
            .collect()
    }

    /// A shard free for a failure operation.
    fn pick_fault_shard(&mut self) -> Option<ShardId> {
        let free: Vec<ShardId> = self
            .live_shards()
            .into_iter()
            .filter(|s| !self.ops.fault_busy.contains(s))
            .collect();
        self.rng_fault.pick(&free).copied()
    }

    /// A member of `shard`: the primary with probability `p_primary`.
    fn pick_member(&mut self, shard: ShardId, p_primary: f64) -> NodeId {
        let s = &self.c.shards[shard];
        if s.replicas.is_empty() || self.rng_fault.chance(p_primary) {
            s.primary
        } else {
            let replicas = s.replicas.clone();
            replicas[self.rng_fault.index(replicas.len())]
        }
    }

    /// Try to start an operation of `kind`; returns whether it started.
    pub fn start_op(&mut self, kind: OpKind) -> bool {
        let timeout = self.profile.node_timeout_ms;
        match kind {
            OpKind::Crash | OpKind::Freeze | OpKind::Isolate => {
                let Some(shard) = self.pick_fault_shard() else {
                    return false;
                };
                let node = self.pick_member(shard, 0.7);
                if !self.c.nodes[node].reachable() {
                    return false;
                }
                self.ops.fault_busy.insert(shard);
                match kind {
                    OpKind::Crash => {
                        self.op_started(format!("crash n{node}"));
                        self.crash_node(node);
                        let down = self.rng_fault.range(200, timeout * 3);
                        let loading_ms = if self.profile.loading && self.rng_fault.coin() {
                            self.rng_fault.range(100, 1_500)
                        } else {
                            0
                        };
                        self.sched.after(
                            self.now,
                            ms(down),
                            Ev::Op(OpEv::Restart { node, loading_ms }),
                        );
                    }
                    OpKind::Freeze => {
                        self.op_started(format!("freeze n{node}"));
                        self.c.nodes[node].frozen = true;
                        self.node_unreachable(node);
                        let d = self.rng_fault.range(100, timeout * 5 / 2);
                        self.sched
                            .after(self.now, ms(d), Ev::Op(OpEv::Thaw { node }));
                    }
                    _ => {
                        self.op_started(format!("isolate n{node}"));
                        self.c.nodes[node].isolated = true;
                        self.node_unreachable(node);
                        let d = self.rng_fault.range(timeout / 2, timeout * 3);
                        self.sched
                            .after(self.now, ms(d), Ev::Op(OpEv::Heal { node }));
                    }
                }
                true
            }
            OpKind::Loading => {
                let Some(shard) = self.pick_fault_shard() else {
                    return false;
                };
                let replicas = self.c.shards[shard].replicas.clone();
                let Some(&node) = self.rng_fault.pick(&replicas) else {
                    return false;
                };
                if !self.c.nodes[node].reachable() {
                    return false;
                }
                self.ops.fault_busy.insert(shard);
                self.op_started(format!("restart n{node} with loading"));
                self.crash_node(node);
                let down = self.rng_fault.range(50, 300);
                let loading_ms = self.rng_fault.range(200, 2_000);
                self.sched.after(
                    self.now,
                    ms(down),
                    Ev::Op(OpEv::Restart { node, loading_ms }),
                );
                true
            }
            OpKind::Failover => {
                let Some(shard) = self.pick_fault_shard() else {
                    return false;
                };
                let s = &self.c.shards[shard];
                let (primary, epoch) = (s.primary, s.epoch);
                let candidates: Vec<NodeId> = s
                    .replicas
                    .iter()
                    .copied()
                    .filter(|&r| {
                        let n = &self.c.nodes[r];
                        n.reachable() && n.loading_until <= self.now && n.epoch == epoch
                    })
                    .collect();
                let Some(&r) = self.rng_fault.pick(&candidates) else {
                    return false;
                };
                if !self.c.nodes[primary].reachable() {
                    return false;
                }
                self.op_started(format!("manual failover n{primary} -> n{r}"));
                // The replica catches up first: nothing is lost.
                let ops = self.c.shards[shard].log[self.c.nodes[r].applied..].to_vec();
                for op in &ops {
                    self.c.nodes[r].store.apply(op);
                    self.tracked_key_changed(r, &op.key);
                }
                self.c.nodes[r].applied = self.c.shards[shard].log.len();
                self.promote(shard, r);
                self.op_done(None);
                true
            }
            OpKind::Partition => {
                let shards = self.live_shards();
                let Some(&shard) = self.rng_fault.pick(&shards) else {
                    return false;
                };
                let node = self.pick_member(shard, 0.6);
                if self.net.partitions.contains_key(&node) {
                    return false;
                }
                let d = self.rng_fault.range(200, 4_000);
                self.op_started(format!("partition client | n{node} for {d}ms"));
                self.net.partitions.insert(node, self.now + ms(d));
                self.sched
                    .after(self.now, ms(d), Ev::Op(OpEv::PartitionEnd { node }));
                true
            }
            OpKind::Migrate => self.start_migration(),
            OpKind::ScaleOut => self.scale_out(),
            OpKind::ScaleIn => self.scale_in(),
        }
    }

    /// The node's process dies.
    pub fn crash_node(&mut self, node: NodeId) {
        let n = &mut self.c.nodes[node];
        n.life = Life::Crashed;
        n.frozen = false;
        n.isolated = false;
        self.reset_node_conns(node);
        self.node_unreachable(node);
    }

    fn restart(&mut self, node: NodeId, loading_ms: u64) {
        let shard = self.c.nodes[node].shard;
        if self.c.nodes[node].life != Life::Crashed {
            self.op_done(Some(shard));
            return;
        }
        self.c.nodes[node].life = Life::Up;
        self.scripts_node_restarted(node);
        self.trace_note(format!("restart n{node}"));
        if self.profile.late_hostnames && self.rng_fault.coin() {
            // It comes back before its hostname is announced again: `?` meanwhile.
            self.change_view(&[node], |v| v.announced[node] = false);
            self.ops.active += 1;
            let d = self.rng_fault.range(100, 2_000);
            self.sched
                .after(self.now, ms(d), Ev::Op(OpEv::Announce { node }));
        }
        let loading = ms(loading_ms);
        if loading_ms > 0 {
            self.start_loading(node, loading);
        }
        self.node_reachable(node);
        self.sched
            .after(self.now, loading, Ev::Op(OpEv::Done { shard: Some(shard) }));
    }

    /// The runs of slots `shard` owns in the newest view.
    fn runs_of(&self, shard: ShardId) -> Vec<(u16, u16)> {
        self.c
            .latest
            .runs()
            .iter()
            .filter(|&&(_, _, s)| usize::from(s) == shard)
            .map(|&(a, b, _)| (a, b))
            .collect()
    }

    /// Slots to move out of `from`: a tag's slot (where the keys are) or a random stretch.
    fn pick_slots(&mut self, from: ShardId, max: u64) -> Vec<u16> {
        let owned: Vec<u16> = self
            .work
            .tag_slots()
            .into_iter()
            .filter(|&s| self.c.true_owner(s) == Some(from))
            .collect();
        if !owned.is_empty() && self.rng_fault.chance(0.6) {
            let s = owned[self.rng_fault.index(owned.len())];
            return vec![s];
        }
        let runs = self.runs_of(from);
        let Some(&(a, b)) = self.rng_fault.pick(&runs) else {
            return Vec::new();
        };
        let len = u64::from(b - a) + 1;
        let take = self.rng_fault.range(1, len.min(max));
        let start = u64::from(a) + self.rng_fault.below(len - take + 1);
        (start..start + take).map(|s| s as u16).collect()
    }

    fn start_migration(&mut self) -> bool {
        let free: Vec<ShardId> = self
            .live_shards()
            .into_iter()
            .filter(|s| !self.ops.mig_busy().contains(s))
            .collect();
        if free.len() < 2 {
            return false;
        }
        let from = free[self.rng_fault.index(free.len())];
        let others: Vec<ShardId> = free.iter().copied().filter(|&s| s != from).collect();
        let to = others[self.rng_fault.index(others.len())];
        let slots = self.pick_slots(from, 300);
        if slots.is_empty() {
            return false;
        }
        self.op_started(format!(
            "migrate {} slots from shard {from} to shard {to} (first {})",
            slots.len(),
            slots[0]
        ));
        self.begin_migration(from, slots.into_iter().map(|s| (s, to)).collect(), false);
        true
    }

    fn begin_migration(&mut self, from: ShardId, plan: VecDeque<(u16, ShardId)>, remove: bool) {
        self.begin_migration_with(from, plan, remove, us(1));
    }

    fn begin_migration_after(
        &mut self,
        from: ShardId,
        plan: VecDeque<(u16, ShardId)>,
        wait: Duration,
    ) {
        self.begin_migration_with(from, plan, false, wait);
    }

    fn begin_migration_with(
        &mut self,
        from: ShardId,
        plan: VecDeque<(u16, ShardId)>,
        remove: bool,
        wait: Duration,
    ) {
        let mig = self.ops.migrations.len();
        self.ops.migrations.push(Migration {
            from,
            plan,
            batch: Vec::new(),
            to: from,
            remove_after: remove,
            finished: false,
            atomic: self.profile.flavour == super::profile::Flavour::Valkey9,
        });
        self.sched
            .after(self.now, wait, Ev::Op(OpEv::MigrateStep { mig }));
    }

    fn migrate_step(&mut self, mig: usize) {
        let m = &mut self.ops.migrations[mig];
        if m.finished {
            return;
        }
        if m.atomic {
            return self.atomic_migrate_step(mig);
        }
        let from = m.from;
        if m.batch.is_empty() {
            let Some(&(_, to)) = m.plan.front() else {
                return self.finish_migration(mig);
            };
            let size = 1 + self.rng_fault.below(64) as usize;
            let mut batch = Vec::new();
            while batch.len() < size && m.plan.front().is_some_and(|&(_, t)| t == to) {
                if let Some((s, _)) = m.plan.pop_front() {
                    batch.push(s);
                }
            }
            m.to = to;
            m.batch = batch.clone();
            for &s in &batch {
                self.c.shards[from].migrating.insert(s, to);
                self.c.shards[to].importing.insert(s, from);
            }
            // A key the source lacks now reads from the target, which may hold a leftover.
            self.refresh_slots(to, &batch);
        }
        let m = &self.ops.migrations[mig];
        let to = m.to;
        let p = self.c.shards[from].primary;
        let q = self.c.shards[to].primary;
        let ready = |n: NodeId| {
            let node = &self.c.nodes[n];
            node.reachable() && node.loading_until <= self.now && !node.cluster_fail
        };
        if !ready(p) || !ready(q) {
            self.sched
                .after(self.now, ms(50), Ev::Op(OpEv::MigrateStep { mig }));
            return;
        }
        let batch = m.batch.clone();
        let key = self.c.nodes[p]
            .store
            .first_key_where(|k| batch.contains(&key_slot(k)));
        if let Some(key) = key {
            let entry = self.c.nodes[p].store.raw(&key).cloned();
            if let Some(e) = entry.filter(|e| e.live(self.now)) {
                self.primary_write(q, key.clone(), Some(e));
                self.serve_parked(q, &key);
            }
            self.primary_write(p, key, None);
            let gap = self.rng_fault.range(200, 10_000);
            self.sched
                .after(self.now, us(gap), Ev::Op(OpEv::MigrateStep { mig }));
            return;
        }
        // Every key moved: the target owns the batch (both ends learn it at once, the rest
        // of the cluster by gossip).
        let to16 = to as u16;
        self.change_view(&[p, q], |v| {
            for &s in &batch {
                v.owner.set(s, to16);
            }
        });
        for s in &batch {
            self.c.shards[from].migrating.remove(s);
            self.c.shards[to].importing.remove(s);
        }
        // The target may hold keys in these slots that the source never had: leftovers of a
        // delete that did not replicate before a failover. Real servers keep such keys, and
        // now that the slot is theirs again they are visible: record it.
        self.refresh_slots(to, &batch);
        self.stats.migrations += 1;
        self.ops.migrations[mig].batch.clear();
        let gap = self.rng_fault.range(1, 50);
        self.sched
            .after(self.now, ms(gap), Ev::Op(OpEv::MigrateStep { mig }));
    }

    /// Re-derive the visible value of every key `shard`'s primary holds in `slots`.
    pub(super) fn refresh_slots(&mut self, shard: ShardId, slots: &[u16]) {
        let q = self.c.shards[shard].primary;
        let keys: Vec<bytes::Bytes> = self.c.nodes[q]
            .store
            .keys()
            .filter(|k| slots.contains(&key_slot(k)))
            .cloned()
            .collect();
        for key in keys {
            self.refresh_visible(&key, super::model::Cause::Migration);
        }
    }

    pub(super) fn finish_migration(&mut self, mig: usize) {
        let m = &mut self.ops.migrations[mig];
        m.finished = true;
        let (from, remove) = (m.from, m.remove_after);
        if remove {
            self.remove_shard(from);
        }
        self.trace_note(format!("migration {mig} finished"));
        self.op_done(remove.then_some(from));
    }

    fn scale_out(&mut self) -> bool {
        if self.live_shards().len() >= 8 {
            return false;
        }
        let mut v = (*self.c.latest).clone();
        let announced = !self.profile.late_hostnames;
        let shard = self.c.add_shard_nodes(
            &mut v,
            self.profile.replicas,
            self.profile.distinct_ports,
            self.seed,
            announced,
            self.now,
        );
        let members = self.c.shards[shard].members();
        self.op_started(format!("scale out: shard {shard} with nodes {members:?}"));
        // Publish the new shard; its own nodes know it at once.
        self.publish_view(v, &members);
        if !announced {
            for &n in &members {
                self.ops.active += 1;
                let d = self.rng_fault.range(200, 3_000);
                self.sched
                    .after(self.now, ms(d), Ev::Op(OpEv::Announce { node: n }));
            }
        }
        self.rotate_dns();
        let sources: Vec<ShardId> = self
            .live_shards()
            .into_iter()
            .filter(|&s| s != shard && !self.ops.mig_busy().contains(&s))
            .collect();
        let Some(&from) = self.rng_fault.pick(&sources) else {
            self.op_done(None);
            return true;
        };
        let max = (16384 / (self.live_shards().len() as u64)).min(1_000);
        let slots = self.pick_slots(from, max);
        if slots.is_empty() {
            self.op_done(None);
            return true;
        }
        // An operator waits for the new nodes to be known everywhere before resharding.
        let wait = ms(self.profile.gossip_max_ms + 10);
        self.begin_migration_after(from, slots.into_iter().map(|s| (s, shard)).collect(), wait);
        true
    }

    fn scale_in(&mut self) -> bool {
        let live = self.live_shards();
        if live.len() < 2 {
            return false;
        }
        let candidates: Vec<ShardId> = live
            .iter()
            .copied()
            .filter(|s| !self.ops.mig_busy().contains(s) && !self.ops.fault_busy.contains(s))
            .collect();
        let Some(&x) = self.rng_fault.pick(&candidates) else {
            return false;
        };
        let draining: BTreeSet<ShardId> = self
            .ops
            .migrations
            .iter()
            .filter(|m| !m.finished && m.remove_after)
            .map(|m| m.from)
            .collect();
        let targets: Vec<ShardId> = live
            .iter()
            .copied()
            .filter(|&s| s != x && !draining.contains(&s))
            .collect();
        if targets.is_empty() {
            return false;
        }
        let mut plan = VecDeque::new();
        for (a, b) in self.runs_of(x) {
            let to = targets[self.rng_fault.index(targets.len())];
            for s in a..=b {
                plan.push_back((s, to));
            }
        }
        self.ops.fault_busy.insert(x);
        self.op_started(format!("scale in: drain shard {x} ({} slots)", plan.len()));
        self.begin_migration(x, plan, true);
        true
    }

    fn remove_shard(&mut self, shard: ShardId) {
        let members = self.c.shards[shard].members();
        for &n in &members {
            let node = &mut self.c.nodes[n];
            node.life = Life::Removed;
            node.frozen = false;
            self.reset_node_conns(n);
            if self.profile.dns_stale {
                let until = self.now + Duration::from_millis(self.rng_fault.range(500, 8_000));
                let ip = self.c.nodes[n].ident.ip.clone();
                self.net.dns_stale.push((ip, until));
            }
        }
        self.c.shards[shard].removed = true;
        self.trace_note(format!("remove shard {shard} {members:?}"));
        self.change_view(&[], |v| {
            v.shards[shard].listed = false;
            for &n in &members {
                v.health[n] = Health::Fail;
            }
        });
        self.rotate_dns();
    }
}
