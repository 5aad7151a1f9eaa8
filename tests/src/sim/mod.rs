//! A deterministic simulation of a whole Redis Cluster around the core state machine.
//!
//! In the manner of FoundationDB's simulator and TigerBeetle's VOPR: one seed decides
//! everything — the cluster's shape, the faults it suffers, the network's latencies and byte
//! splits, the workload — and the same seed replays the same run, byte for byte. Nothing
//! reads a clock or uses randomly seeded hashing; time jumps from event to event, so a
//! minute of cluster life runs in milliseconds.
//!
//! The client is the real [`keyslot_core::cluster::Cluster`], driven exactly as an adapter
//! drives it, speaking real RESP2/RESP3 bytes to simulated Redis 7.0 nodes that parse them
//! with the core's decoder and answer with `encode_as`. Some seeds' nodes behave, where those
//! releases differ in what a client sees, as Redis 7.4.1 or Valkey 9 instead
//! ([`profile::Flavour`]).
//!
//! | module | its one job |
//! |---|---|
//! | [`rng`] | the seeded generator every choice comes from |
//! | [`clock`] | the queue of future events (virtual time) |
//! | [`profile`] | the per-seed fault profile (swarm testing) |
//! | [`net`] | connections, latency, splits, resets, partitions, black holes, DNS |
//! | [`server`] | one node's connection: commands, handshake, the cluster redirect rules |
//! | [`replies`] | CLUSTER SHARDS / CLUSTER SLOTS as a node's view has them |
//! | [`shards_bug`] | Redis 7.4.1's CLUSTER SHARDS after a failover (that flavour's seeds) |
//! | [`store`] | a node's keys and the replication stream |
//! | [`cluster`] | the true cluster: views and gossip, replication, failure detection, failover |
//! | [`ops`] | the orchestrator: crashes, freezes, isolation, failovers, migrations, scaling |
//! | [`atomic_migration`] | Valkey 9's atomic slot migration (that flavour's seeds) |
//! | [`workload`] | the client's commands over a hash-tagged key space |
//! | [`model`] | what really happened: value histories, the execution log, tokens |
//! | [`check`] | the invariants, per reply, per step and at the end |
//! | [`cancel`] | callers that give up: cancellations, their own deadlines, what must never run |
//! | [`trace`] | the trace hash (determinism) and recent events (failure reports) |
//! | [`world`] | one run: the loop, the phases, liveness |
//! | [`pubsub_server`] | shard pub/sub on the nodes, and the server's unprompted frames |
//! | [`pubsub_check`] | the pub/sub scenario: publisher, invariants, gaps |
//! | [`blocking_server`] | lists and blocked clients on the nodes (`BLPOP`) |
//! | [`script_server`] | each node's script cache, `SCRIPT LOAD` and `EVALSHA` |
//! | [`blocking_check`] | the blocking scenario: pushes, pops, script calls, accounting |
//! | [`tracking_server`] | key tracking on the nodes: invalidation pushes (cache runs) |
//! | [`cache_check`] | the client-side cache scenario: every cached read explained and bounded |
//! | [`scenario_run`] | running pub/sub and blocking seeds (opt-in; the default runs are untouched) |
//! | [`runner`] | running seeds and ranges of seeds, reports |
//! | [`script`] | runs driven by arbitrary operation sequences (the fuzz target) |
//! | [`scale`] | many clients against a large cluster: the refresh-storm measurement |
//! | [`scan_check`] | the cluster-wide SCAN planner through a seed's faults |
//!
//! Replay one seed with `KEYSLOT_SIM_SEED=N cargo test -p keyslot-tests --test sim_seeds`
//! or `cargo run --release -p keyslot-tests --bin sim -- --seed N`.

pub mod atomic_migration;
pub mod blocking_check;
pub mod blocking_server;
pub mod cache_check;
pub mod cancel;
pub mod check;
pub mod clock;
pub mod cluster;
pub mod model;
pub mod net;
pub mod ops;
pub mod owners;
pub mod profile;
pub mod pubsub_check;
pub mod pubsub_server;
pub mod replies;
pub mod rng;
pub mod runner;
pub mod scale;
pub mod scan_check;
pub mod scenario_run;
pub mod script;
pub mod script_server;
pub mod server;
pub mod shards_bug;
pub mod store;
pub mod trace;
pub mod tracking_server;
pub mod workload;
pub mod world;

pub use profile::Profile;
pub use runner::{profile_for, replay_seed, run_range, run_seed, run_with, RunReport, Totals};
pub use scenario_run::{
    run_blocking_seed, run_cache_seed, run_pubsub_seed, BlockingRun, CacheRun, PubSubRun,
};
pub use world::{Driver, World};
