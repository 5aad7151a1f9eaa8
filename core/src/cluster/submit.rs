//! Submissions: turning a caller's commands into a request and its jobs.

use alloc::vec::Vec;

use super::blocking::Blocking;
use super::caching::Consult;
use super::conn::Withdrawal;
use super::job::{Collect, Entry, Job, Leg, Payload, RequestState, Target};
use super::route::{route, Route, Routed};
use super::timers::Timer;
use super::{Cluster, Error, Output, RequestId, Token};
use crate::command::{lookup, ResponsePolicy};
use crate::resp::Value;
use crate::time::Instant;
use crate::topology::{Addr, Role};
use crate::{Cmd, ScriptCall};

/// The deadline of a request that may wait forever (a blocking command with timeout 0).
const NEVER: Instant = Instant::from_micros(u64::MAX);

impl<T, S, P> Cluster<T, S, P> {
    pub(super) fn submit_command(&mut self, cmd: Cmd, token: T, now: Instant) -> RequestId {
        if let Some((parts, combine)) = super::split::plan(&cmd) {
            let (id, key) = self.new_request(parts.len(), Token::Single(token), now);
            if let Some(req) = self.requests.all.get_mut(key) {
                req.split = Some(combine);
            }
            for (i, part) in parts.into_iter().enumerate() {
                self.add_command(key, i, part, None, now);
            }
            self.finish_if_done(id);
            return id;
        }
        let (id, key) = self.new_request(1, Token::Single(token), now);
        self.add_command(key, 0, cmd, None, now);
        self.finish_if_done(id);
        id
    }

    pub(super) fn new_pipeline(&mut self, cmds: Vec<Cmd>, token: P, now: Instant) -> RequestId {
        let (id, key) = self.new_request(cmds.len(), Token::Pipeline(token), now);
        for (i, cmd) in cmds.into_iter().enumerate() {
            self.add_command(key, i, cmd, None, now);
        }
        self.finish_if_done(id);
        id
    }

    pub(super) fn submit_script(&mut self, call: ScriptCall, token: T, now: Instant) -> RequestId {
        let (cmd, body) = call.into_parts();
        let (id, key) = self.new_request(1, Token::Single(token), now);
        self.add_command(key, 0, cmd, Some(body), now);
        self.finish_if_done(id);
        id
    }

    pub(super) fn submit_to(&mut self, node: &Addr, cmd: Cmd, token: T, now: Instant) -> RequestId {
        let (id, key) = self.new_request(1, Token::Single(token), now);
        match route(&cmd, &mut self.scratch) {
            Ok(_) | Err(Error::CrossSlot) => {
                let spec = lookup(&cmd);
                // Only its own writes matter here: a read aimed at a node is not cached.
                self.note_own_write(&cmd, spec);
                let retry_safe = super::route::runs_twice_harmlessly(&cmd, spec);
                let blocking = spec.and_then(|s| super::blocking::blocking(&cmd, s));
                let node = self.node_for(node);
                let mut job = Job::new(
                    key,
                    0,
                    0,
                    Payload::Command(cmd),
                    Target::Node(node),
                    retry_safe,
                );
                self.mark_blocking(key, &mut job, blocking, now);
                self.spawn_job(key, 0, job, now);
            }
            Err(e) => self.set_entry_result(key, 0, Err(e)),
        }
        self.finish_if_done(id);
        id
    }

    pub(super) fn submit_transaction(
        &mut self,
        cmds: Vec<Cmd>,
        token: T,
        now: Instant,
    ) -> RequestId {
        let (id, key) = self.new_request(1, Token::Single(token), now);
        match self.route_transaction(&cmds) {
            Ok((target, retry_safe)) => {
                let job = Job::new(key, 0, 0, Payload::Transaction(cmds), target, retry_safe);
                self.spawn_job(key, 0, job, now);
            }
            Err(e) => self.set_entry_result(key, 0, Err(e)),
        }
        self.finish_if_done(id);
        id
    }

    fn route_transaction(&mut self, cmds: &[Cmd]) -> Result<(Target, bool), Error> {
        if cmds.is_empty() {
            return Err(Error::Transaction(
                "a transaction needs at least one command",
            ));
        }
        let mut slot = None;
        let mut readonly = true;
        for cmd in cmds {
            let routed = route(cmd, &mut self.scratch)?;
            // A transaction's reads are not cached; its writes drop what they change.
            self.note_own_write(cmd, routed.spec);
            readonly &= routed.retry_safe;
            match routed.route {
                Route::Slot(s) if slot.is_some_and(|first| first != s) => {
                    return Err(Error::CrossSlot)
                }
                Route::Slot(s) => slot = Some(s),
                Route::AnyPrimary => {}
                Route::AllPrimaries | Route::AllNodes => {
                    return Err(Error::Transaction(
                        "a fan-out command cannot run in a transaction",
                    ))
                }
            }
        }
        Ok((slot.map_or(Target::AnyPrimary, Target::Slot), readonly))
    }

