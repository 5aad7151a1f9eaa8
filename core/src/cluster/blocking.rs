//! Commands that make the server hold the reply: how long, and on which connection.
//!
//! A blocking pop (`BLPOP q 30`) parks the connection it arrives on until an element comes
//! or its timeout passes; every command queued behind it on that connection waits too. On a
//! connection shared by every task that talks to the node, one `BLPOP q 0` would stall them
//! all forever. So blocking commands get a connection of their own (kept idle afterwards,
//! up to [`Config::idle_blocking_connections`](super::Config) per node, for the next one).
//!
//! `WAIT` is the exception: it counts the replicas that acknowledged the writes *of the
//! connection it runs on*, so on a fresh connection it would answer at once with a
//! meaningless number. It runs on the shared connections, where keyslot's writes went, and
//! stalls them for up to its own timeout: use short timeouts. (`WAITAOF`, Redis 7.2, is not
//! in the command table this build was generated from, so it keeps the usual deadline.)
//!
//! Either way a blocking command may legitimately take longer than the request timeout, so
//! its deadline is its own timeout plus the request timeout as a margin for the round trip
//! and redirects; a timeout of 0 (block forever) gives a request without a deadline.
//!
//! A blocking command sent late — again after `UNBLOCKED`, a redirect or a lost connection,
//! or first after waiting for its node — carries only the wait it has left: sent with its
//! full timeout, a long pop would outlive its deadline and end in `Timeout` where the server
//! would have answered null.

use crate::command::CommandSpec;
use crate::time::Duration;
use crate::Cmd;

/// How a command blocks.
///
/// ```
/// use keyslot_core::cluster::{route, Blocking};
/// use keyslot_core::{command::KeyPositions, time::Duration, Cmd};
/// let mut scratch = KeyPositions::new();
/// let pop = route(&Cmd::new("BLPOP").arg("jobs").arg("5"), &mut scratch).unwrap();
/// let five = Some(Duration::from_secs(5));
/// assert_eq!(pop.blocking, Some(Blocking { timeout: five, dedicated: true }));
/// let wait = route(&Cmd::new("WAIT").arg("1").arg("100"), &mut scratch).unwrap();
/// assert_eq!(wait.blocking.map(|b| b.dedicated), Some(false)); // on the shared connection
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blocking {
    /// The server-side timeout; `None` blocks until data arrives.
    pub timeout: Option<Duration>,
    /// Runs on a connection of its own (every blocking command but `WAIT`).
    pub dedicated: bool,
}

/// Where a command's timeout argument sits, and its unit.
enum TimeoutArg {
    /// The last argument, in seconds (decimals allowed).
    LastSecs,
    /// The first argument after the name, in seconds.
    FirstSecs,
    /// The last argument, in milliseconds.
    LastMillis,
    /// The argument after `BLOCK`, in milliseconds; absent means the command does not block.
    AfterBlockMillis,
}

impl TimeoutArg {
    fn of(spec: &CommandSpec) -> Option<(TimeoutArg, bool)> {
        Some(match spec.name() {
            "wait" => (TimeoutArg::LastMillis, false),
            "xread" | "xreadgroup" => (TimeoutArg::AfterBlockMillis, true),
            "blmpop" | "bzmpop" => (TimeoutArg::FirstSecs, true),
            _ if spec.is_blocking() => (TimeoutArg::LastSecs, true),
            _ => return None,
        })
    }

    /// The index of the timeout among `cmd`'s arguments (the name is 0), if it has one.
    fn index(&self, cmd: &Cmd) -> Option<usize> {
        match self {
            TimeoutArg::LastSecs | TimeoutArg::LastMillis => cmd.len().checked_sub(1),
            TimeoutArg::FirstSecs => Some(1),
            TimeoutArg::AfterBlockMillis => block_option(cmd).map(|block| block + 1),
        }
        .filter(|&i| i > 0 && i < cmd.len())
    }

    /// The timeout `value` in milliseconds, if it reads as this argument's unit.
    fn millis(&self, value: &[u8]) -> Option<u64> {
        if self.in_seconds() {
            seconds_as_millis(value)
        } else {
            parse_u64(value)
        }
    }

    fn in_seconds(&self) -> bool {
        matches!(self, TimeoutArg::LastSecs | TimeoutArg::FirstSecs)
    }
}

/// How `cmd` blocks, or `None` when it answers at once.
pub(crate) fn blocking(cmd: &Cmd, spec: &CommandSpec) -> Option<Blocking> {
    let (arg, dedicated) = TimeoutArg::of(spec)?;
    if matches!(arg, TimeoutArg::AfterBlockMillis) && block_option(cmd).is_none() {
        return None;
    }
    let millis = arg
        .index(cmd)
        .and_then(|i| cmd.get(i))
        .and_then(|value| arg.millis(value));
    // An unreadable timeout is the server's to refuse, at once: the usual deadline applies.
    let timeout = match millis {
        Some(0) => None,
        Some(ms) => Some(Duration::from_millis(ms)),
        None => Some(Duration::ZERO),
    };
    Some(Blocking { timeout, dedicated })
}

