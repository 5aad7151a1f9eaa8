//! The real-cluster harness works: a cluster forms and agrees, slots move with their keys,
//! CLUSTER FAILOVER swaps roles, a killed primary is replaced and rejoins as a replica, and a
//! new primary can take slots. Everything is checked with the plain test client, against what
//! the servers themselves say.

use std::collections::BTreeSet;
use std::net::TcpStream;

use keyslot_core::resp::Value;
use keyslot_core::Cmd;
use keyslot_tests::cluster::{ClusterSpec, MigrationStep, Node, RedisCluster, SLOTS};
use keyslot_tests::require_redis;

fn send(cluster: &RedisCluster, node: &Node, cmd: Cmd) -> Value {
    cluster.send(node, &cmd).unwrap()
}

fn bulk(s: String) -> Value {
    Value::BulkString(s.into_bytes().into())
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

fn info(cluster: &RedisCluster, node: &Node, section: &str) -> String {
    let cmd = if section == "cluster" {
        Cmd::new("CLUSTER").arg("INFO")
    } else {
        Cmd::new("INFO").arg(section)
    };
    text(&send(cluster, node, cmd))
}

fn field(info: &str, name: &str) -> String {
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

fn key_slot(cluster: &RedisCluster, node: &Node, key: &str) -> u16 {
    let slot = send(cluster, node, Cmd::new("CLUSTER").arg("KEYSLOT").arg(key));
    u16::try_from(slot.as_integer().unwrap()).unwrap()
}

/// A key whose slot `owner` serves.
fn key_on(cluster: &RedisCluster, owner: &Node) -> String {
    (0..)
        .map(|i| format!("key-{i}"))
        .find(|k| cluster.slot_owner(key_slot(cluster, owner, k)).unwrap() == *owner)
        .unwrap()
}

/// `SET` on the owner, then `WAIT` until its replicas have it.
fn set_replicated(cluster: &RedisCluster, owner: &Node, key: &str, value: &str) {
    let ok = send(cluster, owner, Cmd::new("SET").arg(key).arg(value));
    assert_eq!(ok, Value::SimpleString("OK".into()));
    let replicas = cluster.replicas_of(owner).unwrap().len();
    let acked = send(cluster, owner, Cmd::new("WAIT").arg(replicas).arg(5000));
    assert_eq!(acked, Value::Integer(replicas as i64));
}

/// CLUSTER SLOTS as (first, last, primary id, sorted replica ids), sorted.
fn slot_table(reply: &Value) -> Vec<(i64, i64, String, Vec<String>)> {
    let mut table: Vec<_> = reply
        .as_slice()
        .unwrap()
        .iter()
        .map(|range| {
            let r = range.as_slice().unwrap();
            let id = |node: &Value| text(&node.as_slice().unwrap()[2]);
            let mut replicas: Vec<String> = r[3..].iter().map(id).collect();
            replicas.sort();
            (
                r[0].as_integer().unwrap(),
                r[1].as_integer().unwrap(),
                id(&r[2]),
                replicas,
            )
        })
        .collect();
    table.sort();
    table
}

#[test]
fn default_cluster_forms_agrees_and_cleans_up() {
    if !require_redis() {
        return;
    }
    let cluster = RedisCluster::start(ClusterSpec::new()).unwrap();
    println!(
        "default cluster (3 primaries + 3 replicas) started in {:?}",
        cluster.started_in()
    );
    let nodes = cluster.nodes();
    let primaries = cluster.primaries().unwrap();
    assert_eq!(nodes.len(), 6);
    assert_eq!(primaries.len(), 3);
    assert_eq!(cluster.replicas().unwrap().len(), 3);
    for primary in &primaries {
        assert_eq!(cluster.replicas_of(primary).unwrap().len(), 1);
    }

    // Every node: state ok, all slots, six nodes, three shards, and the same slot table.
    let mut tables = BTreeSet::new();
    for node in &nodes {
        let info = info(&cluster, node, "cluster");
        assert_eq!(field(&info, "cluster_state"), "ok", "node {}", node.index());
        assert_eq!(field(&info, "cluster_slots_ok"), "16384");
        assert_eq!(field(&info, "cluster_known_nodes"), "6");
        assert_eq!(field(&info, "cluster_size"), "3");
        tables.insert(slot_table(&send(
            &cluster,
            node,
            Cmd::new("CLUSTER").arg("SLOTS"),
        )));
    }
    assert_eq!(tables.len(), 1, "nodes disagree: {tables:#?}");
    let table = tables.into_iter().next().unwrap();
    let covered: i64 = table.iter().map(|(a, b, _, _)| b - a + 1).sum();
    assert_eq!(covered, i64::from(SLOTS));
    // Replicas are listed too (a replica at replication offset 0 would be left out).
    assert!(
        table.iter().all(|(_, _, _, replicas)| replicas.len() == 1),
        "{table:?}"
    );
    let owners: BTreeSet<&str> = table.iter().map(|(_, _, id, _)| id.as_str()).collect();
    let expected: BTreeSet<&str> = primaries.iter().map(Node::id).collect();
    assert_eq!(owners, expected);

    // "foo" lives in slot 12182: its owner takes it, anyone else redirects there, and the
    // replica has it once WAIT says so.
    let owner = cluster.slot_owner(12182).unwrap();
    assert_eq!(key_slot(&cluster, &owner, "foo"), 12182);
    let other = primaries.iter().find(|p| **p != owner).unwrap();
    let moved = send(&cluster, other, Cmd::new("SET").arg("foo").arg("bar"));
    assert_eq!(
        moved,
        Value::Error(format!("MOVED 12182 127.0.0.1:{}", owner.port()).into())
    );
    set_replicated(&cluster, &owner, "foo", "bar");
    let replica = &cluster.replicas_of(&owner).unwrap()[0];
    let mut conn = cluster.connect(replica).unwrap();
    let got = conn
        .pipeline(&[Cmd::new("READONLY"), Cmd::new("GET").arg("foo")])
        .unwrap();
    assert_eq!(got[1], Value::from("bar"));

    // Dropping the cluster kills every node and removes its files.
    let dir = cluster.dir().to_path_buf();
    assert!(dir.join("node-0").join("nodes.conf").is_file());
    drop(conn);
    drop(cluster);
    assert!(!dir.exists(), "{} should be gone", dir.display());
    for node in &nodes {
        assert!(
            TcpStream::connect(node.addr()).is_err(),
            "node {} still listens",
            node.index()
        );
    }
}

#[test]
fn slot_with_keys_migrates_step_by_step() {
    if !require_redis() {
        return;
    }
    let cluster = RedisCluster::start(ClusterSpec::new().shape(2, 1)).unwrap();
    let primaries = cluster.primaries().unwrap();
    let slot = key_slot(&cluster, &primaries[0], "{moving}");
    let from = cluster.slot_owner(slot).unwrap();
    let to = primaries.iter().find(|p| **p != from).unwrap().clone();
    let keys: Vec<String> = (0..250).map(|i| format!("{{moving}}:{i}")).collect();
    for key in &keys {
        let ok = send(
            &cluster,
            &from,
            Cmd::new("SET").arg(key).arg(format!("v-{key}")),
        );
        assert_eq!(ok, Value::SimpleString("OK".into()));
    }

    let mut steps = Vec::new();
    let moved = cluster
        .migrate_slots_with(slot..=slot, &from, &to, 100, |s, step| {
            assert_eq!(s, slot);
            steps.push(step);
            if step != (MigrationStep::Moved { moved: 100 }) {
                return;
            }
            // Mid-migration: the source serves what it still has and sends ASK for the rest;
            // the target serves moved keys only after ASKING.
            let (mut asks, mut served) = (0, 0);
            for key in &keys {
                match send(&cluster, &from, Cmd::new("GET").arg(key)) {
                    Value::Error(e) => {
                        let e = String::from_utf8_lossy(&e).into_owned();
                        assert_eq!(e, format!("ASK {slot} 127.0.0.1:{}", to.port()));
                        asks += 1;
                        let mut conn = cluster.connect(&to).unwrap();
                        let direct = conn.send(&Cmd::new("GET").arg(key)).unwrap();
                        assert!(text(&direct).starts_with("MOVED"), "{direct:?}");
                        let asked = conn
                            .pipeline(&[Cmd::new("ASKING"), Cmd::new("GET").arg(key)])
                            .unwrap();
                        assert_eq!(asked[1], bulk(format!("v-{key}")));
                    }
                    value => {
                        assert_eq!(value, bulk(format!("v-{key}")));
                        served += 1;
                    }
                }
            }
            assert_eq!((asks, served), (100, 150));
        })
        .unwrap();
    assert_eq!(moved, 250);
    use MigrationStep::*;
    assert_eq!(
        steps,
        [
            Importing,
            Migrating,
            Moved { moved: 100 },
            Moved { moved: 200 },
            Moved { moved: 250 },
            AssignedOnTarget,
            AssignedOnSource,
            Announced,
        ]
    );

    // Afterwards every node, replicas included, names the target, which has every key.
    assert_eq!(cluster.slot_owner(slot).unwrap(), to);
    for node in cluster.nodes() {
        let view = cluster.view(&node).unwrap();
        assert_eq!(
            view.owner(slot).unwrap().id,
            to.id(),
            "node {}",
            node.index()
        );
    }
    let count = |node: &Node| {
        send(
            &cluster,
            node,
            Cmd::new("CLUSTER").arg("COUNTKEYSINSLOT").arg(slot),
        )
    };
    assert_eq!(count(&from), Value::Integer(0));
    assert_eq!(count(&to), Value::Integer(250));
    for key in &keys {
        let got = send(&cluster, &to, Cmd::new("GET").arg(key));
        assert_eq!(got, bulk(format!("v-{key}")));
    }
    let redirect = send(&cluster, &from, Cmd::new("GET").arg(&keys[0]));
    assert_eq!(
        text(&redirect),
        format!("MOVED {slot} 127.0.0.1:{}", to.port())
    );
}

#[test]
fn cluster_failover_swaps_roles() {
    if !require_redis() {
        return;
    }
    let cluster = RedisCluster::start(ClusterSpec::new().shape(3, 1)).unwrap();
    let primary = cluster.primaries().unwrap()[1].clone();
    let replica = cluster.replicas_of(&primary).unwrap()[0].clone();
    let key = key_on(&cluster, &primary);
    set_replicated(&cluster, &primary, &key, "kept");

    let failover = cluster.failover(&replica).unwrap();
    println!(
        "CLUSTER FAILOVER: all nodes agreed {:?} after the request",
        failover.agreed_at - failover.requested_at
    );
    assert_eq!(failover.promoted, replica);
    assert_eq!(failover.demoted, primary);
    assert!(failover.agreed_at >= failover.requested_at);

    let promoted = info(&cluster, &replica, "replication");
    assert_eq!(field(&promoted, "role"), "master");
    let demoted = info(&cluster, &primary, "replication");
    assert_eq!(field(&demoted, "role"), "slave");
    assert_eq!(field(&demoted, "master_port"), replica.port().to_string());
    assert_eq!(field(&demoted, "master_link_status"), "up");

    let slot = key_slot(&cluster, &replica, &key);
    assert_eq!(cluster.slot_owner(slot).unwrap(), replica);
    assert_eq!(
        cluster.replicas_of(&replica).unwrap(),
        vec![primary.clone()]
    );
    assert!(!cluster.primaries().unwrap().contains(&primary));
    assert_eq!(
        send(&cluster, &replica, Cmd::new("GET").arg(&key)),
        Value::from("kept")
    );
    let redirect = send(&cluster, &primary, Cmd::new("SET").arg(&key).arg("x"));
    assert_eq!(
        text(&redirect),
        format!("MOVED {slot} 127.0.0.1:{}", replica.port())
    );
}

#[test]
fn killed_primary_is_replaced_and_rejoins_as_replica() {
    if !require_redis() {
        return;
    }
    let cluster = RedisCluster::start(ClusterSpec::new().shape(3, 1)).unwrap();
    let primary = cluster.primaries().unwrap()[0].clone();
    let replica = cluster.replicas_of(&primary).unwrap()[0].clone();
    let key = key_on(&cluster, &primary);
    set_replicated(&cluster, &primary, &key, "survives");

    let killed = cluster.kill_primary(&primary).unwrap();
    assert!(!cluster.is_running(&primary));
    assert!(cluster.send(&primary, &Cmd::new("PING")).is_err());
    assert_eq!(killed.replicas, vec![replica.clone()]);
    let promotion = cluster.wait_for_promotion(&killed).unwrap();
    println!(
        "SIGKILL of a primary (cluster-node-timeout {:?}): all nodes agreed on its successor after {:?}",
        cluster.spec().configured_node_timeout(),
        promotion.took
    );
    assert_eq!(promotion.promoted, replica);
    assert!(promotion.took >= cluster.spec().configured_node_timeout());

    cluster.wait_healthy().unwrap();
    for node in cluster.live_nodes() {
        let view = cluster.view(&node).unwrap();
        assert!(
            view.entry(primary.id()).unwrap().failing,
            "node {}",
            node.index()
        );
        assert_eq!(
            field(&info(&cluster, &node, "cluster"), "cluster_state"),
            "ok"
        );
    }
    assert_eq!(
        send(&cluster, &replica, Cmd::new("GET").arg(&key)),
        Value::from("survives")
    );

    // Back from the dead, the old primary learns it was replaced and follows its successor.
    cluster.restart(&primary).unwrap();
    assert!(cluster.is_running(&primary));
    let back = info(&cluster, &primary, "replication");
    assert_eq!(field(&back, "role"), "slave");
    assert_eq!(field(&back, "master_port"), replica.port().to_string());
    assert_eq!(
        cluster.replicas_of(&replica).unwrap(),
        vec![primary.clone()]
    );
    let mut conn = cluster.connect(&primary).unwrap();
    let got = conn
        .pipeline(&[Cmd::new("READONLY"), Cmd::new("GET").arg(&key)])
        .unwrap();
    assert_eq!(got[1], Value::from("survives"));
}

#[test]
fn added_primary_takes_slots_and_a_replica() {
    if !require_redis() {
        return;
    }
    let cluster = RedisCluster::start(ClusterSpec::new().shape(2, 1)).unwrap();
    let before = cluster.primaries().unwrap();
    let added = cluster.add_primary().unwrap();
    assert_eq!(added.index(), 4);
    let primaries = cluster.primaries().unwrap();
    assert_eq!(primaries.len(), 3);
    assert!(primaries.contains(&added));
    assert!(cluster
        .view(&added)
        .unwrap()
        .entry(added.id())
        .unwrap()
        .slots
        .is_empty());
    for node in cluster.nodes() {
        let known = field(&info(&cluster, &node, "cluster"), "cluster_known_nodes");
        assert_eq!(known, "5", "node {}", node.index());
    }

    // Move the slots of "{scale}" and its neighbours, keys and all.
    let slot = key_slot(&cluster, &added, "{scale}");
    let owner = cluster.slot_owner(slot).unwrap();
    assert!(before.contains(&owner));
    let ok = send(&cluster, &owner, Cmd::new("SET").arg("{scale}").arg("out"));
    assert_eq!(ok, Value::SimpleString("OK".into()));
    let first = slot.saturating_sub(2);
    let slots = first..=slot;
    assert!(slots
        .clone()
        .all(|s| cluster.slot_owner(s).unwrap() == owner));
    assert_eq!(
        cluster
            .migrate_slots(slots.clone(), &owner, &added)
            .unwrap(),
        1
    );
    for s in slots {
        assert_eq!(cluster.slot_owner(s).unwrap(), added);
    }
    assert_eq!(
        send(&cluster, &added, Cmd::new("GET").arg("{scale}")),
        Value::from("out")
    );

    let replica = cluster.add_replica(&added).unwrap();
    assert_eq!(cluster.replicas_of(&added).unwrap(), vec![replica.clone()]);
    let repl = info(&cluster, &replica, "replication");
    assert_eq!(field(&repl, "master_link_status"), "up");
    assert_eq!(field(&repl, "master_port"), added.port().to_string());
}
