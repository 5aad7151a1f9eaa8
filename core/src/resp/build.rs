//! The second pass: turn a scanned tape into a [`Value`].
//!
//! The tape is complete and valid when this runs, so every allocation here is for elements
//! that really arrived. Byte payloads are taken from a [`Source`] in wire order, which lets
//! the zero-copy source split each bulk off the front of a `BytesMut` with one reference-count
//! increment and no frame-wide copy.

use alloc::boxed::Box;
use alloc::vec::Vec;
use bytes::{Buf, Bytes, BytesMut};

use super::limits::MAX_DEPTH_CAP;
use super::scan::{AggregateKind, Node};
use super::Value;

/// Where the payload bytes of a frame come from. `take` is called with ranges in increasing,
/// non-overlapping order; `finish` is called once with the frame's length.
pub(crate) trait Source {
    fn peek(&self, start: usize, end: usize) -> &[u8];
    fn take(&mut self, start: usize, end: usize) -> Bytes;
    fn finish(&mut self, frame_len: usize);
}

/// Copies payloads out of a borrowed slice.
pub(crate) struct CopySource<'a>(pub(crate) &'a [u8]);

impl Source for CopySource<'_> {
    fn peek(&self, start: usize, end: usize) -> &[u8] {
        &self.0[start..end]
    }
    fn take(&mut self, start: usize, end: usize) -> Bytes {
        Bytes::copy_from_slice(&self.0[start..end])
    }
    fn finish(&mut self, _frame_len: usize) {}
}

/// Splits payloads off the front of a `BytesMut` without copying, consuming the frame.
pub(crate) struct SplitSource<'a> {
    buf: &'a mut BytesMut,
    /// How many bytes of the frame have been removed from `buf` so far.
    consumed: usize,
}

impl<'a> SplitSource<'a> {
    pub(crate) fn new(buf: &'a mut BytesMut) -> Self {
        SplitSource { buf, consumed: 0 }
    }

    /// How many bytes of the frame have been removed from the buffer so far.
    pub(crate) fn taken(&self) -> usize {
        self.consumed
    }
}

impl Source for SplitSource<'_> {
    #[inline]
    fn peek(&self, start: usize, end: usize) -> &[u8] {
        &self.buf[start - self.consumed..end - self.consumed]
    }
    #[inline]
    fn take(&mut self, start: usize, end: usize) -> Bytes {
        // One split through the payload; the frozen piece then drops what precedes it,
        // which is pointer arithmetic (as the decoder takes a bulk).
        let mut payload = self.buf.split_to(end - self.consumed).freeze();
        payload.advance(start - self.consumed);
        self.consumed = end;
        payload
    }
    #[inline]
    fn finish(&mut self, frame_len: usize) {
        self.buf.advance(frame_len - self.consumed);
        self.consumed = frame_len;
    }
}

/// Slices payloads out of frozen bytes holding the frame at `base`: one reference-count
/// increment per payload and no buffer bookkeeping, which is what aggregates with many bulks
/// and batches of frames want.
pub(crate) struct SliceSource<'a> {
    pub(crate) bytes: &'a Bytes,
    pub(crate) base: usize,
}

impl Source for SliceSource<'_> {
    #[inline]
    fn peek(&self, start: usize, end: usize) -> &[u8] {
        &self.bytes[self.base + start..self.base + end]
    }
    #[inline]
    fn take(&mut self, start: usize, end: usize) -> Bytes {
        self.bytes.slice(self.base + start..self.base + end)
    }
    fn finish(&mut self, _frame_len: usize) {}
}

/// Status replies so common that they are returned without touching the buffer.
fn common_status(bytes: &[u8]) -> Option<Bytes> {
    match bytes {
        b"OK" => Some(Bytes::from_static(b"OK")),
        b"QUEUED" => Some(Bytes::from_static(b"QUEUED")),
        b"PONG" => Some(Bytes::from_static(b"PONG")),
        _ => None,
    }
}

