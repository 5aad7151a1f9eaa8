//! Resharding under load: slots move with their keys between primaries, by the real protocol
//! (SETSLOT IMPORTING / MIGRATING, MIGRATE in small batches, SETSLOT NODE), while 50
//! concurrent tasks run SET/GET, pipelines of them, and MSET/MGET on one slot, on keys in the
//! moving slots.
//! No error may reach a caller — MOVED, ASK and TRYAGAIN are the client's business — and every
//! read returns the value its task wrote last (each key has one writer, so nothing else is
//! acceptable). The test also checks that it met MOVED, ASK and TRYAGAIN: otherwise it would
//! prove little. Runs on tokio, smol, async-std and the blocking client, one after another on
//! one cluster; each run moves 40 slots from one primary to the next.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use keyslot::{Cmd, Event, Value};
use keyslot_core::cluster::RetryReason;
use keyslot_tests::cluster::{MigrationStep, RedisCluster};
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{
    bulk, claim_machine, client_addr, eventually, key_in_slot, ok, quiet_primaries, topology_owner,
    Flavor, TestClient,
};

const TASKS: usize = 50;
const SLOTS_MOVED: u16 = 40;

/// What the client told the test through its events.
#[derive(Default)]
struct Seen {
    moved: AtomicU64,
    ask: AtomicU64,
    tryagain: AtomicU64,
}

/// One task's account of its traffic.
#[derive(Default)]
struct Report {
    ops: u64,
    /// Calls that failed: none is acceptable.
    errors: Vec<String>,
    /// Reads that did not return the task's last write: none is acceptable.
    wrong: Vec<String>,
}

/// Keys of task `t`: four in moving slots and one elsewhere, plus a pair sharing a moving
/// slot for MSET/MGET.
struct Keys {
    singles: Vec<String>,
    pair: (String, String),
}

fn keys_of(t: usize, moving: &[u16], elsewhere: u16, run: &str) -> Keys {
    let mut singles: Vec<String> = (0..4)
        .map(|j| {
            let slot = moving[(t * 4 + j) % moving.len()];
            key_in_slot(slot, &format!("{run}:t{t}:k{j}"))
        })
        .collect();
    singles.push(key_in_slot(elsewhere, &format!("{run}:t{t}:still")));
    let slot = moving[(t * 7 + 3) % moving.len()];
    let pair = (
        key_in_slot(slot, &format!("{run}:t{t}:pa")),
        key_in_slot(slot, &format!("{run}:t{t}:pb")),
    );
    Keys { singles, pair }
}

