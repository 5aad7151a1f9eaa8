//! `cluster_machine`: the cluster simulator driven by an arbitrary operation sequence.
//!
//! The input scripts submissions, the passing of time, cluster operations (crashes,
//! freezes, isolation, failovers, migrations, scaling) and connection resets; the body runs
//! the script through [`crate::sim::script`] and then lets the run settle and finish, with
//! every invariant of the simulator checked throughout (each command answered exactly once
//! and by its own execution, no write run twice, ASK never changing the slot map, topology
//! queries under the rate limit, bounded buffers, and liveness once the faults stop).

use crate::sim::script;

/// Panics with the simulator's failure report if any invariant breaks.
pub fn cluster_machine(data: &[u8]) {
    let report = script::run(data);
    if report.failure.is_some() {
        panic!("{}", report.failure_text());
    }
}
