//! keyslot against redis-rs and fred on one cluster, side by side.
//!
//! ```text
//! cargo run --release -p keyslot-benches --bin e2e -- --seed 127.0.0.1:7000 [--seconds 5]
//!     [--concurrency 1,50,1000]
//!     [--clients raw-socket,raw-pipelined,raw-tokio,keyslot-tokio,keyslot-tokio-typed,keyslot-tokio-cache,keyslot-smol,keyslot-blocking,redis-rs,fred]
//!     [--workloads setget,pipeline,zipf]
//!     (built with `--features tracing`, also keyslot-tokio-info: a subscriber at INFO)
//!     [--csv results.csv]
//! ```
//!
//! `keyslot-tokio-cache` is keyslot on tokio with its client-side cache
//! (`CacheConfig::default()`), for the `zipf` workload (not run by default).
//!
//! `raw-socket` is not a client but the floor: one blocking socket to the seed node, one
//! round trip per operation (see `keyslot_benches::e2e::floor`), at concurrency 1 only.
//! `raw-pipelined` is the floor above one caller: the same callers in lock step over one
//! blocking socket per primary, every batch as deep as the concurrency allows (see
//! `keyslot_benches::e2e::pipelined_floor`); `setget` only. `raw-tokio` is a reference for
//! keyslot on tokio: the clients' own callers, routed by slot to one connection per primary
//! with next to nothing else done (see `keyslot_benches::e2e::async_floor`); `setget` only.
//!
//! Every client connects from the ONE seed address. Each run is a child process (see
//! `keyslot_benches::e2e`), so CPU time and peak RSS are the client's own.

use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

use keyslot_benches::e2e::async_floor::RawTokio;
use keyslot_benches::e2e::clients::{blocking_loop, task_loop, KvClient, TaskResult, WARMUP};
use keyslot_benches::e2e::floor::Floor;
use keyslot_benches::e2e::measure::{cpu_us, peak_rss_kb, redis_server_cpu_us, take_all, Baseline};
use keyslot_benches::e2e::pipelined_floor::PipelinedFloor;
use keyslot_benches::e2e::zipf::zipf_loop;
use keyslot_benches::e2e::{RunResult, RunSpec};

