//! The simulator catches a bug planted in the core on purpose.
//!
//! With the `plant` feature, keyslot-core is built with `plant-ask-updates-map`: its ASK
//! handler also writes the ASK target into the slot map — the classic mistake the protocol
//! forbids (ASK is for one command; only MOVED moves a slot). This test runs seeds from 1
//! until the simulator reports that violation, and fails unless that happens within 1,000
//! seeds. scripts/test runs it as its own step:
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
