//! The parsers against real `redis-server` 7.0.15 replies (`tests/fixtures/redis-7.0.15/`).
//!
//! The cluster: nodes 127.0.0.21..26, all on port 6379, announcing hostnames
//! `nodeN.keyslot.test`; primaries 21 (slots 0-5460), 22 (5461-10922) and 23 (10923-16383),
//! with replicas 25, 26 and 24 respectively. In the three endpoint-mode captures the replicas
//! were still loading, so `CLUSTER SLOTS` leaves them out; in the failed-shard capture the
//! shard of node 3 (primary 23, replica 24) is dead.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{Addr, Health, NodeInfo, Role, Topology};
use crate::resp::{decode, Value};

const DIR: &str = "tests/fixtures/redis-7.0.15";

fn value(name: &str, bytes: &[u8]) -> Value {
    let (v, len) = decode(bytes).expect("valid RESP").expect("a whole frame");
    assert_eq!(len, bytes.len(), "{DIR}/{name} holds exactly one frame");
    v
}

macro_rules! fixture {
    ($name:literal) => {
        value(
            $name,
            include_bytes!(concat!("../../../tests/fixtures/redis-7.0.15/", $name)),
        )
    };
}

/// How each capture announces node N.
#[derive(Clone, Copy, Debug)]
enum Mode {
    Ip,
    Hostname,
    Unknown,
}

const ASKED: &str = "config.keyslot.test";

fn asked() -> Addr {
    Addr::new(ASKED, 6379)
}

fn ip(n: u8) -> String {
    format!("127.0.0.2{n}")
}

fn name(n: u8) -> String {
    format!("node{n}.keyslot.test")
}

fn expected_host(mode: Mode, n: u8) -> String {
    match mode {
        Mode::Ip => ip(n),
        Mode::Hostname => name(n),
        // No endpoint: each node's own ip, never the (configuration) name that was asked.
        Mode::Unknown => ip(n),
    }
}

/// Node N as `mode` should present it: address after the endpoint rules, IP and hostname kept.
fn check_node(node: &NodeInfo, mode: Mode, n: u8, role: Role) {
    assert_eq!(
        node.addr,
        Addr::new(expected_host(mode, n), 6379),
        "{mode:?} node {n}"
    );
    assert_eq!(
        node.ip.as_deref(),
        Some(ip(n).as_str()),
        "{mode:?} node {n} keeps its ip"
    );
    assert_eq!(node.role, role, "{mode:?} node {n}");
    assert_eq!(node.id.len(), 40, "{mode:?} node {n} has its id");
    // CLUSTER SLOTS in hostname mode carries only the ip in its metadata; the hostname is the
    // endpoint itself. Every other view names the host explicitly.
    assert_eq!(
        node.hostname.as_deref(),
        Some(name(n).as_str()),
        "{mode:?} node {n} hostname"
    );
}

/// (first slot, last slot, primary N, replica N)
const LAYOUT: [(u16, u16, u8, u8); 3] =
    [(0, 5460, 1, 5), (5461, 10922, 2, 6), (10923, 16383, 3, 4)];

fn check_primaries(t: &Topology, mode: Mode) {
    assert_eq!(t.shards().len(), 3, "{mode:?}");
    assert_eq!(t.uncovered_slots(), 0, "{mode:?}");
    assert_eq!(t.uncovered_ranges().count(), 0);
    for (first, last, p, _) in LAYOUT {
        for slot in [first, first + 1, last] {
            let primary = t.primary_of_slot(slot).expect("covered");
            check_node(primary, mode, p, Role::Primary);
        }
        let shard = &t.shards()[t.shard_of_slot(first).expect("covered")];
        assert_eq!(shard.slots, [(first, last)]);
    }
}

