//! Sending jobs: choosing the node, opening its connection, writing the bytes.

use alloc::vec::Vec;

use super::backoff::backoff;
use super::blocking::with_timeout_left;
use super::conn::{Conn, ConnId, ConnState, Expect, Part};
use super::job::{Payload, Target};
use super::slab::Key;
use super::timers::Timer;
use super::{Cluster, Error, Output, ReadFrom, RefreshTrigger, NO_NODE};
use crate::command::lookup;
use crate::time::{Duration, Instant};
use crate::Cmd;

impl<T, S, P> Cluster<T, S, P> {
    /// Route a job and write it, or park it until it can be.
    pub(crate) fn dispatch(&mut self, key: Key, now: Instant) {
        let Some(job) = self.requests.jobs.get_mut(key) else {
            return;
        };
        job.delayed = false;
        // An ASK names the primary importing the slot: its replicas know nothing of it yet.
        let replica_read = job.replica_read && job.ask.is_none();
        let dedicated = job.dedicated;
        let node = match (job.ask, job.target) {
            (Some(node), _) => Some(node),
            (None, Target::Node(node)) => Some(node),
            (None, Target::Slot(slot)) => {
                let owner = self.routing.slots[slot as usize];
                (owner != NO_NODE).then_some(owner as usize)
            }
            (None, Target::AnyPrimary) => self.any_primary(),
        };
        let Some(mut node) = node else {
            return self.park_unrouted(key, now);
        };
        if replica_read && self.config.read_from != ReadFrom::Primary {
            node = self.read_node(node, now);
        }
        if let Some(until) = self.connect_backoff(node, dedicated, now) {
            return self.wait_for_backoff(key, until);
        }
        let conn = if dedicated {
            self.dedicated_conn(node, now)
        } else {
            self.conn_for(node, now)
        };
        let Some(c) = self.conns.get_mut(conn) else {
            return;
        };
        if c.state == ConnState::Ready {
            self.write_job(conn, key, now);
        } else {
            c.waiting.push(key);
        }
    }

    /// When the job would need a new connection to `node` while the node's connection
    /// backoff runs (its last attempts failed: refused, unreachable, timed out), the
    /// instant that backoff ends. Without this each queued job's retry opened a connection
    /// of its own to a node that refuses them: thousands a second to a crashed primary.
    fn connect_backoff(&self, node: usize, dedicated: bool, now: Instant) -> Option<Instant> {
        let n = &self.routing.nodes[node];
        let until = n.down_until.filter(|&t| t > now)?;
        let has_conn = if dedicated {
            n.idle_blocking.iter().any(|&c| self.conns.get(c).is_some())
        } else {
            n.conn.is_some_and(|c| self.conns.get(c).is_some())
        };
        (!has_conn).then_some(until)
    }

    /// Park the job until `until` (or until a new view re-routes it), without counting an
    /// attempt: it was never sent.
    fn wait_for_backoff(&mut self, key: Key, until: Instant) {
        if let Some(job) = self.requests.jobs.get_mut(key) {
            job.conn = None;
            job.delayed = true;
            self.timers.schedule(until, Timer::Retry(key));
        }
    }

    /// No node for the job yet: wait for a topology, unless a rediscovery that finished after
    /// the job arrived already confirmed that its slot has no owner.
    fn park_unrouted(&mut self, key: Key, now: Instant) {
        let completed = self.refresh.completed;
        let have_topology = self.routing.topology.is_some();
        let Some(job) = self.requests.jobs.get_mut(key) else {
            return;
        };
        if let (Target::Slot(slot), true) = (job.target, have_topology) {
            match job.uncovered_since {
                Some(seen) if completed > seen => {
                    return self.complete_job(key, Err(Error::UncoveredSlot(slot)));
                }
                Some(_) => {}
                None => job.uncovered_since = Some(completed),
            }
            self.requests.unrouted.push(key);
            return self.request_refresh(RefreshTrigger::UncoveredSlot, now);
        }
        self.requests.unrouted.push(key);
    }

    /// A primary chosen at random among those serving slots.
    fn any_primary(&mut self) -> Option<usize> {
        if self.routing.primaries.is_empty() {
            return None;
        }
        let i = self.rng.below(self.routing.primaries.len());
        Some(self.routing.primaries[i])
    }

    /// The node's connection, opening one if it has none.
    pub(crate) fn conn_for(&mut self, node: usize, now: Instant) -> Key {
        if let Some(conn) = self.routing.nodes[node].conn {
            if let Some(c) = self.conns.get_mut(conn) {
                // A primary demoted since its connection opened: reads need READONLY now.
                let demoted = Self::needs_readonly(self.routing.nodes[node].role);
                if demoted && !c.readonly && c.state == ConnState::Ready {
                    c.readonly = true;
                    c.send(Expect::LateReadOnly, |out| Cmd::new("READONLY").encode(out));
                    self.signal_transmit(conn);
                }
                return conn;
            }
        }
        let conn = self.open_node_conn(node, now);
        self.routing.nodes[node].conn = Some(conn);
        conn
    }

