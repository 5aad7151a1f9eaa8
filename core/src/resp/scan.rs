//! The first pass over a frame: validate it and record where each element lies.
//!
//! Scanning produces a *tape*: one [`Node`] per element in wire order, holding offsets into
//! the input rather than copies. Only when the whole frame is present does [`super::build`]
//! turn the tape into a [`Value`](super::Value), slicing bulks out of the buffer once. This
//! keeps the work per byte small, never allocates for elements that have not arrived, and lets
//! a scan stop at the end of the available bytes and resume later from the last complete
//! element: a large bulk or a long array arriving in many reads is never rescanned from the
//! start of the frame.
//!
//! Nesting is tracked with an explicit, fixed-capacity stack of "children still expected"
//! counts; nothing here recurses.
//!
//! The work and memory of a scan follow the bytes that arrived: every byte is looked at once
//! however the frame is split into reads (a line without its end yet resumes its search where
//! the last read ended), the tape grows only by elements that arrived, and a header announcing
//! more than the frame's element budget, or more elements than its bytes could hold, is refused
//! before any of them arrive.

use alloc::vec::Vec;

use super::error::{ProtocolError, ProtocolErrorKind as Kind};
use super::limits::{Limits, MAX_DEPTH_CAP, MIN_ELEMENT_LEN};

/// Tape capacity, in nodes, kept for the next frame after one completes; a larger tape (a
/// frame of many elements) is freed, so an idle decoder holds little memory.
pub(crate) const RETAINED_NODES: usize = 1024;

