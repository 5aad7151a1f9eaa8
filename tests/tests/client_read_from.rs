//! Read-from policies against a real cluster of 3 primaries with 2 replicas each, checked by
//! the servers' own `INFO commandstats`: where the GETs were counted is where they went.
//!
//! - same zone: one replica of every shard is in the client's zone, the other replica and
//!   the primary are not; every read must land on a same-zone replica, and all of them on
//!   those, none elsewhere;
//! - round robin: reads spread over both replicas of each shard, none on a primary;
//! - primary (the default): every read on the primaries.
//!
//! Writes always go to the primaries; `WAIT` (fanned out to the primaries on their shared
//! connections) makes sure the replicas have them before the reads.

use std::collections::BTreeMap;

use keyslot::{Addr, Cmd, ReadFrom, Value};
use keyslot_tests::cluster::{ClusterSpec, Node, RedisCluster};
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{
    bulk, claim_machine, client_addr, key_in_slot, ok, Flavor, Runs, TestClient,
};

const READS: i64 = 240;

/// `cmdstat_get` calls on `node` since the last reset.
fn get_calls(cluster: &RedisCluster, node: &Node) -> i64 {
    let info = cluster
        .send(node, &Cmd::new("INFO").arg("commandstats"))
        .expect("INFO");
    let text = String::from_utf8_lossy(info.as_bytes().expect("INFO is text")).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix("cmdstat_get:calls="))
        .and_then(|rest| rest.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn reset_stats(cluster: &RedisCluster) {
    for node in cluster.live_nodes() {
        let reply = cluster.send(&node, &Cmd::new("CONFIG").arg("RESETSTAT"));
        assert_eq!(reply.expect("RESETSTAT"), ok());
    }
}

/// Zones: each shard's first replica is in `az-a` (the client's), its second replica and
/// its primary in `az-b`.
fn zones(cluster: &RedisCluster) -> Vec<(Node, &'static str)> {
    let mut zones = Vec::new();
    for primary in cluster.primaries().expect("primaries") {
        let mut replicas = cluster.replicas_of(&primary).expect("replicas");
        replicas.sort_by_key(Node::index);
        assert_eq!(replicas.len(), 2, "two replicas per shard");
        zones.push((replicas[0].clone(), "az-a"));
        zones.push((replicas[1].clone(), "az-b"));
        zones.push((primary, "az-b"));
    }
    zones
}

async fn connect<F: Flavor>(cluster: &RedisCluster, policy: ReadFrom) -> TestClient<F> {
    connect_with::<F>(cluster, policy, true).await
}

/// A client in zone `az-a`; the nodes' zones configured in the client, or left for the
/// nodes to report (Valkey's HELLO and CLUSTER SHARDS).
async fn connect_with<F: Flavor>(
    cluster: &RedisCluster,
    policy: ReadFrom,
    configured: bool,
) -> TestClient<F> {
    let mut builder = TestClient::<F>::builder_for(cluster)
        .read_from(policy)
        .client_zone("az-a");
    if configured {
        for (node, zone) in zones(cluster) {
            builder = builder.node_zone(client_addr(&node), zone);
        }
    }
    TestClient::<F>::connect(builder).await.expect("connects")
}

/// Write `READS` keys over the whole slot space, and wait until both replicas of every
/// shard have them (`WAIT` goes to every primary; the smallest count comes back).
async fn write_keys<F: Flavor>(c: &TestClient<F>, run: &str) -> Vec<(String, String)> {
    let mut keys = Vec::new();
    for i in 0..READS {
        let slot = u16::try_from(i * 16384 / READS).expect("a slot");
        let key = key_in_slot(slot, &format!("read-from:{run}:{}:{i}", F::NAME));
        let value = format!("v{i}");
        assert_eq!(
            c.send(Cmd::new("SET").arg(&key).arg(&value)).await,
            Ok(ok())
        );
        keys.push((key, value));
    }
    assert_eq!(
        c.send(Cmd::new("WAIT").arg(2).arg(5000)).await,
        Ok(Value::Integer(2)),
        "every primary's two replicas acknowledged the writes"
    );
    keys
}

async fn read_all<F: Flavor>(c: &TestClient<F>, keys: &[(String, String)]) {
    for (key, value) in keys {
        assert_eq!(
            c.send(Cmd::new("GET").arg(key)).await,
            Ok(bulk(value)),
            "{key}"
        );
    }
}

/// GET calls per node, by address.
fn calls(cluster: &RedisCluster) -> BTreeMap<Addr, i64> {
    cluster
        .live_nodes()
        .iter()
        .map(|n| (client_addr(n), get_calls(cluster, n)))
        .collect()
}

async fn same_zone<F: Flavor>(cluster: &RedisCluster) {
    same_zone_with::<F>(cluster, true).await
}

/// Valkey 8.1+ nodes whose `availability-zone` is set say it themselves.
async fn same_zone_reported<F: Flavor>(cluster: &RedisCluster) {
    same_zone_with::<F>(cluster, false).await
}

async fn same_zone_with<F: Flavor>(cluster: &RedisCluster, configured: bool) {
    let c = connect_with::<F>(cluster, ReadFrom::SameZone, configured).await;
    let keys = write_keys(&c, "zone").await;
    reset_stats(cluster);
    read_all(&c, &keys).await;
    let calls = calls(cluster);
    let mut in_zone = 0;
    for (node, zone) in zones(cluster) {
        let n = calls[&client_addr(&node)];
        if zone == "az-a" {
            assert!(n > 0, "same-zone replica {} served no read", node.index());
            in_zone += n;
        } else {
            assert_eq!(n, 0, "node {} in {zone} served reads", node.index());
        }
    }
    assert_eq!(
        in_zone, READS,
        "every read on a same-zone replica: {calls:?}"
    );
    println!("same zone: {in_zone} of {READS} GETs on the az-a replicas, 0 elsewhere");
}

async fn round_robin<F: Flavor>(cluster: &RedisCluster) {
    let c = connect::<F>(cluster, ReadFrom::RoundRobinReplicas).await;
    let keys = write_keys(&c, "rr").await;
    reset_stats(cluster);
    read_all(&c, &keys).await;
    let calls = calls(cluster);
    let mut on_replicas = 0;
    for primary in cluster.primaries().expect("primaries") {
        assert_eq!(calls[&client_addr(&primary)], 0, "a primary served reads");
        for replica in cluster.replicas_of(&primary).expect("replicas") {
            let n = calls[&client_addr(&replica)];
            assert!(
                n > 0,
                "replica {} served no read: {calls:?}",
                replica.index()
            );
            on_replicas += n;
        }
    }
    assert_eq!(on_replicas, READS);
}

async fn primary_only<F: Flavor>(cluster: &RedisCluster) {
    let c = connect::<F>(cluster, ReadFrom::Primary).await;
    let keys = write_keys(&c, "primary").await;
    reset_stats(cluster);
    read_all(&c, &keys).await;
    let calls = calls(cluster);
    let on_primaries: i64 = cluster
        .primaries()
        .expect("primaries")
        .iter()
        .map(|p| calls[&client_addr(p)])
        .sum();
    assert_eq!(on_primaries, READS, "{calls:?}");
}

/// Every node's CLUSTER SHARDS gives every node's zone.
fn every_node_lists_every_zone(cluster: &RedisCluster) -> bool {
    let nodes = cluster.nodes();
    nodes.iter().all(|node| {
        let reply = cluster.send(node, &Cmd::new("CLUSTER").arg("SHARDS"));
        let asked = client_addr(node);
        reply
            .ok()
            .and_then(|r| keyslot::Topology::from_cluster_shards(&r, &asked).ok())
            .is_some_and(|t| {
                t.nodes().count() == nodes.len() && t.nodes().all(|n| n.zone.is_some())
            })
    })
}

#[test]
fn reads_land_where_the_policy_says() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let cluster = RedisCluster::start(ClusterSpec::new().shape(3, 2)).expect("a cluster");
    let mut runs = Runs::new();
    on_every_runtime!(runs, "same-zone replicas only", same_zone(&cluster));
    on_every_runtime!(runs, "round robin over replicas", round_robin(&cluster));
    on_every_runtime!(runs, "primary by default", primary_only(&cluster));
    if keyslot_tests::require::require_valkey(9, "zones in HELLO and CLUSTER SHARDS") {
        for (node, zone) in zones(&cluster) {
            let set = Cmd::new("CONFIG")
                .arg("SET")
                .arg("availability-zone")
                .arg(zone);
            assert_eq!(
                cluster.send(&node, &set).unwrap(),
                Value::SimpleString("OK".into())
            );
        }
        // The zones reach every node's CLUSTER SHARDS by gossip: wait until they have.
        let began = std::time::Instant::now();
        while !every_node_lists_every_zone(&cluster) {
            let waited = began.elapsed();
            assert!(
                waited < std::time::Duration::from_secs(10),
                "zones not gossiped"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let what = "same-zone replicas, zones the nodes report";
        on_every_runtime!(runs, what, same_zone_reported(&cluster));
    }
    runs.finish();
}
