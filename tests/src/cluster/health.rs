//! Waiting for the cluster to settle: agreement between the live nodes, and full health.
//!
//! *Agreed*: every live node answers `CLUSTER NODES` and all the views agree (see
//! `view.rs`). *Healthy*: agreed, and also every live node is a member (no handshake), all
//! 16384 slots are covered, every live node says `cluster_state:ok`, every live replica's
//! link to its primary is up with no sync in progress, and every live node reports every
//! live node `online` in `CLUSTER SHARDS` — the state in which a test can start. (The last
//! is not implied by the others: a replica whose replication offset is still 0 counts as
//! `loading`, and `CLUSTER SLOTS` leaves it out.)

use std::io;
use std::sync::Arc;
use std::time::Instant;

use keyslot_core::Cmd;

use keyslot_core::resp::Value;

use super::admin::{call, call_text, cluster, connect_as, info_field};
use super::harness::{Member, RedisCluster};
use super::view::{ClusterView, SLOTS};
use super::wait::until;

impl RedisCluster {
    /// The views of the live nodes, in index order; `Err` names the first node that did not
    /// answer.
    fn live_views(&self) -> Result<Vec<(Arc<Member>, ClusterView)>, String> {
        let members = self.live_members();
        if members.is_empty() {
            return Err("no node is running".into());
        }
        members
            .into_iter()
            .map(|m| match self.view(&m.node) {
                Ok(view) => Ok((m, view)),
                Err(e) => Err(format!("node {} ({}): {e}", m.node.index, m.node.addr())),
            })
            .collect()
    }

    /// The live nodes' views when they all agree.
    fn agreement(&self) -> Result<ClusterView, String> {
        let mut views = self.live_views()?.into_iter();
        let (first, first_view) = views.next().ok_or("no node is running")?;
        for (member, view) in views {
            if !view.agrees_with(&first_view) {
                return Err(format!(
                    "node {} and node {} disagree: {}",
                    first.node.index,
                    member.node.index,
                    first_view.difference(&view)
                ));
            }
        }
        Ok(first_view)
    }

    /// Wait until the live nodes agree, and return the view they agree on.
    pub fn agreed_view(&self) -> io::Result<ClusterView> {
        until("the live nodes to agree", self.spec.ready_timeout, || {
            self.agreement()
        })
    }

    /// Wait until the live nodes agree on a view that passes `check`; return it with the
    /// moment the successful round of questions began. That moment is at most one round
    /// (a few milliseconds) before the cluster actually got there, never after: a lag
    /// measured from it errs on the long side.
    pub fn wait_for_agreement(
        &self,
        what: &str,
        check: impl Fn(&ClusterView) -> Result<(), String>,
    ) -> io::Result<(ClusterView, Instant)> {
        until(what, self.spec.ready_timeout, || {
            let round = Instant::now();
            let view = self.agreement()?;
            check(&view)?;
            Ok((view, round))
        })
    }

    /// Wait until the cluster is healthy (module docs).
    pub fn wait_healthy(&self) -> io::Result<()> {
        until("a healthy cluster", self.spec.ready_timeout, || {
            self.health()
        })
    }

    /// `Ok` when healthy, or what is still missing.
    fn health(&self) -> Result<(), String> {
        let view = self.agreement()?;
        if view.covered_slots() != usize::from(SLOTS) {
            return Err(format!("{} of {SLOTS} slots covered", view.covered_slots()));
        }
        for member in self.live_members() {
            let node = &member.node;
            let entry = view
                .entry(&node.id)
                .ok_or_else(|| format!("node {} is not known to the cluster", node.index))?;
            if entry.joining {
                return Err(format!("node {} is still joining", node.index));
            }
            let mut conn = connect_as(node.addr(), self.spec.auth.as_ref())
                .map_err(|e| format!("node {}: {e}", node.index))?;
            let info = call_text(&mut conn, &cluster("INFO"))
                .map_err(|e| format!("node {}: {e}", node.index))?;
            if info_field(&info, "cluster_state") != Some("ok") {
                return Err(format!("node {}: cluster_state is not ok", node.index));
            }
            // Before 7.0 there is no CLUSTER SHARDS (nor node health in it); the replicas'
            // replication links below still say whether they are in step.
            let has_shards = crate::require::server_version().is_none_or(|v| v.is_7());
            let shards = if has_shards {
                call(&mut conn, &cluster("SHARDS"))
                    .map_err(|e| format!("node {}: {e}", node.index))?
            } else {
                Value::Array(Vec::new())
            };
            for (id, health) in shard_health(&shards)? {
                let live = self.live_members().iter().any(|m| m.node.id == id);
                if live && health != "online" {
                    return Err(format!(
                        "node {} reports node {id} as {health:?}",
                        node.index
                    ));
                }
            }
            if entry.primary {
                continue;
            }
            let repl = call_text(&mut conn, &Cmd::new("INFO").arg("replication"))
                .map_err(|e| format!("node {}: {e}", node.index))?;
            let link = info_field(&repl, "master_link_status");
            let syncing = info_field(&repl, "master_sync_in_progress");
            if link != Some("up") || syncing != Some("0") {
                return Err(format!(
                    "replica {}: master_link_status {link:?}, master_sync_in_progress {syncing:?}",
                    node.index
                ));
            }
        }
        Ok(())
    }
}

/// `(node id, health)` for every node in a `CLUSTER SHARDS` reply (RESP2: each shard and each
/// node a flat name/value array).
fn shard_health(reply: &Value) -> Result<Vec<(String, String)>, String> {
    let bad = || format!("unexpected CLUSTER SHARDS reply: {reply:?}");
    let field = |pairs: &[Value], name: &str| -> Option<Value> {
        pairs
            .chunks(2)
            .find(|kv| kv[0].as_str() == Some(name))
            .and_then(|kv| kv.get(1).cloned())
    };
    let mut out = Vec::new();
    for shard in reply.as_slice().ok_or_else(bad)? {
        let nodes = field(shard.as_slice().ok_or_else(bad)?, "nodes").ok_or_else(bad)?;
        for node in nodes.as_slice().ok_or_else(bad)? {
            let pairs = node.as_slice().ok_or_else(bad)?;
            let text = |name| field(pairs, name).and_then(|v| v.as_str().map(str::to_owned));
            out.push((text("id").ok_or_else(bad)?, text("health").ok_or_else(bad)?));
        }
    }
    Ok(out)
}
