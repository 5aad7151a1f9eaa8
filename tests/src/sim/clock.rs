//! Virtual time: a queue of future events, popped in time order.
//!
//! Nothing in the simulator sleeps. The run loop takes whichever comes first — the next
//! queued event or the client's next deadline — and sets the clock to it, so idle stretches
//! cost nothing and a minute of cluster life runs in milliseconds. Events due at the same
//! instant keep the order they were scheduled in (a sequence number breaks ties), which keeps
//! bytes of one connection in order and the whole run deterministic.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use keyslot_core::time::{Duration, Instant};

struct Entry<E> {
    at: Instant,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    /// Reversed, so that the max-heap pops the earliest entry.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// Future events of type `E`, earliest first, ties in scheduling order.
pub struct Scheduler<E> {
    heap: BinaryHeap<Entry<E>>,
    seq: u64,
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Scheduler {
            heap: BinaryHeap::new(),
            seq: 0,
        }
    }
}

impl<E> Scheduler<E> {
    /// Queue `event` for `at`.
    pub fn at(&mut self, at: Instant, event: E) {
        self.seq += 1;
        self.heap.push(Entry {
            at,
            seq: self.seq,
            event,
        });
    }

    /// Queue `event` for `now + after`.
    pub fn after(&mut self, now: Instant, after: Duration, event: E) {
        self.at(now + after, event);
    }

    /// When the next event is due.
    pub fn next_at(&self) -> Option<Instant> {
        self.heap.peek().map(|e| e.at)
    }

    /// Take the next event.
    pub fn pop(&mut self) -> Option<(Instant, E)> {
        self.heap.pop().map(|e| (e.at, e.event))
    }

    /// Events queued.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// No events queued.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

/// Microseconds as a [`Duration`].
pub fn us(micros: u64) -> Duration {
    Duration::from_micros(micros)
}

/// Milliseconds as a [`Duration`].
pub fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_and_ties_in_order() {
        let mut s = Scheduler::default();
        let t = Instant::from_micros(100);
        s.at(t, "b1");
        s.at(Instant::from_micros(50), "a");
        s.at(t, "b2");
        assert_eq!(s.next_at(), Some(Instant::from_micros(50)));
        assert_eq!(s.pop().map(|e| e.1), Some("a"));
        assert_eq!(s.pop().map(|e| e.1), Some("b1"));
        assert_eq!(s.pop().map(|e| e.1), Some("b2"));
        assert!(s.pop().is_none());
    }
}
