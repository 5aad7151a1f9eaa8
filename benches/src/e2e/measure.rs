//! Process-level measurements: CPU time and peak resident memory, from getrusage.

/// User plus system CPU time of this process so far, in microseconds.
pub fn cpu_us() -> u64 {
    let usage = rusage();
    let tv = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// CPU time of every `redis-server` process on this machine so far, in microseconds (from
/// `/proc`); `None` where there is no `/proc`. For a local cluster this is the servers' cost
/// of the client's traffic: deeper pipelines make it smaller per operation.
pub fn redis_server_cpu_us() -> Option<u64> {
    // SAFETY: sysconf only reads a configuration value.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks <= 0 {
        return None;
    }
    let mut total_ticks = 0u64;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ... utime stime: the command name may hold spaces, so split after it.
        let Some((head, rest)) = stat.rsplit_once(") ") else {
            continue;
        };
        if !head.ends_with("(redis-server") {
            continue;
        }
        let fields: Vec<&str> = rest.split(' ').collect();
        // After "(comm) ": state is field 0, utime 11, stime 12.
        let time = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
        total_ticks += time(11).unwrap_or(0) + time(12).unwrap_or(0);
    }
    Some(total_ticks * 1_000_000 / ticks as u64)
}

/// The CPU counters at the start of a measured window.
#[derive(Clone, Copy, Debug)]
pub struct Baseline {
    pub client_cpu_us: u64,
    pub server_cpu_us: Option<u64>,
}

impl Baseline {
    pub fn now() -> Baseline {
        Baseline {
            client_cpu_us: cpu_us(),
            server_cpu_us: redis_server_cpu_us(),
        }
    }
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