fn check_shards_view(t: &Topology, mode: Mode) {
    check_primaries(t, mode);
    for (first, _, _, r) in LAYOUT {
        let shard = &t.shards()[t.shard_of_slot(first).expect("covered")];
        assert_eq!(
            shard.primary.as_ref().map(|p| p.health),
            Some(Health::Online)
        );
        assert_eq!(shard.replicas.len(), 1, "{mode:?}");
        check_node(&shard.replicas[0], mode, r, Role::Replica);
        assert_eq!(
            shard.replicas[0].health,
            Health::Loading,
            "loading replicas are kept"
        );
        assert_eq!(shard.replicas[0].replication_offset, Some(0));
    }
    assert_eq!(t.nodes().count(), 6);
}

fn check_slots_view(t: &Topology, mode: Mode) {
    check_primaries(t, mode);
    for shard in t.shards() {
        assert!(
            shard.replicas.is_empty(),
            "CLUSTER SLOTS omits loading replicas"
        );
    }
    assert_eq!(t.nodes().count(), 3);
}

/// Parse all four captures of one mode and check them against each other.
fn check_mode(mode: Mode, shards: [Value; 2], slots: [Value; 2]) -> u64 {
    let [shards2, shards3] =
        shards.map(|v| Topology::from_cluster_shards(&v, &asked()).expect("valid"));
    let [slots2, slots3] =
        slots.map(|v| Topology::from_cluster_slots(&v, &asked()).expect("valid"));
    check_shards_view(&shards2, mode);
    check_shards_view(&shards3, mode);
    check_slots_view(&slots2, mode);
    check_slots_view(&slots3, mode);
    assert_eq!(
        shards2, shards3,
        "{mode:?}: RESP2 and RESP3 CLUSTER SHARDS agree entirely"
    );
    assert_eq!(
        slots2, slots3,
        "{mode:?}: RESP2 and RESP3 CLUSTER SLOTS agree entirely"
    );
    let f = shards2.fingerprint();
    assert_eq!(shards3.fingerprint(), f, "{mode:?}: SHARDS RESP2 vs RESP3");
    assert_eq!(slots2.fingerprint(), f, "{mode:?}: SHARDS vs SLOTS");
    assert_eq!(slots3.fingerprint(), f, "{mode:?}: SLOTS RESP3");
    assert_eq!(shards2.slot_owner_changes(&slots3), 0);
    f
}

#[test]
fn ip_mode() {
    check_mode(
        Mode::Ip,
        [
            fixture!("cluster-shards.ip.resp2"),
            fixture!("cluster-shards.ip.resp3"),
        ],
        [
            fixture!("cluster-slots.ip.resp2"),
            fixture!("cluster-slots.ip.resp3"),
        ],
    );
}

#[test]
fn hostname_mode() {
    check_mode(
        Mode::Hostname,
        [
            fixture!("cluster-shards.hostname.resp2"),
            fixture!("cluster-shards.hostname.resp3"),
        ],
        [
            fixture!("cluster-slots.hostname.resp2"),
            fixture!("cluster-slots.hostname.resp3"),
        ],
    );
}

#[test]
fn unknown_endpoint_mode_uses_each_nodes_ip() {
    check_mode(
        Mode::Unknown,
        [
            fixture!("cluster-shards.unknown-endpoint.resp2"),
            fixture!("cluster-shards.unknown-endpoint.resp3"),
        ],
        [
            fixture!("cluster-slots.unknown-endpoint.resp2"),
            fixture!("cluster-slots.unknown-endpoint.resp3"),
        ],
    );
}

#[test]
fn modes_differ_where_addresses_differ() {
    let parse = |v: Value| Topology::from_cluster_shards(&v, &asked()).expect("valid");
    let ip = parse(fixture!("cluster-shards.ip.resp2"));
    let host = parse(fixture!("cluster-shards.hostname.resp2"));
    let unknown = parse(fixture!("cluster-shards.unknown-endpoint.resp2"));
    assert_ne!(ip.fingerprint(), host.fingerprint());
    assert_eq!(ip.slot_owner_changes(&host), 16384);
    // Without endpoints every node is at its ip: the same routing as ip mode, and six
    // distinct nodes rather than the asked name six times.
    assert_eq!(ip.fingerprint(), unknown.fingerprint());
    assert_eq!(ip.slot_owner_changes(&unknown), 0);
    let mut addrs: Vec<&Addr> = unknown.nodes().map(|n| &n.addr).collect();
    addrs.sort();
    addrs.dedup();
    assert_eq!(addrs.len(), 6);
}

