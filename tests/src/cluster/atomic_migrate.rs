//! Valkey 9's atomic slot migration (`CLUSTER MIGRATESLOTS`): the source ships the slots'
//! keys to the target in the background and hands the slots over at the end, with no
//! MIGRATING / IMPORTING state and no ASK — a short pause of the source's writes, then MOVED.

use std::io;
use std::ops::RangeInclusive;
use std::time::Instant;

use super::admin::{call, cluster, connect_as};
use super::harness::RedisCluster;
use super::node::Node;
use super::view::ClusterView;

impl RedisCluster {
    /// Move `slots` from `from` to `to` with `CLUSTER MIGRATESLOTS` and wait until every live
    /// node agrees that `to` owns them; returns when that agreement was first seen.
    pub fn migrate_slots_atomically(
        &self,
        slots: RangeInclusive<u16>,
        from: &Node,
        to: &Node,
    ) -> io::Result<Instant> {
        let mut source = connect_as(from.addr(), self.spec.auth.as_ref())?;
        let start = cluster("MIGRATESLOTS")
            .arg("SLOTSRANGE")
            .arg(*slots.start())
            .arg(*slots.end())
            .arg("NODE")
            .arg(to.id());
        match call(&mut source, &start)? {
            keyslot_core::resp::Value::SimpleString(_) => {}
            other => return Err(io::Error::other(format!("CLUSTER MIGRATESLOTS: {other:?}"))),
        }
        let what = format!("slots {slots:?} to move to node {}", to.index());
        let (_, agreed_at) = self.wait_for_agreement(&what, |view: &ClusterView| {
            super::failover::owns_all(view, to.id(), &[(*slots.start(), *slots.end())])
        })?;
        Ok(agreed_at)
    }
}
