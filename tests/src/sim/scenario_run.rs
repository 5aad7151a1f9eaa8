//! Running scenario seeds: the seed's own profile and run, with an opt-in scenario on top
//! (pub/sub, or blocking pops and scripts).
//!
//! Kept apart from [`super::runner`] so that the default runs stay exactly as they were: each
//! scenario draws from a stream of its own and is switched on only here, so a seed's plain
//! run replays byte for byte whatever this module does.

use std::panic::{self, AssertUnwindSafe};

use super::blocking_check::BlockingStats;
use super::cache_check::CacheStats;
use super::profile::Profile;
use super::pubsub_check::PubSubStats;
use super::runner::{profile_for, replay_seed, run_parallel, run_with, RunReport, Totals};
use super::world::{Driver, World};

/// One scenario run.
#[derive(Clone, Debug)]
pub struct ScenarioRun<S> {
    /// The usual report (its invariants hold in scenario runs too).
    pub report: RunReport,
    /// What the scenario measured.
    pub stats: S,
}

/// One pub/sub run.
pub type PubSubRun = ScenarioRun<PubSubStats>;
/// One blocking run.
pub type BlockingRun = ScenarioRun<BlockingStats>;
/// One client-side cache run.
pub type CacheRun = ScenarioRun<CacheStats>;

/// What a scenario measures: per seed, and summed over a range.
pub trait ScenarioStats: Default + Clone + Send {
    /// Add another run's numbers.
    fn add(&mut self, other: &Self);
    /// The totals, one line.
    fn summary(&self) -> String;
    /// One seed's numbers, for its report line.
    fn seed_line(&self) -> String {
        self.summary()
    }
}

impl ScenarioStats for PubSubStats {
    fn add(&mut self, other: &Self) {
        PubSubStats::add(self, other);
    }
    fn summary(&self) -> String {
        PubSubStats::summary(self)
    }
    fn seed_line(&self) -> String {
        format!(
            "pub/sub {} published, {} delivered, {} losses, gaps {:?}",
            self.published,
            self.delivered,
            self.resubscribes,
            self.gaps_us
                .iter()
                .map(|g| format!("{:.3}s", *g as f64 / 1e6))
                .collect::<Vec<_>>()
        )
    }
}

impl ScenarioStats for BlockingStats {
    fn add(&mut self, other: &Self) {
        BlockingStats::add(self, other);
    }
    fn summary(&self) -> String {
        BlockingStats::summary(self)
    }
}

impl ScenarioStats for CacheStats {
    fn add(&mut self, other: &Self) {
        CacheStats::add(self, other);
    }
    fn summary(&self) -> String {
        CacheStats::summary(self)
    }
}

impl<S: ScenarioStats> ScenarioRun<S> {
    /// One line: the run's, then the scenario's numbers.
    pub fn line(&self) -> String {
        format!("{} | {}", self.report.line(), self.stats.seed_line())
    }
}

/// Run seed `seed` with `profile` (the seed's own, or a scenario's variant of it) and a
/// scenario: `enable` switches it on, `after_step` checks after each step, `finish` checks
/// the end and returns what it measured. A panic fails the seed.
fn run_scenario<S: Default>(
    seed: u64,
    profile: Profile,
    what: &str,
    enable: fn(&mut World),
    after_step: fn(&mut World),
    finish: fn(&mut World) -> S,
) -> ScenarioRun<S> {
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut w = World::new(seed, profile.clone(), Driver::Random);
        enable(&mut w);
        w.run_stepping(after_step);
        let stats = finish(&mut w);
        (w.report(), stats)
    }));
    match result {
        Ok((report, stats)) => ScenarioRun { report, stats },
        Err(e) => {
            let msg = crate::runtimes::panic_message(&*e);
            // The plain run's report shape, with the panic as its failure.
            let mut report = run_with(seed, profile);
            report.failure = Some(format!("panicked in the {what} run: {msg}"));
            ScenarioRun {
                report,
                stats: S::default(),
            }
        }
    }
}

/// Run seed `seed` as a pub/sub run.
pub fn run_pubsub_seed(seed: u64) -> PubSubRun {
    run_scenario(
        seed,
        profile_for(seed),
        "pub/sub",
        World::enable_pubsub,
        World::pubsub_step,
        |w| {
            w.pubsub_finish();
            w.pubsub_stats().unwrap_or_default()
        },
    )
}

