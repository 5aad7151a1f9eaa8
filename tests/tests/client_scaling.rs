//! Scale-out with the client running: a new primary joins, slots move to it with their keys
//! while tasks keep reading and writing, and the same client — never restarted — learns the
//! new node, sends it the commands for its slots (its own `INFO commandstats` counts them),
//! and includes it in fan-out commands. Runs on tokio, smol, async-std and the blocking
//! client; each run adds a primary of its own to one cluster.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use keyslot::{Cmd, Value};
use keyslot_tests::cluster::RedisCluster;
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{
    bulk, claim_machine, client_addr, eventually, key_in_slot, ok, quiet_primaries, Flavor,
    TestClient,
};

const SLOTS_MOVED: u16 = 100;
const TASKS: usize = 10;

/// `calls=N` of `cmdstat_<command>` in an `INFO commandstats` text (0 when absent).
fn calls(info: &str, command: &str) -> u64 {
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("cmdstat_{command}:calls=")))
        .and_then(|rest| rest.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

async fn worker<F: Flavor>(
    client: TestClient<F>,
    keys: Vec<String>,
    stop: Arc<AtomicBool>,
) -> Vec<String> {
    let mut failures = Vec::new();
    let mut seq = 0u64;
    while !stop.load(Ordering::Relaxed) {
        for key in &keys {
            seq += 1;
            let set = client.send(Cmd::new("SET").arg(key).arg(seq)).await;
            let get = client.send(Cmd::new("GET").arg(key)).await;
            if (set.as_ref(), get.as_ref()) != (Ok(&ok()), Ok(&bulk(seq.to_string())))
                && failures.len() < 5
            {
                failures.push(format!("SET/GET {key}: {set:?} / {get:?}"));
            }
        }
        // Scale-out is slow (a new node waits 2 s before it serves); no need to spin.
        F::sleep(Duration::from_millis(2)).await;
    }
    failures
}

async fn scale_out<F: Flavor>(cluster: &RedisCluster) {
    let client = TestClient::<F>::connect(TestClient::<F>::builder_for(cluster))
        .await
        .expect("connects");
    let primaries_before = client.topology().await.unwrap().shards().len();

    // The slots to move: the first ones of the primary that has the most.
    let view = cluster.agreed_view().unwrap();
    let source = view
        .entries()
        .filter(|e| e.primary)
        .max_by_key(|e| e.slots.iter().map(|(a, b)| b - a + 1).sum::<u16>())
        .map(|e| cluster.node_by_id(&e.id).unwrap())
        .unwrap();
    let first = view.entry(source.id()).unwrap().slots[0].0;
    let last = first + SLOTS_MOVED - 1;

    let label = format!("scale:{}", F::NAME);
    let stop = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let keys = (0..5)
                .map(|j| {
                    let slot = first + ((t * 5 + j) as u16 * 7) % SLOTS_MOVED;
                    key_in_slot(slot, &format!("{label}:t{t}:{j}"))
                })
                .collect();
            F::spawn(worker(client.clone(), keys, stop.clone()))
        })
        .collect();

    let new = cluster.add_primary().expect("a new primary joins");
    let keys_moved = cluster
        .migrate_slots(first..=last, &source, &new)
        .expect("slots move to the new primary");
    let new_addr = client_addr(&new);
    println!(
        "{}: node {} joined; slots {first}..={last} ({keys_moved} keys) moved to it from node {}",
        F::NAME,
        new.index(),
        source.index()
    );

    // The client's view gains the node, owning the moved slots.
    eventually::<F, _, _>(
        "the client's view has the new primary",
        Duration::from_secs(5),
        || {
            let client = client.clone();
            let new_addr = new_addr.clone();
            async move {
                let topology = client.topology().await.ok_or("no view")?;
                let owner = topology.primary_of_slot(first).map(|p| p.addr.clone());
                if owner.as_ref() != Some(&new_addr) {
                    return Err(format!("slot {first} owned by {owner:?}"));
                }
                if topology.shards().len() != primaries_before + 1 {
                    return Err(format!("{} shards", topology.shards().len()));
                }
                Ok(())
            }
        },
    )
    .await;
    stop.store(true, Ordering::Relaxed);
    let mut failures = Vec::new();
    for task in tasks {
        failures.extend(task.await);
    }
    assert!(failures.is_empty(), "callers saw failures: {failures:#?}");

    // Commands for the moved slots reach the new node: count them there.
    cluster
        .send(&new, &Cmd::new("CONFIG").arg("RESETSTAT"))
        .unwrap();
    let n = 200u64;
    for i in 0..n {
        let key = key_in_slot(
            first + (i as u16) % SLOTS_MOVED,
            &format!("{label}:count{i}"),
        );
        assert_eq!(
            client.send(Cmd::new("SET").arg(&key).arg(i)).await,
            Ok(ok())
        );
        assert_eq!(
            client.send(Cmd::new("GET").arg(&key)).await,
            Ok(bulk(i.to_string()))
        );
    }
    let info = client
        .send_to(&new_addr, Cmd::new("INFO").arg("commandstats"))
        .await
        .unwrap();
    let info = String::from_utf8_lossy(info.as_bytes().unwrap()).into_owned();
    assert!(calls(&info, "set") >= n, "{info}");
    assert!(calls(&info, "get") >= n, "{info}");

    // Fan-out reaches it too: DBSIZE over the client equals the primaries' own counts.
    let mut sum = 0;
    for p in cluster.primaries().unwrap() {
        sum += cluster
            .send(&p, &Cmd::new("DBSIZE"))
            .unwrap()
            .as_integer()
            .unwrap();
    }
    let new_count = cluster.send(&new, &Cmd::new("DBSIZE")).unwrap();
    assert!(new_count.as_integer().unwrap() >= n as i64);
    assert_eq!(
        client.send(Cmd::new("DBSIZE")).await,
        Ok(Value::Integer(sum))
    );
}

#[test]
fn scale_out_without_restarting_the_client() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    // Nothing is meant to fail here: a long node timeout keeps a busy machine from making a
    // healthy node look dead.
    let spec = quiet_primaries();
    let cluster = RedisCluster::start(spec).unwrap();
    on_every_runtime!("scale out", scale_out(&cluster));
}