#[test]
fn failed_shard() {
    let shards =
        Topology::from_cluster_shards(&fixture!("cluster-shards.failed-shard.resp2"), &asked())
            .expect("valid");
    let slots =
        Topology::from_cluster_slots(&fixture!("cluster-slots.failed-shard.resp2"), &asked())
            .expect("valid");
    for t in [&shards, &slots] {
        check_primaries(t, Mode::Hostname);
        assert_eq!(
            t.uncovered_slots(),
            0,
            "the dead shard still owns its slots"
        );
    }

    // CLUSTER SHARDS: the dead shard's primary and replica are kept, marked failed; the
    // other shards' replicas are online now.
    let dead = shards.primary_of_slot(16383).expect("kept");
    assert_eq!(dead.health, Health::Failed);
    assert_eq!(dead.replication_offset, Some(76));
    for (first, _, p, r) in LAYOUT {
        let shard = &shards.shards()[shards.shard_of_slot(first).expect("covered")];
        let want = if p == 3 {
            Health::Failed
        } else {
            Health::Online
        };
        assert_eq!(shard.primary.as_ref().map(|n| n.health), Some(want));
        assert_eq!(shard.replicas.len(), 1);
        check_node(&shard.replicas[0], Mode::Hostname, r, Role::Replica);
        assert_eq!(shard.replicas[0].health, want);
    }

    // CLUSTER SLOTS has no health, lists the dead primary and leaves out its failed replica.
    let replicas: Vec<usize> = LAYOUT
        .iter()
        .map(|&(first, ..)| {
            slots.shards()[slots.shard_of_slot(first).expect("covered")]
                .replicas
                .len()
        })
        .collect();
    assert_eq!(replicas, [1, 1, 0]);
    assert_eq!(
        slots.primary_of_slot(16383).map(|n| n.health),
        Some(Health::Online)
    );

    assert_eq!(shards.fingerprint(), slots.fingerprint());
    assert_eq!(shards.slot_owner_changes(&slots), 0);

    // Against the hostname-mode capture: same primaries (no slot changed owner), but the
    // replicas came online, so the view is not the same.
    let before =
        Topology::from_cluster_shards(&fixture!("cluster-shards.hostname.resp3"), &asked())
            .expect("valid");
    assert_eq!(before.slot_owner_changes(&shards), 0);
    assert_ne!(before.fingerprint(), shards.fingerprint());
}

/// Reverse the order of a reply's shards and of the nodes inside each (RESP3 maps).
fn reversed_shards(v: &Value) -> Value {
    let Value::Array(shards) = v else {
        panic!("CLUSTER SHARDS is an array")
    };
    let mut shards = shards.clone();
    shards.reverse();
    for s in &mut shards {
        let Value::Map(fields) = s else {
            panic!("RESP3 shard is a map")
        };
        for (k, v) in fields.iter_mut() {
            if let (Some("nodes"), Value::Array(nodes)) = (k.as_str(), v) {
                nodes.reverse();
            }
        }
    }
    Value::Array(shards)
}

#[test]
fn listing_order_does_not_matter() {
    for v in [
        fixture!("cluster-shards.ip.resp3"),
        fixture!("cluster-shards.hostname.resp3"),
    ] {
        let t = Topology::from_cluster_shards(&v, &asked()).expect("valid");
        let r = Topology::from_cluster_shards(&reversed_shards(&v), &asked()).expect("valid");
        assert_ne!(t.shards()[0], r.shards()[0], "the order really changed");
        assert_eq!(t.fingerprint(), r.fingerprint());
        assert_eq!(t.slot_owner_changes(&r), 0);
    }
}
