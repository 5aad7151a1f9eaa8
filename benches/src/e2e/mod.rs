//! The end-to-end comparison: keyslot and its peers, same cluster, same workload.
//!
//! Each (client, concurrency, workload) run happens in a child process of its own, so that
//! its CPU time and peak RSS are its own: the parent re-executes the bench binary with
//! `--child`, and the child prints one JSON line of results. Every reply is checked against
//! what was written; a client that returns wrong values fails the run.

pub mod async_floor;
pub mod clients;
pub mod floor;
pub mod measure;
pub mod pipelined_floor;
pub mod zipf;

use serde_json::{json, Value as Json};

/// What one child run does.
#[derive(Clone, Debug)]
pub struct RunSpec {
    pub client: String,
    pub concurrency: usize,
    /// `setget` (SET then GET of the task's own keys), `pipeline` (100-command
    /// cross-slot pipelines) or `zipf` (90 % reads of shared Zipf-popular keys, see
    /// [`zipf`]).
    pub workload: String,
    pub seed: String,
    pub seconds: f64,
}

/// What one run measured.
#[derive(Clone, Debug, Default)]
pub struct RunResult {
    pub ops: u64,
    pub seconds: f64,
    pub p50_us: u64,
    pub p99_us: u64,
    pub p999_us: u64,
    pub cpu_us: u64,
    /// CPU time of the machine's redis-server processes over the same window, if known.
    pub server_cpu_us: Option<u64>,
    pub peak_rss_kb: u64,
    pub errors: u64,
    pub wrong: u64,
    pub first_error: Option<String>,
}

impl RunResult {
    pub fn ops_per_sec(&self) -> f64 {
        self.ops as f64 / self.seconds.max(1e-9)
    }
    pub fn cpu_ns_per_op(&self) -> f64 {
        self.cpu_us as f64 * 1000.0 / (self.ops.max(1)) as f64
    }
    pub fn server_cpu_ns_per_op(&self) -> Option<f64> {
        self.server_cpu_us
            .map(|us| us as f64 * 1000.0 / (self.ops.max(1)) as f64)
    }
    pub fn to_json(&self) -> Json {
        json!({"ops": self.ops, "seconds": self.seconds, "p50_us": self.p50_us, "p99_us": self.p99_us,
               "p999_us": self.p999_us, "cpu_us": self.cpu_us, "server_cpu_us": self.server_cpu_us,
               "peak_rss_kb": self.peak_rss_kb,
               "errors": self.errors, "wrong": self.wrong, "first_error": self.first_error})
    }
    pub fn from_json(j: &Json) -> Option<RunResult> {
        let u = |k: &str| j.get(k).and_then(Json::as_u64);
        Some(RunResult {
            ops: u("ops")?,
            seconds: j.get("seconds")?.as_f64()?,
            p50_us: u("p50_us")?,
            p99_us: u("p99_us")?,
            p999_us: u("p999_us")?,
            cpu_us: u("cpu_us")?,
            server_cpu_us: u("server_cpu_us"),
            peak_rss_kb: u("peak_rss_kb")?,
            errors: u("errors")?,
            wrong: u("wrong")?,
            first_error: j
                .get("first_error")
                .and_then(Json::as_str)
                .map(str::to_string),
        })
    }
}

/// The key a task uses for its `i`-th operation: spread over all slots.
pub fn key(task: usize, i: u64) -> String {
    format!("e2e:{task}:{}", i % 1024)
}

/// The value written for a key at iteration `i`, so a read can be checked.
pub fn value(task: usize, i: u64) -> String {
    format!("v{task}-{i:08}")
}
