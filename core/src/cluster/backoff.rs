//! Capped exponential backoff with jitter.
//!
//! Retries after TRYAGAIN, LOADING, CLUSTERDOWN or MASTERDOWN, and reconnects to a node or seed
//! that failed, wait `base * 2^attempt`, capped, then pick a point in the upper half of that
//! span at random ("equal jitter"): clients that failed together do not retry together, and
//! no retry comes sooner than half the nominal delay.

use super::rng::Rng;
use crate::time::Duration;

/// The delay before retry number `attempt` (0 for the first retry).
pub(crate) fn backoff(base: Duration, max: Duration, attempt: u32, rng: &mut Rng) -> Duration {
    let nominal = base
        .saturating_mul(1u64 << attempt.min(30))
        .as_micros()
        .min(max.as_micros());
    let half = nominal / 2;
    let jitter = if half == 0 {
        0
    } else {
        rng.next_u64() % (half + 1)
    };
    Duration::from_micros(nominal - half + jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_caps_and_jitters_within_the_upper_half() {
        let mut rng = Rng::new(3);
        let base = Duration::from_millis(10);
        let max = Duration::from_millis(500);
        for attempt in 0..40 {
            let d = backoff(base, max, attempt, &mut rng).as_micros();
            let nominal = (10_000u64 << attempt.min(30)).min(500_000);
            assert!(d >= nominal / 2 && d <= nominal, "attempt {attempt}: {d}");
        }
        let distinct: alloc::collections::BTreeSet<u64> = (0..20)
            .map(|_| backoff(base, max, 5, &mut rng).as_micros())
            .collect();
        assert!(distinct.len() > 10, "jitter spreads retries");
    }
}
