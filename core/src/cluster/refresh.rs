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

impl<T, S> Cluster<T, S> {
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
        let Some(topology) = &self.topology else {
            return true;
        };
        if topology.uncovered_slots() > 0 {
            return true;
        }
        let primary_down = |addr: &Addr| {
            self.node_index
                .get(addr)
                .is_some_and(|&n| self.nodes[n].is_down(now))
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
        for (i, n) in self.nodes.iter().enumerate() {
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

    fn add_query(&mut self, conn: Key, _now: Instant) {
        let Some(addr) = self.conns.get(conn).map(|c| c.addr.clone()) else {
            return;
        };
        if let Some(refresh) = &mut self.refresh.current {
            refresh.queries.push(Query {
                conn,
                addr,
                sent: false,
                done: false,
                reason: None,
            });
        }
        if self
            .conns
            .get(conn)
            .is_some_and(|c| c.state == ConnState::Ready)
        {
            self.send_pending_queries(conn);
        }
    }

    /// Send the current rediscovery's queries that waited for `conn` to be ready.
    pub(crate) fn send_pending_queries(&mut self, conn: Key) {
        let Some(refresh) = &mut self.refresh.current else {
            return;
        };
        let seq = refresh.seq;
        let slots = self.refresh.slots_only;
        let mut send = false;
        if let Some(refresh) = &mut self.refresh.current {
            for q in refresh
                .queries
                .iter_mut()
                .filter(|q| q.conn == conn && !q.sent && !q.done)
            {
                q.sent = true;
                send = true;
            }
        }
        if send {
            self.send_topology_query(conn, seq, slots);
        }
    }

    fn send_topology_query(&mut self, conn: Key, seq: u64, slots: bool) {
        let Some(c) = self.conns.get_mut(conn) else {
            return;
        };
        let cmd = Cmd::new("CLUSTER").arg(if slots { "SLOTS" } else { "SHARDS" });
        c.send(Expect::Topology { seq, slots }, |out| cmd.encode(out));
        self.refresh.queries_sent += 1;
        self.signal_transmit(conn);
    }

    /// A topology reply arrived.
    pub(crate) fn on_topology_reply(
        &mut self,
        conn: Key,
        seq: u64,
        slots: bool,
        frame: &Frame<'_>,
        now: Instant,
    ) {
        if self.refresh.current.as_ref().is_none_or(|r| r.seq != seq) {
            return;
        }
        if let Some(text) = frame.error_text() {
            let unknown = text.starts_with(b"ERR unknown subcommand")
                || text.starts_with(b"ERR Unknown subcommand");
            if !slots && unknown {
                self.refresh.slots_only = true;
                return self.send_topology_query(conn, seq, true);
            }
            if classify(text) == ErrorAction::Auth {
                // No or wrong credentials (a RESP2 connection sends none without a password):
                // the server refuses, it is not unreachable.
                let addr = self.conns.get(conn).map(|c| c.addr.clone());
                if let (Some(refresh), Some(addr)) = (&mut self.refresh.current, addr) {
                    refresh.auth_error.get_or_insert_with(|| Error::Auth {
                        addr,
                        message: Bytes::copy_from_slice(text),
                    });
                }
            }
            let reason = String::from_utf8_lossy(text).into_owned();
            return self.query_failed(conn, reason, now);
        }
        let asked = self
            .conns
            .get(conn)
            .map_or_else(|| Addr::new("", 0), |c| c.addr.clone());
        let value = frame.to_value();
        // A node the reply lists without an address keeps the one the current view gives it.
        let earlier = self.topology.as_ref();
        let parsed = if slots {
            Topology::from_cluster_slots_after(&value, &asked, earlier)
        } else {
            Topology::from_cluster_shards_after(&value, &asked, earlier)
        };
        let tls = self.config.tls;
        match parsed.map(|t| if tls { t.with_tls_ports() } else { t }) {
            Ok(topology) if !slots && topology.uncovered_slots() > 0 => {
                // Redis 7.4.1's CLUSTER SHARDS lists a shard that failed over with no slots
                // (its failed ex-primary first) while CLUSTER SLOTS is right: a view that
                // leaves slots without owner is checked against SLOTS before it is believed.
                self.send_topology_query(conn, seq, true)
            }
            Ok(topology) => {
                let Some(refresh) = &mut self.refresh.current else {
                    return;
                };
                if let Some(q) = refresh
                    .queries
                    .iter_mut()
                    .find(|q| q.conn == conn && !q.done)
                {
                    q.done = true;
                }
                let fingerprint = topology.fingerprint();
                match refresh
                    .views
                    .iter_mut()
                    .find(|v| v.fingerprint == fingerprint)
                {
                    Some(v) => v.votes += 1,
                    None => refresh.views.push(View {
                        fingerprint,
                        topology,
                        votes: 1,
                    }),
                }
                self.decide(now);
            }
            Err(e) => self.query_failed(conn, e.to_string(), now),
        }
    }

    pub(crate) fn query_failed(&mut self, conn: Key, reason: String, now: Instant) {
        let Some(refresh) = &mut self.refresh.current else {
            return;
        };
        let Some(q) = refresh
            .queries
            .iter_mut()
            .find(|q| q.conn == conn && !q.done)
        else {
            return;
        };
        q.done = true;
        let reason = q.reason.take().unwrap_or(reason);
        // A query still in the connection's buffer (a stalled node) is taken back, or each
        // round would leave one more there for the node to answer all at once when it wakes.
        if let Some(c) = self.conns.get_mut(conn) {
            c.withdraw_unwritten_queries();
        }
        if refresh.from_seeds {
            refresh.failures.push(SeedFailure {
                addr: q.addr.clone(),
                reason,
            });
        }
        let seed_conn = self.conns.get(conn).is_some_and(|c| c.node.is_none());
        if seed_conn {
            self.drop_conn(conn, None, now);
        }
        self.decide(now);
    }

    /// The driver's reason for a failing connection, kept for the seed report.
    pub(crate) fn note_seed_failure(&mut self, conn: Key, reason: &str) {
        if let Some(refresh) = &mut self.refresh.current {
            if let Some(q) = refresh
                .queries
                .iter_mut()
                .find(|q| q.conn == conn && !q.done)
            {
                q.reason.get_or_insert_with(|| reason.to_string());
            }
        }
    }

    /// A connection carrying (or about to carry) a query is gone.
    pub(crate) fn conn_lost_for_refresh(&mut self, conn: Key, error: Option<&Error>, now: Instant) {
        // A refusal that every node would repeat (credentials, an unknown database) is the
        // bootstrap's answer.
        if let (Some(refresh), Some(e @ (Error::Auth { .. } | Error::Config(_)))) =
            (&mut self.refresh.current, error)
        {
            refresh.auth_error.get_or_insert_with(|| e.clone());
        }
        let reason = error.map_or_else(|| "connection lost".to_string(), |e| e.to_string());
        self.query_failed(conn, reason, now);
    }

    /// `Timer::RefreshQuery`: nodes that have not answered by now count as failed.
    pub(crate) fn refresh_query_deadline(&mut self, seq: u64, now: Instant) {
        let Some(refresh) = &self.refresh.current else {
            return;
        };
        if refresh.seq != seq {
            return;
        }
        let late: Vec<Key> = refresh
            .queries
            .iter()
            .filter(|q| !q.done)
            .map(|q| q.conn)
            .collect();
        for conn in late {
            self.query_failed(conn, "timed out waiting for the topology".to_string(), now);
        }
    }

    /// Adopt a view once a majority agrees (or everyone has answered); move on to the seeds
    /// when no one could answer.
    fn decide(&mut self, now: Instant) {
        let Some(refresh) = &mut self.refresh.current else {
            return;
        };
        let asked = refresh.queries.len();
        let all_done = refresh.queries.iter().all(|q| q.done);
        let best =
            (0..refresh.views.len()).max_by_key(|&i| (refresh.views[i].votes, usize::MAX - i));
        match best {
            Some(i) if refresh.views[i].votes * 2 > asked || all_done => {
                let view = refresh.views.swap_remove(i);
                self.finish_refresh(Some(view.topology), now);
            }
            Some(_) => {}
            None if !all_done => {}
            None if refresh.from_seeds => self.try_next_seed(now),
            None => {
                // No known node answered: the seeds, resolved afresh.
                refresh.queries.clear();
                self.try_next_seed(now);
            }
        }
    }

    fn finish_refresh(&mut self, topology: Option<Topology>, now: Instant) {
        let Some(refresh) = self.refresh.current.take() else {
            return;
        };
        // Compared once: fingerprints are whole passes over the topology.
        let changed = topology.as_ref().is_some_and(|t| {
            self.topology
                .as_ref()
                .is_none_or(|cur| cur.fingerprint() != t.fingerprint())
        });
        if refresh.probe && changed {
            // One node's word: confirm with a full round before acting on it.
            self.refresh.fruitless = 0;
            return self.start_refresh(refresh.trigger, now);
        }
        self.refresh.completed += 1;
        self.refresh.last_round_finished = refresh.round;
        let outcome = match topology {
            Some(topology) => {
                self.refresh.last_seed_failures.clear();
                self.refresh.bootstrap_error = None;
                self.refresh.bootstrap_failures = 0;
                let first = self.topology.is_none();
                self.apply_topology(topology, changed, now);
                if first {
                    self.emit(super::Output::Ready(Ok(())));
                }
                if changed {
                    self.refresh.fruitless = 0;
                    RefreshOutcome::Changed
                } else {
                    self.refresh.fruitless = self.refresh.fruitless.saturating_add(1);
                    RefreshOutcome::Unchanged
                }
            }
            None => {
                self.refresh.last_seed_failures = refresh.failures.clone();
                if self.topology.is_none() {
                    let error = refresh
                        .auth_error
                        .clone()
                        .unwrap_or(Error::NoReachableSeed {
                            attempts: refresh.failures.clone(),
                        });
                    for job in core::mem::take(&mut self.unrouted) {
                        self.complete_job(job, Err(error.clone()));
                    }
                    self.refresh.bootstrap_error = Some(error.clone());
                    self.emit(super::Output::Ready(Err(error)));
                }
                let delay = backoff(
                    self.config.retry_base,
                    self.config.retry_max,
                    self.refresh.bootstrap_failures,
                    &mut self.rng,
                );
                self.refresh.bootstrap_failures += 1;
                self.timers.schedule(now + delay, Timer::Bootstrap);
                RefreshOutcome::Failed
            }
        };
        self.event(Event::RefreshFinished {
            trigger: refresh.trigger,
            outcome,
        });
        self.close_idle_seed_conns(now);
        self.redispatch_waiting(now);
        if let Some(every) = self.config.periodic_refresh {
            let at = now + every;
            self.refresh.periodic_at = Some(at);
            self.timers.schedule(at, Timer::Refresh);
        }
        // A stalled primary is watched at the degraded interval until a view replaces it.
        let stalled = self
            .stalled_primary()
            .then_some(RefreshTrigger::NodeStalled);
        if let Some(trigger) = self.refresh.wanted.take().or(stalled) {
            self.request_refresh(trigger, now);
        }
    }

    /// Take a new view (`changed`: its fingerprint differs from the current one's): rebuild
    /// the slot table and say what changed.
    fn apply_topology(&mut self, topology: Topology, changed: bool, now: Instant) {
        let previous = self.topology.take();
        let slots_moved = previous.as_ref().map_or(crate::SLOT_COUNT as usize, |p| {
            p.slot_owner_changes(&topology)
        });
        let primaries_before = self.primaries.len();
        for n in &mut self.nodes {
            n.listed = false;
        }
        let listed: Vec<(Addr, crate::topology::Role, Option<String>)> = topology
            .nodes()
            .map(|n| (n.addr.clone(), n.role, n.zone.clone()))
            .collect();
        for (addr, role, zone) in listed {
            let i = self.node_for(&addr);
            // An address listed twice (nodes behind one endpoint) is a primary if either is.
            if !self.nodes[i].listed || role == crate::topology::Role::Primary {
                self.nodes[i].role = role;
            }
            self.nodes[i].listed = true;
            if let Some(zone) = zone {
                self.learn_reported_zone(i, zone);
            }
        }
        self.slots.fill(NO_NODE);
        self.slots_generation += 1;
        self.primaries.clear();
        let ranges: Vec<(u16, u16, Option<Addr>)> = topology
            .slot_ranges()
            .map(|(start, end, shard)| {
                let primary = shard
                    .and_then(|i| topology.shards()[i].primary.as_ref())
                    .map(|p| p.addr.clone());
                (start, end, primary)
            })
            .collect();
        for (start, end, primary) in ranges {
            let Some(addr) = primary else { continue };
            let node = self.node_for(&addr);
            if !self.primaries.contains(&node) {
                self.primaries.push(node);
            }
            if let Some(slots) = self.slots.get_mut(usize::from(start)..=usize::from(end)) {
                slots.fill(node as u32);
            }
        }
        self.note_readable_replicas(&topology);
        let primaries_after = self.primaries.len();
        self.topology = Some(topology);
        if changed {
            self.topology_changes += 1;
            self.event(Event::TopologyChanged {
                slots_moved,
                primaries_before,
                primaries_after,
            });
        }
        self.move_misplaced_subscriptions(now);
        self.withdraw_departed_legs(now);
        self.leave_stalled_nodes(now);
        self.prune_departed();
    }

    /// Record, on each primary, the replicas reads may go to: online and, when the reply
    /// gives offsets, no further behind than [`Config::max_replica_lag`](super::Config).
    fn note_readable_replicas(&mut self, topology: &Topology) {
        for node in &mut self.nodes {
            node.replicas.clear();
        }
        let max_lag = self.config.max_replica_lag;
        for shard in topology.shards() {
            let Some(primary) = &shard.primary else {
                continue;
            };
            let p = self.node_for(&primary.addr);
            for replica in &shard.replicas {
                let lag = match (primary.replication_offset, replica.replication_offset) {
                    (Some(p), Some(r)) => u64::try_from(p.saturating_sub(r)).unwrap_or(0),
                    _ => 0,
                };
                let readable = replica.role == crate::topology::Role::Replica
                    && replica.health == crate::topology::Health::Online
                    && max_lag.is_none_or(|max| lag <= max);
                if readable {
                    let r = self.node_for(&replica.addr);
                    self.nodes[p].replicas.push(r);
                }
            }
        }
    }

    /// Seed connections were for discovery; one whose address is a node's serves that node,
    /// the rest close once nothing is in flight on them.
    fn close_idle_seed_conns(&mut self, now: Instant) {
        let seed_conns: Vec<Key> = self
            .conns
            .iter()
            .filter(|(_, c)| c.node.is_none())
            .map(|(k, _)| k)
            .collect();
        for conn in seed_conns {
            let Some(addr) = self.conns.get(conn).map(|c| c.addr.clone()) else {
                continue;
            };
            match self.node_index.get(&addr).copied() {
                Some(node) if self.nodes[node].listed && self.nodes[node].conn.is_none() => {
                    self.nodes[node].conn = Some(conn);
                    if let Some(c) = self.conns.get_mut(conn) {
                        c.node = Some(node);
                    }
                }
                _ => {
                    if self.conns.get(conn).is_some_and(|c| c.inflight.is_empty()) {
                        self.drop_conn(conn, None, now);
                    }
                }
            }
        }
    }
}
