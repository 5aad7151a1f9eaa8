//! Keys of the commands whose key specs cannot describe them.
//!
//! A few specs are `unknown` or flagged `incomplete`: SORT's `STORE` may appear anywhere
//! among its options, and MIGRATE's single key becomes an empty placeholder once `KEYS`
//! lists the real ones. For those the server runs command-specific code, and so does this
//! file, parsing just enough of the options to find the keys the same way. A test checks
//! that every such command in the table has its code here, so a regenerated table from a
//! newer server cannot silently lose keys.

use super::keys::KeyError;
use super::positions::KeyPositions;
use super::spec::CommandSpec;
use crate::Cmd;

/// The commands handled here.
#[cfg(test)]
pub(super) const HANDLED: &[&str] = &["migrate", "sort", "sort_ro"];

/// The key positions of `cmd` by its command-specific rule, replacing what `out` holds;
/// `None` when there is no such rule for `spec`.
pub(super) fn positions(
    spec: &CommandSpec,
    cmd: &Cmd,
    out: &mut KeyPositions,
) -> Option<Result<(), KeyError>> {
    let rule: fn(&Cmd, &mut KeyPositions) -> Result<(), KeyError> = match spec.name() {
        "sort" => sort,
        "sort_ro" => sort_ro,
        "migrate" => migrate,
        _ => return None,
    };
    out.clear();
    Some(rule(cmd, out))
}

fn is(cmd: &Cmd, i: usize, word: &str) -> bool {
    cmd.get(i)
        .is_some_and(|arg| arg.eq_ignore_ascii_case(word.as_bytes()))
}

/// `SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
/// [STORE destination]`: the key, then the last STORE destination. BY and GET patterns
/// name keys only through the sorted data, so they cannot be known (and the cluster
/// refuses patterns that are not in the key's slot).
fn sort(cmd: &Cmd, out: &mut KeyPositions) -> Result<(), KeyError> {
    sort_ro(cmd, out)?;
    let argc = cmd.len();
    let mut store = None;
    let mut i = 2;
    while i < argc {
        if is(cmd, i, "limit") {
            i += 2;
        } else if is(cmd, i, "get") || is(cmd, i, "by") {
            i += 1;
        } else if is(cmd, i, "store") && i + 1 < argc {
            // The server keeps the last STORE, and reads on from the destination itself.
            store = Some(i + 1);
        }
        i += 1;
    }
    if let Some(position) = store {
        out.push(position);
    }
    Ok(())
}

/// `SORT_RO key ...`: only the key.
fn sort_ro(cmd: &Cmd, out: &mut KeyPositions) -> Result<(), KeyError> {
    if cmd.len() < 2 {
        return Err(KeyError::NotEnoughArguments);
    }
    out.push(1);
    Ok(())
}

/// `MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw | AUTH2 user pw]
/// [KEYS key ...]`: the key at 3, or — when `KEYS` is given and the key is empty — the keys
/// after `KEYS`. `KEYS` with a non-empty key is a syntax error the server reports; no keys.
fn migrate(cmd: &Cmd, out: &mut KeyPositions) -> Result<(), KeyError> {
    let argc = cmd.len();
    let key = cmd.get(3).ok_or(KeyError::NotEnoughArguments)?;
    let mut keys = 3..4;
    let mut i = 6;
    while i < argc {
        if is(cmd, i, "keys") {
            keys = if key.is_empty() { i + 1..argc } else { 0..0 };
            break;
        } else if is(cmd, i, "auth") {
            i += 1;
        } else if is(cmd, i, "auth2") {
            i += 2;
        }
        i += 1;
    }
    for position in keys {
        out.push(position);
    }
    Ok(())
}
