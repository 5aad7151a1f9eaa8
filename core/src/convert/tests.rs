//! Each conversion from the forms RESP2 and RESP3 send, and what does not fit.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use bytes::Bytes;

use super::{FromValue, ToArgs};
use crate::cluster::Error;
use crate::resp::{Value, ValueKind};
use crate::Cmd;

fn bulk(s: &str) -> Value {
    Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
}

fn conv<T: FromValue>(v: Value) -> Result<T, Error> {
    T::from_value(v)
}

#[test]
fn strings_and_bytes() {
    assert_eq!(conv::<String>(bulk("hi")), Ok("hi".into()));
    assert_eq!(
        conv::<String>(Value::SimpleString("OK".into())),
        Ok("OK".into())
    );
    assert_eq!(conv::<String>(Value::Integer(-7)), Ok("-7".into()));
    assert_eq!(conv::<String>(Value::Double(1.5)), Ok("1.5".into()));
    let verbatim = Value::Verbatim {
        format: *b"txt",
        text: "v".into(),
    };
    assert_eq!(conv::<String>(verbatim), Ok("v".into()));
    assert_eq!(
        conv::<String>(Value::BulkString(Bytes::from_static(b"\xff"))),
        Err(Error::Type {
            expected: "a UTF-8 string",
            got: ValueKind::BulkString
        })
    );
    assert_eq!(
        conv::<String>(Value::Null),
        Err(Error::Type {
            expected: "a string",
            got: ValueKind::Null
        })
    );
    assert_eq!(
        conv::<Vec<u8>>(Value::BulkString(Bytes::from_static(b"\x00\xff"))),
        Ok(vec![0, 255])
    );
    assert_eq!(conv::<Bytes>(bulk("b")), Ok(Bytes::from_static(b"b")));
    assert!(conv::<Bytes>(Value::Integer(1)).is_err());
}

#[test]
fn numbers_from_integers_doubles_and_text() {
    assert_eq!(conv::<i64>(Value::Integer(42)), Ok(42));
    assert_eq!(conv::<u8>(bulk("255")), Ok(255));
    assert_eq!(
        conv::<u8>(Value::Integer(256)),
        Err(Error::Type {
            expected: "u8",
            got: ValueKind::Integer
        }),
        "out of range is an error, not a truncation"
    );
    assert!(conv::<u32>(Value::Integer(-1)).is_err());
    assert!(conv::<i32>(bulk("12x")).is_err());
    assert_eq!(conv::<f64>(Value::Double(2.5)), Ok(2.5));
    assert_eq!(conv::<f64>(bulk("3.25")), Ok(3.25), "RESP2 scores are text");
    assert_eq!(conv::<f64>(bulk("inf")), Ok(f64::INFINITY));
    assert_eq!(conv::<f32>(Value::Integer(3)), Ok(3.0));
    assert!(conv::<f64>(bulk("x")).is_err());
}

#[test]
fn booleans_unit_and_values() {
    assert_eq!(conv::<bool>(Value::Boolean(true)), Ok(true));
    assert_eq!(conv::<bool>(Value::Integer(0)), Ok(false));
    assert_eq!(conv::<bool>(Value::Integer(1)), Ok(true));
    assert_eq!(conv::<bool>(Value::SimpleString("OK".into())), Ok(true));
    assert_eq!(conv::<bool>(bulk("0")), Ok(false));
    assert!(conv::<bool>(bulk("yes")).is_err());
    assert_eq!(conv::<()>(Value::SimpleString("OK".into())), Ok(()));
    assert_eq!(conv::<Value>(Value::Integer(1)), Ok(Value::Integer(1)));
}

#[test]
fn a_nested_error_reply_is_the_servers_error() {
    let e = conv::<Vec<i64>>(Value::Array(vec![
        Value::Integer(1),
        Value::Error("WRONGTYPE Operation against a key".into()),
    ]))
    .unwrap_err();
    assert_eq!(
        e.server_error().map(|s| s.kind()),
        Some(crate::cluster::ServerErrorKind::WrongType)
    );
    assert!(conv::<()>(Value::Error("ERR x".into())).is_err());
}

#[test]
fn options_and_lists() {
    assert_eq!(conv::<Option<String>>(Value::Null), Ok(None));
    assert_eq!(conv::<Option<String>>(bulk("a")), Ok(Some("a".into())));
    let mget = Value::Array(vec![bulk("1"), Value::Null, bulk("3")]);
    assert_eq!(
        conv::<Vec<Option<u32>>>(mget),
        Ok(vec![Some(1), None, Some(3)])
    );
    assert_eq!(conv::<Vec<String>>(Value::Null), Ok(vec![]));
    let set = Value::Set(vec![bulk("a"), bulk("b")]);
    assert_eq!(
        conv::<Vec<String>>(set.clone()),
        Ok(vec!["a".into(), "b".into()])
    );
    assert_eq!(
        conv::<BTreeSet<String>>(set),
        Ok(["a".into(), "b".into()].into_iter().collect())
    );
    assert_eq!(
        conv::<[i64; 2]>(Value::Array(vec![Value::Integer(1), Value::Integer(2)])),
        Ok([1, 2])
    );
    assert!(conv::<[i64; 3]>(Value::Array(vec![Value::Integer(1)])).is_err());
    assert!(conv::<Vec<String>>(Value::Integer(3)).is_err());
}

