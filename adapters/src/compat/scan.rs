//! `SCAN` through redis-rs's iterators (`scan`, `scan_match`, `AsyncIter`, `Iter`), as a
//! cluster-wide scan.
//!
//! redis-rs sends `SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]` and follows the cursor
//! each reply returns until it is 0. A node's cursor means nothing on another node, and a
//! cluster's keys are on every primary, so the connection answers `SCAN` itself: cursor 0
//! starts a keyslot scan ([`Client::scan`](crate::Client::scan): every primary, through
//! failovers and resharding), and the cursor in its reply names that scan in a table the
//! connection's clones share. The last reply has cursor 0. A scan left unfinished is dropped
//! once [`MAX_OPEN`] newer ones are open.
//!
//! `HSCAN`, `SSCAN` and `ZSCAN` name a key, so their cursors are a node's own and go to that
//! key's node as any command does.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use keyslot_core::resp::Value;
use keyslot_core::scan::{ScanError, ScanOptions};
use keyslot_core::Cmd;

use super::unsupported;

/// Unfinished scans kept per connection (and its clones); past it, the oldest is dropped
/// and its cursor is refused.
///
/// ```
/// assert_eq!(keyslot::compat::MAX_OPEN_SCANS, 64);
/// ```
pub const MAX_OPEN: usize = 64;

/// What a `SCAN` asks for.
#[derive(Debug, PartialEq)]
pub(super) enum Request {
    /// Cursor 0: a new scan with these options.
    Start(ScanOptions),
    /// A cursor an earlier reply gave.
    Resume(u64),
}

/// `Some` for a keyless `SCAN` (with what it asks), `None` for any other command.
pub(super) fn request(cmd: &Cmd) -> Option<redis::RedisResult<Request>> {
    let name = cmd.get(0)?;
    if !name.eq_ignore_ascii_case(b"SCAN") {
        return None;
    }
    Some(parse(cmd))
}

fn parse(cmd: &Cmd) -> redis::RedisResult<Request> {
    let cursor = cmd
        .get(1)
        .and_then(|c| std::str::from_utf8(c).ok())
        .and_then(|c| c.parse::<u64>().ok())
        .ok_or_else(|| unsupported("a SCAN without a numeric cursor"))?;
    if cursor != 0 {
        return Ok(Request::Resume(cursor));
    }
    let mut opts = ScanOptions::default();
    let mut args = cmd.args().skip(2);
    while let Some(option) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| unsupported("a SCAN option without its value"))?;
        if option.eq_ignore_ascii_case(b"MATCH") {
            opts.pattern = Some(Bytes::copy_from_slice(value));
        } else if option.eq_ignore_ascii_case(b"COUNT") {
            let count = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok());
            opts.count = Some(count.ok_or_else(|| unsupported("a SCAN COUNT that is no number"))?);
        } else if option.eq_ignore_ascii_case(b"TYPE") {
            opts.type_ = Some(Bytes::copy_from_slice(value));
        } else {
            return Err(unsupported(
                "a SCAN option other than MATCH, COUNT and TYPE",
            ));
        }
    }
    Ok(Request::Start(opts))
}

/// The open scans of a connection and its clones, by the cursor their last reply gave.
pub(super) struct Scans<S> {
    table: Arc<Mutex<Table<S>>>,
}

struct Table<S> {
    next_cursor: u64,
    open: VecDeque<(u64, S)>,
}

impl<S> Clone for Scans<S> {
    fn clone(&self) -> Self {
        Scans {
            table: Arc::clone(&self.table),
        }
    }
}

impl<S> Default for Scans<S> {
    fn default() -> Self {
        Scans {
            table: Arc::new(Mutex::new(Table {
                next_cursor: 1,
                open: VecDeque::new(),
            })),
        }
    }
}

impl<S> std::fmt::Debug for Scans<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let open = self.table.lock().map_or(0, |t| t.open.len());
        f.debug_struct("Scans").field("open", &open).finish()
    }
}

