//! The blocking scenario: blocking pops and script calls through a seed's faults.
//!
//! Opt-in, like pub/sub: the scenario draws from a random stream of its own and runs on an
//! event of its own, so a seed's plain run replays unchanged. About every 25 ms, until the
//! run drains, the world does one of these:
//!
//! - pushes a numbered element (`e17`) onto one of four queues (one per hash tag, so
//!   migrations move them) on the primary that truly holds the queue, waking a pop parked
//!   there ([`super::blocking_server`]);
//! - submits `BLPOP queue marker timeout` (0.2–3 s), at most six at a time; the marker is a
//!   key of that request alone, which makes each request's arguments unique;
//! - submits a call of the nodes' script on one of the workload's string keys
//!   ([`super::script_server`]);
//! - rarely, has an operator run `SCRIPT FLUSH` on a node.
//!
//! Everything a plain run checks applies: each reply matches an execution of its very
//! arguments in its window, a pop's deadline is its timeout plus the request timeout, a
//! write (a pop, a script call) is never run twice, and requests succeed once the cluster
//! is quiet. The server side adds: nothing waits behind a parked pop, and no connection
//! carries a pop and other keyed commands. At the end every pushed element is accounted
//! for: popped (and delivered, or lost with its connection by a request that failed), still
//! queued on its true primary, or dropped or revived by a failover that promoted a replica
//! which had not yet received the push or the pop. A request reported as never run must
//! not have popped anything.
//!
//! Callers give up too ([`super::cancel`]): pops are cancelled at random, mostly while
//! parked, and get deadlines of their own shorter than their wait. No element may be popped
//! for a caller that gave up, with one exception no client can avoid: the node served the
//! pop before the client's close of its connection reached it (the element was popped
//! before the cancel and its reply was on its way, or was popped while the close was).
//! Those are counted (`popped_before_cancel`, `popped_during_close`), and only those: a pop served after its caller
//! gave up on a connection the client left open fails the run, and so does any pop of a
//! request the client withdrew before any of it was written.

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;
use keyslot_core::key_slot;
use keyslot_core::resp::Value;
use keyslot_core::time::{Duration, Instant};

use super::blocking_server::list_items;
use super::clock::us;
use super::model::Cause;
use super::rng::Rng;
use super::workload::{Kind, Op};
use super::world::{Ev, Phase, World};

const BLOCKING_SALT: u64 = 0x626c_706f_7021_2121;
/// Mean gap between the scenario's actions (microseconds).
const ACT_EVERY_US: u64 = 25_000;
/// Most pops outstanding at once.
const MAX_POPS: usize = 6;

/// What the blocking scenario measured.
#[derive(Clone, Debug, Default)]
pub struct BlockingStats {
    /// Elements pushed.
    pub pushed: u64,
    /// Pushes skipped: the queue's primary was down or loading.
    pub unpushed: u64,
    /// Pops submitted.
    pub pops: u64,
    /// Pops answered with an element.
    pub delivered: u64,
    /// Pops answered with the server's timeout (null).
    pub timed_out: u64,
    /// Pops that parked on a node.
    pub parked: u64,
    /// Parked pops a demoted node released with `UNBLOCKED`.
    pub unblocked: u64,
    /// Parked pops the client cron sent away (`MOVED`, `CLUSTERDOWN`).
    pub redirected: u64,
    /// Pops parked again after a node turned them away, with the wait they had left.
    pub reparked: u64,
    /// Elements popped whose reply was lost with the connection (the request failed), or
    /// whose caller had given up (see `popped_before_cancel`, `popped_during_close`).
    pub lost_in_flight: u64,
    /// Pops whose caller cancelled them.
    pub cancelled: u64,
    /// Elements popped for a cancelled pop before its caller gave up (the reply was on its
    /// way, and the client discarded it).
    pub popped_before_cancel: u64,
    /// Elements popped for a caller that had given up, while the client's close of the pop's
    /// connection was on its way to the node (the pop arrived, or was served, first).
    pub popped_during_close: u64,
    /// Elements a failover dropped (the promoted replica never got the push).
    pub dropped_by_failover: u64,
    /// Elements a failover revived (the promoted replica never got the pop).
    pub revived_by_failover: u64,
    /// Elements still queued at the end.
    pub left_queued: u64,
    /// Script calls submitted, and answered with their value.
    pub script_calls: u64,
    /// Script calls that succeeded.
    pub script_ok: u64,
    /// `NOSCRIPT` answers the nodes gave.
    pub noscript: u64,
    /// `SCRIPT LOAD`s the nodes ran.
    pub script_loads: u64,
    /// `SCRIPT FLUSH`es by the operator.
    pub flushes: u64,
    /// Script calls that got `NOSCRIPT` because a flush struck between the client's
    /// `SCRIPT LOAD` and its call.
    pub flush_races: u64,
}

