//! The decode comparison in interleaved rounds, for judging ratios on a noisy machine.
//!
//! `benches/decode.rs` (criterion) runs each variant for seconds on end, so the machine's
//! drift (±30 % between runs here) lands on one variant and not the others. This runs every
//! variant of a workload once per round, in turn, and reports the median of each variant's
//! times and the median of the per-round ratios that keyslot's goals are stated in:
//!
//! - `oneshot/values`: the one-shot `resp::decode(&[u8])` against the streaming `Decoder`;
//! - `rp-best/values`: redis-protocol's fastest owned-value mode against keyslot's values;
//! - `rp-range/frames`: redis-protocol's offsets-only `decode_range` against keyslot's frames;
//! - `rp-best/floor`: redis-protocol's best mode against the owned-values floor, the clone
//!   and drop of the workload's values decoded beforehand (see `floor-owned-values` in the
//!   criterion bench), and `values/floor`, keyslot's values against it. For workloads of
//!   bulks it is what handing out values of zero-copy `Bytes` costs (a reference count up
//!   and down per bulk, and the list); for `+OK` it is no bound, since a static `OK` costs
//!   less to decode than a cloned list of them;
//! - for workloads of bulk replies only, `split-floor`: one split of the buffer per reply
//!   and its payload kept, nothing parsed, as keyslot's `Decoder` takes a bulk;
//!   `values/split-floor` and `rp-best/split-floor` put both decoders against it;
//! - for workloads of arrays of bulks only, `slice-floor`: what a zero-copy decoder that knew
//!   every length beforehand would still do. Each frame is split off the buffer once, each
//!   bulk's type byte and line end are read, and each bulk becomes a slice of the frame in the
//!   array's list; no length is parsed. `values/slice-floor` and `rp-best/slice-floor` put
//!   both decoders against it. Also for them, `one-pass`: a decoder that parses and slices
//!   each array in one pass, every frame from one frozen buffer, with no limits and no
//!   resumption (a prototype of fusing keyslot's scan and build), and `one-pass/values`.
//!
//! ```text
//! cargo run --release -p keyslot-benches --example decode_rounds -- [ROUNDS] [ITERATIONS] [WORKLOAD]
//! ```
//!
//! `WORKLOAD` keeps only the workloads whose name contains it (`ok`, `get16`, `array`).

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::{Buf, Bytes, BytesMut};
use keyslot_benches::{decode_workloads, Workload};
use keyslot_core::resp::{Decoder, Frames, Value};

const VARIANTS: [&str; 10] = [
    "frames",
    "values",
    "oneshot",
    "rp-range",
    "rp-bytes",
    "rp-bytes-mut",
    "floor",
    "split-floor",
    "slice-floor",
    "one-pass",
];

/// Where a bulk reply lies in its workload: its length on the wire, and its payload within.
#[derive(Clone, Copy)]
struct Piece {
    wire_len: usize,
    payload_start: usize,
    payload_len: usize,
}

/// Where an array of bulks lies in its workload: its length on the wire, and where each
/// bulk's type byte and payload lie within it, as offsets from the frame's first byte.
struct ArrayPieces {
    wire_len: usize,
    bulks: Vec<BulkAt>,
}

#[derive(Clone, Copy)]
struct BulkAt {
    type_byte: usize,
    start: usize,
    end: usize,
}

