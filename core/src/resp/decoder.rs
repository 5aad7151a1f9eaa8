//! The incremental decoder: feed it a growing `BytesMut`, get whole frames out.

use bytes::{Buf, BytesMut};

use super::build::{build, leaf, SliceSource, SplitSource};
use super::scan::{frame_window, parse_element, Node, Scan, Scanner};
use super::{Limits, ProtocolError, Value};

/// Decodes RESP2/RESP3 frames from a buffer that a connection appends to.
///
/// Call [`Decoder::decode`] after each read with the same buffer, until it returns
/// `Ok(None)`: the next frame has not fully arrived. Each call returns one frame. The bytes of
/// returned frames are removed from the front of the buffer at the latest when `decode`
/// returns `Ok(None)` (the decoder skips over small frames without touching the buffer, which
/// is most of its speed), so between calls only append to the buffer. A partial frame stays in
/// the buffer and its scan resumes where it stopped: a frame arriving in many reads costs one
/// pass, not one per read. Bulk strings in the returned values share the buffer's memory.
///
/// What the decoder itself holds ([`Decoder::retained_bytes`]) is a small multiple of the
/// bytes in the buffer, or a small constant, whatever the frames announce; [`Limits`] bound
/// the frame.
///
/// After a [`ProtocolError`] the stream cannot be resynchronised: close the connection (or
/// call [`Decoder::reset`] and use a fresh buffer).
///
/// ```
/// use bytes::BytesMut;
/// use keyslot_core::resp::{Decoder, Value};
/// let mut decoder = Decoder::new();
/// let mut buf = BytesMut::from(&b"+OK\r\n:4"[..]);
/// assert_eq!(decoder.decode(&mut buf).unwrap(), Some(Value::SimpleString("OK".into())));
/// assert_eq!(decoder.decode(&mut buf).unwrap(), None); // `:4` has not ended yet
/// buf.extend_from_slice(b"2\r\n"); // the next read
/// assert_eq!(decoder.decode(&mut buf).unwrap(), Some(Value::Integer(42)));
/// ```
#[derive(Debug, Default)]
pub struct Decoder {
    pub(super) limits: Limits,
    pub(super) scanner: Scanner,
    /// Bytes at the front of the buffer that belong to frames already returned.
    consumed: usize,
    /// An error met after frames that were returned first; reported by the next call.
    pub(super) pending_error: Option<ProtocolError>,
}

impl Decoder {
    /// A decoder with the default [`Limits`].
    ///
    /// ```
    /// use keyslot_core::resp::{Decoder, Limits};
    /// assert_eq!(Decoder::new().limits(), &Limits::default());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// A decoder with the given limits.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use keyslot_core::resp::{Decoder, Limits, ProtocolErrorKind};
    /// let mut decoder = Decoder::with_limits(Limits { max_depth: 1, ..Limits::default() });
    /// let mut buf = BytesMut::from(&b"*1\r\n*1\r\n:1\r\n"[..]);
    /// let err = decoder.decode(&mut buf).unwrap_err();
    /// assert_eq!(err.kind, ProtocolErrorKind::TooDeep { max: 1 });
    /// ```
    pub fn with_limits(limits: Limits) -> Self {
        Decoder {
            limits,
            ..Self::default()
        }
    }

    /// The limits in force.
    ///
    /// ```
    /// use keyslot_core::resp::{Decoder, Limits};
    /// let decoder = Decoder::with_limits(Limits { max_bulk_len: 1 << 20, ..Limits::default() });
    /// assert_eq!(decoder.limits().max_bulk_len, 1 << 20);
    /// ```
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Forget any partially scanned frame (where its scan stopped, what its headers announced)
    /// and any bytes not yet removed from the buffer, and any error not yet reported.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use keyslot_core::resp::{Decoder, Value};
    /// let mut decoder = Decoder::new();
    /// let mut buf = BytesMut::from(&b"*2\r\n:1\r\n"[..]);
    /// assert_eq!(decoder.decode(&mut buf).unwrap(), None); // half an array
    /// // Start over on a fresh buffer, as after reconnecting.
    /// decoder.reset();
    /// let mut buf = BytesMut::from(&b":5\r\n"[..]);
    /// assert_eq!(decoder.decode(&mut buf).unwrap(), Some(Value::Integer(5)));
    /// ```
    pub fn reset(&mut self) {
        self.scanner.reset();
        self.consumed = 0;
        self.pending_error = None;
    }

