//! The slot table: built once from the shards, then walked as runs.
//!
//! Both parsers produce a list of shards; turning that list into a table is where the
//! cross-shard rules live (no slot served twice, a bounded shard count, at least one node), so
//! they are written once. The table is a flat 16384-entry array of shard indexes: a lookup is
//! one load. Its runs of equal entries are worked out from the sorted ranges alongside, so
//! comparisons and iteration walk ranges rather than slots (the table is never scanned).

use alloc::vec;
use alloc::vec::Vec;

use super::{Shard, Topology, TopologyError, UNCOVERED};
use crate::SLOT_COUNT;

/// Sort a shard's ranges and merge, in place, those that overlap or touch.
fn normalize(ranges: &mut Vec<(u16, u16)>) {
    ranges.sort_unstable();
    // `later` is dropped when it merges into `kept`, the last range retained before it.
    ranges.dedup_by(|later, kept| {
        let merges = u32::from(later.0) <= u32::from(kept.1) + 1;
        if merges {
            kept.1 = kept.1.max(later.1);
        }
        merges
    });
}

/// Check the shards as a whole and index their slots.
pub(super) fn assemble(mut shards: Vec<Shard>) -> Result<Topology, TopologyError> {
    if shards.len() >= usize::from(UNCOVERED) {
        return Err(TopologyError::TooManyShards {
            count: shards.len(),
        });
    }
    if shards
        .iter()
        .all(|s| s.primary.is_none() && s.replicas.is_empty())
    {
        return Err(TopologyError::NoNodes);
    }
    // Every range with its shard, in slot order: overlaps are neighbours there.
    let mut ranges: Vec<(u16, u16, u16)> = Vec::new();
    for (index, shard) in shards.iter_mut().enumerate() {
        normalize(&mut shard.slots);
        // `index` is below UNCOVERED (checked above), so it fits.
        let index = index as u16;
        for &(s, e) in &shard.slots {
            if s > e || e >= SLOT_COUNT {
                return Err(TopologyError::BadSlotRange {
                    start: s.into(),
                    end: e.into(),
                });
            }
            ranges.push((s, e, index));
        }
    }
    ranges.sort_unstable();
    let mut table = vec![UNCOVERED; usize::from(SLOT_COUNT)].into_boxed_slice();
    let mut runs = Vec::with_capacity(ranges.len() * 2 + 1);
    // The first slot no range has reached yet.
    let mut next = 0u16;
    let mut covered = 0usize;
    for (s, e, index) in ranges {
        if s < next {
            // The lowest slot two shards both claim.
            return Err(TopologyError::OverlappingSlots { slot: s });
        }
        if s > next {
            runs.push((next, s - 1, UNCOVERED));
        }
        runs.push((s, e, index));
        if let Some(entries) = table.get_mut(usize::from(s)..=usize::from(e)) {
            entries.fill(index);
        }
        covered += usize::from(e - s) + 1;
        next = e + 1;
    }
    if usize::from(next) < usize::from(SLOT_COUNT) {
        runs.push((next, SLOT_COUNT - 1, UNCOVERED));
    }
    Ok(Topology {
        shards,
        table,
        runs,
        uncovered: usize::from(SLOT_COUNT) - covered,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::{Addr, Health, NodeInfo, Role};
    use alloc::string::String;

    fn shard(slots: &[(u16, u16)], port: u16) -> Shard {
        Shard {
            slots: slots.to_vec(),
            primary: Some(NodeInfo {
                id: String::new(),
                addr: Addr::new("h", port),
                ip: None,
                hostname: None,
                tls_port: None,
                role: Role::Primary,
                health: Health::Online,
                replication_offset: None,
                zone: None,
            }),
            replicas: Vec::new(),
        }
    }

    #[test]
    fn ranges_are_sorted_and_merged() {
        let mut r = vec![(10, 20), (0, 4), (5, 6), (15, 30), (40, 40)];
        normalize(&mut r);
        assert_eq!(r, vec![(0, 6), (10, 30), (40, 40)]);
    }

    #[test]
    fn runs_cover_the_table_once() {
        let t = assemble(vec![shard(&[(0, 99), (200, 16383)], 1)]).expect("valid");
        assert_eq!(
            t.runs,
            vec![(0, 99, 0), (100, 199, UNCOVERED), (200, 16383, 0)]
        );
        assert_eq!(t.uncovered_slots(), 100);
        let t =
            assemble(vec![shard(&[(5, 9)], 1), shard(&[(0, 4), (10, 16382)], 2)]).expect("valid");
        assert_eq!(
            t.runs,
            vec![
                (0, 4, 1),
                (5, 9, 0),
                (10, 16382, 1),
                (16383, 16383, UNCOVERED)
            ]
        );
        for (slot, entry) in t.table.iter().enumerate() {
            let run = t
                .runs
                .iter()
                .find(|r| usize::from(r.1) >= slot)
                .expect("covered");
            assert_eq!(run.2, *entry, "slot {slot}");
        }
        assert_eq!(t.uncovered_slots(), 1);
    }

    #[test]
    fn overlap_names_the_first_shared_slot() {
        let err = assemble(vec![shard(&[(0, 100)], 1), shard(&[(50, 200)], 2)]);
        assert_eq!(err, Err(TopologyError::OverlappingSlots { slot: 50 }));
        let err = assemble(vec![shard(&[(60, 200)], 1), shard(&[(0, 100)], 2)]);
        assert_eq!(err, Err(TopologyError::OverlappingSlots { slot: 60 }));
    }

    #[test]
    fn shards_without_nodes_are_refused() {
        let mut s = shard(&[(0, 16383)], 1);
        s.primary = None;
        assert_eq!(assemble(vec![s]), Err(TopologyError::NoNodes));
        assert_eq!(assemble(Vec::new()), Err(TopologyError::NoNodes));
    }

    #[test]
    fn shard_indexes_must_fit_the_table() {
        let empty = Shard {
            slots: Vec::new(),
            primary: None,
            replicas: Vec::new(),
        };
        let mut shards = vec![empty; usize::from(UNCOVERED)];
        assert_eq!(
            assemble(shards.clone()).map(|_| ()),
            Err(TopologyError::TooManyShards { count: 65535 })
        );
        shards.truncate(usize::from(UNCOVERED) - 2);
        shards.push(shard(&[(0, 0)], 1));
        let t = assemble(shards).expect("65534 shards fit");
        assert_eq!(t.shard_of_slot(0), Some(65533));
    }
}
