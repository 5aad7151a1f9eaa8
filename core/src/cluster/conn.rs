//! One connection to one node: its buffers, its handshake state and its in-flight queue.
//!
//! Redis answers in order, so each connection keeps a FIFO of what every expected reply
//! means. Each entry also remembers where its bytes began in the connection's output, so
//! that when the connection dies the machine knows which commands could have reached the
//! server (their outcome is unknown) and which never left (safe to send elsewhere), and
//! where they end, so that a command whose caller gave up, or whose deadline passed, before
//! any of its bytes were written can be taken back out of the output ([`Conn::withdraw`]):
//! that is what lets `Timeout` mean "did not run".

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use bytes::BytesMut;

use super::redacted::Redacted;
use super::slab::Key;
use crate::resp::{Decoder, Frames, Limits, Protocol};
use crate::topology::Addr;

/// A connection handle given to the adapter in [`Output::Connect`](super::Output::Connect).
///
/// ```
/// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
/// # let now = Instant::from_micros(0);
/// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
/// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
/// let (conn, addr) = loop {
///     if let Output::Connect { conn, addr } = cluster.poll_output() { break (conn, addr); }
/// };
/// assert_eq!(addr, Addr::new("10.0.0.1", 7000));
/// // Every later input and output about that socket names it by `conn`.
/// cluster.handle_connected(conn, now);
/// assert_eq!(cluster.poll_output(), Output::Transmit { conn });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnId(pub(crate) Key);

impl ConnId {
    /// A number that identifies the connection, for logs.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// # use keyslot_core::time::Duration;
    /// cluster.handle_connect_failed(conn, "connection refused", now);
    /// cluster.handle_timeout(now + Duration::from_secs(1)); // bootstrap tries again
    /// let again = loop {
    ///     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// };
    /// assert_eq!(again.slot(), conn.slot()); // the index is reused...
    /// assert_ne!(again.as_u64(), conn.as_u64()); // ...the number is not
    /// assert_eq!(again.to_string(), format!("conn#{}", again.as_u64()));
    /// ```
    pub fn as_u64(self) -> u64 {
        (u64::from(self.0.generation()) << 32) | u64::from(self.0.index())
    }

    /// A small index, unique among open connections and reused once one closes: a driver
    /// can keep its sockets in a vector indexed by it.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// // A driver's sockets, in a vector indexed by slot (`&str` stands in for a socket).
    /// let mut sockets: Vec<Option<&str>> = Vec::new();
    /// if sockets.len() <= conn.slot() {
    ///     sockets.resize(conn.slot() + 1, None);
    /// }
    /// sockets[conn.slot()] = Some("socket to 10.0.0.1:7000");
    /// assert_eq!(conn.slot(), 0); // the machine's first connection
    /// ```
    pub fn slot(self) -> usize {
        self.0.index() as usize
    }
}

impl core::fmt::Display for ConnId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "conn#{}", self.as_u64())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ConnState {
    /// Waiting for the adapter to report the TCP (and TLS) connection.
    Connecting,
    /// Connected; handshake commands are in flight.
    Handshaking,
    /// Ready for commands.
    Ready,
}

/// What a reply in the FIFO is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Expect {
    Hello,
    Auth,
    SetName,
    /// `SELECT n` of [`Config::database`](super::Config).
    Select,
    ReadOnly,
    /// `CLIENT TRACKING ON`, for the client-side cache.
    Tracking,
    /// `INFO SERVER`, for the node's availability zone.
    Zone,
    /// `READONLY` on a ready connection to a node demoted to replica; its reply changes
    /// nothing (a refusal shows as MOVED on the reads after it).
    LateReadOnly,
    /// `AUTH` with rotated credentials on a live connection (see `credentials.rs`).
    Reauth,
    /// `SCRIPT LOAD` before a job's `EVALSHA` is sent again after `NOSCRIPT`.
    ScriptLoad {
        job: Key,
    },
    /// `(S|P)SUBSCRIBE`: answered by one confirmation (a push) per channel, or by an error.
    Subscribe {
        kind: super::pubsub::SubscriptionKind,
        remaining: u32,
    },
    /// The `+OK` of `ASKING`, sent before a redirected command.
    Asking,
    /// A reply for a job.
    Job {
        job: Key,
        part: Part,
    },
    /// A topology query of rediscovery `seq`.
    Topology {
        seq: u64,
        slots: bool,
    },
}