#[test]
fn maps_from_resp3_maps_and_resp2_flat_arrays() {
    let flat = Value::Array(vec![bulk("a"), bulk("1"), bulk("b"), bulk("2")]);
    let map = Value::Map(vec![(bulk("a"), bulk("1")), (bulk("b"), Value::Integer(2))]);
    let want: BTreeMap<String, i64> = [("a".into(), 1), ("b".into(), 2)].into_iter().collect();
    assert_eq!(
        conv::<BTreeMap<String, i64>>(flat.clone()),
        Ok(want.clone())
    );
    assert_eq!(conv::<BTreeMap<String, i64>>(map.clone()), Ok(want.clone()));
    let hashed: std::collections::HashMap<String, i64> = conv(map.clone()).unwrap();
    assert_eq!(hashed.len(), 2);
    assert_eq!(
        conv::<BTreeMap<String, i64>>(Value::Null),
        Ok(BTreeMap::new())
    );
    // Pairs in order, from either form, and ZRANGE WITHSCORES nested in RESP3.
    let pairs = vec![("a".into(), 1), ("b".into(), 2)];
    assert_eq!(conv::<Vec<(String, i64)>>(flat), Ok(pairs.clone()));
    assert_eq!(conv::<Vec<(String, i64)>>(map.clone()), Ok(pairs.clone()));
    let nested = Value::Array(vec![
        Value::Array(vec![bulk("a"), Value::Double(1.0)]),
        Value::Array(vec![bulk("b"), Value::Double(2.0)]),
    ]);
    assert_eq!(
        conv::<Vec<(String, f64)>>(nested),
        Ok(vec![("a".into(), 1.0), ("b".into(), 2.0)])
    );
    // A map read as a list is keys and values in turn, as RESP2 sends it.
    assert_eq!(
        conv::<Vec<String>>(map),
        Ok(vec!["a".into(), "1".into(), "b".into(), "2".into()])
    );
    let odd = Value::Array(vec![bulk("a"), bulk("1"), bulk("b")]);
    assert_eq!(
        conv::<BTreeMap<String, String>>(odd),
        Err(Error::Type {
            expected: "a map",
            got: ValueKind::Array(3)
        })
    );
}

#[test]
fn tuples_take_arrays_of_their_length() {
    let v = Value::Array(vec![bulk("k"), Value::Integer(2), Value::Null]);
    assert_eq!(
        conv::<(String, i64, Option<String>)>(v.clone()),
        Ok(("k".into(), 2, None))
    );
    assert!(conv::<(String, i64)>(v.clone()).is_err());
    assert!(conv::<(String, i64, Option<String>, i64)>(v).is_err());
    let twelve = Value::Array((0..12).map(Value::Integer).collect());
    let t: (u8, u8, u8, u8, u8, u8, u8, u8, u8, u8, u8, u8) = conv(twelve).unwrap();
    assert_eq!(t.11, 11);
}

#[test]
fn attributes_are_looked_through() {
    let v = Value::Attribute {
        attributes: vec![],
        value: alloc::boxed::Box::new(Value::Integer(5)),
    };
    assert_eq!(conv::<u64>(v), Ok(5));
}

fn args(a: impl ToArgs) -> Vec<Vec<u8>> {
    Cmd::new("X")
        .arg(a)
        .args()
        .skip(1)
        .map(<[u8]>::to_vec)
        .collect()
}

#[test]
fn arguments_from_scalars_containers_and_bytes() {
    assert_eq!(args("a"), [b"a".to_vec()]);
    assert_eq!(args(String::from("s")), [b"s".to_vec()]);
    assert_eq!(args(-12i64), [b"-12".to_vec()]);
    assert_eq!(args(7u8), [b"7".to_vec()]);
    assert_eq!(args(1.5f32), [b"1.5".to_vec()]);
    assert_eq!(args(f64::NEG_INFINITY), [b"-inf".to_vec()]);
    assert_eq!(args(true), [b"1".to_vec()]);
    // Bytes stay one argument however they are held.
    assert_eq!(args(b"\x00\x01"), [vec![0, 1]]);
    assert_eq!(args(vec![0u8, 1]), [vec![0, 1]]);
    assert_eq!(args(&[0u8, 1][..]), [vec![0, 1]]);
    assert_eq!(args(Bytes::from_static(b"b")), [b"b".to_vec()]);
    // Containers are one argument per element.
    assert_eq!(args(["a", "b"]), [b"a".to_vec(), b"b".to_vec()]);
    assert_eq!(args(vec![1u32, 2]), [b"1".to_vec(), b"2".to_vec()]);
    assert_eq!(args(("EX", 10)), [b"EX".to_vec(), b"10".to_vec()]);
    assert_eq!(args(None::<&str>), Vec::<Vec<u8>>::new());
    assert_eq!(args(Some("x")), [b"x".to_vec()]);
    let m: BTreeMap<&str, i32> = [("f", 1), ("g", 2)].into_iter().collect();
    assert_eq!(
        args(&m),
        [b"f".to_vec(), b"1".to_vec(), b"g".to_vec(), b"2".to_vec()]
    );
    let vs = vec![vec![1u8], vec![2u8]];
    assert_eq!(args(&vs), [vec![1], vec![2]], "a list of binary strings");
}
