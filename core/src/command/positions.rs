//! [`KeyPositions`]: the argument indices of a command's keys, without allocating for the
//! common case.
//!
//! Every routed command needs its key positions, and nearly every command has at most a
//! handful of keys, so up to [`KeyPositions::INLINE`] positions live inline; more (a large
//! MGET or DEL) spill to one heap vector, which a reused `KeyPositions` keeps.

use alloc::vec::Vec;

use crate::Cmd;

/// Argument indices of a command's keys, in the order the key specs yield them.
///
/// Reuse one across commands: [`key_positions`](super::key_positions) clears it first.
#[derive(Clone, Debug, Default)]
pub struct KeyPositions {
    inline: heapless::Vec<usize, { KeyPositions::INLINE }>,
    /// Used instead of `inline` once more than `INLINE` positions were pushed.
    spill: Vec<usize>,
    spilled: bool,
}

impl KeyPositions {
    /// How many positions fit without allocating.
    pub const INLINE: usize = 8;

    /// An empty set of positions.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forget all positions (a spilled heap buffer is kept for reuse).
    pub fn clear(&mut self) {
        self.inline.clear();
        self.spill.clear();
        self.spilled = false;
    }

    /// Append a position.
    pub fn push(&mut self, position: usize) {
        if self.spilled {
            self.spill.push(position);
        } else if let Err(position) = self.inline.push(position) {
            self.spill.extend_from_slice(&self.inline);
            self.spill.push(position);
            self.inline.clear();
            self.spilled = true;
        }
    }

    /// The positions, in order.
    pub fn as_slice(&self) -> &[usize] {
        if self.spilled {
            &self.spill
        } else {
            &self.inline
        }
    }

    /// The number of positions.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// True when there are no keys.
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// Whether the positions have outgrown the inline storage (and so allocated).
    pub fn is_spilled(&self) -> bool {
        self.spilled
    }

    /// The keys of `cmd` at these positions (positions past its end are skipped).
    pub fn keys<'a>(&'a self, cmd: &'a Cmd) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.as_slice().iter().filter_map(move |&i| cmd.get(i))
    }
}

impl core::ops::Deref for KeyPositions {
    type Target = [usize];

    fn deref(&self) -> &[usize] {
        self.as_slice()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_inline_up_to_the_limit_then_spills_in_order() {
        let mut positions = KeyPositions::new();
        for i in 1..=KeyPositions::INLINE {
            positions.push(i);
        }
        assert!(!positions.is_spilled());
        assert_eq!(positions.as_slice(), &[1, 2, 3, 4, 5, 6, 7, 8]);
        positions.push(9);
        positions.push(10);
        assert!(positions.is_spilled());
        assert_eq!(positions.as_slice(), &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(positions.len(), 10);

        positions.clear();
        assert!(positions.is_empty() && !positions.is_spilled());
        positions.push(3);
        assert_eq!(&*positions, &[3]);
    }

    #[test]
    fn keys_reads_the_arguments() {
        let cmd = Cmd::new("MSET").arg("a").arg("1").arg("b").arg("2");
        let mut positions = KeyPositions::new();
        positions.push(1);
        positions.push(3);
        positions.push(9);
        let keys: Vec<&[u8]> = positions.keys(&cmd).collect();
        assert_eq!(keys, [&b"a"[..], b"b"]);
    }
}