/// Where one element of a frame lies, by offsets from the frame's first byte.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Node {
    Simple {
        start: usize,
        end: usize,
    },
    Error {
        start: usize,
        end: usize,
    },
    Integer(i64),
    Bulk {
        start: usize,
        end: usize,
    },
    Null,
    Double(f64),
    Boolean(bool),
    BigNumber {
        start: usize,
        end: usize,
    },
    /// The whole payload, `fmt:` prefix included (checked to be there).
    Verbatim {
        start: usize,
        end: usize,
    },
    /// An aggregate and the number of elements that follow it as its children: a map's pairs
    /// count twice, and an attribute has one more child, the value it annotates.
    Aggregate {
        kind: AggregateKind,
        children: usize,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AggregateKind {
    Array,
    Set,
    Push,
    Map,
    Attribute,
}

/// The outcome of one scan step.
#[derive(Debug, PartialEq)]
pub(crate) enum Scan {
    /// The frame is whole: it is `len` bytes and its elements are on the tape.
    Complete { len: usize },
    /// More bytes are needed; the frame is at least `need` bytes long.
    Incomplete { need: usize },
}

/// A resumable scan of one frame.
#[derive(Debug, Default)]
pub(crate) struct Scanner {
    /// Elements scanned so far, in wire order.
    pub(crate) tape: Vec<Node>,
    /// For each open aggregate, the children it still expects.
    open: heapless::Vec<usize, MAX_DEPTH_CAP>,
    /// Offset of the first byte not yet scanned.
    pos: usize,
    /// The frame is known to be at least this long; scanning waits until it is.
    need: usize,
    /// Elements announced by the frame's aggregate headers so far (see
    /// [`Limits::max_frame_elements`]).
    announced: usize,
    /// Where the search for the end of a line resumes: the bytes of the element at `pos`
    /// before this offset hold no line end. The element that set it extends past it, so for
    /// any later element it lies before the element's start and changes nothing.
    line_from: usize,
}

/// One parsed element and the offset just past it.
type Element = (Node, usize);

impl Scanner {
    /// True when no frame is partly scanned.
    #[inline]
    pub(crate) fn is_idle(&self) -> bool {
        self.pos == 0 && self.need == 0 && self.tape.is_empty()
    }

    /// Forget any partial frame; the next scan starts at offset 0.
    pub(crate) fn reset(&mut self) {
        clear_keeping(&mut self.tape, RETAINED_NODES);
        self.open.clear();
        self.pos = 0;
        self.need = 0;
        self.announced = 0;
        self.line_from = 0;
    }

    /// Bytes of memory this scanner holds on to.
    pub(crate) fn retained_bytes(&self) -> usize {
        self.tape.capacity() * core::mem::size_of::<Node>()
    }

    /// Continue scanning `buf`, which holds the frame from its first byte. Between calls the
    /// caller may only append to `buf`. After `Complete`, call [`Scanner::reset`] before the
    /// next frame. After an error the scanner must be reset too.
    pub(crate) fn scan(&mut self, buf: &[u8], limits: &Limits) -> Result<Scan, ProtocolError> {
        if buf.len() < self.need {
            return Ok(Scan::Incomplete { need: self.need });
        }
        let buf = frame_window(buf, limits);
        let result = self.scan_from(buf, limits);
        if let Ok(Scan::Incomplete { need }) = result {
            self.need = need;
        }
        result
    }

    /// The scan loop. Position and tape live in locals while it runs (written back on every
    /// exit through `self.pos`), which keeps the per-element work to a few instructions.
    #[inline(always)]
    fn scan_from(&mut self, buf: &[u8], limits: &Limits) -> Result<Scan, ProtocolError> {
        let max_frame = limits.max_frame_len;
        let max_depth = limits.depth();
        loop {
            // Fast lane: a run of plain bulks inside the innermost aggregate (MGET, LRANGE,
            // HGETALL, KEYS...), every one but the last, which completes the aggregate and
            // takes the general path below.
            if let Some(remaining) = self.open.last_mut() {
                while *remaining > 1 && buf.get(self.pos) == Some(&b'$') {
                    let Some((node, end)) = plain_bulk(buf, self.pos, limits) else {
                        break;
                    };
                    self.tape.push(node);
                    self.pos = end;
                    *remaining -= 1;
                }
            }
            let pos = self.pos;
            // Bulks dominate aggregates (MGET, LRANGE, HGETALL...): try the tight path first.
            let fast = match buf.get(pos) {
                Some(b'$') => plain_bulk(buf, pos, limits),
                _ => None,
            };
            let (node, end) = match fast {
                Some(element) => element,
                None => match parse_element(buf, pos, self.line_from, limits)? {
                    Ok(element) => element,
                    Err(need) if need > max_frame => {
                        return Err(error(pos, Kind::FrameTooLong { max: max_frame }));
                    }
                    Err(need) => {
                        // Keep the last byte for the next search: it may be a line's `\r`.
                        self.line_from = buf.len().saturating_sub(1);
                        return Ok(Scan::Incomplete { need });
                    }
                },
            };
            if end > max_frame {
                return Err(error(pos, Kind::FrameTooLong { max: max_frame }));
            }
            self.tape.push(node);
            self.pos = end;
            if let Node::Aggregate { children, .. } = node {
                if children > 0 {
                    self.announce(children, pos, end, limits)?;
                    if self.open.len() >= max_depth || self.open.push(children).is_err() {
                        return Err(error(pos, Kind::TooDeep { max: max_depth }));
                    }
                    continue;
                }
            }
            // A whole element is done: it completes its parent, and so on upwards.
            loop {
                let Some(remaining) = self.open.last_mut() else {
                    return Ok(Scan::Complete { len: end });
                };
                *remaining -= 1;
                if *remaining > 0 {
                    break;
                }
                self.open.pop();
            }
        }
    }
}

impl Scanner {
    /// Account for an aggregate header at `pos`, ending at `end`, that announces `children`
    /// elements (its node is already on the tape): refuse it when the frame's elements would
    /// exceed their budget, or could not all fit in the bytes the frame may still occupy.
    fn announce(
        &mut self,
        children: usize,
        pos: usize,
        end: usize,
        limits: &Limits,
    ) -> Result<(), ProtocolError> {
        self.announced = self.announced.saturating_add(children);
        if self.announced > limits.max_frame_elements {
            return Err(error(
                pos + 1,
                Kind::TooManyElements {
                    announced: self.announced as u64,
                    max: limits.max_frame_elements,
                },
            ));
        }
        // Every tape node but the first is an announced element that arrived.
        let pending = self.announced - (self.tape.len() - 1);
        if pending.saturating_mul(MIN_ELEMENT_LEN) > limits.max_frame_len.saturating_sub(end) {
            return Err(error(
                pos,
                Kind::FrameTooLong {
                    max: limits.max_frame_len,
                },
            ));
        }
        Ok(())
    }
}

/// Empty `vec`, keeping its allocation only when it holds at most `keep` elements.
fn clear_keeping<T>(vec: &mut Vec<T>, keep: usize) {
    if vec.capacity() > keep {
        *vec = Vec::new();
    } else {
        vec.clear();
    }
}

/// The part of `buf` (which starts at a frame) that a frame may occupy. Nothing past the frame
/// limit is looked at, so a frame that would cross it fails the same way however its bytes
/// arrive: as too long, not as whatever lies beyond.
#[inline]
pub(crate) fn frame_window<'a>(buf: &'a [u8], limits: &Limits) -> &'a [u8] {
    &buf[..buf.len().min(limits.max_frame_len)]
}

fn error(offset: usize, kind: Kind) -> ProtocolError {
    ProtocolError { offset, kind }
}