async fn worker<F: Flavor>(
    client: TestClient<F>,
    t: usize,
    keys: Keys,
    stop: Arc<AtomicBool>,
    ops: Arc<AtomicU64>,
) -> Report {
    let mut report = Report::default();
    let mut seq = 0u64;
    let note_error = |report: &mut Report, what: String| {
        if report.errors.len() < 5 {
            report.errors.push(what);
        }
    };
    // Create the pair's keys apart, so that small MIGRATE batches split them and MGET meets
    // the slot with one key moved and the other not (TRYAGAIN).
    let (a, b) = &keys.pair;
    let creation = [a]
        .into_iter()
        .chain(&keys.singles)
        .chain([b])
        .map(|key| Cmd::new("SET").arg(key).arg("initial"));
    for cmd in creation {
        if let Err(e) = client.send(cmd).await {
            note_error(&mut report, format!("initial SET: {e:?}"));
        }
    }
    let mut pair_value = "initial".to_string();
    while !stop.load(Ordering::Relaxed) {
        for key in &keys.singles {
            seq += 1;
            let value = format!("t{t}:{seq}");
            match client.send(Cmd::new("SET").arg(key).arg(&value)).await {
                Ok(v) if v == ok() => {}
                other => note_error(&mut report, format!("SET {key}: {other:?}")),
            }
            match client.send(Cmd::new("GET").arg(key)).await {
                Ok(v) if v == bulk(&value) => {}
                Ok(v) => report
                    .wrong
                    .push(format!("GET {key} gave {v:?}, last written {value}")),
                Err(e) => note_error(&mut report, format!("GET {key}: {e:?}")),
            }
            report.ops += 2;
            ops.fetch_add(2, Ordering::Relaxed);
        }
        // The same keys in one pipeline (moving slots and a stable one): every SET, then
        // every GET, each redirected on its own, results in order.
        seq += 1;
        let value = format!("t{t}:{seq}:p");
        let sets = keys
            .singles
            .iter()
            .map(|k| Cmd::new("SET").arg(k).arg(&value));
        let gets = keys.singles.iter().map(|k| Cmd::new("GET").arg(k));
        match client.pipeline(sets.chain(gets).collect()).await {
            Ok(results) => {
                let n = keys.singles.len();
                for (i, result) in results.iter().enumerate() {
                    let want = if i < n { ok() } else { bulk(&value) };
                    match result {
                        Ok(v) if *v == want => {}
                        Ok(v) => report
                            .wrong
                            .push(format!("pipeline entry {i} gave {v:?}, expected {want:?}")),
                        Err(e) => note_error(&mut report, format!("pipeline entry {i}: {e:?}")),
                    }
                }
                if results.len() != 2 * n {
                    note_error(&mut report, format!("{} pipeline results", results.len()));
                }
            }
            Err(e) => note_error(&mut report, format!("pipeline: {e:?}")),
        }
        report.ops += 2 * keys.singles.len() as u64;
        ops.fetch_add(2 * keys.singles.len() as u64, Ordering::Relaxed);
        // MGET first: it checks the MSET of the previous round after a pause.
        let expected = Value::Array(vec![bulk(&pair_value), bulk(&pair_value)]);
        match client.send(Cmd::new("MGET").arg(a).arg(b)).await {
            Ok(v) if v == expected => {}
            Ok(v) => report.wrong.push(format!(
                "MGET {a} {b} gave {v:?}, last written {pair_value}"
            )),
            Err(e) => note_error(&mut report, format!("MGET {a} {b}: {e:?}")),
        }
        seq += 1;
        pair_value = format!("t{t}:{seq}");
        let mset = Cmd::new("MSET")
            .arg(a)
            .arg(&pair_value)
            .arg(b)
            .arg(&pair_value);
        match client.send(mset).await {
            Ok(v) if v == ok() => {}
            other => note_error(&mut report, format!("MSET {a} {b}: {other:?}")),
        }
        report.ops += 2;
        ops.fetch_add(2, Ordering::Relaxed);
    }
    report
}

