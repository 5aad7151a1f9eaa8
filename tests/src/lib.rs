//! keyslot's test harnesses, shared by the integration tests in `tests/tests/`.
//!
//! - [`server`]: a real `redis-server` per test ([`RedisServer`]), in a scratch dir of its own.
//! - [`cluster`]: a real Redis Cluster per test ([`cluster::RedisCluster`]): any shape,
//!   hostname / same-port / TLS / ACL deployments, resharding, failover and scale-out.
//! - [`client`]: a tiny blocking pipelining client ([`Conn`]) built on the core's encoder and
//!   decoder, for talking to such a server before the real client exists.
//! - [`fake_node`]: a node that lies (redirects to an address of the test's choosing) and a
//!   listener that records what reaches it, for the promises about misbehaving peers.
//! - [`require`]: the skip-unless-installed convention ([`require_redis`]); under `CI=true`
//!   a missing server fails the test instead.
//! - [`runtimes`]: one client scenario on every runtime (tokio, smol, async-std, blocking),
//!   for the real-cluster client tests (`tests/tests/client_*.rs`).
//! - [`tempdir`]: scratch directories, std only.
//! - [`fuzz_targets`]: the fuzz targets' bodies, shared by `fuzz/` and the corpus replay test.
//! - [`sim`]: the deterministic cluster simulator (a whole Redis Cluster, faults and all,
//!   around the core state machine), replayable by seed.
pub mod blackhole;
pub mod client;
pub mod cluster;
pub mod fake_node;
pub mod fuzz_targets;
pub mod require;
pub mod runtimes;
pub mod server;
pub mod sim;
pub mod tempdir;

pub use client::{Conn, Frame};
pub use require::{redis_available, require_redis};
pub use server::{RedisServer, ServerConfig};
