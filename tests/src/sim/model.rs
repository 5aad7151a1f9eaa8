//! What the simulated cluster really did, kept so that every reply can be judged.
//!
//! - **Value histories.** For every key, each change of its *visible* value — the value a
//!   GET on the slot's owner would return — with the instant it happened: writes, deletes,
//!   expiry, migration quirks, and failovers that roll a key back to what the promoted
//!   replica had. A GET that ran between `submitted` and `replied` may return any value the
//!   key held at some instant of that window, and no other.
//! - **Execution log.** Every command a node executed (not redirected), with its exact reply.
//!   A reply the client hands back must match one execution of the very same command inside
//!   the request's window, and each execution answers at most one request: a reply that
//!   belongs to another request, a reply used twice, or a reply for something no node ran
//!   are all caught here.
//! - **Write tokens.** Every value the workload writes is unique (`<key>#<token>`): a token
//!   executed twice is a command run twice; an acknowledged token that no primary executed
//!   is an acknowledgement for something else.
//! - **Tokens that must never run.** A write the client reported as not run (`Timeout`, a
//!   redirect limit, an uncovered slot), or one whose caller cancelled it while none of its
//!   bytes had left the client: its token running on any node, before or after, is a
//!   violation.
//! - **Counters.** INCR carries no token, so the log counts executions per counter key and
//!   compares them with what the client submitted: a retried INCR shows up as one execution
//!   too many.

use std::collections::BTreeMap;

use bytes::Bytes;
use keyslot_core::resp::Value;
use keyslot_core::time::Instant;

/// Why a key's visible value changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// A client command on the owning primary.
    Write,
    /// Its TTL passed.
    Expiry,
    /// A replica was promoted without the primary's latest writes.
    Failover,
    /// A slot migration changed which copy is visible.
    Migration,
}

/// One change of a key's visible value.
#[derive(Clone, Debug)]
pub struct Change {
    /// When.
    pub at: Instant,
    /// The new value (`None`: absent).
    pub value: Option<Bytes>,
    /// Why.
    pub cause: Cause,
}

/// One command a node executed.
#[derive(Clone, Debug)]
pub struct Exec {
    /// When.
    pub at: Instant,
    /// The node that ran it.
    pub node: usize,
    /// The connection it came on.
    pub conn: u64,
    /// Served from a copy that may differ from the visible value: a replica's (after
    /// READONLY), or either copy of a key that both ends of a migration hold (a failover on
    /// either side during a migration can leave two copies, as in a real cluster).
    pub stale_ok: bool,
    /// The reply it sent.
    pub reply: Value,
    /// Already matched to a request's reply.
    pub used: bool,
}

/// One execution as the cache check needs it: (connection, when, from a copy that may be
/// stale).
pub type Run = (u64, Instant, bool);

/// The record of a write token.
#[derive(Clone, Debug, Default)]
pub struct TokenRecord {
    /// When a primary executed it.
    pub executed: Option<Instant>,
    /// Redirect replies (MOVED, ASK, READONLY) sent for it.
    pub redirects: u32,
    /// The client was told it succeeded.
    pub acked: bool,
}

/// Per-counter bookkeeping for INCR.
#[derive(Clone, Debug, Default)]
pub struct Counter {
    /// INCRs the client submitted.
    pub submitted: u64,
    /// INCRs that failed in a way that proves they never ran.
    pub refused: u64,
    /// INCRs nodes executed.
    pub executed: u64,
}

