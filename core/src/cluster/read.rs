//! Replies: matching each frame to what it answers, and acting on it.

use bytes::Bytes;

use super::conn::{ConnState, Expect, Part};
use super::job::Target;
use super::membership::Destination;
use super::redirect::{classify, ErrorAction, Redirect};
use super::slab::Key;
use super::{Cluster, ConnId, Error, Event, RefreshTrigger};
use crate::resp::Frame;
use crate::time::Instant;
use crate::topology::Addr;

/// Frames above this size (bytes) leave no scratch memory behind on their connection.
const LARGE_FRAME: usize = 64 * 1024;

impl<T, S, P> Cluster<T, S, P> {
    /// [`Cluster::handle_read`]'s work.
    pub(super) fn read_received(&mut self, conn: ConnId, now: Instant) {
        let key = conn.0;
        let Some(c) = self.conns.get_mut(key) else {
            return;
        };
        let mut frames = core::mem::take(&mut c.frames);
        let mut large = false;
        loop {
            let Some(c) = self.conns.get_mut(key) else {
                return;
            };
            match c.decoder.decode_frames(&mut c.read, &mut frames) {
                Ok(0) => break,
                Ok(_) => {
                    for frame in frames.iter() {
                        large |= frame.wire().len() > LARGE_FRAME;
                        if !self.on_frame(key, &frame, now) {
                            return;
                        }
                    }
                }
                Err(error) => {
                    let addr = c.addr.clone();
                    self.drop_conn(key, Some(Error::Protocol { addr, error }), now);
                    return;
                }
            }
        }
        if let Some(c) = self.conns.get_mut(key) {
            c.frames = frames;
            // A large reply (a big cluster's topology) grows the read buffer and the
            // decoder's scratch to its size; keep that only while a frame is in progress.
            if large && c.read.is_empty() {
                *c.read = bytes::BytesMut::new();
                c.frames = crate::resp::Frames::new();
                c.decoder = crate::resp::Decoder::with_limits(*c.decoder.limits());
            }
        }
    }

    /// One reply on `conn`. Returns false when the connection is gone.
    fn on_frame(&mut self, conn: Key, frame: &Frame<'_>, now: Instant) -> bool {
        let Some(c) = self.conns.get_mut(conn) else {
            return false;
        };
        let pubsub_reply = c.pubsub && c.state == ConnState::Ready && !frame.is_error();
        if frame.is_push() || pubsub_reply {
            // Out-of-band messages: pub/sub and the cache's invalidations answer no request.
            self.on_pubsub_frame(conn, frame, now);
            return self.conns.get(conn).is_some();
        }
        c.quiet_since = now;
        if let Some(node) = c.node {
            self.routing.nodes[node].stalled = false;
        }
        let Some(c) = self.conns.get_mut(conn) else {
            return false;
        };
        let Some(entry) = c.inflight.pop_front() else {
            // A reply nobody asked for: the stream is out of step.
            let addr = c.addr.clone();
            let error = crate::resp::ProtocolError {
                offset: 0,
                kind: crate::resp::ProtocolErrorKind::InvalidLength,
            };
            self.drop_conn(conn, Some(Error::Protocol { addr, error }), now);
            return false;
        };
        match entry.expect {
            Expect::Hello
            | Expect::Auth
            | Expect::SetName
            | Expect::Select
            | Expect::ReadOnly
            | Expect::Tracking => self.on_handshake_reply(conn, entry.expect, frame, now),
            Expect::Asking | Expect::LateReadOnly => {}
            Expect::Reauth => self.on_reauth_reply(conn, frame.error_text()),
            Expect::ScriptLoad { job } => self.on_script_load_reply(conn, job, frame),
            Expect::Zone => self.on_zone_reply(conn, frame),
            Expect::Subscribe { kind, .. } => {
                if let Some(text) = frame.error_text() {
                    self.on_subscribe_error(conn, kind, text, now);
                }
            }
            Expect::Topology { seq, slots } => self.on_topology_reply(conn, seq, slots, frame, now),
            Expect::Job { job, part } => {
                self.on_job_reply(conn, job, part, frame, now);
                self.release_dedicated(conn);
            }
        }
        self.close_if_drained(conn);
        self.conns.get(conn).is_some()
    }

