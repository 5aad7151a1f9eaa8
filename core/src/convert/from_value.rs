//! [`FromValue`] and its impls for scalars: `Value`, `()`, strings, bytes, numbers, `bool`.
//!
//! Numbers are read from integers and doubles and from their text (RESP2 sends `INCRBYFLOAT`'s
//! result and a sorted set's scores as bulk strings); an integer that does not fit the width
//! asked for is a type error, never a truncation.

use alloc::string::String;
use alloc::vec::Vec;
use bytes::Bytes;

use crate::cluster::Error;
use crate::resp::Value;

/// A Rust type a reply converts to.
///
/// Implemented for [`Value`] (as it came), `()` (any non-error reply), `String`, `Vec<u8>`,
/// [`Bytes`], every integer width, `f32`, `f64`, `bool`, `Option<T>` (`None` for null),
/// `Vec<T>`, `[T; N]`, `BTreeSet`/`HashSet`, `BTreeMap`/`HashMap` (from RESP3 maps and RESP2
/// flat arrays alike) and tuples of up to 12 elements.
///
/// A type of one's own, read through an existing impl:
///
/// ```
/// use keyslot_core::cluster::Error;
/// use keyslot_core::convert::FromValue;
/// use keyslot_core::resp::Value;
///
/// struct Celsius(f64);
///
/// impl FromValue for Celsius {
///     fn from_value(value: Value) -> Result<Self, Error> {
///         f64::from_value(value).map(Celsius)
///     }
/// }
///
/// let Celsius(t) = Celsius::from_value(Value::from("21.5")).unwrap();
/// assert_eq!(t, 21.5);
/// ```
pub trait FromValue: Sized {
    /// Convert `value`, or say why it does not fit.
    ///
    /// ```
    /// use keyslot_core::cluster::Error;
    /// use keyslot_core::convert::FromValue;
    /// use keyslot_core::resp::{Value, ValueKind};
    /// assert_eq!(u8::from_value(Value::from("7")).unwrap(), 7);
    /// // 300 does not fit a u8: a type error, not a truncation.
    /// let err = u8::from_value(Value::Integer(300)).unwrap_err();
    /// assert_eq!(err, Error::Type { expected: "u8", got: ValueKind::Integer });
    /// // An error reply is the server's error.
    /// assert!(matches!(String::from_value(Value::Error("ERR no".into())), Err(Error::Server(_))));
    /// ```
    fn from_value(value: Value) -> Result<Self, Error>;

    /// Convert one key/value pair of a map (a RESP3 map's entry, or two consecutive elements
    /// of a RESP2 flat array). Only pairs (2-tuples) accept one.
    #[doc(hidden)]
    fn from_pair(key: Value, value: Value) -> Result<Self, Error> {
        let _ = value;
        Err(mismatch("a pair", &key))
    }

    /// True for types built from a pair ([`FromValue::from_pair`]): a `Vec` of them reads a
    /// flat array two elements at a time.
    #[doc(hidden)]
    const IS_PAIR: bool = false;

    /// A whole byte string as a `Vec` of this type, for the one type that has that reading
    /// (`u8`: `Vec<u8>` is the bytes).
    #[doc(hidden)]
    fn vec_from_bytes(bytes: Bytes) -> Option<Vec<Self>> {
        let _ = bytes;
        None
    }
}

/// The error for a reply that does not convert to `expected`: the server's own error when
/// the reply is one (an element of a transaction or pipeline), else a type error.
pub(crate) fn mismatch(expected: &'static str, value: &Value) -> Error {
    match value.without_attributes() {
        Value::Error(text) => Error::Server(text.clone().into()),
        other => Error::Type {
            expected,
            got: other.kind(),
        },
    }
}

/// `value` without the attributes around it.
pub(crate) fn unwrapped(value: Value) -> Value {
    let mut value = value;
    while let Value::Attribute { value: inner, .. } = value {
        value = *inner;
    }
    value
}

