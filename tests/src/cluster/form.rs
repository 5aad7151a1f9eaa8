//! Forming a new cluster from freshly started nodes, the way `redis-cli --cluster create`
//! does, minus its fixed waits and with every step under the harness's control:
//!
//! 1. `CLUSTER SET-CONFIG-EPOCH i+1` on node `i`: distinct epochs up front, so the nodes need
//!    not resolve epoch collisions after meeting;
//! 2. `CLUSTER ADDSLOTSRANGE` on each primary: an even split of the 16384 slots;
//! 3. `CLUSTER MEET` between every pair (node `i` meets each node before it), so nobody
//!    waits for gossip to introduce a node;
//! 4. wait until every node knows every other as a full member;
//! 5. `CLUSTER REPLICATE` on each replica (a replica can only follow a primary it knows);
//! 6. wait until healthy (`health.rs`).
//!
//! Nodes `0..primaries` are the primaries; then come the replicas, primary by primary.

use std::io;

use super::admin::{call, cluster, connect_as};
use super::harness::RedisCluster;
use super::node::Node;
use super::view::SLOTS;
use super::wait::until;

/// The slot range of primary `i` of `n`, inclusive, split as `redis-cli --cluster create`
/// splits it (3 primaries: 0-5460, 5461-10922, 10923-16383): primary `i` ends at
/// `round((i + 1) * 16384 / n - 1)`, the last one at 16383.
pub(crate) fn slot_range(i: usize, n: usize) -> (u16, u16) {
    let total = usize::from(SLOTS);
    let last = |i: usize| {
        if i + 1 == n {
            total - 1
        } else {
            // round(a / n) for a = (i + 1) * total - n, in integers.
            (2 * ((i + 1) * total - n) + n) / (2 * n)
        }
    };
    let first = if i == 0 { 0 } else { last(i - 1) + 1 };
    (to_slot(first), to_slot(last(i)))
}

fn to_slot(n: usize) -> u16 {
    u16::try_from(n).expect("slot numbers fit in u16")
}

/// Form the cluster of the harness's (just started) nodes.
pub(crate) fn form(harness: &RedisCluster) -> io::Result<()> {
    let nodes = harness.nodes();
    let spec = &harness.spec;
    let primaries = spec.primaries;
    let auth = spec.auth.as_ref();

    for (i, node) in nodes.iter().enumerate() {
        let mut conn = connect_as(node.addr(), auth)?;
        call(&mut conn, &cluster("SET-CONFIG-EPOCH").arg(i + 1))?;
        if i < primaries {
            let (first, last) = slot_range(i, primaries);
            let modern = crate::require::server_version().is_none_or(|v| v.is_7());
            if modern {
                call(&mut conn, &cluster("ADDSLOTSRANGE").arg(first).arg(last))?;
            } else {
                // ADDSLOTSRANGE is 7.0's: older servers take every slot by name.
                let add = (first..=last).fold(cluster("ADDSLOTS"), |cmd, slot| cmd.arg(slot));
                call(&mut conn, &add)?;
            }
        }
        for earlier in &nodes[..i] {
            call(&mut conn, &meet(earlier))?;
        }
    }

    until("every node to know every other", spec.ready_timeout, || {
        for node in &nodes {
            let view = harness.view(node).map_err(|e| e.to_string())?;
            let members = view.entries().filter(|e| !e.joining).count();
            if members != nodes.len() {
                return Err(format!(
                    "node {} knows {members} of {} nodes",
                    node.index,
                    nodes.len()
                ));
            }
        }
        Ok(())
    })?;

    for (r, replica) in nodes[primaries..].iter().enumerate() {
        let primary = &nodes[r / spec.replicas_per_primary.max(1)];
        let mut conn = connect_as(replica.addr(), auth)?;
        call(&mut conn, &cluster("REPLICATE").arg(primary.id()))?;
    }

    harness.wait_healthy()
}

/// `CLUSTER MEET` for `node`: its address, the client port peers know it by, its bus port.
pub(crate) fn meet(node: &Node) -> keyslot_core::Cmd {
    cluster("MEET")
        .arg(node.ip().to_string())
        .arg(node.peer_port())
        .arg(node.bus_port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_ranges_split_evenly_and_cover_everything() {
        assert_eq!(slot_range(0, 3), (0, 5460));
        assert_eq!(slot_range(1, 3), (5461, 10922));
        assert_eq!(slot_range(2, 3), (10923, 16383));
        assert_eq!(slot_range(0, 1), (0, 16383));
        for n in 1..=7 {
            let mut next = 0u32;
            for i in 0..n {
                let (a, b) = slot_range(i, n);
                assert_eq!(u32::from(a), next);
                assert!(a <= b);
                next = u32::from(b) + 1;
            }
            assert_eq!(next, 16384);
        }
    }
}
