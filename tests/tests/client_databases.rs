//! Numbered databases in cluster mode (`Builder::database`, `redis://host:port/n`).
//!
//! - On Valkey 9+ started with `cluster-databases 16`, on every runtime: a client in
//!   database 1 and one in database 0 see different values for the same key; a scan of
//!   database 1 finds its keys and not database 0's; a blocking pop (its own connection)
//!   takes from database 1; a script runs against database 1.
//! - On a server without it (Redis refuses `SELECT` in cluster mode), `connect` fails with
//!   `Error::Config` carrying the server's words.

use std::time::Duration;

use keyslot::{Cmd, Error, ScanOptions, Script, Value};
use keyslot_tests::cluster::{ClusterSpec, RedisCluster};
use keyslot_tests::on_every_runtime;
use keyslot_tests::require::{require_valkey, server_version};
use keyslot_tests::runtimes::{bulk, claim_machine, ok, Flavor, Runs, TestClient};

async fn connect<F: Flavor>(cluster: &RedisCluster, database: Option<u32>) -> TestClient<F> {
    let mut builder = TestClient::<F>::builder_for(cluster);
    if let Some(n) = database {
        builder = builder.database(n);
    }
    TestClient::<F>::connect(builder).await.expect("connects")
}

async fn databases_are_apart<F: Flavor>(cluster: &RedisCluster) {
    let one = connect::<F>(cluster, Some(1)).await;
    let zero = connect::<F>(cluster, None).await;
    let key = format!("db-key:{}", F::NAME);
    assert_eq!(
        one.send(Cmd::new("SET").arg(&key).arg("in-1")).await,
        Ok(ok())
    );
    assert_eq!(
        zero.send(Cmd::new("SET").arg(&key).arg("in-0")).await,
        Ok(ok())
    );
    assert_eq!(one.send(Cmd::new("GET").arg(&key)).await, Ok(bulk("in-1")));
    assert_eq!(zero.send(Cmd::new("GET").arg(&key)).await, Ok(bulk("in-0")));

    let only_in_one = format!("db-only-1:{}", F::NAME);
    one.send(Cmd::new("SET").arg(&only_in_one).arg("x"))
        .await
        .unwrap();
    let pattern = format!("db-only-1:{}", F::NAME);
    let opts = || ScanOptions {
        pattern: Some(pattern.clone().into()),
        count: None,
        type_: None,
    };
    let (found, _) = one.scan(opts(), &|| Duration::ZERO).await;
    assert_eq!(
        found.unwrap(),
        vec![bytes::Bytes::from(only_in_one.clone())]
    );
    let (found, _) = zero.scan(opts(), &|| Duration::ZERO).await;
    assert!(found.unwrap().is_empty(), "database 0 has no such key");

    let queue = format!("db-queue:{}", F::NAME);
    let popper = one.clone();
    let pop_queue = queue.clone();
    let pop = F::spawn(async move { popper.send(Cmd::new("BLPOP").arg(&pop_queue).arg(5)).await });
    F::sleep(Duration::from_millis(100)).await;
    zero.send(Cmd::new("RPUSH").arg(&queue).arg("wrong-db"))
        .await
        .unwrap();
    one.send(Cmd::new("RPUSH").arg(&queue).arg("right-db"))
        .await
        .unwrap();
    assert_eq!(
        pop.await,
        Ok(Value::Array(vec![bulk(&queue), bulk("right-db")])),
        "the pop's own connection is in database 1"
    );

    let script = Script::new("return redis.call('GET', KEYS[1])");
    assert_eq!(one.script(script.call().key(&key)).await, Ok(bulk("in-1")));
}

async fn an_unknown_database_is_refused<F: Flavor>(cluster: &RedisCluster) {
    let builder = TestClient::<F>::builder_for(cluster).database(1);
    match TestClient::<F>::connect(builder).await {
        Err(Error::Config(why)) => assert!(why.contains("SELECT 1"), "{why}"),
        other => panic!("{:?}", other.map(|_| "connected")),
    }
}

#[test]
fn numbered_databases() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let mut runs = Runs::new();
    if require_valkey(9, "numbered databases in cluster mode") {
        let spec = ClusterSpec::new()
            .shape(3, 0)
            .arg("--cluster-databases")
            .arg("16");
        let cluster = RedisCluster::start(spec).expect("a cluster");
        on_every_runtime!(runs, "databases apart", databases_are_apart(&cluster));
    }
    if server_version().is_none_or(|v| !v.valkey) {
        let cluster = RedisCluster::start(ClusterSpec::new().shape(3, 0)).expect("a cluster");
        on_every_runtime!(
            runs,
            "SELECT refused",
            an_unknown_database_is_refused(&cluster)
        );
    }
    runs.finish();
}
