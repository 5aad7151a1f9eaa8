//! Writing values as RESP bytes.
//!
//! Clients send commands (see [`crate::Cmd`]), so this is mostly for servers — the simulator's
//! fake nodes — and for round-trip tests. Values can be written as RESP3 or downgraded to
//! RESP2 for a connection that never said `HELLO 3`. Like decoding, encoding walks nested
//! values with an explicit stack instead of recursing.

use alloc::vec::Vec;
use core::fmt::Write as _;

use super::Value;

/// The protocol version a connection speaks.
///
/// ```
/// use keyslot_core::resp::{encode_as, Protocol, Value};
/// let mut resp2 = Vec::new();
/// encode_as(&Value::Boolean(true), Protocol::Resp2, &mut resp2);
/// assert_eq!(resp2, b":1\r\n");
/// assert_eq!(Protocol::default(), Protocol::Resp3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Protocol {
    /// RESP2: simple strings, errors, integers, bulks and arrays only.
    Resp2,
    /// RESP3, entered with `HELLO 3`.
    #[default]
    Resp3,
}

/// Append the RESP3 encoding of `value` to `out`.
///
/// ```
/// use keyslot_core::resp::{decode, encode, Value};
/// let value = Value::Map(vec![(Value::from("k"), Value::Integer(1))]);
/// let mut out = Vec::new();
/// encode(&value, &mut out);
/// assert_eq!(out, b"%1\r\n$1\r\nk\r\n:1\r\n");
/// assert_eq!(decode(&out).unwrap(), Some((value, out.len())));
/// ```
pub fn encode(value: &Value, out: &mut Vec<u8>) {
    encode_as(value, Protocol::Resp3, out);
}

/// Append `value` to `out` as `protocol` allows. For RESP2, RESP3-only types take the form a
/// RESP2 server gives them: maps, sets and pushes become flat arrays, doubles and big numbers
/// bulk strings, booleans 1 or 0, null `$-1`, and attributes are dropped.
///
/// ```
/// use keyslot_core::resp::{encode_as, Protocol, Value};
/// let value = Value::Map(vec![(Value::from("k"), Value::Double(1.5))]);
/// let mut out = Vec::new();
/// encode_as(&value, Protocol::Resp2, &mut out);
/// // A flat array, and the double as text.
/// assert_eq!(out, b"*2\r\n$1\r\nk\r\n$3\r\n1.5\r\n");
/// ```
pub fn encode_as(value: &Value, protocol: Protocol, out: &mut Vec<u8>) {
    let resp3 = protocol == Protocol::Resp3;
    let mut stack: Vec<&Value> = Vec::new();
    stack.push(value);
    while let Some(v) = stack.pop() {
        match v {
            Value::SimpleString(s) => line_or_blob(out, b'+', b'$', s),
            Value::Error(s) if resp3 => line_or_blob(out, b'-', b'!', s),
            Value::Error(s) => {
                out.push(b'-');
                out.extend(
                    s.iter()
                        .map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }),
                );
                out.extend_from_slice(b"\r\n");
            }
            Value::Integer(i) => header(out, b':', *i),
            Value::BulkString(b) => blob(out, b'$', b),
            Value::Null if resp3 => out.extend_from_slice(b"_\r\n"),
            Value::Null => out.extend_from_slice(b"$-1\r\n"),
            Value::Double(d) => {
                let mut text = Vec::new();
                write_double(&mut text, *d);
                if resp3 {
                    out.push(b',');
                    out.extend_from_slice(&text);
                    out.extend_from_slice(b"\r\n");
                } else {
                    blob(out, b'$', &text);
                }
            }
            Value::Boolean(b) if resp3 => {
                out.extend_from_slice(if *b { b"#t\r\n" } else { b"#f\r\n" })
            }
            Value::Boolean(b) => header(out, b':', i64::from(*b)),
            Value::BigNumber(n) if resp3 => {
                out.push(b'(');
                out.extend_from_slice(n);
                out.extend_from_slice(b"\r\n");
            }
            Value::BigNumber(n) => blob(out, b'$', n),
            Value::Verbatim { format, text } if resp3 => {
                header(out, b'=', (text.len() + 4) as i64);
                out.extend_from_slice(format);
                out.push(b':');
                out.extend_from_slice(text);
                out.extend_from_slice(b"\r\n");
            }
            Value::Verbatim { text, .. } => blob(out, b'$', text),
            Value::Array(items) => push_items(out, &mut stack, b'*', items),
            Value::Set(items) => {
                push_items(out, &mut stack, if resp3 { b'~' } else { b'*' }, items)
            }
            Value::Push(items) => {
                push_items(out, &mut stack, if resp3 { b'>' } else { b'*' }, items)
            }
            Value::Map(pairs) => {
                if resp3 {
                    header(out, b'%', pairs.len() as i64);
                } else {
                    header(out, b'*', (pairs.len() * 2) as i64);
                }
                push_pairs(&mut stack, pairs);
            }
            Value::Attribute { attributes, value } => {
                stack.push(value);
                if resp3 {
                    header(out, b'|', attributes.len() as i64);
                    push_pairs(&mut stack, attributes);
                }
            }
        }
    }
}