#[inline]
pub(crate) fn leaf(node: Node, src: &mut impl Source) -> Value {
    match node {
        Node::Simple { start, end } => match common_status(src.peek(start, end)) {
            Some(b) => Value::SimpleString(b),
            None => Value::SimpleString(src.take(start, end)),
        },
        Node::Error { start, end } => Value::Error(src.take(start, end)),
        Node::Integer(i) => Value::Integer(i),
        Node::Bulk { start, end } => Value::BulkString(src.take(start, end)),
        Node::Null => Value::Null,
        Node::Double(d) => Value::Double(d),
        Node::Boolean(b) => Value::Boolean(b),
        Node::BigNumber { start, end } => Value::BigNumber(src.take(start, end)),
        Node::Verbatim { start, end } => {
            let tag = src.peek(start, start + 3);
            let format = [tag[0], tag[1], tag[2]];
            Value::Verbatim {
                format,
                text: src.take(start + 4, end),
            }
        }
        // Aggregates are handled by `build`; an empty one is built there too.
        Node::Aggregate { .. } => Value::Null,
    }
}

/// An aggregate being filled.
struct Open {
    kind: AggregateKind,
    items: Vec<Value>,
    remaining: usize,
}

impl Open {
    fn finish(self) -> Value {
        match self.kind {
            AggregateKind::Array => Value::Array(self.items),
            AggregateKind::Set => Value::Set(self.items),
            AggregateKind::Push => Value::Push(self.items),
            AggregateKind::Map => Value::Map(pairs(self.items)),
            AggregateKind::Attribute => {
                let mut items = self.items;
                let value = items.pop().unwrap_or(Value::Null);
                Value::Attribute {
                    attributes: pairs(items),
                    value: Box::new(value),
                }
            }
        }
    }
}

fn pairs(items: Vec<Value>) -> Vec<(Value, Value)> {
    let mut out = Vec::with_capacity(items.len() / 2);
    let mut it = items.into_iter();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        out.push((k, v));
    }
    out
}

/// Build the value of a complete frame of `frame_len` bytes from its tape.
pub(crate) fn build(tape: &[Node], frame_len: usize, src: &mut impl Source) -> Value {
    let value = match tape {
        [single] if !matches!(single, Node::Aggregate { .. }) => leaf(*single, src),
        // An aggregate whose children have none of their own, such as an array of bulks
        // (MGET, LRANGE, HGETALL): one pass that fills the list in place.
        [Node::Aggregate { kind, children }, items @ ..] if items.len() == *children => Open {
            kind: *kind,
            items: items.iter().map(|&node| childless(node, src)).collect(),
            remaining: 0,
        }
        .finish(),
        _ => build_nested(tape, src),
    };
    src.finish(frame_len);
    value
}

/// A node with no children: a leaf, or an empty aggregate.
///
/// Inlined into the loops that fill a list, with the bulk's arm first: returned from
/// `leaf`, which is not inlined there, each value came back through memory and was re-read
/// at other widths than `leaf` had stored it at (a stalled load per element, 85 % of
/// `build`'s samples in `perf annotate`). Owned values of 100-bulk arrays went from 1.97x
/// redis-protocol's best mode to 2.19x (`scripts/decode-compare 10 e1f1f01`, medians of ten
/// processes).
#[inline(always)]
fn childless(node: Node, src: &mut impl Source) -> Value {
    match node {
        Node::Bulk { start, end } => Value::BulkString(src.take(start, end)),
        Node::Aggregate { kind, children } => {
            debug_assert_eq!(children, 0, "only an empty aggregate is childless");
            Open {
                kind,
                items: Vec::new(),
                remaining: 0,
            }
            .finish()
        }
        leaf_node => leaf(leaf_node, src),
    }
}