    /// A reply (or a part of a transaction's) for the job `key`, read on `conn`.
    fn on_job_reply(&mut self, conn: Key, key: Key, part: Part, frame: &Frame<'_>, now: Instant) {
        let Some(job) = self.requests.jobs.get_mut(key) else {
            return; // the request is gone (deadline): read and dropped
        };
        if job.conn != Some(conn) {
            return; // a stale reply for a job that has moved on
        }
        // A blocking command's wait says nothing about the node's latency.
        let (sent_at, timed) = (job.sent_at, !job.server_waits);
        if !job.dedicated {
            self.note_reply_time(conn, sent_at, now);
        }
        if matches!(part, Part::Single | Part::Exec) {
            self.count_reply(conn, sent_at, now, timed);
        }
        let Some(job) = self.requests.jobs.get_mut(key) else {
            return;
        };
        match part {
            Part::Multi => return,
            Part::Queued => {
                if let Some(text) = frame.error_text() {
                    if job.queued_error.is_none() {
                        job.queued_error = Some(Bytes::copy_from_slice(text));
                    }
                }
                return;
            }
            Part::Single | Part::Exec => {}
        }
        let Some(text) = Self::error_to_act_on(job, conn, part, frame) else {
            let value = frame.to_value();
            self.fill_cache(conn, key, &value, frame.wire().len(), now);
            self.cache_after_own_write(key);
            return self.complete_job(key, Ok(value));
        };
        self.on_job_error(conn, key, text, now);
    }

    /// The error a job's reply makes it act on, if any: the reply's own, or for an EXEC that
    /// aborted the first queued command's error, or for a NOSCRIPT right after a failed
    /// load the load's error.
    fn error_to_act_on(
        job: &mut super::job::Job,
        conn: Key,
        part: Part,
        frame: &Frame<'_>,
    ) -> Option<Bytes> {
        let load_error = job
            .script_load_error
            .take()
            .filter(|(on, _)| *on == conn)
            .map(|(_, text)| text);
        match (part, frame.error_text(), job.queued_error.take()) {
            (Part::Exec, Some(_), Some(queued)) => Some(queued),
            (_, Some(text), _) if text.starts_with(b"NOSCRIPT") && load_error.is_some() => {
                load_error
            }
            (_, Some(text), _) => Some(Bytes::copy_from_slice(text)),
            (_, None, _) => None,
        }
    }

    /// A job's reply was an error: retry, redirect, wait for a new view, or give it to the
    /// caller, as the error says.
    fn on_job_error(&mut self, conn: Key, key: Key, text: Bytes, now: Instant) {
        self.count_error(conn, &text);
        if text.starts_with(b"NOSCRIPT") && self.load_script_and_retry(conn, key, now) {
            return;
        }
        let pinned = self
            .requests
            .jobs
            .get(key)
            .is_some_and(|j| matches!(j.target, Target::Node(_)));
        let action = match classify(&text) {
            // The server closes the connection after this reply: never reuse it. Only a pop
            // on a connection of its own goes to the new primary (see `ErrorAction`).
            ErrorAction::Unblocked if self.requests.jobs.get(key).is_some_and(|j| j.dedicated) => {
                self.retire_conn(conn);
                ErrorAction::Demoted
            }
            ErrorAction::Unblocked => ErrorAction::Plain,
            action => action,
        };
        match action {
            // A command for one node (fan-out legs, `submit_to`) gets that node's answer.
            ErrorAction::Moved(_) | ErrorAction::Ask(_) | ErrorAction::Demoted if pinned => {
                self.complete_job(key, Err(Error::Server(text.into())))
            }
            ErrorAction::Moved(r) => self.on_moved(conn, key, r, now),
            ErrorAction::Ask(r) => self.on_ask(conn, key, r, now),
            ErrorAction::Retry(reason) => self.retry_job(conn, key, reason, now),
            ErrorAction::Demoted => {
                if !self.count_redirect(key) {
                    return;
                }
                // Our primary became a replica: wait for the new view, then route again.
                self.requests.unrouted.push(key);
                self.request_refresh(RefreshTrigger::ReadOnly, now);
            }
            ErrorAction::Auth => {
                let addr = self.conn_addr(conn);
                self.complete_job(
                    key,
                    Err(Error::Auth {
                        addr,
                        message: text,
                    }),
                );
            }
            // (`Unblocked` was settled above.)
            ErrorAction::Plain | ErrorAction::Unblocked => {
                self.complete_job(key, Err(Error::Server(text.into())))
            }
        }
    }

    /// The server asked for the job to be tried again later (LOADING, TRYAGAIN,
    /// CLUSTERDOWN, MASTERDOWN): set aside a replica that cannot serve, ask for a new view
    /// when the cluster is down, and send the job again after a backoff.
    fn retry_job(&mut self, conn: Key, key: Key, reason: super::RetryReason, now: Instant) {
        if matches!(
            reason,
            super::RetryReason::Loading | super::RetryReason::MasterDown
        ) {
            self.set_aside_replica(conn, now);
        }
        if matches!(
            reason,
            super::RetryReason::ClusterDown | super::RetryReason::MasterDown
        ) {
            self.request_refresh(RefreshTrigger::ClusterDown, now);
        }
        let delay = self.retry_later(key, now);
        let addr = self.conn_addr(conn);
        self.event(Event::Retrying {
            reason,
            addr,
            delay,
        });
    }