/// Parse the element starting at `pos`. `Ok(Err(need))` means the input ends first: nothing
/// can be decided before the input is `need` bytes long. That is one more byte than now,
/// except inside a bulk payload, whose bytes cannot be wrong: then it is the payload's end.
/// So decoding a stream in pieces notices an error at the same byte as decoding it whole.
///
/// A line element's search for its end starts at `line_from` when that lies inside the line
/// (the caller knows the bytes before it hold no line end); pass 0 for a fresh element.
///
/// Always inlined: called out of line (as `#[inline]` let the compiler do from the one-shot
/// `decode` in a caller's crate), its result goes back through memory and is re-read in
/// pieces of other widths, which stalls store forwarding. Inlining it took the one-shot
/// 16-byte GET from 1.5–1.7× the streaming decoder's time to 1.3–1.4× (4c2e08a; six
/// processes of `examples/decode_rounds.rs` in the benches). The same stall on the value
/// itself is why `decode_with` builds `+OK` and bulks in place.
#[inline(always)]
pub(crate) fn parse_element(
    buf: &[u8],
    pos: usize,
    line_from: usize,
    limits: &Limits,
) -> Result<Result<Element, usize>, ProtocolError> {
    // `+OK` is the most common reply of all: recognised by one comparison, before the
    // dispatch on the type byte.
    if buf.get(pos..pos + 5) == Some(b"+OK\r\n") {
        return Ok(Ok((
            Node::Simple {
                start: pos + 1,
                end: pos + 3,
            },
            pos + 5,
        )));
    }
    let Some(&ty) = buf.get(pos) else {
        return Ok(Err(pos + 1));
    };
    let body = pos + 1;
    let element =
        match ty {
            b'+' => line(buf, body, line_from)?
                .map(|(start, end)| (Node::Simple { start, end }, end + 2)),
            b'-' => line(buf, body, line_from)?
                .map(|(start, end)| (Node::Error { start, end }, end + 2)),
            b':' => integer(buf, body)?.map(|(i, next)| (Node::Integer(i), next)),
            b'$' => match plain_bulk(buf, pos, limits) {
                Some(element) => Ok(element),
                None => blob(buf, pos, limits, true)?.map(|(r, next)| match r {
                    None => (Node::Null, next),
                    Some((start, end)) => (Node::Bulk { start, end }, next),
                }),
            },
            b'!' => blob(buf, pos, limits, false)?.map(|(r, next)| {
                let (start, end) = r.unwrap_or((next, next));
                (Node::Error { start, end }, next)
            }),
            b'=' => match blob(buf, pos, limits, false)? {
                Ok((Some((start, end)), next)) => {
                    if end - start < 4 || buf[start + 3] != b':' {
                        return Err(error(start, Kind::InvalidVerbatim));
                    }
                    Ok((Node::Verbatim { start, end }, next))
                }
                Ok((None, _)) => return Err(error(body, Kind::InvalidLength)),
                Err(need) => Err(need),
            },
            b'_' => match buf.get(body..body + 2) {
                None => Err(buf.len() + 1),
                Some(b"\r\n") => Ok((Node::Null, body + 2)),
                Some(_) => return Err(error(body, Kind::InvalidLineEnding)),
            },
            b'#' => match buf.get(body..body + 3) {
                None => Err(buf.len() + 1),
                Some(b"t\r\n") => Ok((Node::Boolean(true), body + 3)),
                Some(b"f\r\n") => Ok((Node::Boolean(false), body + 3)),
                Some(_) => return Err(error(body, Kind::InvalidBoolean)),
            },
            b',' => match line(buf, body, line_from)? {
                Ok((start, end)) => {
                    let d = core::str::from_utf8(&buf[start..end])
                        .ok()
                        .and_then(|s| s.parse::<f64>().ok())
                        .ok_or(error(start, Kind::InvalidDouble))?;
                    Ok((Node::Double(d), end + 2))
                }
                Err(need) => Err(need),
            },
            b'(' => match line(buf, body, line_from)? {
                Ok((start, end)) => {
                    let digits = match buf[start..end].first() {
                        Some(b'-') | Some(b'+') => &buf[start + 1..end],
                        _ => &buf[start..end],
                    };
                    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                        return Err(error(start, Kind::InvalidBigNumber));
                    }
                    Ok((Node::BigNumber { start, end }, end + 2))
                }
                Err(need) => Err(need),
            },
            b'*' => aggregate(buf, pos, limits, AggregateKind::Array)?,
            b'~' => aggregate(buf, pos, limits, AggregateKind::Set)?,
            b'>' => aggregate(buf, pos, limits, AggregateKind::Push)?,
            b'%' => aggregate(buf, pos, limits, AggregateKind::Map)?,
            b'|' => aggregate(buf, pos, limits, AggregateKind::Attribute)?,
            other => return Err(error(pos, Kind::UnknownType(other))),
        };
    Ok(element)
}

