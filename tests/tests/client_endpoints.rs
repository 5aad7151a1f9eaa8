//! Endpoint modes: a cluster that announces hostnames (`cluster-preferred-endpoint-type
//! hostname`), and one that announces no endpoint at all (`unknown-endpoint`: NULL in the
//! topology, an empty host in MOVED, meaning "the host you asked"). The client must connect
//! by the names it is told, resolve them with the injected resolver, follow MOVED in the same
//! terms, and route every key to its owner. Runs on tokio, smol, async-std and the blocking
//! client.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};

use keyslot::{Addr, Cmd, Event, StaticResolver};
use keyslot_tests::cluster::{ClusterSpec, Endpoint, RedisCluster};
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{
    assert_serves_every_shard, bulk, claim_machine, key_in_slot, ok, slot_per_primary, Flavor,
    TestClient,
};

/// The MOVED redirects the client reported, as (from, to).
type Redirects = Arc<Mutex<Vec<(Addr, Addr)>>>;

fn record_moved(redirects: &Redirects) -> impl Fn(&Event) + Send + Sync + 'static {
    let redirects = redirects.clone();
    move |event| {
        if let Event::Redirected {
            ask: false,
            from,
            to,
            ..
        } = event
        {
            redirects.lock().unwrap().push((from.clone(), to.clone()));
        }
    }
}

/// Move a slot holding a key behind the client's back, then read the key: the client must
/// follow the MOVED it gets, whose target is in the cluster's endpoint terms. Returns the
/// node address the key's slot moved to, as the harness sees it.
async fn follow_a_moved<F: Flavor>(
    client: &TestClient<F>,
    cluster: &RedisCluster,
    redirects: &Redirects,
    run: &str,
) -> Addr {
    let shards = slot_per_primary(cluster);
    let (from, _) = &shards[F::INDEX % shards.len()];
    let (to, _) = &shards[(F::INDEX + 1) % shards.len()];
    // A slot of `from` that no earlier run moved: the last of its ranges.
    let view = cluster.agreed_view().unwrap();
    let slot = view.entry(from.id()).unwrap().slots.last().unwrap().1;
    let key = key_in_slot(slot, run);
    assert_eq!(
        client.send(Cmd::new("SET").arg(&key).arg("before")).await,
        Ok(ok())
    );
    cluster.migrate_slot(slot, from, to).unwrap();
    redirects.lock().unwrap().clear();
    assert_eq!(
        client.send(Cmd::new("GET").arg(&key)).await,
        Ok(bulk("before"))
    );
    let seen = redirects.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "one MOVED expected: {seen:?}");
    seen[0].1.clone()
}

async fn hostnames<F: Flavor>(cluster: &RedisCluster) {
    let nodes = cluster.nodes();
    let port = nodes[0].port();
    let mut resolver = StaticResolver::new();
    for node in &nodes {
        let name = node.hostname().expect("hostnames are announced");
        resolver = resolver.with(name, [IpAddr::V4(node.ip())]);
    }
    let seed = format!("{}:{port}", nodes[0].hostname().unwrap());
    let redirects = Redirects::default();
    let client = TestClient::<F>::connect(
        TestClient::<F>::builder([seed])
            .resolver(resolver)
            .on_event(record_moved(&redirects)),
    )
    .await
    .expect("connects by hostname");

    let topology = client.topology().await.unwrap();
    let mut hosts: Vec<String> = topology.nodes().map(|n| n.addr.to_string()).collect();
    let mut expected: Vec<String> = cluster
        .live_nodes()
        .iter()
        .map(|n| format!("{}:{port}", n.hostname().unwrap()))
        .collect();
    hosts.sort();
    expected.sort();
    assert_eq!(hosts, expected, "the client names nodes by their hostnames");
    // Same port everywhere: only the names tell the nodes apart.
    assert_serves_every_shard(&client, cluster, "hostnames").await;

    let to = follow_a_moved(
        &client,
        cluster,
        &redirects,
        &format!("hostname:{}", F::NAME),
    )
    .await;
    assert!(to.host.ends_with(".keyslot.test"), "MOVED to {to}");
}

#[test]
fn hostname_endpoints() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let spec = ClusterSpec::new()
        .shape(3, 1)
        .distinct_addresses()
        .endpoint(Endpoint::Hostname);
    let cluster = RedisCluster::start(spec).unwrap();
    on_every_runtime!("hostname endpoints", hostnames(&cluster));
}

async fn null_endpoints<F: Flavor>(cluster: &RedisCluster) {
    // The cluster is on 127.0.0.1 with a port per node; the client asks through a name.
    let resolver = StaticResolver::new().with("cluster.test", [IpAddr::V4(Ipv4Addr::LOCALHOST)]);
    let port = cluster.seed_addr().unwrap().port();
    let redirects = Redirects::default();
    let client = TestClient::<F>::connect(
        TestClient::<F>::builder([format!("cluster.test:{port}")])
            .resolver(resolver)
            .on_event(record_moved(&redirects)),
    )
    .await
    .expect("connects");

    let topology = client.topology().await.unwrap();
    let mut seen: Vec<String> = topology.nodes().map(|n| n.addr.to_string()).collect();
    let mut expected: Vec<String> = cluster
        .live_nodes()
        .iter()
        .map(|n| format!("cluster.test:{}", n.port()))
        .collect();
    seen.sort();
    expected.sort();
    assert_eq!(
        seen, expected,
        "a NULL endpoint means the host the client asked"
    );
    assert_serves_every_shard(&client, cluster, "unknown-endpoint").await;

    // MOVED says `:port`: the client keeps the host of the connection that said it.
    let to = follow_a_moved(
        &client,
        cluster,
        &redirects,
        &format!("unknown:{}", F::NAME),
    )
    .await;
    assert_eq!(to.host, "cluster.test", "MOVED to {to}");
}

#[test]
fn unknown_endpoints() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let spec = ClusterSpec::new().shape(3, 1).endpoint(Endpoint::Unknown);
    let cluster = RedisCluster::start(spec).unwrap();
    on_every_runtime!("unknown endpoints", null_endpoints(&cluster));
}
