//! Finding a command's keys by following its key specifications.
//!
//! Each [`KeySpec`] says where the search for a group of keys begins (an argument index, or
//! just after a keyword) and how the keys follow from there (a range, or a count argument).
//! Evaluating them as the server does is what makes movable-key commands — EVAL's numkeys,
//! XREAD's `STREAMS k1 k2 id1 id2`, MIGRATE's `KEYS`, GEORADIUS's `STORE` — come out right,
//! where the legacy first/last/step cannot.
//!
//! The arithmetic mirrors the server's (`getKeysUsingKeySpecs` in Redis 7.0): a keyword is
//! searched forwards from `start_from` up to the next-to-last argument, or, when
//! `start_from` is negative, backwards from `len + start_from` down to argument 2; a range
//! ends at `first + last_key`, at `len + last_key` when `last_key` is negative, or — with a
//! `limit` of 2 or more — after `1/limit` of the remaining arguments; a count of zero
//! yields no keys. One deliberate difference: with a count, keys are `key_step` apart
//! (`first + i * key_step`); the 7.0 server would stop after `count` arguments instead, which
//! no 7.0 command can tell apart since all use step 1.
//!
//! Where the server would reject the arguments, this returns a [`KeyError`] instead of
//! guessing: a count that is not a non-negative integer, or keys that would lie past the
//! end. A keyword that is absent is not an error: its keys are optional.

use core::fmt;

use super::fallback;
use super::positions::KeyPositions;
use super::spec::{BeginSearch, CommandSpec, FindKeys, KeySpec};
use crate::Cmd;

/// Why a command's keys could not be found: the server would reject it too.
///
/// ```
/// use keyslot_core::command::{key_positions, lookup, KeyError, KeyPositions};
/// use keyslot_core::Cmd;
/// let mut positions = KeyPositions::new();
/// // EVAL's numkeys (argument 2) is not a number.
/// let cmd = Cmd::new("EVAL").arg("return 1").arg("two").arg("k");
/// let result = key_positions(&cmd, lookup(&cmd), &mut positions);
/// assert_eq!(result, Err(KeyError::BadNumKeys { arg: 2 }));
/// // Two keys announced, one given.
/// let cmd = Cmd::new("EVAL").arg("return 1").arg(2).arg("k");
/// let result = key_positions(&cmd, lookup(&cmd), &mut positions);
/// assert_eq!(result, Err(KeyError::NotEnoughArguments));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The key-count argument at index `arg` is not a non-negative integer.
    BadNumKeys {
        /// Index of the count argument (0 is the command name).
        arg: usize,
    },
    /// The command ends before its keys do: a count larger than the arguments that follow
    /// it, or a required key missing.
    NotEnoughArguments,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::BadNumKeys { arg } => {
                write!(
                    f,
                    "the number of keys (argument {arg}) is not a non-negative integer"
                )
            }
            KeyError::NotEnoughArguments => {
                f.write_str("the command has fewer arguments than its keys need")
            }
        }
    }
}

impl core::error::Error for KeyError {}

/// The argument indices of `cmd`'s keys, in key-spec order, into `out` (cleared first).
///
/// `spec` is what [`lookup`](super::lookup) returned for `cmd`. With `None` — a command the
/// table does not know — the first argument (index 1) is taken as the key when there is
/// one: right for module commands such as `JSON.GET key`, and a guess for anything else.
///
/// Channels of sharded pub/sub (SPUBLISH, SSUBSCRIBE) are not keys here, as in the
/// server's `COMMAND GETKEYS`; [`routing_positions`] includes them.
///
/// ```
/// use keyslot_core::command::{key_positions, lookup, KeyPositions};
/// use keyslot_core::Cmd;
/// let mut keys = KeyPositions::new();
/// // XREAD COUNT 2 STREAMS s1 s2 0 0: the keys are the first half of what follows STREAMS.
/// let cmd = Cmd::new("XREAD").arg(("COUNT", 2, "STREAMS", "s1", "s2", 0, 0));
/// key_positions(&cmd, lookup(&cmd), &mut keys).unwrap();
/// assert_eq!(keys.as_slice(), &[4, 5]);
/// // A command the table does not know: its first argument is taken as the key.
/// let cmd = Cmd::new("JSON.GET").arg("doc").arg("$.name");
/// key_positions(&cmd, lookup(&cmd), &mut keys).unwrap();
/// assert_eq!(keys.as_slice(), &[1]);
/// ```
pub fn key_positions(
    cmd: &Cmd,
    spec: Option<&CommandSpec>,
    out: &mut KeyPositions,
) -> Result<(), KeyError> {
    positions(cmd, spec, false, out)
}

/// Like [`key_positions`], plus the arguments that are hashed to a slot without being keys:
/// the shard channels of SPUBLISH, SSUBSCRIBE and SUNSUBSCRIBE. Everything it returns must
/// map to one slot for the command to go to one node.
///
/// ```
/// use keyslot_core::command::{key_positions, lookup, routing_positions, KeyPositions};
/// use keyslot_core::Cmd;
/// let cmd = Cmd::new("SPUBLISH").arg("news").arg("hello");
/// let mut positions = KeyPositions::new();
/// key_positions(&cmd, lookup(&cmd), &mut positions).unwrap();
/// assert!(positions.is_empty());
/// routing_positions(&cmd, lookup(&cmd), &mut positions).unwrap();
/// assert_eq!(positions.as_slice(), &[1]); // the shard channel
/// ```
pub fn routing_positions(
    cmd: &Cmd,
    spec: Option<&CommandSpec>,
    out: &mut KeyPositions,
) -> Result<(), KeyError> {
    positions(cmd, spec, true, out)
}

