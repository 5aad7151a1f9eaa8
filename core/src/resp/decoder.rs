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
/// After a [`ProtocolError`] the stream cannot be resynchronised: close the connection (or
/// call [`Decoder::reset`] and use a fresh buffer).
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
    pub fn new() -> Self {
        Self::default()
    }

    /// A decoder with the given limits.
    pub fn with_limits(limits: Limits) -> Self {
        Decoder {
            limits,
            ..Self::default()
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Forget any partially scanned frame and any bytes not yet removed from the buffer.
    pub fn reset(&mut self) {
        self.scanner.reset();
        self.consumed = 0;
        self.pending_error = None;
    }

    /// Decode the next frame from `buf`. See the type's docs for how the buffer is consumed.
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
                parse_element(frame_window(&buf[at..], &self.limits), 0, &self.limits)?
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
                // One advance past everything before the payload, one split for the payload;
                // the trailing CRLF is skipped lazily.
                buf.advance(self.consumed + start);
                let payload = buf.split_to(end - start).freeze();
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
}
