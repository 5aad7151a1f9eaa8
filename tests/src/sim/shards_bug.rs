//! Redis 7.4.1's CLUSTER SHARDS after a failover, for seeds of that flavour.
//!
//! Seen on a real 7.4.1: once a primary fails and its replica is promoted, CLUSTER SHARDS
//! lists that shard with an empty `slots` array, the failed ex-primary first (still `role
//! master`, `health fail`), then the promoted node — while CLUSTER SLOTS names the promoted
//! node for every slot and `cluster_state` is ok. It lasts while the ex-primary is down (it
//! rejoins as a replica, and the shard is listed right again). A client that believes such a
//! view thinks the slots have no owner; the core checks a SHARDS view that leaves slots
//! uncovered against CLUSTER SLOTS on the same connection.
//!
//! The reply is the correct one ([`super::replies::cluster_shards`]) rewritten for the shards
//! this applies to, so the two never drift apart in anything else.

use keyslot_core::resp::Value;

use super::cluster::{ClusterState, Health, NodeId, View};
use super::profile::Flavour;
use super::server::text;
use super::world::World;

impl World {
    /// `CLUSTER SHARDS` as node `node` answers it: in the seed's server flavour.
    pub fn served_cluster_shards(&mut self, node: NodeId) -> Value {
        let correct = self.cluster_shards(node);
        if self.profile.flavour != Flavour::Redis741 {
            return correct;
        }
        let view = self.c.nodes[node].view.clone();
        let served = as_redis_741(&self.c, &view, correct.clone());
        if served != correct {
            self.stats.shards_741_replies += 1;
        }
        served
    }
}

/// Members of a listed shard of `view` that were its primary, lost it by a failover while
/// they were unreachable, and are still failed: the nodes 7.4.1 keeps listing as primaries.
pub fn failed_ex_primaries(c: &ClusterState, view: &View, shard: usize) -> Vec<NodeId> {
    let Some(s) = view.shards.get(shard) else {
        return Vec::new();
    };
    s.replicas
        .iter()
        .copied()
        .filter(|&m| {
            let n = &c.nodes[m];
            view.health.get(m) == Some(&Health::Fail)
                && n.demoted_at
                    .is_some_and(|d| n.unreachable_since.is_some_and(|u| u <= d))
        })
        .collect()
}

/// `correct` (the right CLUSTER SHARDS for `view`) as Redis 7.4.1 gives it.
pub fn as_redis_741(c: &ClusterState, view: &View, correct: Value) -> Value {
    let Value::Array(records) = correct else {
        return correct;
    };
    let listed = view
        .shards
        .iter()
        .enumerate()
        .filter(|(_, s)| s.listed)
        .map(|(i, _)| i);
    let records = records
        .into_iter()
        .zip(listed)
        .map(|(record, shard)| {
            let ex: Vec<String> = failed_ex_primaries(c, view, shard)
                .into_iter()
                .map(|m| c.nodes[m].ident.id.clone())
                .collect();
            if ex.is_empty() {
                record
            } else {
                rewrite(record, &ex)
            }
        })
        .collect();
    Value::Array(records)
}

/// Empty the record's slots, list the nodes `ex` first as `master`.
fn rewrite(record: Value, ex: &[String]) -> Value {
    let Value::Map(fields) = record else {
        return record;
    };
    let fields = fields
        .into_iter()
        .map(|(k, v)| {
            if k == text("slots") {
                (k, Value::Array(Vec::new()))
            } else if k == text("nodes") {
                (k, reorder(v, ex))
            } else {
                (k, v)
            }
        })
        .collect();
    Value::Map(fields)
}

fn reorder(nodes: Value, ex: &[String]) -> Value {
    let Value::Array(nodes) = nodes else {
        return nodes;
    };
    let is_ex = |node: &Value| match node {
        Value::Map(f) => f
            .iter()
            .any(|(k, v)| *k == text("id") && ex.iter().any(|id| *v == text(id))),
        _ => false,
    };
    let (mut first, rest): (Vec<Value>, Vec<Value>) = nodes.into_iter().partition(is_ex);
    for node in &mut first {
        if let Value::Map(f) = node {
            for (k, v) in f.iter_mut() {
                if *k == text("role") {
                    *v = text("master");
                }
            }
        }
    }
    first.extend(rest);
    Value::Array(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::profile::Endpoints;
    use crate::sim::replies::{cluster_shards, cluster_slots};
    use keyslot_core::time::Instant;
    use keyslot_core::topology::{Addr, Topology};

    /// Three shards of two nodes; shard 1's primary (node 2) crashed and node 3 took over.
    fn failed_over() -> (ClusterState, View) {
        let mut owner = vec![0u16; 16384];
        for (i, o) in owner.iter_mut().enumerate() {
            *o = (i * 3 / 16384) as u16;
        }
        let t = Instant::from_micros(1);
        let mut c = ClusterState::new(3, 1, owner, Endpoints::Ip, false, 9, t);
        c.nodes[2].unreachable_since = Some(Instant::from_micros(5));
        c.nodes[2].demoted_at = Some(Instant::from_micros(9));
        let mut v = (*c.latest).clone();
        v.shards[1].primary = 3;
        v.shards[1].replicas = vec![2];
        v.health[2] = Health::Fail;
        (c, v)
    }

    fn parse(value: &Value, slots: bool) -> Topology {
        let asked = Addr::new("10.0.0.10", 6379);
        if slots {
            Topology::from_cluster_slots(value, &asked).unwrap()
        } else {
            Topology::from_cluster_shards(value, &asked).unwrap()
        }
    }

    #[test]
    fn the_failed_over_shard_loses_its_slots_and_its_ex_primary_leads() {
        let (c, v) = failed_over();
        assert_eq!(failed_ex_primaries(&c, &v, 1), vec![2]);
        assert!(failed_ex_primaries(&c, &v, 0).is_empty());
        let buggy = as_redis_741(&c, &v, cluster_shards(&c, &v));
        let Value::Array(records) = &buggy else {
            panic!("an array")
        };
        let Value::Map(f) = &records[1] else {
            panic!("a map")
        };
        assert_eq!(f[0], (text("slots"), Value::Array(Vec::new())));
        let Value::Array(nodes) = &f[1].1 else {
            panic!("nodes")
        };
        let Value::Map(first) = &nodes[0] else {
            panic!("a node")
        };
        assert!(first.contains(&(text("id"), text(&c.nodes[2].ident.id))));
        assert!(first.contains(&(text("role"), text("master"))));
        assert!(first.contains(&(text("health"), text("fail"))));
        // What a client sees: a third of the slots without owner from SHARDS, none from SLOTS.
        assert!(parse(&buggy, false).uncovered_slots() > 5_000);
        assert_eq!(parse(&cluster_slots(&c, &v), true).uncovered_slots(), 0);
    }

    #[test]
    fn a_manual_failover_or_a_rejoined_ex_primary_is_listed_right() {
        let (mut c, v) = failed_over();
        c.nodes[2].unreachable_since = None; // back, a replica now
        assert!(failed_ex_primaries(&c, &v, 1).is_empty());
        let correct = cluster_shards(&c, &v);
        assert_eq!(as_redis_741(&c, &v, correct.clone()), correct);
        // A graceful failover: the ex-primary was reachable when it was demoted.
        let (mut c, v) = failed_over();
        c.nodes[2].unreachable_since = Some(Instant::from_micros(20));
        assert!(failed_ex_primaries(&c, &v, 1).is_empty());
    }
}