    /// Bytes of memory the decoder holds on to between calls (the buffer is the caller's):
    /// never more than 16 per byte in the buffer, or 24 KiB, whichever is more.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use keyslot_core::resp::Decoder;
    /// let mut decoder = Decoder::new();
    /// let mut buf = BytesMut::from(&b"*3\r\n:1\r\n:2\r\n:3\r\n"[..]);
    /// assert!(decoder.decode(&mut buf).unwrap().is_some());
    /// assert!(decoder.retained_bytes() <= 24 * 1024);
    /// ```
    pub fn retained_bytes(&self) -> usize {
        self.scanner.retained_bytes()
    }

    /// Decode the next frame from `buf`. See the type's docs for how the buffer is consumed.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use keyslot_core::resp::{Decoder, Value};
    /// let mut decoder = Decoder::new();
    /// let mut buf = BytesMut::from(&b":1\r\n:2\r\n"[..]);
    /// assert_eq!(decoder.decode(&mut buf).unwrap(), Some(Value::Integer(1)));
    /// assert_eq!(decoder.decode(&mut buf).unwrap(), Some(Value::Integer(2)));
    /// assert_eq!(decoder.decode(&mut buf).unwrap(), None);
    /// assert!(buf.is_empty()); // the returned frames' bytes are gone
    /// ```
    #[inline]
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Value>, ProtocolError> {
        if let Some(e) = self.pending_error.take() {
            return Err(e);
        }
        // Most replies are one leaf (a status, an integer, a bulk): take them without the
        // tape. Aggregates and partial frames go the general, resumable way.
        if self.scanner.is_idle() {
            let at = self.consumed.min(buf.len());
            if let Ok((node, len)) =
                parse_element(frame_window(&buf[at..], &self.limits), 0, 0, &self.limits)?
            {
                if let Some(value) = self.take_leaf(buf, node, len) {
                    return Ok(Some(value));
                }
            }
        }
        self.flush(buf);
        match self.scanner.scan(buf, &self.limits) {
            Ok(Scan::Incomplete { .. }) => Ok(None),
            Ok(Scan::Complete { len }) => {
                let frame = buf.split_to(len).freeze();
                let value = build(
                    &self.scanner.tape,
                    len,
                    &mut SliceSource {
                        bytes: &frame,
                        base: 0,
                    },
                );
                self.scanner.reset();
                Ok(Some(value))
            }
            Err(e) => {
                self.scanner.reset();
                Err(e)
            }
        }
    }

    /// The value of a leaf frame of `len` bytes found after the consumed bytes; `None` for an
    /// aggregate, which the caller builds through the tape.
    #[inline]
    fn take_leaf(&mut self, buf: &mut BytesMut, node: Node, len: usize) -> Option<Value> {
        match node {
            Node::Aggregate { .. } => None,
            Node::Integer(i) => Some(self.skip(len, Value::Integer(i))),
            Node::Null => Some(self.skip(len, Value::Null)),
            Node::Boolean(b) => Some(self.skip(len, Value::Boolean(b))),
            Node::Double(d) => Some(self.skip(len, Value::Double(d))),
            Node::Simple { start, end }
                if &buf[self.consumed + start..self.consumed + end] == b"OK" =>
            {
                Some(self.skip(len, Value::SimpleString(bytes::Bytes::from_static(b"OK"))))
            }
            Node::Bulk { start, end } => {
                // One split through the payload, the buffer's only bookkeeping; the frozen
                // piece then drops what precedes the payload, which is pointer arithmetic.
                // The trailing CRLF is skipped lazily.
                let mut payload = buf.split_to(self.consumed + end).freeze();
                payload.advance(self.consumed + start);
                self.consumed = len - end;
                Some(Value::BulkString(payload))
            }
            _ => {
                self.flush(buf);
                let mut src = SplitSource::new(buf);
                let value = leaf(node, &mut src);
                // Leave the frame's trailing bytes (its CRLF) to be skipped lazily.
                self.consumed = len - src.taken();
                Some(value)
            }
        }
    }

