//! Valkey 9's atomic slot migration (`CLUSTER MIGRATESLOTS`) of a whole shard's slots under
//! 50 tasks of SET+GET, on every runtime. The source pauses writes near the end, answers
//! the stalled commands with MOVED to the target, and the target may answer MOVED back to
//! the source until it has taken over. Required: no caller-visible error, and no redirect
//! back to the source — a MOVED ping-pong. 20,000 keys ride along so the migration lasts.
//! Prints the worst command latency and the redirects seen.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use keyslot::{Addr, Cmd, Event};
use keyslot_tests::cluster::RedisCluster;
use keyslot_tests::on_every_runtime;
use keyslot_tests::require::require_valkey;
use keyslot_tests::runtimes::{
    bulk, claim_machine, client_addr, key_in_slot, ok, quiet_primaries, Flavor, Runs, TestClient,
};

const TASKS: usize = 50;
/// Keys in the moving slots besides the load's own.
const FILLER_KEYS: usize = 20_000;

/// MOVED redirects the client followed, as (from, to).
type Redirects = Arc<Mutex<Vec<(Addr, Addr)>>>;

#[derive(Default)]
struct Report {
    ops: u64,
    errors: Vec<String>,
    worst: Duration,
}

async fn load<F: Flavor>(
    client: TestClient<F>,
    keys: Vec<String>,
    stop: Arc<AtomicBool>,
) -> Report {
    let mut report = Report::default();
    let mut seq = 0u64;
    while !stop.load(Ordering::Relaxed) {
        for key in &keys {
            seq += 1;
            let value = seq.to_string();
            let began = Instant::now();
            let set = client.send(Cmd::new("SET").arg(key).arg(&value)).await;
            let get = client.send(Cmd::new("GET").arg(key)).await;
            report.worst = report.worst.max(began.elapsed());
            report.ops += 2;
            let failed = set != Ok(ok()) || get != Ok(bulk(&value));
            if failed && report.errors.len() < 5 {
                report
                    .errors
                    .push(format!("{key}: SET {set:?}, GET {get:?}"));
            }
        }
    }
    report
}

async fn migration_under_load<F: Flavor>(cluster: &RedisCluster) {
    let primaries = cluster.primaries().unwrap();
    let from = primaries[F::INDEX % primaries.len()].clone();
    let to = primaries[(F::INDEX + 1) % primaries.len()].clone();
    let view = cluster.agreed_view().unwrap();
    let ranges = view.entry(from.id()).unwrap().slots.clone();
    let redirects: Redirects = Arc::default();
    let seen = redirects.clone();
    let builder = TestClient::<F>::builder_for(cluster).on_event(move |e| {
        if let Event::Redirected {
            ask: false,
            from,
            to,
            ..
        } = e
        {
            seen.lock().unwrap().push((from.clone(), to.clone()));
        }
    });
    let client = TestClient::<F>::connect(builder).await.expect("connects");
    let slots: Vec<u16> = ranges.iter().flat_map(|&(a, b)| a..=b).collect();
    // Keys for the migration to carry, so that it lasts.
    let filler = [b'f'; 100];
    for chunk in 0..FILLER_KEYS / 1000 {
        let sets = (0..1000)
            .map(|i| {
                let n = chunk * 1000 + i;
                let key = key_in_slot(slots[n % slots.len()], &format!("fill:{}:{n}", F::NAME));
                Cmd::new("SET").arg(key).arg(&filler[..])
            })
            .collect();
        let results = client.pipeline(sets).await.expect("filled");
        assert!(results.iter().all(|r| *r == Ok(ok())));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let keys = (0..4)
                .map(|j| {
                    let slot = slots[(t * 4 + j) * 97 % slots.len()];
                    key_in_slot(slot, &format!("asm:{}:{t}:{j}", F::NAME))
                })
                .collect();
            F::spawn(load(client.clone(), keys, stop.clone()))
        })
        .collect();
    F::sleep(Duration::from_millis(300)).await;
    let began = Instant::now();
    for &(a, b) in &ranges {
        cluster
            .migrate_slots_atomically(a..=b, &from, &to)
            .expect("the migration completes");
    }
    let took = began.elapsed();
    F::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let mut ops = 0;
    let mut errors = Vec::new();
    let mut worst = Duration::ZERO;
    for task in tasks {
        let r = task.await;
        ops += r.ops;
        errors.extend(r.errors);
        worst = worst.max(r.worst);
    }
    let (source, target) = (client_addr(&from), client_addr(&to));
    let redirects = redirects.lock().unwrap().clone();
    let forward = redirects.iter().filter(|(_, t)| *t == target).count();
    let back = redirects.iter().filter(|(_, t)| *t == source).count();
    println!(
        "{}: {} slots moved atomically in {took:.2?} under {TASKS} tasks: {ops} commands, \
         worst SET+GET {worst:.1?}, MOVED to the target {forward}, back to the source {back}, \
         errors {}",
        F::NAME,
        slots.len(),
        errors.len()
    );
    assert!(errors.is_empty(), "caller-visible errors: {errors:#?}");
    assert_eq!(back, 0, "redirects back to the source: a MOVED ping-pong");
}

#[test]
fn atomic_slot_migration_under_load() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    if !require_valkey(9, "atomic slot migration (CLUSTER MIGRATESLOTS)") {
        return;
    }
    let spec = quiet_primaries();
    let cluster = RedisCluster::start(spec).expect("a cluster");
    let mut runs = Runs::new();
    on_every_runtime!(
        runs,
        "CLUSTER MIGRATESLOTS of a shard under load",
        migration_under_load(&cluster)
    );
    runs.finish();
}
