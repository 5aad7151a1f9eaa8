//! The simulator's runner.
//!
//! ```text
//! cargo run --release -p keyslot-tests --bin sim -- --seeds 1..1000 [--threads N] [--verbose]
//! cargo run --release -p keyslot-tests --bin sim -- --seed 42        # one seed, full report
//! cargo run --release -p keyslot-tests --bin sim -- --scale [--shards 500] [--clients 10000]
//! cargo run --release -p keyslot-tests --bin sim -- --script FILE...  # cluster_machine inputs
//! cargo run --release -p keyslot-tests --bin sim -- --pubsub --seeds 1..2000  # pub/sub runs
//! cargo run --release -p keyslot-tests --bin sim -- --blocking --seeds 1..2000  # pops, scripts
//! cargo run --release -p keyslot-tests --bin sim -- --cache --seeds 1..10000  # client-side cache
//! ```
//!
//! `KEYSLOT_SIM_SEED=N` is the same as `--seed N`. Prints every failure in full, then a
//! summary, and last a line `N passed, M failed`; exits non-zero if any seed failed.

use std::process::ExitCode;

use keyslot_tests::sim;
use keyslot_tests::sim::scenario_run::{ScenarioRun, ScenarioStats};

fn usage() -> ExitCode {
    eprintln!(
        "usage: sim --seeds A..B [--threads N] [--verbose] | --seed N | \
         --scale [--shards N] [--clients N] [--seed N] | --script FILE... | \
         (--pubsub | --blocking | --cache) (--seeds A..B | --seed N)"
    );
    ExitCode::from(2)
}