/// The text of a string-like reply.
fn text_of(value: &Value) -> Option<&[u8]> {
    match value {
        Value::SimpleString(b)
        | Value::BulkString(b)
        | Value::BigNumber(b)
        | Value::Verbatim { text: b, .. } => Some(b),
        _ => None,
    }
}

impl FromValue for Value {
    fn from_value(value: Value) -> Result<Self, Error> {
        Ok(value)
    }
}

impl FromValue for () {
    fn from_value(value: Value) -> Result<Self, Error> {
        match unwrapped(value) {
            Value::Error(text) => Err(Error::Server(text.into())),
            _ => Ok(()),
        }
    }
}

impl FromValue for Bytes {
    fn from_value(value: Value) -> Result<Self, Error> {
        match unwrapped(value) {
            Value::SimpleString(b)
            | Value::BulkString(b)
            | Value::BigNumber(b)
            | Value::Verbatim { text: b, .. } => Ok(b),
            other => Err(mismatch("bytes", &other)),
        }
    }
}

impl FromValue for String {
    fn from_value(value: Value) -> Result<Self, Error> {
        let value = unwrapped(value);
        match &value {
            Value::Integer(i) => return Ok(itoa::Buffer::new().format(*i).into()),
            Value::Double(d) => {
                let mut out = Vec::new();
                crate::ToArg::write_arg(d, &mut out);
                return String::from_utf8(out).map_err(|_| mismatch("a string", &value));
            }
            _ => {}
        }
        let Some(text) = text_of(&value) else {
            return Err(mismatch("a string", &value));
        };
        match core::str::from_utf8(text) {
            Ok(s) => Ok(s.into()),
            Err(_) => Err(mismatch("a UTF-8 string", &value)),
        }
    }
}

/// Integers: from an integer reply, or from decimal text. Extra items go into the impl.
macro_rules! integer {
    ($t:ty $(, $extra:item)*) => {
        impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self, Error> {
                let value = unwrapped(value);
                let wide: Option<i128> = match &value {
                    Value::Integer(i) => Some(i128::from(*i)),
                    other => text_of(other)
                        .and_then(|t| core::str::from_utf8(t).ok())
                        .and_then(|t| t.parse::<i128>().ok()),
                };
                wide.and_then(|w| <$t>::try_from(w).ok())
                    .ok_or_else(|| mismatch(stringify!($t), &value))
            }
            $($extra)*
        }
    };
}

integer!(i8);
integer!(i16);
integer!(i32);
integer!(i64);
integer!(i128);
integer!(isize);
integer!(u16);
integer!(u32);
integer!(u64);
integer!(u128);
integer!(usize);
// `Vec<u8>` from a byte string is its bytes.
integer!(
    u8,
    fn vec_from_bytes(bytes: Bytes) -> Option<Vec<Self>> {
        Some(bytes.to_vec())
    }
);

/// Floats: from a double, an integer, or their text (`inf`, `-inf` and `nan` included).
macro_rules! floats {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self, Error> {
                let value = unwrapped(value);
                match &value {
                    Value::Double(d) => return Ok(*d as $t),
                    Value::Integer(i) => return Ok(*i as $t),
                    _ => {}
                }
                text_of(&value)
                    .and_then(|t| core::str::from_utf8(t).ok())
                    .and_then(|t| t.parse::<$t>().ok())
                    .ok_or_else(|| mismatch(stringify!($t), &value))
            }
        }
    )*};
}

floats!(f32, f64);

impl FromValue for bool {
    /// A RESP3 boolean; an integer (non-zero is true, as `EXISTS`, `SISMEMBER` and `EXPIRE`
    /// answer); `"1"`/`"0"` text; `OK` (true).
    fn from_value(value: Value) -> Result<Self, Error> {
        let value = unwrapped(value);
        match &value {
            Value::Boolean(b) => Ok(*b),
            Value::Integer(i) => Ok(*i != 0),
            Value::SimpleString(s) if s.as_ref() == b"OK" => Ok(true),
            other => match text_of(other) {
                Some(b"1") => Ok(true),
                Some(b"0") => Ok(false),
                _ => Err(mismatch("a boolean", &value)),
            },
        }
    }
}