impl BlockingStats {
    /// Add another run's numbers.
    pub fn add(&mut self, o: &BlockingStats) {
        let fields = [
            (&mut self.pushed, o.pushed),
            (&mut self.unpushed, o.unpushed),
            (&mut self.pops, o.pops),
            (&mut self.delivered, o.delivered),
            (&mut self.timed_out, o.timed_out),
            (&mut self.parked, o.parked),
            (&mut self.unblocked, o.unblocked),
            (&mut self.redirected, o.redirected),
            (&mut self.reparked, o.reparked),
            (&mut self.lost_in_flight, o.lost_in_flight),
            (&mut self.cancelled, o.cancelled),
            (&mut self.popped_before_cancel, o.popped_before_cancel),
            (&mut self.popped_during_close, o.popped_during_close),
            (&mut self.dropped_by_failover, o.dropped_by_failover),
            (&mut self.revived_by_failover, o.revived_by_failover),
            (&mut self.left_queued, o.left_queued),
            (&mut self.script_calls, o.script_calls),
            (&mut self.script_ok, o.script_ok),
            (&mut self.noscript, o.noscript),
            (&mut self.script_loads, o.script_loads),
            (&mut self.flushes, o.flushes),
            (&mut self.flush_races, o.flush_races),
        ];
        for (mine, theirs) in fields {
            *mine += theirs;
        }
    }

    /// One line of totals.
    pub fn summary(&self) -> String {
        format!(
            "pops: {} submitted, {} parked, {} released by UNBLOCKED, {} redirected while \
             parked, {} parked again with the wait left, {} got an element, {} timed out, {} elements lost in flight with a failed \
             request, {} cancelled ({} had popped already, {} popped while the close was on \
             its way) | \
             elements: {} pushed ({} skipped), {} dropped and {} revived by failovers, {} left \
             queued | scripts: {} calls, {} ok, {} NOSCRIPT, {} loads, {} flushes ({} raced a \
             call)",
            self.pops,
            self.parked,
            self.unblocked,
            self.redirected,
            self.reparked,
            self.delivered,
            self.timed_out,
            self.lost_in_flight,
            self.cancelled,
            self.popped_before_cancel,
            self.popped_during_close,
            self.pushed,
            self.unpushed,
            self.dropped_by_failover,
            self.revived_by_failover,
            self.left_queued,
            self.script_calls,
            self.script_ok,
            self.noscript,
            self.script_loads,
            self.flushes,
            self.flush_races
        )
    }
}

/// How much longer than its timeout has left a pop sent again may wait: the client keeps the
/// wait it carries when the rest is within 10 ms of it, and rounds up to the millisecond.
const PARK_SLACK: Duration = Duration::from_millis(11);

/// The scenario's state, in [`World::blocking`].
#[derive(Debug)]
pub struct BlockingSim {
    rng: Rng,
    queues: Vec<Bytes>,
    next: u64,
    /// Elements pushed, with their queue.
    pushed: BTreeMap<Bytes, Bytes>,
    /// Elements delivered to the client, how often.
    delivered: BTreeMap<Bytes, u32>,
    /// What each marker's pop took, server side.
    popped_by: BTreeMap<Bytes, Bytes>,
    /// Markers of pops reported as never run.
    refused: BTreeSet<Bytes>,
    /// Markers of pops whose caller gave up: cancelled, or answered with an error.
    abandoned: BTreeSet<Bytes>,
    /// When each pop's own timeout ends (by marker), and when a node last turned it away.
    wait_ends: BTreeMap<Bytes, (Instant, Option<Instant>)>,
    /// Elements popped by a node that no longer truly held the queue (a former primary
    /// that has not heard of its failover): their pop does not count.
    stale_pops: BTreeSet<Bytes>,
    /// Script calls (canonical arguments) whose `NOSCRIPT` came right after their own
    /// connection loaded the script and a flush struck in between.
    flush_raced: BTreeSet<Vec<u8>>,
    /// What it measured.
    pub stats: BlockingStats,
}