/// A line starting at `start`: returns `(start, end)` where `end` is the offset of its `\r`.
/// The search for the line's end begins at `from` when that is later than `start`.
#[inline]
fn line(
    buf: &[u8],
    start: usize,
    from: usize,
) -> Result<Result<(usize, usize), usize>, ProtocolError> {
    let search = start.max(from).min(buf.len());
    let rest = &buf[search..];
    // Most lines are a few bytes ("OK", "QUEUED", short errors): a plain loop beats the
    // setup cost of a vectorised search; long lines fall through to memchr.
    let mut i = 0;
    let short = rest.len().min(16);
    while i < short && rest[i] != b'\r' && rest[i] != b'\n' {
        i += 1;
    }
    let found = if i < short {
        Some(i)
    } else if rest.len() <= 16 {
        None
    } else {
        memchr::memchr2(b'\r', b'\n', &rest[16..]).map(|i| i + 16)
    };
    match found {
        None => Ok(Err(buf.len() + 1)),
        Some(i) => {
            let end = search + i;
            match buf.get(end..end + 2) {
                Some(b"\r\n") => Ok(Ok((start, end))),
                None if buf[end] == b'\r' => Ok(Err(end + 2)),
                _ => Err(error(end, Kind::InvalidLineEnding)),
            }
        }
    }
}

/// A decimal integer line (`-12\r\n`) starting at `start`: the value and the offset after it.
#[inline]
fn integer(buf: &[u8], start: usize) -> Result<Result<(i64, usize), usize>, ProtocolError> {
    let Some(text) = buf.get(start..) else {
        return Ok(Err(buf.len() + 1));
    };
    let (negative, sign_len) = match text.first() {
        None => return Ok(Err(buf.len() + 1)),
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        Some(_) => (false, 0),
    };
    // Up to 19 digits fit in a u64 without overflow; the i64 range is checked after.
    let digits = &text[sign_len..];
    let mut magnitude: u64 = 0;
    let mut n = 0;
    while n < digits.len() && n < 19 {
        let d = digits[n].wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        magnitude = magnitude * 10 + u64::from(d);
        n += 1;
    }
    if n == 19 && digits.get(19).is_some_and(u8::is_ascii_digit) {
        return Err(error(start + sign_len + 19, Kind::InvalidInteger));
    }
    let cr = start + sign_len + n;
    if n == 0 {
        return match buf.get(cr) {
            None => Ok(Err(buf.len() + 1)),
            _ => Err(error(cr.min(buf.len()), Kind::InvalidInteger)),
        };
    }
    match buf.get(cr..cr + 2) {
        Some(b"\r\n") => {}
        Some([b'\r', _]) => return Err(error(cr + 1, Kind::InvalidLineEnding)),
        Some(_) => return Err(error(cr, Kind::InvalidInteger)),
        None => {
            return match buf.get(cr) {
                None | Some(b'\r') => Ok(Err(buf.len() + 1)),
                Some(_) => Err(error(cr, Kind::InvalidInteger)),
            }
        }
    }
    let value = if negative {
        if magnitude > i64::MAX as u64 + 1 {
            return Err(error(start, Kind::InvalidInteger));
        }
        (magnitude as i64).wrapping_neg()
    } else {
        i64::try_from(magnitude).map_err(|_| error(start, Kind::InvalidInteger))?
    };
    Ok(Ok((value, cr + 2)))
}

/// The common case of a bulk, in one tight pass: a short length, a complete payload and
/// correct line endings within the limits. Anything else — a null, an incomplete or
/// malformed frame, a limit hit — returns `None` for [`blob`] to sort out precisely.
#[inline(always)]
fn plain_bulk(buf: &[u8], pos: usize, limits: &Limits) -> Option<Element> {
    let header = buf.get(pos + 1..)?;
    let mut len: u64 = 0;
    let mut i = 0;
    loop {
        let c = *header.get(i)?;
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            if c != b'\r' || i == 0 {
                return None;
            }
            break;
        }
        len = len * 10 + u64::from(d);
        i += 1;
        if i > 12 {
            return None;
        }
    }
    if header.get(i + 1) != Some(&b'\n') || len > limits.max_bulk_len as u64 {
        return None;
    }
    let start = pos + 1 + i + 2;
    let end = start + len as usize;
    if end + 2 > limits.max_frame_len || buf.get(end..end + 2)? != b"\r\n" {
        return None;
    }
    Some((Node::Bulk { start, end }, end + 2))
}