impl<S> Scans<S> {
    /// The scan `cursor` names, taken out of the table while it runs a step.
    pub(super) fn take(&self, cursor: u64) -> redis::RedisResult<S> {
        let mut table = self
            .table
            .lock()
            .map_err(|_| unsupported("a poisoned scan table"))?;
        let at = table.open.iter().position(|(c, _)| *c == cursor);
        match at.and_then(|i| table.open.remove(i)) {
            Some((_, scan)) => Ok(scan),
            None => Err(unsupported(
                "a SCAN cursor this connection did not give (or long done)",
            )),
        }
    }

    /// The reply to a `SCAN` step: `batch` is what the scan's next step found. An unfinished
    /// scan goes back into the table under a fresh cursor.
    pub(super) fn reply(
        &self,
        scan: S,
        batch: Option<Result<Vec<Bytes>, ScanError>>,
    ) -> redis::RedisResult<Value> {
        let (cursor, keys) = match batch {
            None => (0, Vec::new()),
            Some(Err(e)) => {
                return Err(redis::RedisError::from((
                    redis::ErrorKind::Io,
                    "keyslot cluster scan",
                    e.to_string(),
                )))
            }
            Some(Ok(keys)) => (self.keep(scan)?, keys),
        };
        Ok(Value::Array(vec![
            Value::BulkString(Bytes::from(cursor.to_string())),
            Value::Array(keys.into_iter().map(Value::BulkString).collect()),
        ]))
    }

    fn keep(&self, scan: S) -> redis::RedisResult<u64> {
        let mut table = self
            .table
            .lock()
            .map_err(|_| unsupported("a poisoned scan table"))?;
        let cursor = table.next_cursor;
        table.next_cursor = table.next_cursor.checked_add(1).unwrap_or(1);
        if table.open.len() == MAX_OPEN {
            table.open.pop_front();
        }
        table.open.push_back((cursor, scan));
        Ok(cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(args: &[&str]) -> Option<redis::RedisResult<Request>> {
        let mut cmd = Cmd::default();
        for a in args {
            cmd.push_single(*a);
        }
        request(&cmd)
    }

    #[test]
    fn a_scan_from_zero_starts_with_its_options() {
        let got = scan(&[
            "scan", "0", "MATCH", "user:*", "count", "100", "TYPE", "hash",
        ]);
        let want = ScanOptions {
            pattern: Some(Bytes::from_static(b"user:*")),
            count: Some(100),
            type_: Some(Bytes::from_static(b"hash")),
        };
        assert_eq!(got.map(|r| r.ok()), Some(Some(Request::Start(want))));
        assert_eq!(
            scan(&["SCAN", "17"]).map(|r| r.ok()),
            Some(Some(Request::Resume(17)))
        );
    }

    #[test]
    fn other_commands_and_bad_scans() {
        assert!(
            scan(&["HSCAN", "h", "0"]).is_none(),
            "a key's scan is the node's"
        );
        assert!(scan(&["GET", "k"]).is_none());
        for bad in [
            &["SCAN"][..],
            &["SCAN", "x"],
            &["SCAN", "0", "MATCH"],
            &["SCAN", "0", "NOVALUES", "1"],
            &["SCAN", "0", "COUNT", "many"],
        ] {
            assert!(matches!(scan(bad), Some(Err(_))), "{bad:?}");
        }
    }

    #[test]
    fn cursors_name_open_scans_and_the_oldest_go_first() {
        let scans = Scans::<u32>::default();
        let reply = scans
            .reply(7, Some(Ok(vec![Bytes::from_static(b"k")])))
            .unwrap();
        let Value::Array(parts) = reply else {
            panic!("{reply:?}")
        };
        assert_eq!(parts[0], Value::BulkString(Bytes::from_static(b"1")));
        assert_eq!(scans.take(1).unwrap(), 7);
        assert!(scans.take(1).is_err(), "taken");
        let done = scans.reply(8, None).unwrap();
        let Value::Array(parts) = done else {
            panic!("{done:?}")
        };
        assert_eq!(
            parts[0],
            Value::BulkString(Bytes::from_static(b"0")),
            "finished: cursor 0"
        );
        for i in 0..=MAX_OPEN as u32 {
            scans.reply(i, Some(Ok(Vec::new()))).unwrap();
        }
        assert!(scans.take(2).is_err(), "the oldest was dropped");
        assert_eq!(scans.take(3).unwrap(), 1);
    }
}
