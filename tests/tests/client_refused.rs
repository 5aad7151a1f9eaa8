//! Refusals at the caller, against a real cluster, on tokio, smol, async-std and the blocking
//! client.
//!
//! - Commands that get no reply or take the connection over (`REPLCONF`, `SYNC`, `PSYNC`,
//!   `MONITOR`, `CLIENT REPLY`, `SCRIPT DEBUG`) are refused before sending, on every path
//!   (`send`, `send_to`, pipelines, transactions): no node's `INFO commandstats` ever counts
//!   one, and concurrent callers afterwards each get their own replies. Before the refusal,
//!   one `REPLCONF ACK 0` (which a server answers only on a replica's link) shifted every
//!   later reply of its node by one.
//! - A handshake the server refuses for a reason other than credentials (a client name with
//!   a space) fails `connect` with the server's own words, at once.

use std::time::{Duration, Instant};

use keyslot::{Cmd, Error, Value};
use keyslot_tests::cluster::{ClusterSpec, RedisCluster};
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{bulk, claim_machine, client_addr, ok, Flavor, TestClient};

/// Commands refused before sending, and the `INFO commandstats` field each would bump.
const REFUSED: [(&[&str], &str); 7] = [
    (&["REPLCONF", "ACK", "0"], "cmdstat_replconf"),
    (&["SYNC"], "cmdstat_sync"),
    (&["PSYNC", "?", "-1"], "cmdstat_psync"),
    (&["MONITOR"], "cmdstat_monitor"),
    (&["CLIENT", "REPLY", "OFF"], "cmdstat_client|reply"),
    (&["CLIENT", "REPLY", "SKIP"], "cmdstat_client|reply"),
    (&["SCRIPT", "DEBUG", "YES"], "cmdstat_script|debug"),
];

/// Concurrent callers after the refusals, and the SET+GET rounds each makes.
const CALLERS: usize = 20;
const ROUNDS: usize = 50;

/// A refusal is decided in the client: far below any timeout.
const AT_ONCE: Duration = Duration::from_millis(500);

fn cmd(words: &[&str]) -> Cmd {
    words[1..]
        .iter()
        .fold(Cmd::new(words[0]), |cmd, word| cmd.arg(*word))
}

fn assert_unsupported(result: &Result<Value, Error>, what: &str) {
    match result {
        Err(Error::Unsupported { reason, .. }) => assert!(!reason.is_empty(), "{what}"),
        other => panic!("{what}: expected Error::Unsupported, got {other:?}"),
    }
}

/// What one caller saw: replies that were not its own, and errors.
#[derive(Default)]
struct Seen {
    wrong: usize,
    errors: Vec<Error>,
}

/// SET then GET of keys only this caller uses; every reply must be the caller's own.
async fn own_keys<F: Flavor>(client: TestClient<F>, caller: usize) -> Seen {
    let mut seen = Seen::default();
    for round in 0..ROUNDS {
        // A different slot every round, so that each caller visits every primary.
        let key = format!("refused:{}:{caller}:{round}", F::NAME);
        let value = format!("{caller}/{round}");
        match client.send(Cmd::new("SET").arg(&key).arg(&value)).await {
            Ok(reply) if reply == ok() => {}
            Ok(_) => seen.wrong += 1,
            Err(e) => seen.errors.push(e),
        }
        match client.send(Cmd::new("GET").arg(&key)).await {
            Ok(reply) if reply == bulk(&value) => {}
            Ok(_) => seen.wrong += 1,
            Err(e) => seen.errors.push(e),
        }
    }
    seen
}