/// A length-prefixed blob (`$`, `!`, `=`) whose type byte is at `pos`: `(None, next)` for a
/// RESP2 null (`-1`, only where `null_allowed`), else the payload's range.
#[allow(clippy::type_complexity)]
#[inline]
fn blob(
    buf: &[u8],
    pos: usize,
    limits: &Limits,
    null_allowed: bool,
) -> Result<Result<(Option<(usize, usize)>, usize), usize>, ProtocolError> {
    if buf.get(pos + 1) == Some(&b'?') {
        return Err(error(pos + 1, Kind::StreamedTypeUnsupported));
    }
    let (len, start) = match integer(buf, pos + 1)? {
        Ok(v) => v,
        Err(need) => return Ok(Err(need)),
    };
    if len < 0 {
        return if len == -1 && null_allowed {
            Ok(Ok((None, start)))
        } else {
            Err(error(pos + 1, Kind::InvalidLength))
        };
    }
    let len_u = len as u64;
    if len_u > limits.max_bulk_len as u64 {
        return Err(error(
            pos + 1,
            Kind::BulkTooLong {
                len: len_u,
                max: limits.max_bulk_len,
            },
        ));
    }
    let end = start.saturating_add(len as usize);
    if end.saturating_add(2) > limits.max_frame_len {
        return Err(error(
            pos,
            Kind::FrameTooLong {
                max: limits.max_frame_len,
            },
        ));
    }
    match buf.get(end..end + 2) {
        None => Ok(Err(end + 2)),
        Some(b"\r\n") => Ok(Ok((Some((start, end)), end + 2))),
        Some(_) => Err(error(end, Kind::InvalidLineEnding)),
    }
}

