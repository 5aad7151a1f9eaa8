//! The core machine's whole cost per command, without any I/O: submit a GET, hand the driver
//! its bytes, feed the reply, take the reply out. This is the work keyslot's driver asks of
//! the core for every request; the rest of a request's cost is the runtime's.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use keyslot_benches::{get_round_trip, ready_machine};

fn machine(c: &mut Criterion) {
    let (mut cluster, conn) = ready_machine();
    let mut group = c.benchmark_group("machine");
    for batch in [1usize, 64] {
        group.throughput(Throughput::Elements(batch as u64));
        let replies = b"$16\r\nvalue-0123456789\r\n".repeat(batch);
        group.bench_function(format!("get_roundtrip_x{batch}"), |b| {
            b.iter(|| assert_eq!(get_round_trip(&mut cluster, conn, batch, &replies), batch))
        });
    }
    group.finish();
}

criterion_group!(benches, machine);
criterion_main!(benches);
