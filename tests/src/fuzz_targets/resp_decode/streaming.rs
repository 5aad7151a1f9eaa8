//! Whole versus split decoding of one input.
//!
//! A connection's bytes arrive in whatever pieces the network chooses, so the incremental
//! [`Decoder`] must give exactly what one-shot [`decode_with`] gives for the same bytes: the
//! same frames, each as soon as its last byte is in, and the same verdict on what follows them
//! (the same error, or the same bytes left waiting). Meanwhile the memory it holds stays within
//! what [`Decoder::retained_bytes`] promises for the bytes it was given.

use bytes::{Bytes, BytesMut};
use keyslot_core::resp::{decode_with, Decoder, Limits, ProtocolError, Value};

/// Inputs up to this long are also fed split in two at every offset.
const EVERY_CUT_MAX: usize = 64;

/// How decoding a byte stream ended.
#[derive(Debug, PartialEq)]
pub(super) enum End {
    /// A protocol error, as reported.
    Error(ProtocolError),
    /// No error; these bytes are an incomplete frame waiting for more.
    Incomplete(Bytes),
}

/// Everything decoded from a byte stream, in order, and how it ended.
#[derive(Debug, PartialEq)]
pub(super) struct Outcome {
    pub(super) frames: Vec<Value>,
    pub(super) end: End,
}

/// Decodes `data` whole, then split in several ways; panics unless every split agrees.
/// Returns the whole decoding.
pub(super) fn check_streaming(data: &[u8], limits: &Limits) -> Outcome {
    let (whole, ends) = decode_whole(data, limits);
    let n = data.len();
    // The finest split: one byte per read.
    let split = decode_split(data, limits, core::iter::repeat(1), &ends);
    assert_eq!(
        split, whole,
        "one byte at a time, {limits:?}, input {data:02x?}"
    );
    // Read sizes of 1..=32 taken from the input's own bytes, so the fuzzer steers them.
    let sizes = (0..).map(|k| 1 + usize::from(data.get(k % n.max(1)).map_or(0, |b| b & 0x1f)));
    let split = decode_split(data, limits, sizes, &ends);
    assert_eq!(
        split, whole,
        "input-derived reads, {limits:?}, input {data:02x?}"
    );
    if n <= EVERY_CUT_MAX {
        for cut in 1..n {
            let split = decode_split(data, limits, [cut].into_iter(), &ends);
            assert_eq!(split, whole, "cut at {cut}, {limits:?}, input {data:02x?}");
        }
    }
    whole
}

/// One-shot decoding, frame after frame, with the offset where each frame ends.
fn decode_whole(data: &[u8], limits: &Limits) -> (Outcome, Vec<usize>) {
    let mut frames = Vec::new();
    let mut ends = Vec::new();
    let mut at = 0;
    let end = loop {
        match decode_with(&data[at..], limits) {
            Ok(Some((value, len))) => {
                assert!(
                    len > 0 && len <= data.len() - at,
                    "frame length {len} at {at}"
                );
                frames.push(value);
                at += len;
                ends.push(at);
            }
            Ok(None) => break End::Incomplete(Bytes::copy_from_slice(&data[at..])),
            Err(e) => break End::Error(e),
        }
    };
    (Outcome { frames, end }, ends)
}

/// Incremental decoding of `data` arriving in reads of the given sizes (the rest in one read
/// when they run out). After each read, checks that every frame whose last byte has arrived
/// was returned: `whole_ends` are the frame ends found by [`decode_whole`].
fn decode_split(
    data: &[u8],
    limits: &Limits,
    mut sizes: impl Iterator<Item = usize>,
    whole_ends: &[usize],
) -> Outcome {
    let mut decoder = Decoder::with_limits(*limits);
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    let mut fed = 0;
    while fed < data.len() {
        let size = sizes
            .next()
            .unwrap_or(data.len())
            .clamp(1, data.len() - fed);
        buf.extend_from_slice(&data[fed..fed + size]);
        fed += size;
        loop {
            let result = decoder.decode(&mut buf);
            let held = decoder.retained_bytes();
            assert!(
                held <= (16 * buf.len()).max(24 * 1024),
                "{held} bytes held with {} buffered, input {data:02x?}",
                buf.len()
            );
            match result {
                Ok(Some(value)) => frames.push(value),
                Ok(None) => break,
                Err(e) => {
                    return Outcome {
                        frames,
                        end: End::Error(e),
                    }
                }
            }
        }
        let due = whole_ends.iter().filter(|&&end| end <= fed).count();
        assert_eq!(
            frames.len(),
            due,
            "frames returned after {fed} bytes of {data:02x?}"
        );
    }
    let end = End::Incomplete(Bytes::copy_from_slice(&buf));
    Outcome { frames, end }
}
