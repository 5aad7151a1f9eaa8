//! Rediscovery: asking the cluster what it looks like, rarely and wisely.
//!
//! Triggers (MOVED, lost connections, deadlines, READONLY, CLUSTERDOWN, uncovered slots, a
//! periodic check) only *request* a rediscovery. Requests are coalesced — one runs at a
//! time, and any that arrive meanwhile become one follow-up — and rate-limited: at most one
//! start per [`Config::refresh_interval`](super::Config::refresh_interval), or per the
//! shorter degraded interval while a primary is unreachable or slots are uncovered, so that
//! a failover is noticed quickly but a storm of redirects costs one query per node.
//!
//! A rediscovery asks up to [`Config::refresh_fanout`](super::Config::refresh_fanout)
//! distinct known nodes at once (those already connected first) and takes the view a
//! majority of them report, or the most common view once all have answered: one stale or
//! partitioned node cannot impose its picture. When no known node answers, it falls back to
//! the seeds, one at a time, each connected afresh so that the driver resolves its name
//! again (a managed service's configuration endpoint may point elsewhere by now).
//!
//! Before any view exists (bootstrap), requests wait; when every seed has failed they fail
//! with each seed's reason, and bootstrap is tried again after a backoff.

mod apply;
mod query;

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use bytes::Bytes;

use super::backoff::backoff;
use super::conn::{ConnState, Expect};
use super::redirect::{classify, ErrorAction};
use super::slab::Key;
use super::timers::Timer;
use super::{Cluster, Error, Event, RefreshOutcome, RefreshTrigger, SeedFailure, NO_NODE};
use crate::resp::Frame;
use crate::time::{Duration, Instant};
use crate::topology::{Addr, Health, Topology};
use crate::Cmd;

/// Rediscovery bookkeeping that outlives a single rediscovery.
#[derive(Debug, Default)]
pub(crate) struct RefreshState {
    pub(crate) current: Option<Refresh>,
    /// A trigger that arrived while one ran or while rate-limited.
    wanted: Option<RefreshTrigger>,
    /// When the `Timer::Refresh` for `wanted` is set.
    timer_at: Option<Instant>,
    last_start: Option<Instant>,
    periodic_at: Option<Instant>,
    seq: u64,
    /// Rediscoveries finished, successful or not.
    pub(crate) completed: u64,
    /// The cluster does not know `CLUSTER SHARDS` (Redis < 7): use `CLUSTER SLOTS`.
    pub(crate) slots_only: bool,
    /// Why each seed failed in the last failed round; empty once a view exists.
    pub(crate) last_seed_failures: Vec<SeedFailure>,
    /// What requests were failed with when the last round found no view and none existed.
    pub(crate) bootstrap_error: Option<Error>,
    bootstrap_failures: u32,
    /// Topology queries sent, per node address (for tests and the storm bound).
    pub(crate) queries_sent: u64,
    /// Rediscoveries in a row that found nothing new (see `degraded_interval`).
    fruitless: u32,
    /// Rounds started so far, and the number of the last one to finish: whether a round
    /// begun after some moment has finished (see [`Cluster::round_finished`]).
    rounds_started: u64,
    last_round_finished: u64,
}

#[derive(Debug)]
pub(crate) struct Refresh {
    /// This round's number (rounds run one at a time, so they finish in this order).
    round: u64,
    seq: u64,
    trigger: RefreshTrigger,
    from_seeds: bool,
    next_seed: usize,
    queries: Vec<Query>,
    views: Vec<View>,
    failures: Vec<SeedFailure>,
    auth_error: Option<Error>,
    /// Asks one node only (see `start_refresh`).
    probe: bool,
}

#[derive(Debug)]
struct Query {
    conn: Key,
    addr: Addr,
    sent: bool,
    done: bool,
    /// Why the connection failed, when the driver said.
    reason: Option<String>,
}

