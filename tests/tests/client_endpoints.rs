//! Endpoint modes: a cluster that announces hostnames (`cluster-preferred-endpoint-type
//! hostname`), one that announces no endpoint at all (`unknown-endpoint`: NULL in the
//! topology, an empty host in MOVED), and the shape of a managed service — several nodes on
//! one port behind different addresses, reached through one name that resolves to all of
//! them — in each mode. The client must connect by the names it is told, resolve them with
//! the injected resolver, place a node without endpoint at its own `ip` (never at the name
//! it asked), follow MOVED in the same terms, and route every key to its owner. Runs on
//! tokio, smol, async-std and the blocking client.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};

use keyslot::{Addr, Cmd, Event, RefreshTrigger, StaticResolver};
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
    move |event| record_redirect(&redirects, event)
}

fn record_redirect(redirects: &Redirects, event: &Event) {
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
    if !keyslot_tests::require::require_server(
        7,
        0,
        "hostname endpoints (cluster-announce-hostname)",
    ) {
        return;
    }
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
        .map(|n| format!("127.0.0.1:{}", n.port()))
        .collect();
    seen.sort();
    expected.sort();
    assert_eq!(
        seen, expected,
        "a NULL endpoint means the node's own ip, not the name the client asked"
    );
    assert_serves_every_shard(&client, cluster, "unknown-endpoint").await;

    // MOVED says `:port`: on this connection's host that is another node of the view,
    // followed at once.
    let to = follow_a_moved(
        &client,
        cluster,
        &redirects,
        &format!("unknown:{}", F::NAME),
    )
    .await;
    assert_eq!(to.host, "127.0.0.1", "MOVED to {to}");
}

#[test]
fn unknown_endpoints() {
    if !keyslot_tests::require::require_server(7, 0, "cluster-preferred-endpoint-type") {
        return;
    }
    let Some(_machine) = claim_machine() else {
        return;
    };
    let spec = ClusterSpec::new().shape(3, 1).endpoint(Endpoint::Unknown);
    let cluster = RedisCluster::start(spec).unwrap();
    on_every_runtime!("unknown endpoints", null_endpoints(&cluster));
}

/// A managed service's configuration endpoint: one name for every node.
const CONFIG_NAME: &str = "clustercfg.keyslot.test";

/// Six nodes on 127.0.0.21-26, all on one port, reached through [`CONFIG_NAME`], which the
/// injected resolver maps to all six (and each announced hostname to its node): the topology
/// names six distinct nodes, every shard is served, a MOVED is followed, and the client
/// never connects to the configuration name again after it learnt the topology.
async fn behind_a_configuration_name<F: Flavor>(cluster: &RedisCluster) {
    let mode = cluster.spec().endpoint_type();
    let nodes = cluster.nodes();
    let port = nodes[0].port();
    assert!(nodes.iter().all(|n| n.port() == port), "one port for all");
    let mut resolver =
        StaticResolver::new().with(CONFIG_NAME, nodes.iter().map(|n| IpAddr::V4(n.ip())));
    for node in &nodes {
        if let Some(name) = node.hostname() {
            resolver = resolver.with(name, [IpAddr::V4(node.ip())]);
        }
    }
    let redirects = Redirects::default();
    let events: Arc<Mutex<Vec<Event>>> = Arc::default();
    let recorder = {
        let (redirects, events) = (redirects.clone(), events.clone());
        move |event: &Event| {
            record_redirect(&redirects, event);
            events.lock().unwrap().push(event.clone());
        }
    };
    let client = TestClient::<F>::connect(
        TestClient::<F>::builder([format!("{CONFIG_NAME}:{port}")])
            .resolver(resolver)
            .on_event(recorder),
    )
    .await
    .expect("connects through the configuration name");

    let topology = client.topology().await.unwrap();
    let mut seen: Vec<String> = topology.nodes().map(|n| n.addr.to_string()).collect();
    let mut expected: Vec<String> = cluster
        .live_nodes()
        .iter()
        .map(|n| match mode {
            Endpoint::Hostname => format!("{}:{port}", n.hostname().unwrap()),
            Endpoint::Ip | Endpoint::Unknown => format!("{}:{port}", n.ip()),
        })
        .collect();
    seen.sort();
    expected.sort();
    assert_eq!(seen, expected, "{mode:?}: six distinct nodes");
    assert_serves_every_shard(&client, cluster, &format!("cfg-{mode:?}")).await;

    let to = follow_a_moved(
        &client,
        cluster,
        &redirects,
        &format!("cfg-{mode:?}:{}", F::NAME),
    )
    .await;
    let seen = events.lock().unwrap().clone();
    match mode {
        Endpoint::Ip => assert!(to.host.starts_with("127.0.0.2"), "MOVED to {to}"),
        Endpoint::Hostname => assert!(to.host.ends_with(".keyslot.test"), "MOVED to {to}"),
        Endpoint::Unknown => {
            // `:port` names no node here (every node has that port): resolved through a
            // fresh view, not by connecting to the configuration name.
            assert_eq!(to, Addr::new("", port), "MOVED to {to}");
            assert!(
                seen.iter().any(|e| matches!(
                    e,
                    Event::RefreshStarted {
                        trigger: RefreshTrigger::UnknownNode
                    }
                )),
                "a rediscovery resolved it"
            );
        }
    }
    let to_config_name = seen
        .iter()
        .filter(|e| matches!(e, Event::NodeConnected { addr } if addr.host == CONFIG_NAME))
        .count();
    assert_eq!(
        to_config_name, 1,
        "{mode:?}: the configuration name is asked once, at bootstrap"
    );
}

fn configuration_name_cluster(mode: Endpoint) -> RedisCluster {
    let spec = ClusterSpec::new()
        .shape(3, 1)
        .distinct_addresses()
        .hostnames()
        .endpoint(mode);
    RedisCluster::start(spec).unwrap()
}

#[test]
fn configuration_name_with_ip_endpoints() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let cluster = configuration_name_cluster(Endpoint::Ip);
    on_every_runtime!(
        "configuration name, ip endpoints",
        behind_a_configuration_name(&cluster)
    );
}

#[test]
fn configuration_name_with_hostname_endpoints() {
    if !keyslot_tests::require::require_server(
        7,
        0,
        "hostname endpoints (cluster-announce-hostname)",
    ) {
        return;
    }
    let Some(_machine) = claim_machine() else {
        return;
    };
    let cluster = configuration_name_cluster(Endpoint::Hostname);
    on_every_runtime!(
        "configuration name, hostname endpoints",
        behind_a_configuration_name(&cluster)
    );
}

#[test]
fn configuration_name_with_unknown_endpoints() {
    if !keyslot_tests::require::require_server(7, 0, "cluster-preferred-endpoint-type") {
        return;
    }
    let Some(_machine) = claim_machine() else {
        return;
    };
    let cluster = configuration_name_cluster(Endpoint::Unknown);
    on_every_runtime!(
        "configuration name, unknown endpoints",
        behind_a_configuration_name(&cluster)
    );
}
