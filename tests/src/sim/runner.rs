//! Running seeds: one with a full report, or a range on several threads.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use super::profile::Profile;
use super::rng::Rng;
use super::world::{Driver, World};

/// Mixed into the seed to draw the profile, so that the profile and the run's own choices
/// come from unrelated streams.
const PROFILE_SALT: u64 = 0x7072_6f66_696c_6521;

/// What one run did.
#[derive(Clone, Debug)]
pub struct RunReport {
    /// The seed.
    pub seed: u64,
    /// The fault profile.
    pub profile: Profile,
    /// The first violated invariant, if any.
    pub failure: Option<String>,
    /// The last events before the end (or the failure).
    pub recent: String,
    /// Virtual time covered, microseconds.
    pub virtual_us: u64,
    /// Hash of the event trace (the determinism check compares it).
    pub trace_hash: u64,
    /// Steps taken.
    pub steps: u64,
    /// Requests submitted.
    pub submitted: u64,
    /// Commands that succeeded.
    pub ok: u64,
    /// Commands that failed, by error kind.
    pub errors: BTreeMap<&'static str, u64>,
    /// Failovers (promotions).
    pub failovers: u64,
    /// Slot batches migrated.
    pub migrations: u64,
    /// Cluster operations started.
    pub ops: u64,
    /// Acknowledged writes that a failover lost (allowed, and counted).
    pub lost_acked: u64,
    /// Reads served from copies that may be stale (replicas, duplicate keys).
    pub stale_reads: u64,
    /// Of those, by replicas.
    pub replica_reads: u64,
    /// Most topology queries one node got in one second, and the bound.
    pub max_queries_per_sec: usize,
    /// The bound on that.
    pub query_bound: usize,
    /// Topology queries in all.
    pub total_queries: u64,
    /// From quiet to a correct slot map (microseconds).
    pub converge_us: Option<u64>,
    /// Most bytes buffered by the client at once.
    pub max_buffered: usize,
    /// Cancellations, own deadlines and window stalls.
    pub cancels: super::cancel::CancelStats,
}

impl RunReport {
    /// A failure report: the seed, how to replay it, the profile, what broke, recent events.
    pub fn failure_text(&self) -> String {
        format!(
            "seed {seed} FAILED: {failure}\n\
             replay: KEYSLOT_SIM_SEED={seed} cargo test -p keyslot-tests --test sim_seeds -- --nocapture\n\
             \x20   or: cargo run --release -p keyslot-tests --bin sim -- --seed {seed}\n\
             profile: {summary}\n{profile:#?}\n\
             last events:\n{recent}",
            seed = self.seed,
            failure = self.failure.as_deref().unwrap_or("none"),
            summary = self.profile.summary(),
            profile = self.profile,
            recent = self.recent,
        )
    }

    /// One line about a run.
    pub fn line(&self) -> String {
        format!(
            "seed {} {} | {:.1}s virtual, {} steps, {} requests, {} ok, errors {:?}, {} failovers, \
             {} migrations, {} lost acked writes, {} stale reads, topology queries max {}/s/node (bound {}), converged {}, {}",
            self.seed,
            if self.failure.is_some() { "FAILED" } else { "ok" },
            self.virtual_us as f64 / 1e6,
            self.steps,
            self.submitted,
            self.ok,
            self.errors,
            self.failovers,
            self.migrations,
            self.lost_acked,
            self.stale_reads,
            self.max_queries_per_sec,
            self.query_bound,
            self.converge_us
                .map_or("-".to_string(), |u| format!("{:.3}s", u as f64 / 1e6)),
            self.cancels.summary(),
        )
    }
}

/// The profile seed `seed` runs with.
pub fn profile_for(seed: u64) -> Profile {
    Profile::draw(&mut Rng::new(seed ^ PROFILE_SALT))
}

/// Run seed `seed` with its own profile.
pub fn run_seed(seed: u64) -> RunReport {
    run_with(seed, profile_for(seed))
}

/// Run `seed` with `profile`, turning a panic into a failure.
pub fn run_with(seed: u64, profile: Profile) -> RunReport {
    let p = profile.clone();
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut w = World::new(seed, profile, Driver::Random);
        w.run();
        w.report()
    }));
    result.unwrap_or_else(|e| {
        let msg = crate::runtimes::panic_message(&*e);
        RunReport {
            seed,
            profile: p,
            failure: Some(format!("panicked: {msg}")),
            recent: "(lost in the panic; replay the seed)".into(),
            virtual_us: 0,
            trace_hash: 0,
            steps: 0,
            submitted: 0,
            ok: 0,
            errors: BTreeMap::new(),
            failovers: 0,
            migrations: 0,
            ops: 0,
            lost_acked: 0,
            stale_reads: 0,
            replica_reads: 0,
            max_queries_per_sec: 0,
            query_bound: 0,
            total_queries: 0,
            converge_us: None,
            max_buffered: 0,
            cancels: Default::default(),
        }
    })
}