#[derive(Debug)]
struct View {
    fingerprint: u64,
    topology: Topology,
    votes: usize,
}

impl<T, S, P> Cluster<T, S, P> {
    /// Ask for a rediscovery; it runs now or as soon as the rate limit allows.
    pub(crate) fn request_refresh(&mut self, trigger: RefreshTrigger, now: Instant) {
        let state = &mut self.refresh;
        if state.current.is_some() {
            state.wanted.get_or_insert(trigger);
            return;
        }
        // Signs that the cluster itself changed (a node gone, a primary demoted, slots
        // without owner, a redirect to a node the view lacks, whose command waits for the
        // new view) warrant the short interval; MOVED, deadlines and the periodic check do
        // not: a MOVED reply to a known node carries its own correction.
        let urgent = matches!(
            trigger,
            RefreshTrigger::ConnectionLost
                | RefreshTrigger::ReadOnly
                | RefreshTrigger::ClusterDown
                | RefreshTrigger::UncoveredSlot
                | RefreshTrigger::UnknownNode
        );
        let interval = if urgent || self.degraded(now) {
            self.degraded_interval()
        } else {
            self.config.refresh_interval
        };
        let state = &mut self.refresh;
        if let Some(last) = state.last_start {
            let earliest = last + interval;
            if now < earliest {
                state.wanted.get_or_insert(trigger);
                if state.timer_at.is_none_or(|t| t > earliest) {
                    state.timer_at = Some(earliest);
                    self.timers.schedule(earliest, Timer::Refresh);
                }
                return;
            }
        }
        self.start_refresh(trigger, now);
    }

    /// The spacing while degraded: short, so that a promotion is seen quickly, with up to a
    /// quarter of jitter once rounds find nothing new, so that the clients hit by one crash
    /// drift apart instead of asking in step.
    fn degraded_interval(&mut self) -> Duration {
        let base = self.config.refresh_interval_degraded;
        if self.refresh.fruitless == 0 {
            return base;
        }
        let jitter = self.rng.below((base.as_micros() / 4).max(1) as usize) as u64;
        Duration::from_micros(base.as_micros() + jitter)
    }

    /// The number the next round to start will have: a round that began after now.
    pub(crate) fn next_round(&self) -> u64 {
        self.refresh.rounds_started + 1
    }

    /// Round `round` (or a later one) has finished, with or without a view.
    pub(crate) fn round_finished(&self, round: u64) -> bool {
        self.refresh.last_round_finished >= round
    }

    /// `Timer::Refresh` fired: a postponed request, or the periodic check.
    pub(crate) fn refresh_timer(&mut self, now: Instant) {
        if self.refresh.timer_at.is_some_and(|t| t <= now) {
            self.refresh.timer_at = None;
        }
        if let Some(trigger) = self.refresh.wanted.take() {
            self.request_refresh(trigger, now);
        } else if self.refresh.periodic_at.is_some_and(|t| t <= now) {
            self.refresh.periodic_at = None;
            self.request_refresh(RefreshTrigger::Periodic, now);
        }
    }

    /// True while a primary is known unreachable or slots lack an owner.
    fn degraded(&self, now: Instant) -> bool {
        let Some(topology) = &self.routing.topology else {
            return true;
        };
        if topology.uncovered_slots() > 0 {
            return true;
        }
        let primary_down = |addr: &Addr| {
            self.routing
                .node_index
                .get(addr)
                .is_some_and(|&n| self.routing.nodes[n].is_down(now))
        };
        topology
            .shards()
            .iter()
            .filter(|s| !s.slots.is_empty())
            .any(|s| match &s.primary {
                None => true,
                Some(p) => p.health != Health::Online || primary_down(&p.addr),
            })
    }

