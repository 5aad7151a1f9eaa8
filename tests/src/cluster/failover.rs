//! Failovers, both kinds: a replica asked to take over (`CLUSTER FAILOVER`), and a primary
//! killed with SIGKILL so that its replicas elect a successor.
//!
//! Each reports when the *servers* were done — every live node agreeing on the new owner of
//! the slots — so a client test can measure how long after that the client caught up.

use std::io;
use std::time::{Duration, Instant};

use super::admin::{call, cluster};
use super::harness::RedisCluster;
use super::node::Node;
use super::view::ClusterView;

/// `CLUSTER FAILOVER`'s option.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FailoverMode {
    /// Coordinated with the primary: no write is lost.
    #[default]
    Coordinated,
    /// `FORCE`: without the primary's agreement (but with the other primaries' votes).
    Force,
    /// `TAKEOVER`: without anyone's agreement.
    Takeover,
}

/// A finished `CLUSTER FAILOVER`.
#[derive(Clone, Debug)]
pub struct Failover {
    /// The replica that is now the primary.
    pub promoted: Node,
    /// The former primary, now its replica.
    pub demoted: Node,
    /// When `CLUSTER FAILOVER` was sent.
    pub requested_at: Instant,
    /// When every live node agreed on the new roles (see
    /// [`RedisCluster::wait_for_agreement`]).
    pub agreed_at: Instant,
}

/// A primary killed by [`RedisCluster::kill_primary`].
#[derive(Clone, Debug)]
pub struct KilledPrimary {
    /// The dead node.
    pub node: Node,
    /// The slots it owned.
    pub slots: Vec<(u16, u16)>,
    /// Its replicas when it died: the candidates.
    pub replicas: Vec<Node>,
    /// When SIGKILL was sent.
    pub killed_at: Instant,
}

/// The outcome of [`RedisCluster::wait_for_promotion`].
#[derive(Clone, Debug)]
pub struct Promotion {
    /// The replica that took over the dead primary's slots.
    pub promoted: Node,
    /// When every live node agreed on it.
    pub agreed_at: Instant,
    /// `agreed_at - killed_at`: how long the servers took.
    pub took: Duration,
}

impl RedisCluster {
    /// `CLUSTER FAILOVER` on `replica`; waits until every live node sees it as the primary of
    /// its former primary's slots and the former primary as its replica, then until the
    /// cluster is healthy again (the demoted node has synced).
    pub fn failover(&self, replica: &Node) -> io::Result<Failover> {
        self.failover_with(replica, FailoverMode::Coordinated)
    }

    /// [`RedisCluster::failover`] with `FORCE` or `TAKEOVER`.
    pub fn failover_with(&self, replica: &Node, mode: FailoverMode) -> io::Result<Failover> {
        let view = self.agreed_view()?;
        let primary_id = view
            .entry(replica.id())
            .and_then(|e| e.primary_id.clone())
            .ok_or_else(|| {
                io::Error::other(format!("node {} is not a replica", replica.index()))
            })?;
        let demoted = self
            .node_by_id(&primary_id)
            .ok_or_else(|| io::Error::other(format!("unknown primary {primary_id}")))?;
        let slots = view
            .entry(&primary_id)
            .map(|e| e.slots.clone())
            .unwrap_or_default();

        let mut cmd = cluster("FAILOVER");
        match mode {
            FailoverMode::Coordinated => {}
            FailoverMode::Force => cmd = cmd.arg("FORCE"),
            FailoverMode::Takeover => cmd = cmd.arg("TAKEOVER"),
        }
        let requested_at = Instant::now();
        call(&mut self.connect(replica)?, &cmd)?;

        let what = format!(
            "node {} to replace node {} as primary",
            replica.index(),
            demoted.index()
        );
        let (_, agreed_at) = self.wait_for_agreement(&what, |view| {
            owns_all(view, replica.id(), &slots)?;
            let old = view.entry(&primary_id).ok_or("the old primary vanished")?;
            if old.primary_id.as_deref() != Some(replica.id()) {
                return Err(format!("the old primary follows {:?}", old.primary_id));
            }
            Ok(())
        })?;
        self.wait_healthy()?;
        Ok(Failover {
            promoted: replica.clone(),
            demoted,
            requested_at,
            agreed_at,
        })
    }

