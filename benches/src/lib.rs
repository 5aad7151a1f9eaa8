//! Workloads shared by keyslot's benches, so every client is measured on the same bytes.

/// A named buffer of back-to-back RESP frames and how many frames it holds.
pub struct Workload {
    /// Short name used as the criterion benchmark id.
    pub name: &'static str,
    /// The frames, concatenated.
    pub bytes: Vec<u8>,
    /// How many frames `bytes` holds.
    pub frames: usize,
}

fn repeat(name: &'static str, frame: &[u8], frames: usize) -> Workload {
    Workload {
        name,
        bytes: frame.repeat(frames),
        frames,
    }
}

/// The four decode workloads: 10,000 `+OK`; 10,000 GET replies with 16-byte values; 100
/// arrays of 100 bulks; one 1 MiB bulk.
pub fn decode_workloads() -> Vec<Workload> {
    let get_reply = b"$16\r\nvalue-0123456789\r\n";
    let mut array = b"*100\r\n".to_vec();
    for i in 0..100 {
        let item = format!("item-{i:011}");
        array.extend_from_slice(format!("${}\r\n{item}\r\n", item.len()).as_bytes());
    }
    let mut big = b"$1048576\r\n".to_vec();
    big.extend(std::iter::repeat_n(b'x', 1 << 20));
    big.extend_from_slice(b"\r\n");
    vec![
        repeat("ok_x10000", b"+OK\r\n", 10_000),
        repeat("get16_x10000", get_reply, 10_000),
        repeat("array100_x100", &array, 100),
        Workload {
            name: "bulk_1mib",
            bytes: big,
            frames: 1,
        },
    ]
}

/// Keys as a cluster client sees them: short, some with hash tags.
pub fn sample_keys(count: usize) -> Vec<Vec<u8>> {
    (0..count)
        .map(|i| match i % 4 {
            0 => format!("user:{i}").into_bytes(),
            1 => format!("{{user:{i}}}:profile").into_bytes(),
            2 => format!("session:{i:016}").into_bytes(),
            _ => format!("k{i}").into_bytes(),
        })
        .collect()
}

/// A core machine that has bootstrapped against a one-node cluster owning every slot, driven
/// with real reply bytes, and the node's connection: ready for commands.
pub fn ready_machine() -> (keyslot_core::Cluster, keyslot_core::cluster::ConnId) {
    use keyslot_core::cluster::{Config, Output};
    use keyslot_core::time::Instant;
    use keyslot_core::topology::Addr;
    let now = Instant::from_micros(1);
    let config = Config {
        periodic_refresh: None,
        ..Config::default()
    };
    let mut cluster = keyslot_core::Cluster::new(config, vec![Addr::new("127.0.0.1", 7000)], now);
    let mut conn = None;
    let drain = |cluster: &mut keyslot_core::Cluster, conn: &mut Option<_>| loop {
        match cluster.poll_output() {
            Output::Connect { conn: c, .. } => *conn = Some(c),
            Output::Transmit { conn: c } => {
                let n = cluster.transmit(c).len();
                cluster.handle_written(c, n);
            }
            Output::Timeout(_) => break,
            _ => {}
        }
    };
    drain(&mut cluster, &mut conn);
    let c = conn.expect("the machine connects to the seed");
    cluster.handle_connected(c, now);
    drain(&mut cluster, &mut conn);
    cluster.handle_data(c, b"%1\r\n$5\r\nproto\r\n:3\r\n", now);
    drain(&mut cluster, &mut conn);
    let slots = b"*1\r\n*3\r\n:0\r\n:16383\r\n*2\r\n$9\r\n127.0.0.1\r\n:7000\r\n";
    cluster.handle_data(c, b"-ERR unknown subcommand 'SHARDS'\r\n", now);
    drain(&mut cluster, &mut conn);
    cluster.handle_data(c, slots, now);
    drain(&mut cluster, &mut conn);
    assert!(cluster.is_ready(), "the machine has a topology");
    (cluster, c)
}

pub mod e2e;

/// One round of `batch` GETs through a [`ready_machine`]: submit, hand the transmit bytes to
/// nobody, feed `replies` (one GET reply per command), and count the replies that come out.
pub fn get_round_trip(
    cluster: &mut keyslot_core::Cluster,
    conn: keyslot_core::cluster::ConnId,
    batch: usize,
    replies: &[u8],
) -> usize {
    use keyslot_core::cluster::Output;
    let now = keyslot_core::time::Instant::from_micros(2);
    for _ in 0..batch {
        cluster.submit(
            keyslot_core::Cmd::new("GET").arg("user:0123456789a"),
            (),
            now,
        );
    }
    loop {
        match cluster.poll_output() {
            Output::Transmit { conn } => {
                let n = cluster.transmit(conn).len();
                cluster.handle_written(conn, n);
            }
            Output::Timeout(_) => break,
            other => drop(std::hint::black_box(other)),
        }
    }
    cluster.handle_data(conn, replies, now);
    let mut got = 0;
    loop {
        match cluster.poll_output() {
            Output::Reply { reply, .. } => {
                drop(std::hint::black_box(reply));
                got += 1;
            }
            Output::Timeout(_) => break,
            _ => {}
        }
    }
    got
}
