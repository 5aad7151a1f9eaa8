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
///
/// ```
/// use keyslot_core::command::{key_positions, lookup, KeyPositions};
/// use keyslot_core::Cmd;
/// let mut positions = KeyPositions::new();
/// let cmd = Cmd::new("MSET").arg("a").arg("1").arg("b").arg("2");
/// key_positions(&cmd, lookup(&cmd), &mut positions).unwrap();
/// assert_eq!(positions.as_slice(), &[1, 3]);
/// let cmd = Cmd::new("GET").arg("c");
/// key_positions(&cmd, lookup(&cmd), &mut positions).unwrap(); // reused: cleared first
/// assert_eq!(positions.as_slice(), &[1]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct KeyPositions {
    inline: heapless::Vec<usize, { KeyPositions::INLINE }>,
    /// Used instead of `inline` once more than `INLINE` positions were pushed.
    spill: Vec<usize>,
    spilled: bool,
}

impl KeyPositions {
    /// How many positions fit without allocating.
    ///
    /// ```
    /// use keyslot_core::command::KeyPositions;
    /// let mut positions = KeyPositions::new();
    /// for i in 1..=KeyPositions::INLINE {
    ///     positions.push(i);
    /// }
    /// assert!(!positions.is_spilled());
    /// positions.push(KeyPositions::INLINE + 1);
    /// assert!(positions.is_spilled());
    /// ```
    pub const INLINE: usize = 8;

    /// An empty set of positions.
    ///
    /// ```
    /// use keyslot_core::command::KeyPositions;
    /// assert!(KeyPositions::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Forget all positions (a spilled heap buffer is kept for reuse).
    ///
    /// ```
    /// use keyslot_core::command::KeyPositions;
    /// let mut positions = KeyPositions::new();
    /// positions.push(1);
    /// positions.clear();
    /// assert!(positions.is_empty());
    /// ```
    pub fn clear(&mut self) {
        self.inline.clear();
        self.spill.clear();
        self.spilled = false;
    }

    /// Append a position.
    ///
    /// ```
    /// use keyslot_core::command::KeyPositions;
    /// let mut positions = KeyPositions::new();
    /// positions.push(1);
    /// positions.push(3);
    /// assert_eq!(positions.as_slice(), &[1, 3]);
    /// ```
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
    ///
    /// ```
    /// use keyslot_core::command::{key_positions, lookup, KeyPositions};
    /// use keyslot_core::Cmd;
    /// let cmd = Cmd::new("MGET").arg(["a", "b"]);
    /// let mut positions = KeyPositions::new();
    /// key_positions(&cmd, lookup(&cmd), &mut positions).unwrap();
    /// assert_eq!(positions.as_slice(), &[1, 2]);
    /// ```
    pub fn as_slice(&self) -> &[usize] {
        if self.spilled {
            &self.spill
        } else {
            &self.inline
        }
    }

    /// The number of positions.
    ///
    /// ```
    /// use keyslot_core::command::{key_positions, lookup, KeyPositions};
    /// use keyslot_core::Cmd;
    /// let cmd = Cmd::new("DEL").arg(["a", "b", "c"]);
    /// let mut positions = KeyPositions::new();
    /// key_positions(&cmd, lookup(&cmd), &mut positions).unwrap();
    /// assert_eq!(positions.len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// True when there are no keys.
    ///
    /// ```
    /// use keyslot_core::command::{key_positions, lookup, KeyPositions};
    /// use keyslot_core::Cmd;
    /// let cmd = Cmd::new("PING");
    /// let mut positions = KeyPositions::new();
    /// key_positions(&cmd, lookup(&cmd), &mut positions).unwrap();
    /// assert!(positions.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// Whether the positions have outgrown the inline storage (and so allocated).
    ///
    /// ```
    /// use keyslot_core::command::{key_positions, lookup, KeyPositions};
    /// use keyslot_core::Cmd;
    /// let keys: Vec<String> = (0..9).map(|i| format!("k{i}")).collect();
    /// let cmd = Cmd::new("MGET").arg(&keys);
    /// let mut positions = KeyPositions::new();
    /// key_positions(&cmd, lookup(&cmd), &mut positions).unwrap();
    /// assert_eq!(positions.len(), 9);
    /// assert!(positions.is_spilled());
    /// ```
    pub fn is_spilled(&self) -> bool {
        self.spilled
    }

    /// The keys of `cmd` at these positions (positions past its end are skipped).
    ///
    /// ```
    /// use keyslot_core::command::{key_positions, lookup, KeyPositions};
    /// use keyslot_core::Cmd;
    /// let cmd = Cmd::new("MSET").arg("a").arg("1").arg("b").arg("2");
    /// let mut positions = KeyPositions::new();
    /// key_positions(&cmd, lookup(&cmd), &mut positions).unwrap();
    /// let keys: Vec<&[u8]> = positions.keys(&cmd).collect();
    /// assert_eq!(keys, [&b"a"[..], b"b"]);
    /// ```
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
