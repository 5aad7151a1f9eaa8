//! `keyslot topology` against real clusters started by the test harness: a healthy 3+3
//! cluster, and one caught in the middle of a slot migration.

use std::process::Command;

use keyslot_tests::cluster::{ClusterSpec, MigrationStep, RedisCluster};
use keyslot_tests::require_redis;

fn topology_json(seed: &str) -> (i32, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_keyslot"))
        .args(["topology", "--json", seed])
        .output()
        .expect("run keyslot");
    let text = String::from_utf8_lossy(&out.stdout);
    let json = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{e}: {text}\n{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), json)
}

#[test]
fn a_healthy_cluster_and_a_migrating_slot() {
    if !require_redis() {
        return;
    }
    let cluster = RedisCluster::start(ClusterSpec::default()).expect("cluster");
    let seed = cluster.seed_addr().expect("seed").to_string();

    let (code, json) = topology_json(&seed);
    assert_eq!(code, 0, "{json}");
    let shards = json["shards"].as_array().expect("shards");
    assert_eq!(shards.len(), 3);
    let primaries = shards
        .iter()
        .filter(|s| s["primary"]["health"] == "online")
        .count();
    let replicas: usize = shards
        .iter()
        .map(|s| s["replicas"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!((primaries, replicas), (3, 3));
    assert_eq!(json["slots_covered"], 16384);
    assert_eq!(json["healthy"], true);
    // Each node names its server and version, Valkey by its own fields.
    let want = keyslot_tests::require::server_version().map(|v| v.name());
    for shard in shards {
        let primary = shard["primary"]["server"].as_str();
        assert!(primary.is_some(), "{shard}");
        if let Some(want) = &want {
            assert_eq!(primary, Some(want.as_str()), "{shard}");
        }
    }
    assert!(json["migrating"].as_array().is_some_and(Vec::is_empty));

    // Pause a migration after the source is MIGRATING and look.
    let from = cluster.slot_owner(100).expect("owner");
    let to = cluster
        .primaries()
        .expect("primaries")
        .into_iter()
        .find(|p| *p != from)
        .expect("another primary");
    let mut seen = None;
    cluster
        .migrate_slots_with(100..=100, &from, &to, 10, |slot, step| {
            if step == MigrationStep::Migrating && seen.is_none() {
                seen = Some((slot, topology_json(&seed)));
            }
        })
        .expect("migrate");
    let (slot, (_, json)) = seen.expect("the hook ran");
    let migrating = json["migrating"].as_array().expect("migrating");
    let importing = json["importing"].as_array().expect("importing");
    assert!(migrating.iter().any(|m| m["slot"] == slot), "{json}");
    assert!(importing.iter().any(|m| m["slot"] == slot), "{json}");
}
