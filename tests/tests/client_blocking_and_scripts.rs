//! Blocking commands and scripts against a real cluster (3 primaries, a replica each), on
//! every runtime.
//!
//! - a `BLPOP` that blocks forever runs on a connection of its own: while it waits, a few
//!   hundred commands to the same node complete, and the pop returns the element pushed
//!   later; the request timeout (short here) does not cut it off;
//! - a `BLPOP` and an `XREAD BLOCK` whose own timeouts exceed the request timeout still
//!   get their answers (an empty one, and an entry added while they wait);
//! - a `BLPOP` parked on a primary that a `CLUSTER FAILOVER` demotes is released by the
//!   server with `UNBLOCKED`; the client rediscovers, parks it again on the new primary, and
//!   it returns the element pushed there after the failover;
//! - `WAIT` counts the replica that acknowledged the client's write;
//! - `EVALSHA` through `script()` works on a node that never saw the script and after
//!   `SCRIPT FLUSH` (the client loads it and retries); `SCRIPT LOAD` and `FUNCTION LOAD`
//!   reach every primary.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use keyslot::{Cmd, Script, Value};
use keyslot_tests::cluster::{ClusterSpec, FailoverMode, Node, RedisCluster};
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{
    bulk, claim_machine, key_in_slot, ok, slot_per_primary, Flavor, Runs, TestClient,
};

/// Short, so that a blocking command outliving it proves its deadline was extended.
const REQUEST_TIMEOUT: Duration = Duration::from_millis(500);

async fn connect<F: Flavor>(cluster: &RedisCluster) -> TestClient<F> {
    TestClient::<F>::connect(TestClient::<F>::builder_for(cluster).request_timeout(REQUEST_TIMEOUT))
        .await
        .expect("connects")
}

async fn blocking_pop_does_not_stall_the_node<F: Flavor>(cluster: &RedisCluster) {
    let c = connect::<F>(cluster).await;
    let slot = slot_per_primary(cluster)[0].1;
    let queue = key_in_slot(slot, &format!("queue:{}", F::NAME));
    c.send(Cmd::new("DEL").arg(&queue)).await.unwrap();
    let popper = c.clone();
    let pop_key = queue.clone();
    let pop = F::spawn(async move { popper.send(Cmd::new("BLPOP").arg(&pop_key).arg(0)).await });
    F::sleep(Duration::from_millis(100)).await;
    // The same node keeps answering, well past the request timeout.
    let began = Instant::now();
    let mut done = 0;
    while began.elapsed() < REQUEST_TIMEOUT * 2 {
        let key = key_in_slot(slot, &format!("busy:{}:{done}", F::NAME));
        assert_eq!(c.send(Cmd::new("SET").arg(&key).arg(done)).await, Ok(ok()));
        assert_eq!(
            c.send(Cmd::new("GET").arg(&key)).await,
            Ok(bulk(done.to_string()))
        );
        done += 1;
    }
    assert!(done > 20, "only {done} round trips while the pop waited");
    assert_eq!(
        c.send(Cmd::new("LPUSH").arg(&queue).arg("job-1")).await,
        Ok(Value::Integer(1))
    );
    let popped = pop.await;
    assert_eq!(
        popped,
        Ok(Value::Array(vec![bulk(&queue), bulk("job-1")])),
        "the pop outlived the request timeout and got the element"
    );
    println!("{done} SET+GET pairs on the node while BLPOP waited");
}

async fn blocking_timeouts_beyond_the_request_timeout<F: Flavor>(cluster: &RedisCluster) {
    let c = connect::<F>(cluster).await;
    let (_, slot) = slot_per_primary(cluster)[1].clone();
    let empty = key_in_slot(slot, &format!("empty:{}", F::NAME));
    let began = Instant::now();
    let got = c.send(Cmd::new("BRPOP").arg(&empty).arg("0.9")).await;
    assert_eq!(got, Ok(Value::Null), "the server's own timeout answer");
    assert!(
        began.elapsed() >= Duration::from_millis(850),
        "{:?}",
        began.elapsed()
    );

    let stream = key_in_slot(slot, &format!("stream:{}", F::NAME));
    c.send(Cmd::new("DEL").arg(&stream)).await.unwrap();
    let reader = c.clone();
    let read_key = stream.clone();
    let read = F::spawn(async move {
        let cmd = Cmd::new("XREAD").arg("BLOCK").arg(3000).arg("STREAMS");
        reader.send(cmd.arg(&read_key).arg("$")).await
    });
    F::sleep(Duration::from_millis(700)).await;
    let id = c
        .send(Cmd::new("XADD").arg(&stream).arg("*").arg("f").arg("v"))
        .await
        .expect("XADD");
    let entries = read.await.expect("XREAD gets the entry");
    let text = format!("{entries:?}");
    let id = String::from_utf8_lossy(id.as_bytes().expect("an id")).into_owned();
    assert!(text.contains(&id), "{text} lacks {id}");
}

