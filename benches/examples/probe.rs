//! Quick per-frame timings of keyslot's decoders on the bench workloads, for profiling
//! (`valgrind --tool=callgrind`) without criterion's machinery.
//! Usage: probe <workload 0..3> [values|frames]; ITERS sets the repetitions.

use bytes::BytesMut;
use keyslot_core::resp::{Decoder, Frames};

fn main() {
    let workloads = keyslot_benches::decode_workloads();
    let which: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mode = std::env::args().nth(2).unwrap_or_default();
    let frames_mode = mode == "frames";
    if mode == "redis-protocol" {
        return redis_protocol_probe(&workloads[which]);
    }
    let iters: usize = std::env::var("ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let w = &workloads[which];
    let mut decoder = Decoder::new();
    let mut frames = Frames::new();
    let mut total = std::time::Duration::ZERO;
    for _ in 0..iters {
        let mut buf = BytesMut::from(&w.bytes[..]);
        let t0 = std::time::Instant::now();
        let n = if frames_mode {
            let n = decoder.decode_frames(&mut buf, &mut frames).expect("valid");
            for f in frames.iter() {
                std::hint::black_box(f.is_error());
            }
            n
        } else {
            let mut n = 0;
            while let Some(v) = decoder.decode(&mut buf).expect("valid") {
                std::hint::black_box(v);
                n += 1;
            }
            n
        };
        total += t0.elapsed();
        assert_eq!(n, w.frames);
    }
    let per_frame = total.as_nanos() as f64 / (iters * w.frames) as f64;
    println!(
        "{} ({}): {per_frame:.1} ns/frame",
        w.name,
        if frames_mode { "frames" } else { "values" }
    );
}

/// The same loop over redis-protocol's `decode_bytes`, for instruction-count comparisons.
fn redis_protocol_probe(w: &keyslot_benches::Workload) {
    use bytes::Buf;
    let iters: usize = std::env::var("ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let mut total = std::time::Duration::ZERO;
    for _ in 0..iters {
        let mut buf = bytes::Bytes::copy_from_slice(&w.bytes);
        let t0 = std::time::Instant::now();
        let mut n = 0;
        while let Some((frame, len)) =
            redis_protocol::resp2::decode::decode_bytes(&buf).expect("valid")
        {
            std::hint::black_box(frame);
            buf.advance(len);
            n += 1;
        }
        total += t0.elapsed();
        assert_eq!(n, w.frames);
    }
    let per_frame = total.as_nanos() as f64 / (iters * w.frames) as f64;
    println!("{} (redis-protocol): {per_frame:.1} ns/frame", w.name);
}
