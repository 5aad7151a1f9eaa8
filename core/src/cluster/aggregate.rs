//! Combining the replies of a fanned-out command, as its response policy says.
//!
//! DBSIZE on a cluster means the sum over primaries, SCRIPT EXISTS the element-wise AND,
//! KEYS the concatenation, FLUSHALL success only if every primary succeeded. The server
//! documents which in each command's `response_policy` tip; this module applies it. Replies
//! come in the order the nodes were asked, so results are deterministic.

use alloc::string::ToString;
use alloc::vec::Vec;
use bytes::Bytes;

use super::{Error, ServerError};
use crate::command::ResponsePolicy;
use crate::resp::Value;
use crate::topology::Addr;

/// Combine one reply per node. `nodes[i]` is the node that gave `replies[i]`.
pub(crate) fn aggregate(
    policy: ResponsePolicy,
    nodes: &[Addr],
    replies: Vec<Result<Value, Error>>,
) -> Result<Value, Error> {
    match policy {
        ResponsePolicy::OneSucceeded => one_succeeded(replies),
        ResponsePolicy::AllSucceeded => all_succeeded(replies),
        ResponsePolicy::AggSum => {
            numeric(replies, |a, b| Some(a.checked_add(b).unwrap_or(i64::MAX)))
        }
        ResponsePolicy::AggMin => numeric(replies, |a, b| Some(a.min(b))),
        ResponsePolicy::AggMax => numeric(replies, |a, b| Some(a.max(b))),
        ResponsePolicy::AggLogicalAnd => numeric(replies, |a, b| Some(i64::from(a != 0 && b != 0))),
        ResponsePolicy::AggLogicalOr => numeric(replies, |a, b| Some(i64::from(a != 0 || b != 0))),
        ResponsePolicy::Special => by_node(nodes, replies),
        _ => concatenate(replies),
    }
}

fn first_error(replies: &mut Vec<Result<Value, Error>>) -> Option<Error> {
    let at = replies.iter().position(Result::is_err)?;
    replies.swap_remove(at).err()
}

fn one_succeeded(replies: Vec<Result<Value, Error>>) -> Result<Value, Error> {
    let mut first_err = None;
    for r in replies {
        match r {
            Ok(v) => return Ok(v),
            Err(e) if first_err.is_none() => first_err = Some(e),
            Err(_) => {}
        }
    }
    Err(first_err.unwrap_or(Error::Transaction("no node answered")))
}

fn all_succeeded(mut replies: Vec<Result<Value, Error>>) -> Result<Value, Error> {
    if let Some(e) = first_error(&mut replies) {
        return Err(e);
    }
    replies.into_iter().next().unwrap_or(Ok(Value::Null))
}

/// Fold integers, or arrays of integers element-wise.
fn numeric(
    mut replies: Vec<Result<Value, Error>>,
    op: impl Fn(i64, i64) -> Option<i64>,
) -> Result<Value, Error> {
    if let Some(e) = first_error(&mut replies) {
        return Err(e);
    }
    let mut values = replies.into_iter().map(|r| r.unwrap_or(Value::Null));
    let Some(mut acc) = values.next() else {
        return Ok(Value::Null);
    };
    for v in values {
        acc = match (acc, v) {
            (Value::Integer(a), Value::Integer(b)) => Value::Integer(op(a, b).unwrap_or(a)),
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                let mut out = Vec::with_capacity(a.len());
                for (x, y) in a.into_iter().zip(b) {
                    match (x, y) {
                        (Value::Integer(x), Value::Integer(y)) => {
                            out.push(Value::Integer(op(x, y).unwrap_or(x)))
                        }
                        _ => return Err(mismatch()),
                    }
                }
                Value::Array(out)
            }
            _ => return Err(mismatch()),
        };
    }
    Ok(acc)
}

fn mismatch() -> Error {
    Error::Server(ServerError::new(Bytes::from_static(
        b"ERR keyslot: nodes gave replies that cannot be combined as the command's policy says",
    )))
}

/// Arrays and sets are concatenated, maps merged; for anything else all replies must agree
/// and one is returned.
fn concatenate(mut replies: Vec<Result<Value, Error>>) -> Result<Value, Error> {
    if let Some(e) = first_error(&mut replies) {
        return Err(e);
    }
    let mut values = replies.into_iter().map(|r| r.unwrap_or(Value::Null));
    let Some(first) = values.next() else {
        return Ok(Value::Null);
    };
    match first {
        Value::Array(mut acc) | Value::Set(mut acc) => {
            for v in values {
                match v {
                    Value::Array(items) | Value::Set(items) => acc.extend(items),
                    _ => return Err(mismatch()),
                }
            }
            Ok(Value::Array(acc))
        }
        Value::Map(mut acc) => {
            for v in values {
                match v {
                    Value::Map(pairs) => acc.extend(pairs),
                    _ => return Err(mismatch()),
                }
            }
            Ok(Value::Map(acc))
        }
        other => Ok(other),
    }
}