    fn new_request(
        &mut self,
        entries: usize,
        token: Token<T, P>,
        now: Instant,
    ) -> (RequestId, super::slab::Key) {
        let deadline = now + self.config.request_timeout;
        let entries = (0..entries)
            .map(|_| Entry {
                result: None,
                collect: Collect::Single,
                jobs: smallvec::SmallVec::new(),
            })
            .collect::<smallvec::SmallVec<_>>();
        let open = entries.len();
        let key = self.requests.all.insert(RequestState {
            token,
            deadline,
            entries,
            open,
            split: None,
            report_served: false,
        });
        let id = RequestId(key);
        self.timers.schedule(deadline, Timer::Request(id.as_u64()));
        self.compact_timers_if_bloated();
        (id, key)
    }

    /// Route one command and start its job(s); `script` is an `EVALSHA`'s body, for
    /// loading on `NOSCRIPT`.
    fn add_command(
        &mut self,
        request: super::slab::Key,
        entry: usize,
        cmd: Cmd,
        script: Option<bytes::Bytes>,
        now: Instant,
    ) {
        let Routed {
            route: r,
            spec,
            retry_safe,
            blocking,
        } = match route(&cmd, &mut self.scratch) {
            Ok(routed) => routed,
            Err(e) => return self.set_entry_result(request, entry, Err(e)),
        };
        let slot = match r {
            Route::Slot(s) => Some(s),
            _ => None,
        };
        let cache_fill = match self.consult_cache(&cmd, spec, slot, now) {
            Consult::Hit(value) => return self.set_entry_result(request, entry, Ok(value)),
            Consult::Miss(fill) => Some(fill),
            Consult::Pass => None,
        };
        let target = match r {
            Route::Slot(s) => Target::Slot(s),
            Route::AnyPrimary => Target::AnyPrimary,
            Route::AllPrimaries | Route::AllNodes => {
                let policy = spec.map_or(ResponsePolicy::Default, |s| s.response_policy());
                if let Some(blocking) = blocking {
                    self.extend_deadline(request, blocking, now);
                }
                self.fan_out(
                    request,
                    entry,
                    cmd,
                    r == Route::AllNodes,
                    policy,
                    retry_safe,
                    now,
                );
                // `WAIT` on every primary: each leg's silence is the server's wait.
                if blocking.is_some() {
                    self.mark_legs_waiting(request, entry);
                }
                return;
            }
        };
        let mut job = Job::new(request, entry, 0, Payload::Command(cmd), target, retry_safe);
        job.replica_read = retry_safe;
        job.cache_fill = cache_fill;
        self.mark_blocking(request, &mut job, blocking, now);
        job.script = script;
        self.spawn_job(request, entry, job, now);
    }

    /// A blocking command's job: its request gets the command's own deadline, and unless it
    /// is `WAIT` it runs on a connection of its own, carrying the wait it has left.
    fn mark_blocking(
        &mut self,
        request: super::slab::Key,
        job: &mut Job,
        blocking: Option<Blocking>,
        now: Instant,
    ) {
        let Some(b) = blocking else {
            return;
        };
        self.extend_deadline(request, b, now);
        job.server_waits = true;
        if b.dedicated {
            job.dedicated = true;
            job.wait_until = b.timeout.map(|t| now + t);
        }
    }

    /// The fan-out legs of an entry make their servers wait before answering.
    fn mark_legs_waiting(&mut self, request: super::slab::Key, entry: usize) {
        let legs: Vec<super::slab::Key> = self
            .entry_mut(request, entry)
            .map(|e| e.jobs.to_vec())
            .unwrap_or_default();
        for leg in legs {
            if let Some(job) = self.requests.jobs.get_mut(leg) {
                job.server_waits = true;
            }
        }
    }

