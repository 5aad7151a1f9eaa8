//! The decoded form of a RESP2 or RESP3 frame.

use alloc::boxed::Box;
use alloc::vec::Vec;
use bytes::Bytes;

/// One RESP value. RESP2 replies use the first six variants; RESP3 adds the rest.
///
/// Byte-carrying variants hold [`Bytes`]: when decoded from a `BytesMut` they share its
/// memory instead of copying. Equality treats two `Double`s as equal when both are NaN or
/// when their bits agree, so that a frame always equals itself.
///
/// ```
/// use keyslot_core::resp::{decode, Value};
/// let (value, len) = decode(b"*2\r\n$3\r\nfoo\r\n:7\r\n").unwrap().unwrap();
/// assert_eq!(len, 17);
/// assert_eq!(value, Value::Array(vec![Value::from("foo"), Value::Integer(7)]));
/// ```
#[derive(Clone, Debug)]
pub enum Value {
    /// `+OK`: a short status line.
    SimpleString(Bytes),
    /// `-ERR ...` or the RESP3 blob error `!`: the error text as the server sent it.
    Error(Bytes),
    /// `:42`.
    Integer(i64),
    /// `$5\r\nhello`: binary-safe bytes.
    BulkString(Bytes),
    /// `*N`: an ordered list.
    Array(Vec<Value>),
    /// `_`, or RESP2's `$-1` / `*-1`.
    Null,
    /// `%N`: key/value pairs in the order received.
    Map(Vec<(Value, Value)>),
    /// `~N`: an unordered collection, kept in the order received.
    Set(Vec<Value>),
    /// `,3.14`, including `inf`, `-inf` and `nan`.
    Double(f64),
    /// `#t` / `#f`.
    Boolean(bool),
    /// `(1234...`: an integer outside i64, as its decimal digits.
    BigNumber(Bytes),
    /// `=15\r\ntxt:...`: text with a three-byte format tag.
    Verbatim {
        /// The format, such as `txt` or `mkd`.
        format: [u8; 3],
        /// The text after the `fmt:` prefix.
        text: Bytes,
    },
    /// `>N`: an out-of-band message (pub/sub, invalidation).
    Push(Vec<Value>),
    /// `|N`: attributes that annotate the value that follows them.
    Attribute {
        /// The attribute pairs.
        attributes: Vec<(Value, Value)>,
        /// The annotated value.
        value: Box<Value>,
    },
}

/// The kind of a [`Value`], without its contents: what a conversion error names.
///
/// ```
/// use keyslot_core::resp::{Value, ValueKind};
/// let reply = Value::Array(vec![Value::Null, Value::Integer(1)]);
/// assert_eq!(reply.kind(), ValueKind::Array(2));
/// assert_eq!(reply.kind().to_string(), "an array of 2");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// [`Value::SimpleString`].
    SimpleString,
    /// [`Value::Error`].
    Error,
    /// [`Value::Integer`].
    Integer,
    /// [`Value::BulkString`].
    BulkString,
    /// [`Value::Array`] (with its length).
    Array(usize),
    /// [`Value::Null`].
    Null,
    /// [`Value::Map`] (with its number of pairs).
    Map(usize),
    /// [`Value::Set`] (with its length).
    Set(usize),
    /// [`Value::Double`].
    Double,
    /// [`Value::Boolean`].
    Boolean,
    /// [`Value::BigNumber`].
    BigNumber,
    /// [`Value::Verbatim`].
    Verbatim,
    /// [`Value::Push`].
    Push,
}

impl core::fmt::Display for ValueKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ValueKind::SimpleString => f.write_str("a simple string"),
            ValueKind::Error => f.write_str("an error"),
            ValueKind::Integer => f.write_str("an integer"),
            ValueKind::BulkString => f.write_str("a bulk string"),
            ValueKind::Array(n) => write!(f, "an array of {n}"),
            ValueKind::Null => f.write_str("null"),
            ValueKind::Map(n) => write!(f, "a map of {n} pairs"),
            ValueKind::Set(n) => write!(f, "a set of {n}"),
            ValueKind::Double => f.write_str("a double"),
            ValueKind::Boolean => f.write_str("a boolean"),
            ValueKind::BigNumber => f.write_str("a big number"),
            ValueKind::Verbatim => f.write_str("a verbatim string"),
            ValueKind::Push => f.write_str("a push message"),
        }
    }
}

impl Value {
    /// What kind of value this is (attributes looked through).
    ///
    /// ```
    /// use keyslot_core::resp::{Value, ValueKind};
    /// assert_eq!(Value::from("x").kind(), ValueKind::BulkString);
    /// let annotated = Value::Attribute { attributes: vec![], value: Box::new(Value::Integer(1)) };
    /// assert_eq!(annotated.kind(), ValueKind::Integer);
    /// ```
    pub fn kind(&self) -> ValueKind {
        match self.without_attributes() {
            Value::SimpleString(_) => ValueKind::SimpleString,
            Value::Error(_) => ValueKind::Error,
            Value::Integer(_) => ValueKind::Integer,
            Value::BulkString(_) => ValueKind::BulkString,
            Value::Array(v) => ValueKind::Array(v.len()),
            Value::Null => ValueKind::Null,
            Value::Map(m) => ValueKind::Map(m.len()),
            Value::Set(v) => ValueKind::Set(v.len()),
            Value::Double(_) => ValueKind::Double,
            Value::Boolean(_) => ValueKind::Boolean,
            Value::BigNumber(_) => ValueKind::BigNumber,
            Value::Verbatim { .. } => ValueKind::Verbatim,
            Value::Push(_) => ValueKind::Push,
            // `without_attributes` never stops at an attribute.
            Value::Attribute { .. } => ValueKind::Null,
        }
    }