fn main() {
    let words: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<usize> = words.iter().filter_map(|a| a.parse().ok()).collect();
    let only = words.iter().find(|a| a.parse::<usize>().is_err());
    let rounds = args.first().copied().unwrap_or(31);
    let iterations = args.get(1).copied().unwrap_or(20);
    for w in decode_workloads()
        .into_iter()
        .filter(|w| w.bytes.len() < 500_000)
        .filter(|w| only.is_none_or(|o| w.name.contains(o.as_str())))
    {
        let decoded = decode_all(&w.bytes);
        let pieces = bulk_pieces(&w.bytes);
        let arrays = array_pieces(&w.bytes);
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); VARIANTS.len()];
        for _ in 0..rounds {
            for (v, name) in VARIANTS.iter().enumerate() {
                let t = match (*name, &pieces) {
                    ("split-floor", Some(pieces)) => split_floor(&w, pieces, iterations),
                    ("split-floor", None) => Duration::ZERO,
                    ("slice-floor", _) => match &arrays {
                        Some(arrays) => slice_floor(&w, arrays, iterations),
                        None => Duration::ZERO,
                    },
                    ("one-pass", _) => match &arrays {
                        Some(_) => one_pass(&w, iterations),
                        None => Duration::ZERO,
                    },
                    _ => run(name, &w, &decoded, iterations),
                };
                times[v].push(t.as_secs_f64() * 1e6 / iterations as f64);
            }
        }
        report(&w, &times, pieces.is_some(), arrays.is_some());
    }
}

/// The time of `iterations` decodes of the whole workload, each from a fresh buffer made
/// before the clock starts.
fn run(variant: &str, w: &Workload, decoded: &[Value], iterations: usize) -> Duration {
    match variant {
        "frames" => {
            let (mut decoder, mut frames) = (Decoder::new(), Frames::new());
            timed(
                iterations,
                || BytesMut::from(&w.bytes[..]),
                |mut buf| {
                    let n = decoder.decode_frames(&mut buf, &mut frames).expect("valid");
                    assert_eq!(n, w.frames);
                    for frame in frames.iter() {
                        black_box(frame.is_error());
                    }
                },
            )
        }
        "values" => {
            let mut decoder = Decoder::new();
            timed(
                iterations,
                || BytesMut::from(&w.bytes[..]),
                |mut buf| {
                    let mut n = 0;
                    while let Some(v) = decoder.decode(&mut buf).expect("valid") {
                        black_box(v);
                        n += 1;
                    }
                    assert_eq!(n, w.frames);
                },
            )
        }
        "oneshot" => timed(
            iterations,
            || w.bytes.clone(),
            |buf| {
                let n = each_in_slice(&buf, |b| keyslot_core::resp::decode(b).expect("valid"));
                assert_eq!(n, w.frames);
            },
        ),
        "rp-range" => timed(
            iterations,
            || w.bytes.clone(),
            |buf| {
                let n = each_in_slice(&buf, |b| {
                    redis_protocol::resp2::decode::decode_range(b).expect("valid")
                });
                assert_eq!(n, w.frames);
            },
        ),
        "rp-bytes" => timed(
            iterations,
            || Bytes::copy_from_slice(&w.bytes),
            |mut buf| {
                let mut n = 0;
                while let Some((frame, len)) =
                    redis_protocol::resp2::decode::decode_bytes(&buf).expect("valid")
                {
                    black_box(frame);
                    buf.advance(len);
                    n += 1;
                }
                assert_eq!(n, w.frames);
            },
        ),
        "rp-bytes-mut" => timed(
            iterations,
            || BytesMut::from(&w.bytes[..]),
            |mut buf| {
                let mut n = 0;
                while let Some((frame, _, _)) =
                    redis_protocol::resp2::decode::decode_bytes_mut(&mut buf).expect("valid")
                {
                    black_box(frame);
                    n += 1;
                }
                assert_eq!(n, w.frames);
            },
        ),
        "floor" => timed(
            iterations,
            || (),
            |()| {
                for value in decoded {
                    black_box(value.clone());
                }
            },
        ),
        other => unreachable!("no variant {other}"),
    }
}

/// Every frame of `bytes`, scanned.
fn all_frames(bytes: &[u8]) -> Frames {
    let mut frames = Frames::new();
    Decoder::new()
        .decode_frames(&mut BytesMut::from(bytes), &mut frames)
        .expect("valid");
    frames
}

/// The layout of every frame of `bytes` when all of them are bulk replies.
fn bulk_pieces(bytes: &[u8]) -> Option<Vec<Piece>> {
    all_frames(bytes)
        .iter()
        .map(|frame| match frame.to_value() {
            Value::BulkString(_) => {
                let wire = frame.wire();
                let payload = frame.as_bytes()?;
                Some(Piece {
                    wire_len: wire.len(),
                    payload_start: payload.as_ptr() as usize - wire.as_ptr() as usize,
                    payload_len: payload.len(),
                })
            }
            _ => None,
        })
        .collect()
}

