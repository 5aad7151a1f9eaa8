//! Nodes that stop answering while their connections stay open.
//!
//! A crashed node resets its connections and the machine hears of it at once. A frozen one
//! (SIGSTOP, a paused VM, a long stall in the kernel) keeps its sockets open and silent: the
//! commands sent to it wait, and a rediscovery that asks it waits too, until the cluster
//! gives up on the node and promotes a replica seconds later. Without a sign of its own the
//! client would learn of the promotion only from deadlines missed.
//!
//! So connections are watched: every quarter of the stall timeout (see
//! [`Config::stall_timeout`](super::Config)) a check looks at each node connection that has
//! replies outstanding; one that has read no reply for the stall timeout — counted from its
//! last reply, or from when it became busy if that is later — is *stalled*: found between
//! one and one and a quarter stall timeouts after it fell silent. Its node is marked stalled
//! and counts as down: rediscoveries leave it out and stop waiting for it, and run at the
//! degraded interval while it is a primary, so the promotion is seen within one interval of
//! any node reporting it. When a view arrives in which the stalled node is no slot's
//! primary, its connection is closed: reads waiting there are sent again where their slot
//! now lives, writes that may have reached it are `OutcomeUnknown`, and what never left goes
//! to the new primary. A stalled node that is not a primary is left at once the same way. A
//! reply from the node ends the stall.
//!
//! The waits of blocking commands are not silence: dedicated connections and a `WAIT` at the
//! head of a connection's queue are skipped. The check is armed when a job is written and
//! disarms itself when no connection has anything outstanding, so an idle client has no
//! timer to wake it.

use alloc::vec::Vec;

use super::conn::{ConnState, Expect};
use super::slab::Key;
use super::timers::Timer;
use super::{Cluster, Event, RefreshTrigger};
use crate::time::{Duration, Instant};

impl<T, S, P> Cluster<T, S, P> {
    /// The check's period: a quarter of the stall timeout.
    fn stall_check_period(&self) -> Duration {
        let timeout = self.config.effective_stall_timeout();
        Duration::from_micros((timeout.as_micros() / 4).max(1_000))
    }

    /// A job was written: make sure the check runs.
    pub(crate) fn arm_stall_check(&mut self, now: Instant) {
        if self.conns.stall_check_at.is_none() {
            let at = now + self.stall_check_period();
            self.conns.stall_check_at = Some(at);
            self.timers.schedule(at, Timer::StallCheck);
        }
    }

    /// `Timer::StallCheck` fired.
    pub(crate) fn stall_check(&mut self, now: Instant) {
        if self.conns.stall_check_at.is_none_or(|at| at > now) {
            return;
        }
        self.conns.stall_check_at = None;
        let timeout = self.config.effective_stall_timeout();
        let mut busy = false;
        let mut stalled: Vec<Key> = Vec::new();
        let jobs = &self.requests.jobs;
        for (key, c) in self.conns.iter_mut() {
            // Commands wait on it; topology queries alone have their own deadline.
            let watched = c.node.is_some()
                && !c.dedicated
                && !c.pubsub
                && c.state != ConnState::Connecting
                && c.carries_jobs();
            if !watched {
                continue;
            }
            busy = true;
            let waits = c.inflight.front().is_some_and(|e| match e.expect {
                Expect::Job { job, .. } => jobs.get(job).is_some_and(|j| j.server_waits),
                _ => false,
            });
            if waits {
                // The server waits on purpose; the clock starts again after its answer.
                c.quiet_since = now;
            } else if now.saturating_duration_since(c.quiet_since) >= timeout {
                stalled.push(key);
            }
        }
        if busy {
            self.arm_stall_check(now);
        }
        for conn in stalled {
            self.conn_stalled(conn, now);
        }
    }

    fn conn_stalled(&mut self, conn: Key, now: Instant) {
        let Some(node) = self.conns.get(conn).and_then(|c| c.node) else {
            return;
        };
        if !self.routing.nodes[node].stalled {
            self.routing.nodes[node].stalled = true;
            let addr = self.routing.nodes[node].addr.clone();
            self.event(Event::NodeStalled { addr });
        }
        if !self.routing.primaries.contains(&node) {
            // Nothing waits on its promotion: reads go elsewhere now.
            return self.drop_conn(conn, None, now);
        }
        self.query_failed(conn, "stalled: no reply".into(), now);
        self.request_refresh(RefreshTrigger::NodeStalled, now);
    }

    /// A primary of the current view is stalled.
    pub(crate) fn stalled_primary(&self) -> bool {
        self.routing
            .primaries
            .iter()
            .any(|&n| self.routing.nodes[n].stalled)
    }

    /// A new view applied: close the connections of stalled nodes it no longer makes a
    /// slot's primary.
    pub(crate) fn leave_stalled_nodes(&mut self, now: Instant) {
        let demoted: Vec<Key> = self
            .routing
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, n)| n.stalled && !self.routing.primaries.contains(i))
            .filter_map(|(_, n)| n.conn)
            .collect();
        for conn in demoted {
            self.drop_conn(conn, None, now);
        }
    }
}
