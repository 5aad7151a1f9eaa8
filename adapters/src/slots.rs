//! What the driver keeps per request and per connection, found by id without hashing.
//!
//! The core's request and connection ids carry a slot: a small index, reused once the
//! request finishes or the connection closes. A vector indexed by slot is therefore dense and
//! cheap to look up on every reply. The full id is kept next to each value, so a stale id
//! (a connection closed and its slot reused) finds nothing instead of its successor.
//!
//! A slot can be reused before the driver has taken what it held: a request the core fails
//! at once (a cross-slot command) frees its slot while its reply still waits in the core's
//! outputs, and the next submission gets the same slot. Such a second value goes to a small
//! overflow list instead of replacing the first.

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
    /// Values whose slot was taken by another live id (see the module docs); rare.
    overflow: Vec<(K, V)>,
}

impl<K, V> Default for SlotMap<K, V> {
    fn default() -> Self {
        SlotMap {
            slots: Vec::new(),
            overflow: Vec::new(),
        }
    }
}

impl<K: Slotted, V> SlotMap<K, V> {
    /// Store `value` for `id` (replacing the value of the same id).
    pub(crate) fn insert(&mut self, id: K, value: V) {
        let slot = id.slot();
        if slot >= self.slots.len() {
            self.slots.resize_with(slot + 1, || None);
        }
        match &mut self.slots[slot] {
            Some((held, _)) if *held != id => {
                match self.overflow.iter_mut().find(|(other, _)| *other == id) {
                    Some(entry) => entry.1 = value,
                    None => self.overflow.push((id, value)),
                }
            }
            entry => *entry = Some((id, value)),
        }
    }

    pub(crate) fn get_mut(&mut self, id: K) -> Option<&mut V> {
        match self.slots.get_mut(id.slot())? {
            Some((held, value)) if *held == id => Some(value),
            _ => self
                .overflow
                .iter_mut()
                .find(|(other, _)| *other == id)
                .map(|(_, value)| value),
        }
    }

    /// Take the value of `id` out, if `id` is still stored.
    pub(crate) fn remove(&mut self, id: K) -> Option<V> {
        let entry = self.slots.get_mut(id.slot())?;
        if entry.as_ref().is_some_and(|(held, _)| *held == id) {
            let taken = entry.take().map(|(_, value)| value);
            // A value waiting for this slot moves in.
            if let Some(i) = self
                .overflow
                .iter()
                .position(|(k, _)| k.slot() == id.slot())
            {
                *entry = Some(self.overflow.swap_remove(i));
            }
            return taken;
        }
        let i = self.overflow.iter().position(|(other, _)| *other == id)?;
        Some(self.overflow.swap_remove(i).1)
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (K, &mut V)> {
        self.slots
            .iter_mut()
            .filter_map(|entry| entry.as_mut().map(|(id, value)| (*id, value)))
            .chain(self.overflow.iter_mut().map(|(id, value)| (*id, value)))
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.slots
            .iter()
            .filter_map(|entry| entry.as_ref().map(|(_, value)| value))
            .chain(self.overflow.iter().map(|(_, value)| value))
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

    /// The core fails a cross-slot command at once and frees its slot before the driver has
    /// taken the reply; the next submission gets the same slot while the first still waits.
    #[test]
    fn two_live_ids_in_one_slot_both_keep_their_values() {
        let now = Instant::ZERO;
        let seeds = vec![Addr::new("127.0.0.1", 7000)];
        let mut cluster = Cluster::new(Config::default(), seeds, now);
        let failed = cluster.submit(Cmd::new("MGET").arg("a").arg("b"), now);
        let next = cluster.submit(Cmd::new("GET").arg("k"), now);
        assert_eq!(failed.slot(), next.slot(), "the slot was reused at once");

        let mut map = SlotMap::default();
        map.insert(failed, "failed");
        map.insert(next, "next");
        assert_eq!(map.iter_mut().count(), 2);
        assert_eq!(map.values().count(), 2);
        assert_eq!(map.get_mut(next).copied(), Some("next"));
        assert_eq!(map.remove(failed), Some("failed"));
        assert_eq!(map.remove(failed), None);
        assert_eq!(
            map.get_mut(next).copied(),
            Some("next"),
            "moved into the slot"
        );
        assert_eq!(map.values().count(), 1);
        assert_eq!(map.remove(next), Some("next"));
        assert_eq!(map.values().count(), 0);

        // The other order of removal too.
        map.insert(failed, "failed");
        map.insert(next, "next");
        map.insert(next, "next again");
        assert_eq!(map.remove(next), Some("next again"));
        assert_eq!(map.remove(failed), Some("failed"));
        assert_eq!(map.values().count(), 0);
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
