//! Valkey 9's atomic slot migration (`CLUSTER MIGRATESLOTS`), for seeds of that flavour.
//!
//! Observed on a real Valkey 9.1, and what the simulated nodes do in its place:
//!
//! - **No ASK, no TRYAGAIN.** The source keeps owning and serving the moving slots while the
//!   target receives their keys in the background; the target answers MOVED back to the source
//!   until it takes over (here: keys are copied at the handover itself, which no client can
//!   tell apart, since nothing reads the target's copy before then).
//! - **The pause.** Near the end the source stops answering writes — to every slot — and reads
//!   of the moving slots, for 90–160 ms. Commands it was sent meanwhile wait, in order, on
//!   their connections (a connection's later commands wait behind them), as a paused client
//!   does; commands for slots it does not serve are redirected at once, as the pause is
//!   checked only after the redirect.
//! - **The handover.** The target takes the slots (source, target and the source's replicas
//!   learn it at once, the rest by gossip); the source then answers the waiting commands:
//!   MOVED to the target for the moved slots, the others as usual.
//! - **Replicas first.** A READONLY replica of the source redirects the moving slots to the
//!   target 20–115 ms before its primary does (it may then bounce off the target, which still
//!   sends it back to the source, until the handover).
//!
//! A migration whose source or target fails, freezes or loses its primary before the
//! handover is cancelled (the source resumes, serving what waited) and tried again.

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;
use keyslot_core::key_slot;
use keyslot_core::resp::{encode_as, Protocol, Value};
use keyslot_core::time::Instant;

use super::clock::ms;
use super::cluster::{NodeId, ShardId};
use super::ops::OpEv;
use super::server::{data_command, upper, Session};
use super::world::{Ev, World};

/// How long the source pauses, milliseconds.
pub const PAUSE_MS: (u64, u64) = (90, 160);
/// How much earlier than the source its replicas redirect, milliseconds.
pub const REPLICA_LEAD_MS: (u64, u64) = (20, 115);

/// One batch of an atomic migration, from its start to its handover.
#[derive(Debug)]
pub struct Handover {
    /// The source shard.
    pub from: ShardId,
    /// The target shard.
    pub to: ShardId,
    /// The slots moving.
    pub slots: BTreeSet<u16>,
    /// The source's primary when the pause began.
    pub source: NodeId,
    /// The target's primary when the pause began.
    pub target: NodeId,
    /// The source is paused until the handover at this instant.
    pub paused_until: Option<Instant>,
    /// The source's replicas redirect the slots from this instant.
    pub replicas_from: Option<Instant>,
}

/// Atomic migrations in progress, by migration index, and what they did.
#[derive(Debug, Default)]
pub struct Handovers {
    /// By index into the migrations.
    pub by_mig: BTreeMap<usize, Handover>,
    /// Batches handed over.
    pub handed_over: u64,
    /// Batches cancelled before their handover (and tried again).
    pub cancelled: u64,
    /// Commands a paused source held back.
    pub stalled: u64,
}

impl World {
    /// The next step of atomic migration `mig`: start a batch, pause the source, or hand over.
    pub(super) fn atomic_migrate_step(&mut self, mig: usize) {
        match self.ops.handovers.by_mig.get(&mig).map(|h| h.paused_until) {
            None => self.start_batch(mig),
            Some(None) => self.pause_source(mig),
            Some(Some(_)) => self.hand_over(mig),
        }
    }

    fn start_batch(&mut self, mig: usize) {
        let m = &mut self.ops.migrations[mig];
        let Some(&(_, to)) = m.plan.front() else {
            return self.finish_migration(mig);
        };
        // One range per target: the whole run of the plan that goes there.
        let mut slots = BTreeSet::new();
        while let Some(&(s, t)) = m.plan.front() {
            if t != to {
                break;
            }
            m.plan.pop_front();
            slots.insert(s);
        }
        m.to = to;
        let from = m.from;
        let first = slots.first().copied().unwrap_or_default();
        self.trace_note(format!(
            "migrateslots {} slots (first {first}) from shard {from} to shard {to}: copying",
            slots.len()
        ));
        self.ops.handovers.by_mig.insert(
            mig,
            Handover {
                from,
                to,
                slots,
                source: self.c.shards[from].primary,
                target: self.c.shards[to].primary,
                paused_until: None,
                replicas_from: None,
            },
        );
        let copy = self.rng_fault.range(20, 400);
        self.sched
            .after(self.now, ms(copy), Ev::Op(OpEv::MigrateStep { mig }));
    }

    fn ready(&self, n: NodeId) -> bool {
        let node = &self.c.nodes[n];
        node.reachable() && node.loading_until <= self.now && !node.cluster_fail
    }

    fn pause_source(&mut self, mig: usize) {
        let Some(h) = self.ops.handovers.by_mig.get(&mig) else {
            return;
        };
        let (p, q) = (self.c.shards[h.from].primary, self.c.shards[h.to].primary);
        if !self.ready(p) || !self.ready(q) {
            self.sched
                .after(self.now, ms(50), Ev::Op(OpEv::MigrateStep { mig }));
            return;
        }
        let pause = self.rng_fault.range(PAUSE_MS.0, PAUSE_MS.1);
        let lead = self.rng_fault.range(REPLICA_LEAD_MS.0, REPLICA_LEAD_MS.1);
        let until = self.now + ms(pause);
        let replicas_from = until
            .as_micros()
            .saturating_sub(lead * 1_000)
            .max(self.now.as_micros());
        if let Some(h) = self.ops.handovers.by_mig.get_mut(&mig) {
            h.source = p;
            h.target = q;
            h.paused_until = Some(until);
            h.replicas_from = Some(Instant::from_micros(replicas_from));
        }
        self.trace_note(format!("migrateslots pauses n{p} for {pause}ms"));
        self.sched
            .after(self.now, ms(pause), Ev::Op(OpEv::MigrateStep { mig }));
    }