/// Where `BLOCK` sits among `XREAD`/`XREADGROUP`'s options: before `STREAMS`, skipping
/// the values of `GROUP` (two) and `COUNT` (one), so that a group, consumer or key named
/// "block" is not taken for it.
fn block_option(cmd: &Cmd) -> Option<usize> {
    let mut i = 1;
    while let Some(arg) = cmd.get(i) {
        let is = |word: &[u8]| arg.eq_ignore_ascii_case(word);
        if is(b"STREAMS") {
            return None;
        }
        if is(b"BLOCK") {
            return Some(i);
        }
        i += if is(b"GROUP") {
            3
        } else if is(b"COUNT") {
            2
        } else {
            1
        };
    }
    None
}

/// How much shorter the wait left must be than the one a command carries before it is
/// rewritten: a re-send right after the first costs no more than this.
const REWRITE_BELOW: u64 = 10;

/// `cmd` with its server-side timeout replaced by `left` (at least a millisecond, so that
/// it never becomes "forever"). `None` leaves the command as it is: it has no timeout, its
/// timeout does not read as a number (the server's to refuse), or what is left is within
/// [`REWRITE_BELOW`] ms of what it carries.
pub(crate) fn with_timeout_left(cmd: &Cmd, spec: &CommandSpec, left: Duration) -> Option<Cmd> {
    let (arg, _) = TimeoutArg::of(spec)?;
    let index = arg.index(cmd)?;
    let text = cmd.get(index)?;
    let carried = arg.millis(text)?;
    let mut millis = left.as_micros().div_ceil(1_000).max(1);
    // Whole seconds stay whole: servers before Redis 6.0 refuse a decimal timeout.
    let whole_seconds = arg.in_seconds() && !text.contains(&b'.');
    if whole_seconds {
        millis = millis.div_ceil(1_000) * 1_000;
    }
    if carried == 0 || millis + REWRITE_BELOW > carried {
        return None;
    }
    let value = if whole_seconds {
        alloc::format!("{}", millis / 1_000)
    } else if arg.in_seconds() {
        alloc::format!("{}.{:03}", millis / 1_000, millis % 1_000)
    } else {
        alloc::format!("{millis}")
    };
    let mut rewritten = Cmd::new(cmd.name());
    for (i, a) in cmd.args().enumerate().skip(1) {
        if i == index {
            rewritten.push_arg(value.as_str());
        } else {
            rewritten.push_arg(a);
        }
    }
    Some(rewritten)
}

/// A plain decimal (ASCII digits only, at most 18 of them, so it cannot overflow).
pub(crate) fn parse_u64(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    digits.iter().try_fold(0u64, |acc, &d| {
        d.is_ascii_digit().then(|| acc * 10 + u64::from(d - b'0'))
    })
}

