//! Connections failing and closing, and time passing.

use alloc::vec::Vec;

use super::backoff::backoff;
use super::conn::{ConnId, ConnState, Expect};
use super::slab::Key;
use super::timers::Timer;
use super::{Cluster, Error, Event, Output, RefreshTrigger, RequestId};
use crate::time::Instant;

impl<T, S, P> Cluster<T, S, P> {
    /// [`Cluster::handle_timeout`]'s work.
    pub(super) fn fire_timers(&mut self, now: Instant) {
        while let Some(timer) = self.timers.pop_due(now) {
            match timer {
                Timer::Request(id) => self.request_deadline(id, now),
                Timer::Connect(conn) => {
                    let stuck = self
                        .conns
                        .get(conn)
                        .is_some_and(|c| c.state != ConnState::Ready);
                    if stuck {
                        self.note_seed_failure(conn, "timed out connecting");
                        self.drop_conn(conn, None, now);
                    }
                }
                Timer::Retry(job) => {
                    if self.requests.jobs.get(job).is_some_and(|j| j.delayed) {
                        self.dispatch(job, now);
                    }
                }
                Timer::RefreshQuery(token) => self.refresh_query_deadline(token, now),
                Timer::Refresh => self.refresh_timer(now),
                Timer::Bootstrap => self.request_refresh(RefreshTrigger::Bootstrap, now),
                Timer::PubSub => self.pubsub_timer(now),
                Timer::StallCheck => self.stall_check(now),
                Timer::Credentials => self.credentials_timer(now),
            }
        }
    }

    /// Drop the timers whose firing would do nothing, when they pile up (see
    /// [`super::timers`]). Each check is the one its firing would make, kept only where the
    /// answer can never turn back: a finished request, an established or gone connection,
    /// a finished job.
    pub(crate) fn compact_timers_if_bloated(&mut self) {
        let live = self.requests.all.len() + self.requests.jobs.len() + self.conns.len();
        if !self.timers.wants_compaction(live) {
            return;
        }
        let mut timers = core::mem::take(&mut self.timers);
        timers.compact(|at, timer| self.timer_may_fire(at, timer));
        self.timers = timers;
    }

    /// Drop the earliest timers while their firing would do nothing, so that the next
    /// deadline reported is one that matters: a driver is not woken for a request long
    /// answered.
    pub(crate) fn skip_dead_timers(&mut self) {
        while let Some((at, timer)) = self.timers.peek() {
            if self.timer_may_fire(at, timer) {
                return;
            }
            self.timers.pop();
        }
    }

    /// Whether `timer`, due at `at`, would do anything when it fires: the check its firing
    /// makes, kept only where it is cheap and certain (the others count as live).
    fn timer_may_fire(&self, at: Instant, timer: Timer) -> bool {
        match timer {
            Timer::Request(id) => self
                .requests
                .all
                .get(request_key(id))
                .is_some_and(|r| r.deadline <= at),
            Timer::Connect(conn) => self
                .conns
                .get(conn)
                .is_some_and(|c| c.state != ConnState::Ready),
            // Not `delayed` alone: a job dispatched early may be delayed again later, and
            // its earlier timer would then fire first.
            Timer::Retry(job) => self.requests.jobs.get(job).is_some(),
            Timer::RefreshQuery(_)
            | Timer::Refresh
            | Timer::Bootstrap
            | Timer::PubSub
            | Timer::StallCheck
            | Timer::Credentials => true,
        }
    }

    fn request_deadline(&mut self, id: u64, now: Instant) {
        let key = request_key(id);
        let Some(req) = self.requests.all.get(key) else {
            return;
        };
        if req.deadline > now {
            return;
        }
        let error = self.unreachable_error().unwrap_or(Error::Timeout);
        self.requests.timed_out += 1;
        self.finish_request(RequestId(key), Some(error));
        self.request_refresh(RefreshTrigger::DeadlineMissed, now);
    }

