//! Process-level measurements: CPU time and peak resident memory, from getrusage.

/// User plus system CPU time of this process so far, in microseconds.
pub fn cpu_us() -> u64 {
    let usage = rusage();
    let tv = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// Peak resident set size of this process, in KiB.
pub fn peak_rss_kb() -> u64 {
    rusage().ru_maxrss as u64
}

fn rusage() -> libc::rusage {
    // SAFETY: getrusage fills the struct it is given; a zeroed rusage is a valid value.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    }
}

/// A latency histogram in microseconds (1 us .. 60 s, 3 significant digits).
pub fn histogram() -> hdrhistogram::Histogram<u64> {
    hdrhistogram::Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid bounds")
}

use std::sync::{Arc, Mutex, OnceLock};

type Shared = Arc<Mutex<hdrhistogram::Histogram<u64>>>;

fn registry() -> &'static Mutex<Vec<Shared>> {
    static REGISTRY: OnceLock<Mutex<Vec<Shared>>> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(Vec::new()))
}

thread_local! {
    static LOCAL: Shared = {
        let h = Arc::new(Mutex::new(histogram()));
        if let Ok(mut all) = registry().lock() {
            all.push(h.clone());
        }
        h
    };
}

/// Record a latency in this thread's histogram. One histogram per thread, not per task: a
/// thousand tasks must not make the measurement the biggest user of memory.
pub fn record(micros: u64) {
    LOCAL.with(|h| {
        if let Ok(mut h) = h.lock() {
            let _ = h.record(micros.max(1));
        }
    });
}

/// Every thread's latencies together, and forget them.
pub fn take_all() -> hdrhistogram::Histogram<u64> {
    let mut all = histogram();
    if let Ok(list) = registry().lock() {
        for h in list.iter() {
            if let Ok(mut h) = h.lock() {
                let _ = all.add(&*h);
                h.reset();
            }
        }
    }
    all
}