const ALL_CLIENTS: &str =
    "raw-socket,raw-pipelined,keyslot-tokio,keyslot-smol,keyslot-blocking,redis-rs,fred";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        let spec = RunSpec {
            client: args[2].clone(),
            concurrency: args[3].parse().expect("concurrency"),
            workload: args[4].clone(),
            seed: args[5].clone(),
            seconds: args[6].parse().expect("seconds"),
        };
        match child(&spec) {
            Ok(r) => println!("{}", r.to_json()),
            Err(e) => {
                eprintln!("{} failed: {e}", spec.client);
                std::process::exit(1);
            }
        }
        return;
    }
    parent(&args[1..]);
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn parent(args: &[String]) {
    let Some(seed) = flag(args, "--seed") else {
        eprintln!("usage: e2e --seed HOST:PORT [--seconds 5] [--concurrency 1,50,1000] [--clients {ALL_CLIENTS}] [--csv FILE]");
        std::process::exit(2);
    };
    let seconds: f64 = flag(args, "--seconds")
        .and_then(|s| s.parse().ok())
        .unwrap_or(5.0);
    let levels: Vec<usize> = flag(args, "--concurrency")
        .unwrap_or("1,50,1000")
        .split(',')
        .filter_map(|c| c.parse().ok())
        .collect();
    let clients: Vec<&str> = flag(args, "--clients")
        .unwrap_or(ALL_CLIENTS)
        .split(',')
        .collect();
    let exe = std::env::current_exe().expect("own path");
    let mut rows = Vec::new();
    let workloads: Vec<&str> = flag(args, "--workloads")
        .unwrap_or("setget,pipeline")
        .split(',')
        .collect();
    let mut runs: Vec<(String, usize)> = Vec::new();
    for w in ["setget", "zipf"] {
        if workloads.contains(&w) {
            runs.extend(levels.iter().map(|&c| (w.to_string(), c)));
        }
    }
    if workloads.contains(&"pipeline") {
        runs.push(("pipeline".to_string(), 10));
    }
    for (workload, concurrency) in &runs {
        for client in &clients {
            let zipf = workload == "zipf";
            if *client == "keyslot-blocking"
                && (*concurrency > 50 || workload == "pipeline" || zipf)
            {
                continue; // a thread per task stops making sense here
            }
            if *client == "raw-socket" && (*concurrency != 1 || workload == "pipeline" || zipf) {
                continue; // the floor of one round trip at a time
            }
            if *client == "raw-pipelined" && (*concurrency == 1 || workload != "setget") {
                continue; // the floor of callers in lock step
            }
            if *client == "raw-tokio" && workload != "setget" {
                continue; // a multiplexing tokio client with next to no work
            }
            eprint!("{client:<18} {workload:<8} c={concurrency:<5} ... ");
            let out = Command::new(&exe)
                .args([
                    "--child",
                    client,
                    &concurrency.to_string(),
                    workload,
                    seed,
                    &seconds.to_string(),
                ])
                .output()
                .expect("run child");
            let line = String::from_utf8_lossy(&out.stdout);
            let result = serde_json::from_str(line.trim())
                .ok()
                .and_then(|j| RunResult::from_json(&j));
            match result {
                Some(r) => {
                    match &r.first_error {
                        Some(e) => eprintln!(
                            "{:.0} ops/s, {} errors, first: {e}",
                            r.ops_per_sec(),
                            r.errors
                        ),
                        None => eprintln!("{:.0} ops/s", r.ops_per_sec()),
                    }
                    let notes = String::from_utf8_lossy(&out.stderr);
                    for line in notes.lines().filter(|l| l.starts_with("cache:")) {
                        eprintln!("    {line}");
                    }
                    rows.push((client.to_string(), workload.clone(), *concurrency, r));
                }
                None => eprintln!("failed: {}", String::from_utf8_lossy(&out.stderr).trim()),
            }
        }
    }
    println!(
        "\n| client | workload | conc | ops/s | p50 us | p99 us | p999 us | CPU ns/op | server CPU ns/op | peak RSS MiB | errors | wrong |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (client, workload, c, r) in &rows {
        println!(
            "| {client} | {workload} | {c} | {:.0} | {} | {} | {} | {:.0} | {} | {:.1} | {} | {} |",
            r.ops_per_sec(),
            r.p50_us,
            r.p99_us,
            r.p999_us,
            r.cpu_ns_per_op(),
            r.server_cpu_ns_per_op()
                .map_or_else(|| "-".to_string(), |ns| format!("{ns:.0}")),
            r.peak_rss_kb as f64 / 1024.0,
            r.errors,
            r.wrong
        );
    }
    if let Some(path) = flag(args, "--csv") {
        let mut f = std::fs::File::create(path).expect("csv file");
        let _ = writeln!(f, "client,workload,concurrency,ops_per_sec,p50_us,p99_us,p999_us,cpu_ns_per_op,server_cpu_ns_per_op,peak_rss_kb,errors,wrong");
        for (client, workload, c, r) in &rows {
            let _ = writeln!(
                f,
                "{client},{workload},{c},{:.0},{},{},{},{:.0},{},{},{},{}",
                r.ops_per_sec(),
                r.p50_us,
                r.p99_us,
                r.p999_us,
                r.cpu_ns_per_op(),
                r.server_cpu_ns_per_op()
                    .map_or_else(String::new, |ns| format!("{ns:.0}")),
                r.peak_rss_kb,
                r.errors,
                r.wrong
            );
        }
    }
    if rows.iter().any(|(_, _, _, r)| r.wrong > 0) {
        eprintln!("some client returned wrong values");
        std::process::exit(1);
    }
}

