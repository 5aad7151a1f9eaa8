//! Changing who is in the cluster: adding primaries and replicas (scale-out), restarting a
//! node.
//!
//! A new node is started like the first ones (same options, next index, new ports — or the
//! shared ports on the next address in the same-port layout), introduced with `CLUSTER MEET`
//! (the new node meets a live member, as `redis-cli --cluster add-node` does), and counted
//! as added once the cluster is healthy with it.

use std::io;

use super::admin::{call, cluster};
use super::form::meet;
use super::harness::RedisCluster;
use super::node::Node;

impl RedisCluster {
    /// Start a new node and make it a primary with no slots; move slots to it with
    /// [`RedisCluster::migrate_slots`]. Returns once the cluster is healthy with it: every
    /// live node knows it, and it says `cluster_state:ok` itself — which a new primary only
    /// does 2 s after it started (the server's fixed rejoin delay); until then it refuses
    /// keys, `MIGRATE` included, with `CLUSTERDOWN`.
    pub fn add_primary(&self) -> io::Result<Node> {
        let node = self.add_node()?;
        self.wait_healthy()?;
        Ok(node)
    }

    /// Start a new node and make it a replica of `primary`; returns once it has synced.
    pub fn add_replica(&self, primary: &Node) -> io::Result<Node> {
        let node = self.add_primary()?;
        call(
            &mut self.connect(&node)?,
            &cluster("REPLICATE").arg(primary.id()),
        )?;
        self.wait_healthy()?;
        Ok(node)
    }

    /// Start the next node and have it meet a live member.
    fn add_node(&self) -> io::Result<Node> {
        let seed = self
            .live_nodes()
            .into_iter()
            .next()
            .ok_or_else(|| io::Error::other("no live node to meet"))?;
        let member = self.start_new_member(self.next_index())?;
        let node = self.push_member(member);
        call(&mut self.connect(&node)?, &meet(&seed))?;
        Ok(node)
    }

    /// Stop `node` (SIGTERM, SIGKILL if it lingers) if it runs, start it again on the same
    /// address, ports and directory, and wait until the cluster is healthy. The node keeps
    /// its id and `nodes.conf`, but not its data: a primary that returns before its replicas
    /// replaced it comes back empty (and so do they, after resyncing from it). A primary that
    /// was replaced while down comes back as a replica of its successor.
    pub fn restart(&self, node: &Node) -> io::Result<()> {
        let member = self.member(node)?;
        member.process.restart(self.spec.auth.as_ref())?;
        self.wait_healthy()
    }
}