/// Which reply of a job a FIFO entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// The reply of a single command.
    Single,
    /// `MULTI`'s `+OK`.
    Multi,
    /// The `+QUEUED` (or error) of a command inside a transaction.
    Queued,
    /// `EXEC`'s reply.
    Exec,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct InFlight {
    /// Offset in the connection's output stream where this entry's bytes begin, and where
    /// they end (exclusive).
    pub(crate) start: u64,
    pub(crate) end: u64,
    pub(crate) expect: Expect,
}

/// What [`Conn::withdraw`] did with a job's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Withdrawal {
    /// The connection expects no reply for the job.
    NotQueued,
    /// None of its bytes had been written: they are gone from the output, with the replies
    /// the connection expected for them. The server never sees the command.
    Withdrawn,
    /// Some of its bytes may have reached the server: it may run.
    MaybeSent,
}

#[derive(Debug)]
pub(crate) struct Conn {
    pub(crate) addr: Addr,
    /// The node this connection serves; `None` for a seed used only for discovery.
    pub(crate) node: Option<usize>,
    pub(crate) state: ConnState,
    /// Send `READONLY` in the handshake (connections to replicas).
    pub(crate) readonly: bool,
    /// Ask `INFO SERVER` for the node's availability zone in the handshake.
    pub(crate) ask_zone: bool,
    /// Carries one blocking command at a time, never shared.
    pub(crate) dedicated: bool,
    /// A RESP2 connection in subscribed mode: every reply is a pub/sub frame.
    pub(crate) pubsub: bool,
    pub(crate) protocol: Protocol,
    /// The server tracks the keys read here and pushes their invalidations.
    pub(crate) tracking: bool,
    /// Bytes not yet acknowledged as written start at `out_start` (the handshake's
    /// credentials among them: `Debug` shows the length only).
    pub(crate) out: Redacted<Vec<u8>>,
    pub(crate) out_start: usize,
    /// Total bytes ever queued, and ever acknowledged as written.
    pub(crate) queued: u64,
    pub(crate) written: u64,
    /// A `Transmit` output is outstanding for the current output bytes.
    pub(crate) transmit_signalled: bool,
    pub(crate) inflight: VecDeque<InFlight>,
    /// Jobs routed here while the handshake runs.
    pub(crate) waiting: Vec<Key>,
    /// Handshake replies still expected.
    pub(crate) handshake_pending: usize,
    pub(crate) read: Redacted<BytesMut>,
    /// Since when the connection has waited without a reply: its last reply, or the moment
    /// it became busy, whichever is later (see `stall.rs`).
    pub(crate) quiet_since: crate::time::Instant,
    pub(crate) decoder: Decoder,
    pub(crate) frames: Frames,
}

impl Conn {
    /// True when a job's command is in flight here (handshake and topology entries aside).
    pub(crate) fn carries_jobs(&self) -> bool {
        self.inflight
            .iter()
            .any(|e| matches!(e.expect, Expect::Job { .. }))
    }

    pub(crate) fn new(addr: Addr, node: Option<usize>, readonly: bool, limits: Limits) -> Self {
        Conn {
            addr,
            node,
            state: ConnState::Connecting,
            readonly,
            ask_zone: false,
            dedicated: false,
            pubsub: false,
            protocol: Protocol::Resp2,
            tracking: false,
            out: Redacted(Vec::new()),
            out_start: 0,
            queued: 0,
            written: 0,
            transmit_signalled: false,
            inflight: VecDeque::new(),
            waiting: Vec::new(),
            handshake_pending: 0,
            read: Redacted(BytesMut::new()),
            quiet_since: crate::time::Instant::ZERO,
            decoder: Decoder::with_limits(limits),
            frames: Frames::new(),
        }
    }

    /// The bytes waiting to be written.
    pub(crate) fn pending_output(&self) -> &[u8] {
        &self.out[self.out_start..]
    }

