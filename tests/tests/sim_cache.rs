//! The cluster simulator's client-side cache scenario over a fixed range of seeds.
//!
//! Each seed runs its own faults and cluster shape (over RESP3, the cache's protocol) with
//! the client caching reads and the nodes tracking keys; the checker
//! (`keyslot_tests::sim::cache_check`) fails a seed on a cached reply that no earlier read
//! explains, one that an invalidation the client had received (a push, a lost connection, a
//! slot move, its own write) should have dropped, or one older than what the client last
//! saw the key become. `KEYSLOT_SIM_SEED=N` runs only seed N;
//! `cargo run --release -p keyslot-tests --bin sim -- --cache --seeds 1..10001` runs the
//! 10,000 the cache was judged on.

use keyslot_tests::sim;

/// Seeds `1..=SEEDS` run in `cargo test` (about 20 s in a debug build).
const SEEDS: u64 = 40;

/// Seeds that once found a bug, each with what it found.
const REGRESSIONS: &[(u64, &str)] = &[
    (
        61,
        "a MOVED to a node the view did not list yet left the slot's cached entries in place \
         (core fix: a redirect drops them before its target is looked up)",
    ),
    (
        259,
        "a rediscovery that found the same view put a slot back where it was before a MOVED, \
         and the entries read from the MOVED's target stayed (core fix: a rebuilt slot table \
         that differs counts as a new view for the cache)",
    ),
];

#[test]
fn every_cache_seed_in_the_fixed_range_passes() {
    let (totals, stats) =
        sim::scenario_run::run_fixed_range(SEEDS, "sim_cache", "--cache", sim::run_cache_seed);
    assert_eq!(
        totals.failed, 0,
        "failed seeds (replay each with KEYSLOT_SIM_SEED=N): {:?}",
        totals.failed_seeds
    );
    if let Some(seed) = sim::replay_seed() {
        println!("SKIPPED the coverage checks: seed {seed} alone need not exercise everything");
        return;
    }
    // The range must really cache, and really lose what it cached, or passing means little.
    assert!(
        stats.hits > stats.stale_fills,
        "no hit was checked against the history"
    );
    assert!(stats.pushes_read > 0, "no invalidation reached the client");
    assert!(stats.conns_lost > 0, "no tracking connection was lost");
    assert!(stats.slot_moves > 0, "no slot moved under the cache");
    assert!(totals.failovers > 0 && totals.migrations > 0);
}

#[test]
fn cache_regression_seeds_pass() {
    sim::scenario_run::check_regressions(REGRESSIONS, sim::run_cache_seed);
}

#[test]
fn a_cache_seed_replays_identically() {
    let (a, b) = sim::scenario_run::check_replays_identically(7, sim::run_cache_seed);
    assert!(
        a.stats.hits > 0,
        "the scenario answered nothing from the cache"
    );
    assert_eq!(a.stats.hits, b.stats.hits);
}
