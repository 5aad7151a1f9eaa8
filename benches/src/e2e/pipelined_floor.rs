//! The pipelined floor: what `concurrency` operations in flight cost on this machine with no
//! client at all.
//!
//! The callers are spread over the cluster's primaries, one blocking socket and one thread
//! per primary, keys hash-tagged to a slot of that primary. Each thread keeps all of its
//! callers' commands in flight in lock step: it writes one command per caller in a single
//! write, then reads until every reply is there. Each caller alternates SET and GET of its
//! key, and the GET must return the value the SET before it wrote. That is the deepest batch
//! `concurrency` callers allow and the fewest system calls per operation (one write and
//! about one read per batch, no polling, no wake-ups between threads), with no routing and no
//! parsing beyond finding each reply's end. No multiplexing client can do better at the same
//! concurrency, so its client CPU per operation is the floor for that row of the e2e table,
//! and the servers' CPU per operation is what they cost at that batch depth.

use std::io::Write;
use std::net::TcpStream;
use std::thread;
use std::time::Instant;

use super::clients::TaskResult;
use super::floor::{encode, read_replies};
use super::measure::record;
use super::value;

/// One primary, a hash tag it serves, and how many callers it carries.
struct Lane {
    addr: String,
    tag: String,
    callers: usize,
}

/// The cluster's primaries as the seed's redirects name them, with the callers spread over
/// them.
pub struct PipelinedFloor {
    lanes: Vec<Lane>,
}

impl PipelinedFloor {
    /// Find each primary (by the `MOVED` a `SET` of a hash-tagged key draws from the seed)
    /// and a tag it serves, and spread `concurrency` callers over them.
    pub fn connect(seed: &str, concurrency: usize) -> Result<PipelinedFloor, String> {
        let mut stream = TcpStream::connect(seed).map_err(|e| e.to_string())?;
        let mut lanes: Vec<Lane> = Vec::new();
        for n in 0..2000 {
            let tag = format!("{{floor{n}}}");
            let mut out = String::new();
            encode(&mut out, &["SET", &format!("{tag}probe"), "1"]);
            stream
                .write_all(out.as_bytes())
                .map_err(|e| e.to_string())?;
            let mut buf = Vec::new();
            let ends = read_replies(&mut stream, &mut buf, 1)?;
            let reply = String::from_utf8_lossy(&buf[..ends[0]]).into_owned();
            let addr = match reply.strip_prefix("-MOVED ") {
                // "-MOVED <slot> <host:port>\r\n"
                Some(rest) => rest
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or_default()
                    .to_string(),
                None if reply == "+OK\r\n" => seed.to_string(),
                None => return Err(format!("unexpected probe reply {reply:?}")),
            };
            if !lanes.iter().any(|l| l.addr == addr) {
                lanes.push(Lane {
                    addr,
                    tag,
                    callers: 0,
                });
            }
        }
        for i in 0..concurrency {
            let n = lanes.len();
            lanes[i % n].callers += 1;
        }
        lanes.retain(|l| l.callers > 0);
        Ok(PipelinedFloor { lanes })
    }

    /// Run every lane on a thread of its own until `deadline`.
    pub fn run(&self, deadline: Instant) -> Vec<TaskResult> {
        thread::scope(|s| {
            let handles: Vec<_> = self
                .lanes
                .iter()
                .map(|lane| s.spawn(move || run_lane(lane, deadline)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        })
    }
}

/// One primary's callers in lock step: a batch of SETs, then a batch of the GETs that read
/// them back, until `deadline`.
fn run_lane(lane: &Lane, deadline: Instant) -> TaskResult {
    let mut r = TaskResult::default();
    let mut stream = match TcpStream::connect(&lane.addr) {
        Ok(s) => s,
        Err(e) => {
            r.error(e.to_string());
            return r;
        }
    };
    let _ = stream.set_nodelay(true);
    let keys: Vec<String> = (0..lane.callers)
        .map(|c| format!("{}{c}", lane.tag))
        .collect();
    let (mut out, mut buf) = (String::new(), Vec::new());
    let mut round = 0u64;
    while Instant::now() < deadline {
        round += 1;
        let setting = round % 2 == 1;
        // A SET and the GET after it share their value: rounds 1 and 2 write and read 1.
        let values: Vec<String> = (0..lane.callers)
            .map(|c| value(c, round.div_ceil(2)))
            .collect();
        out.clear();
        for (key, v) in keys.iter().zip(&values) {
            if setting {
                encode(&mut out, &["SET", key, v]);
            } else {
                encode(&mut out, &["GET", key]);
            }
        }
        let t = Instant::now();
        if let Err(e) = stream.write_all(out.as_bytes()) {
            r.error(e.to_string());
            return r;
        }
        buf.clear();
        let ends = match read_replies(&mut stream, &mut buf, lane.callers) {
            Ok(ends) => ends,
            Err(e) => {
                r.error(e);
                return r;
            }
        };
        let micros = t.elapsed().as_micros() as u64;
        let mut start = 0;
        for (end, v) in ends.into_iter().zip(&values) {
            record(micros);
            let reply = &buf[start..end];
            let expected = if setting {
                "+OK\r\n".to_string()
            } else {
                format!("${}\r\n{v}\r\n", v.len())
            };
            if reply == expected.as_bytes() {
                r.ops += 1;
            } else {
                r.wrong += 1;
            }
            start = end;
        }
    }
    r
}