    fn hand_over(&mut self, mig: usize) {
        let Some(mut h) = self.ops.handovers.by_mig.remove(&mig) else {
            return;
        };
        let (p, q) = (self.c.shards[h.from].primary, self.c.shards[h.to].primary);
        if p != h.source || q != h.target || !self.ready(p) || !self.ready(q) {
            // The job fails: the source resumes and the batch is tried again.
            self.trace_note(format!("migrateslots from n{} cancelled", h.source));
            self.ops.handovers.cancelled += 1;
            let source = h.source;
            h.paused_until = None;
            h.replicas_from = None;
            self.ops.handovers.by_mig.insert(mig, h);
            self.release_stalled(source);
            self.sched
                .after(self.now, ms(50), Ev::Op(OpEv::MigrateStep { mig }));
            return;
        }
        let keys: Vec<Bytes> = self.c.nodes[p]
            .store
            .keys()
            .filter(|k| h.slots.contains(&key_slot(k)))
            .cloned()
            .collect();
        for key in &keys {
            let entry = self.c.nodes[p].store.raw(key).cloned();
            if let Some(e) = entry.filter(|e| e.live(self.now)) {
                self.primary_write(q, key.clone(), Some(e));
                self.serve_parked(q, key);
            }
        }
        let replicas: Vec<NodeId> = self.c.shards[h.from]
            .replicas
            .iter()
            .copied()
            .filter(|&r| self.c.nodes[r].reachable())
            .collect();
        let involved: Vec<NodeId> = [p, q].into_iter().chain(replicas).collect();
        let to16 = h.to as u16;
        self.change_view(&involved, |v| {
            for &s in &h.slots {
                v.owner.set(s, to16);
            }
        });
        // The source drops what it handed over; the target's leftovers in these slots (a
        // delete lost to a failover) are visible now that the slots are its own.
        for key in keys {
            self.primary_write(p, key, None);
        }
        let slots: Vec<u16> = h.slots.iter().copied().collect();
        self.refresh_slots(h.to, &slots);
        self.stats.migrations += 1;
        self.ops.handovers.handed_over += 1;
        self.trace_note(format!("migrateslots handed over to n{q}"));
        self.release_stalled(p);
        let gap = self.rng_fault.range(1, 50);
        self.sched
            .after(self.now, ms(gap), Ev::Op(OpEv::MigrateStep { mig }));
    }

    /// The paused node runs what waited, unless it is frozen (it does when it thaws).
    fn release_stalled(&mut self, node: NodeId) {
        if self.c.nodes[node].running() {
            self.replay_held(node);
        }
    }

    /// The handover pausing `node` now, if any.
    fn pausing(&self, node: NodeId) -> Option<&Handover> {
        self.ops
            .handovers
            .by_mig
            .values()
            .find(|h| h.source == node && h.paused_until.is_some())
    }

    /// Whether `node` holds this command back: it is a paused source, and the command is a
    /// write to a slot it serves or touches a moving slot (commands queued in a MULTI are
    /// not run yet: their EXEC is judged).
    pub(super) fn stalled_by_pause(&self, sess: &Session, args: &[Bytes]) -> bool {
        let node = sess.node;
        let Some(h) = self.pausing(node) else {
            return false;
        };
        let name = upper(&args[0]);
        let (keys, write) = match (&sess.multi, name.as_str()) {
            (Some(m), "EXEC") => m.keys_and_write(),
            (Some(_), _) => return false,
            (None, _) => match data_command(&name, args) {
                Some(d) => d,
                None => return false,
            },
        };
        let Some(first) = keys.first() else {
            return false;
        };
        let slot = key_slot(first);
        let n = &self.c.nodes[node];
        n.view.shard_of(slot) == Some(n.shard) && (write || h.slots.contains(&slot))
    }

    /// Hold the command `args` (and whatever followed it on the connection) until the pause
    /// ends.
    pub(super) fn hold_for_pause(&mut self, sess: &mut Session, sent: Instant, args: &[Bytes]) {
        let frame = Value::Array(args.iter().cloned().map(Value::BulkString).collect());
        let mut bytes = Vec::new();
        encode_as(&frame, Protocol::Resp2, &mut bytes);
        // Commands are arrays: after one, the decoder holds nothing of the buffer.
        bytes.extend_from_slice(&sess.buf.split());
        sess.decoder.reset();
        sess.held.push((sent, bytes));
        self.ops.handovers.stalled += 1;
    }

    /// Where a replica of a migrating source sends `slot` ahead of its primary: the
    /// target's address, from `replicas_from` until the handover.
    pub(super) fn redirected_early(&self, node: NodeId, slot: u16) -> Option<String> {
        let h = self.ops.handovers.by_mig.values().find(|h| {
            h.replicas_from.is_some_and(|t| self.now >= t)
                && h.slots.contains(&slot)
                && self.c.shards[h.from].replicas.contains(&node)
        })?;
        let own = &self.c.nodes[node].view;
        let view = if own.shards.len() > h.to {
            own
        } else {
            &self.c.latest
        };
        Some(self.c.redirect_target(view, h.target))
    }
}
