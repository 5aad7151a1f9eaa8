//! The simulator catches bugs planted in the core on purpose.
//!
//! With the `plant` feature, keyslot-core is built with two of them:
//! - `plant-ask-updates-map`: its ASK handler also writes the ASK target into the slot map —
//!   the classic mistake the protocol forbids (ASK is for one command; only MOVED moves a
//!   slot). The first test runs plain seeds from 1 until the simulator reports that
//!   violation, and fails unless that happens within 1,000 seeds.
//! - `plant-cache-survives-lost-conn`: the client-side cache keeps what it read on a
//!   connection that was lost, with the invalidations that connection would have carried.
//!   The second test runs cache seeds until the cache check reports a stale hit, within 300.
//!
//! scripts/test runs them as their own step:
//!
//! ```text
//! cargo test -p keyslot-tests --features plant --test sim_plant
//! ```
//!
//! Without the feature there is nothing to catch and the file compiles to no tests.
#![cfg(feature = "plant")]

use keyslot_tests::sim;

#[test]
fn the_planted_ask_bug_is_caught_within_1000_seeds() {
    let mut first = None;
    for seed in 1..=1000u64 {
        let report = sim::run_seed(seed);
        if let Some(failure) = &report.failure {
            assert!(
                failure.contains("ASK for slot")
                    && failure.contains("changed the client's slot map"),
                "seed {seed} failed, but not because of the planted bug:\n{}",
                report.failure_text()
            );
            first = Some((seed, failure.clone()));
            break;
        }
    }
    let (seed, failure) = first.expect("1,000 seeds ran and none caught the planted ASK bug");
    println!("the planted bug was caught by seed {seed}: {failure}");
}

#[test]
fn the_planted_cache_bug_is_caught_within_300_seeds() {
    let mut first = None;
    for seed in 1..=300u64 {
        let run = sim::run_cache_seed(seed);
        let Some(failure) = &run.report.failure else {
            continue;
        };
        // The ASK bug is planted too: a seed it trips first says nothing about the cache.
        if failure.contains("ASK for slot") {
            continue;
        }
        assert!(
            failure.contains("from the cache"),
            "seed {seed} failed, but not because of the planted cache bug:\n{}",
            run.report.failure_text()
        );
        first = Some((seed, failure.clone()));
        break;
    }
    let (seed, failure) = first.expect("300 cache seeds ran and none caught the planted bug");
    println!("the planted cache bug was caught by seed {seed}: {failure}");
}
