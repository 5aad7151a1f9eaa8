//! Properties of the streaming decoder over arbitrary input split into arbitrary reads: it
//! agrees with the one-shot decoder, and the memory it holds stays within a small multiple of
//! the bytes it was given (whatever the headers announce).

extern crate std;

use alloc::vec::Vec;
use bytes::BytesMut;
use proptest::prelude::*;

use super::limits::MIN_ELEMENT_LEN;
use super::scan::{Node, RETAINED_NODES};
use super::{decode_with, encode, Decoder, Limits, ProtocolError, Value};

/// Limits small enough for generated inputs to reach each of them.
const TIGHT: Limits = Limits {
    max_depth: 3,
    max_bulk_len: 40,
    max_aggregate_len: 2000,
    max_frame_len: 4096,
    max_frame_elements: 2500,
};

/// The most the decoder may hold while `buffered` bytes are in the buffer, as
/// [`Decoder::retained_bytes`] promises.
fn bound(buffered: usize) -> usize {
    (24 * 1024).max(16 * buffered)
}

#[test]
fn the_promised_bound_covers_the_tape() {
    // The tape holds a node per element of the frame in progress, all of whose bytes are in
    // the buffer, and a growing `Vec` at worst doubles: two nodes per smallest element. Or it
    // is the tape kept between frames.
    let node = core::mem::size_of::<Node>();
    assert!(2 * node <= 16 * MIN_ELEMENT_LEN);
    assert!(RETAINED_NODES * node <= 24 * 1024);
}

/// The smallest elements, of which a long run costs the most decoded memory per byte.
const TINY: [&[u8]; 3] = [b"_\r\n", b":1\r\n", b"+\r\n"];

/// Pieces of RESP, valid or not: type bytes, numbers, line ends, stray bytes, and long runs
/// of tiny elements after a header announcing about as many (or hugely more).
fn token() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => proptest::sample::select(&b"+-:$*%~>|_#,(=!"[..]).prop_map(|b| alloc::vec![b]),
        3 => (0u64..40).prop_map(|n| std::format!("{n}").into_bytes()),
        1 => Just(b"16777216".to_vec()),
        1 => Just(b"-1".to_vec()),
        4 => Just(b"\r\n".to_vec()),
        2 => proptest::collection::vec(any::<u8>(), 1..6),
        1 => (1usize..3000, 0usize..3, proptest::sample::select(&TINY[..]))
            .prop_map(|(n, extra, element)| {
                let mut run = std::format!("*{}\r\n", n + extra).into_bytes();
                run.extend_from_slice(&element.repeat(n));
                run
            }),
    ]
}

fn input() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(token(), 0..40).prop_map(|t| t.concat())
}

fn reads() -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(1usize..5000, 1..20)
}

/// What decoding a stream gave: its frames, then an error or the bytes left waiting.
type Outcome = (Vec<Value>, Result<Vec<u8>, ProtocolError>);

fn one_shot(data: &[u8], limits: &Limits) -> Outcome {
    let mut frames = Vec::new();
    let mut at = 0;
    loop {
        match decode_with(&data[at..], limits) {
            Ok(Some((value, len))) => {
                frames.push(value);
                at += len;
            }
            Ok(None) => return (frames, Ok(data[at..].to_vec())),
            Err(e) => return (frames, Err(e)),
        }
    }
}

/// `data` through one streaming decoder in reads of the given sizes (cycled), checking the
/// memory bound after every call.
fn streamed(data: &[u8], reads: &[usize], limits: &Limits) -> Result<Outcome, TestCaseError> {
    let mut decoder = Decoder::with_limits(*limits);
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    let mut fed = 0;
    for &size in reads.iter().cycle() {
        if fed == data.len() {
            break;
        }
        let next = (fed + size).min(data.len());
        buf.extend_from_slice(&data[fed..next]);
        fed = next;
        loop {
            let result = decoder.decode(&mut buf);
            prop_assert!(
                decoder.retained_bytes() <= bound(buf.len()),
                "{} bytes held with {} buffered",
                decoder.retained_bytes(),
                buf.len()
            );
            match result {
                Ok(Some(value)) => frames.push(value),
                Ok(None) => break,
                Err(e) => return Ok((frames, Err(e))),
            }
        }
    }
    Ok((frames, Ok(buf.to_vec())))
}

/// Values of every type, nested a little, that encode to valid frames.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(Value::Integer),
        proptest::collection::vec(any::<u8>(), 0..30)
            .prop_map(|b| Value::BulkString(bytes::Bytes::from(b))),
        "[a-z ]{0,20}".prop_map(|s| Value::SimpleString(bytes::Bytes::from(s))),
        "[A-Z]{1,8} [a-z]{0,10}".prop_map(|s| Value::Error(bytes::Bytes::from(s))),
        Just(Value::Null),
        any::<bool>().prop_map(Value::Boolean),
        (-1e9f64..1e9).prop_map(Value::Double),
    ];
    leaf.prop_recursive(3, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Set),
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Push),
            proptest::collection::vec((inner.clone(), inner), 0..4).prop_map(Value::Map),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn any_input_in_any_reads_agrees_with_one_shot_within_the_memory_bound(
        data in input(),
        reads in reads(),
    ) {
        for limits in [Limits::default(), TIGHT] {
            prop_assert_eq!(streamed(&data, &reads, &limits)?, one_shot(&data, &limits));
        }
    }

    #[test]
    fn encoded_values_come_back_in_any_reads(
        values in proptest::collection::vec(value(), 1..6),
        reads in reads(),
    ) {
        let mut wire = Vec::new();
        for v in &values {
            encode(v, &mut wire);
        }
        let (frames, rest) = streamed(&wire, &reads, &Limits::default())?;
        prop_assert_eq!(frames, values);
        prop_assert_eq!(rest, Ok(Vec::new()));
    }
}
