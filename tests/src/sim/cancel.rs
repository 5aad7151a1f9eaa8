//! Callers that give up: cancellations at random points, deadlines of a caller's own, and
//! the check that a command the core had to take back never runs.
//!
//! The core promises ([`keyslot_core::cluster::Cluster::cancel`],
//! [`keyslot_core::cluster::Cluster::set_deadline`]): a cancelled request gets no reply, and
//! the bytes of it not yet written are withdrawn, so they never reach a node; at a deadline
//! the same withdrawal happens and the caller gets `Timeout` only when nothing of the command
//! ran (a write that was written gets `OutcomeUnknown`); a blocking pop parked on its own
//! connection has that connection closed, so the node lets it go without popping.
//!
//! What the workload does, drawn from a stream of its own (so the other streams draw as
//! before), with the profile's `cancel_chance` and `own_deadline_chance`:
//!
//! - gives a request a deadline of its own, anywhere from 1 ms to its full one;
//! - cancels a request at one of four points: right after submitting it (before the client
//!   wrote anything), at the same instant once the client has written what the socket took
//!   (often part of it, with partial writes or a full window), within a couple of round
//!   trips (in flight, answered or not), or at any time before its deadline — for a blocking
//!   pop, while it is most likely parked.
//!
//! What is checked, besides everything [`super::check`] checks of every reply:
//!
//! - a cancelled request gets no reply (a reply to a request that is not pending fails the
//!   run), and the client stops counting it at once (the per-step count check);
//! - a write cancelled before any of its bytes was written never runs on any node, ever:
//!   its tokens join the model's `never_ran`, which every execution consults
//!   ([`super::model::Model::refuse`]). "Before any byte was written" is known for sure in
//!   two cases: the cancel came before the client wrote anything at all since the submit,
//!   or the command's own bytes (every write carries a unique token, every pop a unique
//!   marker) sit whole in a connection's unwritten output, found by searching each
//!   connection's [`Cluster::transmit`](keyslot_core::cluster::Cluster::transmit) after the
//!   last bytes it wrote ([`super::net::SimConn::tail`]). A command whose `ASKING`, or whose
//!   transaction's `MULTI`, already left is not withdrawable, and the search says so;
//! - a write that got `Timeout` never runs either ([`super::check`]);
//! - pops: see [`super::blocking_check`].

use keyslot_core::cluster::RequestId;
use keyslot_core::time::Instant;

use super::clock::us;
use super::workload::{Kind, Op};
use super::world::{Ev, World};

/// Mixed into the seed for the cancellation stream.
pub const CANCEL_SALT: u64 = 0x6361_6e63_656c_2121;

/// `ASKING` as the core writes it.
const ASKING: &[u8] = b"*1\r\n$6\r\nASKING\r\n";
/// `MULTI` as the core writes it.
const MULTI: &[u8] = b"*1\r\n$5\r\nMULTI\r\n";

/// What the cancellations did in one run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CancelStats {
    /// Requests cancelled while pending.
    pub cancelled: u64,
    /// Of those: before the client wrote anything after submitting them.
    pub before_write: u64,
    /// Found whole in a connection's unwritten output (the core had to withdraw them).
    pub unsent: u64,
    /// Found partly written (or after an `ASKING` or `MULTI` that left).
    pub partly_written: u64,
    /// Found wholly written.
    pub written: u64,
    /// Requests given a deadline of their own.
    pub own_deadlines: u64,
    /// Times a connection's window filled and the client's writes stalled.
    pub stalls: u64,
}

impl CancelStats {
    /// Add another run's numbers.
    pub fn add(&mut self, o: &CancelStats) {
        self.cancelled += o.cancelled;
        self.before_write += o.before_write;
        self.unsent += o.unsent;
        self.partly_written += o.partly_written;
        self.written += o.written;
        self.own_deadlines += o.own_deadlines;
        self.stalls += o.stalls;
    }

    /// One line.
    pub fn summary(&self) -> String {
        format!(
            "{} requests cancelled ({} before any write, {} found unwritten, {} partly written, \
             {} written), {} own deadlines, {} window stalls",
            self.cancelled,
            self.before_write,
            self.unsent,
            self.partly_written,
            self.written,
            self.own_deadlines,
            self.stalls
        )
    }
}

