//! A generational slab: stable handles for connections and jobs.
//!
//! A connection's in-flight queue refers to jobs by handle. When a request times out its jobs
//! are removed, but replies for them may still arrive; the generation in the handle makes the
//! lookup fail instead of finding whatever reused the slot, so the late reply is consumed and
//! dropped without disturbing anyone else.

use alloc::vec::Vec;

/// A handle into a [`Slab`]: slot index and generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Key {
    index: u32,
    generation: u32,
}

impl Key {
    pub(crate) fn index(self) -> u32 {
        self.index
    }
    pub(crate) fn generation(self) -> u32 {
        self.generation
    }
    pub(crate) fn from_parts(index: u32, generation: u32) -> Key {
        Key { index, generation }
    }
}

#[derive(Debug)]
struct Entry<T> {
    generation: u32,
    value: Option<T>,
}

#[derive(Debug)]
pub(crate) struct Slab<T> {
    entries: Vec<Entry<T>>,
    free: Vec<u32>,
    len: usize,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab {
            entries: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Slab<T> {
    pub(crate) fn insert(&mut self, value: T) -> Key {
        self.len += 1;
        if let Some(index) = self.free.pop() {
            let entry = &mut self.entries[index as usize];
            entry.generation = entry.generation.wrapping_add(1);
            entry.value = Some(value);
            return Key {
                index,
                generation: entry.generation,
            };
        }
        let index = self.entries.len() as u32;
        self.entries.push(Entry {
            generation: 0,
            value: Some(value),
        });
        Key {
            index,
            generation: 0,
        }
    }

    pub(crate) fn get(&self, key: Key) -> Option<&T> {
        let entry = self.entries.get(key.index as usize)?;
        if entry.generation != key.generation {
            return None;
        }
        entry.value.as_ref()
    }

    pub(crate) fn get_mut(&mut self, key: Key) -> Option<&mut T> {
        let entry = self.entries.get_mut(key.index as usize)?;
        if entry.generation != key.generation {
            return None;
        }
        entry.value.as_mut()
    }

    pub(crate) fn remove(&mut self, key: Key) -> Option<T> {
        let entry = self.entries.get_mut(key.index as usize)?;
        if entry.generation != key.generation {
            return None;
        }
        let value = entry.value.take()?;
        self.free.push(key.index);
        self.len -= 1;
        Some(value)
    }

    /// Remove the value of `key` and drop it where it lies (large values are not copied
    /// out). Returns whether it was there.
    pub(crate) fn discard(&mut self, key: Key) -> bool {
        let Some(entry) = self.entries.get_mut(key.index as usize) else {
            return false;
        };
        if entry.generation != key.generation || entry.value.is_none() {
            return false;
        }
        entry.value = None;
        self.free.push(key.index);
        self.len -= 1;
        true
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (Key, &mut T)> {
        self.entries.iter_mut().enumerate().filter_map(|(i, e)| {
            let generation = e.generation;
            e.value.as_mut().map(|v| {
                (
                    Key {
                        index: i as u32,
                        generation,
                    },
                    v,
                )
            })
        })
    }

    /// The keys of the values `wanted` picks.
    pub(crate) fn keys_where(&self, mut wanted: impl FnMut(&T) -> bool) -> Vec<Key> {
        self.iter()
            .filter(|(_, v)| wanted(v))
            .map(|(key, _)| key)
            .collect()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (Key, &T)> {
        self.entries.iter().enumerate().filter_map(|(i, e)| {
            e.value.as_ref().map(|v| {
                (
                    Key {
                        index: i as u32,
                        generation: e.generation,
                    },
                    v,
                )
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_handles_miss() {
        let mut s = Slab::default();
        let a = s.insert("a");
        assert_eq!(s.remove(a), Some("a"));
        let b = s.insert("b");
        assert_eq!(a.index(), b.index(), "the slot is reused");
        assert_eq!(s.get(a), None, "the old handle no longer finds it");
        assert_eq!(s.get(b), Some(&"b"));
        assert_eq!(s.remove(a), None);
        assert_eq!(s.len(), 1);
        assert_eq!(s.iter().map(|(k, _)| k).collect::<Vec<_>>(), alloc::vec![b]);
    }

    #[test]
    fn discard_frees_the_slot_once() {
        let mut s = Slab::default();
        let a = s.insert(alloc::string::String::from("a"));
        assert!(s.discard(a));
        assert!(!s.discard(a), "already gone");
        assert_eq!(s.len(), 0);
        let b = s.insert(alloc::string::String::from("b"));
        assert_eq!(a.index(), b.index(), "the slot is reused");
        assert!(!s.discard(a), "a stale handle discards nothing");
        assert_eq!(s.get(b).map(|v| v.as_str()), Some("b"));
    }
}
