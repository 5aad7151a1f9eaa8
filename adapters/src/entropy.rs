//! A fresh seed for each client's random choices.
//!
//! The core is deterministic: its replica choice, keyless-primary choice and backoff jitter
//! come from [`Config::rng_seed`](keyslot_core::cluster::Config::rng_seed), whose default is
//! a constant so that a run replays. Left at that constant, every client of every process
//! would pick the same primary for keyless commands, the same replica, and retry at the same
//! instants after a shared failure — the herd that jitter exists to break up. So the
//! builders draw a seed here unless one is given.
//!
//! The seed spreads load; it guards nothing, so std is enough and no dependency is added:
//! std's `RandomState` keys its hasher from the operating system's randomness once per
//! thread (then steps the key for every new state), and the process id, the wall clock and a
//! counter go into the hash as well, so two clients never share a seed, in one process or
//! across processes.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A seed no other call, in this process or another, is expected to return.
pub(crate) fn fresh_seed() -> u64 {
    static DRAWN: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(DRAWN.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    if let Ok(since_epoch) = SystemTime::now().duration_since(UNIX_EPOCH) {
        hasher.write_u128(since_epoch.as_nanos());
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_draw_differs() {
        let seeds: std::collections::BTreeSet<u64> = (0..1000).map(|_| fresh_seed()).collect();
        assert_eq!(seeds.len(), 1000);
        let default = keyslot_core::cluster::Config::default().rng_seed;
        assert!(!seeds.contains(&default));
    }
}
