//! The invariants, checked as the run goes (every step) and at its end.
//!
//! Per reply: it answers a pending request exactly once, by the request's deadline, with
//! the reply shape the request needs; each command's result either is an error the
//! situation allows (during faults: timeout, redirect limit, no reachable seed, uncovered
//! slot, and "outcome unknown" only for commands the command table does not flag read-only
//! — the core retries read-only ones; never a leaked server error such as MOVED or
//! CLUSTERDOWN), or matches an execution of that very command in the request's window
//! whose value the key really held then (see [`super::model`]).
//!
//! Per step: the client's count of pending requests equals the workload's; its buffers and
//! connections stay bounded; an ASK never changes its slot map (`slot_owner`); topology
//! queries per node stay under [`World::query_bound`] in any second.
//!
//! Per write that failed for certain (`Timeout` included: it means none of its bytes left
//! the client) or was cancelled before any of it was written: its token never runs, before
//! or after (see [`super::model::Model::refuse`] and [`super::cancel`]).
//!
//! At the end: every request was answered (or cancelled); no counter ran more INCRs than
//! could have been sent; and the liveness checks of [`super::world`].

use std::collections::{BTreeMap, VecDeque};

use keyslot_core::cluster::{Error, Event};
use keyslot_core::resp::Value;
use keyslot_core::time::{Duration, Instant};
use keyslot_core::topology::Addr;

use super::cache_check::Answered;
use super::cluster::NodeId;
use super::model::token_of;
use super::workload::{Kind, Op, Pending, Reply};
use super::world::World;

/// Bytes the client may hold in buffers beyond what its pending requests explain.
const BUFFER_SLACK: usize = 512 * 1024;
/// Bytes per pending request the client may hold.
const BUFFER_PER_REQUEST: usize = 8 * 1024;

/// Bookkeeping for the per-step checks.
#[derive(Debug, Default)]
pub struct Checks {
    /// The client's owner of each workload slot, as last explained by an event.
    pub shadow: BTreeMap<u16, Option<Addr>>,
    /// Client events seen during the current step.
    pub step_events: Vec<Event>,
    /// Topology queries per node, by send time, within the last second.
    pub queries: Vec<VecDeque<Instant>>,
    /// Most queries one node got in one second.
    pub max_queries_per_sec: usize,
    /// Topology queries received in all.
    pub total_queries: u64,
}

fn error_kind(e: &Error) -> &'static str {
    match e {
        Error::Server(_) => "server",
        Error::CrossSlot => "crossslot",
        Error::InvalidCommand(_) => "invalid",
        Error::Unsupported { .. } => "unsupported",
        Error::NoReachableSeed { .. } => "no-reachable-seed",
        Error::Auth { .. } => "auth",
        Error::TooManyRedirects { .. } => "too-many-redirects",
        Error::NotInCluster { .. } => "not-in-cluster",
        Error::OutcomeUnknown { .. } => "outcome-unknown",
        Error::Timeout => "timeout",
        Error::UncoveredSlot(_) => "uncovered-slot",
        Error::Protocol { .. } => "protocol",
        Error::Transaction(_) => "transaction",
        Error::Closed => "closed",
        _ => "other",
    }
}

impl World {
    /// The most topology queries one node may receive (by send time) in any one second:
    /// rediscoveries start at least `refresh_interval_degraded` apart, so at most
    /// `1s / interval + 1` of them have queries in a second; each asks a node once as a
    /// candidate, plus once per seed if it falls back to the seeds (each seed connection
    /// may land on any node), plus one `CLUSTER SLOTS` retry on a pre-7.0 node. On Redis
    /// 7.4.1 every CLUSTER SHARDS that leaves slots uncovered is checked against a CLUSTER
    /// SLOTS on the same connection: twice as many.
    pub fn query_bound(&self) -> usize {
        let interval = self.config.refresh_interval_degraded.as_micros().max(1);
        let starts = (1_000_000 / interval) as usize + 1;
        let cross_checked = self.profile.flavour == super::profile::Flavour::Redis741;
        let per_query = if cross_checked { 2 } else { 1 };
        starts * (1 + self.seeds.len()) * per_query + usize::from(self.profile.legacy)
    }