/// Where a command's bytes are at the instant of a cancel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Whereabouts {
    /// Whole in a connection's unwritten output, and nothing it depends on left before it.
    Unwritten,
    /// Some of it (or its `ASKING`) was written.
    PartlyWritten,
    /// All of it was written.
    Written,
    /// On no connection (not queued yet, or written too long ago to tell).
    Nowhere,
}

/// The first bytes of `op` as the client writes it, when they identify this one request:
/// a write carrying a token through its first value, a pop through its marker (its timeout
/// may be rewritten). `None` for commands any request could send.
fn unique_prefix(op: &Op) -> Option<Vec<u8>> {
    let mut frame = Vec::new();
    match op {
        Op::Set(..) | Op::Mset(_) | Op::Script(..) => op.cmd().encode(&mut frame),
        Op::Blpop { .. } => {
            op.cmd().encode(&mut frame);
            let timeout = op.args().last().map_or(0, |a| a.len());
            // `$<len>\r\n<timeout>\r\n`
            let bulk = 1 + timeout.to_string().len() + 2 + timeout + 2;
            frame.truncate(frame.len().saturating_sub(bulk));
        }
        _ => return None,
    }
    Some(frame)
}

/// The byte sequences of `kind` that each stand for one job of the core, with the
/// commands each covers: a transaction is one job from `MULTI` on.
fn jobs(kind: &Kind) -> Vec<(Vec<u8>, Vec<Op>)> {
    match kind {
        Kind::Single(op) => unique_prefix(op)
            .map(|p| (p, vec![op.clone()]))
            .into_iter()
            .collect(),
        Kind::Pipeline(ops) => ops
            .iter()
            .filter_map(|op| unique_prefix(op).map(|p| (p, vec![op.clone()])))
            .collect(),
        Kind::Tx(ops) => {
            let Some(last) = ops.iter().position(|op| unique_prefix(op).is_some()) else {
                return Vec::new();
            };
            let mut seq = MULTI.to_vec();
            for op in &ops[..last] {
                op.cmd().encode(&mut seq);
            }
            seq.extend(unique_prefix(&ops[last]).unwrap_or_default());
            vec![(seq, ops.clone())]
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

impl World {
    /// A new request `id` of `kind`, due at `deadline`: maybe give it a deadline of its own.
    /// Returns the deadline it now has, and whether it is its own.
    pub(super) fn maybe_own_deadline(
        &mut self,
        id: RequestId,
        deadline: Instant,
    ) -> Option<Instant> {
        if !self.rng_cancel.chance(self.profile.own_deadline_chance) {
            return None;
        }
        let full = deadline.saturating_duration_since(self.now).as_micros();
        let own = self.rng_cancel.range(1_000, full.saturating_sub(1));
        if own >= full {
            return None;
        }
        let at = self.now + us(own);
        self.client.set_deadline(id, at);
        self.stats.cancels.own_deadlines += 1;
        Some(at)
    }

    /// A request was just submitted (and nothing of it drained yet): maybe cancel it now, or
    /// plan its cancellation.
    pub(super) fn maybe_plan_cancel(&mut self, key: u64, kind: &Kind, deadline: Instant) {
        if !self.rng_cancel.chance(self.profile.cancel_chance) {
            return;
        }
        let (lo, hi) = self.profile.latency_us;
        let after = match self.rng_cancel.below(4) {
            0 => return self.cancel_request(key, true),
            1 => 0,
            2 => self.rng_cancel.range(1, 2 * hi + 1_000),
            _ => match kind {
                Kind::Single(Op::Blpop { timeout_ms, .. }) => {
                    self.rng_cancel.range(2 * lo, timeout_ms * 1_000)
                }
                _ => {
                    let left = deadline.saturating_duration_since(self.now).as_micros();
                    self.rng_cancel.range(1, left)
                }
            },
        };
        self.sched
            .after(self.now, us(after), Ev::Cancel { id: key });
    }

    /// The caller of request `key` gives up on it (if it is still pending): the client is
    /// told, and whatever the client must have withdrawn is marked as never to run.
    /// `before_write`: nothing was written since it was submitted.
    pub fn cancel_request(&mut self, key: u64, before_write: bool) {
        let Some(p) = self.work.pending.get(&key).cloned() else {
            return; // answered already
        };
        let count = self.client.pending_requests();
        let stats = &mut self.stats.cancels;
        let whereabouts: Vec<(Whereabouts, Vec<Op>)> = if before_write {
            stats.before_write += 1;
            Vec::new()
        } else {
            jobs(&p.kind)
                .into_iter()
                .map(|(seq, ops)| (self.locate(&seq), ops))
                .collect()
        };
        self.client.cancel(p.id, self.now);
        if self.client.pending_requests() == count {
            if before_write {
                // It ended inside the submit (its reply is queued, and will be checked).
                return;
            }
            self.violation(format!(
                "request {key} was pending, and cancelling it left the client's count at {count}"
            ));
            return;
        }
        self.work.pending.remove(&key);
        self.work.by_time.remove(&(p.at, key));
        self.work.by_deadline.remove(&(p.deadline, key));
        self.stats.cancels.cancelled += 1;
        self.trace.mix(b"cancel");
        self.trace_note(format!("cancel request {key}"));
        self.cache_abandoned(key, &p.kind, p.at);
        let all_ops: Vec<Op> = match &p.kind {
            Kind::Single(op) => vec![op.clone()],
            Kind::Pipeline(ops) | Kind::Tx(ops) => ops.clone(),
        };
        for op in &all_ops {
            self.note_pop_abandoned(op, true);
        }
        if before_write {
            for op in &all_ops {
                self.note_refused(op, "its caller cancelled it before any of it was written");
            }
        }
        for (place, ops) in whereabouts {
            let stats = &mut self.stats.cancels;
            match place {
                Whereabouts::Unwritten => stats.unsent += 1,
                Whereabouts::PartlyWritten => stats.partly_written += 1,
                Whereabouts::Written => stats.written += 1,
                Whereabouts::Nowhere => {}
            }
            if place == Whereabouts::Unwritten {
                for op in &ops {
                    self.note_refused(
                        op,
                        "its caller cancelled it while all its bytes were in the client's buffer",
                    );
                }
            }
        }
        self.drain();
    }

    /// Where the bytes `seq` are: searched in each connection's unwritten output, after the
    /// last bytes the client wrote on it.
    fn locate(&self, seq: &[u8]) -> Whereabouts {
        for c in self.net.conns.values() {
            let pending = self.client.transmit(c.id);
            let split = c.tail.len();
            let mut hay = Vec::with_capacity(split + pending.len());
            hay.extend_from_slice(&c.tail);
            hay.extend_from_slice(pending);
            let Some(at) = find(&hay, seq) else {
                continue;
            };
            if at + seq.len() <= split {
                return Whereabouts::Written;
            }
            if at < split {
                return Whereabouts::PartlyWritten;
            }
            // An ASKING just before goes with the command; one that left pins it.
            let asked = hay[..at].ends_with(ASKING);
            if asked && at - ASKING.len() < split {
                return Whereabouts::PartlyWritten;
            }
            return Whereabouts::Unwritten;
        }
        Whereabouts::Nowhere
    }

    /// The scheduled cancellation of request `key`.
    pub fn on_cancel(&mut self, key: u64) {
        self.cancel_request(key, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::net::State;
    use crate::sim::profile::Profile;
    use crate::sim::world::{Driver, Phase};
    use bytes::Bytes;
    use keyslot_core::key_slot;
    use keyslot_core::time::Duration;

    fn world() -> World {
        let mut w = World::new(5, Profile::calm(), Driver::Scripted);
        let t = w.now + Duration::from_millis(200);
        w.run_until(t); // bootstrap
        assert!(w.client.topology().is_some(), "the client bootstrapped");
        // A connection to the node of tag 0, ready for what the tests send.
        let k = w.work.string_key(0, 3);
        w.submit(Kind::Single(Op::Get(k)), true);
        let t = w.now + Duration::from_millis(100);
        w.run_until(t);
        assert!(w.work.pending.is_empty() && w.failure.is_none());
        w
    }

    fn set(w: &mut World, i: u64) -> (Op, u64) {
        let k = w.work.string_key(0, i);
        let v = w.work.value(&k);
        let token = crate::sim::model::token_of(&v).unwrap_or_default();
        (Op::Set(k, v), token)
    }

    fn ran(w: &World, token: u64) -> bool {
        w.model
            .tokens
            .get(&token)
            .is_some_and(|r| r.executed.is_some())
    }

    fn failure(w: &World) -> String {
        w.failure.clone().unwrap_or_default()
    }

    #[test]
    fn a_pop_is_found_by_its_marker_whatever_its_timeout() {
        let op = Op::Blpop {
            queue: Bytes::from_static(b"{t}q"),
            marker: Bytes::from_static(b"{t}m1"),
            timeout_ms: 1_250,
        };
        let prefix = unique_prefix(&op).unwrap_or_default();
        assert_eq!(
            prefix,
            b"*4\r\n$5\r\nBLPOP\r\n$4\r\n{t}q\r\n$5\r\n{t}m1\r\n"
        );
        let get = Op::Get(Bytes::from_static(b"k"));
        assert!(unique_prefix(&get).is_none());
    }

    #[test]
    fn a_transaction_is_one_job_from_multi_on() {
        let set = Op::Set(Bytes::from_static(b"k"), Bytes::from_static(b"k#1"));
        let incr = Op::Incr(Bytes::from_static(b"c"));
        let tx = jobs(&Kind::Tx(vec![incr.clone(), set.clone()]));
        assert_eq!(tx.len(), 1);
        let mut want = MULTI.to_vec();
        incr.cmd().encode(&mut want);
        set.cmd().encode(&mut want);
        assert_eq!(tx[0].0, want);
        assert_eq!(tx[0].1.len(), 2);
        assert!(jobs(&Kind::Tx(vec![incr])).is_empty());
    }

    /// Through a one-byte window the first command is partly written and the next two wait
    /// whole in the client's buffer: cancelling the first lets it run unanswered, cancelling
    /// the second withdraws it for good, and the third is answered as usual.
    #[test]
    fn a_cancel_withdraws_what_was_not_written_and_only_that() {
        let mut w = world();
        let ok = w.work.ok;
        w.profile.socket_window = 1;
        let (a, ta) = set(&mut w, 0);
        let (b, tb) = set(&mut w, 1);
        let (c, tc) = set(&mut w, 2);
        let ia = w.submit(Kind::Single(a), false).as_u64();
        let ib = w.submit(Kind::Single(b), false).as_u64();
        w.submit(Kind::Single(c), false);
        w.cancel_request(ia, false);
        w.cancel_request(ib, false);
        let st = w.stats.cancels.clone();
        assert_eq!((st.cancelled, st.partly_written, st.unsent), (2, 1, 1));
        assert!(w.model.never_ran.contains_key(&tb));
        assert!(!w.model.never_ran.contains_key(&ta));
        let t = w.now + Duration::from_secs(2);
        w.run_until(t);
        assert!(w.failure.is_none(), "{}", failure(&w));
        assert!(w.work.pending.is_empty(), "the third was answered");
        assert_eq!(w.work.ok, ok + 1, "and only the third");
        assert!(ran(&w, ta), "the partly written one ran");
        assert!(!ran(&w, tb), "the withdrawn one never did");
        assert!(ran(&w, tc));
        assert!(w.stats.cancels.stalls > 0);
    }

    #[test]
    fn a_write_that_runs_after_its_caller_got_timeout_is_caught() {
        let mut w = world();
        let (a, _) = set(&mut w, 0);
        let id = w.submit(Kind::Single(a), false);
        // The client says Timeout while the command is on its way to the node.
        w.on_reply(
            id.as_u64(),
            crate::sim::workload::Reply::Single(Err(keyslot_core::cluster::Error::Timeout)),
        );
        let t = w.now + Duration::from_secs(1);
        w.run_until(t);
        assert!(
            failure(&w).contains("yet its caller got Timeout"),
            "{}",
            failure(&w)
        );
    }

    #[test]
    fn a_write_that_ran_before_its_timeout_is_caught() {
        let mut w = world();
        let (a, ta) = set(&mut w, 0);
        let id = w.submit(Kind::Single(a.clone()), false);
        let t = w.now + Duration::from_millis(1);
        while !ran(&w, ta) && w.now < t {
            w.step();
        }
        assert!(ran(&w, ta));
        let p = w.work.pending.remove(&id.as_u64());
        assert!(p.is_some(), "not answered yet");
        let (at, deadline) = p.map(|p| (p.at, p.deadline)).unwrap_or_default();
        w.work.by_time.remove(&(at, id.as_u64()));
        w.work.by_deadline.remove(&(deadline, id.as_u64()));
        w.note_refused(&a, "its caller got Timeout");
        assert!(
            failure(&w).contains("yet its caller got Timeout"),
            "{}",
            failure(&w)
        );
    }

    /// A blocking run with no scenario actions of its own: the test pushes and pops.
    fn blocking_world() -> (World, Bytes, usize) {
        let mut w = world();
        w.enable_blocking();
        w.phase = Phase::Draining;
        let queue = Bytes::from(format!("{{{}}}queue", w.work.tags[0]));
        let shard = w.c.true_owner(key_slot(&queue)).unwrap_or_default();
        let node = w.c.shards[shard].primary;
        (w, queue, node)
    }

    fn pop(w: &mut World, queue: &Bytes, n: u64) -> u64 {
        let marker = Bytes::from(format!("{{{}}}m{n}", w.work.tags[0]));
        let op = Op::Blpop {
            queue: queue.clone(),
            marker,
            timeout_ms: 3_000,
        };
        let id = w.submit(Kind::Single(op), false).as_u64();
        let t = w.now + Duration::from_millis(50);
        w.run_until(t);
        let parked = w
            .net
            .sessions
            .values()
            .filter(|s| s.parked.is_some())
            .count();
        assert_eq!(parked, 1, "the pop parked");
        id
    }

    #[test]
    fn a_parked_pop_cancelled_lets_go_of_its_connection() {
        let (mut w, queue, node) = blocking_world();
        // Pushed while the close is on its way: the node serves the pop first.
        let id = pop(&mut w, &queue, 1);
        w.cancel_request(id, false);
        w.push_element(node, &queue, Bytes::from_static(b"e1"));
        let b = w.blocking_stats().unwrap_or_default();
        assert_eq!((b.cancelled, b.popped_during_close), (1, 1));
        // Pushed once the close arrived: the element stays.
        let id = pop(&mut w, &queue, 2);
        w.cancel_request(id, false);
        let t = w.now + Duration::from_millis(50);
        w.run_until(t);
        assert!(w.net.sessions.values().all(|s| s.parked.is_none()));
        w.push_element(node, &queue, Bytes::from_static(b"e2"));
        let left = w.c.nodes[node].store.value(&queue, w.now);
        assert_eq!(left.as_deref(), Some(&b"e2"[..]));
        assert!(w.failure.is_none(), "{}", failure(&w));
        assert!(w.work.pending.is_empty());
    }

    #[test]
    fn a_pop_served_on_a_connection_kept_open_after_its_cancel_is_caught() {
        let (mut w, queue, node) = blocking_world();
        let id = pop(&mut w, &queue, 1);
        let op = match w.work.pending.get(&id).map(|p| p.kind.clone()) {
            Some(Kind::Single(op)) => op,
            other => panic!("{other:?}"),
        };
        // What a client that forgot to close would leave: the caller gone, the conn open.
        w.note_pop_abandoned(&op, true);
        let conn = w
            .net
            .sessions
            .iter()
            .find(|(_, s)| s.parked.is_some())
            .map(|(&k, _)| k)
            .unwrap_or_default();
        assert_eq!(w.net.conns.get(&conn).map(|c| c.state), Some(State::Open));
        w.push_element(node, &queue, Bytes::from_static(b"e1"));
        assert!(
            failure(&w).contains("the client kept the connection open"),
            "{}",
            failure(&w)
        );
    }
}
