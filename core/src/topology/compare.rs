//! Comparing two views of the cluster.
//!
//! Rediscovery asks several nodes and keeps the view most of them hold, so views must be
//! comparable cheaply and regardless of how each reply happened to be ordered or which
//! command produced it. Both operations here walk the slot table as runs of equal entries
//! rather than slot by slot, so their cost grows with the number of ranges, not the 16384
//! slots' worth of string comparisons.

use alloc::vec::Vec;

use super::{Addr, Health, Role, Shard, Topology, UNCOVERED};

/// 64-bit FNV-1a: tiny, stable across platforms and versions, and needs no random state.
struct Fnv(u64);

impl Fnv {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Fnv {
        Fnv(Self::OFFSET)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(Self::PRIME);
        }
    }

    fn u64(&mut self, v: u64) {
        self.bytes(&v.to_le_bytes());
    }

    /// The host's length first, so that no two different addresses feed the same bytes.
    fn addr(&mut self, a: &Addr) {
        self.u64(a.host.len() as u64);
        self.bytes(a.host.as_bytes());
        self.bytes(&a.port.to_le_bytes());
    }
}

/// Stands for "no shard" in the run sequence.
const UNCOVERED_DIGEST: u64 = 0;

/// What a shard contributes to a fingerprint: its primary's address and the sorted addresses
/// of its online replicas. Loading and failed replicas are left out because they cannot serve
/// and because `CLUSTER SLOTS` omits them, so both commands yield the same fingerprint.
fn shard_digest(shard: &Shard) -> u64 {
    let mut h = Fnv::new();
    match &shard.primary {
        Some(p) => {
            h.bytes(&[1]);
            h.addr(&p.addr);
        }
        None => h.bytes(&[0]),
    }
    let mut replicas: Vec<&Addr> = shard
        .replicas
        .iter()
        .filter(|n| n.role == Role::Replica && n.health == Health::Online)
        .map(|n| &n.addr)
        .collect();
    replicas.sort_unstable();
    replicas.dedup();
    h.u64(replicas.len() as u64);
    for a in replicas {
        h.addr(a);
    }
    h.0
}

impl Topology {
    /// A deterministic hash of the slot -> primary address map together with each serving
    /// shard's online replica addresses.
    ///
    /// Equal for views that route every slot the same way, whatever order the reply listed
    /// shards, nodes or ranges in, and whether it came from `CLUSTER SHARDS` or `CLUSTER
    /// SLOTS`. Node ids, health of primaries, offsets and shards that serve no slot are left
    /// out; replicas that are loading or failed are left out too (see the module docs of
    /// [`crate::topology`]). Stable across runs and platforms (FNV-1a), so it can be logged.
    ///
    /// ```
    /// use keyslot_core::{resp, topology::{Addr, Topology}};
    /// # let parse = |bytes: &[u8]| {
    /// #     let (reply, _) = resp::decode(bytes).unwrap().unwrap();
    /// #     Topology::from_cluster_slots(&reply, &Addr::new("10.0.0.1", 7000)).unwrap()
    /// # };
    /// // Two nodes' CLUSTER SLOTS replies: the same two shards, listed in opposite orders.
    /// let a = parse(b"*2\r\n*3\r\n:0\r\n:8191\r\n*2\r\n$1\r\na\r\n:7000\r\n\
    /// *3\r\n:8192\r\n:16383\r\n*2\r\n$1\r\nb\r\n:7000\r\n");
    /// let b = parse(b"*2\r\n*3\r\n:8192\r\n:16383\r\n*2\r\n$1\r\nb\r\n:7000\r\n\
    /// *3\r\n:0\r\n:8191\r\n*2\r\n$1\r\na\r\n:7000\r\n");
    /// assert_eq!(a.fingerprint(), b.fingerprint());
    /// let moved = parse(b"*1\r\n*3\r\n:0\r\n:16383\r\n*2\r\n$1\r\na\r\n:7000\r\n");
    /// assert_ne!(a.fingerprint(), moved.fingerprint());
    /// ```
    pub fn fingerprint(&self) -> u64 {
        let digests: Vec<u64> = self.shards.iter().map(shard_digest).collect();
        let digest_of = |entry: u16| match entry {
            UNCOVERED => UNCOVERED_DIGEST,
            i => digests
                .get(usize::from(i))
                .copied()
                .unwrap_or(UNCOVERED_DIGEST),
        };
        // Adjacent runs whose shards look alike are one run here, so that splitting a shard's
        // range across entries (as CLUSTER SLOTS may) does not change the result.
        let mut h = Fnv::new();
        let mut open: Option<u64> = None;
        for &(start, _, entry) in &self.runs {
            let d = digest_of(entry);
            if open != Some(d) {
                h.u64(u64::from(start));
                h.u64(d);
                open = Some(d);
            }
        }
        h.0
    }

    /// The primary address behind a slot table entry.
    fn owner(&self, entry: u16) -> Option<&Addr> {
        Some(&self.shards.get(usize::from(entry))?.primary.as_ref()?.addr)
    }