    /// SIGSTOP `node`: its sockets stay open and silent (a paused VM, a long GC stall) until
    /// [`RedisCluster::resume`], or until the returned guard is dropped.
    pub fn freeze(&self, node: &Node) -> io::Result<Frozen> {
        let member = self.member(node)?;
        member.process.signal("STOP")?;
        Ok(Frozen {
            member: Some(member),
        })
    }

    /// SIGCONT a node stopped by [`RedisCluster::freeze`].
    pub fn resume(&self, frozen: Frozen) -> io::Result<()> {
        frozen.resume()
    }

    /// SIGKILL `node`, whatever its role. No-op when it is not running.
    pub fn kill(&self, node: &Node) -> io::Result<()> {
        self.member(node)?.process.kill();
        Ok(())
    }

    /// SIGKILL `primary`, remembering its slots and replicas for
    /// [`RedisCluster::wait_for_promotion`].
    pub fn kill_primary(&self, primary: &Node) -> io::Result<KilledPrimary> {
        let (member, record) = self.primary_record(primary)?;
        member.process.kill();
        Ok(record)
    }

    /// SIGSTOP `primary` (see [`RedisCluster::freeze`]), remembering its slots and replicas
    /// for [`RedisCluster::wait_for_promotion`]. While frozen it is not among the live nodes
    /// whose agreement the harness waits for.
    pub fn freeze_primary(&self, primary: &Node) -> io::Result<(Frozen, KilledPrimary)> {
        let (_, record) = self.primary_record(primary)?;
        let frozen = self.freeze(primary)?;
        Ok((frozen, record))
    }

    /// What [`RedisCluster::wait_for_promotion`] needs of a primary about to fail, stamped
    /// now.
    fn primary_record(
        &self,
        primary: &Node,
    ) -> io::Result<(std::sync::Arc<super::harness::Member>, KilledPrimary)> {
        let view = self.agreed_view()?;
        let entry = view
            .entry(primary.id())
            .filter(|e| e.primary)
            .ok_or_else(|| {
                io::Error::other(format!("node {} is not a primary", primary.index()))
            })?;
        let slots = entry.slots.clone();
        let replicas = self.replicas_of(primary)?;
        let member = self.member(primary)?;
        let record = KilledPrimary {
            node: primary.clone(),
            slots,
            replicas,
            killed_at: Instant::now(),
        };
        Ok((member, record))
    }

    /// Wait until one of the dead primary's replicas owns all its slots in the view of every
    /// live node. Returns as soon as that is seen: the promoted node's own replicas (if any)
    /// may still be syncing; call [`RedisCluster::wait_healthy`] to wait for them too.
    pub fn wait_for_promotion(&self, killed: &KilledPrimary) -> io::Result<Promotion> {
        let what = format!("a replica of node {} to be promoted", killed.node.index());
        let (view, agreed_at) = self.wait_for_agreement(&what, |view| {
            let owner = killed
                .slots
                .first()
                .and_then(|&(first, _)| view.owner(first))
                .ok_or("the dead primary had no slots, or they have no owner")?;
            if !killed.replicas.iter().any(|r| r.id() == owner.id) {
                return Err(format!("slots still owned by {}", owner.id));
            }
            owns_all(view, &owner.id, &killed.slots)
        })?;
        let owner = killed
            .slots
            .first()
            .and_then(|&(first, _)| view.owner(first))
            .and_then(|e| self.node_by_id(&e.id))
            .ok_or_else(|| io::Error::other("the promoted node is unknown"))?;
        Ok(Promotion {
            promoted: owner,
            agreed_at,
            took: agreed_at.saturating_duration_since(killed.killed_at),
        })
    }
}

/// `Ok` when `id` is a primary owning every slot in `slots`.
pub(super) fn owns_all(view: &ClusterView, id: &str, slots: &[(u16, u16)]) -> Result<(), String> {
    for &(first, last) in slots {
        for slot in first..=last {
            let owner = view.owner(slot).map(|e| e.id.as_str());
            if owner != Some(id) {
                return Err(format!("slot {slot} owned by {owner:?}, not {id}"));
            }
        }
    }
    Ok(())
}

/// A node stopped with SIGSTOP; resumed when dropped, so that a failing test never leaves a
/// stopped server behind.
pub struct Frozen {
    member: Option<std::sync::Arc<super::harness::Member>>,
}

impl Frozen {
    fn resume(mut self) -> io::Result<()> {
        match self.member.take() {
            Some(member) => member.process.signal("CONT"),
            None => Ok(()),
        }
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        if let Some(member) = self.member.take() {
            let _ = member.process.signal("CONT");
        }
    }
}