impl World {
    /// Turn this run into a blocking run (see the module docs).
    pub fn enable_blocking(&mut self) {
        let queues = self
            .work
            .tags
            .iter()
            .take(4)
            .map(|t| Bytes::from(format!("{{{t}}}queue")))
            .collect();
        self.blocking = Some(Box::new(BlockingSim {
            rng: Rng::new(self.seed ^ BLOCKING_SALT),
            queues,
            next: 1,
            pushed: BTreeMap::new(),
            delivered: BTreeMap::new(),
            popped_by: BTreeMap::new(),
            refused: BTreeSet::new(),
            abandoned: BTreeSet::new(),
            wait_ends: BTreeMap::new(),
            stale_pops: BTreeSet::new(),
            flush_raced: BTreeSet::new(),
            stats: BlockingStats::default(),
        }));
        self.sched.after(self.now, us(20_000), Ev::BlockingTick);
    }

    /// The scenario's next action.
    pub fn on_blocking_tick(&mut self) {
        if matches!(self.phase, Phase::Draining | Phase::Done) {
            return;
        }
        let Some(b) = self.blocking.as_mut() else {
            return;
        };
        let gap = b.rng.exp(ACT_EVERY_US).max(1);
        let roll = b.rng.below(100);
        self.sched.after(self.now, us(gap), Ev::BlockingTick);
        match roll {
            // More pops than pushes: queues run dry and pops park.
            0..=34 => self.push_random(),
            35..=79 => self.pop_random(),
            80..=97 => self.call_script(),
            _ => self.flush_random(),
        }
    }

    fn push_random(&mut self) {
        let Some(b) = self.blocking.as_mut() else {
            return;
        };
        let queue = b.queues[b.rng.index(b.queues.len())].clone();
        let element = Bytes::from(format!("e{}", b.next));
        b.next += 1;
        let Some(node) = self.holder(&queue) else {
            return self.count_unpushed();
        };
        if !self.c.nodes[node].running() || self.c.nodes[node].loading_until > self.now {
            return self.count_unpushed();
        }
        if let Some(b) = self.blocking.as_mut() {
            b.stats.pushed += 1;
            b.pushed.insert(element.clone(), queue.clone());
        }
        self.trace.mix(&element);
        self.push_element(node, &queue, element);
    }

    /// The primary that truly holds `queue`: where a client's RPUSH would land, the owner,
    /// or the migration's target once the key has left the source.
    fn holder(&self, queue: &Bytes) -> Option<usize> {
        let slot = key_slot(queue);
        let shard = self.c.true_owner(slot)?;
        let node = self.c.shards[shard].primary;
        match self.c.shards[shard].migrating.get(&slot) {
            Some(&target) if self.c.nodes[node].store.get(queue, self.now).is_none() => {
                Some(self.c.shards[target].primary)
            }
            _ => Some(node),
        }
    }

    fn count_unpushed(&mut self) {
        if let Some(b) = self.blocking.as_mut() {
            b.stats.unpushed += 1;
        }
    }

    fn pop_random(&mut self) {
        let outstanding = self
            .work
            .pending
            .values()
            .filter(|p| matches!(p.kind, Kind::Single(Op::Blpop { .. })))
            .count();
        let Some(b) = self.blocking.as_mut() else {
            return;
        };
        if outstanding >= MAX_POPS {
            return;
        }
        let queue = b.queues[b.rng.index(b.queues.len())].clone();
        let tag = &queue[..queue.iter().position(|&c| c == b'}').unwrap_or(0) + 1];
        let marker = Bytes::from([tag, format!("m{}", b.next).as_bytes()].concat());
        b.next += 1;
        let timeout_ms = b.rng.range(200, 3_000);
        b.stats.pops += 1;
        let ends = self.now + Duration::from_millis(timeout_ms);
        b.wait_ends.insert(marker.clone(), (ends, None));
        let op = Op::Blpop {
            queue,
            marker,
            timeout_ms,
        };
        let must = self.must_succeed_now();
        self.submit(Kind::Single(op), must);
    }

    fn call_script(&mut self) {
        let Some(b) = self.blocking.as_mut() else {
            return;
        };
        let tag = b.rng.index(self.work.tags.len().max(1));
        let i = b.rng.below(4);
        b.stats.script_calls += 1;
        let key = self.work.string_key(tag, i);
        let value = self.work.value(&key);
        let must = self.must_succeed_now();
        self.submit(Kind::Single(Op::Script(key, value)), must);
    }

    fn flush_random(&mut self) {
        let Some(b) = self.blocking.as_mut() else {
            return;
        };
        let node = b.rng.index(self.c.nodes.len());
        b.stats.flushes += 1;
        self.trace_note(format!("operator: SCRIPT FLUSH on n{node}"));
        self.flush_scripts(node);
    }

