//! What the driver keeps per request and per connection, found by id without hashing.
//!
//! The core's request and connection ids carry a slot: a small index, reused once the
//! request finishes or the connection closes. A vector indexed by slot is therefore dense and
//! cheap to look up on every reply. The full id is kept next to each value, so a stale id
//! (a connection closed and its slot reused) finds nothing instead of its successor.
//!
//! The core does not reuse a slot while the driver may still hold its id: a request's slot
//! stays taken until its reply has been polled, a connection's until its `Close` has been.

use keyslot_core::cluster::{ConnId, RequestId};

/// An id with a dense slot.
pub(crate) trait Slotted: Copy + Eq {
    fn slot(self) -> usize;
}

impl Slotted for RequestId {
    fn slot(self) -> usize {
        RequestId::slot(self)
    }
}

impl Slotted for ConnId {
    fn slot(self) -> usize {
        ConnId::slot(self)
    }
}

/// A map from ids to values, stored by slot.
pub(crate) struct SlotMap<K, V> {
    slots: Vec<Option<(K, V)>>,
}

impl<K, V> Default for SlotMap<K, V> {
    fn default() -> Self {
        SlotMap { slots: Vec::new() }
    }
}

impl<K: Slotted, V> SlotMap<K, V> {
    /// Store `value` for `id`, replacing whatever its slot held.
    pub(crate) fn insert(&mut self, id: K, value: V) {
        let slot = id.slot();
        if slot >= self.slots.len() {
            self.slots.resize_with(slot + 1, || None);
        }
        self.slots[slot] = Some((id, value));
    }

    pub(crate) fn get_mut(&mut self, id: K) -> Option<&mut V> {
        match self.slots.get_mut(id.slot())? {
            Some((held, value)) if *held == id => Some(value),
            _ => None,
        }
    }

    /// Take the value of `id` out, if `id` is still the one stored.
    pub(crate) fn remove(&mut self, id: K) -> Option<V> {
        let entry = self.slots.get_mut(id.slot())?;
        if entry.as_ref().is_some_and(|(held, _)| *held == id) {
            entry.take().map(|(_, value)| value)
        } else {
            None
        }
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (K, &mut V)> {
        self.slots
            .iter_mut()
            .filter_map(|entry| entry.as_mut().map(|(id, value)| (*id, value)))
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.slots
            .iter()
            .filter_map(|entry| entry.as_ref().map(|(_, value)| value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyslot_core::cluster::{Config, Output};
    use keyslot_core::time::{Duration, Instant};
    use keyslot_core::topology::Addr;
    use keyslot_core::{Cluster, Cmd};

    /// Submit a GET and let it time out, so that its slot is free again.
    fn finished_request(cluster: &mut Cluster, now: &mut Instant) -> RequestId {
        let id = cluster.submit(Cmd::new("GET").arg("k"), *now);
        *now += Duration::from_secs(3600);
        cluster.handle_timeout(*now);
        loop {
            match cluster.poll_output() {
                Output::Reply { id: done, .. } if done == id => return id,
                Output::Timeout(_) => panic!("the request did not finish"),
                _ => {}
            }
        }
    }

    #[test]
    fn a_stale_id_finds_nothing_in_its_reused_slot() {
        let mut now = Instant::ZERO;
        let seeds = vec![Addr::new("127.0.0.1", 7000)];
        let mut cluster = Cluster::new(Config::default(), seeds, now);
        let old = finished_request(&mut cluster, &mut now);
        let new = cluster.submit(Cmd::new("GET").arg("k"), now);
        assert_eq!(old.slot(), new.slot(), "the slot is reused");
        assert_ne!(old, new);

        let mut map = SlotMap::default();
        map.insert(new, "new");
        assert_eq!(map.remove(old), None, "a stale id takes nothing");
        assert_eq!(map.get_mut(old), None);
        assert_eq!(map.iter_mut().count(), 1);
        assert_eq!(map.remove(new), Some("new"));
        assert_eq!(map.values().count(), 0);
        assert_eq!(map.remove(new), None, "taken once");
    }
}
