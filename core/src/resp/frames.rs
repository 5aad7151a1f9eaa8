//! Batches of frames read in place: the decode a connection reader wants.
//!
//! A reader gets many replies per socket read. [`Decoder::decode_frames`] scans every complete
//! frame at the front of the buffer, splits them off in one piece, and leaves them as offsets
//! over those shared bytes. Looking at a frame — is it an error, which one, what bytes does it
//! carry — then costs no allocation and no reference count; only [`Frame::to_value`], for a
//! reply that is handed to a caller, slices out owned [`Bytes`]. Internal replies (the `+OK`
//! of `ASKING` or `READONLY`) and redirect errors never become values at all.

use alloc::vec::Vec;
use bytes::{Bytes, BytesMut};

use super::build::{build, SliceSource};
use super::decoder::Decoder;
use super::scan::{frame_window, parse_element, AggregateKind, Node, Scan};
use super::{ProtocolError, Value};

/// Where one frame lies in a [`Frames`] batch.
#[derive(Clone, Copy, Debug)]
struct Span {
    /// Offset of the frame's first byte in the batch.
    base: usize,
    /// Length of the frame in bytes.
    len: usize,
    /// The frame's nodes: `tape[first..end]`.
    first: usize,
    end: usize,
}

/// Complete frames split off a buffer together. Reuse one across reads to keep its
/// allocations.
///
/// ```
/// use bytes::BytesMut;
/// use keyslot_core::resp::{Decoder, Frames};
/// let mut decoder = Decoder::new();
/// let mut frames = Frames::new();
/// let mut buf = BytesMut::from(&b"+OK\r\n-MOVED 3999 127.0.0.1:6381\r\n:7\r\n"[..]);
/// assert_eq!(decoder.decode_frames(&mut buf, &mut frames).unwrap(), 3);
/// assert!(frames.get(1).unwrap().is_error());
/// assert_eq!(frames.get(2).unwrap().as_integer(), Some(7));
/// ```
#[derive(Debug, Default)]
pub struct Frames {
    bytes: Bytes,
    tape: Vec<Node>,
    spans: Vec<Span>,
}

impl Frames {
    /// An empty batch.
    ///
    /// ```
    /// use keyslot_core::resp::Frames;
    /// let frames = Frames::new();
    /// assert!(frames.is_empty());
    /// assert_eq!(frames.len(), 0);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of frames.
    ///
    /// ```
    /// # use bytes::BytesMut;
    /// # use keyslot_core::resp::{Decoder, Frames};
    /// # let mut decoder = Decoder::new();
    /// # let mut frames = Frames::new();
    /// let mut buf = BytesMut::from(&b":1\r\n:2\r\n"[..]);
    /// decoder.decode_frames(&mut buf, &mut frames).unwrap();
    /// assert_eq!(frames.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when the batch has no frame.
    ///
    /// ```
    /// # use bytes::BytesMut;
    /// # use keyslot_core::resp::{Decoder, Frames};
    /// # let mut decoder = Decoder::new();
    /// # let mut frames = Frames::new();
    /// let mut buf = BytesMut::from(&b"$5\r\nhel"[..]);
    /// decoder.decode_frames(&mut buf, &mut frames).unwrap();
    /// assert!(frames.is_empty()); // no frame is whole yet
    /// ```
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Frame `i`.
    ///
    /// ```
    /// # use bytes::BytesMut;
    /// # use keyslot_core::resp::{Decoder, Frames};
    /// # let mut decoder = Decoder::new();
    /// # let mut frames = Frames::new();
    /// let mut buf = BytesMut::from(&b"+OK\r\n:1\r\n"[..]);
    /// decoder.decode_frames(&mut buf, &mut frames).unwrap();
    /// assert_eq!(frames.get(0).unwrap().as_bytes(), Some(&b"OK"[..]));
    /// assert!(frames.get(2).is_none());
    /// ```
    pub fn get(&self, i: usize) -> Option<Frame<'_>> {
        self.spans.get(i).map(|&span| Frame { frames: self, span })
    }

    /// The frames in wire order.
    ///
    /// ```
    /// # use bytes::BytesMut;
    /// # use keyslot_core::resp::{Decoder, Frames};
    /// # let mut decoder = Decoder::new();
    /// # let mut frames = Frames::new();
    /// let mut buf = BytesMut::from(&b":1\r\n:2\r\n:3\r\n"[..]);
    /// decoder.decode_frames(&mut buf, &mut frames).unwrap();
    /// let numbers: Vec<i64> = frames.iter().filter_map(|frame| frame.as_integer()).collect();
    /// assert_eq!(numbers, [1, 2, 3]);
    /// ```
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Frame<'_>> + '_ {
        self.spans
            .iter()
            .map(move |&span| Frame { frames: self, span })
    }

    fn clear(&mut self) {
        self.bytes = Bytes::new();
        self.tape.clear();
        self.spans.clear();
    }
}

