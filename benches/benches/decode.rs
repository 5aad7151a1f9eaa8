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

        // Not a decoder: the owned values of a workload of arrays of bulks built from offsets
        // found beforehand, and dropped, with no parsing at all. Every decoder that hands out
        // an owned array of zero-copy `Bytes` (keyslot's values, redis-protocol's) does at
        // least this much: a decoder can be at most (its time / this) faster than another.
        if let Some(offsets) = bulk_offsets(&w.bytes) {
            group.bench_function("floor-owned-values", |b| {
                b.iter_batched(
                    || BytesMut::from(&w.bytes[..]).freeze(),
                    |frozen| {
                        let bulk = |&(start, end): &(usize, usize)| {
                            Value::BulkString(frozen.slice(start..end))
                        };
                        for frame in &offsets {
                            std::hint::black_box(match frame {
                                BulkFrame::One(at) => bulk(at),
                                BulkFrame::Array(items) => {
                                    Value::Array(items.iter().map(bulk).collect())
                                }
                            });
                        }
                    },
                    batch,
                )
            });
        }

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

/// A frame of a workload made of bulks and arrays of bulks: where its payloads lie.
enum BulkFrame {
    One((usize, usize)),
    Array(Vec<(usize, usize)>),
}

/// Every frame's payload offsets, when the workload is bulks and arrays of bulks only.
fn bulk_offsets(bytes: &[u8]) -> Option<Vec<BulkFrame>> {
    // A `*N` or `$N` header at `at`: N, and where the line ends.
    fn header(bytes: &[u8], at: usize, kind: u8) -> Option<(usize, usize)> {
        if bytes.get(at) != Some(&kind) {
            return None;
        }
        let end = at + bytes[at..].windows(2).position(|w| w == b"\r\n")?;
        let n = std::str::from_utf8(&bytes[at + 1..end])
            .ok()?
            .parse()
            .ok()?;
        Some((n, end + 2))
    }
    // A bulk at `at`: its payload, and where the next element starts.
    fn bulk(bytes: &[u8], at: usize) -> Option<((usize, usize), usize)> {
        let (size, start) = header(bytes, at, b'$')?;
        Some(((start, start + size), start + size + 2))
    }
    let (mut frames, mut at) = (Vec::new(), 0);
    while at < bytes.len() {
        if let Some((len, mut next)) = header(bytes, at, b'*') {
            let mut items = Vec::with_capacity(len);
            for _ in 0..len {
                let (payload, after) = bulk(bytes, next)?;
                items.push(payload);
                next = after;
            }
            frames.push(BulkFrame::Array(items));
            at = next;
        } else {
            let (payload, next) = bulk(bytes, at)?;
            frames.push(BulkFrame::One(payload));
            at = next;
        }
    }
    Some(frames)
}

criterion_group!(benches, decode);
criterion_main!(benches);