async fn reshard_under_load<F: Flavor>(cluster: &RedisCluster) {
    // Each runtime moves the first SLOTS_MOVED slots of another primary to the next one.
    let run = F::INDEX;
    let primaries = cluster.primaries().unwrap();
    let source = primaries[run % primaries.len()].clone();
    let target = primaries[(run + 1) % primaries.len()].clone();
    let view = cluster.agreed_view().unwrap();
    let ranges = &view.entry(source.id()).unwrap().slots;
    let first = ranges[0].0;
    let moving: Vec<u16> = (first..first + SLOTS_MOVED).collect();
    assert!(
        moving
            .iter()
            .all(|&s| view.owner(s).map(|e| e.id.as_str()) == Some(source.id())),
        "the source owns {first}..+{SLOTS_MOVED}"
    );
    let elsewhere = view.entry(target.id()).unwrap().slots[0].0;

    let seen = Arc::new(Seen::default());
    let events = seen.clone();
    let client = TestClient::<F>::connect(TestClient::<F>::builder_for(cluster).on_event(
        move |event| match event {
            Event::Redirected { ask: true, .. } => {
                events.ask.fetch_add(1, Ordering::Relaxed);
            }
            Event::Redirected { ask: false, .. } => {
                events.moved.fetch_add(1, Ordering::Relaxed);
            }
            Event::Retrying {
                reason: RetryReason::TryAgain,
                ..
            } => {
                events.tryagain.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        },
    ))
    .await
    .expect("connects");

    let stop = Arc::new(AtomicBool::new(false));
    let ops = Arc::new(AtomicU64::new(0));
    let label = format!("reshard:{}", F::NAME);
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let keys = keys_of(t, &moving, elsewhere, &label);
            F::spawn(worker(client.clone(), t, keys, stop.clone(), ops.clone()))
        })
        .collect();

    // Let every task write its keys first, so that the slots have keys to move.
    F::sleep(Duration::from_millis(300)).await;
    let ops_before = ops.load(Ordering::Relaxed);
    let began = Instant::now();
    // A pause after each step lets traffic meet the slot in every state: migrating with some
    // keys moved (ASK, TRYAGAIN), owned by the target but not yet by the source, then moved.
    // A TRYAGAIN needs an MGET to land while a batch has split its pair: until the client
    // has met one, each batch waits for it a little longer (2 s in all at most), so that a
    // fast client cannot slip through every split by chance.
    let mut tryagain_budget = Duration::from_secs(2);
    let keys_moved = cluster
        .migrate_slots_with(
            first..=first + SLOTS_MOVED - 1,
            &source,
            &target,
            2,
            |_, step| {
                let pause = match step {
                    MigrationStep::Migrating | MigrationStep::AssignedOnTarget => 4,
                    MigrationStep::Moved { .. } => 1,
                    _ => 0,
                };
                std::thread::sleep(Duration::from_millis(pause));
                if matches!(step, MigrationStep::Moved { .. }) {
                    let waiting = Instant::now();
                    while seen.tryagain.load(Ordering::Relaxed) == 0
                        && waiting.elapsed() < Duration::from_millis(30)
                        && waiting.elapsed() < tryagain_budget
                    {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    tryagain_budget = tryagain_budget.saturating_sub(waiting.elapsed());
                }
            },
        )
        .expect("the slots move");
    let took = began.elapsed();
    let ops_during = ops.load(Ordering::Relaxed) - ops_before;
    F::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);

    let mut total = 0;
    let mut errors = Vec::new();
    let mut wrong = Vec::new();
    for task in tasks {
        let report = task.await;
        total += report.ops;
        errors.extend(report.errors);
        wrong.extend(report.wrong);
    }
    println!(
        "{}: moved {SLOTS_MOVED} slots ({keys_moved} keys) node {} -> node {} in {took:.2?}; \
         {ops_during} ops during the move, {total} in all; client saw {} MOVED, {} ASK, {} TRYAGAIN",
        F::NAME,
        source.index(),
        target.index(),
        seen.moved.load(Ordering::Relaxed),
        seen.ask.load(Ordering::Relaxed),
        seen.tryagain.load(Ordering::Relaxed),
    );
    assert!(errors.is_empty(), "errors reached callers: {errors:#?}");
    assert!(
        wrong.is_empty(),
        "reads of values never written last: {wrong:#?}"
    );
    assert!(
        keys_moved >= TASKS * 4,
        "only {keys_moved} keys moved: the load did not populate the slots"
    );
    assert!(ops_during >= 1000, "only {ops_during} ops during the move");
    // The test did meet both redirects (otherwise it proves little).
    assert!(seen.moved.load(Ordering::Relaxed) > 0, "no MOVED was seen");
    assert!(seen.ask.load(Ordering::Relaxed) > 0, "no ASK was seen");
    assert!(
        seen.tryagain.load(Ordering::Relaxed) > 0,
        "no TRYAGAIN was seen"
    );

    // The client's view follows the move (MOVED asks for a rediscovery).
    let want = client_addr(&target);
    eventually::<F, _, _>(
        "the client's view shows the move",
        Duration::from_secs(5),
        || {
            let client = client.clone();
            let want = want.clone();
            async move {
                let topology = client.topology().await.ok_or("no view")?;
                match topology_owner(&topology, first) {
                    Some(owner) if owner == want => Ok(()),
                    other => Err(format!("slot {first} owned by {other:?}")),
                }
            }
        },
    )
    .await;
}

#[test]
fn resharding_under_load() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    // Nothing is meant to fail here: a long node timeout keeps a busy machine from making a
    // healthy node look dead.
    let spec = quiet_primaries();
    let cluster = RedisCluster::start(spec).unwrap();
    on_every_runtime!("resharding under load", reshard_under_load(&cluster));
}
