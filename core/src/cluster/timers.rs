//! Deadlines: one ordered set of everything the machine waits for.
//!
//! Timers are never cancelled in place; whoever fires checks that the thing it refers to still
//! exists and still wants it (a request may have completed, a connection may be gone). That
//! keeps every cancellation O(1) and the earliest deadline one lookup away.
//!
//! Left alone, though, the set would hold one entry per request of the last request timeout
//! — 1.8 million entries (about 40 MiB) at 360,000 requests a second and the default 5 s,
//! nearly all for requests long answered. So once it holds more than twice what could
//! still fire (plus a floor), it drops, in one pass, the entries whose firing would do
//! nothing ([`Timers::compact`]): memory stays proportional to the work in flight, at an
//! amortised cost of a few entry checks per request.

use alloc::collections::BinaryHeap;
use core::cmp::Reverse;

use super::slab::Key;
use crate::time::Instant;

/// What a deadline is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Timer {
    /// A request's deadline.
    Request(u64),
    /// A connection that must be established (and through its handshake) by now.
    Connect(Key),
    /// A job waiting out its backoff.
    Retry(Key),
    /// The rediscovery in progress gives up on nodes that have not answered.
    RefreshQuery(u64),
    /// A rediscovery that was rate-limited, or the periodic check, is due.
    Refresh,
    /// Bootstrap tries the seeds again.
    Bootstrap,
    /// Subscriptions waiting out a backoff are placed again.
    PubSub,
    /// Look for connections that have stopped answering (see `stall.rs`).
    StallCheck,
    /// Ask the credentials source (see `credentials.rs`).
    Credentials,
}

/// Entries the set may always hold, dead or alive, before a compaction.
const COMPACT_FLOOR: usize = 1024;

#[derive(Debug, Default)]
pub(crate) struct Timers {
    heap: BinaryHeap<Reverse<(crate::time::Instant, Timer)>>,
    /// Entries left by the last compaction: the next waits until twice as many, so that
    /// timers which must stay (retries of a job kept waiting) cannot make every request pay
    /// for a pass.
    kept: usize,
}

impl Timers {
    pub(crate) fn schedule(&mut self, at: Instant, timer: Timer) {
        self.heap.push(Reverse((at, timer)));
    }

    /// Whether the set holds so many entries beyond `live` (what could still fire) that
    /// it is worth a [`Timers::compact`].
    pub(crate) fn wants_compaction(&self, live: usize) -> bool {
        self.heap.len() > (2 * live + COMPACT_FLOOR).max(2 * self.kept)
    }

    /// Keep only the entries `fires` says would still do something.
    pub(crate) fn compact(&mut self, mut fires: impl FnMut(Instant, Timer) -> bool) {
        self.heap.retain(|Reverse((at, t))| fires(*at, *t));
        self.kept = self.heap.len();
    }

    /// The earliest deadline, if any.
    pub(crate) fn next(&self) -> Option<Instant> {
        self.heap.peek().map(|Reverse((at, _))| *at)
    }

    /// The earliest entry, if any.
    pub(crate) fn peek(&self) -> Option<(Instant, Timer)> {
        self.heap.peek().map(|Reverse(entry)| *entry)
    }

    /// Drop the earliest entry.
    pub(crate) fn pop(&mut self) {
        self.heap.pop();
    }

    /// Take one timer that is due at `now`.
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<Timer> {
        match self.heap.peek() {
            Some(Reverse((at, _))) if *at <= now => self.heap.pop().map(|Reverse((_, t))| t),
            _ => None,
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.heap.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_in_order_and_only_when_due() {
        let mut t = Timers::default();
        t.schedule(Instant::from_micros(30), Timer::Refresh);
        t.schedule(Instant::from_micros(10), Timer::Request(1));
        t.schedule(Instant::from_micros(20), Timer::Bootstrap);
        assert_eq!(t.next(), Some(Instant::from_micros(10)));
        assert_eq!(t.pop_due(Instant::from_micros(5)), None);
        assert_eq!(t.pop_due(Instant::from_micros(25)), Some(Timer::Request(1)));
        assert_eq!(t.pop_due(Instant::from_micros(25)), Some(Timer::Bootstrap));
        assert_eq!(t.pop_due(Instant::from_micros(25)), None);
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn compaction_keeps_what_would_still_fire() {
        let mut t = Timers::default();
        for i in 0..3000u64 {
            t.schedule(Instant::from_micros(i), Timer::Request(i));
        }
        assert!(t.wants_compaction(10));
        assert!(!t.wants_compaction(1500));
        t.compact(|_, timer| matches!(timer, Timer::Request(i) if i % 1000 == 7));
        assert_eq!(t.len(), 3);
        // Timers that had to stay raise the bar for the next pass.
        let mut many = Timers::default();
        for i in 0..3000u64 {
            many.schedule(Instant::from_micros(i), Timer::Refresh);
        }
        many.compact(|_, _| true);
        assert!(!many.wants_compaction(0), "3000 kept: no pass until 6000");
        for i in 0..3001u64 {
            many.schedule(Instant::from_micros(i), Timer::Refresh);
        }
        assert!(many.wants_compaction(0));
        assert_eq!(
            t.pop_due(Instant::from_micros(5000)),
            Some(Timer::Request(7))
        );
        assert_eq!(
            t.pop_due(Instant::from_micros(5000)),
            Some(Timer::Request(1007))
        );
    }
}
