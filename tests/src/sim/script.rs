//! Runs driven by an arbitrary sequence of operations: the `cluster_machine` fuzz target.
//!
//! quinn-proto's random-interaction tests are the model: instead of the seed's orchestrator
//! and workload deciding what happens when, the input bytes do. The first eight bytes seed
//! everything that stays random (latencies, splits, which node an operation picks); the
//! ninth and tenth shape the cluster; the rest is a script, two bytes per step:
//!
//! | first byte % 8 | step |
//! |---|---|
//! | 0, 1, 2 | submit a random request (command, pipeline or transaction) |
//! | 3 | let `(arg % 50 + 1) * 10` ms pass |
//! | 4 | start a cluster operation: `arg % 9` picks crash, freeze, isolate, failover, loading, partition, migrate, scale-out or scale-in |
//! | 5 | reset the `arg`-th open connection |
//! | 6 | take `arg % 16 + 1` single steps (each at most 100 ms) |
//! | 7 | submit `arg % 8 + 1` requests at once |
//!
//! After the script the faults stop, and the run goes on like a seeded one: settle, quiet,
//! liveness, drain — with every invariant of [`super::check`] checked throughout. Only the
//! traffic differs: a seeded run's workload runs on through the quiet minute, while a
//! scripted one sends a request per [`super::world::QUIET_SUBMIT_EVERY_US`] while the
//! cluster settles and then just the [`super::world::SCRIPTED_PROBES`] requests that must
//! succeed, so that an input costs what its own script does rather than a minute of the
//! same quiet traffic (the fuzzer ran 22 inputs a second that way).

use keyslot_core::time::Duration;

use super::ops::ALL_KINDS;
use super::profile::{Profile, Seeds};
use super::rng::Rng;
use super::runner::RunReport;
use super::world::{Driver, Ev, World};

/// Most script steps read from one input.
pub const MAX_STEPS: usize = 256;

/// The profile an input asks for: network behaviour from the seed, shape from two bytes,
/// and no orchestrator (the script starts the operations).
fn profile(seed: u64, shape: u8, mode: u8) -> Profile {
    let mut p = Profile::draw(&mut Rng::new(seed));
    p.shards = 1 + usize::from(shape % 4);
    p.replicas = usize::from((shape / 4) % 3);
    p.slot_runs = p.shards + usize::from(shape / 12) * 8;
    p.endpoints = match mode % 3 {
        0 => super::profile::Endpoints::Ip,
        1 => super::profile::Endpoints::Hostname,
        _ => super::profile::Endpoints::SharedHost,
    };
    if p.endpoints == super::profile::Endpoints::SharedHost && p.seeds == Seeds::ConfigEndpoint {
        p.seeds = Seeds::Nodes(1);
    }
    p.resp3 = mode & 4 != 0;
    p.legacy = mode & 8 != 0 && mode & 16 != 0;
    p.auth = mode & 32 != 0;
    p.crashes = false;
    p.graceful_failovers = false;
    p.isolations = false;
    p.freezes = false;
    p.migrations = false;
    p.scale_out = false;
    p.scale_in = false;
    p.loading = mode & 64 != 0;
    p.partitions = false;
    p.resets_ms = None;
    p.dns_rotation = false;
    p.fault_secs = 0;
    p
}

/// Run the script in `data`; the report says whether an invariant broke.
pub fn run(data: &[u8]) -> RunReport {
    let mut head = [0u8; 10];
    for (i, b) in data.iter().take(10).enumerate() {
        head[i] = *b;
    }
    let seed = u64::from_le_bytes(head[..8].try_into().unwrap_or([0; 8]));
    let p = profile(seed, head[8], head[9]);
    let script = data.get(10..).unwrap_or(&[]);
    let mut w = World::new(seed, p, Driver::Scripted);
    for step in script.chunks(2).take(MAX_STEPS) {
        if w.failure.is_some() {
            break;
        }
        let (op, arg) = (step[0], step.get(1).copied().unwrap_or(0));
        match op % 8 {
            0..=2 => w.submit_random(false),
            3 => {
                let t = w.now + Duration::from_millis(u64::from(arg % 50 + 1) * 10);
                w.run_until(t);
            }
            4 => {
                w.start_op(ALL_KINDS[usize::from(arg) % ALL_KINDS.len()]);
            }
            5 => {
                let open: Vec<u64> = w
                    .net
                    .conns
                    .iter()
                    .filter(|(_, c)| c.state == super::net::State::Open)
                    .map(|(&k, _)| k)
                    .collect();
                if !open.is_empty() {
                    w.reset_conn(open[usize::from(arg) % open.len()]);
                    w.check_step();
                }
            }
            6 => {
                // Single steps, but never a jump of more than 100 ms (an idle client's next
                // deadline can be a minute away).
                for _ in 0..=(arg % 16) {
                    let limit = w.now + Duration::from_millis(100);
                    let next = match (w.sched.next_at(), w.deadline) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    if next.is_some_and(|t| t <= limit) {
                        w.step();
                    } else {
                        w.run_until(limit);
                    }
                }
            }
            _ => {
                for _ in 0..=(arg % 8) {
                    w.submit_random(false);
                }
            }
        }
    }
    // The faults stop; from here on it is an ordinary run.
    let now = w.now;
    w.sched.at(now, Ev::FaultsEnd);
    w.sched.at(now, Ev::Submit);
    w.run();
    w.report()
}