    #[inline]
    fn skip(&mut self, len: usize, value: Value) -> Value {
        self.consumed += len;
        value
    }

    /// Remove the bytes of returned frames from the buffer.
    #[inline]
    pub(super) fn flush(&mut self, buf: &mut BytesMut) {
        if self.consumed > 0 {
            buf.advance(self.consumed.min(buf.len()));
            self.consumed = 0;
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use bytes::Bytes;

    #[test]
    fn frames_come_out_one_at_a_time() {
        let mut d = Decoder::new();
        let mut buf = BytesMut::from(&b"+OK\r\n:5\r\n$3\r\nab"[..]);
        assert_eq!(
            d.decode(&mut buf).unwrap(),
            Some(Value::SimpleString(Bytes::from("OK")))
        );
        assert_eq!(d.decode(&mut buf).unwrap(), Some(Value::Integer(5)));
        assert_eq!(d.decode(&mut buf).unwrap(), None);
        assert_eq!(&buf[..], b"$3\r\nab");
        buf.extend_from_slice(b"c\r\n");
        assert_eq!(d.decode(&mut buf).unwrap(), Some(Value::from("abc")));
        assert!(buf.is_empty());
    }

    #[test]
    fn a_large_bulk_is_not_copied() {
        let payload = alloc::vec![7u8; 1 << 20];
        let mut buf = BytesMut::with_capacity(payload.len() + 32);
        buf.extend_from_slice(b"$1048576\r\n");
        let mut d = Decoder::new();
        for chunk in payload.chunks(4096) {
            assert_eq!(d.decode(&mut buf).unwrap(), None);
            buf.extend_from_slice(chunk);
        }
        buf.extend_from_slice(b"\r\n");
        let start = buf.as_ptr() as usize + 10;
        let Some(Value::BulkString(b)) = d.decode(&mut buf).unwrap() else {
            panic!("expected a bulk");
        };
        assert_eq!(b.len(), 1 << 20);
        assert_eq!(
            b.as_ptr() as usize,
            start,
            "the payload must be a view into the buffer"
        );
    }

    #[test]
    fn nested_frame_in_every_split() {
        let frame: &[u8] =
            b"*2\r\n%1\r\n+k\r\n~2\r\n:1\r\n#t\r\n|1\r\n+a\r\n:2\r\n$2\r\nhi\r\n>1\r\n_\r\n";
        let whole = super::super::decode(frame).unwrap().unwrap();
        assert_eq!(whole.1, frame.len() - 7);
        for cut in 0..frame.len() {
            let mut d = Decoder::new();
            let mut buf = BytesMut::from(&frame[..cut]);
            let mut got = Vec::new();
            if let Some(v) = d.decode(&mut buf).unwrap() {
                got.push(v);
            }
            buf.extend_from_slice(&frame[cut..]);
            while let Some(v) = d.decode(&mut buf).unwrap() {
                got.push(v);
            }
            assert_eq!(got.len(), 2, "cut at {cut}");
            assert_eq!(got[0], whole.0, "cut at {cut}");
            assert_eq!(got[1], Value::Push(alloc::vec![Value::Null]));
        }
    }

    #[test]
    fn empty_aggregates_at_the_top_stay_aggregates() {
        for (wire, expected) in [
            (&b"*0\r\n"[..], Value::Array(Vec::new())),
            (b"~0\r\n", Value::Set(Vec::new())),
            (b"%0\r\n", Value::Map(Vec::new())),
            (b">0\r\n", Value::Push(Vec::new())),
        ] {
            let mut d = Decoder::new();
            let mut buf = BytesMut::from(wire);
            assert_eq!(d.decode(&mut buf).unwrap(), Some(expected.clone()));
            assert_eq!(
                super::super::decode(wire).unwrap(),
                Some((expected, wire.len()))
            );
        }
    }

    #[test]
    fn errors_leave_the_buffer_untouched() {
        let mut d = Decoder::new();
        let mut buf = BytesMut::from(&b"*1\r\n?oops\r\n"[..]);
        let err = d.decode(&mut buf).unwrap_err();
        assert_eq!(err.offset, 4);
        assert_eq!(buf.len(), 11);
    }

    use super::super::{decode_with, Frames, ProtocolErrorKind as Kind};

    fn simple(s: &'static str) -> Value {
        Value::SimpleString(Bytes::from_static(s.as_bytes()))
    }

    /// Every frame of `wire` through [`Decoder::decode`], then how it ended.
    fn decode_all(d: &mut Decoder, wire: &[u8]) -> (Vec<Value>, Result<BytesMut, ProtocolError>) {
        let mut buf = BytesMut::from(wire);
        let mut got = Vec::new();
        loop {
            match d.decode(&mut buf) {
                Ok(Some(v)) => got.push(v),
                Ok(None) => return (got, Ok(buf)),
                Err(e) => return (got, Err(e)),
            }
        }
    }

    /// One frame through all three decoders with `limits`: the streaming one by value and
    /// by batch, and the one-shot one. They must agree; returns their verdict.
    fn decode_three_ways(wire: &[u8], limits: Limits) -> Result<Value, ProtocolError> {
        let mut d = Decoder::with_limits(limits);
        assert_eq!(d.limits(), &limits);
        let by_value = d.decode(&mut BytesMut::from(wire));
        let mut frames = Frames::new();
        let by_batch = Decoder::with_limits(limits)
            .decode_frames(&mut BytesMut::from(wire), &mut frames)
            .map(|n| {
                assert_eq!(n, 1, "{wire:?}");
                frames.get(0).map(|f| f.to_value())
            });
        let one_shot = decode_with(wire, &limits).map(|r| {
            r.map(|(v, len)| {
                assert_eq!(len, wire.len());
                v
            })
        });
        assert_eq!(by_value, by_batch, "{wire:?}");
        assert_eq!(by_value, one_shot, "{wire:?}");
        by_value.map(|v| v.expect("a whole frame"))
    }

    #[test]
    fn a_decoder_built_with_limits_enforces_each_of_them() {
        let tight = Limits {
            max_depth: 2,
            max_bulk_len: 4,
            max_aggregate_len: 3,
            max_frame_len: 26,
            max_frame_elements: 5,
        };
        let kind = |wire: &[u8]| decode_three_ways(wire, tight).map_err(|e| e.kind);
        // Within every limit.
        assert!(kind(b"*2\r\n*2\r\n:1\r\n:2\r\n$4\r\nabcd\r\n").is_ok());
        // Each limit, one past it.
        assert_eq!(
            kind(b"*1\r\n*1\r\n*1\r\n:1\r\n"),
            Err(Kind::TooDeep { max: 2 })
        );
        assert_eq!(
            kind(b"$5\r\nabcde\r\n"),
            Err(Kind::BulkTooLong { len: 5, max: 4 })
        );
        assert_eq!(
            kind(b"*4\r\n"),
            Err(Kind::AggregateTooLong { len: 4, max: 3 })
        );
        assert_eq!(
            kind(b"+012345678901234567890123\r\n"),
            Err(Kind::FrameTooLong { max: 26 })
        );
        assert_eq!(
            kind(b"*3\r\n*3\r\n"),
            Err(Kind::TooManyElements {
                announced: 6,
                max: 5
            })
        );
        assert_eq!(
            kind(b"*3\r\n$4\r\nabcd\r\n$4\r\nabcd\r\n$1\r\nx\r\n"),
            Err(Kind::FrameTooLong { max: 26 }),
            "bulks that fit alone, not together"
        );
        // The same frames within the default limits decode, by every decoder.
        for wire in [
            &b"*1\r\n*1\r\n*1\r\n:1\r\n"[..],
            b"$5\r\nabcde\r\n",
            b"+012345678901234567890123\r\n",
            b"*3\r\n$4\r\nabcd\r\n$4\r\nabcd\r\n$1\r\nx\r\n",
        ] {
            assert!(decode_three_ways(wire, Limits::default()).is_ok());
            assert!(Decoder::new()
                .decode(&mut BytesMut::from(wire))
                .unwrap()
                .is_some());
        }
    }

    #[test]
    fn a_line_arriving_in_pieces_decodes_whole() {
        let mut d = Decoder::new();
        let mut buf = BytesMut::new();
        let text = b"a-status-line-longer-than-a-short-search".repeat(50);
        buf.extend_from_slice(b"+");
        for piece in text.chunks(7) {
            assert_eq!(d.decode(&mut buf).unwrap(), None);
            buf.extend_from_slice(piece);
        }
        assert_eq!(d.decode(&mut buf).unwrap(), None);
        buf.extend_from_slice(b"\r");
        assert_eq!(d.decode(&mut buf).unwrap(), None);
        buf.extend_from_slice(b"\n:1\r\n");
        assert_eq!(
            d.decode(&mut buf).unwrap(),
            Some(Value::SimpleString(Bytes::from(text)))
        );
        assert_eq!(d.decode(&mut buf).unwrap(), Some(Value::Integer(1)));
        assert_eq!(d.decode(&mut buf).unwrap(), None);
        assert!(buf.is_empty());
    }

    #[test]
    fn reset_forgets_everything_about_the_old_stream() {
        let limits = Limits {
            max_frame_elements: 4,
            ..Limits::default()
        };
        // Each old stream leaves a different kind of state behind; after `reset`, a fresh
        // buffer decodes as it would in a new decoder.
        let fresh = b"*4\r\n+a\r\n:1\r\n:2\r\n:3\r\n:9\r\n";
        let expected = alloc::vec![
            Value::Array(alloc::vec![
                Value::SimpleString(Bytes::from("a")),
                Value::Integer(1),
                Value::Integer(2),
                Value::Integer(3),
            ]),
            Value::Integer(9),
        ];
        for old in [
            &b"+OK\r\n:1\r\n"[..], // bytes of returned frames not yet removed
            b"*3\r\n:1\r\n",       // a partial aggregate and its announcement
            b"$100\r\nabc",        // a partial bulk and the length it needs
            b"+abcdefghijklmnop",  // a partial line and where its search stopped
            b"*1\r\n*1\r\n+abcdefghijklmnopqrstuvwxyz", // all of them, nested
        ] {
            let mut d = Decoder::with_limits(limits);
            let mut old_buf = BytesMut::from(old);
            while let Ok(Some(_)) = d.decode(&mut old_buf) {}
            d.reset();
            let (got, end) = decode_all(&mut d, fresh);
            assert_eq!(got, expected, "after {old:?}");
            assert!(end.unwrap().is_empty());
            assert_eq!(d.limits(), &limits, "reset keeps the limits");
        }
        // An error held back behind good frames is dropped too.
        let mut d = Decoder::new();
        let mut frames = Frames::new();
        let mut buf = BytesMut::from(&b":1\r\n%x\r\n"[..]);
        assert_eq!(d.decode_frames(&mut buf, &mut frames).unwrap(), 1);
        d.reset();
        assert_eq!(
            d.decode(&mut BytesMut::from(&b":2\r\n"[..])).unwrap(),
            Some(Value::Integer(2))
        );
    }

    #[test]
    fn every_leaf_type_leaves_the_buffer_at_the_next_frame() {
        let cases: [(&[u8], Value); 14] = [
            (b":-7\r\n", Value::Integer(-7)),
            (b"_\r\n", Value::Null),
            (b"$-1\r\n", Value::Null),
            (b"#f\r\n", Value::Boolean(false)),
            (b",2.5\r\n", Value::Double(2.5)),
            (b"+OK\r\n", simple("OK")),
            (b"+PONG\r\n", simple("PONG")),
            (b"+hello\r\n", simple("hello")),
            (b"$5\r\nhello\r\n", Value::from("hello")),
            (b"$0\r\n\r\n", Value::from("")),
            (b"-ERR no\r\n", Value::Error(Bytes::from("ERR no"))),
            (b"!6\r\nERR no\r\n", Value::Error(Bytes::from("ERR no"))),
            (
                b"(-12345678901234567890\r\n",
                Value::BigNumber(Bytes::from("-12345678901234567890")),
            ),
            (
                b"=8\r\ntxt:some\r\n",
                Value::Verbatim {
                    format: *b"txt",
                    text: Bytes::from("some"),
                },
            ),
        ];
        // Each leaf between two others, so an error in how much of the buffer a leaf takes
        // shows in its neighbours.
        for (wire, value) in &cases {
            let mut stream = b"+a\r\n".to_vec();
            stream.extend_from_slice(wire);
            stream.extend_from_slice(wire);
            stream.extend_from_slice(b"$2\r\nzz\r\n");
            let (got, end) = decode_all(&mut Decoder::new(), &stream);
            let a = simple("a");
            assert_eq!(
                got,
                alloc::vec![a, value.clone(), value.clone(), Value::from("zz")],
                "{wire:?}"
            );
            assert!(end.unwrap().is_empty(), "{wire:?}");
        }
        // All of them back to back, every one of them in two reads at every cut.
        let stream: Vec<u8> = cases.iter().flat_map(|(w, _)| w.iter().copied()).collect();
        let values: Vec<Value> = cases.iter().map(|(_, v)| v.clone()).collect();
        // The one-shot decoder, frame after frame of the same stream.
        let (mut at, mut one_shot) = (0, Vec::new());
        while let Some((v, len)) = super::super::decode(&stream[at..]).unwrap() {
            one_shot.push(v);
            at += len;
        }
        assert_eq!(one_shot, values);
        assert_eq!(at, stream.len());
        for cut in 0..=stream.len() {
            let mut d = Decoder::new();
            let mut buf = BytesMut::from(&stream[..cut]);
            let mut got = Vec::new();
            while let Some(v) = d.decode(&mut buf).unwrap() {
                got.push(v);
            }
            buf.extend_from_slice(&stream[cut..]);
            while let Some(v) = d.decode(&mut buf).unwrap() {
                got.push(v);
            }
            assert_eq!(got, values, "cut at {cut}");
            assert!(buf.is_empty(), "cut at {cut}");
        }
    }

    #[test]
    fn leaf_payloads_are_views_into_the_buffer() {
        let wire = b"+hello\r\n-ERR x\r\n(123\r\n=7\r\ntxt:abc\r\n$3\r\nxyz\r\n";
        let mut buf = BytesMut::from(&wire[..]);
        let base = buf.as_ptr() as usize;
        let mut d = Decoder::new();
        let mut offsets = Vec::new();
        while let Some(v) = d.decode(&mut buf).unwrap() {
            let payload = v.as_bytes().expect("a byte-carrying leaf");
            offsets.push((payload.as_ptr() as usize - base, payload.len()));
        }
        assert_eq!(offsets, [(1, 5), (9, 5), (17, 3), (30, 3), (39, 3)]);
    }

    #[test]
    fn retained_memory_follows_the_frame_in_progress() {
        let mut d = Decoder::new();
        assert_eq!(d.retained_bytes(), 0);
        let n = 100_000;
        let mut wire = alloc::format!("*{n}\r\n").into_bytes();
        wire.extend_from_slice(&b":1\r\n".repeat(n));
        let mut buf = BytesMut::new();
        for chunk in wire.chunks(16 * 1024) {
            buf.extend_from_slice(chunk);
            let done = d.decode(&mut buf).unwrap();
            let held = d.retained_bytes();
            assert!(
                held <= (16 * buf.len()).max(24 * 1024),
                "{held} for {}",
                buf.len()
            );
            assert!(
                held > 0 || done.is_some(),
                "the tape of the frame in progress"
            );
            if let Some(Value::Array(items)) = done {
                assert_eq!(items.len(), n);
            }
        }
        assert!(buf.is_empty());
        assert_eq!(d.retained_bytes(), 0, "a tape that large is not kept");
    }

    #[test]
    fn small_leaves_are_skipped_without_touching_the_buffer() {
        // Integers, nulls, booleans, doubles and `+OK` are read in place; their bytes leave
        // the buffer in one piece when the decoder next needs it or runs out of frames.
        let wire = b":1\r\n_\r\n#t\r\n,1.5\r\n+OK\r\n+no\r\n";
        let mut buf = BytesMut::from(&wire[..]);
        let mut d = Decoder::new();
        for expected in [
            Value::Integer(1),
            Value::Null,
            Value::Boolean(true),
            Value::Double(1.5),
            simple("OK"),
        ] {
            assert_eq!(d.decode(&mut buf).unwrap(), Some(expected));
            assert_eq!(buf.len(), wire.len(), "the buffer is untouched");
        }
        assert_eq!(d.decode(&mut buf).unwrap(), Some(simple("no")));
        assert_eq!(buf.len(), 2, "all but the last frame's line end removed");
        assert_eq!(d.decode(&mut buf).unwrap(), None);
        assert!(buf.is_empty());
    }

    #[test]
    fn a_frame_one_byte_over_the_frame_limit_is_refused_not_awaited() {
        for wire in [
            &b"_\r\n"[..],
            b"#t\r\n",
            b":12\r\n",
            b"+ab\r\n",
            b"+OK\r\n",
            b"*1\r\n+OK\r\n",
            b"-e\r\n",
            b",1.5\r\n",
            b"(12\r\n",
            b"$2\r\nab\r\n",
            b"!2\r\nab\r\n",
            b"=6\r\ntxt:ab\r\n",
            b"$-1\r\n",
            b"*-1\r\n",
            b"%0\r\n",
            b"*1\r\n:1\r\n",
        ] {
            let at = |max_frame_len| Limits {
                max_frame_len,
                ..Limits::default()
            };
            assert!(decode_three_ways(wire, at(wire.len())).is_ok(), "{wire:?}");
            let over = at(wire.len() - 1);
            assert_eq!(
                decode_three_ways(wire, over).map_err(|e| e.kind),
                Err(Kind::FrameTooLong {
                    max: wire.len() - 1
                }),
                "{wire:?}"
            );
            // However the bytes arrive.
            for cut in 1..wire.len() {
                let mut d = Decoder::with_limits(over);
                let mut buf = BytesMut::from(&wire[..cut]);
                let early = d.decode(&mut buf);
                buf.extend_from_slice(&wire[cut..]);
                let verdict = early.and_then(|_| d.decode(&mut buf));
                assert!(
                    matches!(
                        verdict,
                        Err(ProtocolError {
                            kind: Kind::FrameTooLong { .. },
                            ..
                        })
                    ),
                    "{wire:?} cut at {cut}: {verdict:?}"
                );
            }
        }
    }
}