/// The layout of every frame of `bytes` when all of them are arrays of bulks.
fn array_pieces(bytes: &[u8]) -> Option<Vec<ArrayPieces>> {
    all_frames(bytes)
        .iter()
        .map(|frame| {
            let wire = frame.wire();
            let Value::Array(items) = frame.to_value() else {
                return None;
            };
            let bulks = items
                .iter()
                .map(|item| match item {
                    Value::BulkString(payload) => {
                        let start = payload.as_ptr() as usize - wire.as_ptr() as usize;
                        let header = wire[..start - 2].iter().rposition(|&b| b == b'$')?;
                        Some(BulkAt {
                            type_byte: header,
                            start,
                            end: start + payload.len(),
                        })
                    }
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?;
            Some(ArrayPieces {
                wire_len: wire.len(),
                bulks,
            })
        })
        .collect()
}

/// Each array split off a fresh buffer in one piece, and each of its bulks checked at its
/// type byte and line end and sliced out of it, from offsets known beforehand.
fn slice_floor(w: &Workload, arrays: &[ArrayPieces], iterations: usize) -> Duration {
    timed(
        iterations,
        || BytesMut::from(&w.bytes[..]),
        |mut buf| {
            for array in arrays {
                let frame = buf.split_to(array.wire_len).freeze();
                let items: Vec<Value> = array
                    .bulks
                    .iter()
                    .map(|at| {
                        assert!(
                            frame[at.type_byte] == b'$' && frame[at.end..at.end + 2] == *b"\r\n"
                        );
                        Value::BulkString(frame.slice(at.start..at.end))
                    })
                    .collect();
                black_box(Value::Array(items));
            }
        },
    )
}

/// Every frame of a workload of arrays of bulks decoded by `one_pass_array`, from one
/// frozen buffer.
fn one_pass(w: &Workload, iterations: usize) -> Duration {
    timed(
        iterations,
        || BytesMut::from(&w.bytes[..]),
        |mut buf| {
            let all = buf.split().freeze();
            let (mut at, mut n) = (0, 0);
            while let Some((value, next)) = one_pass_array(&all, at) {
                black_box(value);
                at = next;
                n += 1;
            }
            assert_eq!(n, w.frames);
        },
    )
}

/// The array of bulks at `at` in `all`, and where the next frame starts: each header parsed,
/// each line end checked and each payload sliced out as it is reached.
#[inline(always)]
fn one_pass_array(all: &Bytes, at: usize) -> Option<(Value, usize)> {
    if all.get(at) != Some(&b'*') {
        return None;
    }
    let (n, mut pos) = header_number(all, at + 1)?;
    let mut items = Vec::with_capacity(n);
    for _ in 0..n {
        if all.get(pos) != Some(&b'$') {
            return None;
        }
        let (len, start) = header_number(all, pos + 1)?;
        let end = start + len;
        if all.get(end..end + 2)? != b"\r\n" {
            return None;
        }
        items.push(Value::BulkString(all.slice(start..end)));
        pos = end + 2;
    }
    Some((Value::Array(items), pos))
}

/// The decimal number of at most 12 digits at `at`, ended by CRLF, and where its line ends.
#[inline(always)]
fn header_number(buf: &[u8], at: usize) -> Option<(usize, usize)> {
    let digits = buf
        .get(at..)?
        .iter()
        .take(13)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 || digits > 12 || buf.get(at + digits..at + digits + 2)? != b"\r\n" {
        return None;
    }
    let number = buf[at..at + digits]
        .iter()
        .fold(0, |n, &d| n * 10 + usize::from(d - b'0'));
    Some((number, at + digits + 2))
}

/// Each reply split off a fresh buffer with one split and its payload kept as a value, as
/// keyslot's `Decoder` takes a bulk; nothing is parsed.
fn split_floor(w: &Workload, pieces: &[Piece], iterations: usize) -> Duration {
    timed(
        iterations,
        || BytesMut::from(&w.bytes[..]),
        |mut buf| {
            // One split through each payload, its header and the last reply's line end
            // dropped from the front of the piece: the fewest operations on the buffer.
            let mut behind = 0;
            for piece in pieces {
                let before = behind + piece.payload_start;
                let mut payload = buf.split_to(before + piece.payload_len).freeze();
                payload.advance(before);
                black_box(Value::BulkString(payload));
                behind = piece.wire_len - piece.payload_start - piece.payload_len;
            }
        },
    )
}

/// One untimed decode first, so that what a variant reuses (the decoder's tape, the frames'
/// spans: half a megabyte for 10,000 frames) is warm, as it is in a driver that decodes every
/// read with the same decoder.
fn timed<I, S: FnMut() -> I, F: FnMut(I)>(iterations: usize, mut setup: S, mut f: F) -> Duration {
    f(setup());
    let inputs: Vec<I> = (0..iterations).map(|_| setup()).collect();
    let start = Instant::now();
    for input in inputs {
        f(input);
    }
    start.elapsed()
}

/// Decode frame after frame of `buf` with a decoder that reads a slice and returns what it
/// decoded and its length; how many frames there were.
fn each_in_slice<V>(buf: &[u8], mut decode: impl FnMut(&[u8]) -> Option<(V, usize)>) -> usize {
    let (mut at, mut n) = (0, 0);
    while let Some((v, len)) = decode(&buf[at..]) {
        black_box(v);
        at += len;
        n += 1;
    }
    n
}

/// Every frame of `bytes`, decoded.
fn decode_all(bytes: &[u8]) -> Vec<Value> {
    let mut buf = BytesMut::from(bytes);
    let mut decoder = Decoder::new();
    std::iter::from_fn(|| decoder.decode(&mut buf).expect("valid")).collect()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn report(w: &Workload, times: &[Vec<f64>], bulks_only: bool, arrays_only: bool) {
    let at = |name: &str| {
        VARIANTS
            .iter()
            .position(|v| *v == name)
            .unwrap_or_else(|| unreachable!("no variant {name}"))
    };
    let per_round = |f: &dyn Fn(usize) -> f64| median((0..times[0].len()).map(f).collect());
    let t = |name: &str, r: usize| times[at(name)][r];
    let rp_best = |r: usize| t("rp-bytes", r).min(t("rp-bytes-mut", r));
    println!(
        "{} (µs per workload, medians of {} rounds)",
        w.name,
        times[0].len()
    );
    for (v, name) in VARIANTS.iter().enumerate() {
        let shown = match *name {
            "split-floor" => bulks_only,
            "slice-floor" | "one-pass" => arrays_only,
            _ => true,
        };
        if shown {
            println!("  {name:13} {:9.1}", median(times[v].clone()));
        }
    }
    println!(
        "  oneshot/values {:.2}x   rp-best/values {:.2}x   rp-range/frames {:.2}x   rp-best/floor {:.2}x",
        per_round(&|r| t("oneshot", r) / t("values", r)),
        per_round(&|r| rp_best(r) / t("values", r)),
        per_round(&|r| t("rp-range", r) / t("frames", r)),
        per_round(&|r| rp_best(r) / t("floor", r)),
    );
    print!(
        "  values/floor {:.2}x",
        per_round(&|r| t("values", r) / t("floor", r))
    );
    if bulks_only {
        print!(
            "   values/split-floor {:.2}x   rp-best/split-floor {:.2}x",
            per_round(&|r| t("values", r) / t("split-floor", r)),
            per_round(&|r| rp_best(r) / t("split-floor", r)),
        );
    }
    if arrays_only {
        print!(
            "   values/slice-floor {:.2}x   rp-best/slice-floor {:.2}x   one-pass/values {:.2}x",
            per_round(&|r| t("values", r) / t("slice-floor", r)),
            per_round(&|r| rp_best(r) / t("slice-floor", r)),
            per_round(&|r| t("one-pass", r) / t("values", r)),
        );
    }
    println!();
}