    /// A blocking command may take its own timeout: the request's deadline becomes that plus
    /// the request timeout, or none at all for a command that blocks until data comes.
    fn extend_deadline(&mut self, request: super::slab::Key, blocking: Blocking, now: Instant) {
        let deadline = blocking
            .timeout
            .map_or(NEVER, |t| now + t + self.config.request_timeout);
        let Some(req) = self.requests.all.get_mut(request) else {
            return;
        };
        if deadline <= req.deadline {
            return;
        }
        // The earlier timer finds the deadline moved and does nothing.
        req.deadline = deadline;
        if deadline != NEVER {
            self.timers
                .schedule(deadline, Timer::Request(RequestId(request).as_u64()));
        }
    }

    /// One job per node. Without a topology yet, the command goes to one primary; fan-out
    /// needs the node list.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn fan_out(
        &mut self,
        request: super::slab::Key,
        entry: usize,
        cmd: Cmd,
        all_nodes: bool,
        policy: ResponsePolicy,
        retry_safe: bool,
        now: Instant,
    ) {
        let addrs = self.fan_out_addrs(all_nodes);
        let targets: Vec<usize> = addrs.iter().map(|a| self.node_for(a)).collect();
        if targets.is_empty() {
            let job = Job::new(
                request,
                entry,
                0,
                Payload::Command(cmd),
                Target::AnyPrimary,
                retry_safe,
            );
            return self.spawn_job(request, entry, job, now);
        }
        let nodes = targets
            .iter()
            .map(|&n| self.routing.nodes[n].addr.clone())
            .collect();
        if let Some(e) = self.entry_mut(request, entry) {
            e.collect = Collect::FanOut {
                policy,
                all_nodes,
                nodes,
                legs: (0..targets.len()).map(|_| Leg::Waiting).collect(),
            };
        }
        for (leg, node) in targets.into_iter().enumerate() {
            let job = Job::new(
                request,
                entry,
                leg,
                Payload::Command(cmd.clone()),
                Target::Node(node),
                retry_safe,
            );
            self.spawn_job(request, entry, job, now);
        }
    }

    /// The nodes a fan-out asks, per the current topology: every primary that serves slots,
    /// or every node when `all_nodes`; online ones only.
    pub(crate) fn fan_out_addrs(&self, all_nodes: bool) -> Vec<Addr> {
        let Some(topology) = &self.routing.topology else {
            return Vec::new();
        };
        topology
            .shards()
            .iter()
            .filter(|s| !s.slots.is_empty() || all_nodes)
            .flat_map(|s| {
                let replicas = s.replicas.iter().filter(move |_| all_nodes);
                s.primary.iter().chain(replicas)
            })
            .filter(|n| n.health == crate::topology::Health::Online)
            .map(|n| n.addr.clone())
            .collect()
    }

    pub(crate) fn spawn_job(
        &mut self,
        request: super::slab::Key,
        entry: usize,
        job: Job,
        now: Instant,
    ) {
        let key = self.requests.jobs.insert(job);
        if let Some(e) = self.entry_mut(request, entry) {
            e.jobs.push(key);
        }
        self.dispatch(key, now);
    }

    /// Record an entry's result; the request is answered when its last entry has one.
    pub(crate) fn set_entry_result(
        &mut self,
        request: super::slab::Key,
        entry: usize,
        result: Result<super::Value, Error>,
    ) {
        let Some(req) = self.requests.all.get_mut(request) else {
            return;
        };
        let Some(e) = req.entries.get_mut(entry) else {
            return;
        };
        if e.result.is_none() {
            e.result = Some(result);
            req.open -= 1;
        }
    }

    /// Reply to the request if every entry has its result.
    pub(crate) fn finish_if_done(&mut self, id: RequestId) {
        if self.requests.all.get(id.0).is_some_and(|r| r.open == 0) {
            self.finish_request(id, None);
        }
    }

    /// Reply now: entries still open get `fill` (the deadline's error), and their jobs are
    /// dropped (replies still in flight for them will be read and discarded).
    pub(crate) fn finish_request(&mut self, id: RequestId, fill: Option<Error>) {
        // The caller's token leaves with the reply: nothing of the request stays behind.
        let Some(req) = self.requests.all.remove(id.0) else {
            return;
        };
        let (token, mut results) = self.close_request(req, fill);
        self.emit(match token {
            Token::Pipeline(token) => Output::PipelineReply { id, token, results },
            // A request that is not a pipeline has one entry, or its parts combined in one.
            Token::Single(token) => Output::Reply {
                id,
                token,
                reply: results.pop().unwrap_or(Err(Error::Closed)),
            },
        });
    }

    pub(super) fn set_deadline_of(&mut self, id: RequestId, deadline: Instant) {
        let Some(req) = self.requests.all.get_mut(id.0) else {
            return;
        };
        // A timer set for the old deadline finds it moved and does nothing.
        req.deadline = deadline;
        self.timers.schedule(deadline, Timer::Request(id.as_u64()));
    }

    /// End a request taken out of the table: drop its jobs, taking back what was not
    /// written, and form its results (a split command's parts combined in one). An open
    /// entry gets `fill`, or `Timeout` — unless a job of it that may write was (partly)
    /// written: it may have run, so `OutcomeUnknown`.
    pub(super) fn close_request(
        &mut self,
        req: RequestState<T, P>,
        fill: Option<Error>,
    ) -> (Token<T, P>, Vec<Result<Value, Error>>) {
        let mut results = Vec::with_capacity(req.entries.len());
        for entry in req.entries {
            let mut maybe_ran = None;
            for job in entry.jobs {
                if let Some(addr) = self.drop_job(job) {
                    maybe_ran = Some(addr);
                }
            }
            results.push(entry.result.unwrap_or_else(|| match maybe_ran {
                Some(addr) => Err(Error::OutcomeUnknown { addr }),
                None => Err(fill.clone().unwrap_or(Error::Timeout)),
            }));
        }
        if let Some(combine) = req.split {
            results = alloc::vec![combine.apply(results)];
        }
        (req.token, results)
    }

    /// Drop a job whose request ended. Bytes it has on a connection and none of which was
    /// written are withdrawn; a blocking command's own connection goes back to the idle
    /// ones then, and is closed when the command may be parked on the server. Returns the
    /// node's address when the job may write and may have reached it.
    fn drop_job(&mut self, key: super::slab::Key) -> Option<Addr> {
        let job = self.requests.jobs.remove(key)?;
        let Some(conn) = job.conn else {
            if job.dedicated {
                self.release_unopened_dedicated(key);
            }
            return None;
        };
        let c = self.conns.get_mut(conn)?;
        let withdrawal = c.withdraw(key);
        let addr = c.addr.clone();
        match withdrawal {
            Withdrawal::MaybeSent => {
                if job.dedicated {
                    self.abandon_dedicated(conn);
                }
                (!job.retry_safe).then_some(addr)
            }
            Withdrawal::Withdrawn | Withdrawal::NotQueued => {
                if job.dedicated {
                    self.release_dedicated(conn);
                }
                None
            }
        }
    }

    /// [`Event::Served`](super::Event::Served) for `job`, about to complete.
    fn report_served(&mut self, job: super::slab::Key) {
        let Some(j) = self.requests.jobs.get(job) else {
            return;
        };
        let node = j.conn.and_then(|c| self.conns.get(c)).and_then(|c| c.node);
        let slot = match j.target {
            super::job::Target::Slot(slot) => Some(slot),
            _ => None,
        };
        let event = super::Event::Served {
            request: RequestId(j.request),
            addr: node.map(|n| self.routing.nodes[n].addr.clone()),
            slot,
            redirects: j.redirects,
        };
        self.event(event);
    }

    /// A job finished: record its result (a leg of a fan-out waits for the others).
    pub(crate) fn complete_job(
        &mut self,
        job: super::slab::Key,
        result: Result<super::Value, Error>,
    ) {
        let Some(&Job {
            request,
            entry: entry_index,
            leg,
            ..
        }) = self.requests.jobs.get(job)
        else {
            return;
        };
        let traced = self
            .requests
            .all
            .get(request)
            .is_some_and(|r| r.report_served);
        if self.config.report_served || traced {
            self.report_served(job);
        }
        self.requests.jobs.discard(job);
        let Some(entry) = self.entry_mut(request, entry_index) else {
            return;
        };
        entry.jobs.retain(|k| *k != job);
        let combined = match &mut entry.collect {
            Collect::Single => Some(result),
            collect => {
                super::fanout::set_leg(collect, leg, Leg::Done(result));
                super::fanout::combined(collect)
            }
        };
        if let Some(result) = combined {
            self.settle_entry(request, entry_index, result);
        }
    }

    /// An entry has its result: record it, and reply if it was the request's last.
    pub(crate) fn settle_entry(
        &mut self,
        request: super::slab::Key,
        index: usize,
        result: Result<super::Value, Error>,
    ) {
        self.set_entry_result(request, index, result);
        self.finish_if_done(RequestId(request));
    }

    /// Whether `role` connections need `READONLY`.
    pub(crate) fn needs_readonly(role: Role) -> bool {
        role == Role::Replica
    }
}