    /// Queue bytes written by `write` and record what their reply means.
    pub(crate) fn send(&mut self, expect: Expect, write: impl FnOnce(&mut Vec<u8>)) {
        let before = self.out.len();
        let start = self.queued;
        write(&mut self.out);
        self.queued += (self.out.len() - before) as u64;
        self.inflight.push_back(InFlight {
            start,
            end: self.queued,
            expect,
        });
    }

    /// Queue bytes whose answer is not a reply in the FIFO (`UNSUBSCRIBE`: its confirmations
    /// are push frames).
    pub(crate) fn send_without_reply(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        let before = self.out.len();
        write(&mut self.out);
        self.queued += (self.out.len() - before) as u64;
    }

    /// Acknowledge `n` bytes as written. Returns true when nothing is left to write.
    pub(crate) fn written(&mut self, n: usize) -> bool {
        let n = n.min(self.out.len() - self.out_start);
        self.out_start += n;
        self.written += n as u64;
        if self.out_start == self.out.len() {
            self.out.clear();
            self.out_start = 0;
            self.transmit_signalled = false;
            true
        } else {
            // Keep the buffer from growing without bound under partial writes.
            if self.out_start > 64 * 1024 && self.out_start * 2 > self.out.len() {
                self.out.drain(..self.out_start);
                self.out_start = 0;
            }
            false
        }
    }

    /// True when bytes of the entry that starts at `start` may have reached the server.
    pub(crate) fn maybe_sent(&self, start: u64) -> bool {
        start < self.written
    }

    /// Take a job's bytes back out of the output, if none of them has been written yet:
    /// its replies (a transaction's `MULTI` to `EXEC`) and the `ASKING` written just before
    /// it leave the FIFO too, and what was queued after them moves up.
    pub(crate) fn withdraw(&mut self, job: Key) -> Withdrawal {
        let is_job = |e: &InFlight| matches!(e.expect, Expect::Job { job: j, .. } if j == job);
        let Some(first) = self.inflight.iter().position(is_job) else {
            return Withdrawal::NotQueued;
        };
        let last = first
            + self
                .inflight
                .iter()
                .skip(first + 1)
                .take_while(|e| is_job(e))
                .count();
        let mut from = first;
        if let Some(before) = first.checked_sub(1).map(|i| self.inflight[i]) {
            if before.expect == Expect::Asking && before.end == self.inflight[first].start {
                from = first - 1;
            }
        }
        if self.maybe_sent(self.inflight[from].start) {
            return Withdrawal::MaybeSent;
        }
        self.take_back(from, last);
        Withdrawal::Withdrawn
    }

    /// Take back every topology query none of whose bytes has been written (its round gave
    /// up on this connection): a node that wakes up later must not get a burst of them.
    pub(crate) fn withdraw_unwritten_queries(&mut self) {
        while let Some(i) = self
            .inflight
            .iter()
            .rposition(|e| matches!(e.expect, Expect::Topology { .. }) && !self.maybe_sent(e.start))
        {
            self.take_back(i, i);
        }
    }