    /// `NOSCRIPT` for an `EVALSHA` whose body the job carries: load the script on the same
    /// connection and send the `EVALSHA` again behind it. Each node the call reaches may
    /// lack the script — a call loaded on one node can be redirected to another that lacks
    /// it too — so this happens once per connection; redirects bound the connections.
    /// Returns false when the job carries no body, or already loaded it on this connection
    /// (the script vanished again at once): the error goes to the caller.
    fn load_script_and_retry(&mut self, conn: Key, key: Key, now: Instant) -> bool {
        let Some(job) = self.requests.jobs.get_mut(key) else {
            return false;
        };
        if job.script_loaded_on == Some(conn) {
            return false;
        }
        let Some(body) = job.script.clone() else {
            return false;
        };
        job.script_loaded_on = Some(conn);
        let Some(c) = self.conns.get_mut(conn) else {
            return false;
        };
        let load = crate::Cmd::new("SCRIPT").arg("LOAD").arg(body);
        c.send(Expect::ScriptLoad { job: key }, |out| load.encode(out));
        self.write_job(conn, key, now);
        true
    }

    /// A failed `SCRIPT LOAD` shows as `NOSCRIPT` in the `EVALSHA` right behind it: keep
    /// the load's own error for that reply (a script that does not compile, a node still
    /// loading), and let a later attempt on this connection load again.
    fn on_script_load_reply(&mut self, conn: Key, job: Key, frame: &Frame<'_>) {
        let Some(text) = frame.error_text() else {
            return;
        };
        if let Some(j) = self.requests.jobs.get_mut(job) {
            j.script_load_error = Some((conn, Bytes::copy_from_slice(text)));
            j.script_loaded_on = None;
        }
    }

    pub(crate) fn conn_addr(&self, conn: Key) -> Addr {
        self.conns
            .get(conn)
            .map_or_else(|| Addr::new("", 0), |c| c.addr.clone())
    }

    /// MOVED: the slot lives at the target from now on; a rediscovery will say what else
    /// changed. Returns where the redirect leads: a node, or — when the target is not one
    /// the machine may connect to yet (see [`super::membership`]) — nowhere yet, and then
    /// nothing is learnt.
    pub(crate) fn learn_moved(&mut self, conn: Key, r: &Redirect<'_>, now: Instant) -> Destination {
        // Whether or not the target is known yet, what was read of the slot is suspect.
        self.cache_slot_moved(r.slot);
        let target = match self.redirect_destination(conn, r) {
            Destination::Node(target) => target,
            elsewhere => return elsewhere,
        };
        self.routing.slots[r.slot as usize] = target as u32;
        self.routing.slots_generation += 1;
        if !self.routing.primaries.contains(&target) {
            self.routing.primaries.push(target);
        }
        let (from, to) = (
            self.conn_addr(conn),
            self.routing.nodes[target].addr.clone(),
        );
        self.event(Event::Redirected {
            ask: false,
            slot: r.slot,
            from,
            to,
        });
        self.request_refresh(RefreshTrigger::Moved, now);
        Destination::Node(target)
    }

    fn on_moved(&mut self, conn: Key, key: Key, r: Redirect<'_>, now: Instant) {
        // A replica that redirects a read will not serve it (it follows another primary,
        // or missed READONLY): the read goes to the primary named, not to another replica.
        if let Some(job) = self.requests.jobs.get_mut(key) {
            job.replica_read = false;
        }
        let target = match self.learn_moved(conn, &r, now) {
            Destination::Node(target) => target,
            Destination::Rediscover { stranger } => {
                return self.redirect_through_view(conn, key, &r, false, stranger, now);
            }
        };
        // A MOVED back to a node this command already visited means the nodes disagree on
        // the slot (gossip has not converged after a migration or failover): bouncing at
        // once would burn the redirect limit in a few round trips, so wait a backoff first.
        let bounced = self
            .requests
            .jobs
            .get(key)
            .is_some_and(|j| j.trail.contains(&(target as u32)));
        if self.count_redirect(key) {
            if bounced {
                self.retry_later(key, now);
            } else {
                self.dispatch(key, now);
            }
        }
    }

    fn on_ask(&mut self, conn: Key, key: Key, r: Redirect<'_>, now: Instant) {
        // Keys of a migrating slot leave its node one by one: what was read of it is suspect,
        // whether or not the target is known yet.
        self.cache_slot_moved(r.slot);
        let target = match self.redirect_destination(conn, &r) {
            Destination::Node(target) => target,
            Destination::Rediscover { stranger } => {
                return self.redirect_through_view(conn, key, &r, true, stranger, now);
            }
        };
        // The simulator's planted bug (see core/Cargo.toml): ASK must never touch the map.
        #[cfg(feature = "plant-ask-updates-map")]
        {
            self.routing.slots[r.slot as usize] = target as u32;
            self.routing.slots_generation += 1;
        }
        let (from, to) = (
            self.conn_addr(conn),
            self.routing.nodes[target].addr.clone(),
        );
        self.event(Event::Redirected {
            ask: true,
            slot: r.slot,
            from,
            to,
        });
        if self.count_redirect(key) {
            if let Some(job) = self.requests.jobs.get_mut(key) {
                job.ask = Some(target);
            }
            self.dispatch(key, now);
        }
    }
}
