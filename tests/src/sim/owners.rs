//! The simulated cluster's slot table: slot to shard, with its runs kept up to date.
//!
//! Every view change copied the 16384-entry table and walked it again to find its runs, and
//! migrations change views by the batch: that walk was most of what an input of the
//! `cluster_machine` fuzz target cost under coverage instrumentation. Here the table is
//! shared between views until one changes it (copy on write), and a change of one slot edits
//! the runs around it instead of recomputing them.

use std::ops::Index;
use std::rc::Rc;

/// Slot to shard (or [`NO_SHARD`](super::cluster::NO_SHARD)), and its maximal runs.
#[derive(Clone, Debug)]
pub struct Owners {
    table: Rc<Vec<u16>>,
    /// `(first, last, shard)`, in slot order, covering every slot once; neighbours differ.
    runs: Vec<(u16, u16, u16)>,
}

impl Owners {
    /// From a full table.
    pub fn new(table: Vec<u16>) -> Owners {
        let runs = runs_of(&table);
        Owners {
            table: Rc::new(table),
            runs,
        }
    }

    /// The shard of `slot` (or [`NO_SHARD`](super::cluster::NO_SHARD)); `None` past the table.
    pub fn get(&self, slot: usize) -> Option<u16> {
        self.table.get(slot).copied()
    }

    /// The maximal runs `(first, last, shard)` in slot order.
    pub fn runs(&self) -> &[(u16, u16, u16)] {
        &self.runs
    }

    /// Give `slot` to `shard`.
    pub fn set(&mut self, slot: u16, shard: u16) {
        let Some(&was) = self.table.get(usize::from(slot)) else {
            return;
        };
        if was == shard {
            return;
        }
        Rc::make_mut(&mut self.table)[usize::from(slot)] = shard;
        let i = self.runs.partition_point(|r| r.1 < slot);
        let (first, last, _) = self.runs[i];
        let mut pieces = Vec::with_capacity(3);
        if first < slot {
            pieces.push((first, slot - 1, was));
        }
        let at = i + pieces.len();
        pieces.push((slot, slot, shard));
        if slot < last {
            pieces.push((slot + 1, last, was));
        }
        self.runs.splice(i..=i, pieces);
        // Join the new run with equal neighbours: the next one first, so `at` stays valid.
        if let Some(&(_, next_last, next)) = self.runs.get(at + 1) {
            if next == shard {
                self.runs[at].1 = next_last;
                self.runs.remove(at + 1);
            }
        }
        if at > 0 && self.runs[at - 1].2 == shard {
            self.runs[at - 1].1 = self.runs[at].1;
            self.runs.remove(at);
        }
    }
}

impl Index<usize> for Owners {
    type Output = u16;

    fn index(&self, slot: usize) -> &u16 {
        &self.table[slot]
    }
}

impl PartialEq for Owners {
    fn eq(&self, other: &Owners) -> bool {
        Rc::ptr_eq(&self.table, &other.table) || self.table == other.table
    }
}

/// The maximal runs of a table.
fn runs_of(table: &[u16]) -> Vec<(u16, u16, u16)> {
    let mut runs: Vec<(u16, u16, u16)> = Vec::new();
    for (slot, &shard) in table.iter().enumerate() {
        let slot = slot as u16;
        match runs.last_mut() {
            Some(run) if run.2 == shard => run.1 = slot,
            _ => runs.push((slot, slot, shard)),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::cluster::NO_SHARD;
    use crate::sim::rng::Rng;

    #[test]
    fn runs_stay_those_of_the_table_through_random_changes() {
        let mut rng = Rng::new(7);
        let mut table = vec![NO_SHARD; 16384];
        for (i, slot) in table.iter_mut().enumerate() {
            *slot = (i / 5000) as u16;
        }
        let mut owners = Owners::new(table);
        for step in 0..20_000 {
            // Mostly near the ends and around a few hot slots, so runs split and join.
            let slot = match rng.index(4) {
                0 => rng.index(8),
                1 => 16383 - rng.index(8),
                _ => 4990 + rng.index(30),
            } as u16;
            let shard = match rng.index(5) {
                4 => NO_SHARD,
                s => s as u16,
            };
            owners.set(slot, shard);
            assert_eq!(owners[usize::from(slot)], shard);
            assert_eq!(owners.runs(), runs_of(&owners.table), "after step {step}");
        }
    }

    #[test]
    fn a_copy_shares_the_table_until_it_changes() {
        let a = Owners::new(vec![0; 16384]);
        let mut b = a.clone();
        assert!(Rc::ptr_eq(&a.table, &b.table));
        assert_eq!(a, b);
        b.set(3, 1);
        assert_eq!((a[3], b[3]), (0, 1));
        assert_ne!(a, b);
        assert_eq!(b.runs(), [(0, 2, 0), (3, 3, 1), (4, 16383, 0)]);
    }
}