/// One frame of a [`Frames`] batch, read in place.
///
/// ```
/// # use bytes::BytesMut;
/// # use keyslot_core::resp::{Decoder, Frames};
/// # let mut decoder = Decoder::new();
/// # let mut frames = Frames::new();
/// # use keyslot_core::resp::Value;
/// let mut buf = BytesMut::from(&b"-MOVED 3999 127.0.0.1:6381\r\n$5\r\nhello\r\n"[..]);
/// decoder.decode_frames(&mut buf, &mut frames).unwrap();
/// // A redirect is read in place; only the reply a caller gets becomes a value.
/// let redirect = frames.get(0).unwrap();
/// assert_eq!(redirect.error_text(), Some(&b"MOVED 3999 127.0.0.1:6381"[..]));
/// assert_eq!(frames.get(1).unwrap().to_value(), Value::from("hello"));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    frames: &'a Frames,
    span: Span,
}

impl<'a> Frame<'a> {
    /// The frame exactly as received.
    ///
    /// ```
    /// # use bytes::BytesMut;
    /// # use keyslot_core::resp::{Decoder, Frames};
    /// # let mut decoder = Decoder::new();
    /// # let mut frames = Frames::new();
    /// let mut buf = BytesMut::from(&b"$3\r\nfoo\r\n:1\r\n"[..]);
    /// decoder.decode_frames(&mut buf, &mut frames).unwrap();
    /// assert_eq!(frames.get(0).unwrap().wire(), b"$3\r\nfoo\r\n");
    /// ```
    pub fn wire(&self) -> &'a [u8] {
        &self.frames.bytes[self.span.base..self.span.base + self.span.len]
    }

    fn head(&self) -> Node {
        // Every span has at least one node.
        self.frames.tape[self.span.first]
    }

    fn text(&self, start: usize, end: usize) -> &'a [u8] {
        &self.frames.bytes[self.span.base + start..self.span.base + end]
    }

    /// True when the frame is an error reply (`-` or `!`).
    ///
    /// ```
    /// # use bytes::BytesMut;
    /// # use keyslot_core::resp::{Decoder, Frames};
    /// # let mut decoder = Decoder::new();
    /// # let mut frames = Frames::new();
    /// let mut buf = BytesMut::from(&b"-ERR unknown command\r\n+OK\r\n"[..]);
    /// decoder.decode_frames(&mut buf, &mut frames).unwrap();
    /// assert!(frames.get(0).unwrap().is_error());
    /// assert!(!frames.get(1).unwrap().is_error());
    /// ```
    pub fn is_error(&self) -> bool {
        matches!(self.head(), Node::Error { .. })
    }

    /// True for a RESP3 push frame (`>`): out-of-band data, not a reply.
    ///
    /// ```
    /// # use bytes::BytesMut;
    /// # use keyslot_core::resp::{Decoder, Frames};
    /// # let mut decoder = Decoder::new();
    /// # let mut frames = Frames::new();
    /// let mut buf = BytesMut::from(&b">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$2\r\nhi\r\n:1\r\n"[..]);
    /// decoder.decode_frames(&mut buf, &mut frames).unwrap();
    /// assert!(frames.get(0).unwrap().is_push()); // a pub/sub message
    /// assert!(!frames.get(1).unwrap().is_push()); // a reply
    /// ```
    pub fn is_push(&self) -> bool {
        matches!(
            self.head(),
            Node::Aggregate {
                kind: AggregateKind::Push,
                ..
            }
        )
    }

    /// The text of an error reply, such as `MOVED 3999 127.0.0.1:6381`.
    ///
    /// ```
    /// # use bytes::BytesMut;
    /// # use keyslot_core::resp::{Decoder, Frames};
    /// # let mut decoder = Decoder::new();
    /// # let mut frames = Frames::new();
    /// let mut buf = BytesMut::from(&b"-ASK 3999 127.0.0.1:6381\r\n+OK\r\n"[..]);
    /// decoder.decode_frames(&mut buf, &mut frames).unwrap();
    /// assert_eq!(frames.get(0).unwrap().error_text(), Some(&b"ASK 3999 127.0.0.1:6381"[..]));
    /// assert_eq!(frames.get(1).unwrap().error_text(), None);
    /// ```
    pub fn error_text(&self) -> Option<&'a [u8]> {
        match self.head() {
            Node::Error { start, end } => Some(self.text(start, end)),
            _ => None,
        }
    }

    /// The payload of a simple string, bulk string, big number or verbatim string frame.
    ///
    /// ```
    /// # use bytes::BytesMut;
    /// # use keyslot_core::resp::{Decoder, Frames};
    /// # let mut decoder = Decoder::new();
    /// # let mut frames = Frames::new();
    /// let mut buf = BytesMut::from(&b"+OK\r\n=9\r\ntxt:hello\r\n:1\r\n"[..]);
    /// decoder.decode_frames(&mut buf, &mut frames).unwrap();
    /// assert_eq!(frames.get(0).unwrap().as_bytes(), Some(&b"OK"[..]));
    /// assert_eq!(frames.get(1).unwrap().as_bytes(), Some(&b"hello"[..])); // without `txt:`
    /// assert_eq!(frames.get(2).unwrap().as_bytes(), None);
    /// ```
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        match self.head() {
            Node::Simple { start, end } | Node::Bulk { start, end } => Some(self.text(start, end)),
            Node::BigNumber { start, end } => Some(self.text(start, end)),
            Node::Verbatim { start, end } => Some(self.text(start + 4, end)),
            _ => None,
        }
    }

    /// The integer of an integer frame.
    ///
    /// ```
    /// # use bytes::BytesMut;
    /// # use keyslot_core::resp::{Decoder, Frames};
    /// # let mut decoder = Decoder::new();
    /// # let mut frames = Frames::new();
    /// let mut buf = BytesMut::from(&b":42\r\n$2\r\n42\r\n"[..]);
    /// decoder.decode_frames(&mut buf, &mut frames).unwrap();
    /// assert_eq!(frames.get(0).unwrap().as_integer(), Some(42));
    /// assert_eq!(frames.get(1).unwrap().as_integer(), None); // text is not parsed
    /// ```
    pub fn as_integer(&self) -> Option<i64> {
        match self.head() {
            Node::Integer(i) => Some(i),
            _ => None,
        }
    }

    /// The frame as an owned value; its byte payloads share the batch's memory.
    ///
    /// ```
    /// # use bytes::BytesMut;
    /// # use keyslot_core::resp::{Decoder, Frames};
    /// # let mut decoder = Decoder::new();
    /// # let mut frames = Frames::new();
    /// # use keyslot_core::resp::Value;
    /// let mut buf = BytesMut::from(&b"*2\r\n$1\r\na\r\n:1\r\n"[..]);
    /// decoder.decode_frames(&mut buf, &mut frames).unwrap();
    /// let value = frames.get(0).unwrap().to_value();
    /// assert_eq!(value, Value::Array(vec![Value::from("a"), Value::Integer(1)]));
    /// ```
    pub fn to_value(&self) -> Value {
        let nodes = &self.frames.tape[self.span.first..self.span.end];
        let mut src = SliceSource {
            bytes: &self.frames.bytes,
            base: self.span.base,
        };
        build(nodes, self.span.len, &mut src)
    }
}