/// `blocked_clients` from a node's `INFO clients`.
fn blocked_clients(cluster: &RedisCluster, node: &Node) -> u64 {
    let field = cluster.info_field(node, "clients", "blocked_clients");
    field
        .ok()
        .flatten()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// A pop parked on a primary survives that primary's demotion (see the module docs).
fn blocking_pop_follows_a_failover<F: Flavor>(cluster: &RedisCluster) {
    let shards = slot_per_primary(cluster);
    let (primary, slot) = shards[F::INDEX % shards.len()].clone();
    let replica = cluster.replicas_of(&primary).expect("replicas")[0].clone();
    let queue = key_in_slot(slot, &format!("failover-queue:{}", F::NAME));
    let parked = AtomicBool::new(false);
    // Set when the failover is over, whether it worked or not (a panic must not leave the
    // client waiting for it).
    let failover_over = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !parked.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(5));
            }
            // Fail over only once the pop is blocked on the primary: the test is about a
            // parked pop that the demotion releases, not one sent after the failover.
            let began = Instant::now();
            while blocked_clients(cluster, &primary) == 0 {
                assert!(
                    began.elapsed() < Duration::from_secs(10),
                    "the pop never blocked on node {}",
                    primary.index()
                );
                std::thread::sleep(Duration::from_millis(5));
            }
            // TAKEOVER needs no votes: the primaries refuse to vote twice for one shard
            // within twice the node timeout, and the fourth runtime comes back to a shard.
            let result = cluster.failover_with(&replica, FailoverMode::Takeover);
            failover_over.store(true, Ordering::SeqCst);
            result.expect("fails over");
        });
        F::block_on(async {
            let c = connect::<F>(cluster).await;
            c.send(Cmd::new("DEL").arg(&queue)).await.unwrap();
            let popper = c.clone();
            let pop_key = queue.clone();
            // Long enough for the failover, short enough that a client which gave up on
            // the pop cannot hang the test.
            let pop =
                F::spawn(async move { popper.send(Cmd::new("BLPOP").arg(&pop_key).arg(30)).await });
            parked.store(true, Ordering::SeqCst);
            while !failover_over.load(Ordering::SeqCst) {
                F::sleep(Duration::from_millis(20)).await;
            }
            let pushed_at = Instant::now();
            assert_eq!(
                c.send(Cmd::new("LPUSH").arg(&queue).arg("after-failover"))
                    .await,
                Ok(Value::Integer(1)),
                "the element goes to the new primary"
            );
            assert_eq!(
                pop.await,
                Ok(Value::Array(vec![bulk(&queue), bulk("after-failover")])),
                "the pop followed the failover and got the element pushed after it"
            );
            println!(
                "BLPOP moved from node {} to node {} and popped {:?} after the push",
                primary.index(),
                replica.index(),
                pushed_at.elapsed()
            );
        });
    });
}

async fn wait_counts_replicas<F: Flavor>(cluster: &RedisCluster) {
    let c = connect::<F>(cluster).await;
    let key = format!("waited:{}", F::NAME);
    assert_eq!(c.send(Cmd::new("SET").arg(&key).arg(1)).await, Ok(ok()));
    assert_eq!(
        c.send(Cmd::new("WAIT").arg(1).arg(2000)).await,
        Ok(Value::Integer(1)),
        "each primary's replica acknowledged"
    );
}