    /// `node` popped `element` off `queue` on `conn` for the request with `marker`.
    ///
    /// If that request's caller had given up, the client must have closed the pop's
    /// connection when it did (or withdrawn the pop before it left): the only pop a node can
    /// still run then is one that reaches it, or is served, while the close is on its way —
    /// the race any client has with the network, counted as `popped_during_close`. A pop on a
    /// connection the client kept open takes an element nobody will read: a violation.
    pub(super) fn note_server_pop(
        &mut self,
        node: usize,
        conn: u64,
        queue: &Bytes,
        marker: &Bytes,
        element: &Bytes,
    ) {
        let stale = self.holder(queue) != Some(node);
        let state = self.net.conns.get(&conn).map(|c| c.state);
        let Some(b) = self.blocking.as_mut() else {
            return;
        };
        b.popped_by.insert(marker.clone(), element.clone());
        if stale {
            b.stale_pops.insert(element.clone());
        }
        if !b.abandoned.contains(marker) {
            return;
        }
        if state == Some(super::net::State::Open) {
            let (m, e) = (
                String::from_utf8_lossy(marker),
                String::from_utf8_lossy(element),
            );
            self.violation(format!(
                "n{node} popped {e} for the pop {m} on conn {conn}, whose caller had given up: \
                 the client kept the connection open"
            ));
        } else {
            b.stats.popped_during_close += 1;
        }
    }

    /// The caller of `op`, if it is a pop, gave up on it: cancelled it (`cancelled`), or got
    /// an error for it. A pop that ran already lost its element to the race.
    pub(super) fn note_pop_abandoned(&mut self, op: &Op, cancelled: bool) {
        let (Some(b), Op::Blpop { marker, .. }) = (self.blocking.as_mut(), op) else {
            return;
        };
        if cancelled {
            b.stats.cancelled += 1;
            if b.popped_by.contains_key(marker) {
                b.stats.popped_before_cancel += 1;
            }
        }
        b.abandoned.insert(marker.clone());
    }

    /// A node parks a pop that waits `wait` (`None`: for ever). A pop a node turned away
    /// while parked and that the client sends again must carry no more than what its own
    /// timeout had left when it was turned away: with its full timeout it would outlive its
    /// deadline. (The first send is not checked: the network may delay it by any amount.)
    pub(super) fn note_parked(&mut self, marker: &Bytes, wait: Option<Duration>) {
        let Some(b) = self.blocking.as_mut() else {
            return;
        };
        b.stats.parked += 1;
        let Some(&(ends, released)) = b.wait_ends.get(marker) else {
            return;
        };
        let Some(released) = released else {
            return;
        };
        b.stats.reparked += 1;
        let left = ends.saturating_duration_since(released) + PARK_SLACK;
        if let Some(wait) = wait.filter(|&w| w > left) {
            let what = format!(
                "the pop marked {marker:?} was sent again to wait {} µs, more than the {} µs \
                 its own timeout had left when a node turned it away (slack included)",
                wait.as_micros(),
                left.as_micros()
            );
            self.violation(what);
        }
    }

    /// A node turned a parked pop away without running it (`UNBLOCKED`, `MOVED`,
    /// `CLUSTERDOWN`): the client may send it again.
    pub(super) fn note_released(&mut self, marker: &Bytes) {
        let now = self.now;
        if let Some(b) = self.blocking.as_mut() {
            if let Some(entry) = b.wait_ends.get_mut(marker) {
                entry.1 = Some(now);
            }
        }
    }

    /// A pop request succeeded with `v` (already matched to its execution).
    pub(super) fn note_popped(&mut self, id: u64, op: &Op, v: &Value) {
        let Some(b) = self.blocking.as_mut() else {
            return;
        };
        let Op::Blpop { queue, .. } = op else {
            return;
        };
        match v {
            Value::Null => b.stats.timed_out += 1,
            Value::Array(kv) if kv.len() == 2 && kv[0] == Value::BulkString(queue.clone()) => {
                let Value::BulkString(element) = &kv[1] else {
                    return self.violation(format!("request {id}: BLPOP answered {v:?}"));
                };
                b.stats.delivered += 1;
                *b.delivered.entry(element.clone()).or_default() += 1;
            }
            other => self.violation(format!("request {id}: BLPOP answered {other:?}")),
        }
    }

    /// A node answered `NOSCRIPT` to a call whose connection had loaded the script, after
    /// an operator flush struck between the load and the call.
    pub(super) fn note_flush_race(&mut self, call: Vec<u8>) {
        if let Some(b) = self.blocking.as_mut() {
            b.flush_raced.insert(call);
        }
    }