/// The truth about the run so far.
#[derive(Debug, Default)]
pub struct Model {
    /// Visible-value histories; a key absent here has always been absent.
    pub history: BTreeMap<Bytes, Vec<Change>>,
    /// Executions by canonical command bytes.
    pub execs: BTreeMap<Vec<u8>, Vec<Exec>>,
    /// Write tokens.
    pub tokens: BTreeMap<u64, TokenRecord>,
    /// INCR counters.
    pub counters: BTreeMap<Bytes, Counter>,
    /// Acknowledged writes later lost to a failover.
    pub lost_acked: u64,
    /// Commands served by a replica after READONLY (a demoted primary on a connection opened
    /// while it was a replica).
    pub replica_reads: u64,
    /// Commands served from one of two copies both ends of a migration hold.
    pub double_copy_reads: u64,
    /// Write tokens that must never run, and why: the client said so (`Timeout`, a redirect
    /// limit), or their caller cancelled them before any of their bytes left the client.
    pub never_ran: BTreeMap<u64, &'static str>,
}

/// The canonical byte form of a command, the same on both sides: each argument prefixed
/// by its length. A `BLPOP`'s timeout is left out: the client shortens it when it sends the
/// pop again, and the workload's marker key already tells pops apart.
pub fn canonical<A: AsRef<[u8]>>(args: &[A]) -> Vec<u8> {
    let is_pop = args
        .first()
        .is_some_and(|name| name.as_ref().eq_ignore_ascii_case(b"BLPOP"));
    let args = match args {
        [rest @ .., _timeout] if is_pop => rest,
        all => all,
    };
    let mut out = Vec::new();
    for a in args {
        let a = a.as_ref();
        out.extend_from_slice(&(a.len() as u32).to_le_bytes());
        out.extend_from_slice(a);
    }
    out
}

/// The token inside a written value (`...#<token>`).
pub fn token_of(value: &[u8]) -> Option<u64> {
    let hash = value.iter().rposition(|&b| b == b'#')?;
    std::str::from_utf8(&value[hash + 1..]).ok()?.parse().ok()
}

impl Model {
    /// The key's visible value right now, per the history.
    pub fn current(&self, key: &[u8]) -> Option<&Bytes> {
        self.history
            .get(key)
            .and_then(|h| h.last())
            .and_then(|c| c.value.as_ref())
    }

    /// Record that `key`'s visible value became `value` at `at`, if that is a change.
    /// Returns the value it replaced when it changed.
    pub fn record(
        &mut self,
        key: &Bytes,
        at: Instant,
        value: Option<Bytes>,
        cause: Cause,
    ) -> Option<Option<Bytes>> {
        let h = self.history.entry(key.clone()).or_default();
        let before = h.last().and_then(|c| c.value.clone());
        if before == value {
            return None;
        }
        debug_assert!(h.last().is_none_or(|c| c.at <= at), "history goes forward");
        if cause == Cause::Failover {
            if let Some(t) = before.as_deref().and_then(token_of) {
                if self.tokens.get(&t).is_some_and(|r| r.acked) {
                    self.lost_acked += 1;
                }
            }
        }
        h.push(Change { at, value, cause });
        Some(before)
    }

    /// Token `t` must never run, because `why`. Returns when it ran already, if it did.
    pub fn refuse(&mut self, t: u64, why: &'static str) -> Option<Instant> {
        self.never_ran.entry(t).or_insert(why);
        self.tokens.get(&t).and_then(|r| r.executed)
    }

    /// Whether `key` held `value` at some instant of `from..=to`.
    pub fn held(&self, key: &[u8], from: Instant, to: Instant, value: Option<&[u8]>) -> bool {
        let Some(h) = self.history.get(key) else {
            return value.is_none();
        };
        // The value in force at `from`: the last change at or before it (absent before any).
        let start = h.partition_point(|c| c.at <= from);
        let at_from = if start == 0 {
            None
        } else {
            h[start - 1].value.as_deref()
        };
        if at_from == value {
            return true;
        }
        h[start..]
            .iter()
            .take_while(|c| c.at <= to)
            .any(|c| c.value.as_deref() == value)
    }

    /// Log an execution.
    pub fn executed(
        &mut self,
        cmd: Vec<u8>,
        at: Instant,
        (node, conn): (usize, u64),
        stale_ok: bool,
        reply: Value,
    ) {
        self.execs.entry(cmd).or_default().push(Exec {
            at,
            node,
            conn,
            stale_ok,
            reply,
            used: false,
        });
    }