/// An aggregate header whose type byte is at `pos`.
#[inline]
fn aggregate(
    buf: &[u8],
    pos: usize,
    limits: &Limits,
    kind: AggregateKind,
) -> Result<Result<Element, usize>, ProtocolError> {
    if buf.get(pos + 1) == Some(&b'?') {
        return Err(error(pos + 1, Kind::StreamedTypeUnsupported));
    }
    let (len, next) = match integer(buf, pos + 1)? {
        Ok(v) => v,
        Err(need) => return Ok(Err(need)),
    };
    if len < 0 {
        return if len == -1 && kind == AggregateKind::Array {
            Ok(Ok((Node::Null, next)))
        } else {
            Err(error(pos + 1, Kind::InvalidLength))
        };
    }
    let len_u = len as u64;
    if len_u > limits.max_aggregate_len as u64 {
        return Err(error(
            pos + 1,
            Kind::AggregateTooLong {
                len: len_u,
                max: limits.max_aggregate_len,
            },
        ));
    }
    let len = len as usize;
    let children = match kind {
        AggregateKind::Map => len.saturating_mul(2),
        AggregateKind::Attribute => len.saturating_mul(2).saturating_add(1),
        _ => len,
    };
    Ok(Ok((Node::Aggregate { kind, children }, next)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_all(bytes: &[u8]) -> Result<Scan, ProtocolError> {
        Scanner::default().scan(bytes, &Limits::default())
    }

    #[test]
    fn integers_cover_the_whole_range() {
        assert_eq!(integer(b"0\r\n", 0).unwrap(), Ok((0, 3)));
        assert_eq!(
            integer(b"-9223372036854775808\r\n", 0).unwrap(),
            Ok((i64::MIN, 22))
        );
        assert_eq!(
            integer(b"9223372036854775807\r\n", 0).unwrap(),
            Ok((i64::MAX, 21))
        );
        assert_eq!(
            integer(b"9223372036854775808\r\n", 0).unwrap_err().kind,
            Kind::InvalidInteger
        );
        assert_eq!(integer(b"\r\n", 0).unwrap_err().kind, Kind::InvalidInteger);
        // Twenty digits must be an error, not an overflow.
        let err = integer(b"99999999999999999999\r\n", 0).unwrap_err();
        assert_eq!(err, error(19, Kind::InvalidInteger));
        assert!(integer(b"-99999999999999999999\r\n", 0).is_err());
        assert_eq!(integer(b"-\r\n", 0).unwrap_err().kind, Kind::InvalidInteger);
        assert_eq!(integer(b"1x\r\n", 0).unwrap_err().offset, 1);
        assert_eq!(
            integer(b"12\rx", 0).unwrap_err().kind,
            Kind::InvalidLineEnding
        );
        assert!(integer(b"12", 0).unwrap().is_err());
    }

    #[test]
    fn incomplete_reports_a_lower_bound() {
        assert_eq!(
            scan_all(b"$10\r\nab").unwrap(),
            Scan::Incomplete { need: 17 }
        );
        assert_eq!(scan_all(b"").unwrap(), Scan::Incomplete { need: 1 });
        assert!(matches!(
            scan_all(b"*2\r\n:1\r\n").unwrap(),
            Scan::Incomplete { .. }
        ));
    }

    #[test]
    fn resumes_where_it_stopped() {
        let frame = b"*3\r\n$3\r\nfoo\r\n:7\r\n+OK\r\n";
        let mut s = Scanner::default();
        let limits = Limits::default();
        for cut in 0..frame.len() {
            assert!(matches!(
                s.scan(&frame[..cut], &limits).unwrap(),
                Scan::Incomplete { .. }
            ));
        }
        assert_eq!(
            s.scan(frame, &limits).unwrap(),
            Scan::Complete { len: frame.len() }
        );
        assert_eq!(s.tape.len(), 4);
    }

    #[test]
    fn depth_limit_is_enforced_without_recursion() {
        let limits = Limits {
            max_depth: 3,
            ..Limits::default()
        };
        let mut s = Scanner::default();
        let err = s
            .scan(b"*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n", &limits)
            .unwrap_err();
        assert_eq!(err, error(12, Kind::TooDeep { max: 3 }));
        let mut s = Scanner::default();
        assert!(s.scan(b"*1\r\n*1\r\n*1\r\n:1\r\n", &limits).is_ok());
    }

    #[test]
    fn huge_announced_aggregate_allocates_nothing_and_waits() {
        let limits = Limits {
            max_aggregate_len: usize::MAX,
            max_frame_elements: usize::MAX,
            max_frame_len: usize::MAX,
            ..Limits::default()
        };
        let mut s = Scanner::default();
        let r = s.scan(b"*2147483648\r\n:1\r\n", &limits).unwrap();
        assert!(matches!(r, Scan::Incomplete { .. }));
        assert!(s.tape.capacity() < 64);
    }

    fn with(f: impl FnOnce(&mut Limits)) -> Limits {
        let mut limits = Limits::default();
        f(&mut limits);
        limits
    }

    fn scan_with(bytes: &[u8], limits: &Limits) -> Result<Scan, ProtocolError> {
        Scanner::default().scan(bytes, limits)
    }

    #[test]
    fn many_long_aggregates_are_refused_at_the_header_that_overspends() {
        // 21 arrays of the longest allowed length would fill a 1 GiB frame with 352 million
        // three-byte elements; the second header already announces more than the budget.
        let mut s = Scanner::default();
        let err = s
            .scan(b"*21\r\n*16777216\r\n", &Limits::default())
            .unwrap_err();
        assert_eq!(
            err,
            error(
                6,
                Kind::TooManyElements {
                    announced: 21 + (1 << 24),
                    max: 1 << 24
                }
            )
        );
        assert!(
            s.tape.capacity() < 64,
            "nothing allocated for the announcement"
        );
        // The longest aggregate alone is within the budget: it waits for its elements.
        assert!(matches!(
            scan_all(b"*16777216\r\n+\r\n").unwrap(),
            Scan::Incomplete { .. }
        ));
    }

    #[test]
    fn the_element_budget_counts_every_nested_element() {
        let budget = |n| with(|l| l.max_frame_elements = n);
        // Two arrays of two, nested: 2 + 2 elements inside the top one.
        let nested = b"*2\r\n*2\r\n:1\r\n:2\r\n:3\r\n";
        assert_eq!(
            scan_with(nested, &budget(4)).unwrap(),
            Scan::Complete { len: nested.len() }
        );
        assert_eq!(
            scan_with(nested, &budget(3)).unwrap_err(),
            error(
                5,
                Kind::TooManyElements {
                    announced: 4,
                    max: 3
                }
            )
        );
        // Side by side, the second header overspends.
        let siblings = b"*2\r\n*1\r\n:1\r\n*2\r\n:2\r\n:3\r\n";
        assert!(scan_with(siblings, &budget(5)).is_ok());
        assert_eq!(
            scan_with(siblings, &budget(4)).unwrap_err(),
            error(
                13,
                Kind::TooManyElements {
                    announced: 5,
                    max: 4
                }
            )
        );
        // A map's pair is two elements; an attribute also holds the value it annotates.
        let map = b"%2\r\n:1\r\n:2\r\n:3\r\n:4\r\n";
        assert!(scan_with(map, &budget(4)).is_ok());
        assert!(scan_with(map, &budget(3)).is_err());
        let attribute = b"|1\r\n+a\r\n:1\r\n:2\r\n";
        assert!(scan_with(attribute, &budget(3)).is_ok());
        assert!(scan_with(attribute, &budget(2)).is_err());
        // Leaves and empty aggregates announce nothing.
        assert!(scan_with(b"*0\r\n", &budget(0)).is_ok());
        assert!(scan_with(b"+x\r\n", &budget(0)).is_ok());
    }

    #[test]
    fn announced_elements_must_fit_in_the_frame() {
        let frame_len = |n| with(|l| l.max_frame_len = n);
        // Three elements of at least three bytes each after a four-byte header: 13 bytes.
        let three = b"*3\r\n_\r\n_\r\n_\r\n";
        assert!(scan_with(three, &frame_len(13)).is_ok());
        assert_eq!(
            scan_with(b"*3\r\n", &frame_len(12)).unwrap_err(),
            error(0, Kind::FrameTooLong { max: 12 }),
            "refused from the header alone"
        );
        // Nested: the outer array's second element and the inner one's two still to come.
        let nested = b"*2\r\n*2\r\n_\r\n_\r\n_\r\n";
        assert!(scan_with(nested, &frame_len(17)).is_ok());
        assert_eq!(
            scan_with(b"*2\r\n*2\r\n", &frame_len(16)).unwrap_err(),
            error(4, Kind::FrameTooLong { max: 16 })
        );
        // A header longer than the frame limit cannot overflow the subtraction.
        assert!(scan_with(b"*1\r\n", &frame_len(2)).is_err());
    }

    #[test]
    fn an_unterminated_line_is_searched_once() {
        let limits = Limits::default();
        for ty in [b'+', b'-', b',', b'('] {
            let mut s = Scanner::default();
            let mut first = alloc::vec![ty];
            first.extend_from_slice(b"1111");
            assert!(matches!(
                s.scan(&first, &limits).unwrap(),
                Scan::Incomplete { need: 6 }
            ));
            assert_eq!(
                s.line_from, 4,
                "resumes at the last byte, which may be a \\r"
            );
            first.extend_from_slice(b"2\r\n");
            assert_eq!(s.scan(&first, &limits).unwrap(), Scan::Complete { len: 8 });
        }
        for ty in [b'+', b'-'] {
            // Bytes already searched are not searched again: a line end planted among them
            // (which an appending caller never does) goes unseen, the new one is found.
            let mut s = Scanner::default();
            assert!(s.scan(&[ty, b'a', b'b', b'c', b'd'], &limits).is_ok());
            let mut more = alloc::vec![ty];
            more.extend_from_slice(b"a\r\nbc\r\n");
            assert_eq!(s.scan(&more, &limits).unwrap(), Scan::Complete { len: 8 });
            assert!(matches!(
                s.tape[..],
                [Node::Simple { start: 1, end: 6 } | Node::Error { start: 1, end: 6 }]
            ));
        }
        // A `\r` at the end of one read and its `\n` at the start of the next.
        let mut s = Scanner::default();
        assert!(s.scan(b"+ab\r", &limits).unwrap() == Scan::Incomplete { need: 5 });
        assert_eq!(
            s.scan(b"+ab\r\n", &limits).unwrap(),
            Scan::Complete { len: 5 }
        );
        assert_eq!(s.tape[0], Node::Simple { start: 1, end: 3 });
        // A line inside an aggregate resumes the same way, at its own offsets.
        let mut s = Scanner::default();
        assert!(s.scan(b"*2\r\n+abc", &limits).is_ok());
        assert_eq!(s.line_from, 7);
        assert_eq!(
            s.scan(b"*2\r\n+abcd\r\n:1\r\n", &limits).unwrap(),
            Scan::Complete { len: 15 }
        );
        assert_eq!(s.tape[1], Node::Simple { start: 5, end: 9 });
        // A stray `\n` in a later read is still caught, at its own offset.
        let mut s = Scanner::default();
        assert!(s.scan(b"-abc", &limits).is_ok());
        assert_eq!(
            s.scan(b"-abc\nd\r\n", &limits).unwrap_err(),
            error(4, Kind::InvalidLineEnding)
        );
    }

    #[test]
    fn reset_forgets_the_frame_in_progress() {
        let limits = with(|l| l.max_frame_elements = 4);
        let mut s = Scanner::default();
        assert!(s.scan(b"*3\r\n+abcdefgh", &limits).is_ok());
        assert!(!s.is_idle());
        s.reset();
        assert!(s.is_idle());
        assert_eq!((s.announced, s.line_from), (0, 0));
        // A fresh frame whose line ends before the old search position, and whose header
        // would overspend the budget with the old announcement added.
        assert_eq!(
            s.scan(b"*4\r\n+a\r\n:1\r\n:2\r\n:3\r\n", &limits).unwrap(),
            Scan::Complete { len: 20 }
        );
        assert_eq!(s.tape.len(), 5);
    }

    #[test]
    fn depth_beyond_the_cap_is_capped() {
        let limits = with(|l| l.max_depth = 1000);
        assert_eq!(limits.depth(), MAX_DEPTH_CAP);
        let mut frame = b"*1\r\n".repeat(MAX_DEPTH_CAP);
        frame.extend_from_slice(b":1\r\n");
        assert!(scan_with(&frame, &limits).is_ok());
        let mut deeper = b"*1\r\n".repeat(MAX_DEPTH_CAP + 1);
        deeper.extend_from_slice(b":1\r\n");
        assert_eq!(
            scan_with(&deeper, &limits).unwrap_err(),
            error(4 * MAX_DEPTH_CAP, Kind::TooDeep { max: MAX_DEPTH_CAP })
        );
    }

    #[test]
    fn a_large_tape_is_freed_when_its_frame_is_done() {
        let mut s = Scanner::default();
        let small = b"*2\r\n:1\r\n:2\r\n";
        assert!(s.scan(small, &Limits::default()).is_ok());
        s.reset();
        let kept = s.tape.capacity();
        assert!(kept >= 3, "a small tape keeps its allocation");
        let mut large = alloc::format!("*{}\r\n", RETAINED_NODES).into_bytes();
        large.extend_from_slice(&b"_\r\n".repeat(RETAINED_NODES));
        assert!(s.scan(&large, &Limits::default()).is_ok());
        assert!(s.retained_bytes() > RETAINED_NODES * core::mem::size_of::<Node>());
        s.reset();
        assert_eq!(s.retained_bytes(), 0);
    }

    #[test]
    fn malformed_headers_are_refused_where_they_go_wrong() {
        let limits = with(|l| {
            l.max_aggregate_len = 3;
            l.max_bulk_len = 3;
        });
        let at = |wire: &[u8]| scan_with(wire, &limits).unwrap_err();
        // Each header is checked at its own position, here after one element.
        for ty in *b"$!=*~>%|" {
            let streamed = [b':', b'1', b'\r', b'\n', ty, b'?', b'\r', b'\n'];
            let mut nested = alloc::vec![b'*', b'2', b'\r', b'\n'];
            nested.extend_from_slice(&streamed);
            assert_eq!(at(&nested), error(9, Kind::StreamedTypeUnsupported));
            assert_eq!(at(&streamed[4..]), error(1, Kind::StreamedTypeUnsupported));
        }
        assert_eq!(at(b"*2\r\n:1\r\n$-2\r\n"), error(9, Kind::InvalidLength));
        assert_eq!(at(b"*2\r\n:1\r\n%-1\r\n"), error(9, Kind::InvalidLength));
        assert_eq!(
            at(b"*2\r\n:1\r\n*4\r\n"),
            error(9, Kind::AggregateTooLong { len: 4, max: 3 })
        );
        assert_eq!(
            at(b"*2\r\n:1\r\n$4\r\nabcd\r\n"),
            error(9, Kind::BulkTooLong { len: 4, max: 3 })
        );
        // A bulk length with no digits, and a payload not followed by its line end.
        assert_eq!(at(b"$\r\n\r\n"), error(1, Kind::InvalidInteger));
        assert_eq!(
            scan_all(b"$1\r\n\r\n").unwrap(),
            Scan::Incomplete { need: 7 },
            "the payload is `\\r`; its line end has not arrived"
        );
        assert_eq!(
            scan_all(b"$1\r\n\r\n:1\r\n").unwrap_err(),
            error(5, Kind::InvalidLineEnding)
        );
    }

    #[test]
    fn a_frame_over_the_frame_limit_is_refused_at_every_limit_below_its_length() {
        for wire in [
            &b"_\r\n"[..],
            b"#t\r\n",
            b":-12\r\n",
            b"+ab\r\n",
            b"+OK\r\n",
            b"*1\r\n+OK\r\n",
            b",1.5\r\n",
            b"(-12\r\n",
            b"$2\r\nab\r\n",
            b"!2\r\nab\r\n",
            b"=6\r\ntxt:ab\r\n",
            b"$-1\r\n",
            b"*-1\r\n",
            b"*2\r\n:1\r\n$2\r\nab\r\n",
        ] {
            for max in 0..wire.len() {
                let limits = with(|l| l.max_frame_len = max);
                assert!(
                    matches!(
                        scan_with(wire, &limits),
                        Err(ProtocolError {
                            kind: Kind::FrameTooLong { .. },
                            ..
                        })
                    ),
                    "{wire:?} with a limit of {max}"
                );
            }
            // At exactly its length it fits, however it arrives.
            let limits = with(|l| l.max_frame_len = wire.len());
            for cut in 0..wire.len() {
                let mut s = Scanner::default();
                assert!(
                    matches!(s.scan(&wire[..cut], &limits), Ok(Scan::Incomplete { .. })),
                    "{wire:?} cut at {cut}"
                );
                assert_eq!(
                    s.scan(wire, &limits),
                    Ok(Scan::Complete { len: wire.len() }),
                    "{wire:?} cut at {cut}"
                );
            }
        }
    }
}
