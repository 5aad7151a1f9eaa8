//! Decode throughput, side by side: keyslot-core, redis-protocol 6 and redis 1.8's parser on
//! the same bytes. Each iteration decodes every frame of a workload from a fresh buffer
//! (buffer preparation is outside the timing).

use bytes::{Buf, Bytes, BytesMut};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use keyslot_benches::decode_workloads;
use keyslot_core::resp::{Decoder, Frames, Value};

fn decode(c: &mut Criterion) {
    for w in decode_workloads() {
        let mut group = c.benchmark_group(format!("decode/{}", w.name));
        group.throughput(Throughput::Bytes(w.bytes.len() as u64));
        let batch = if w.bytes.len() > 500_000 {
            BatchSize::LargeInput
        } else {
            BatchSize::SmallInput
        };

        // What keyslot's connection reader does: split off every complete frame at once and
        // read each in place (here: is it an error?), with no per-frame allocation.
        group.bench_function("keyslot-frames", |b| {
            let mut decoder = Decoder::new();
            let mut frames = Frames::new();
            b.iter_batched(
                || BytesMut::from(&w.bytes[..]),
                |mut buf| {
                    let n = decoder.decode_frames(&mut buf, &mut frames).expect("valid");
                    assert_eq!(n, w.frames);
                    for frame in frames.iter() {
                        std::hint::black_box(frame.is_error());
                    }
                },
                batch,
            )
        });

        // Owned values, one by one: each bulk is a zero-copy `Bytes` with its reference count.
        group.bench_function("keyslot-values", |b| {
            let mut decoder = Decoder::new();
            b.iter_batched(
                || BytesMut::from(&w.bytes[..]),
                |mut buf| {
                    let mut n = 0;
                    while let Some(v) = decoder.decode(&mut buf).expect("valid") {
                        std::hint::black_box(v);
                        n += 1;
                    }
                    assert_eq!(n, w.frames);
                },
                batch,
            )
        });

        // The one-shot API an embedder or a fuzz target meets first: a slice in, an owned
        // value (payloads copied) and its length out.
        group.bench_function("keyslot-oneshot", |b| {
            b.iter_batched(
                || w.bytes.clone(),
                |buf| {
                    let (mut at, mut n) = (0, 0);
                    while let Some((v, len)) =
                        keyslot_core::resp::decode(&buf[at..]).expect("valid")
                    {
                        std::hint::black_box(v);
                        at += len;
                        n += 1;
                    }
                    assert_eq!(n, w.frames);
                },
                batch,
            )
        });

        // redis-protocol's offsets-only mode: the counterpart of `keyslot-frames`.
        group.bench_function("redis-protocol-range", |b| {
            b.iter_batched(
                || w.bytes.clone(),
                |buf| {
                    let (mut at, mut n) = (0, 0);
                    while let Some((frame, len)) =
                        redis_protocol::resp2::decode::decode_range(&buf[at..]).expect("valid")
                    {
                        std::hint::black_box(frame);
                        at += len;
                        n += 1;
                    }
                    assert_eq!(n, w.frames);
                },
                batch,
            )
        });

        // Its zero-copy values from a `BytesMut`, split off as they are decoded.
        group.bench_function("redis-protocol-bytes-mut", |b| {
            b.iter_batched(
                || BytesMut::from(&w.bytes[..]),
                |mut buf| {
                    let mut n = 0;
                    while let Some((frame, _, _)) =
                        redis_protocol::resp2::decode::decode_bytes_mut(&mut buf).expect("valid")
                    {
                        std::hint::black_box(frame);
                        n += 1;
                    }
                    assert_eq!(n, w.frames);
                },
                batch,
            )
        });

        group.bench_function("redis-protocol", |b| {
            b.iter_batched(
                || Bytes::copy_from_slice(&w.bytes),
                |mut buf| {
                    let mut n = 0;
                    while let Some((frame, len)) =
                        redis_protocol::resp2::decode::decode_bytes(&buf).expect("valid")
                    {
                        std::hint::black_box(frame);
                        buf.advance(len);
                        n += 1;
                    }
                    assert_eq!(n, w.frames);
                },
                batch,
            )
        });

        // Not a decoder: the workload's owned values, decoded beforehand, cloned (each bulk a
        // reference-count increment, each array an allocation) and dropped, with no parsing
        // at all. On workloads of bulks, every decoder that hands out owned values of
        // zero-copy `Bytes` (keyslot's, redis-protocol's) does about this much. It is no
        // bound for `+OK`, whose value is static and costs less to make than to clone.
        let decoded = decode_all(&w.bytes);
        group.bench_function("floor-owned-values", |b| {
            b.iter(|| {
                for value in &decoded {
                    std::hint::black_box(value.clone());
                }
            })
        });

        group.bench_function("redis-rs", |b| {
            b.iter_batched(
                || w.bytes.clone(),
                |buf| {
                    let mut parser = redis::Parser::new();
                    let mut reader = &buf[..];
                    for _ in 0..w.frames {
                        std::hint::black_box(parser.parse_value(&mut reader).expect("valid"));
                    }
                },
                batch,
            )
        });
        group.finish();
    }
}

/// Every frame of `bytes`, decoded.
fn decode_all(bytes: &[u8]) -> Vec<Value> {
    let mut buf = BytesMut::from(bytes);
    let mut decoder = Decoder::new();
    std::iter::from_fn(|| decoder.decode(&mut buf).expect("valid")).collect()
}

criterion_group!(benches, decode);
criterion_main!(benches);
