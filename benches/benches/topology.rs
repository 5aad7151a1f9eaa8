//! Topology parsing on a large cluster: a synthetic 500-shard cluster (one primary and one
//! replica each, RESP3 maps as a `HELLO 3` connection receives them), parsed from its
//! `CLUSTER SHARDS` reply and from its `CLUSTER SLOTS` reply. Building the `Value` is outside
//! the timing; the parse includes every allocation the resulting `Topology` makes.
//!
//! `topology_replicas` parses a `CLUSTER SLOTS` reply whose one shard lists 10,000 and
//! 100,000 replicas in each of its two ranges: keeping each replica once must cost about
//! n log n (the time grows about 10x from 10,000 to 100,000), not n² (100x).

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use keyslot_core::resp::Value;
use keyslot_core::topology::{Addr, Topology};

const SHARDS: u32 = 500;
const SLOTS: u32 = 16384;

fn text(s: String) -> Value {
    Value::BulkString(Bytes::from(s))
}

fn key(s: &'static str) -> Value {
    Value::from(s)
}

/// Shard `i` serves an even share of the slots.
fn range(i: u32) -> (i64, i64) {
    (
        i64::from(i * SLOTS / SHARDS),
        i64::from((i + 1) * SLOTS / SHARDS) - 1,
    )
}

/// Node `n` of the cluster: its id, IP and hostname.
fn ident(n: u32) -> (String, String, String) {
    (
        format!("{n:040x}"),
        format!("10.{}.{}.{}", n >> 16, (n >> 8) & 255, n & 255),
        format!("node{n}.bench.test"),
    )
}

fn shards_node(n: u32, role: &'static str) -> Value {
    let (id, ip, hostname) = ident(n);
    Value::Map(vec![
        (key("id"), text(id)),
        (key("port"), Value::Integer(6379)),
        (key("ip"), text(ip.clone())),
        (key("endpoint"), text(ip)),
        (key("hostname"), text(hostname)),
        (key("role"), key(role)),
        (key("replication-offset"), Value::Integer(123_456)),
        (key("health"), key("online")),
    ])
}

fn cluster_shards() -> Value {
    Value::Array(
        (0..SHARDS)
            .map(|i| {
                let (start, end) = range(i);
                Value::Map(vec![
                    (
                        key("slots"),
                        Value::Array(vec![Value::Integer(start), Value::Integer(end)]),
                    ),
                    (
                        key("nodes"),
                        Value::Array(vec![
                            shards_node(2 * i, "master"),
                            shards_node(2 * i + 1, "replica"),
                        ]),
                    ),
                ])
            })
            .collect(),
    )
}

fn slots_node(n: u32) -> Value {
    let (id, ip, hostname) = ident(n);
    Value::Array(vec![
        text(ip),
        Value::Integer(6379),
        text(id),
        Value::Map(vec![(key("hostname"), text(hostname))]),
    ])
}

fn cluster_slots() -> Value {
    Value::Array(
        (0..SHARDS)
            .map(|i| {
                let (start, end) = range(i);
                Value::Array(vec![
                    Value::Integer(start),
                    Value::Integer(end),
                    slots_node(2 * i),
                    slots_node(2 * i + 1),
                ])
            })
            .collect(),
    )
}

fn topology(c: &mut Criterion) {
    let asked = Addr::new("10.0.0.0", 6379);
    let shards = cluster_shards();
    let slots = cluster_slots();
    // The inputs must describe the cluster the bench claims to measure.
    for t in [
        Topology::from_cluster_shards(&shards, &asked),
        Topology::from_cluster_slots(&slots, &asked),
    ] {
        let t = t.expect("synthetic reply is valid");
        assert_eq!(t.shards().len(), SHARDS as usize);
        assert_eq!(t.uncovered_slots(), 0);
        assert_eq!(t.nodes().count(), 2 * SHARDS as usize);
    }

    let mut group = c.benchmark_group("topology");
    group.throughput(Throughput::Elements(u64::from(SHARDS)));
    group.bench_function("cluster_shards_500", |b| {
        b.iter(|| Topology::from_cluster_shards(std::hint::black_box(&shards), &asked))
    });
    group.bench_function("cluster_slots_500", |b| {
        b.iter(|| Topology::from_cluster_slots(std::hint::black_box(&slots), &asked))
    });
    let parsed = Topology::from_cluster_shards(&shards, &asked).expect("valid");
    group.bench_function("fingerprint_500", |b| {
        b.iter(|| std::hint::black_box(&parsed).fingerprint())
    });
    group.finish();
}

/// One shard's primary and `replicas` replicas, listed again (in reverse) for its second range.
fn many_replicas(replicas: u32) -> Value {
    let entry = |start: i64, end: i64, order: &mut dyn Iterator<Item = u32>| {
        let mut e = vec![Value::Integer(start), Value::Integer(end), slots_node(0)];
        e.extend(order.map(|n| slots_node(n + 1)));
        Value::Array(e)
    };
    Value::Array(vec![
        entry(0, 8191, &mut (0..replicas)),
        entry(8192, 16383, &mut (0..replicas).rev()),
    ])
}

fn replicas(c: &mut Criterion) {
    let asked = Addr::new("10.0.0.0", 6379);
    let mut group = c.benchmark_group("topology_replicas");
    group.sample_size(10);
    for n in [10_000, 100_000] {
        let reply = many_replicas(n);
        let t = Topology::from_cluster_slots(&reply, &asked).expect("valid");
        assert_eq!(t.shards().len(), 1);
        assert_eq!(t.shards()[0].replicas.len(), n as usize);
        group.throughput(Throughput::Elements(u64::from(n)));
        group.bench_function(format!("cluster_slots_{n}_replicas_twice"), |b| {
            b.iter(|| Topology::from_cluster_slots(std::hint::black_box(&reply), &asked))
        });
    }
    group.finish();
}

criterion_group!(benches, topology, replicas);
criterion_main!(benches);