async fn nothing_reaches_a_node<F: Flavor>(cluster: &RedisCluster) {
    let client = TestClient::<F>::connect(TestClient::<F>::builder_for(cluster))
        .await
        .expect("connects");
    let primaries = cluster.primaries().expect("the cluster agrees");
    let began = Instant::now();
    for (words, _) in REFUSED {
        let what = words.join(" ");
        assert_unsupported(&client.send(cmd(words)).await, &format!("send {what}"));
        for node in &primaries {
            let result = client.send_to(&client_addr(node), cmd(words)).await;
            assert_unsupported(&result, &format!("send_to {} {what}", node.index()));
        }
        match client.pipeline(vec![cmd(words), cmd(words)]).await {
            Ok(results) => {
                assert_eq!(results.len(), 2, "pipeline {what}");
                for result in &results {
                    assert_unsupported(result, &format!("pipeline {what}"));
                }
            }
            Err(e) => panic!("pipeline {what}: {e}"),
        }
        let transaction = vec![Cmd::new("SET").arg("refused:tx").arg("1"), cmd(words)];
        assert_unsupported(
            &client.transaction(transaction).await,
            &format!("transaction {what}"),
        );
    }
    let took = began.elapsed();
    assert!(took < AT_ONCE, "the refusals took {took:?}");

    let tasks: Vec<_> = (0..CALLERS)
        .map(|caller| F::spawn(own_keys(client.clone(), caller)))
        .collect();
    let mut wrong = 0;
    let mut errors = Vec::new();
    for task in tasks {
        let seen = task.await;
        wrong += seen.wrong;
        errors.extend(seen.errors);
    }
    assert_eq!(
        wrong,
        0,
        "{wrong} replies of {} went to the wrong caller",
        CALLERS * ROUNDS * 2
    );
    assert!(errors.is_empty(), "{} errors: {errors:?}", errors.len());

    for node in &primaries {
        let stat = |field: &str| {
            cluster
                .info_field(node, "commandstats", field)
                .expect("the harness reaches the node")
        };
        // The check can see commands: the callers' SETs are counted on every primary.
        assert!(stat("cmdstat_set").is_some(), "node {}", node.index());
        for (words, field) in REFUSED {
            assert_eq!(
                stat(field),
                None,
                "node {} counted {} after the client refused it",
                node.index(),
                words.join(" ")
            );
        }
    }
    println!(
        "{}: {} refusals in {took:.1?}; {CALLERS} callers x {ROUNDS} SET+GET, 0 wrong replies",
        F::NAME,
        REFUSED.len() * (3 + primaries.len())
    );
}

async fn handshake_refusal_says_why<F: Flavor>(cluster: &RedisCluster) {
    const REFUSAL: &str = "Client names cannot contain spaces";
    let began = Instant::now();
    let result =
        TestClient::<F>::connect(TestClient::<F>::builder_for(cluster).client_name("has space"))
            .await;
    let took = began.elapsed();
    let err = result.err().expect("a client name with a space is refused");
    let Error::NoReachableSeed { attempts } = &err else {
        panic!("expected NoReachableSeed, got {err:?}");
    };
    assert!(!attempts.is_empty(), "{err}");
    for attempt in attempts {
        assert!(attempt.reason.contains(REFUSAL), "{err}");
    }
    assert!(err.to_string().contains(REFUSAL), "{err}");
    assert!(took < AT_ONCE, "the refusal took {took:?}");

    // The same knob with a name the server takes: the connections carry it.
    let name = format!("keyslot-refused-{}", F::NAME);
    let client = TestClient::<F>::connect(TestClient::<F>::builder_for(cluster).client_name(&name))
        .await
        .expect("a valid client name connects");
    assert_eq!(
        client.send(Cmd::new("CLIENT").arg("GETNAME")).await,
        Ok(bulk(&name))
    );
    println!("{}: {err} (after {took:.1?})", F::NAME);
}

/// Three primaries without replicas: a primary with replicas receives their REPLCONF ACKs,
/// which would blur the commandstats check.
#[test]
fn refusals_before_sending_and_in_the_handshake() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let cluster = RedisCluster::start(ClusterSpec::new().shape(3, 0)).unwrap();
    let mut runs = keyslot_tests::runtimes::Runs::new();
    on_every_runtime!(
        runs,
        "refused before sending",
        nothing_reaches_a_node(&cluster)
    );
    on_every_runtime!(
        runs,
        "handshake refusal says why",
        handshake_refusal_says_why(&cluster)
    );
    runs.finish();
}
