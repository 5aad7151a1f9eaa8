//! Multi-key commands whose keys span slots, split into one command per slot.
//!
//! A cluster refuses a command whose keys hash to different slots (`CROSSSLOT`). For the
//! commands whose parts combine without changing their meaning, the server's own command
//! table says how (request policy `multi_shard`): `DEL`, `EXISTS`, `UNLINK` and `TOUCH`
//! count, so the parts' counts are summed; `MGET` answers per key, so the parts' arrays are
//! put back in the order the keys were given; `MSET` succeeds when every part does. Each
//! part is routed, redirected and retried on its own, like a pipeline's entries, and the
//! caller gets one reply. Nothing here is atomic across slots (nor can it be): a part that
//! fails fails the whole reply with its error, and parts that ran stay run.
//!
//! Every other command with keys in several slots is still refused with
//! [`Error::CrossSlot`] before anything is sent — `MSETNX` among them: its all-or-nothing
//! promise cannot be kept across slots.

use alloc::vec::Vec;

use super::Error;
use crate::resp::Value;
use crate::{key_slot, Cmd};

/// How the parts' results make the reply.
#[derive(Debug)]
pub(crate) enum Combine {
    /// The sum of the parts' integers.
    Sum,
    /// `OK` when every part answered `OK`.
    AllOk,
    /// One array with each part's elements put back at the positions of its keys.
    Gather {
        /// For each part, the index in the caller's key list of each of its keys.
        positions: Vec<Vec<usize>>,
        len: usize,
    },
}

/// The parts of `cmd` and how to combine them, when it is a splittable command whose keys
/// span more than one slot; `None` otherwise (it is routed as it is, and refused if
/// cross-slot).
pub(crate) fn plan(cmd: &Cmd) -> Option<(Vec<Cmd>, Combine)> {
    let name = cmd.name();
    let (step, combine) = if name.eq_ignore_ascii_case(b"mget") {
        (1, None)
    } else if name.eq_ignore_ascii_case(b"mset") {
        (2, Some(Combine::AllOk))
    } else if ["del", "exists", "unlink", "touch"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
    {
        (1, Some(Combine::Sum))
    } else {
        return None;
    };
    let args: Vec<&[u8]> = cmd.args().skip(1).collect();
    if args.is_empty() || args.len() % step != 0 {
        return None; // the server's arity error is the answer
    }
    let first = key_slot(args[0]);
    if args.iter().step_by(step).all(|k| key_slot(k) == first) {
        return None;
    }
    // Parts in the order their slots first appear, keys in the order given.
    let mut slots: Vec<u16> = Vec::new();
    let mut parts: Vec<Cmd> = Vec::new();
    let mut positions: Vec<Vec<usize>> = Vec::new();
    for (i, group) in args.chunks(step).enumerate() {
        let slot = key_slot(group[0]);
        let part = match slots.iter().position(|&s| s == slot) {
            Some(p) => p,
            None => {
                slots.push(slot);
                parts.push(Cmd::new(name));
                positions.push(Vec::new());
                parts.len() - 1
            }
        };
        for arg in group {
            parts[part].push_single(*arg);
        }
        positions[part].push(i);
    }
    let combine = combine.unwrap_or(Combine::Gather {
        positions,
        len: args.len(),
    });
    Some((parts, combine))
}

impl Combine {
    /// The reply from the parts' results, in part order: the first error if any.
    pub(crate) fn apply(self, results: Vec<Result<Value, Error>>) -> Result<Value, Error> {
        let mut values = Vec::with_capacity(results.len());
        for r in results {
            values.push(r?);
        }
        match self {
            Combine::Sum => {
                let mut sum: i64 = 0;
                for v in &values {
                    match v {
                        Value::Integer(n) => sum = sum.saturating_add(*n),
                        _ => return Err(mismatch()),
                    }
                }
                Ok(Value::Integer(sum))
            }
            Combine::AllOk => {
                let ok = |v: &Value| matches!(v, Value::SimpleString(s) if s.as_ref() == b"OK");
                if values.iter().all(ok) {
                    Ok(Value::SimpleString(bytes::Bytes::from_static(b"OK")))
                } else {
                    Err(mismatch())
                }
            }
            Combine::Gather { positions, len } => {
                let mut out: Vec<Value> = (0..len).map(|_| Value::Null).collect();
                for (part, places) in values.into_iter().zip(positions) {
                    let Value::Array(elements) = part else {
                        return Err(mismatch());
                    };
                    if elements.len() != places.len() {
                        return Err(mismatch());
                    }
                    for (e, at) in elements.into_iter().zip(places) {
                        if let Some(slot) = out.get_mut(at) {
                            *slot = e;
                        }
                    }
                }
                Ok(Value::Array(out))
            }
        }
    }
}

/// Parts whose replies do not have the shape the command's own reply has.
fn mismatch() -> Error {
    Error::Server(super::ServerError::new(bytes::Bytes::from_static(
        b"ERR keyslot: the parts of a command split by slot gave replies that cannot be combined",
    )))
}
