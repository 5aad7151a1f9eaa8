//! `keyslot demo --seed HOST:PORT`: the demo's workload against a real cluster.
//!
//! Every key lives under a prefix the demo owns and is deleted at the end. Each client task
//! is the only writer of its keys, so every read must return exactly what that task wrote
//! last; anything else breaks the invariant. Chaos is not injected into a real cluster: fail
//! a node over yourself while it runs (`CLUSTER FAILOVER` on a replica) and watch.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use keyslot::{Cmd, Error, Event, Value};

use crate::args::DemoArgs;
use crate::connect;
use crate::view::{summary, Snapshot, View};

#[derive(Default)]
struct Counters {
    ok: AtomicU64,
    errors: AtomicU64,
    redirects: AtomicU64,
    refreshes: AtomicU64,
    recent: Mutex<Vec<String>>,
    broken: Mutex<Vec<String>>,
}

impl Counters {
    fn note(&self, line: String) {
        if let Ok(mut r) = self.recent.lock() {
            r.push(line);
            let excess = r.len().saturating_sub(20);
            r.drain(..excess);
        }
    }
}

const KEYS_PER_CLIENT: u64 = 100;

fn key(prefix: &str, client: usize, i: u64) -> String {
    format!("{prefix}{client}:{}", i % KEYS_PER_CLIENT)
}

pub async fn run(args: &DemoArgs, seed: &str) -> Result<i32, Error> {
    let counters = Arc::new(Counters::default());
    let hook_counters = counters.clone();
    let hook: connect::EventHook = Box::new(move |e: &Event| match e {
        Event::Redirected { ask, slot, to, .. } => {
            hook_counters.redirects.fetch_add(1, Ordering::Relaxed);
            hook_counters.note(format!(
                "{} slot {slot} -> {to}",
                if *ask { "ASK" } else { "MOVED" }
            ));
        }
        Event::RefreshFinished { trigger, outcome } => {
            hook_counters.refreshes.fetch_add(1, Ordering::Relaxed);
            hook_counters.note(format!("rediscovery ({trigger:?}): {outcome:?}"));
        }
        Event::NodeLost { addr } => hook_counters.note(format!("lost {addr}")),
        _ => {}
    });
    let client = connect::client(&[seed.to_string()], &args.connect, Some(hook)).await?;
    if args.chaos != crate::args::Chaos::None {
        eprintln!(
            "note: --chaos applies to the built-in simulated cluster; a real cluster is left alone"
        );
    }
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..args.clients {
        let (client, counters, stop, prefix) = (
            client.clone(),
            counters.clone(),
            stop.clone(),
            args.prefix.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let k = key(&prefix, c, i);
                let v = format!("{c}:{i}");
                match client
                    .send(Cmd::new("SET").arg(k.as_str()).arg(v.as_str()))
                    .await
                {
                    Ok(_) => counters.ok.fetch_add(1, Ordering::Relaxed),
                    Err(_) => {
                        counters.errors.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                };
                match client.send(Cmd::new("GET").arg(k.as_str())).await {
                    Ok(Value::BulkString(got)) if got == v.as_bytes() => {
                        counters.ok.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(other) => {
                        if let Ok(mut b) = counters.broken.lock() {
                            b.push(format!("{k}: wrote {v:?}, read back {other:?}"));
                        }
                    }
                    Err(_) => {
                        counters.errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    let mut view = View::new();
    while started.elapsed() < args.duration {
        tokio::time::sleep(Duration::from_secs(1).min(args.duration)).await;
        view.draw(&snapshot(&client, &counters, started).await);
    }
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    let last = snapshot(&client, &counters, started).await;
    cleanup(&client, args).await;
    let broken = counters
        .broken
        .lock()
        .map(|b| b.clone())
        .unwrap_or_default();
    summary(&last, &broken);
    Ok(if broken.is_empty() { 0 } else { 1 })
}

async fn snapshot(client: &keyslot::tokio::Client, c: &Counters, started: Instant) -> Snapshot {
    let mut owners = Vec::new();
    if let Ok(Some(t)) = client.topology().await {
        for s in t.shards() {
            if let Some(p) = &s.primary {
                let slots = s.slots.iter().map(|(a, b)| usize::from(b - a) + 1).sum();
                owners.push((p.addr.to_string(), slots));
            }
        }
    }
    Snapshot {
        elapsed_s: started.elapsed().as_secs_f64(),
        ok: c.ok.load(Ordering::Relaxed),
        errors: c.errors.load(Ordering::Relaxed),
        redirects: c.redirects.load(Ordering::Relaxed),
        refreshes: c.refreshes.load(Ordering::Relaxed),
        owners,
        recent: c.recent.lock().map(|r| r.clone()).unwrap_or_default(),
        ..Snapshot::default()
    }
}

/// Delete every key the demo may have written.
async fn cleanup(client: &keyslot::tokio::Client, args: &DemoArgs) {
    for c in 0..args.clients {
        let dels = (0..KEYS_PER_CLIENT)
            .map(|i| Cmd::new("DEL").arg(key(&args.prefix, c, i)))
            .collect();
        let _ = client.pipeline(dels).await;
    }
}