    /// A script call failed with `NOSCRIPT` that a flush between its load and its call
    /// caused (server side: [`World::note_flush_race`]): the client, which loads once per
    /// connection, gave the error to the caller as documented. Counted, not a violation.
    pub(super) fn script_flush_raced(&mut self, op: &Op, e: &keyslot_core::cluster::Error) -> bool {
        let noscript = matches!(e, keyslot_core::cluster::Error::Server(t) if t.as_bytes().starts_with(b"NOSCRIPT"));
        if !noscript || !matches!(op, Op::Script(..)) {
            return false;
        }
        let call = op.canonical();
        let Some(b) = self.blocking.as_mut() else {
            return false;
        };
        let raced = b.flush_raced.contains(&call);
        if raced {
            b.stats.flush_races += 1;
        }
        raced
    }

    /// A script call succeeded.
    pub(super) fn note_script_ok(&mut self) {
        if let Some(b) = self.blocking.as_mut() {
            b.stats.script_ok += 1;
        }
    }

    /// A pop failed in a way that proves it never ran.
    pub(super) fn note_pop_refused(&mut self, op: &Op) {
        if let (Some(b), Op::Blpop { marker, .. }) = (self.blocking.as_mut(), op) {
            b.refused.insert(marker.clone());
        }
    }

    /// Connections the client may hold for pops: one per outstanding pop, and the idle
    /// ones it keeps per node for the next.
    pub fn blocking_conn_allowance(&self) -> usize {
        if self.blocking.is_none() {
            return 0;
        }
        MAX_POPS + self.c.nodes.len() * self.config.idle_blocking_connections
    }

    /// End of the run: account for every element (see the module docs).
    pub fn blocking_finish(&mut self) {
        if self.failure.is_some() || self.phase != Phase::Done {
            return;
        }
        let Some(mut b) = self.blocking.take() else {
            return;
        };
        let (dropped, revived) = self.failover_changes(&b.queues);
        let mut queued: BTreeMap<Bytes, u32> = BTreeMap::new();
        for q in &b.queues {
            for e in self.visible(q).map(|v| list_items(&v)).unwrap_or_default() {
                *queued.entry(e).or_default() += 1;
            }
        }
        let mut popped: BTreeMap<&Bytes, u32> = BTreeMap::new();
        for e in b.popped_by.values() {
            *popped.entry(e).or_default() += 1;
        }
        for marker in &b.refused {
            if let Some(e) = b.popped_by.get(marker) {
                let m = String::from_utf8_lossy(marker);
                let e = String::from_utf8_lossy(e);
                self.violation(format!(
                    "the pop {m} was reported as never run, yet took {e}"
                ));
            }
        }
        for e in b.pushed.keys() {
            let p = popped.get(e).copied().unwrap_or(0);
            let d = b.delivered.get(e).copied().unwrap_or(0);
            let q = queued.get(e).copied().unwrap_or(0);
            let name = String::from_utf8_lossy(e);
            if d > p {
                self.violation(format!("{name} was delivered {d} times but popped {p}"));
            }
            if p + q == 0 && !dropped.contains(e) {
                self.violation(format!("{name} vanished: never popped, not queued"));
            }
            if p + q > 1 && !revived.contains(e) && !b.stale_pops.contains(e) {
                self.violation(format!(
                    "{name} was popped {p} times and is queued {q} times"
                ));
            }
            b.stats.lost_in_flight += u64::from(p.saturating_sub(d));
            b.stats.left_queued += u64::from(q);
        }
        b.stats.dropped_by_failover = dropped.len() as u64;
        b.stats.revived_by_failover = revived.len() as u64;
        self.blocking = Some(b);
    }

    /// Elements that failovers (and the migrations they disturbed) removed from a queue
    /// without a pop, and put back after a pop, per the model's history.
    fn failover_changes(&self, queues: &[Bytes]) -> (BTreeSet<Bytes>, BTreeSet<Bytes>) {
        let (mut dropped, mut revived) = (BTreeSet::new(), BTreeSet::new());
        for q in queues {
            let Some(history) = self.model.history.get(q) else {
                continue;
            };
            let mut before: BTreeSet<Bytes> = BTreeSet::new();
            for change in history {
                let after: BTreeSet<Bytes> = change
                    .value
                    .as_ref()
                    .map(|v| list_items(v).into_iter().collect())
                    .unwrap_or_default();
                if matches!(change.cause, Cause::Failover | Cause::Migration) {
                    dropped.extend(before.difference(&after).cloned());
                    revived.extend(after.difference(&before).cloned());
                }
                before = after;
            }
        }
        (dropped, revived)
    }

    /// What the scenario measured, if this was a blocking run.
    pub fn blocking_stats(&self) -> Option<BlockingStats> {
        self.blocking.as_ref().map(|b| b.stats.clone())
    }
}