/// Run one measurement in this (child) process.
fn child(spec: &RunSpec) -> Result<RunResult, String> {
    let pipeline = spec.workload == "pipeline";
    match spec.client.as_str() {
        "keyslot-tokio" => tokio_run(spec, pipeline, || async {
            keyslot::tokio::Client::connect([spec.seed.as_str()])
                .await
                .map_err(|e| e.to_string())
        }),
        // The same client with a tracing subscriber at INFO (formatting to nowhere): what
        // request spans cost when someone listens. Built with `--features tracing`.
        #[cfg(feature = "tracing")]
        "keyslot-tokio-info" => {
            tracing_subscriber::fmt()
                .with_max_level(tracing_subscriber::filter::LevelFilter::INFO)
                .with_writer(std::io::sink)
                .init();
            tokio_run(spec, pipeline, || async {
                keyslot::tokio::Client::connect([spec.seed.as_str()])
                    .await
                    .map_err(|e| e.to_string())
            })
        }
        // The same client with its client-side cache.
        // Its hit ratio goes to stderr, which the parent shows beside the run.
        "keyslot-tokio-cache" => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            rt.block_on(async {
                let client = keyslot::tokio::Client::builder([spec.seed.as_str()])
                    .cache(keyslot::CacheConfig::default())
                    .connect()
                    .await
                    .map_err(|e| e.to_string())?;
                let r = measure(spec, pipeline, client.clone(), |f| tokio::spawn(f)).await;
                if let Some(m) = client.metrics().await.ok().and_then(|m| m.cache) {
                    eprintln!(
                        "cache: {:.1} % hits, {} entries, {:.1} MiB, {} fills refused",
                        m.hit_ratio() * 100.0,
                        m.entries,
                        m.bytes as f64 / (1 << 20) as f64,
                        m.fills_refused
                    );
                }
                Ok(r)
            })
        }
        // The same client through its typed methods.
        "keyslot-tokio-typed" => tokio_run(spec, pipeline, || async {
            keyslot::tokio::Client::connect([spec.seed.as_str()])
                .await
                .map(keyslot_benches::e2e::clients::Typed)
                .map_err(|e| e.to_string())
        }),
        "redis-rs" => tokio_run(spec, pipeline, || async {
            let client = redis::cluster::ClusterClient::new(vec![format!("redis://{}", spec.seed)])
                .map_err(|e| e.to_string())?;
            client
                .get_async_connection()
                .await
                .map_err(|e| e.to_string())
        }),
        "fred" => tokio_run(spec, pipeline, || async {
            use fred::interfaces::ClientLike;
            let config =
                fred::types::config::Config::from_url(&format!("redis-cluster://{}", spec.seed))
                    .map_err(|e| e.to_string())?;
            let client = fred::types::Builder::from_config(config)
                .build()
                .map_err(|e| e.to_string())?;
            client.init().await.map_err(|e| e.to_string())?;
            Ok(client)
        }),
        "keyslot-smol" => smol::block_on(async {
            let client = keyslot::smol::Client::connect([spec.seed.as_str()])
                .await
                .map_err(|e| e.to_string())?;
            Ok(measure(spec, pipeline, client, smol::spawn).await)
        }),
        "keyslot-blocking" => {
            let client = keyslot::blocking::Client::connect([spec.seed.as_str()])
                .map_err(|e| e.to_string())?;
            warm_blocking(&client);
            let _ = take_all();
            let base = Baseline::now();
            let start = Instant::now();
            let deadline = start + Duration::from_secs_f64(spec.seconds);
            let threads: Vec<_> = (0..spec.concurrency)
                .map(|t| {
                    let c = client.clone();
                    std::thread::spawn(move || blocking_loop(c, t, deadline))
                })
                .collect();
            let results = threads.into_iter().filter_map(|h| h.join().ok()).collect();
            Ok(finish(results, start, base))
        }
        "raw-socket" => {
            let mut floor = Floor::connect(&spec.seed)?;
            Ok(warmed_run(spec, |deadline| vec![floor.run(deadline)]))
        }
        "raw-pipelined" => {
            let floor = PipelinedFloor::connect(&spec.seed, spec.concurrency)?;
            Ok(warmed_run(spec, |deadline| floor.run(deadline)))
        }
        "raw-tokio" => tokio_run(spec, pipeline, || RawTokio::connect(&spec.seed)),
        other => Err(format!("unknown client {other}")),
    }
}

