//! Routing a command: table lookup + key positions + hash slot, the work done before every
//! request is queued. The target is under 100 ns for a GET with a 16-byte key, encoding
//! included (`route_encode`). One `KeyPositions` and one output buffer are reused across
//! iterations, as a connection would reuse them.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use keyslot_core::cluster::Route;
use keyslot_core::command::{lookup, KeyPositions};
use keyslot_core::Cmd;

/// The core's own routing decision: lookup, client-managed checks, key positions, and the
/// slot of every key (all must agree for one node).
fn route(cmd: &Cmd, positions: &mut KeyPositions) -> Option<u16> {
    match keyslot_core::cluster::route(cmd, positions).ok()?.route {
        Route::Slot(slot) => Some(slot),
        _ => None,
    }
}

fn routing(c: &mut Criterion) {
    let get = Cmd::new("GET").arg("user:0123456789a"); // a 16-byte key
    assert_eq!(get.get(1).map(<[u8]>::len), Some(16));
    let mut mget = Cmd::new("MGET");
    for i in 0..10 {
        mget.push_arg(format!("{{user:42}}:{i:07}")); // one hash tag: one slot
    }
    let mut positions = KeyPositions::new();
    let mut out = Vec::with_capacity(256);

    let mut group = c.benchmark_group("command");
    group.bench_function("lookup/get", |b| b.iter(|| lookup(black_box(&get))));
    let slots = Cmd::new("CLUSTER").arg("SLOTS");
    group.bench_function("lookup/cluster_slots", |b| {
        b.iter(|| lookup(black_box(&slots)))
    });
    let unknown = Cmd::new("JSON.GET").arg("doc");
    group.bench_function("lookup/unknown", |b| b.iter(|| lookup(black_box(&unknown))));

    group.bench_function("route/get16", |b| {
        b.iter(|| route(black_box(&get), &mut positions))
    });
    group.bench_function("route/mget10", |b| {
        b.iter(|| route(black_box(&mget), &mut positions))
    });
    group.bench_function("route_encode/get16", |b| {
        b.iter(|| {
            out.clear();
            let slot = route(black_box(&get), &mut positions);
            get.encode(&mut out);
            (slot, out.len())
        })
    });
    group.finish();
}

criterion_group!(benches, routing);
criterion_main!(benches);
