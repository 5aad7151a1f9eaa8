//! `keyslot bench`: redis-benchmark for a cluster, through the keyslot client.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use keyslot::{Cmd, Error};

use crate::args::{BenchArgs, Workload};
use crate::connect;

pub async fn run(args: BenchArgs) -> Result<i32, Error> {
    let client = connect::client(std::slice::from_ref(&args.seed), &args.connect, None).await?;
    let done = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let value = "x".repeat(args.value_size);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..args.clients.max(1) {
        let (client, done, errors, stop) =
            (client.clone(), done.clone(), errors.clone(), stop.clone());
        let (prefix, value, workload, pipeline, keys) = (
            args.prefix.clone(),
            value.clone(),
            args.workload,
            args.pipeline.max(1),
            args.keys.max(1),
        );
        tasks.push(tokio::spawn(async move {
            let mut hist = Histogram::<u64>::new(3).expect("3 significant digits is valid");
            let mut i = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let batch: Vec<Cmd> = (0..pipeline)
                    .map(|_| {
                        i += 1;
                        let key = format!("{prefix}{c}:{}", i % keys);
                        let write = match workload {
                            Workload::Set => true,
                            Workload::Get => false,
                            Workload::Mixed => i % 2 == 1,
                        };
                        if write {
                            Cmd::new("SET").arg(key).arg(value.as_str())
                        } else {
                            Cmd::new("GET").arg(key)
                        }
                    })
                    .collect();
                let t = Instant::now();
                let failed = if pipeline == 1 {
                    let cmd = batch.into_iter().next().expect("one command");
                    u64::from(client.send(cmd).await.is_err())
                } else {
                    match client.pipeline(batch).await {
                        Ok(results) => results.iter().filter(|r| r.is_err()).count() as u64,
                        Err(_) => pipeline as u64,
                    }
                };
                let _ = hist.record(t.elapsed().as_micros() as u64);
                done.fetch_add(pipeline as u64, Ordering::Relaxed);
                errors.fetch_add(failed, Ordering::Relaxed);
            }
            hist
        }));
    }
    progress(&args, &done, started).await;
    stop.store(true, Ordering::Relaxed);
    let mut hist = Histogram::<u64>::new(3).expect("3 significant digits is valid");
    for t in tasks {
        if let Ok(h) = t.await {
            let _ = hist.add(&h);
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let ops = done.load(Ordering::Relaxed);
    let errs = errors.load(Ordering::Relaxed);
    eprintln!();
    println!(
        "{} ops in {elapsed:.1} s: {:.0} ops/s, {errs} errors ({} clients, pipeline {}, {:?})",
        ops,
        ops as f64 / elapsed,
        args.clients,
        args.pipeline,
        args.workload
    );
    println!(
        "latency per {} (us):",
        if args.pipeline > 1 {
            "pipeline"
        } else {
            "command"
        }
    );
    for q in [0.5, 0.9, 0.99, 0.999, 1.0] {
        println!("  p{:<6} {:>8}", q * 100.0, hist.value_at_quantile(q));
    }
    let buckets = [50u64, 100, 200, 500, 1000, 2000, 5000, 10_000, u64::MAX];
    let total = hist.len().max(1);
    let mut below = 0;
    for b in buckets {
        let upto = if b == u64::MAX {
            hist.len()
        } else {
            hist.count_between(0, b)
        };
        let share = (upto - below) as f64 / total as f64;
        let label = if b == u64::MAX {
            "more".to_string()
        } else {
            format!("<= {b}")
        };
        println!(
            "  {label:>8} us {:>6.2}% {}",
            share * 100.0,
            "#".repeat((share * 50.0) as usize)
        );
        below = upto;
    }
    Ok(if errs > 0 { 1 } else { 0 })
}

/// A one-line progress bar on stderr until the duration is over.
async fn progress(args: &BenchArgs, done: &AtomicU64, started: Instant) {
    let width = 30;
    let mut last = 0;
    while started.elapsed() < args.duration {
        tokio::time::sleep(Duration::from_millis(250).min(args.duration)).await;
        let frac = (started.elapsed().as_secs_f64() / args.duration.as_secs_f64()).min(1.0);
        let now = done.load(Ordering::Relaxed);
        let rate = (now - last) as f64 * 4.0;
        last = now;
        let filled = (frac * width as f64) as usize;
        eprint!(
            "\r[{}{}] {:>3.0}% {:>10.0} ops/s",
            "=".repeat(filled),
            " ".repeat(width - filled),
            frac * 100.0,
            rate
        );
    }
}