/// `"1.5"` -> 1500; rounds a sub-millisecond remainder up so that a short timeout never
/// becomes "forever".
fn seconds_as_millis(text: &[u8]) -> Option<u64> {
    let (whole, fraction) = match text.iter().position(|&b| b == b'.') {
        Some(dot) => (&text[..dot], &text[dot + 1..]),
        None => (text, &b""[..]),
    };
    let whole = if whole.is_empty() && !fraction.is_empty() {
        0
    } else {
        parse_u64(whole)?
    };
    if !fraction.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut millis = 0u64;
    for i in 0..3 {
        millis = millis * 10 + fraction.get(i).map_or(0, |&d| u64::from(d - b'0'));
    }
    let rest = fraction.get(3..).unwrap_or(&[]);
    if rest.iter().any(|&d| d != b'0') {
        millis += 1;
    }
    whole.checked_mul(1000)?.checked_add(millis)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::lookup;
    use alloc::vec::Vec;

    fn of(cmd: Cmd) -> Option<Blocking> {
        blocking(&cmd, lookup(&cmd).unwrap())
    }

    fn ms(ms: u64) -> Option<Duration> {
        Some(Duration::from_millis(ms))
    }

    #[test]
    fn each_family_finds_its_timeout() {
        let blpop = of(Cmd::new("BLPOP").arg("a").arg("b").arg("2.5")).unwrap();
        assert_eq!(blpop.timeout, ms(2500));
        assert!(blpop.dedicated);
        let blmove = Cmd::new("BLMOVE")
            .arg("s")
            .arg("d")
            .arg("LEFT")
            .arg("RIGHT");
        assert_eq!(of(blmove.arg("1")).unwrap().timeout, ms(1000));
        let blmpop = Cmd::new("BLMPOP").arg("0.01").arg(1).arg("k").arg("LEFT");
        assert_eq!(of(blmpop).unwrap().timeout, ms(10));
        let xread = Cmd::new("XREAD").arg("COUNT").arg(1).arg("block").arg(1500);
        assert_eq!(
            of(xread.arg("STREAMS").arg("s").arg("$")).unwrap().timeout,
            ms(1500)
        );
        let wait = of(Cmd::new("WAIT").arg(1).arg(250)).unwrap();
        assert_eq!((wait.timeout, wait.dedicated), (ms(250), false));
    }

    #[test]
    fn a_resend_carries_the_wait_left_in_the_command_s_own_unit() {
        let left = |cmd: Cmd, ms: u64| {
            let spec = lookup(&cmd).unwrap();
            with_timeout_left(&cmd, spec, Duration::from_millis(ms)).map(|c| {
                c.args()
                    .map(|a| alloc::string::String::from_utf8_lossy(a).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
        };
        let blpop = Cmd::new("BLPOP").arg("a").arg("b").arg("30.0");
        assert_eq!(left(blpop.clone(), 12_345).unwrap(), "BLPOP a b 12.345");
        assert_eq!(
            left(blpop, 0).unwrap(),
            "BLPOP a b 0.001",
            "never 0, which blocks forever"
        );
        let whole = Cmd::new("BLPOP").arg("a").arg(30);
        assert_eq!(
            left(whole.clone(), 12_345).unwrap(),
            "BLPOP a 13",
            "whole seconds stay whole (Redis before 6.0), rounded up"
        );
        assert_eq!(left(whole, 0).unwrap(), "BLPOP a 1");
        assert_eq!(
            left(Cmd::new("BLPOP").arg("a").arg(5), 4_200),
            None,
            "rounded up it would carry as much as before"
        );
        let blmpop = Cmd::new("BLMPOP").arg(5).arg(1).arg("k").arg("LEFT");
        assert_eq!(left(blmpop, 2_000).unwrap(), "BLMPOP 2 1 k LEFT");
        let xread = Cmd::new("XREAD").arg("BLOCK").arg(9000).arg("STREAMS");
        assert_eq!(
            left(xread.arg("s").arg("$"), 250).unwrap(),
            "XREAD BLOCK 250 STREAMS s $"
        );
        assert_eq!(left(Cmd::new("GET").arg("k"), 5), None);
        assert_eq!(
            left(Cmd::new("BLPOP").arg("q").arg("abc"), 5),
            None,
            "an unreadable timeout stays the server's to refuse"
        );
        assert_eq!(
            left(Cmd::new("BLPOP").arg("q").arg(5), 4_995),
            None,
            "within 10 ms of what it carries: unchanged"
        );
        let group = Cmd::new("XREADGROUP").arg("GROUP").arg("g").arg("c");
        let group = group.arg("COUNT").arg(1).arg("BLOCK").arg(100);
        assert_eq!(
            left(group.arg("STREAMS").arg("s").arg(">"), 40).unwrap(),
            "XREADGROUP GROUP g c COUNT 1 BLOCK 40 STREAMS s >"
        );
        let parsed = of(Cmd::new("BLPOP").arg("q").arg("12.345")).unwrap();
        assert_eq!(parsed.timeout, ms(12_345), "the rewritten value reads back");
    }

    #[test]
    fn zero_blocks_forever_and_xread_without_block_does_not_block() {
        assert_eq!(of(Cmd::new("BRPOP").arg("q").arg(0)).unwrap().timeout, None);
        assert_eq!(
            of(Cmd::new("BRPOP").arg("q").arg("0.0")).unwrap().timeout,
            None
        );
        assert_eq!(of(Cmd::new("XREAD").arg("STREAMS").arg("s").arg("0")), None);
        let named_block = Cmd::new("XREADGROUP").arg("GROUP").arg("block").arg("42");
        assert_eq!(
            of(named_block.arg("STREAMS").arg("block").arg(">")),
            None,
            "a group, consumer or key named block is not the option"
        );
        assert_eq!(of(Cmd::new("GET").arg("k")), None);
    }

    #[test]
    fn odd_timeouts_never_become_forever() {
        assert_eq!(
            of(Cmd::new("BLPOP").arg("q").arg("0.0001"))
                .unwrap()
                .timeout,
            ms(1)
        );
        assert_eq!(
            of(Cmd::new("BLPOP").arg("q").arg(".5")).unwrap().timeout,
            ms(500)
        );
        for bad in ["-1", "abc", "1e3", "", "99999999999999999999"] {
            let got = of(Cmd::new("BLPOP").arg("q").arg(bad)).unwrap();
            assert_eq!(got.timeout, Some(Duration::ZERO), "{bad}");
        }
    }
}