/// No generic rule: the caller gets each node's reply, keyed by node address.
fn by_node(nodes: &[Addr], replies: Vec<Result<Value, Error>>) -> Result<Value, Error> {
    let pairs = nodes
        .iter()
        .zip(replies)
        .map(|(addr, reply)| {
            let key = Value::BulkString(Bytes::from(addr.to_string()));
            let value = match reply {
                Ok(v) => v,
                Err(Error::Server(e)) => Value::Error(e.bytes().clone()),
                Err(e) => Value::Error(Bytes::from(e.to_string())),
            };
            (key, value)
        })
        .collect();
    Ok(Value::Map(pairs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn addrs(n: usize) -> Vec<Addr> {
        (0..n)
            .map(|i| Addr::new("10.0.0.1", 7000 + i as u16))
            .collect()
    }
    fn ok(v: Value) -> Result<Value, Error> {
        Ok(v)
    }
    fn err(t: &'static str) -> Result<Value, Error> {
        Err(Error::Server(ServerError::new(Bytes::from_static(
            t.as_bytes(),
        ))))
    }

    #[test]
    fn sums_mins_maxes_and_logic() {
        let ints = || {
            vec![
                ok(Value::Integer(3)),
                ok(Value::Integer(5)),
                ok(Value::Integer(1)),
            ]
        };
        assert_eq!(
            aggregate(ResponsePolicy::AggSum, &addrs(3), ints()),
            Ok(Value::Integer(9))
        );
        assert_eq!(
            aggregate(ResponsePolicy::AggMin, &addrs(3), ints()),
            Ok(Value::Integer(1))
        );
        assert_eq!(
            aggregate(ResponsePolicy::AggMax, &addrs(3), ints()),
            Ok(Value::Integer(5))
        );
        let arrays = vec![
            ok(Value::Array(vec![Value::Integer(1), Value::Integer(1)])),
            ok(Value::Array(vec![Value::Integer(1), Value::Integer(0)])),
        ];
        assert_eq!(
            aggregate(ResponsePolicy::AggLogicalAnd, &addrs(2), arrays.clone()),
            Ok(Value::Array(vec![Value::Integer(1), Value::Integer(0)]))
        );
        assert_eq!(
            aggregate(ResponsePolicy::AggLogicalOr, &addrs(2), arrays),
            Ok(Value::Array(vec![Value::Integer(1), Value::Integer(1)]))
        );
        let bad = vec![ok(Value::Integer(1)), ok(Value::from("x"))];
        assert!(aggregate(ResponsePolicy::AggSum, &addrs(2), bad).is_err());
    }

    #[test]
    fn success_policies() {
        let okay = || ok(Value::SimpleString(Bytes::from_static(b"OK")));
        assert_eq!(
            aggregate(
                ResponsePolicy::AllSucceeded,
                &addrs(2),
                vec![okay(), err("ERR boom")]
            ),
            err("ERR boom")
        );
        assert_eq!(
            aggregate(
                ResponsePolicy::AllSucceeded,
                &addrs(2),
                vec![okay(), okay()]
            ),
            okay()
        );
        assert_eq!(
            aggregate(
                ResponsePolicy::OneSucceeded,
                &addrs(2),
                vec![err("ERR a"), okay()]
            ),
            okay()
        );
        assert_eq!(
            aggregate(
                ResponsePolicy::OneSucceeded,
                &addrs(2),
                vec![err("ERR a"), err("ERR b")]
            ),
            err("ERR a")
        );
    }

    #[test]
    fn default_concatenates_and_special_keys_by_node() {
        let got = aggregate(
            ResponsePolicy::Default,
            &addrs(2),
            vec![
                ok(Value::Array(vec![Value::from("a")])),
                ok(Value::Array(vec![Value::from("b")])),
            ],
        );
        assert_eq!(
            got,
            Ok(Value::Array(vec![Value::from("a"), Value::from("b")]))
        );
        let got = aggregate(
            ResponsePolicy::Special,
            &addrs(2),
            vec![ok(Value::Integer(1)), err("ERR x")],
        );
        let Ok(Value::Map(pairs)) = got else { panic!() };
        assert_eq!(pairs[0].0, Value::from("10.0.0.1:7000"));
        assert_eq!(pairs[1].1, Value::Error(Bytes::from_static(b"ERR x")));
    }
}