fn push_items<'a>(out: &mut Vec<u8>, stack: &mut Vec<&'a Value>, ty: u8, items: &'a [Value]) {
    header(out, ty, items.len() as i64);
    stack.extend(items.iter().rev());
}

fn push_pairs<'a>(stack: &mut Vec<&'a Value>, pairs: &'a [(Value, Value)]) {
    for (k, v) in pairs.iter().rev() {
        stack.push(v);
        stack.push(k);
    }
}

/// `<ty><n>\r\n`.
#[inline]
pub(crate) fn header(out: &mut Vec<u8>, ty: u8, n: i64) {
    out.push(ty);
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// `<ty><len>\r\n<bytes>\r\n`.
#[inline]
pub(crate) fn blob(out: &mut Vec<u8>, ty: u8, bytes: &[u8]) {
    header(out, ty, bytes.len() as i64);
    out.extend_from_slice(bytes);
    out.extend_from_slice(b"\r\n");
}

/// A line type when the text allows it, else the blob form that carries any bytes.
fn line_or_blob(out: &mut Vec<u8>, line_ty: u8, blob_ty: u8, text: &[u8]) {
    if memchr::memchr2(b'\r', b'\n', text).is_some() {
        blob(out, blob_ty, text);
    } else {
        out.push(line_ty);
        out.extend_from_slice(text);
        out.extend_from_slice(b"\r\n");
    }
}

struct VecWriter<'a>(&'a mut Vec<u8>);

