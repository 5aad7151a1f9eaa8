//! A real Redis Cluster per test: `redis-server` processes on loopback, formed, operated and
//! torn down by the harness.
//!
//! # Why
//!
//! The client's promises — route every command right, follow redirects, survive resharding
//! and failover, speak to hostname, same-port and TLS deployments — can only be checked
//! against the real thing. Fixtures show what a server said once; this harness makes a
//! server say it now, in the situation a test chooses, and tells the test when the servers
//! are done changing so it can measure how soon the client follows.
//!
//! # How
//!
//! [`RedisCluster::start`] takes a [`ClusterSpec`] (default: 3 primaries + 3 replicas on
//! 127.0.0.1), starts every node at once on free ports, then forms the cluster itself with
//! `CLUSTER ADDSLOTSRANGE` / `MEET` / `REPLICATE` over the plain test client — faster than
//! `redis-cli --cluster create` (no fixed sleeps) and fully under control — and returns when
//! every node says `cluster_state:ok`, all agree on nodes, roles and slots, and every replica
//! is in sync. Nodes are parsed from `CLUSTER NODES` by the harness's own code, never by the
//! client under test.
//!
//! ```no_run
//! use keyslot_tests::cluster::{ClusterSpec, RedisCluster};
//!
//! if !keyslot_tests::require_redis() {
//!     return;
//! }
//! let cluster = RedisCluster::start(ClusterSpec::new()).unwrap();
//! let owner = cluster.slot_owner(12182).unwrap(); // where "foo" lives
//! let target = cluster.primaries().unwrap().into_iter().find(|p| *p != owner).unwrap();
//! cluster.migrate_slot(12182, &owner, &target).unwrap();
//! let replica = &cluster.replicas_of(&target).unwrap()[0];
//! let failover = cluster.failover(replica).unwrap();
//! println!("servers agreed {:?} after the request", failover.agreed_at - failover.requested_at);
//! ```
//!
//! Operations (all `&self`; the cluster is `Sync`, so traffic threads can share it):
//! - lookups: [`RedisCluster::nodes`], [`primaries`](RedisCluster::primaries),
//!   [`replicas_of`](RedisCluster::replicas_of), [`slot_owner`](RedisCluster::slot_owner),
//!   [`seed_addr`](RedisCluster::seed_addr), [`view`](RedisCluster::view);
//! - resharding: [`migrate_slot`](RedisCluster::migrate_slot), with a hook between the
//!   protocol's steps in [`migrate_slots_with`](RedisCluster::migrate_slots_with);
//! - failover: [`failover`](RedisCluster::failover),
//!   [`kill_primary`](RedisCluster::kill_primary) +
//!   [`wait_for_promotion`](RedisCluster::wait_for_promotion);
//! - membership: [`add_primary`](RedisCluster::add_primary),
//!   [`add_replica`](RedisCluster::add_replica), [`kill`](RedisCluster::kill),
//!   [`restart`](RedisCluster::restart);
//! - waiting: [`wait_healthy`](RedisCluster::wait_healthy),
//!   [`wait_for_agreement`](RedisCluster::wait_for_agreement).
//!
//! Files, one job each: `spec.rs` (options), `launch.rs` (options to server arguments),
//! `node.rs` (a node and its process), `ports.rs`, `tls.rs` (certificates), `admin.rs` (the
//! harness's commands), `view.rs` (`CLUSTER NODES` and agreement), `wait.rs` (polling),
//! `harness.rs` (the cluster type, start-up, teardown), `form.rs` (forming), `health.rs`,
//! `migrate.rs`, `failover.rs`, `membership.rs`.
//!
//! Every node also keeps a plain-TCP port in TLS mode: the harness's client speaks only
//! plain TCP. Clients under TLS see only TLS ports in the topology (the server reports the
//! port of the kind the asking connection uses).

mod admin;
mod atomic_migrate;
mod failover;
mod form;
mod harness;
mod health;
mod launch;
mod membership;
mod migrate;
mod node;
mod ports;
mod spec;
mod tls;
mod view;
mod wait;

pub use failover::{Failover, FailoverMode, Frozen, KilledPrimary, Promotion};
pub use harness::RedisCluster;
pub use migrate::{MigrationStep, DEFAULT_MIGRATE_BATCH};
pub use node::Node;
pub use spec::{
    default_hostname, Auth, ClusterSpec, Endpoint, HostnameFn, Layout, TlsSpec,
    DEFAULT_NODE_TIMEOUT, DISTINCT_ADDRESS_BASE,
};
pub use tls::{require_tls, tls_supported, ClientCert};
pub use view::{ClusterView, NodeEntry, SLOTS};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cluster_can_be_shared_with_traffic_threads() {
        fn sync_and_send<T: Sync + Send>() {}
        sync_and_send::<RedisCluster>();
        sync_and_send::<Node>();
    }
}