    /// How many slots have a different primary address in `newer` than in `self`. A slot
    /// with no known primary (uncovered, or its primary's address unknown) counts as changed
    /// only when the other view has one.
    ///
    /// ```
    /// use keyslot_core::{resp, topology::{Addr, Topology}};
    /// # let parse = |bytes: &[u8]| {
    /// #     let (reply, _) = resp::decode(bytes).unwrap().unwrap();
    /// #     Topology::from_cluster_slots(&reply, &Addr::new("10.0.0.1", 7000)).unwrap()
    /// # };
    /// // Before and after slots 8001-8191 moved from node a to node b.
    /// let old = parse(b"*2\r\n*3\r\n:0\r\n:8191\r\n*2\r\n$1\r\na\r\n:7000\r\n\
    /// *3\r\n:8192\r\n:16383\r\n*2\r\n$1\r\nb\r\n:7000\r\n");
    /// let new = parse(b"*2\r\n*3\r\n:0\r\n:8000\r\n*2\r\n$1\r\na\r\n:7000\r\n\
    /// *3\r\n:8001\r\n:16383\r\n*2\r\n$1\r\nb\r\n:7000\r\n");
    /// assert_eq!(old.slot_owner_changes(&new), 191);
    /// assert_eq!(new.slot_owner_changes(&new), 0);
    /// ```
    pub fn slot_owner_changes(&self, newer: &Topology) -> usize {
        // Both run lists cover every slot in order: walk them side by side, a step per
        // boundary of either.
        let (mut ours, mut theirs) = (self.runs.iter().peekable(), newer.runs.iter().peekable());
        let (mut changes, mut from) = (0, 0usize);
        while let (Some(&&(_, a_last, a)), Some(&&(_, b_last, b))) = (ours.peek(), theirs.peek()) {
            let last = a_last.min(b_last);
            if self.owner(a) != newer.owner(b) {
                changes += usize::from(last) + 1 - from;
            }
            from = usize::from(last) + 1;
            if a_last == last {
                ours.next();
            }
            if b_last == last {
                theirs.next();
            }
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::super::table::assemble;
    use super::*;
    use crate::topology::NodeInfo;
    use alloc::string::String;
    use alloc::vec;

    fn node(host: &str, role: Role, health: Health) -> NodeInfo {
        NodeInfo {
            id: String::from(host),
            addr: Addr::new(host, 6379),
            ip: None,
            hostname: None,
            tls_port: None,
            role,
            health,
            replication_offset: None,
            zone: None,
        }
    }

    fn shard(slots: &[(u16, u16)], primary: &str, replicas: &[(&str, Health)]) -> Shard {
        Shard {
            slots: slots.to_vec(),
            primary: Some(node(primary, Role::Primary, Health::Online)),
            replicas: replicas
                .iter()
                .map(|&(h, s)| node(h, Role::Replica, s))
                .collect(),
        }
    }

    fn topo(shards: Vec<Shard>) -> Topology {
        assemble(shards).expect("valid")
    }

    #[test]
    fn fingerprint_ignores_listing_order_and_range_splits() {
        let on = Health::Online;
        let a = topo(vec![
            shard(&[(0, 8191)], "a", &[("a1", on), ("a2", on)]),
            shard(&[(8192, 16383)], "b", &[("b1", on)]),
        ]);
        let b = topo(vec![
            shard(&[(8192, 16383)], "b", &[("b1", on)]),
            shard(&[(0, 99)], "a", &[("a2", on), ("a1", on)]),
            shard(&[(100, 8191)], "a", &[("a1", on), ("a2", on)]),
        ]);
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.slot_owner_changes(&b), 0);
    }

    #[test]
    fn fingerprint_sees_owners_replicas_and_coverage() {
        let on = Health::Online;
        let base = topo(vec![shard(&[(0, 16383)], "a", &[("a1", on)])]);
        let moved = topo(vec![
            shard(&[(0, 99)], "b", &[("a1", on)]),
            shard(&[(100, 16383)], "a", &[("a1", on)]),
        ]);
        let replica_changed = topo(vec![shard(&[(0, 16383)], "a", &[("a9", on)])]);
        let replica_loading = topo(vec![shard(&[(0, 16383)], "a", &[("a1", Health::Loading)])]);
        let no_replica = topo(vec![shard(&[(0, 16383)], "a", &[])]);
        let gap = topo(vec![shard(&[(0, 16382)], "a", &[("a1", on)])]);
        for other in [&moved, &replica_changed, &replica_loading, &gap] {
            assert_ne!(base.fingerprint(), other.fingerprint());
        }
        assert_eq!(replica_loading.fingerprint(), no_replica.fingerprint());
        assert_eq!(base.slot_owner_changes(&moved), 100);
        assert_eq!(moved.slot_owner_changes(&base), 100);
        assert_eq!(base.slot_owner_changes(&replica_changed), 0);
        assert_eq!(base.slot_owner_changes(&gap), 1);
    }

    #[test]
    fn fingerprint_is_stable() {
        // A fixed value guards against accidental changes to what is hashed: fingerprints may
        // be logged and compared across versions.
        let t = topo(vec![shard(&[(0, 16383)], "a", &[])]);
        assert_eq!(t.fingerprint(), 0x0805_7cf0_3df3_0837, "pinned value");
        let mut h = Fnv::new();
        h.bytes(b"a");
        assert_eq!(h.0, 0xaf63_dc4c_8601_ec8c, "FNV-1a test vector for \"a\"");
    }
}
