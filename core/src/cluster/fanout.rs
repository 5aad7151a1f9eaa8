//! Fan-out legs: each node's answer, the combined reply, and legs whose node left.
//!
//! A command for every primary (or every node) is planned on the topology of the moment,
//! one leg per node. When a later topology no longer lists a node — scaled in, forgotten —
//! a leg still waiting for that node's connection would wait for ever (the connection
//! cannot open) and fail the whole command at its deadline. Such a leg is withdrawn: the
//! node's slots now belong to nodes the other legs ask, and the reply is combined from
//! theirs. A leg already written keeps waiting for its answer: it may have run. If every
//! leg is withdrawn, the command is planned again on the new topology.

use alloc::vec::Vec;

use super::job::{Collect, Leg, Payload, Target};
use super::slab::Key;
use super::{Cluster, Error, RequestId};
use crate::resp::Value;
use crate::time::Instant;

/// Settle leg `leg` of a fan-out; the combined result once no leg waits.
pub(crate) fn settle_leg(
    collect: &mut Collect,
    leg: usize,
    outcome: Leg,
) -> Option<Result<Value, Error>> {
    let Collect::FanOut {
        policy,
        nodes,
        legs,
        ..
    } = collect
    else {
        return None;
    };
    if let Some(slot) = legs.get_mut(leg) {
        *slot = outcome;
    }
    if legs.iter().any(|l| matches!(l, Leg::Waiting)) {
        return None;
    }
    if legs.iter().all(|l| matches!(l, Leg::Withdrawn)) {
        return None; // planned again by the caller
    }
    let mut answered = Vec::with_capacity(legs.len());
    let mut replies = Vec::with_capacity(legs.len());
    for (node, leg) in nodes.iter().zip(legs.iter_mut()) {
        if let Leg::Done(result) = core::mem::replace(leg, Leg::Withdrawn) {
            answered.push(node.clone());
            replies.push(result);
        }
    }
    Some(super::aggregate::aggregate(*policy, &answered, replies))
}

impl Cluster {
    /// The topology changed: withdraw unsent fan-out legs to nodes it no longer lists.
    pub(crate) fn withdraw_departed_legs(&mut self, now: Instant) {
        let departed: Vec<Key> = self
            .jobs
            .iter()
            .filter(|(_, j)| j.conn.is_none())
            .filter(|(_, j)| match j.target {
                Target::Node(n) => self.nodes.get(n).is_some_and(|n| !n.listed),
                _ => false,
            })
            .filter(|(_, j)| {
                self.requests
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
        let Some(job) = self.jobs.remove(key) else {
            return;
        };
        let Some(entry) = self
            .requests
            .get_mut(job.request)
            .and_then(|r| r.entries.get_mut(job.entry))
        else {
            return;
        };
        entry.jobs.retain(|k| *k != key);
        if let Some(result) = settle_leg(&mut entry.collect, job.leg, Leg::Withdrawn) {
            self.set_entry_result(job.request, job.entry, result);
            return self.finish_if_done(RequestId(job.request));
        }
        let replan = match &entry.collect {
            Collect::FanOut {
                policy,
                all_nodes,
                legs,
                ..
            } if legs.iter().all(|l| matches!(l, Leg::Withdrawn)) => Some((*policy, *all_nodes)),
            _ => None,
        };
        if let (Some((policy, all_nodes)), Payload::Command(cmd)) = (replan, job.payload) {
            entry.collect = Collect::Single;
            let (request, index, retry_safe) = (job.request, job.entry, job.retry_safe);
            self.fan_out(request, index, cmd, all_nodes, policy, retry_safe, now);
        }
    }
}