    /// Match a reply to the earliest unused execution of `cmd` in `from..=to` with an equal
    /// reply; mark it used. Returns the execution when found.
    pub fn match_exec(
        &mut self,
        cmd: &[u8],
        from: Instant,
        to: Instant,
        reply: &Value,
    ) -> Option<Exec> {
        let execs = self.execs.get_mut(cmd)?;
        let e = execs
            .iter_mut()
            .find(|e| !e.used && e.at >= from && e.at <= to && e.reply == *reply)?;
        e.used = true;
        Some(e.clone())
    }

    /// Every execution of `cmd` in `from..=to` that replied `reply`, used or not: (its
    /// connection, when, from a copy that may be stale).
    pub fn runs_of(&self, cmd: &[u8], from: Instant, to: Instant, reply: &Value) -> Vec<Run> {
        self.execs
            .get(cmd)
            .into_iter()
            .flatten()
            .filter(|e| e.at >= from && e.at <= to && e.reply == *reply)
            .map(|e| (e.conn, e.at, e.stale_ok))
            .collect()
    }

    /// The key's visible value at `at`, per the history.
    pub fn current_at(&self, key: &[u8], at: Instant) -> Option<&[u8]> {
        let h = self.history.get(key)?;
        let i = h.partition_point(|c| c.at <= at);
        h[..i].last().and_then(|c| c.value.as_deref())
    }

    /// Forget executions before `before`: no open request can match them.
    pub fn prune(&mut self, before: Instant) {
        self.execs.retain(|_, v| {
            v.retain(|e| e.at >= before);
            !v.is_empty()
        });
    }

    /// Describe a key's history around `at` (for failure reports).
    pub fn describe(&self, key: &[u8], around: Instant) -> String {
        let Some(h) = self.history.get(key) else {
            return "never written".into();
        };
        let lo = around.as_micros().saturating_sub(10_000_000);
        h.iter()
            .filter(|c| c.at.as_micros() >= lo)
            .take(16)
            .map(|c| {
                format!(
                    "{}us {:?} {:?}",
                    c.at.as_micros(),
                    c.cause,
                    c.value
                        .as_ref()
                        .map(|v| String::from_utf8_lossy(v).into_owned())
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(us: u64) -> Instant {
        Instant::from_micros(us)
    }

    #[test]
    fn a_value_is_allowed_only_inside_its_window() {
        let mut m = Model::default();
        let k = Bytes::from_static(b"k");
        m.record(&k, t(10), Some(Bytes::from_static(b"a")), Cause::Write);
        m.record(&k, t(20), Some(Bytes::from_static(b"b")), Cause::Write);
        m.record(&k, t(30), None, Cause::Expiry);
        assert!(m.held(b"k", t(0), t(5), None));
        assert!(!m.held(b"k", t(0), t(5), Some(b"a")));
        assert!(m.held(b"k", t(12), t(15), Some(b"a")));
        assert!(m.held(b"k", t(12), t(25), Some(b"b")));
        assert!(!m.held(b"k", t(21), t(40), Some(b"a")));
        assert!(m.held(b"k", t(21), t(40), None));
        assert!(m.held(b"other", t(0), t(40), None));
        // Same value again is not a change.
        assert!(m.record(&k, t(40), None, Cause::Write).is_none());
    }

    #[test]
    fn executions_match_once() {
        let mut m = Model::default();
        let cmd = canonical(&["GET", "k"]);
        m.executed(cmd.clone(), t(5), (0, 0), false, Value::Null);
        assert!(m.match_exec(&cmd, t(0), t(10), &Value::Null).is_some());
        assert!(m.match_exec(&cmd, t(0), t(10), &Value::Null).is_none());
        assert_eq!(token_of(b"k#17"), Some(17));
        assert_eq!(token_of(b"k"), None);
    }
}