fn positions(
    cmd: &Cmd,
    spec: Option<&CommandSpec>,
    with_channels: bool,
    out: &mut KeyPositions,
) -> Result<(), KeyError> {
    out.clear();
    let Some(spec) = spec else {
        if cmd.len() > 1 {
            out.push(1);
        }
        return Ok(());
    };
    let mut described = true;
    for key_spec in spec.key_specs() {
        if key_spec.has_flag(KeySpec::NOT_KEY) && !with_channels {
            continue;
        }
        described &= apply(key_spec, cmd, out)? && !key_spec.has_flag(KeySpec::INCOMPLETE);
    }
    if !described {
        // The specs left something out (SORT's STORE, MIGRATE's KEYS): do what the server's
        // own code for that command does. Without such code, the keys found so far stand.
        if let Some(result) = fallback::positions(spec, cmd, out) {
            return result;
        }
    }
    Ok(())
}

/// Push the positions one key spec yields. `Ok(false)` when the spec cannot be evaluated
/// (an `unknown` begin_search or find_keys).
fn apply(key_spec: &KeySpec, cmd: &Cmd, out: &mut KeyPositions) -> Result<bool, KeyError> {
    let argc = cmd.len();
    let first = match key_spec.begin_search {
        BeginSearch::Index(index) => usize::from(index),
        BeginSearch::Keyword {
            keyword,
            start_from,
        } => {
            match find_keyword(cmd, keyword.as_bytes(), start_from) {
                Some(at) => at + 1,
                None => return Ok(true), // optional keys, not given
            }
        }
        BeginSearch::Unknown => return Ok(false),
    };
    let (first, last, step) = match key_spec.find_keys {
        FindKeys::Range {
            last_key,
            key_step,
            limit,
        } => (first, range_end(first, argc, last_key, limit)?, key_step),
        FindKeys::KeyNum {
            key_num_index,
            first_key,
            key_step,
        } => {
            let at = first + usize::from(key_num_index);
            let count_arg = cmd.get(at).ok_or(KeyError::NotEnoughArguments)?;
            let count = parse_count(count_arg).ok_or(KeyError::BadNumKeys { arg: at })?;
            if count == 0 {
                return Ok(true);
            }
            let first = first + usize::from(first_key);
            let last = (count - 1)
                .checked_mul(usize::from(key_step))
                .and_then(|span| span.checked_add(first))
                .ok_or(KeyError::NotEnoughArguments)?;
            (first, last, key_step)
        }
        FindKeys::Unknown => return Ok(false),
    };
    if first >= argc || last >= argc || last < first {
        return Err(KeyError::NotEnoughArguments);
    }
    let step = usize::from(step.max(1));
    let mut position = first;
    while position <= last {
        out.push(position);
        position += step; // last < argc, so this cannot overflow
    }
    Ok(true)
}

/// The last key of a range that starts at `first`.
fn range_end(first: usize, argc: usize, last_key: i16, limit: u16) -> Result<usize, KeyError> {
    let back = usize::from(last_key.unsigned_abs());
    let last = if last_key >= 0 {
        Some(first + back)
    } else if limit <= 1 {
        argc.checked_sub(back)
    } else {
        // Only the first 1/limit of what remains holds keys (XREAD: keys, then as many IDs).
        (first + argc.saturating_sub(first) / usize::from(limit)).checked_sub(back)
    };
    last.ok_or(KeyError::NotEnoughArguments)
}

/// The index of `keyword` (case-insensitive), searched as the server does: forwards from
/// `start_from` up to the next-to-last argument, or backwards from `len + start_from` down
/// to argument 2 when `start_from` is not positive.
fn find_keyword(cmd: &Cmd, keyword: &[u8], start_from: i16) -> Option<usize> {
    let argc = cmd.len();
    let is_keyword = |i: &usize| {
        cmd.get(*i)
            .is_some_and(|arg| arg.eq_ignore_ascii_case(keyword))
    };
    if start_from > 0 {
        let start = usize::from(start_from.unsigned_abs());
        (start..argc.saturating_sub(1)).find(is_keyword)
    } else {
        let start = argc.checked_sub(usize::from(start_from.unsigned_abs()))?;
        if start >= argc {
            return None;
        }
        (2..=start).rev().find(is_keyword)
    }
}

/// A key count as the server parses it: `0` or digits without a leading zero, no sign.
fn parse_count(arg: &[u8]) -> Option<usize> {
    match arg {
        [b'0'] => Some(0),
        [b'1'..=b'9', ..] => arg.iter().try_fold(0usize, |n, &b| {
            let digit = char::from(b).to_digit(10)?;
            n.checked_mul(10)?.checked_add(digit as usize)
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
