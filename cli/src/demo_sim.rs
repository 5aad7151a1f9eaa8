//! `keyslot demo` on the built-in simulated cluster (keyslot-tests' deterministic
//! simulator): the real client state machine against simulated Redis nodes, while the
//! cluster fails over, migrates slots and scales. The simulator checks its invariants at
//! every step (every request answered once, every read a value the key held, no ASK
//! changing the slot map, rediscovery within its rate limit, ...); the demo exits 1 when one
//! breaks.

use std::time::{Duration as StdDuration, Instant as StdInstant};

use keyslot::Event;
use keyslot_core::time::Duration;
use keyslot_tests::sim::profile::Profile;
use keyslot_tests::sim::world::{Driver, Phase, World};

use crate::args::{Chaos, DemoArgs};
use crate::view::{summary, Snapshot, View};

/// The cluster's life under each chaos level. Light: failovers, migrations and scaling out,
/// bytes in random pieces. Heavy: the same far more often over many more slot ranges, with
/// partial writes and jittery latency. Both are what a correct client must hide from its
/// callers. Crashes, resets, scale-in and loading replicas — which can legitimately leave a
/// write's outcome unknown or run a request out of time — are exercised by the simulator's
/// own seed runs (`cargo run -p keyslot-tests --bin sim`), not by the demo.
pub fn profile(chaos: Chaos, duration: StdDuration, clients: usize) -> Profile {
    let mut p = Profile::calm();
    p.fault_secs = duration.as_secs().max(1);
    p.max_outstanding = clients.max(1);
    p.submit_every_us = 500;
    if chaos == Chaos::None {
        return p;
    }
    p.graceful_failovers = true;
    p.migrations = true;
    p.scale_out = true;
    p.split_bytes = true;
    p.op_every_ms = 2_000;
    if chaos == Chaos::Heavy {
        p.partial_writes = true;
        p.slot_runs = 24;
        p.latency_us = (50, 2_000);
        p.jitter_us = 500;
        p.op_every_ms = 600;
    }
    p
}

/// Run the demo; returns the exit status (0: every invariant held).
pub fn run(args: &DemoArgs) -> i32 {
    let profile = profile(args.chaos, args.duration, args.clients);
    let mut w = World::new(args.sim_seed, profile, Driver::Random);
    w.tap = Some(Vec::new());
    let mut view = View::new();
    let mut snap = Snapshot::default();
    let tick = StdDuration::from_millis(250);
    let wall = StdInstant::now();
    let start = w.now;
    while w.phase != Phase::Done && w.failure.is_none() {
        let until = w.now + Duration::from(tick);
        w.run_until(until);
        absorb(&mut snap, &mut w);
        snap.elapsed_s = (w.now - start).as_micros() as f64 / 1e6;
        // Wall-clock pace while the cluster is under fire; the settling and the final checks
        // that follow run flat out.
        if !args.fast && snap.elapsed_s <= args.duration.as_secs_f64() {
            let due = wall + StdDuration::from_secs_f64(snap.elapsed_s);
            if let Some(wait) = due.checked_duration_since(StdInstant::now()) {
                std::thread::sleep(wait);
            }
            view.draw(&snap);
        }
        if w.sched.next_at().is_none() && w.deadline.is_none() {
            break;
        }
    }
    if w.failure.is_none() && w.phase != Phase::Done {
        w.run();
    }
    absorb(&mut snap, &mut w);
    view.draw(&snap);
    let broken: Vec<String> = w.failure.iter().cloned().collect();
    summary(&snap, &broken);
    for (kind, n) in &w.work.errors {
        println!("caller-visible error: {kind} x{n}");
    }
    if let Some(f) = &w.failure {
        eprintln!(
            "replay with: keyslot demo --sim-seed {} --chaos {:?} --fast\n{f}",
            args.sim_seed, args.chaos
        );
    }
    i32::from(!broken.is_empty())
}

/// Fold the world's counters and the client's events into the snapshot.
fn absorb(snap: &mut Snapshot, w: &mut World) {
    for e in w.tap.as_mut().map(std::mem::take).unwrap_or_default() {
        match e {
            Event::Redirected { ask, slot, to, .. } => {
                snap.redirects += 1;
                snap.recent.push(format!(
                    "{} slot {slot} -> {to}",
                    if ask { "ASK" } else { "MOVED" }
                ));
            }
            Event::RefreshFinished { trigger, outcome } => {
                snap.refreshes += 1;
                snap.recent
                    .push(format!("rediscovery ({trigger:?}): {outcome:?}"));
            }
            Event::TopologyChanged {
                slots_moved,
                primaries_after,
                ..
            } => {
                snap.recent.push(format!(
                    "view changed: {slots_moved} slots moved, {primaries_after} primaries"
                ));
            }
            _ => {}
        }
    }
    let excess = snap.recent.len().saturating_sub(20);
    snap.recent.drain(..excess);
    snap.ok = w.work.ok;
    snap.errors = w.work.errors.values().sum();
    snap.failovers = w.stats.failovers;
    snap.migrations = w.stats.migrations;
    snap.scalings = w
        .stats
        .ops
        .saturating_sub(w.stats.failovers + w.stats.migrations);
    snap.owners = w
        .client
        .topology()
        .map(|t| {
            t.shards()
                .iter()
                .filter_map(|s| {
                    let p = s.primary.as_ref()?;
                    Some((
                        p.addr.to_string(),
                        s.slots.iter().map(|(a, b)| usize::from(b - a) + 1).sum(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::DemoArgs;
    use clap::Parser;

    fn demo_args(extra: &[&str]) -> DemoArgs {
        let mut argv = vec!["keyslot", "demo", "--fast"];
        argv.extend_from_slice(extra);
        match crate::args::Cli::parse_from(argv).command {
            crate::args::Command::Demo(a) => a,
            _ => unreachable!("parsed a demo"),
        }
    }

    #[cfg(not(feature = "plant"))]
    #[test]
    fn heavy_chaos_ends_with_no_caller_visible_errors_and_exit_zero() {
        for seed in ["1", "2"] {
            let args = demo_args(&["--duration", "20s", "--chaos", "heavy", "--sim-seed", seed]);
            assert_eq!(run(&args), 0, "seed {seed}");
        }
    }

    /// With the core's planted bug (ASK rewriting the slot map), a demo with migrations must
    /// end with exit status 1 for some seed.
    #[cfg(feature = "plant")]
    #[test]
    fn a_broken_invariant_makes_the_demo_exit_non_zero() {
        let caught = (1..=40u64).find(|seed| {
            let s = seed.to_string();
            run(&demo_args(&[
                "--duration",
                "20s",
                "--chaos",
                "heavy",
                "--sim-seed",
                &s,
            ])) == 1
        });
        assert!(
            caught.is_some(),
            "no seed in 1..=40 broke an invariant with the plant on"
        );
    }
}