impl World {
    /// The report of this run so far.
    pub fn report(&self) -> RunReport {
        RunReport {
            seed: self.seed,
            profile: self.profile.clone(),
            failure: self.failure.clone(),
            recent: self.trace.recent(),
            virtual_us: (self.now - super::world::START).as_micros(),
            trace_hash: self.trace.hash(),
            steps: self.trace.steps,
            submitted: self.work.submitted,
            ok: self.work.ok,
            errors: self.work.errors.clone(),
            failovers: self.stats.failovers,
            migrations: self.stats.migrations,
            ops: self.stats.ops,
            lost_acked: self.model.lost_acked,
            stale_reads: self.model.replica_reads + self.model.double_copy_reads,
            replica_reads: self.model.replica_reads,
            max_queries_per_sec: self.checks.max_queries_per_sec,
            query_bound: self.query_bound(),
            total_queries: self.checks.total_queries,
            converge_us: self.stats.converge_us,
            max_buffered: self.stats.max_buffered,
            cancels: self.stats.cancels.clone(),
        }
    }
}

/// Totals over many runs.
#[derive(Clone, Debug, Default)]
pub struct Totals {
    /// Runs that passed.
    pub passed: u64,
    /// Runs that failed.
    pub failed: u64,
    /// Virtual time covered, microseconds.
    pub virtual_us: u64,
    /// Requests submitted.
    pub submitted: u64,
    /// Failovers.
    pub failovers: u64,
    /// Slot batches migrated.
    pub migrations: u64,
    /// Acknowledged writes lost to failovers.
    pub lost_acked: u64,
    /// Reads from copies that may be stale (replicas, keys on both sides of a migration).
    pub stale_reads: u64,
    /// Of those, by replicas.
    pub replica_reads: u64,
    /// Highest topology queries per node per second seen.
    pub max_queries_per_sec: usize,
    /// Slowest convergence after quiet (microseconds).
    pub max_converge_us: u64,
    /// Failed seeds.
    pub failed_seeds: Vec<u64>,
    /// Cancellations, own deadlines and window stalls.
    pub cancels: super::cancel::CancelStats,
}

impl Totals {
    /// Add one run.
    pub fn add(&mut self, r: &RunReport) {
        if r.failure.is_some() {
            self.failed += 1;
            self.failed_seeds.push(r.seed);
        } else {
            self.passed += 1;
        }
        self.virtual_us += r.virtual_us;
        self.submitted += r.submitted;
        self.failovers += r.failovers;
        self.migrations += r.migrations;
        self.lost_acked += r.lost_acked;
        self.stale_reads += r.stale_reads;
        self.replica_reads += r.replica_reads;
        self.max_queries_per_sec = self.max_queries_per_sec.max(r.max_queries_per_sec);
        self.max_converge_us = self.max_converge_us.max(r.converge_us.unwrap_or(0));
        self.cancels.add(&r.cancels);
    }

    /// The summary paragraph (the caller prints the final `N passed, M failed` line).
    pub fn summary(&self) -> String {
        format!(
            "virtual time {:.2} h, {} requests, {} failovers, {} slot batches migrated, \
             {} acknowledged writes lost to failovers (all accounted for), \
             {} reads from possibly stale copies ({} by replicas), \
             topology queries at most {}/s per node, slot map correct at most {:.3} s after quiet; \
             {}",
            self.virtual_us as f64 / 3.6e9,
            self.submitted,
            self.failovers,
            self.migrations,
            self.lost_acked,
            self.stale_reads,
            self.replica_reads,
            self.max_queries_per_sec,
            self.max_converge_us as f64 / 1e6,
            self.cancels.summary()
        )
    }
}

/// Run `seeds` on `threads` threads; `each` sees every report (in completion order).
pub fn run_range(
    seeds: std::ops::Range<u64>,
    threads: usize,
    mut each: impl FnMut(&RunReport),
) -> Totals {
    let mut totals = Totals::default();
    run_parallel(seeds, threads, run_seed, |report| {
        totals.add(report);
        each(report);
    });
    totals.failed_seeds.sort_unstable();
    totals
}

/// Run `run(seed)` for every seed of `seeds` on `threads` threads, handing each result to
/// `each` on the calling thread as it completes (seeds are taken in order; results arrive in
/// completion order).
pub fn run_parallel<T: Send>(
    seeds: std::ops::Range<u64>,
    threads: usize,
    run: impl Fn(u64) -> T + Sync,
    mut each: impl FnMut(&T),
) {
    let next = AtomicU64::new(seeds.start);
    let end = seeds.end;
    let (tx, rx) = mpsc::channel::<T>();
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            let tx = tx.clone();
            let (next, run) = (&next, &run);
            scope.spawn(move || loop {
                let seed = next.fetch_add(1, Ordering::Relaxed);
                if seed >= end || tx.send(run(seed)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for result in rx {
            each(&result);
        }
    });
}

/// The seed `KEYSLOT_SIM_SEED` asks to replay, if any.
pub fn replay_seed() -> Option<u64> {
    std::env::var("KEYSLOT_SIM_SEED")
        .ok()
        .map(|s| s.parse().expect("KEYSLOT_SIM_SEED must be a number"))
}