    /// The machine gives up on a connection: tell the driver to close it.
    pub(crate) fn drop_conn(&mut self, conn: Key, error: Option<Error>, now: Instant) {
        self.lose_conn(conn, error, true, now);
    }

    /// Forget a connection. Jobs that never reached it go elsewhere; jobs that may have
    /// reached it are retried only if read-only. `error` (auth, protocol) fails them all.
    pub(crate) fn lose_conn(&mut self, conn: Key, error: Option<Error>, close: bool, now: Instant) {
        let Some(c) = self.conns.remove(conn) else {
            return;
        };
        // The simulator's planted cache bug (see core/Cargo.toml): what was read on a lost
        // connection stays cached, though the invalidations it would have carried are lost.
        if c.tracking && !cfg!(feature = "plant-cache-survives-lost-conn") {
            self.cache_lost_conn(conn);
        }
        if close {
            self.emit(Output::Close { conn: ConnId(conn) });
        }
        let was_ready = c.state == ConnState::Ready;
        if let Some(node) = c.node {
            self.routing.nodes[node].forget_conn(conn);
            let n = &mut self.routing.nodes[node];
            if !was_ready {
                n.failures += 1;
                let delay = backoff(
                    self.config.retry_base,
                    self.config.retry_max,
                    n.failures,
                    &mut self.rng,
                );
                self.routing.nodes[node].down_until = Some(now + delay);
            }
        }
        if was_ready {
            self.event(Event::NodeLost {
                addr: c.addr.clone(),
            });
        }
        // Each job once, and whether any of its bytes may have reached the server.
        let mut affected: Vec<(Key, bool)> = Vec::new();
        for entry in &c.inflight {
            if let Expect::Job { job, .. } = entry.expect {
                let sent = c.maybe_sent(entry.start);
                match affected.iter_mut().find(|(k, _)| *k == job) {
                    Some(seen) => seen.1 |= sent,
                    None => affected.push((job, sent)),
                }
            }
        }
        affected.extend(c.waiting.iter().map(|&job| (job, false)));
        for (job, maybe_sent) in affected {
            let Some(j) = self.requests.jobs.get_mut(job) else {
                continue;
            };
            if j.conn.is_some() && j.conn != Some(conn) {
                continue; // already moved on
            }
            j.conn = None;
            let retry_safe = j.retry_safe;
            match &error {
                Some(e) => self.complete_job(job, Err(e.clone())),
                None if maybe_sent && !retry_safe => {
                    self.complete_job(
                        job,
                        Err(Error::OutcomeUnknown {
                            addr: c.addr.clone(),
                        }),
                    );
                }
                None => {
                    self.retry_later(job, now);
                }
            }
        }
        self.conn_lost_for_refresh(conn, error.as_ref(), now);
        // A node's connection failing may mean the cluster changed; a seed's does not.
        self.subscriptions_on_lost_conn(conn, &c.addr, now);
        // An idle blocking-command connection closed by the server's idle timeout says
        // nothing either.
        let idle_dedicated = c.dedicated && c.inflight.is_empty() && was_ready;
        if c.node.is_some() && !idle_dedicated {
            self.request_refresh(RefreshTrigger::ConnectionLost, now);
        }
        self.reconcile_subscriptions(now);
    }

    /// When nothing can reach the cluster, requests fail with the seeds' errors rather than
    /// a bare timeout.
    fn unreachable_error(&self) -> Option<Error> {
        if self.routing.topology.is_some() || self.refresh.last_seed_failures.is_empty() {
            return None;
        }
        Some(Error::NoReachableSeed {
            attempts: self.refresh.last_seed_failures.clone(),
        })
    }
}

/// The slab key behind a request timer's id.
fn request_key(id: u64) -> super::slab::Key {
    super::slab::Key::from_parts(id as u32, (id >> 32) as u32)
}
