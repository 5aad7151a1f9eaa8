//! Running pub/sub seeds: the seed's own profile and run, with the pub/sub scenario on top.
//!
//! Kept apart from [`super::runner`] so that the default runs stay exactly as they were (the
//! scenario draws from a stream of its own and is switched on only here): a seed's plain run
//! replays byte for byte whatever this module does.

use std::panic::{self, AssertUnwindSafe};

use super::pubsub_check::PubSubStats;
use super::runner::{profile_for, run_parallel, run_with, RunReport};
use super::world::{Driver, Phase, World};

/// One pub/sub run.
#[derive(Clone, Debug)]
pub struct PubSubRun {
    /// The usual report (its invariants hold in pub/sub runs too).
    pub report: RunReport,
    /// What the pub/sub scenario measured.
    pub stats: PubSubStats,
}

impl PubSubRun {
    /// One line: the run's, then the pub/sub numbers.
    pub fn line(&self) -> String {
        let s = &self.stats;
        format!(
            "{} | pub/sub {} published, {} delivered, {} losses, gaps {:?}",
            self.report.line(),
            s.published,
            s.delivered,
            s.resubscribes,
            s.gaps_us
                .iter()
                .map(|g| format!("{:.3}s", *g as f64 / 1e6))
                .collect::<Vec<_>>()
        )
    }
}

/// Run seed `seed` as a pub/sub run.
pub fn run_pubsub_seed(seed: u64) -> PubSubRun {
    let profile = profile_for(seed);
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut w = World::new(seed, profile.clone(), Driver::Random);
        w.enable_pubsub();
        while w.phase != Phase::Done && w.failure.is_none() {
            if !w.step() {
                if w.phase != Phase::Done {
                    let phase = w.phase;
                    w.violation(format!("nothing left to happen in phase {phase:?}"));
                }
                break;
            }
            w.pubsub_step();
        }
        w.pubsub_finish();
        (w.report(), w.pubsub_stats().unwrap_or_default())
    }));
    match result {
        Ok((report, stats)) => PubSubRun { report, stats },
        Err(e) => {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panic".into());
            // The plain run's report shape, with the panic as its failure.
            let mut report = run_with(seed, profile);
            report.failure = Some(format!("panicked in the pub/sub run: {msg}"));
            PubSubRun {
                report,
                stats: PubSubStats::default(),
            }
        }
    }
}

/// Run `seeds` as pub/sub runs on `threads` threads; `each` sees every run.
pub fn run_pubsub_range(seeds: std::ops::Range<u64>, threads: usize, each: impl FnMut(&PubSubRun)) {
    run_parallel(seeds, threads, run_pubsub_seed, each);
}
