//! The client-side cache against a real cluster (3 primaries, 1 replica each), on every
//! runtime: a second, uncached client writes, and the cached client must never answer from
//! its cache a value older than the write once the server's invalidation can have reached
//! it — one round trip on the connection the push comes by (`PING` to that node, answered
//! after the push on the same connection).
//!
//! - another client's write: gone from the cache within one round trip;
//! - this client's own write: its next read has it, with no round trip to wait for;
//! - a failover of the key's shard (`CLUSTER FAILOVER`), then a write on the new primary,
//!   replicated (`WAIT`): the read after it has the new value;
//! - a resharding of the key's slot to another primary, then a write there: the same;
//! - the metrics snapshot counts hits, misses, invalidations and the bytes held.

use keyslot::{Addr, CacheConfig, Cmd, Error, Protocol, Value};
use keyslot_tests::cluster::{ClusterSpec, RedisCluster};
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{bulk, claim_machine, client_addr, ok, Flavor, Runs, TestClient};

async fn cached_client<F: Flavor>(cluster: &RedisCluster) -> TestClient<F> {
    let builder = TestClient::<F>::builder_for(cluster).cache(CacheConfig::default());
    TestClient::<F>::connect(builder).await.expect("connects")
}

async fn get<F: Flavor>(c: &TestClient<F>, key: &str) -> Value {
    c.send(Cmd::new("GET").arg(key)).await.expect("GET")
}

async fn set<F: Flavor>(c: &TestClient<F>, key: &str, value: &str) {
    assert_eq!(c.send(Cmd::new("SET").arg(key).arg(value)).await, Ok(ok()));
}

/// One round trip to each of `nodes` on the cached client's shared connections: a push sent
/// before the reply is read before it.
async fn round_trip<F: Flavor>(c: &TestClient<F>, nodes: &[Addr]) {
    for node in nodes {
        let pong = c.send_to(node, Cmd::new("PING")).await;
        assert_eq!(pong, Ok(Value::SimpleString("PONG".into())), "{node}");
    }
}

fn owner_of(cluster: &RedisCluster, key: &str) -> keyslot_tests::cluster::Node {
    cluster
        .slot_owner(keyslot::key_slot(key.as_bytes()))
        .expect("the slot has an owner")
}

async fn hits<F: Flavor>(c: &TestClient<F>) -> u64 {
    c.metrics().await.cache.expect("a cache").hits
}

/// Read `key` twice: the second read must be a hit with `value`.
async fn cache<F: Flavor>(c: &TestClient<F>, key: &str, value: &str) {
    assert_eq!(get(c, key).await, bulk(value), "{key} read from the node");
    let before = hits(c).await;
    assert_eq!(get(c, key).await, bulk(value), "{key} from the cache");
    assert_eq!(
        hits(c).await,
        before + 1,
        "{key}: the second read was a hit"
    );
}

async fn cached_reads_follow_the_cluster<F: Flavor>(cluster: &RedisCluster) {
    let cached = cached_client::<F>(cluster).await;
    let writer = TestClient::<F>::connect(TestClient::<F>::builder_for(cluster))
        .await
        .expect("connects");
    let key = format!("cache:{}:k", F::NAME);

    // Another client's write.
    set(&writer, &key, "v1").await;
    cache(&cached, &key, "v1").await;
    set(&writer, &key, "v2").await;
    round_trip(&cached, &[client_addr(&owner_of(cluster, &key))]).await;
    assert_eq!(
        get(&cached, &key).await,
        bulk("v2"),
        "invalidated by the push"
    );

    // Its own write, read back at once.
    cache(&cached, &key, "v2").await;
    set(&cached, &key, "v3").await;
    assert_eq!(get(&cached, &key).await, bulk("v3"), "its own write");

    // A failover of the key's shard.
    cache(&cached, &key, "v3").await;
    let primary = owner_of(cluster, &key);
    let replica = cluster.replicas_of(&primary).expect("replicas")[0].clone();
    cluster.failover(&replica).expect("a failover");
    set(&writer, &key, "v4").await;
    let wait = Cmd::new("WAIT").arg(1).arg(5000);
    let acked = writer.send_to(&client_addr(&replica), wait).await;
    assert_eq!(
        acked,
        Ok(Value::Integer(1)),
        "the demoted primary has the write"
    );
    round_trip(&cached, &[client_addr(&primary), client_addr(&replica)]).await;
    assert_eq!(get(&cached, &key).await, bulk("v4"), "after the failover");

    // A resharding of the key's slot.
    cache(&cached, &key, "v4").await;
    let from = owner_of(cluster, &key);
    let to = cluster
        .primaries()
        .expect("primaries")
        .into_iter()
        .find(|p| p.id() != from.id())
        .expect("another primary");
    let slot = keyslot::key_slot(key.as_bytes());
    cluster
        .migrate_slot(slot, &from, &to)
        .expect("the slot moves");
    set(&writer, &key, "v5").await;
    round_trip(&cached, &[client_addr(&from), client_addr(&to)]).await;
    assert_eq!(get(&cached, &key).await, bulk("v5"), "after the resharding");
    // That read met MOVED on its way, so its reply was not kept; the next one is.
    cache(&cached, &key, "v5").await;

    let m = cached.metrics().await.cache.expect("a cache");
    assert!(m.hits >= 5 && m.misses >= 5, "{m:?}");
    assert!(
        m.invalidated >= 4,
        "push, own write, failover, resharding: {m:?}"
    );
    assert!(m.entries >= 1 && m.bytes > 0, "{m:?}");
    assert!(m.hit_ratio() > 0.0 && m.hit_ratio() < 1.0, "{m:?}");
    println!(
        "{}: {} hits, {} misses, {} invalidated, {} entries, {} bytes",
        F::NAME,
        m.hits,
        m.misses,
        m.invalidated,
        m.entries,
        m.bytes
    );
}

#[test]
fn cached_reads_are_invalidated_by_writes_failovers_and_reshardings() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let cluster = RedisCluster::start(ClusterSpec::new().shape(3, 1)).expect("a cluster");
    let mut runs = Runs::new();
    on_every_runtime!(
        runs,
        "cached reads follow the cluster",
        cached_reads_follow_the_cluster(&cluster)
    );
    runs.finish();
}

#[test]
fn a_cache_with_resp2_is_refused_before_anything_connects() {
    let builder = keyslot::blocking::Client::builder(["127.0.0.1:1"])
        .protocol(Protocol::Resp2)
        .cache(CacheConfig::default());
    match builder.connect_blocking() {
        Err(Error::Config(why)) => assert!(why.contains("RESP3"), "{why}"),
        other => panic!("expected a configuration error, got {other:?}"),
    }
}