fn warm_blocking(client: &keyslot::blocking::Client) {
    let until = Instant::now() + WARMUP;
    while Instant::now() < until {
        let _ = client.send(keyslot::Cmd::new("GET").arg("warmup"));
    }
}

fn tokio_run<C, F, Fut>(spec: &RunSpec, pipeline: bool, connect: F) -> Result<RunResult, String>
where
    C: KvClient,
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<C, String>>,
{
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let client = connect().await?;
        Ok(measure(spec, pipeline, client, |f| tokio::spawn(f)).await)
    })
}

/// Warm up, then run `concurrency` task loops until the deadline and combine them.
async fn measure<C, S, H>(spec: &RunSpec, pipeline: bool, client: C, spawn: S) -> RunResult
where
    C: KvClient,
    S: Fn(std::pin::Pin<Box<dyn std::future::Future<Output = TaskResult> + Send>>) -> H,
    H: std::future::Future,
    H::Output: IntoTask,
{
    let zipf = spec.workload == "zipf";
    if zipf {
        if let Err(e) = keyslot_benches::e2e::zipf::preload(&client).await {
            eprintln!("preloading the zipf keys failed: {e}");
        }
        let _ = zipf_loop(client.clone(), 0, Instant::now() + WARMUP).await;
    } else {
        let _ = task_loop(client.clone(), 0, false, Instant::now() + WARMUP).await;
    }
    let _ = take_all();
    let base = Baseline::now();
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(spec.seconds);
    let handles: Vec<H> = (0..spec.concurrency)
        .map(|t| {
            let c = client.clone();
            let task: std::pin::Pin<Box<dyn std::future::Future<Output = TaskResult> + Send>> =
                if zipf {
                    Box::pin(zipf_loop(c, t, deadline))
                } else {
                    Box::pin(task_loop(c, t, pipeline, deadline))
                };
            spawn(task)
        })
        .collect();
    let mut results = Vec::new();
    for h in handles {
        if let Some(r) = h.await.into_task() {
            results.push(r);
        }
    }
    finish(results, start, base)
}

/// tokio's JoinHandle yields a Result; smol's Task yields the value.
trait IntoTask {
    fn into_task(self) -> Option<TaskResult>;
}
impl IntoTask for TaskResult {
    fn into_task(self) -> Option<TaskResult> {
        Some(self)
    }
}
impl IntoTask for Result<TaskResult, tokio::task::JoinError> {
    fn into_task(self) -> Option<TaskResult> {
        self.ok()
    }
}

/// A floor's run: `run` until the warm-up's end, then, measured, until the run's.
fn warmed_run(spec: &RunSpec, mut run: impl FnMut(Instant) -> Vec<TaskResult>) -> RunResult {
    run(Instant::now() + WARMUP);
    let _ = take_all();
    let base = Baseline::now();
    let start = Instant::now();
    let results = run(start + Duration::from_secs_f64(spec.seconds));
    finish(results, start, base)
}

fn finish(results: Vec<TaskResult>, start: Instant, base: Baseline) -> RunResult {
    let seconds = start.elapsed().as_secs_f64();
    let cpu = cpu_us() - base.client_cpu_us;
    let server_cpu = base
        .server_cpu_us
        .zip(redis_server_cpu_us())
        .map(|(before, after)| after.saturating_sub(before));
    let hist = take_all();
    let mut r = RunResult {
        seconds,
        cpu_us: cpu,
        server_cpu_us: server_cpu,
        ..RunResult::default()
    };
    for t in results {
        if let Some(e) = t.first_error {
            r.first_error.get_or_insert(e);
        }
        r.ops += t.ops;
        r.errors += t.errors;
        r.wrong += t.wrong;
    }
    r.p50_us = hist.value_at_quantile(0.5);
    r.p99_us = hist.value_at_quantile(0.99);
    r.p999_us = hist.value_at_quantile(0.999);
    r.peak_rss_kb = peak_rss_kb();
    r
}
