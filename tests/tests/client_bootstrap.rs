//! The client finds a real cluster from what a user gives it: one seed; a list of seeds of
//! which some are dead; a configuration endpoint — one DNS name with several addresses,
//! every node on the same port — and fails with every seed's reason when none answers.
//! Each scenario runs on tokio, smol, async-std and the blocking client.

use std::net::{IpAddr, Ipv4Addr, TcpListener};
use std::time::{Duration, Instant};

use keyslot::{Error, StaticResolver};
use keyslot_tests::cluster::{ClusterSpec, RedisCluster};
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{
    assert_serves_every_shard, claim_machine, client_addr, Flavor, TestClient,
};

/// Loopback addresses on which nothing listens: each port was free a moment ago and its
/// listener is closed, so a connection is refused at once.
fn dead_seeds(n: usize) -> Vec<String> {
    let listeners: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("a free port"))
        .collect();
    listeners
        .iter()
        .map(|l| l.local_addr().expect("bound").to_string())
        .collect()
}

/// Every primary and replica the servers list appears in the client's view, and every slot
/// has an owner there.
async fn assert_sees_whole_cluster<F: Flavor>(client: &TestClient<F>, cluster: &RedisCluster) {
    let topology = client.topology().await.expect("a view once connected");
    assert_eq!(topology.uncovered_slots(), 0, "{topology:?}");
    let mut seen: Vec<String> = topology.nodes().map(|n| n.addr.to_string()).collect();
    let mut expected: Vec<String> = cluster
        .live_nodes()
        .iter()
        .map(|n| client_addr(n).to_string())
        .collect();
    seen.sort();
    expected.sort();
    assert_eq!(
        seen, expected,
        "the client's nodes differ from the cluster's"
    );
}

async fn from_seeds<F: Flavor>(cluster: &RedisCluster) {
    let live = cluster.seed_addr().unwrap().to_string();

    // One seed.
    let client = TestClient::<F>::connect(TestClient::<F>::builder([&live]))
        .await
        .expect("connects from one seed");
    assert_sees_whole_cluster(&client, cluster).await;
    assert_serves_every_shard(&client, cluster, "one-seed").await;
    drop(client);

    // Several seeds, the live one between dead ones.
    let dead = dead_seeds(3);
    let seeds = [&dead[0], &dead[1], &live, &dead[2]];
    let began = Instant::now();
    let client = TestClient::<F>::connect(TestClient::<F>::builder(seeds))
        .await
        .expect("connects when one of the seeds lives");
    println!(
        "{}: connected past 2 dead seeds in {:.1?}",
        F::NAME,
        began.elapsed()
    );
    assert_sees_whole_cluster(&client, cluster).await;
    assert_serves_every_shard(&client, cluster, "some-dead").await;
    drop(client);

    // Only dead seeds: the error lists each seed and why, and comes without waiting for
    // any timeout (refused connections are immediate).
    let began = Instant::now();
    let err = TestClient::<F>::connect(TestClient::<F>::builder(&dead))
        .await
        .err()
        .expect("no seed lives");
    let took = began.elapsed();
    let Error::NoReachableSeed { attempts } = &err else {
        panic!("expected NoReachableSeed, got {err:?}");
    };
    let tried: Vec<String> = attempts.iter().map(|a| a.addr.to_string()).collect();
    assert_eq!(tried, dead, "every seed is reported, in order: {err}");
    for attempt in attempts {
        assert!(!attempt.reason.is_empty(), "{err}");
    }
    assert!(
        took < Duration::from_secs(1),
        "refused seeds took {took:?} to report"
    );
    println!("{}: all seeds dead -> {err} (after {took:.1?})", F::NAME);
}

/// One seed and a list with dead seeds, on a 3-primary cluster.
#[test]
fn bootstraps_from_one_seed_and_past_dead_seeds() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let cluster = RedisCluster::start(ClusterSpec::new().shape(3, 1)).unwrap();
    on_every_runtime!("bootstrap from seeds", from_seeds(&cluster));
}

/// The configuration endpoint of a managed service: `cluster.test` resolves to a dead
/// address and then to every node, and all nodes listen on the same port.
async fn from_configuration_endpoint<F: Flavor>(cluster: &RedisCluster) {
    let nodes = cluster.nodes();
    let port = nodes[0].port();
    assert!(nodes.iter().all(|n| n.port() == port), "same-port layout");
    // 127.0.0.20 is below the cluster's first address: nothing listens there.
    let mut addrs = vec![IpAddr::V4(Ipv4Addr::new(127, 0, 0, 20))];
    addrs.extend(nodes.iter().map(|n| IpAddr::V4(n.ip())));
    let resolver = StaticResolver::new().with("cluster.test", addrs);

    let client = TestClient::<F>::connect(
        TestClient::<F>::builder([format!("cluster.test:{port}")]).resolver(resolver),
    )
    .await
    .expect("connects through the configuration endpoint");
    let topology = client.topology().await.expect("a view");
    for node in topology.nodes() {
        assert_eq!(node.addr.port, port, "{node:?}");
        let ip: Ipv4Addr = node.addr.host.parse().expect("nodes are reported by IP");
        assert!(
            nodes.iter().any(|n| n.ip() == ip),
            "{ip} is not a node's address"
        );
    }
    assert_sees_whole_cluster(&client, cluster).await;
    // Every node is on the same port: a key routed by port alone would land on the wrong
    // node; the harness checks each key is stored where it belongs.
    assert_serves_every_shard(&client, cluster, "config-endpoint").await;
}

#[test]
fn bootstraps_from_a_name_with_several_addresses_on_one_port() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let cluster = RedisCluster::start(ClusterSpec::new().shape(3, 1).distinct_addresses()).unwrap();
    on_every_runtime!(
        "bootstrap from a configuration endpoint",
        from_configuration_endpoint(&cluster)
    );
}