async fn scripts_load_where_missing<F: Flavor>(cluster: &RedisCluster) {
    let c = connect::<F>(cluster).await;
    let script = Script::new(format!(
        "-- {}\nreturn redis.call('GET', KEYS[1]) .. ARGV[1]",
        F::NAME
    ));
    for (primary, slot) in slot_per_primary(cluster) {
        let key = key_in_slot(slot, &format!("script:{}", F::NAME));
        c.send(Cmd::new("SET").arg(&key).arg("v")).await.unwrap();
        let exists = cluster
            .send(
                &primary,
                &Cmd::new("SCRIPT").arg("EXISTS").arg(script.sha1()),
            )
            .unwrap();
        assert_eq!(
            exists,
            Value::Array(vec![Value::Integer(0)]),
            "not loaded yet"
        );
        let call = script.call().key(&key).arg("!");
        assert_eq!(c.script(call).await, Ok(bulk("v!")), "loaded on NOSCRIPT");
        assert_eq!(
            c.script(script.call().key(&key).arg("?")).await,
            Ok(bulk("v?"))
        );
        // EVALSHA_RO is Redis 7.0's.
        if keyslot_tests::require::server_version().is_none_or(|v| v.is_7()) {
            let ro = script.call().key(&key).arg(".").read_only();
            assert_eq!(c.script(ro).await, Ok(bulk("v.")));
        }
    }
    // Every node forgets it; the next calls load it again.
    assert_eq!(c.send(Cmd::new("SCRIPT").arg("FLUSH")).await, Ok(ok()));
    for (_, slot) in slot_per_primary(cluster) {
        let key = key_in_slot(slot, &format!("script:{}", F::NAME));
        assert_eq!(
            c.script(script.call().key(&key).arg("#")).await,
            Ok(bulk("v#"))
        );
    }
    // A script that does not compile: the server's reason, not the NOSCRIPT behind it.
    let broken = Script::new(format!("-- {}\nreturn +", F::NAME));
    let slot = slot_per_primary(cluster)[0].1;
    let key = key_in_slot(slot, &format!("script:{}", F::NAME));
    match c.script(broken.call().key(&key)).await {
        Err(keyslot::Error::Server(text)) => assert!(
            text.as_bytes().starts_with(b"ERR Error compiling script"),
            "{text}"
        ),
        other => panic!("a script that does not compile answered {other:?}"),
    }
    // SCRIPT LOAD through the client reaches every node.
    let other = Script::new(format!("return '{}'", F::NAME));
    let loaded = c
        .send(Cmd::new("SCRIPT").arg("LOAD").arg(&other.body()[..]))
        .await;
    assert_eq!(loaded, Ok(bulk(other.sha1())));
    for node in cluster.live_nodes() {
        let exists = cluster
            .send(&node, &Cmd::new("SCRIPT").arg("EXISTS").arg(other.sha1()))
            .unwrap();
        assert_eq!(
            exists,
            Value::Array(vec![Value::Integer(1)]),
            "node {}",
            node.index()
        );
    }
}

async fn functions_reach_every_primary<F: Flavor>(cluster: &RedisCluster) {
    let c = connect::<F>(cluster).await;
    let library = format!("lib_{}", F::NAME.replace('-', "_"));
    let code = format!(
        "#!lua name={library}\nredis.register_function('{library}_get', \
         function(keys, args) return redis.call('GET', keys[1]) end)"
    );
    let loaded = c
        .send(Cmd::new("FUNCTION").arg("LOAD").arg("REPLACE").arg(&code))
        .await;
    assert_eq!(loaded, Ok(bulk(&library)));
    for (primary, slot) in slot_per_primary(cluster) {
        let list = cluster
            .send(
                &primary,
                &Cmd::new("FUNCTION")
                    .arg("LIST")
                    .arg("LIBRARYNAME")
                    .arg(&library),
            )
            .unwrap();
        assert!(
            format!("{list:?}").contains(&library),
            "primary {}",
            primary.index()
        );
        let key = key_in_slot(slot, &format!("fn:{}", F::NAME));
        c.send(Cmd::new("SET").arg(&key).arg("f")).await.unwrap();
        let call = Cmd::new("FCALL")
            .arg(format!("{library}_get"))
            .arg(1)
            .arg(&key);
        assert_eq!(c.send(call).await, Ok(bulk("f")));
    }
}

#[test]
fn blocking_commands_and_scripts() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let cluster = RedisCluster::start(ClusterSpec::new()).expect("a cluster");
    let mut runs = Runs::new();
    on_every_runtime!(
        runs,
        "BLPOP on its own connection",
        blocking_pop_does_not_stall_the_node(&cluster)
    );
    on_every_runtime!(
        runs,
        "blocking timeouts",
        blocking_timeouts_beyond_the_request_timeout(&cluster)
    );
    let what = "BLPOP through a failover";
    on_every_runtime!(runs, what, sync blocking_pop_follows_a_failover(&cluster));
    on_every_runtime!(runs, "WAIT", wait_counts_replicas(&cluster));
    on_every_runtime!(
        runs,
        "EVALSHA loads on NOSCRIPT",
        scripts_load_where_missing(&cluster)
    );
    if keyslot_tests::require::require_server(7, 0, "FUNCTION LOAD") {
        on_every_runtime!(
            runs,
            "FUNCTION LOAD everywhere",
            functions_reach_every_primary(&cluster)
        );
    }
    runs.finish();
}
