//! Instructions per GET round trip through the core, for `valgrind --tool=callgrind`:
//! `ITERS=N machine_probe` runs N round trips of 64 pipelined GETs.

use keyslot_benches::ready_machine;
use keyslot_core::cluster::Output;
use keyslot_core::time::Instant;
use keyslot_core::Cmd;

fn main() {
    let iters: usize = std::env::var("ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let (mut cluster, conn) = ready_machine();
    let now = Instant::from_micros(2);
    let replies = b"$16\r\nvalue-0123456789\r\n".repeat(64);
    for _ in 0..iters {
        for _ in 0..64 {
            cluster.submit(Cmd::new("GET").arg("user:0123456789a"), now);
        }
        loop {
            match cluster.poll_output() {
                Output::Transmit { conn } => {
                    let n = cluster.transmit(conn).len();
                    cluster.handle_written(conn, n);
                }
                Output::Timeout(_) => break,
                other => drop(other),
            }
        }
        cluster.handle_data(conn, &replies, now);
        let mut got = 0;
        loop {
            match cluster.poll_output() {
                Output::Reply { .. } => got += 1,
                Output::Timeout(_) => break,
                _ => {}
            }
        }
        assert_eq!(got, 64);
    }
}