fn build_nested(tape: &[Node], src: &mut impl Source) -> Value {
    // The scanner bounded the depth, so the explicit stack cannot overflow.
    let mut stack: heapless::Vec<Open, MAX_DEPTH_CAP> = heapless::Vec::new();
    for node in tape {
        let mut value = match *node {
            Node::Aggregate { kind, children } if children > 0 => {
                let items = Vec::with_capacity(children);
                if stack
                    .push(Open {
                        kind,
                        items,
                        remaining: children,
                    })
                    .is_err()
                {
                    return Value::Null;
                }
                continue;
            }
            other => childless(other, src),
        };
        // Attach the finished value to its parent, closing parents that become full.
        loop {
            let Some(top) = stack.last_mut() else {
                return value;
            };
            top.items.push(value);
            top.remaining -= 1;
            if top.remaining > 0 {
                break;
            }
            match stack.pop() {
                Some(full) => value = full.finish(),
                None => break,
            }
        }
    }
    // Unreachable for a complete tape; an empty tape decodes to nothing meaningful.
    stack.pop().map(Open::finish).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resp::scan::{Scan, Scanner};
    use crate::resp::Limits;

    /// Frames covering every node kind, each followed by a byte that is not part of it.
    const FRAMES: [&[u8]; 8] = [
        b"+PONG\r\n!",
        b"=7\r\ntxt:abc\r\n!",
        b"*3\r\n$1\r\na\r\n+x\r\n(12\r\n!",
        b"%1\r\n-ERR k\r\n~2\r\n_\r\n,1.5\r\n!",
        b"|1\r\n+key\r\n#t\r\n>2\r\n$0\r\n\r\n$2\r\nhi\r\n!",
        b"*2\r\n*0\r\n%0\r\n!",
        b"$3\r\nabc\r\n!",
        b":12\r\n!",
    ];

    #[test]
    fn every_source_builds_the_same_value_and_the_split_source_takes_the_frame() {
        for wire in FRAMES {
            let mut scanner = Scanner::default();
            let Ok(Scan::Complete { len }) = scanner.scan(wire, &Limits::default()) else {
                panic!("{wire:?} is one frame");
            };
            assert_eq!(len, wire.len() - 1);
            let copied = build(&scanner.tape, len, &mut CopySource(wire));
            let frozen = Bytes::copy_from_slice(wire);
            let sliced = build(
                &scanner.tape,
                len,
                &mut SliceSource {
                    bytes: &frozen,
                    base: 0,
                },
            );
            let mut buf = BytesMut::from(wire);
            let mut split = SplitSource::new(&mut buf);
            let taken = build(&scanner.tape, len, &mut split);
            assert_eq!(split.taken(), len, "{wire:?}");
            assert_eq!(copied, sliced, "{wire:?}");
            assert_eq!(copied, taken, "{wire:?}");
            assert_eq!(&buf[..], b"!", "exactly the frame is consumed: {wire:?}");
        }
    }

    #[test]
    fn aggregates_of_childless_nodes_build_as_the_general_way_does() {
        for wire in [
            &b"*3\r\n$1\r\na\r\n$0\r\n\r\n$2\r\nbc\r\n"[..],
            b"*4\r\n$1\r\na\r\n:7\r\n_\r\n+ok\r\n",
            b"%2\r\n+a\r\n:1\r\n$1\r\nb\r\n#f\r\n",
            b"~2\r\n*0\r\n%0\r\n",
            b">2\r\n$7\r\nmessage\r\n=7\r\ntxt:abc\r\n",
            b"|1\r\n+ttl\r\n:3\r\n$5\r\nvalue\r\n",
            b"*1\r\n-ERR x\r\n",
        ] {
            let mut scanner = Scanner::default();
            let Ok(Scan::Complete { len }) = scanner.scan(wire, &Limits::default()) else {
                panic!("{wire:?} is one frame");
            };
            let frozen = Bytes::copy_from_slice(wire);
            let source = || SliceSource {
                bytes: &frozen,
                base: 0,
            };
            let Node::Aggregate { children, .. } = scanner.tape[0] else {
                panic!("{wire:?} is an aggregate");
            };
            assert_eq!(children, scanner.tape.len() - 1, "{wire:?} has no nesting");
            let general = build_nested(&scanner.tape, &mut source());
            if wire.starts_with(b"%2") {
                let simple =
                    |s: &'static str| Value::SimpleString(Bytes::from_static(s.as_bytes()));
                assert_eq!(
                    general,
                    Value::Map(alloc::vec![
                        (simple("a"), Value::Integer(1)),
                        (Value::from("b"), Value::Boolean(false)),
                    ])
                );
            }
            assert_eq!(
                build(&scanner.tape, len, &mut source()),
                general,
                "{wire:?}"
            );
            assert_eq!(
                build(&scanner.tape, len, &mut CopySource(wire)),
                general,
                "{wire:?}"
            );
        }
    }

    #[test]
    fn a_slice_source_reads_at_its_base() {
        let wire = b"junk*2\r\n$2\r\nab\r\n+cd\r\n";
        let mut scanner = Scanner::default();
        let Ok(Scan::Complete { len }) = scanner.scan(&wire[4..], &Limits::default()) else {
            panic!("one frame after the junk");
        };
        let bytes = Bytes::copy_from_slice(wire);
        let value = build(
            &scanner.tape,
            len,
            &mut SliceSource {
                bytes: &bytes,
                base: 4,
            },
        );
        assert_eq!(
            value,
            Value::Array(alloc::vec![
                Value::from("ab"),
                Value::SimpleString(Bytes::from_static(b"cd"))
            ])
        );
    }
}
