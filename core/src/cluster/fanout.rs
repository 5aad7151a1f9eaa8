//! Fan-out legs: each node's answer, the combined reply, and legs whose node left.
//!
//! A command for every primary (or every node) is planned on the topology of the moment,
//! one leg per node. When a later topology no longer lists a node — scaled in, forgotten
//! after a failover — a leg still waiting for that node's connection would wait for ever
//! (the connection cannot open) and fail the whole command at its deadline. Such a leg is
//! withdrawn, and the nodes the new topology asks that the plan did not (the promoted
//! replica, the node that took the slots) get legs of their own, so the combined reply
//! still covers every slot. A leg already written keeps waiting for its answer: it may
//! have run.

use alloc::vec::Vec;

use super::job::{Collect, Job, Leg, Payload, Target};
use super::slab::Key;
use super::{Cluster, Error};
use crate::resp::Value;
use crate::time::Instant;

/// Settle leg `leg` of a fan-out.
pub(crate) fn set_leg(collect: &mut Collect, leg: usize, outcome: Leg) {
    if let Collect::FanOut { legs, .. } = collect {
        if let Some(slot) = legs.get_mut(leg) {
            *slot = outcome;
        }
    }
}

/// The combined result, once no leg waits and at least one answered.
pub(crate) fn combined(collect: &mut Collect) -> Option<Result<Value, Error>> {
    let Collect::FanOut {
        policy,
        nodes,
        legs,
        ..
    } = collect
    else {
        return None;
    };
    if legs.iter().any(|l| matches!(l, Leg::Waiting))
        || legs.iter().all(|l| matches!(l, Leg::Withdrawn))
    {
        return None;
    }
    // Drop the withdrawn legs' nodes, so that `nodes[i]` gave `replies[i]`.
    let mut kept = legs.iter().map(|l| matches!(l, Leg::Done(_)));
    nodes.retain(|_| kept.next().unwrap_or(false));
    let replies = legs
        .iter_mut()
        .filter_map(|l| match core::mem::replace(l, Leg::Withdrawn) {
            Leg::Done(result) => Some(result),
            _ => None,
        })
        .collect();
    Some(super::aggregate::aggregate(*policy, nodes, replies))
}

impl<T, S, P> Cluster<T, S, P> {
    /// The topology changed: withdraw unsent fan-out legs to nodes it no longer lists.
    pub(crate) fn withdraw_departed_legs(&mut self, now: Instant) {
        let departed: Vec<Key> = self
            .requests
            .jobs
            .iter()
            .filter(|(_, j)| j.conn.is_none())
            .filter(|(_, j)| match j.target {
                Target::Node(n) => self.routing.nodes.get(n).is_some_and(|n| !n.listed),
                _ => false,
            })
            .filter(|(_, j)| {
                self.requests
                    .all
                    .get(j.request)
                    .and_then(|r| r.entries.get(j.entry))
                    .is_some_and(|e| matches!(e.collect, Collect::FanOut { .. }))
            })
            .map(|(k, _)| k)
            .collect();
        for key in departed {
            self.withdraw_leg(key, now);
        }
    }

    fn withdraw_leg(&mut self, key: Key, now: Instant) {
        let Some(job) = self.requests.jobs.remove(key) else {
            return;
        };
        let Payload::Command(cmd) = job.payload else {
            return;
        };
        let (request, index, retry_safe) = (job.request, job.entry, job.retry_safe);
        // Planned with replicas or without: ask the new topology alike.
        let all_nodes = self.entry_mut(request, index).is_some_and(|e| {
            matches!(
                e.collect,
                Collect::FanOut {
                    all_nodes: true,
                    ..
                }
            )
        });
        let targets = self.fan_out_addrs(all_nodes);
        let Some(entry) = self.entry_mut(request, index) else {
            return;
        };
        entry.jobs.retain(|k| *k != key);
        set_leg(&mut entry.collect, job.leg, Leg::Withdrawn);
        // Legs for the nodes the plan missed.
        let mut added = Vec::new();
        if let Collect::FanOut { nodes, legs, .. } = &mut entry.collect {
            for addr in targets {
                if !nodes.contains(&addr) {
                    added.push((legs.len(), addr.clone()));
                    nodes.push(addr);
                    legs.push(Leg::Waiting);
                }
            }
        }
        let no_leg_left = added.is_empty()
            && matches!(&entry.collect, Collect::FanOut { legs, .. }
                if legs.iter().all(|l| matches!(l, Leg::Withdrawn)));
        if no_leg_left {
            // Nothing to ask on the new topology: plan the command afresh.
            if let Collect::FanOut { policy, .. } = entry.collect {
                entry.collect = Collect::Single;
                self.fan_out(request, index, cmd, all_nodes, policy, retry_safe, now);
            }
            return;
        }
        if let Some(result) = combined(&mut entry.collect) {
            return self.settle_entry(request, index, result);
        }
        for (leg, addr) in added {
            let node = self.node_for(&addr);
            let payload = Payload::Command(cmd.clone());
            let job = Job::new(request, index, leg, payload, Target::Node(node), retry_safe);
            self.spawn_job(request, index, job, now);
        }
    }

    /// Entry `index` of `request`, if the request is still open.
    pub(crate) fn entry_mut(
        &mut self,
        request: Key,
        index: usize,
    ) -> Option<&mut super::job::Entry> {
        self.requests
            .all
            .get_mut(request)
            .and_then(|r| r.entries.get_mut(index))
    }
}
