//! A set of hash slots as a fixed bitmap: 16384 bits, 2 KiB, no allocation per slot.
//!
//! The planner keeps a few of these (slots a pass confirmed, slots left to re-cover) and
//! walks them in slot order, so a bitmap beats a tree: constant size, ordered iteration.
//! The bits live on the heap so that the planner's states stay small to move.

use alloc::boxed::Box;

use crate::SLOT_COUNT;

const WORDS: usize = SLOT_COUNT as usize / 64;

/// A set of slots below [`SLOT_COUNT`].
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct SlotSet(Box<[u64; WORDS]>);

impl SlotSet {
    pub(crate) fn new() -> Self {
        SlotSet(Box::new([0; WORDS]))
    }

    /// Every slot.
    pub(crate) fn full() -> Self {
        SlotSet(Box::new([u64::MAX; WORDS]))
    }

    /// Add `slot`; slots at or above [`SLOT_COUNT`] are ignored.
    pub(crate) fn insert(&mut self, slot: u16) {
        if let Some(w) = self.0.get_mut(usize::from(slot) / 64) {
            *w |= 1 << (slot % 64);
        }
    }

    pub(crate) fn remove(&mut self, slot: u16) {
        if let Some(w) = self.0.get_mut(usize::from(slot) / 64) {
            *w &= !(1 << (slot % 64));
        }
    }

    pub(crate) fn contains(&self, slot: u16) -> bool {
        self.0
            .get(usize::from(slot) / 64)
            .is_some_and(|w| w & (1 << (slot % 64)) != 0)
    }

    /// Add every slot of the inclusive range; the part above [`SLOT_COUNT`] is ignored.
    pub(crate) fn insert_range(&mut self, first: u16, last: u16) {
        for slot in first..=last.min(SLOT_COUNT - 1) {
            self.insert(slot);
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The smallest slot at or after `from`.
    pub(crate) fn next_from(&self, from: u16) -> Option<u16> {
        let mut i = usize::from(from) / 64;
        let mut word = *self.0.get(i)? & (u64::MAX << (from % 64));
        loop {
            if word != 0 {
                return u16::try_from(i * 64 + word.trailing_zeros() as usize).ok();
            }
            i += 1;
            word = *self.0.get(i)?;
        }
    }

    /// The slots in ascending order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        let mut next = Some(0u16);
        core::iter::from_fn(move || {
            let slot = self.next_from(next?)?;
            next = slot.checked_add(1);
            Some(slot)
        })
    }

    /// Keep only the slots also in `other`.
    pub(crate) fn intersect(&mut self, other: &SlotSet) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a &= b;
        }
    }

    /// Remove the slots in `other`.
    pub(crate) fn subtract(&mut self, other: &SlotSet) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a &= !b;
        }
    }

    /// Add the slots in `other`.
    pub(crate) fn union(&mut self, other: &SlotSet) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a |= b;
        }
    }
}

impl core::fmt::Debug for SlotSet {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "SlotSet({} slots)", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn insert_iterate_and_combine() {
        let mut s = SlotSet::new();
        assert_eq!(s.len(), 0);
        s.insert(0);
        s.insert(63);
        s.insert(64);
        s.insert(16383);
        s.insert(16384); // ignored
        assert_eq!(s.iter().collect::<Vec<_>>(), [0, 63, 64, 16383]);
        assert_eq!(s.next_from(1), Some(63));
        assert_eq!(s.next_from(16383), Some(16383));
        s.remove(63);
        assert!(!s.contains(63));
        let mut r = SlotSet::new();
        r.insert_range(60, 70);
        let mut both = s.clone();
        both.intersect(&r);
        assert_eq!(both.iter().collect::<Vec<_>>(), [64]);
        s.subtract(&r);
        assert_eq!(s.iter().collect::<Vec<_>>(), [0, 16383]);
        assert_eq!(SlotSet::full().len(), 16384);
    }
}