    /// A node received a topology query the client sent at `sent`.
    pub fn topology_query(&mut self, node: NodeId, sent: Instant) {
        let bound = self.query_bound();
        let chk = &mut self.checks;
        chk.total_queries += 1;
        if chk.queries.len() <= node {
            chk.queries.resize(node + 1, VecDeque::new());
        }
        let q = &mut chk.queries[node];
        // Sends arrive in order per connection but not across connections: keep sorted.
        let at = q.partition_point(|&t| t <= sent);
        q.insert(at, sent);
        let horizon = sent.as_micros().saturating_sub(1_000_000);
        while q.front().is_some_and(|t| t.as_micros() <= horizon) {
            q.pop_front();
        }
        let count = q
            .iter()
            .filter(|t| t.as_micros() > horizon && **t <= sent)
            .count();
        chk.max_queries_per_sec = chk.max_queries_per_sec.max(count);
        if count > bound {
            self.violation(format!(
                "n{node} got {count} topology queries sent within one second (bound {bound})"
            ));
        }
    }

    /// A reply came out of the client.
    pub fn on_reply(&mut self, id: u64, reply: Reply) {
        let Some(p) = self.work.pending.remove(&id) else {
            self.violation(format!(
                "reply for request {id}, which is not pending (a duplicate or a stranger): {reply:?}"
            ));
            return;
        };
        self.work.by_time.remove(&(p.at, id));
        self.work.by_deadline.remove(&(p.deadline, id));
        let deadline = p.deadline;
        if self.now > deadline {
            self.violation(format!(
                "request {id} answered at {}us, after its deadline {}us",
                self.now.as_micros(),
                deadline.as_micros()
            ));
        }
        // The simulator gives both kinds of request the token `()`, so the reply's shape is
        // checked here, not by the types: a pipeline must get a list, the rest one result.
        match (&p.kind, reply) {
            (Kind::Single(op), Reply::Single(r)) => self.check_op(id, &p, op, r),
            (Kind::Pipeline(ops), Reply::Pipeline(rs)) => {
                if rs.len() != ops.len() {
                    self.violation(format!(
                        "pipeline {id} of {} commands got {} results",
                        ops.len(),
                        rs.len()
                    ));
                    return;
                }
                for (op, r) in ops.iter().zip(rs) {
                    self.check_op(id, &p, op, r);
                }
            }
            (Kind::Tx(ops), Reply::Single(r)) => self.check_tx(id, &p, ops, r),
            (kind, reply) => self.violation(format!("request {id} ({kind:?}) got {reply:?}")),
        }
    }

    /// Judge an error: allowed now for this kind of command?
    fn check_error(&mut self, id: u64, p: &Pending, read_only: bool, e: &Error, what: &str) {
        *self.work.errors.entry(error_kind(e)).or_default() += 1;
        if p.must_succeed {
            self.violation(format!(
                "request {id} ({what}) submitted {}us after the cluster went quiet failed: {e}",
                p.at.as_micros().saturating_sub(self.quiet_since_us())
            ));
            return;
        }
        let allowed = match e {
            Error::Timeout | Error::NoReachableSeed { .. } | Error::UncoveredSlot(_) => true,
            // The trail lists every send, retries included; the redirect count itself is
            // checked on the server side, per write token.
            Error::TooManyRedirects { trail } => !trail.is_empty(),
            // A node named a target the view it was checked against lacked: during faults
            // the view a client gets may lag behind the node that redirected.
            Error::NotInCluster { .. } => true,
            Error::OutcomeUnknown { .. } => !read_only,
            _ => false,
        };
        if !allowed {
            self.violation(format!("request {id} ({what}) failed with {e:?}"));
        }
    }