    /// The bytes of a simple string, bulk string, verbatim text, big number or error.
    ///
    /// ```
    /// use keyslot_core::resp::Value;
    /// assert_eq!(Value::from("hi").as_bytes(), Some(&b"hi"[..]));
    /// assert_eq!(Value::Error("ERR no".into()).as_bytes(), Some(&b"ERR no"[..]));
    /// assert_eq!(Value::Integer(1).as_bytes(), None);
    /// ```
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::SimpleString(b)
            | Value::BulkString(b)
            | Value::BigNumber(b)
            | Value::Error(b)
            | Value::Verbatim { text: b, .. } => Some(b),
            _ => None,
        }
    }

    /// The text of a string-like value when it is valid UTF-8.
    ///
    /// ```
    /// use keyslot_core::resp::Value;
    /// assert_eq!(Value::SimpleString("OK".into()).as_str(), Some("OK"));
    /// assert_eq!(Value::BulkString(vec![0xff].into()).as_str(), None);
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        self.as_bytes().and_then(|b| core::str::from_utf8(b).ok())
    }

    /// The integer of an `Integer` value.
    ///
    /// ```
    /// use keyslot_core::resp::Value;
    /// assert_eq!(Value::Integer(42).as_integer(), Some(42));
    /// // Text is not parsed here; `FromValue` reads "42" as a number.
    /// assert_eq!(Value::from("42").as_integer(), None);
    /// ```
    pub fn as_integer(&self) -> Option<i64> {
        match self {
            Value::Integer(i) => Some(*i),
            _ => None,
        }
    }

    /// The elements of an array, set or push.
    ///
    /// ```
    /// use keyslot_core::resp::Value;
    /// let set = Value::Set(vec![Value::from("a"), Value::from("b")]);
    /// assert_eq!(set.as_slice().map(|items| items.len()), Some(2));
    /// assert_eq!(Value::Null.as_slice(), None);
    /// ```
    pub fn as_slice(&self) -> Option<&[Value]> {
        match self {
            Value::Array(v) | Value::Set(v) | Value::Push(v) => Some(v),
            _ => None,
        }
    }

    /// True for `Error`.
    ///
    /// ```
    /// use keyslot_core::resp::decode;
    /// let (reply, _) = decode(b"-WRONGTYPE Operation against a key\r\n").unwrap().unwrap();
    /// assert!(reply.is_error());
    /// ```
    pub fn is_error(&self) -> bool {
        matches!(self, Value::Error(_))
    }

    /// True for `Null`.
    ///
    /// ```
    /// use keyslot_core::resp::decode;
    /// // RESP2's null bulk string and RESP3's null decode alike.
    /// assert!(decode(b"$-1\r\n").unwrap().unwrap().0.is_null());
    /// assert!(decode(b"_\r\n").unwrap().unwrap().0.is_null());
    /// ```
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// For an `Attribute`, the value it annotates; otherwise `self`.
    ///
    /// ```
    /// use keyslot_core::resp::Value;
    /// let reply = Value::Attribute {
    ///     attributes: vec![(Value::from("ttl"), Value::Integer(3))],
    ///     value: Box::new(Value::Integer(42)),
    /// };
    /// assert_eq!(reply.without_attributes(), &Value::Integer(42));
    /// assert_eq!(reply.as_integer(), None); // the accessors do not look through
    /// ```
    pub fn without_attributes(&self) -> &Value {
        let mut v = self;
        while let Value::Attribute { value, .. } = v {
            v = value;
        }
        v
    }
}

fn same_double(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (SimpleString(a), SimpleString(b)) => a == b,
            (Error(a), Error(b)) => a == b,
            (Integer(a), Integer(b)) => a == b,
            (BulkString(a), BulkString(b)) => a == b,
            (Array(a), Array(b)) => a == b,
            (Null, Null) => true,
            (Map(a), Map(b)) => a == b,
            (Set(a), Set(b)) => a == b,
            (Double(a), Double(b)) => same_double(*a, *b),
            (Boolean(a), Boolean(b)) => a == b,
            (BigNumber(a), BigNumber(b)) => a == b,
            (
                Verbatim {
                    format: fa,
                    text: ta,
                },
                Verbatim {
                    format: fb,
                    text: tb,
                },
            ) => fa == fb && ta == tb,
            (Push(a), Push(b)) => a == b,
            (
                Attribute {
                    attributes: aa,
                    value: va,
                },
                Attribute {
                    attributes: ab,
                    value: vb,
                },
            ) => aa == ab && va == vb,
            _ => false,
        }
    }
}

impl Eq for Value {}

impl From<&'static str> for Value {
    /// A bulk string.
    fn from(s: &'static str) -> Self {
        Value::BulkString(Bytes::from_static(s.as_bytes()))
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Integer(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_equals_itself_and_zero_signs_differ() {
        assert_eq!(Value::Double(f64::NAN), Value::Double(f64::NAN));
        assert_ne!(Value::Double(0.0), Value::Double(-0.0));
        assert_ne!(Value::Integer(1), Value::Double(1.0));
    }

    #[test]
    fn accessors() {
        let v = Value::Attribute {
            attributes: Vec::new(),
            value: Box::new(Value::from("x")),
        };
        assert_eq!(v.without_attributes().as_str(), Some("x"));
        assert_eq!(Value::Integer(3).as_integer(), Some(3));
        assert!(Value::Error(Bytes::from_static(b"ERR")).is_error());
        assert!(Value::Null.is_null());
    }
}