impl core::fmt::Write for VecWriter<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// RESP3 spells the special doubles `inf`, `-inf` and `nan`; others use the shortest text
/// that parses back to the same bits.
fn write_double(out: &mut Vec<u8>, d: f64) {
    if d.is_nan() {
        out.extend_from_slice(b"nan");
    } else if d.is_infinite() {
        out.extend_from_slice(if d > 0.0 { b"inf" } else { b"-inf" });
    } else {
        let _ = write!(VecWriter(out), "{d:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::super::decode;
    use super::*;
    use alloc::boxed::Box;
    use alloc::vec;
    use bytes::Bytes;

    fn sample() -> Value {
        Value::Array(vec![
            Value::SimpleString(Bytes::from_static(b"OK")),
            Value::Error(Bytes::from_static(b"ERR multi\r\nline")),
            Value::Integer(-42),
            Value::from("bulk"),
            Value::Null,
            Value::Map(vec![(Value::from("k"), Value::Double(1.5))]),
            Value::Set(vec![Value::Boolean(true), Value::Double(f64::NEG_INFINITY)]),
            Value::BigNumber(Bytes::from_static(b"-123456789012345678901234567890")),
            Value::Verbatim {
                format: *b"txt",
                text: Bytes::from_static(b"hello"),
            },
            Value::Push(vec![Value::Double(f64::NAN)]),
            Value::Attribute {
                attributes: vec![(Value::from("ttl"), Value::Integer(3))],
                value: Box::new(Value::Array(vec![])),
            },
        ])
    }

    #[test]
    fn resp3_round_trip() {
        let v = sample();
        let mut out = Vec::new();
        encode(&v, &mut out);
        let (back, len) = decode(&out).unwrap().unwrap();
        assert_eq!(len, out.len());
        assert_eq!(back, v);
    }

    #[test]
    fn resp2_downgrade_uses_only_resp2_types() {
        let mut out = Vec::new();
        encode_as(&sample(), Protocol::Resp2, &mut out);
        let (back, _) = decode(&out).unwrap().unwrap();
        let items = back.as_slice().unwrap();
        assert_eq!(items.len(), 11);
        assert_eq!(
            items[1],
            Value::Error(Bytes::from_static(b"ERR multi  line"))
        );
        assert_eq!(items[4], Value::Null);
        assert_eq!(
            items[5],
            Value::Array(vec![Value::from("k"), Value::from("1.5")])
        );
        assert_eq!(
            items[6],
            Value::Array(vec![Value::Integer(1), Value::from("-inf")])
        );
        assert_eq!(items[10], Value::Array(vec![]));
        assert_eq!(items[7], Value::from("-123456789012345678901234567890"));
        assert_eq!(items[8], Value::from("hello"));
        assert_eq!(items[9], Value::Array(vec![Value::from("nan")]));
    }

    fn wire(value: &Value, protocol: Protocol) -> Vec<u8> {
        let mut out = Vec::new();
        encode_as(value, protocol, &mut out);
        out
    }

    #[test]
    fn the_exact_bytes_of_each_protocol() {
        let resp3: &[u8] = b"*11\r\n+OK\r\n!15\r\nERR multi\r\nline\r\n:-42\r\n$4\r\nbulk\r\n_\r\n\
            %1\r\n$1\r\nk\r\n,1.5\r\n~2\r\n#t\r\n,-inf\r\n(-123456789012345678901234567890\r\n\
            =9\r\ntxt:hello\r\n>1\r\n,nan\r\n|1\r\n$3\r\nttl\r\n:3\r\n*0\r\n";
        assert_eq!(wire(&sample(), Protocol::Resp3), resp3);
        let resp2: &[u8] = b"*11\r\n+OK\r\n-ERR multi  line\r\n:-42\r\n$4\r\nbulk\r\n$-1\r\n\
            *2\r\n$1\r\nk\r\n$3\r\n1.5\r\n*2\r\n:1\r\n$4\r\n-inf\r\n\
            $31\r\n-123456789012345678901234567890\r\n$5\r\nhello\r\n*1\r\n$3\r\nnan\r\n*0\r\n";
        assert_eq!(wire(&sample(), Protocol::Resp2), resp2);
        // A status with a line break needs the blob form; a false boolean and infinity.
        let odd = Value::Array(vec![
            Value::SimpleString(Bytes::from_static(b"a\nb")),
            Value::Boolean(false),
            Value::Double(f64::INFINITY),
            Value::Double(-0.25),
        ]);
        assert_eq!(
            wire(&odd, Protocol::Resp3),
            b"*4\r\n$3\r\na\nb\r\n#f\r\n,inf\r\n,-0.25\r\n"
        );
        assert_eq!(
            wire(&odd, Protocol::Resp2),
            b"*4\r\n$3\r\na\nb\r\n:0\r\n$3\r\ninf\r\n$5\r\n-0.25\r\n"
        );
        let mut appended = b"x".to_vec();
        encode(&Value::Integer(7), &mut appended);
        assert_eq!(appended, b"x:7\r\n", "encoding appends");
    }
}