    /// Why an error proves that a command which may write never ran, if it does: `Timeout`
    /// means none of its bytes left the client (a write sent and unanswered is
    /// `OutcomeUnknown`; a read may have run, which changes nothing).
    fn never_ran_because(e: &Error) -> Option<&'static str> {
        match e {
            Error::TooManyRedirects { .. } => Some("the client reported the redirect limit"),
            Error::NotInCluster { .. } => Some("the client refused a redirect to a stranger"),
            Error::UncoveredSlot(_) => Some("the client reported its slot uncovered"),
            Error::Timeout => Some("its caller got Timeout"),
            _ => None,
        }
    }

    fn check_op(&mut self, id: u64, p: &Pending, op: &Op, r: Result<Value, Error>) {
        let (from, to) = (p.at, self.now);
        let ticket = self.cache_ticket(id, op);
        let v = match r {
            Err(e) if self.script_flush_raced(op, &e) => return,
            Err(e) => {
                if let (Op::Get(k), Some((seq, _))) = (op, ticket) {
                    self.cache_orphan(k, seq, from);
                }
                self.check_error(id, p, op.is_read_only(), &e, &format!("{op:?}"));
                self.note_pop_abandoned(op, false);
                if let Some(why) = Self::never_ran_because(&e).filter(|_| op.is_write()) {
                    self.note_refused(op, why);
                }
                return;
            }
            Ok(v) => v,
        };
        self.work.ok += 1;
        match op {
            Op::Ping => {
                if v != Value::SimpleString(bytes::Bytes::from_static(b"PONG")) {
                    self.violation(format!("request {id}: PING answered {v:?}"));
                }
                return;
            }
            Op::Dbsize => {
                if !matches!(v, Value::Integer(n) if n >= 0) {
                    self.violation(format!("request {id}: DBSIZE answered {v:?}"));
                }
                return;
            }
            _ => {}
        }
        match (op, ticket) {
            (Op::Get(k), Some((seq, Answered::Cache))) => {
                if !self.cache_hit(id, k, &v, seq, from) {
                    self.violation(format!(
                        "request {id}: the cache answered {op:?} with {v:?}"
                    ));
                }
                return;
            }
            // Which of a pipeline's reads the cache answered is not known: one that a node
            // may have answered is taken for that (without claiming the execution, which
            // may be another request's), any other for a hit.
            (Op::Get(k), Some((seq, Answered::Mixed))) => {
                let runs = self.model.runs_of(&op.canonical(), from, to, &v);
                if runs.is_empty() {
                    if !self.cache_hit(id, k, &v, seq, from) {
                        self.violation(format!("request {id}: {op:?} answered {v:?}"));
                    }
                    return;
                }
                let stale_ok = runs.iter().any(|r| r.2);
                self.check_values(id, op, &v, from, to, stale_ok);
                self.cache_fill_seen(k, &v, seq, (from, to));
                return;
            }
            _ => {}
        }
        let Some(exec) = self.model.match_exec(&op.canonical(), from, to, &v) else {
            let hint = match op {
                Op::Get(k) | Op::Incr(k) | Op::Del(k) | Op::Expire(k, _) => {
                    self.model.describe(k, to)
                }
                _ => String::new(),
            };
            self.violation(format!(
                "request {id}: {op:?} got {v:?}, which no execution of that command between \
                 {}us and {}us returned (history: {hint})",
                from.as_micros(),
                to.as_micros()
            ));
            return;
        };
        self.check_values(id, op, &v, from, to, exec.stale_ok);
        if op.is_write() {
            self.cache_write_acked(op, exec.at);
        }
        if let (Op::Get(k), Some((seq, _))) = (op, ticket) {
            self.cache_fill_seen(k, &v, seq, (from, to));
        }
    }

    /// The values in a successful reply were held by their keys in the window, and writes
    /// are recorded as acknowledged.
    fn check_values(
        &mut self,
        id: u64,
        op: &Op,
        v: &Value,
        from: Instant,
        to: Instant,
        stale_ok: bool,
    ) {
        let ok = Value::SimpleString(bytes::Bytes::from_static(b"OK"));
        match op {
            Op::Get(k) => {
                let got = match v {
                    Value::BulkString(b) => Some(&b[..]),
                    Value::Null => None,
                    other => {
                        self.violation(format!("request {id}: GET answered {other:?}"));
                        return;
                    }
                };
                if !stale_ok && !self.model.held(k, from, to, got) {
                    let h = self.model.describe(k, to);
                    self.violation(format!(
                        "request {id}: GET {} returned {:?}, which it never held between {}us and {}us ({h})",
                        String::from_utf8_lossy(k),
                        got.map(String::from_utf8_lossy),
                        from.as_micros(),
                        to.as_micros()
                    ));
                }
            }
            Op::Mget(keys) => {
                let Value::Array(items) = v else {
                    self.violation(format!("request {id}: MGET answered {v:?}"));
                    return;
                };
                if items.len() != keys.len() {
                    self.violation(format!(
                        "request {id}: MGET of {} keys answered {v:?}",
                        keys.len()
                    ));
                    return;
                }
                for (k, item) in keys.iter().zip(items) {
                    let got = match item {
                        Value::BulkString(b) => Some(&b[..]),
                        _ => None,
                    };
                    if !stale_ok && !self.model.held(k, from, to, got) {
                        self.violation(format!(
                            "request {id}: MGET gave {} the value {:?}, which it never held in the window",
                            String::from_utf8_lossy(k),
                            got.map(String::from_utf8_lossy)
                        ));
                    }
                }
            }
            Op::Set(..) | Op::Mset(_) | Op::Script(..) => {
                let want = match op {
                    Op::Script(_, value) => Value::BulkString(value.clone()),
                    _ => ok,
                };
                if *v != want {
                    self.violation(format!("request {id}: {op:?} answered {v:?}"));
                } else if matches!(op, Op::Script(..)) {
                    self.note_script_ok();
                }
                for value in op.written_values() {
                    if let Some(t) = token_of(value) {
                        let rec = self.model.tokens.entry(t).or_default();
                        rec.acked = true;
                        if rec.executed.is_none_or(|at| at < from || at > to) {
                            self.violation(format!(
                                "request {id}: write token {t} acknowledged but no primary ran it in the window"
                            ));
                        }
                    }
                }
            }
            Op::Del(_) | Op::Incr(_) | Op::Expire(..) => {
                if !matches!(v, Value::Integer(_)) {
                    self.violation(format!("request {id}: {op:?} answered {v:?}"));
                }
            }
            Op::Blpop { .. } => self.note_popped(id, op, v),
            Op::Ping | Op::Dbsize => {}
        }
    }

    /// `op` never ran and never will, because `why`: its token, pop or INCR running
    /// anywhere, before or after, is a violation.
    pub(super) fn note_refused(&mut self, op: &Op, why: &'static str) {
        self.note_pop_refused(op);
        if let Op::Incr(k) = op {
            self.model.counters.entry(k.clone()).or_default().refused += 1;
        }
        for v in op.written_values() {
            if let Some(t) = token_of(v) {
                if let Some(at) = self.model.refuse(t, why) {
                    self.violation(format!(
                        "write token {t} ran at {}us, yet {why}",
                        at.as_micros()
                    ));
                }
            }
        }
    }

    fn check_tx(&mut self, id: u64, p: &Pending, ops: &[Op], r: Result<Value, Error>) {
        let (from, to) = (p.at, self.now);
        let read_only = ops.iter().all(Op::is_read_only);
        let v = match r {
            Err(e) => {
                self.check_error(id, p, read_only, &e, "transaction");
                if let Some(why) = Self::never_ran_because(&e).filter(|_| !read_only) {
                    for op in ops {
                        self.note_refused(op, why);
                    }
                }
                return;
            }
            Ok(v) => v,
        };
        self.work.ok += 1;
        let Value::Array(items) = &v else {
            self.violation(format!("request {id}: transaction answered {v:?}"));
            return;
        };
        if items.len() != ops.len() {
            self.violation(format!(
                "request {id}: transaction of {} commands answered {} replies",
                ops.len(),
                items.len()
            ));
            return;
        }
        let Some(exec) = self
            .model
            .match_exec(&Kind::tx_canonical(ops), from, to, &v)
        else {
            self.violation(format!(
                "request {id}: transaction {ops:?} got {v:?}, which no EXEC in the window returned"
            ));
            return;
        };
        for (op, item) in ops.iter().zip(items) {
            self.check_values(id, op, item, from, to, exec.stale_ok);
            if op.is_write() {
                self.cache_write_acked(op, exec.at);
            }
        }
    }

    /// Checks after every step of the run.
    pub fn check_step(&mut self) {
        let pending = self.client.pending_requests();
        if pending != self.work.pending.len() {
            self.violation(format!(
                "the client has {pending} pending requests, the workload {}",
                self.work.pending.len()
            ));
        }
        let limit = BUFFER_SLACK + BUFFER_PER_REQUEST * (pending + 1);
        let buffered = self.client.buffered_bytes();
        if buffered > limit {
            self.violation(format!(
                "the client buffers {buffered} bytes (bound {limit})"
            ));
        }
        self.stats.max_buffered = self.stats.max_buffered.max(buffered);
        let conns = self.client.connection_count();
        let conn_limit = self.c.nodes.len()
            + self.seeds.len()
            + 2
            + self.pubsub_conn_allowance()
            + self.blocking_conn_allowance();
        if conns > conn_limit {
            self.violation(format!(
                "the client holds {conns} connections (bound {conn_limit})"
            ));
        }
        self.stats.max_conns = self.stats.max_conns.max(conns);
        if let Some(&(deadline, id)) = self.work.by_deadline.first() {
            if self.now > deadline + Duration::from_millis(1) {
                self.violation(format!(
                    "request {id} due by {}us has no reply at {}us",
                    deadline.as_micros(),
                    self.now.as_micros()
                ));
            }
        }
        self.check_slot_map_events();
    }

    /// ASK leaves the slot map alone; the map changes only with MOVED or a finished
    /// rediscovery (which rebuilds it, even when the view is unchanged).
    ///
    /// The shadow covers the slots of the workload's hash tags: every command goes to one
    /// of them, so they are the only slots an ASK can name.
    fn check_slot_map_events(&mut self) {
        if self.checks.step_events.is_empty() {
            return;
        }
        let events = std::mem::take(&mut self.checks.step_events);
        for e in &events {
            if let Event::Redirected { slot, .. } = e {
                self.cache_slot_moved(*slot);
            }
        }
        if events.iter().any(|e| {
            matches!(
                e,
                Event::TopologyChanged { .. } | Event::RefreshFinished { .. }
            )
        }) {
            self.refresh_shadow();
            return;
        }
        for e in &events {
            let Event::Redirected { ask, slot, .. } = e else {
                continue;
            };
            let now_owner = self.client.slot_owner(*slot).cloned();
            if !*ask {
                self.checks.shadow.insert(*slot, now_owner);
                continue;
            }
            let moved_too = events
                .iter()
                .any(|o| matches!(o, Event::Redirected { ask: false, slot: s, .. } if s == slot));
            let Some(before) = self.checks.shadow.get(slot) else {
                self.violation(format!(
                    "ASK for slot {slot}, which no workload key hashes to"
                ));
                continue;
            };
            if !moved_too && *before != now_owner {
                let before = before.as_ref().map(|a| a.to_string());
                let after = now_owner.as_ref().map(|a| a.to_string());
                self.violation(format!(
                    "ASK for slot {slot} changed the client's slot map: {before:?} -> {after:?}"
                ));
            }
        }
    }

    /// Re-read the client's owners of the workload's slots into the shadow.
    pub fn refresh_shadow(&mut self) {
        for slot in self.work.tag_slots() {
            let owner = self.client.slot_owner(slot).cloned();
            if let Some(before) = self.checks.shadow.insert(slot, owner.clone()) {
                if before != owner {
                    self.cache_slot_moved(slot);
                }
            }
        }
    }

    /// Slots where the client's map differs from the truth (first few).
    pub fn slot_map_mismatches(&self) -> Vec<(u16, Option<String>, Option<String>)> {
        let mut out = Vec::new();
        let view = self.c.latest.clone();
        for &(start, end, shard) in view.runs() {
            let expect = view
                .shards
                .get(usize::from(shard))
                .map(|s| self.client_addr_of(s.primary));
            // The client hands out the same `Addr` for every slot of one node: once one
            // slot's owner compared equal, a pointer comparison settles the next ones
            // (comparing hostnames 16384 times was a large part of a fuzz input's cost).
            let mut equal: Option<&Addr> = None;
            for slot in start..=end {
                let got = self.client.slot_owner(slot);
                if got.is_some_and(|g| equal.is_some_and(|e| std::ptr::eq(e, g))) {
                    continue;
                }
                if got == expect.as_ref() {
                    equal = got;
                } else {
                    out.push((
                        slot,
                        expect.as_ref().map(|a| a.to_string()),
                        got.map(|a| a.to_string()),
                    ));
                    if out.len() >= 5 {
                        return out;
                    }
                    break;
                }
            }
        }
        out
    }

    /// The address under which the client knows node `n`.
    pub fn client_addr_of(&self, n: NodeId) -> Addr {
        let ident = &self.c.nodes[n].ident;
        match self.profile.endpoints {
            super::profile::Endpoints::Ip | super::profile::Endpoints::SharedHost => {
                Addr::new(ident.ip.clone(), ident.port)
            }
            super::profile::Endpoints::Hostname => Addr::new(ident.hostname.clone(), ident.port),
        }
    }

    /// End-of-run checks.
    pub fn check_end(&mut self) {
        if !self.work.pending.is_empty() || self.client.pending_requests() != 0 {
            self.violation(format!(
                "{} requests never answered (client says {})",
                self.work.pending.len(),
                self.client.pending_requests()
            ));
        }
        let over: Vec<String> = self
            .model
            .counters
            .iter()
            .filter(|(_, c)| c.executed + c.refused > c.submitted)
            .map(|(k, c)| {
                format!(
                    "{}: ran {} INCRs, submitted {}, {} refused for certain",
                    String::from_utf8_lossy(k),
                    c.executed,
                    c.submitted,
                    c.refused
                )
            })
            .collect();
        if !over.is_empty() {
            self.violation(format!("INCR ran more often than possible: {over:?}"));
        }
    }
}