    /// Remove FIFO entries `from..=last`, all unwritten, with their bytes; what was queued
    /// after them moves up.
    fn take_back(&mut self, from: usize, last: usize) {
        let start = self.inflight[from].start;
        let len = self.inflight[last].end - start;
        // Unwritten bytes begin at `out_start`, which is stream offset `written`.
        let at = self.out_start + (start - self.written) as usize;
        self.out.drain(at..at + len as usize);
        self.queued -= len;
        self.inflight.drain(from..=last);
        for later in self.inflight.iter_mut().skip(from) {
            later.start -= len;
            later.end -= len;
        }
        if self.out_start == self.out.len() {
            self.out.clear();
            self.out_start = 0;
            self.transmit_signalled = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracks_what_may_have_been_sent() {
        let mut c = Conn::new(Addr::new("h", 1), None, false, Limits::default());
        c.send(Expect::Hello, |out| out.extend_from_slice(b"abcd"));
        c.send(Expect::ReadOnly, |out| out.extend_from_slice(b"efgh"));
        assert_eq!(c.pending_output(), b"abcdefgh");
        assert!(!c.written(3));
        assert!(c.maybe_sent(c.inflight[0].start));
        assert!(!c.maybe_sent(c.inflight[1].start));
        assert_eq!(c.pending_output(), b"defgh");
        assert!(c.written(5));
        assert!(c.maybe_sent(c.inflight[1].start));
        assert!(c.pending_output().is_empty());
    }

    fn job(i: u32) -> Key {
        Key::from_parts(i, 0)
    }

    fn single(i: u32) -> Expect {
        Expect::Job {
            job: job(i),
            part: Part::Single,
        }
    }

    #[test]
    fn an_unwritten_job_is_withdrawn_and_later_bytes_move_up() {
        let mut c = Conn::new(Addr::new("h", 1), None, false, Limits::default());
        c.send(single(1), |out| out.extend_from_slice(b"one;"));
        c.send(Expect::Asking, |out| out.extend_from_slice(b"ask;"));
        c.send(single(2), |out| out.extend_from_slice(b"two;"));
        c.send(single(3), |out| out.extend_from_slice(b"three;"));
        assert!(!c.written(2));
        assert_eq!(c.withdraw(job(1)), Withdrawal::MaybeSent, "partly written");
        assert_eq!(c.withdraw(job(2)), Withdrawal::Withdrawn);
        assert_eq!(c.pending_output(), b"e;three;", "its ASKING went with it");
        assert_eq!(c.inflight.len(), 2);
        assert_eq!(c.inflight[1].expect, single(3));
        assert_eq!((c.inflight[1].start, c.inflight[1].end), (4, 10));
        assert_eq!(c.withdraw(job(2)), Withdrawal::NotQueued);
        assert!(!c.written(2));
        assert!(c.maybe_sent(c.inflight[0].start));
        assert!(
            !c.maybe_sent(c.inflight[1].start),
            "three's bytes are all unwritten"
        );
        assert_eq!(c.withdraw(job(3)), Withdrawal::Withdrawn);
        assert!(c.pending_output().is_empty());
        assert!(!c.transmit_signalled, "nothing left to signal");
        c.send(single(4), |out| out.extend_from_slice(b"four;"));
        assert_eq!(c.pending_output(), b"four;");
        assert_eq!(
            c.inflight[1].start, 4,
            "offsets continue from what was written"
        );
    }

    #[test]
    fn a_transaction_is_withdrawn_whole_or_not_at_all() {
        let mut c = Conn::new(Addr::new("h", 1), None, false, Limits::default());
        for part in [Part::Multi, Part::Queued, Part::Queued, Part::Exec] {
            c.send(Expect::Job { job: job(7), part }, |out| {
                out.extend_from_slice(b"x;")
            });
        }
        c.send(single(8), |out| out.extend_from_slice(b"y;"));
        assert_eq!(c.withdraw(job(7)), Withdrawal::Withdrawn);
        assert_eq!(c.pending_output(), b"y;");
        assert_eq!(c.inflight.len(), 1);
        assert_eq!(c.inflight[0].start, 0);
    }

    #[test]
    fn unwritten_topology_queries_are_taken_back_written_ones_stay() {
        let mut c = Conn::new(Addr::new("h", 1), None, false, Limits::default());
        let query = |seq| Expect::Topology { seq, slots: false };
        c.send(query(1), |out| out.extend_from_slice(b"q1;"));
        c.send(single(1), |out| out.extend_from_slice(b"one;"));
        c.send(query(2), |out| out.extend_from_slice(b"q2;"));
        c.send(query(3), |out| out.extend_from_slice(b"q3;"));
        c.send(single(2), |out| out.extend_from_slice(b"two;"));
        assert!(!c.written(2));
        c.withdraw_unwritten_queries();
        assert_eq!(c.pending_output(), b";one;two;", "q1 was begun: it stays");
        let kinds: Vec<Expect> = c.inflight.iter().map(|e| e.expect).collect();
        assert_eq!(kinds, [query(1), single(1), single(2)]);
        assert_eq!((c.inflight[2].start, c.inflight[2].end), (7, 11));
    }

    #[test]
    fn an_asking_already_written_stays() {
        let mut c = Conn::new(Addr::new("h", 1), None, false, Limits::default());
        c.send(Expect::Asking, |out| out.extend_from_slice(b"ask;"));
        c.send(single(1), |out| out.extend_from_slice(b"one;"));
        assert!(!c.written(4));
        assert_eq!(c.withdraw(job(1)), Withdrawal::MaybeSent, "its ASKING left");
    }
}
