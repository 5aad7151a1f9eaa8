//! `resp_decode`: the RESP decoder never panics, gives the same answer however its input is
//! split, and agrees with the encoder.
//!
//! Each input is decoded with the default limits and with tight ones, whole and split (see
//! `streaming`). Limits must only refuse, never change a value. And the encoder serves the
//! simulator's fake servers, so every value the decoder produces must encode to bytes that
//! decode back to it, and its RESP2 downgrade must be a frame a RESP2 client can read.

mod streaming;

use keyslot_core::resp::{decode, encode, encode_as, Limits, Protocol, Value};

/// Limits small enough for short inputs to reach every limit error.
const TIGHT: Limits = Limits {
    max_depth: 4,
    max_bulk_len: 64,
    max_aggregate_len: 16,
    max_frame_len: 256,
    max_frame_elements: 24,
};

/// Panics if any property in the module docs fails for `data`.
pub fn resp_decode(data: &[u8]) {
    let full = streaming::check_streaming(data, &Limits::default());
    let tight = streaming::check_streaming(data, &TIGHT);
    assert!(
        full.frames.starts_with(&tight.frames),
        "tight limits changed the frames: {tight:?} vs {full:?}"
    );
    for value in &full.frames {
        round_trip(value);
    }
}

/// `value` survives RESP3 encoding exactly, and its RESP2 downgrade is one valid RESP2 frame.
fn round_trip(value: &Value) {
    let mut resp3 = Vec::new();
    encode(value, &mut resp3);
    match decode(&resp3) {
        Ok(Some((back, len))) => {
            assert_eq!(len, resp3.len(), "RESP3 encoding {resp3:02x?} of {value:?}");
            assert_eq!(&back, value, "RESP3 encoding {resp3:02x?}");
        }
        other => panic!("RESP3 encoding {resp3:02x?} of {value:?} decodes as {other:?}"),
    }
    let mut resp2 = Vec::new();
    encode_as(value, Protocol::Resp2, &mut resp2);
    match decode(&resp2) {
        Ok(Some((back, len))) => {
            assert_eq!(len, resp2.len(), "RESP2 encoding {resp2:02x?} of {value:?}");
            assert_resp2_only(&back, &resp2);
        }
        other => panic!("RESP2 encoding {resp2:02x?} of {value:?} decodes as {other:?}"),
    }
}

/// Panics if `value` holds a type that RESP2 cannot express.
fn assert_resp2_only(value: &Value, wire: &[u8]) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items),
            Value::SimpleString(_)
            | Value::Error(_)
            | Value::Integer(_)
            | Value::BulkString(_)
            | Value::Null => {}
            other => panic!("RESP2 encoding {wire:02x?} carries {other:?}"),
        }
    }
}
