//! The incremental decoder: feed it a growing `BytesMut`, get whole frames out.

use bytes::BytesMut;

use super::build::{build, SplitSource};
use super::scan::{Scan, Scanner};
use super::{Limits, ProtocolError, Value};

/// Decodes RESP2/RESP3 frames from a buffer that a connection appends to.
///
/// Call [`Decoder::decode`] after each read with the same buffer. It returns one frame at a
/// time, removing exactly that frame's bytes from the front of the buffer, and `Ok(None)` when
/// the next frame has not fully arrived; the partial frame stays in the buffer and the scan
/// resumes where it stopped, so a frame arriving in many reads costs one pass, not one per
/// read. Bulk strings in the returned value share the buffer's memory.
///
/// Between calls, only append to the buffer. After a [`ProtocolError`] the stream cannot be
/// resynchronised: close the connection (or call [`Decoder::reset`] with a fresh buffer).
#[derive(Debug, Default)]
pub struct Decoder {
    limits: Limits,
    scanner: Scanner,
}

impl Decoder {
    /// A decoder with the default [`Limits`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A decoder with the given limits.
    pub fn with_limits(limits: Limits) -> Self {
        Decoder { limits, scanner: Scanner::default() }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Forget any partially scanned frame.
    pub fn reset(&mut self) {
        self.scanner.reset();
    }

    /// Decode the next frame from the front of `buf`, removing its bytes on success.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Value>, ProtocolError> {
        match self.scanner.scan(buf, &self.limits) {
            Ok(Scan::Incomplete { .. }) => Ok(None),
            Ok(Scan::Complete { len }) => {
                let value = build(&self.scanner.tape, len, &mut SplitSource::new(buf));
                self.scanner.reset();
                Ok(Some(value))
            }
            Err(e) => {
                self.scanner.reset();
                Err(e)
            }
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
        assert_eq!(d.decode(&mut buf).unwrap(), Some(Value::SimpleString(Bytes::from("OK"))));
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
        assert_eq!(b.as_ptr() as usize, start, "the payload must be a view into the buffer");
    }

    #[test]
    fn nested_frame_in_every_split() {
        let frame: &[u8] = b"*2\r\n%1\r\n+k\r\n~2\r\n:1\r\n#t\r\n|1\r\n+a\r\n:2\r\n$2\r\nhi\r\n>1\r\n_\r\n";
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
    fn errors_leave_the_buffer_untouched() {
        let mut d = Decoder::new();
        let mut buf = BytesMut::from(&b"*1\r\n?oops\r\n"[..]);
        let err = d.decode(&mut buf).unwrap_err();
        assert_eq!(err.offset, 4);
        assert_eq!(buf.len(), 11);
    }
}