/// Run seed `seed` as a blocking run (blocking pops and scripts).
pub fn run_blocking_seed(seed: u64) -> BlockingRun {
    run_scenario(
        seed,
        profile_for(seed),
        "blocking",
        World::enable_blocking,
        |_| {},
        |w| {
            w.blocking_finish();
            w.blocking_stats().unwrap_or_default()
        },
    )
}

/// The profile of seed `seed`'s cache run: its own, over RESP3 on servers that have it,
/// with the cache on (the faults, the shape and the rates stay the seed's).
pub fn cache_profile_for(seed: u64) -> Profile {
    Profile {
        resp3: true,
        legacy: false,
        cache: true,
        ..profile_for(seed)
    }
}

/// Run seed `seed` as a client-side cache run ([`super::cache_check`]).
pub fn run_cache_seed(seed: u64) -> CacheRun {
    run_scenario(
        seed,
        cache_profile_for(seed),
        "cache",
        |_| {},
        |_| {},
        |w| {
            w.cache_finish();
            w.cache_stats().unwrap_or_default()
        },
    )
}

/// Run seeds `1..=seeds` of a scenario the way its test does: each failure is printed with
/// the commands that replay it (`test` is the test's name, `flag` the `sim` flag), then the
/// totals; returns them for the test's assertions. `KEYSLOT_SIM_SEED=N` narrows the run to
/// seed N.
pub fn run_fixed_range<S: ScenarioStats>(
    seeds: u64,
    test: &str,
    flag: &str,
    run_seed: fn(u64) -> ScenarioRun<S>,
) -> (Totals, S) {
    let range = match replay_seed() {
        Some(seed) => seed..seed + 1,
        None => 1..seeds + 1,
    };
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(2));
    let (totals, stats) = run_range(range, threads, run_seed, |r| {
        if r.report.failure.is_some() {
            let text = r.report.failure_text().replace("sim_seeds", test);
            eprintln!("{}\n", text.replace("--seed", &format!("{flag} --seed")));
        }
    });
    println!("{}", totals.summary());
    println!("{}", stats.summary());
    println!("{} passed, {} failed", totals.passed, totals.failed);
    (totals, stats)
}

/// Run `range` on `threads` threads, adding up every seed's report and statistics (failed
/// seeds sorted); `each` sees every run as it ends, to print what it wants.
pub fn run_range<S: ScenarioStats>(
    range: std::ops::Range<u64>,
    threads: usize,
    run_seed: fn(u64) -> ScenarioRun<S>,
    mut each: impl FnMut(&ScenarioRun<S>),
) -> (Totals, S) {
    let mut totals = Totals::default();
    let mut stats = S::default();
    run_parallel(range, threads, run_seed, |r| {
        totals.add(&r.report);
        stats.add(&r.stats);
        each(r);
    });
    totals.failed_seeds.sort_unstable();
    (totals, stats)
}

/// Run each seed that once found a bug (with what it found); panic on the first failure.
/// Skipped, saying so, while a single seed is being replayed.
pub fn check_regressions<S: ScenarioStats>(
    regressions: &[(u64, &str)],
    run_seed: fn(u64) -> ScenarioRun<S>,
) {
    if let Some(seed) = replay_seed() {
        println!("SKIPPED: replaying KEYSLOT_SIM_SEED={seed} instead of the regression seeds");
        return;
    }
    for &(seed, what) in regressions {
        let r = run_seed(seed);
        assert!(
            r.report.failure.is_none(),
            "regression seed {seed} ({what}):\n{}",
            r.report.failure_text()
        );
    }
}

/// Run `seed` twice: it must pass and replay identically (the trace hash). Returns both
/// runs, for the scenario's own checks.
pub fn check_replays_identically<S: ScenarioStats>(
    seed: u64,
    run_seed: fn(u64) -> ScenarioRun<S>,
) -> (ScenarioRun<S>, ScenarioRun<S>) {
    let a = run_seed(seed);
    let b = run_seed(seed);
    assert!(a.report.failure.is_none(), "{}", a.report.failure_text());
    assert_eq!(a.report.trace_hash, b.report.trace_hash);
    (a, b)
}
