use bytes::BytesMut;
use keyslot_core::resp::Decoder;
fn main() {
    let w = keyslot_benches::decode_workloads();
    let which: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let w = &w[which];
    let mut decoder = Decoder::new();
    let t = std::time::Instant::now();
    let iters: usize = std::env::var("ITERS").ok().and_then(|s| s.parse().ok()).unwrap_or(2000);
    let mut total = std::time::Duration::ZERO;
    for _ in 0..iters {
        let mut buf = BytesMut::from(&w.bytes[..]);
        let t0 = std::time::Instant::now();
        let mut n = 0;
        while let Some(v) = decoder.decode(&mut buf).unwrap() { std::hint::black_box(v); n += 1; }
        total += t0.elapsed();
        assert_eq!(n, w.frames);
    }
    println!("{}: {:.1} ns/frame (wall {:?})", w.name, total.as_nanos() as f64 / (iters * w.frames) as f64, t.elapsed());
}
