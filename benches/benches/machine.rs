//! The core machine's whole cost per command, without any I/O: submit a GET, hand the driver
//! its bytes, feed the reply, take the reply out. This is the work keyslot's driver asks of
//! the core for every request; the rest of a request's cost is the runtime's.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use keyslot_benches::ready_machine;
use keyslot_core::cluster::Output;
use keyslot_core::time::Instant;
use keyslot_core::Cmd;

fn machine(c: &mut Criterion) {
    let (mut cluster, conn) = ready_machine();
    let now = Instant::from_micros(2);
    let reply = b"$16\r\nvalue-0123456789\r\n";
    let mut group = c.benchmark_group("machine");
    for batch in [1usize, 64] {
        group.throughput(Throughput::Elements(batch as u64));
        let mut replies = Vec::new();
        for _ in 0..batch {
            replies.extend_from_slice(reply);
        }
        group.bench_function(format!("get_roundtrip_x{batch}"), |b| {
            b.iter(|| {
                for _ in 0..batch {
                    cluster.submit(Cmd::new("GET").arg("user:0123456789a"), now);
                }
                loop {
                    match cluster.poll_output() {
                        Output::Transmit { conn } => {
                            let n = cluster.transmit(conn).len();
                            cluster.handle_written(conn, n);
                        }
                        Output::Timeout(_) => break,
                        other => {
                            black_box(other);
                        }
                    }
                }
                cluster.handle_data(conn, &replies, now);
                let mut got = 0;
                loop {
                    match cluster.poll_output() {
                        Output::Reply { reply, .. } => {
                            black_box(reply);
                            got += 1;
                        }
                        Output::Timeout(_) => break,
                        _ => {}
                    }
                }
                assert_eq!(got, batch);
            })
        });
    }
    group.finish();
}

criterion_group!(benches, machine);
criterion_main!(benches);