impl Decoder {
    /// Split every complete frame at the front of `buf` off into `out` (cleared first) and
    /// return how many there are; 0 means the next frame has not fully arrived. A partial
    /// frame stays in `buf` and its scan resumes on the next call.
    ///
    /// When a malformed frame follows good ones, the good ones are returned first and the
    /// error on the next call, so that replies that did arrive are never lost.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use keyslot_core::resp::{Decoder, Frames};
    /// let mut decoder = Decoder::new();
    /// let mut frames = Frames::new();
    /// // Two whole replies and the start of a third.
    /// let mut buf = BytesMut::from(&b"+OK\r\n:1\r\n$5\r\nhel"[..]);
    /// assert_eq!(decoder.decode_frames(&mut buf, &mut frames).unwrap(), 2);
    /// assert_eq!(&buf[..], b"$5\r\nhel");
    /// buf.extend_from_slice(b"lo\r\n");
    /// assert_eq!(decoder.decode_frames(&mut buf, &mut frames).unwrap(), 1);
    /// assert_eq!(frames.get(0).unwrap().as_bytes(), Some(&b"hello"[..]));
    /// ```
    pub fn decode_frames(
        &mut self,
        buf: &mut BytesMut,
        out: &mut Frames,
    ) -> Result<usize, ProtocolError> {
        out.clear();
        if let Some(e) = self.pending_error.take() {
            return Err(e);
        }
        self.flush(buf);
        let mut base = 0;
        let failure = loop {
            let first = out.tape.len();
            if self.scanner.is_idle() {
                match parse_element(frame_window(&buf[base..], &self.limits), 0, 0, &self.limits) {
                    Ok(Ok((node, len))) if !matches!(node, Node::Aggregate { .. }) => {
                        out.tape.push(node);
                        out.spans.push(Span {
                            base,
                            len,
                            first,
                            end: first + 1,
                        });
                        base += len;
                        continue;
                    }
                    Err(e) => break Some(e),
                    // Aggregates and partial frames take the resumable path.
                    Ok(_) => {}
                }
            }
            match self.scanner.scan(&buf[base..], &self.limits) {
                Ok(Scan::Complete { len }) => {
                    out.tape.extend_from_slice(&self.scanner.tape);
                    out.spans.push(Span {
                        base,
                        len,
                        first,
                        end: out.tape.len(),
                    });
                    self.scanner.reset();
                    base += len;
                }
                Ok(Scan::Incomplete { .. }) => break None,
                Err(e) => {
                    self.scanner.reset();
                    break Some(e);
                }
            }
        };
        if base > 0 {
            out.bytes = buf.split_to(base).freeze();
        }
        match failure {
            Some(e) if out.spans.is_empty() => Err(e),
            Some(e) => {
                self.pending_error = Some(e);
                Ok(out.spans.len())
            }
            None => Ok(out.spans.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_reads_in_place_and_matches_values() {
        let wire: &[u8] =
            b"+OK\r\n-MOVED 3999 127.0.0.1:6381\r\n$3\r\nfoo\r\n*2\r\n:1\r\n$1\r\nx\r\n:4";
        let mut buf = BytesMut::from(wire);
        let mut d = Decoder::new();
        let mut frames = Frames::new();
        assert_eq!(d.decode_frames(&mut buf, &mut frames).unwrap(), 4);
        assert_eq!(&buf[..], b":4", "the partial frame stays");
        let f: Vec<Frame<'_>> = frames.iter().collect();
        assert_eq!(f[0].as_bytes(), Some(&b"OK"[..]));
        assert!(f[1].is_error());
        assert_eq!(f[1].error_text(), Some(&b"MOVED 3999 127.0.0.1:6381"[..]));
        assert_eq!(f[2].as_bytes(), Some(&b"foo"[..]));
        assert_eq!(f[3].wire(), b"*2\r\n:1\r\n$1\r\nx\r\n");
        let mut offset = 0;
        for frame in frames.iter() {
            let (expected, len) = super::super::decode(&wire[offset..]).unwrap().unwrap();
            assert_eq!(frame.to_value(), expected);
            offset += len;
        }
        buf.extend_from_slice(b"2\r\n");
        assert_eq!(d.decode_frames(&mut buf, &mut frames).unwrap(), 1);
        assert_eq!(frames.get(0).and_then(|f| f.as_integer()), Some(42));
    }

    #[test]
    fn good_frames_come_before_the_error() {
        let mut buf = BytesMut::from(&b":1\r\n:2\r\n%x\r\n"[..]);
        let mut d = Decoder::new();
        let mut frames = Frames::new();
        assert_eq!(d.decode_frames(&mut buf, &mut frames).unwrap(), 2);
        let err = d.decode_frames(&mut buf, &mut frames).unwrap_err();
        assert_eq!(err.offset, 1);
        assert!(frames.is_empty());
    }

    #[test]
    fn nothing_complete_means_zero_and_nothing_consumed() {
        let mut buf = BytesMut::from(&b"*2\r\n:1\r\n"[..]);
        let mut d = Decoder::new();
        let mut frames = Frames::new();
        assert_eq!(d.decode_frames(&mut buf, &mut frames).unwrap(), 0);
        assert_eq!(buf.len(), 8);
        buf.extend_from_slice(b":2\r\n");
        assert_eq!(d.decode_frames(&mut buf, &mut frames).unwrap(), 1);
        assert!(buf.is_empty());
    }

    #[test]
    fn frames_read_every_kind_in_place() {
        let wire: &[u8] =
            b"+st\r\n$2\r\nbu\r\n(123\r\n=6\r\ntxt:vb\r\n-ERR e\r\n!3\r\nbe!\r\n:5\r\n\
            >1\r\n+m\r\n*1\r\n+a\r\n";
        let mut buf = BytesMut::from(wire);
        let mut d = Decoder::new();
        let mut frames = Frames::new();
        assert_eq!(d.decode_frames(&mut buf, &mut frames).unwrap(), 9);
        assert_eq!(frames.len(), 9);
        assert!(!frames.is_empty());
        let f: Vec<Frame<'_>> = frames.iter().collect();
        let bytes: Vec<Option<&[u8]>> = f.iter().map(|f| f.as_bytes()).collect();
        assert_eq!(
            bytes,
            [
                Some(&b"st"[..]),
                Some(b"bu"),
                Some(b"123"),
                Some(b"vb"),
                None,
                None,
                None,
                None,
                None
            ]
        );
        let errors: Vec<Option<&[u8]>> = f.iter().map(|f| f.error_text()).collect();
        assert_eq!(
            errors,
            [
                None,
                None,
                None,
                None,
                Some(&b"ERR e"[..]),
                Some(b"be!"),
                None,
                None,
                None
            ]
        );
        assert_eq!(
            f.iter().map(|f| f.is_error()).collect::<Vec<_>>(),
            [false, false, false, false, true, true, false, false, false]
        );
        assert_eq!(
            f.iter().map(|f| f.is_push()).collect::<Vec<_>>(),
            [false, false, false, false, false, false, false, true, false]
        );
        assert_eq!(f[6].as_integer(), Some(5));
        assert_eq!(f[0].as_integer(), None);
        assert_eq!(f[7].wire(), b">1\r\n+m\r\n");
        assert_eq!(
            f[8].to_value(),
            Value::Array(alloc::vec![Value::SimpleString(Bytes::from("a"))])
        );
        assert!(frames.get(9).is_none());
        // The next batch starts empty.
        assert_eq!(d.decode_frames(&mut buf, &mut frames).unwrap(), 0);
        assert!(frames.is_empty() && frames.get(0).is_none());
    }
}