    /// Start a round. While the cluster looks degraded and the last rounds found nothing
    /// new (a crashed primary waits seconds for its replica's promotion), a round is a
    /// *probe*: one node is asked instead of [`Config::refresh_fanout`](super::Config); a
    /// probe that sees a change is not believed on its own word but starts a full round at
    /// once. Thousands of clients polling through a failover thus cost a third of the
    /// queries, and see the promotion as soon as before, one round trip later.
    fn start_refresh(&mut self, trigger: RefreshTrigger, now: Instant) {
        // Not while a primary is stalled: its promotion is due any moment, and a probe would
        // put a second round between the cluster's change and the client's.
        let probe = self.refresh.fruitless > 0
            && self.config.refresh_fanout > 1
            && self.degraded(now)
            && !self.stalled_primary();
        self.refresh.seq += 1;
        self.refresh.rounds_started += 1;
        self.refresh.last_start = Some(now);
        self.refresh.current = Some(Refresh {
            round: self.refresh.rounds_started,
            seq: self.refresh.seq,
            trigger,
            from_seeds: false,
            next_seed: 0,
            queries: Vec::new(),
            views: Vec::new(),
            failures: Vec::new(),
            auth_error: None,
            probe,
        });
        self.event(Event::RefreshStarted { trigger });
        let candidates =
            self.refresh_candidates(now, if probe { 1 } else { self.config.refresh_fanout });
        if candidates.is_empty() {
            return self.try_next_seed(now);
        }
        for node in candidates {
            let conn = self.conn_for(node, now);
            self.add_query(conn, now);
        }
        self.schedule_query_deadline(now);
    }

    /// Up to `refresh_fanout` listed, healthy nodes: connected ones first, in random order;
    /// when there are none, nodes known from earlier views the same way.
    fn refresh_candidates(&mut self, now: Instant, fanout: usize) -> Vec<usize> {
        let mut candidates = self.pick_candidates(now, true, fanout);
        if candidates.is_empty() {
            // No node of the current view can be asked (all down, or the view named none we
            // can reach — every endpoint `?`): nodes known from earlier views come before the
            // seeds, which may be gone for good.
            candidates = self.pick_candidates(now, false, fanout);
        }
        candidates
    }

    fn pick_candidates(&mut self, now: Instant, listed: bool, fanout: usize) -> Vec<usize> {
        let mut ready = Vec::new();
        let mut others = Vec::new();
        for (i, n) in self.routing.nodes.iter().enumerate() {
            if n.vacant || n.listed != listed || n.is_down(now) {
                continue;
            }
            let connected = n
                .conn
                .and_then(|c| self.conns.get(c))
                .is_some_and(|c| c.state == ConnState::Ready);
            if connected {
                ready.push(i)
            } else {
                others.push(i)
            }
        }
        self.shuffle(&mut ready);
        self.shuffle(&mut others);
        ready.extend(others);
        ready.truncate(fanout.max(1));
        ready
    }

    fn shuffle(&mut self, items: &mut [usize]) {
        for i in (1..items.len()).rev() {
            let j = self.rng.below(i + 1);
            items.swap(i, j);
        }
    }

    fn schedule_query_deadline(&mut self, now: Instant) {
        let seq = self.refresh.seq;
        self.timers
            .schedule(now + self.config.refresh_timeout, Timer::RefreshQuery(seq));
    }

    /// Ask the next seed, on a fresh connection (so its name is resolved again).
    fn try_next_seed(&mut self, now: Instant) {
        let Some(refresh) = &mut self.refresh.current else {
            return;
        };
        refresh.from_seeds = true;
        if refresh.next_seed >= self.seeds.len() {
            return self.finish_refresh(None, now);
        }
        let addr = self.seeds[refresh.next_seed].clone();
        refresh.next_seed += 1;
        // A new attempt gets its own sequence number: replies to the previous one are stale.
        self.refresh.seq += 1;
        let seq = self.refresh.seq;
        if let Some(r) = &mut self.refresh.current {
            r.seq = seq;
        }
        let conn = self.open_conn(addr, None, false, now);
        self.add_query(conn, now);
        self.schedule_query_deadline(now);
    }
}