fn parse_range(s: &str) -> Option<std::ops::Range<u64>> {
    let (a, b) = s.split_once("..")?;
    let a: u64 = a.parse().ok()?;
    let b = b.strip_prefix('=').map_or_else(
        || b.parse::<u64>().ok(),
        |b| b.parse::<u64>().ok().map(|v| v + 1),
    )?;
    (a < b).then_some(a..b)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut seeds: Option<std::ops::Range<u64>> = None;
    let mut one: Option<u64> = std::env::var("KEYSLOT_SIM_SEED")
        .ok()
        .and_then(|s| s.parse().ok());
    let mut threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut verbose = false;
    let mut scale = false;
    let mut pubsub = false;
    let mut blocking = false;
    let mut cache = false;
    let mut shards = 500usize;
    let mut clients = 10_000usize;
    let mut scripts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1);
        match args[i].as_str() {
            "--seeds" => match value.and_then(|v| parse_range(v)) {
                Some(r) => seeds = Some(r),
                None => return usage(),
            },
            "--seed" => match value.and_then(|v| v.parse().ok()) {
                Some(s) => one = Some(s),
                None => return usage(),
            },
            "--threads" => match value.and_then(|v| v.parse().ok()) {
                Some(t) => threads = t,
                None => return usage(),
            },
            "--shards" => match value.and_then(|v| v.parse().ok()) {
                Some(t) => shards = t,
                None => return usage(),
            },
            "--clients" => match value.and_then(|v| v.parse().ok()) {
                Some(t) => clients = t,
                None => return usage(),
            },
            "--script" => {
                scripts.extend(args[i + 1..].iter().cloned());
                break;
            }
            "--verbose" => {
                verbose = true;
                i += 1;
                continue;
            }
            "--scale" => {
                scale = true;
                i += 1;
                continue;
            }
            "--pubsub" => {
                pubsub = true;
                i += 1;
                continue;
            }
            "--blocking" => {
                blocking = true;
                i += 1;
                continue;
            }
            "--cache" => {
                cache = true;
                i += 1;
                continue;
            }
            _ => return usage(),
        }
        i += 2;
    }
    if !scripts.is_empty() {
        let mut failed = 0;
        for path in &scripts {
            let data = match std::fs::read(path) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("{path}: {e}");
                    return ExitCode::from(2);
                }
            };
            let r = sim::script::run(&data);
            if r.failure.is_some() {
                failed += 1;
                println!("{path}:\n{}\n", r.failure_text());
            }
            println!("{path}: {}", r.line());
        }
        println!("{} passed, {} failed", scripts.len() - failed, failed);
        return if failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    if scale {
        let report = sim::scale::run(&sim::scale::ScaleConfig {
            shards,
            clients,
            seed: one.unwrap_or(1),
            ..sim::scale::ScaleConfig::default()
        });
        println!("{report}");
        return if report.routed_correctly {
            println!("1 passed, 0 failed");
            ExitCode::SUCCESS
        } else {
            println!("0 passed, 1 failed");
            ExitCode::FAILURE
        };
    }
    if pubsub {
        return run_scenario(
            "--pubsub",
            sim::run_pubsub_seed,
            one,
            seeds,
            threads,
            verbose,
        );
    }
    if blocking {
        let run = sim::run_blocking_seed;
        return run_scenario("--blocking", run, one, seeds, threads, verbose);
    }
    if cache {
        let run = sim::run_cache_seed;
        return run_scenario("--cache", run, one, seeds, threads, verbose);
    }
    if let Some(seed) = one {
        let r = sim::run_seed(seed);
        if r.failure.is_some() {
            println!("{}", r.failure_text());
        }
        println!("{}", r.line());
        println!("trace hash {:016x}", r.trace_hash);
        let failed = u64::from(r.failure.is_some());
        println!("{} passed, {} failed", 1 - failed, failed);
        return if failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    let Some(range) = seeds else {
        return usage();
    };
    let started = std::time::Instant::now();
    let (mut done, mut failed) = (0u64, 0u64);
    let totals = sim::run_range(range, threads, |r| {
        done += 1;
        if r.failure.is_some() {
            failed += 1;
            println!("{}\n", r.failure_text());
        } else if verbose {
            println!("{}", r.line());
        }
        if done % 5_000 == 0 {
            eprintln!(
                "progress: {done} seeds run, {failed} failed, {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
    });
    finish(&totals, started, None)
}

/// `--pubsub`, `--blocking`: one seed in full or a range, then the scenario's totals.
fn run_scenario<S: ScenarioStats>(
    flag: &str,
    run_seed: fn(u64) -> ScenarioRun<S>,
    one: Option<u64>,
    seeds: Option<std::ops::Range<u64>>,
    threads: usize,
    verbose: bool,
) -> ExitCode {
    let range = match (one, seeds) {
        (Some(s), _) => s..s + 1,
        (None, Some(r)) => r,
        (None, None) => return usage(),
    };
    let single = range.end - range.start == 1;
    let started = std::time::Instant::now();
    let (totals, stats) = sim::scenario_run::run_range(range, threads, run_seed, |r| {
        if r.report.failure.is_some() {
            println!(
                "{}\n",
                r.report
                    .failure_text()
                    .replace("--seed", &format!("{flag} --seed"))
            );
        }
        if verbose || single {
            println!("{}", r.line());
        }
        if single {
            println!("trace hash {:016x}", r.report.trace_hash);
        }
    });
    finish(&totals, started, Some(stats.summary()))
}

/// The end of a range run: the totals (and any extra summary), the failed seeds, and last
/// the `N passed, M failed` line; non-zero when any seed failed.
fn finish(totals: &sim::Totals, started: std::time::Instant, extra: Option<String>) -> ExitCode {
    println!(
        "{} ({:.1} s wall)",
        totals.summary(),
        started.elapsed().as_secs_f64()
    );
    if let Some(extra) = extra {
        println!("{extra}");
    }
    if !totals.failed_seeds.is_empty() {
        println!("failed seeds: {:?}", totals.failed_seeds);
    }
    println!("{} passed, {} failed", totals.passed, totals.failed);
    if totals.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
