//! `key_slot` on short keys, with and without hash tags.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use keyslot_benches::sample_keys;
use keyslot_core::key_slot;

fn slots(c: &mut Criterion) {
    let keys = sample_keys(1024);
    let mut group = c.benchmark_group("key_slot");
    group.throughput(Throughput::Elements(keys.len() as u64));
    group.bench_function("short_keys_x1024", |b| {
        b.iter(|| {
            let mut acc = 0u32;
            for k in &keys {
                acc = acc.wrapping_add(u32::from(key_slot(std::hint::black_box(k))));
            }
            acc
        })
    });
    group.finish();
}

criterion_group!(benches, slots);
criterion_main!(benches);
