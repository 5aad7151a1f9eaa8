//! The read-mostly workload for the client-side cache: 90 % GET, 10 % SET, over a shared
//! key space whose popularity follows Zipf's law (exponent 0.99, as in YCSB), so that a few
//! keys take most reads the way real caches see them.
//!
//! Every key's value is fixed (`zipf-value:{key}`), so a read is checked whatever wrote last,
//! and a write still makes the servers invalidate what clients cached of the key.

use std::time::Instant;

use super::clients::{KvClient, TaskResult};
use super::measure::record;

/// Keys in the shared space.
pub const KEYS: usize = 10_000;
/// Zipf's exponent.
const EXPONENT: f64 = 0.99;

pub fn key(i: usize) -> String {
    format!("zipf:{i}")
}

pub fn value(i: usize) -> String {
    format!("zipf-value:{i}")
}

/// Draws key indices by rank: a cumulative table searched by bisection.
pub struct Zipf {
    cumulative: Vec<f64>,
    state: u64,
}

impl Zipf {
    pub fn new(seed: u64) -> Zipf {
        let mut total = 0.0;
        let cumulative = (1..=KEYS)
            .map(|rank| {
                total += 1.0 / (rank as f64).powf(EXPONENT);
                total
            })
            .collect::<Vec<_>>();
        let cumulative = cumulative.into_iter().map(|c| c / total).collect();
        Zipf {
            cumulative,
            state: seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1,
        }
    }

    /// xorshift64*: uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        let x = self.state.wrapping_mul(0x2545_f491_4f6c_dd1d);
        (x >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn next_key(&mut self) -> usize {
        let u = self.uniform();
        self.cumulative.partition_point(|&c| c < u).min(KEYS - 1)
    }

    /// One in ten operations writes.
    pub fn writes(&mut self) -> bool {
        self.uniform() < 0.1
    }
}

/// Write every key once, so that reads find their values.
pub async fn preload<C: KvClient>(client: &C) -> Result<(), String> {
    for i in 0..KEYS {
        client.set(key(i), value(i)).await?;
    }
    Ok(())
}

/// One task of the workload until `deadline`.
pub async fn zipf_loop<C: KvClient>(client: C, task: usize, deadline: Instant) -> TaskResult {
    let mut r = TaskResult::default();
    let mut zipf = Zipf::new(task as u64 + 1);
    while Instant::now() < deadline {
        let i = zipf.next_key();
        let t = Instant::now();
        if zipf.writes() {
            let done = client.set(key(i), value(i)).await;
            record(t.elapsed().as_micros() as u64);
            match done {
                Ok(()) => r.ops += 1,
                Err(e) => r.error(e),
            }
        } else {
            let got = client.get(key(i)).await;
            record(t.elapsed().as_micros() as u64);
            match got {
                Ok(Some(v)) if v == value(i) => r.ops += 1,
                Ok(_) => r.wrong += 1,
                Err(e) => r.error(e),
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_popular_keys_take_most_draws() {
        let mut z = Zipf::new(7);
        let draws = 100_000;
        let top = (0..draws).filter(|_| z.next_key() < 100).count();
        // With s = 0.99 over 10,000 keys, the top 1 % of keys hold about half the mass.
        assert!((40_000..60_000).contains(&top), "{top}");
    }
}
