//! Instructions per GET round trip through the core, for `valgrind --tool=callgrind`:
//! `ITERS=N machine_probe` runs N round trips of 64 pipelined GETs.

use keyslot_benches::{get_round_trip, ready_machine};

fn main() {
    let iters: usize = std::env::var("ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let (mut cluster, conn) = ready_machine();
    let replies = b"$16\r\nvalue-0123456789\r\n".repeat(64);
    for _ in 0..iters {
        assert_eq!(get_round_trip(&mut cluster, conn, 64, &replies), 64);
    }
}
