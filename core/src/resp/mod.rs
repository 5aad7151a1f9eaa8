//! RESP2 and RESP3: values, a bounded incremental decoder, and an encoder.
//!
//! Decoding is two passes over a frame (see `scan` and `build`): the first validates and
//! records offsets, the second slices and allocates once the frame is whole. Every quantity a
//! peer controls is bounded by [`Limits`]; malformed input is a [`ProtocolError`] carrying the
//! byte offset, never a panic.
//!
//! ```
//! use bytes::BytesMut;
//! use keyslot_core::resp::{self, Decoder, Value};
//! assert_eq!(resp::decode(b"+OK\r\n"), Ok(Some((Value::SimpleString("OK".into()), 5))));
//! let mut decoder = Decoder::default();
//! let mut buf = BytesMut::from(&b":4"[..]);
//! assert_eq!(decoder.decode(&mut buf), Ok(None), "a frame in pieces waits for the rest");
//! buf.extend_from_slice(b"2\r\n");
//! assert_eq!(decoder.decode(&mut buf), Ok(Some(Value::Integer(42))));
//! ```

mod build;
mod decoder;
pub(crate) mod encode;
mod error;
mod frames;
mod limits;
#[cfg(test)]
mod proptests;
mod scan;
mod value;

pub use decoder::Decoder;
pub use encode::{encode, encode_as, Protocol};
pub use error::{ProtocolError, ProtocolErrorKind};
pub use frames::{Frame, Frames};
pub use limits::{Limits, MAX_DEPTH_CAP};
pub use value::{Value, ValueKind};

use build::{build, CopySource, SliceSource};
use scan::{Scan, Scanner};

/// Decode one complete frame from the start of `buf` with the default limits.
///
/// Returns the value and the frame's length in bytes, or `Ok(None)` when `buf` holds only the
/// beginning of a frame. Payloads are copied out of `buf` (an aggregate's share one copy of
/// its frame); for zero-copy decoding of a stream use [`Decoder`].
///
/// ```
/// use keyslot_core::resp::{decode, Value};
/// let wire = b"$5\r\nhello\r\n:1\r\n";
/// assert_eq!(decode(wire).unwrap(), Some((Value::from("hello"), 11)));
/// // Only the start of a frame: nothing yet.
/// assert_eq!(decode(&wire[..7]).unwrap(), None);
/// ```
#[inline]
pub fn decode(buf: &[u8]) -> Result<Option<(Value, usize)>, ProtocolError> {
    decode_with(buf, &Limits::default())
}

/// [`decode`] with explicit limits.
///
/// ```
/// use keyslot_core::resp::{decode_with, Limits, ProtocolErrorKind};
/// let limits = Limits { max_aggregate_len: 2, ..Limits::default() };
/// let err = decode_with(b"*3\r\n:1\r\n:2\r\n:3\r\n", &limits).unwrap_err();
/// assert_eq!(err.kind, ProtocolErrorKind::AggregateTooLong { len: 3, max: 2 });
/// ```
#[inline]
pub fn decode_with(buf: &[u8], limits: &Limits) -> Result<Option<(Value, usize)>, ProtocolError> {
    // Most frames are one leaf (a status, an integer, a bulk): read it without a tape, as
    // the streaming decoder does. Aggregates and partial frames take the general way.
    // `+OK` and bulks are built here rather than in `leaf`: out of `leaf`'s ten arms the
    // value reached the caller re-read at other widths than it was stored at (store-
    // forwarding stalls), and the one-shot `+OK` took 1.41-1.75x the streaming decoder's
    // time; built here it takes 0.66-0.82x (`scripts/decode-compare 10 e1f1f01`). `OK` is
    // spelled out: a shared `const` of it took the one-shot `+OK` back to 1.33x.
    if let Ok((node, len)) = scan::parse_element(scan::frame_window(buf, limits), 0, 0, limits)? {
        let value = match node {
            scan::Node::Aggregate { .. } => None,
            scan::Node::Simple { start, end } if &buf[start..end] == b"OK" => {
                Some(Value::SimpleString(bytes::Bytes::from_static(b"OK")))
            }
            scan::Node::Bulk { start, end } => Some(Value::BulkString(
                bytes::Bytes::copy_from_slice(&buf[start..end]),
            )),
            _ => Some(build::leaf(node, &mut CopySource(buf))),
        };
        if let Some(value) = value {
            return Ok(Some((value, len)));
        }
    }
    let mut scanner = Scanner::default();
    match scanner.scan(buf, limits)? {
        Scan::Incomplete { .. } => Ok(None),
        Scan::Complete { len } => {
            // One copy of the frame, and the payloads slices of it: one allocation for an
            // array of a hundred bulks rather than a hundred.
            let frame = bytes::Bytes::copy_from_slice(&buf[..len]);
            let mut src = SliceSource {
                bytes: &frame,
                base: 0,
            };
            Ok(Some((build(&scanner.tape, len, &mut src), len)))
        }
    }
}