    /// Ask the driver for a new connection to `node`, with `READONLY` if it is a replica.
    pub(crate) fn open_node_conn(&mut self, node: usize, now: Instant) -> Key {
        let readonly = Self::needs_readonly(self.routing.nodes[node].role);
        let addr = self.routing.nodes[node].addr.clone();
        self.open_conn(addr, Some(node), readonly, now)
    }

    /// Ask the driver for a new connection.
    pub(crate) fn open_conn(
        &mut self,
        addr: crate::topology::Addr,
        node: Option<usize>,
        readonly: bool,
        now: Instant,
    ) -> Key {
        let conn = self
            .conns
            .insert(Conn::new(addr.clone(), node, readonly, self.config.limits));
        self.timers
            .schedule(now + self.config.connect_timeout, Timer::Connect(conn));
        self.emit(Output::Connect {
            conn: ConnId(conn),
            addr,
        });
        conn
    }

    /// Make sure a `Transmit` is pending for a connection that has output.
    pub(crate) fn signal_transmit(&mut self, conn: Key) {
        if let Some(c) = self.conns.get_mut(conn) {
            if !c.transmit_signalled && !c.pending_output().is_empty() {
                c.transmit_signalled = true;
                self.outputs
                    .push_back(Output::Transmit { conn: ConnId(conn) });
            }
        }
    }

    /// Write a job's bytes to a ready connection and record the replies to expect.
    pub(crate) fn write_job(&mut self, conn: Key, key: Key, now: Instant) {
        let Some(c) = self.conns.get_mut(conn) else {
            return;
        };
        let Some(job) = self.requests.jobs.get_mut(key) else {
            return;
        };
        if c.inflight.is_empty() {
            // Busy from now: the stall check counts silence from here.
            c.quiet_since = now;
        }
        if job.ask.take().is_some() {
            c.send(Expect::Asking, |out| Cmd::new("ASKING").encode(out));
        }
        // A blocking command sent late (again, or after waiting for its node) carries only
        // the wait it has left.
        if let (Some(until), Payload::Command(cmd)) = (job.wait_until, &mut job.payload) {
            let left = until.saturating_duration_since(now);
            if let Some(shorter) = lookup(cmd).and_then(|spec| with_timeout_left(cmd, spec, left)) {
                *cmd = shorter;
            }
        }
        match &job.payload {
            Payload::Command(cmd) => c.send(
                Expect::Job {
                    job: key,
                    part: Part::Single,
                },
                |out| cmd.encode(out),
            ),
            Payload::Transaction(cmds) => {
                job.queued_error = None;
                c.send(
                    Expect::Job {
                        job: key,
                        part: Part::Multi,
                    },
                    |out| Cmd::new("MULTI").encode(out),
                );
                for cmd in cmds {
                    c.send(
                        Expect::Job {
                            job: key,
                            part: Part::Queued,
                        },
                        |out| cmd.encode(out),
                    );
                }
                c.send(
                    Expect::Job {
                        job: key,
                        part: Part::Exec,
                    },
                    |out| Cmd::new("EXEC").encode(out),
                );
            }
        }
        job.conn = Some(conn);
        job.sent_at = now;
        job.trail.push(c.node.map_or(u32::MAX, |n| n as u32));
        self.signal_transmit(conn);
        self.arm_stall_check(now);
    }

    /// Count a redirect against the job's limit; fail it with the trail past that.
    /// Returns false when the job is gone.
    pub(crate) fn count_redirect(&mut self, key: Key) -> bool {
        let max = self.config.max_redirects;
        let Some(job) = self.requests.jobs.get_mut(key) else {
            return false;
        };
        job.conn = None;
        job.redirects += 1;
        if job.redirects > max {
            let trail = job
                .trail
                .iter()
                .filter_map(|&n| self.routing.nodes.get(n as usize))
                .map(|n| n.addr.clone())
                .collect();
            self.complete_job(key, Err(Error::TooManyRedirects { trail }));
            return false;
        }
        true
    }

    /// Send the job again after its backoff. Retries are bounded by the request's deadline,
    /// not by the redirect limit: a failover can take seconds of CLUSTERDOWN and refused
    /// connections, and a read should ride it out.
    pub(crate) fn retry_later(&mut self, key: Key, now: Instant) -> Duration {
        let Some(job) = self.requests.jobs.get_mut(key) else {
            return Duration::ZERO;
        };
        job.conn = None;
        job.delayed = true;
        let attempt = job.attempts;
        job.attempts += 1;
        let delay = backoff(
            self.config.retry_base,
            self.config.retry_max,
            attempt,
            &mut self.rng,
        );
        self.timers.schedule(now + delay, Timer::Retry(key));
        delay
    }

    /// Re-route every job that waits for a topology or a backoff (after the view changed).
    pub(crate) fn redispatch_waiting(&mut self, now: Instant) {
        let parked = core::mem::take(&mut self.requests.unrouted);
        let delayed: Vec<Key> = self
            .requests
            .jobs
            .iter()
            .filter(|(_, j)| j.delayed)
            .map(|(k, _)| k)
            .collect();
        for key in parked.into_iter().chain(delayed) {
            self.dispatch(key, now);
        }
    }
}
