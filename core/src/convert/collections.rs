//! [`FromValue`] for containers: `Option`, `Vec`, arrays, sets, maps and tuples.
//!
//! Lists read arrays, sets and pushes; maps read RESP3 maps and RESP2 flat arrays of keys and
//! values (and arrays of two-element arrays, as some commands nest pairs); null reads as empty
//! for lists, sets and maps, as it does for a missing key's `HGETALL` or `SMEMBERS` in RESP2.
//! A `Vec` of pairs reads a map or a flat array pairwise, so `Vec<(String, f64)>` takes
//! `ZRANGE ... WITHSCORES` on both protocols.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;

use super::from_value::{mismatch, unwrapped, FromValue};
use crate::cluster::Error;
use crate::resp::Value;

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value) -> Result<Self, Error> {
        match unwrapped(value) {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// The elements of a list-like reply, or the key/value pairs of a map-like one.
enum Items {
    List(Vec<Value>),
    Pairs(Vec<(Value, Value)>),
}

/// Read a reply as a list of elements, or as pairs when `pairs` (a flat array is then read
/// two at a time, an array of two-element arrays one pair per element).
fn items(value: Value, expected: &'static str, pairs: bool) -> Result<Items, Error> {
    match unwrapped(value) {
        Value::Null => Ok(Items::List(Vec::new())),
        Value::Map(m) if pairs => Ok(Items::Pairs(m)),
        // A map read as a list: keys and values in turn, as RESP2 would have sent them.
        Value::Map(m) => Ok(Items::List(
            m.into_iter().flat_map(|(k, v)| [k, v]).collect(),
        )),
        Value::Array(v) | Value::Set(v) | Value::Push(v) if pairs => pairs_of(v, expected),
        Value::Array(v) | Value::Set(v) | Value::Push(v) => Ok(Items::List(v)),
        other => Err(mismatch(expected, &other)),
    }
}

/// A flat `[k, v, k, v]` array, or `[[k, v], [k, v]]`, as pairs.
fn pairs_of(elements: Vec<Value>, expected: &'static str) -> Result<Items, Error> {
    let nested = !elements.is_empty()
        && elements
            .iter()
            .all(|e| matches!(e.without_attributes(), Value::Array(p) if p.len() == 2));
    if nested {
        let mut out = Vec::with_capacity(elements.len());
        for e in elements {
            if let Value::Array(p) = unwrapped(e) {
                let mut p = p.into_iter();
                if let (Some(k), Some(v)) = (p.next(), p.next()) {
                    out.push((k, v));
                }
            }
        }
        return Ok(Items::Pairs(out));
    }
    if elements.len() % 2 != 0 {
        return Err(mismatch(expected, &Value::Array(elements)));
    }
    let mut out = Vec::with_capacity(elements.len() / 2);
    let mut it = elements.into_iter();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        out.push((k, v));
    }
    Ok(Items::Pairs(out))
}

/// Convert each element (or pair) into a collection.
fn collect<T: FromValue, C: FromIterator<T>>(
    value: Value,
    expected: &'static str,
) -> Result<C, Error> {
    match items(value, expected, T::IS_PAIR)? {
        Items::List(v) => v.into_iter().map(T::from_value).collect(),
        Items::Pairs(p) => p.into_iter().map(|(k, v)| T::from_pair(k, v)).collect(),
    }
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(value: Value) -> Result<Self, Error> {
        let value = unwrapped(value);
        match &value {
            Value::BulkString(b) | Value::SimpleString(b) => match T::vec_from_bytes(b.clone()) {
                Some(bytes) => Ok(bytes),
                None => Err(mismatch("an array", &value)),
            },
            _ => collect(value, "an array"),
        }
    }
}

impl<T: FromValue, const N: usize> FromValue for [T; N] {
    fn from_value(value: Value) -> Result<Self, Error> {
        let value = unwrapped(value);
        let len = value.as_slice().map(<[Value]>::len);
        if len != Some(N) {
            return Err(mismatch("an array of fixed length", &value));
        }
        let v: Vec<T> = collect(value, "an array of fixed length")?;
        v.try_into().map_err(|_| Error::Type {
            expected: "an array of fixed length",
            got: crate::resp::ValueKind::Array(N),
        })
    }
}

impl<T: FromValue + Ord> FromValue for BTreeSet<T> {
    fn from_value(value: Value) -> Result<Self, Error> {
        collect(value, "a set")
    }
}

impl<K: FromValue + Ord, V: FromValue> FromValue for BTreeMap<K, V> {
    fn from_value(value: Value) -> Result<Self, Error> {
        map_pairs(value)?.collect()
    }
}

/// Each key/value pair of a map-like reply, converted.
fn map_pairs<K: FromValue, V: FromValue>(
    value: Value,
) -> Result<impl Iterator<Item = Result<(K, V), Error>>, Error> {
    let pairs = match items(value, "a map", true)? {
        Items::Pairs(p) => p,
        Items::List(v) if v.is_empty() => Vec::new(),
        Items::List(v) => return Err(mismatch("a map", &Value::Array(v))),
    };
    Ok(pairs
        .into_iter()
        .map(|(k, v)| Ok((K::from_value(k)?, V::from_value(v)?))))
}

#[cfg(feature = "std")]
impl<T: FromValue + Eq + core::hash::Hash, S: core::hash::BuildHasher + Default> FromValue
    for std::collections::HashSet<T, S>
{
    fn from_value(value: Value) -> Result<Self, Error> {
        collect(value, "a set")
    }
}

#[cfg(feature = "std")]
impl<K: FromValue + Eq + core::hash::Hash, V: FromValue, S: core::hash::BuildHasher + Default>
    FromValue for std::collections::HashMap<K, V, S>
{
    fn from_value(value: Value) -> Result<Self, Error> {
        map_pairs(value)?.collect()
    }
}

impl<A: FromValue, B: FromValue> FromValue for (A, B) {
    fn from_value(value: Value) -> Result<Self, Error> {
        let value = unwrapped(value);
        match value {
            Value::Array(v) if v.len() == 2 => {
                let mut it = v.into_iter();
                match (it.next(), it.next()) {
                    (Some(a), Some(b)) => Ok((A::from_value(a)?, B::from_value(b)?)),
                    _ => Err(Error::Type {
                        expected: "an array of 2",
                        got: crate::resp::ValueKind::Array(0),
                    }),
                }
            }
            other => Err(mismatch("an array of 2", &other)),
        }
    }

    fn from_pair(key: Value, value: Value) -> Result<Self, Error> {
        Ok((A::from_value(key)?, B::from_value(value)?))
    }

    const IS_PAIR: bool = true;
}

/// Tuples of 1 and of 3 to 12: an array of exactly that many elements.
macro_rules! tuple {
    ($n:literal; $($t:ident),+) => {
        impl<$($t: FromValue),+> FromValue for ($($t,)+) {
            fn from_value(value: Value) -> Result<Self, Error> {
                let value = unwrapped(value);
                match value {
                    Value::Array(v) if v.len() == $n => {
                        let mut it = v.into_iter();
                        Ok(($(
                            $t::from_value(it.next().unwrap_or(Value::Null))?,
                        )+))
                    }
                    other => Err(mismatch(concat!("an array of ", $n), &other)),
                }
            }
        }
    };
}

tuple!(1; A);
tuple!(3; A, B, C);
tuple!(4; A, B, C, D);
tuple!(5; A, B, C, D, E);
tuple!(6; A, B, C, D, E, F);
tuple!(7; A, B, C, D, E, F, G);
tuple!(8; A, B, C, D, E, F, G, H);
tuple!(9; A, B, C, D, E, F, G, H, I);
tuple!(10; A, B, C, D, E, F, G, H, I, J);
tuple!(11; A, B, C, D, E, F, G, H, I, J, K);
tuple!(12; A, B, C, D, E, F, G, H, I, J, K, L);
