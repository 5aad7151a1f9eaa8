//! Stream options: how `XADD` and `XTRIM` trim, and how `XREAD` and `XREADGROUP` read.

use crate::convert::ToArgs;
use crate::Cmd;

/// How a stream is trimmed (`XTRIM`, and `XADD` as it adds).
///
/// Exact by default (`=`). [`approximate`](Trim::approximate) (`~`) lets the server trim
/// whole macro nodes only, which is much cheaper and may leave a few more entries.
///
/// ```
/// use keyslot_core::commands::{self, Trim};
/// let cmd = commands::xtrim_with("events", Trim::max_len(1000).approximate().limit(100));
/// assert_eq!(format!("{cmd:?}"), r#"["XTRIM", "events", "MAXLEN", "~", "1000", "LIMIT", "100"]"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trim {
    strategy: &'static str,
    threshold: TrimThreshold,
    approximate: bool,
    limit: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum TrimThreshold {
    Length(u64),
    Id(alloc::string::String),
}

impl Trim {
    /// `MAXLEN`: keep at most `len` entries, the newest.
    ///
    /// ```
    /// # use keyslot_core::commands::{self, Trim};
    /// let cmd = commands::xtrim_with("s", Trim::max_len(10));
    /// assert_eq!(format!("{cmd:?}"), r#"["XTRIM", "s", "MAXLEN", "=", "10"]"#);
    /// ```
    pub fn max_len(len: u64) -> Trim {
        Trim::new("MAXLEN", TrimThreshold::Length(len))
    }

    /// `MINID`: drop the entries whose id is lower than `id` (such as `"1700000000000-0"`,
    /// or a millisecond time alone).
    ///
    /// ```
    /// # use keyslot_core::commands::{self, Trim};
    /// let cmd = commands::xtrim_with("s", Trim::min_id("1700000000000"));
    /// assert_eq!(format!("{cmd:?}"), r#"["XTRIM", "s", "MINID", "=", "1700000000000"]"#);
    /// ```
    pub fn min_id(id: &str) -> Trim {
        Trim::new("MINID", TrimThreshold::Id(id.into()))
    }

    fn new(strategy: &'static str, threshold: TrimThreshold) -> Trim {
        Trim {
            strategy,
            threshold,
            approximate: false,
            limit: None,
        }
    }

    /// `~`: trim whole macro nodes only (cheap; a few more entries may stay).
    ///
    /// ```
    /// # use keyslot_core::commands::{self, Trim};
    /// let cmd = commands::xtrim_with("s", Trim::max_len(10).approximate());
    /// assert_eq!(cmd.get(3), Some(&b"~"[..]));
    /// ```
    #[must_use]
    pub fn approximate(mut self) -> Trim {
        self.approximate = true;
        self
    }

    /// `LIMIT count`: evict at most `count` entries this time (approximate trimming only;
    /// the server refuses it with an exact one, so it is written only then).
    ///
    /// ```
    /// # use keyslot_core::commands::{self, Trim};
    /// let cmd = commands::xtrim_with("s", Trim::max_len(10).approximate().limit(50));
    /// assert_eq!(format!("{cmd:?}"), r#"["XTRIM", "s", "MAXLEN", "~", "10", "LIMIT", "50"]"#);
    /// assert_eq!(commands::xtrim_with("s", Trim::max_len(10).limit(50)).len(), 5);
    /// ```
    #[must_use]
    pub fn limit(mut self, count: u64) -> Trim {
        self.limit = Some(count);
        self
    }
}

impl ToArgs for Trim {
    fn write_args(&self, cmd: &mut Cmd) {
        cmd.push_single(self.strategy);
        cmd.push_single(if self.approximate { "~" } else { "=" });
        match &self.threshold {
            TrimThreshold::Length(len) => cmd.push_single(len),
            TrimThreshold::Id(id) => cmd.push_single(id.as_str()),
        }
        if let (Some(count), true) = (self.limit, self.approximate) {
            ("LIMIT", count).write_args(cmd);
        }
    }
}

/// `XADD`'s options: whether a missing stream is created, and a trim.
///
/// ```
/// use keyslot_core::commands::{self, Trim, XAddOptions};
/// let opts = XAddOptions::new().trim(Trim::max_len(1000).approximate());
/// let cmd = commands::xadd_with("events", "*", [("kind", "login")], opts);
/// assert_eq!(
///     format!("{cmd:?}"),
///     r#"["XADD", "events", "MAXLEN", "~", "1000", "*", "kind", "login"]"#
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct XAddOptions {
    no_mkstream: bool,
    trim: Option<Trim>,
}

impl XAddOptions {
    /// No options: create the stream if needed, keep every entry.
    ///
    /// ```
    /// # use keyslot_core::commands::{self, XAddOptions};
    /// let cmd = commands::xadd_with("s", "*", [("f", "v")], XAddOptions::new());
    /// assert_eq!(format!("{cmd:?}"), r#"["XADD", "s", "*", "f", "v"]"#);
    /// ```
    pub fn new() -> XAddOptions {
        XAddOptions::default()
    }

    /// `NOMKSTREAM`: add nothing when the stream does not exist (the reply is then null).
    ///
    /// ```
    /// # use keyslot_core::commands::{self, XAddOptions};
    /// let cmd = commands::xadd_with("s", "*", [("f", "v")], XAddOptions::new().no_mkstream());
    /// assert_eq!(cmd.get(2), Some(&b"NOMKSTREAM"[..]));
    /// ```
    #[must_use]
    pub fn no_mkstream(mut self) -> XAddOptions {
        self.no_mkstream = true;
        self
    }

    /// Trim the stream as the entry is added.
    ///
    /// ```
    /// # use keyslot_core::commands::{self, Trim, XAddOptions};
    /// let cmd = commands::xadd_with("s", "*", [("f", "v")], XAddOptions::new().trim(Trim::max_len(5)));
    /// assert_eq!(format!("{cmd:?}"), r#"["XADD", "s", "MAXLEN", "=", "5", "*", "f", "v"]"#);
    /// ```
    #[must_use]
    pub fn trim(mut self, trim: Trim) -> XAddOptions {
        self.trim = Some(trim);
        self
    }
}

impl ToArgs for XAddOptions {
    fn write_args(&self, cmd: &mut Cmd) {
        if self.no_mkstream {
            cmd.push_single("NOMKSTREAM");
        }
        self.trim.write_args(cmd);
    }
}

/// `XREAD`'s options: how many entries per stream, and how long to wait for one.
///
/// With [`block`](XReadOptions::block) the command waits on a connection of its own, as
/// every blocking command does, so it holds up nothing else.
///
/// ```
/// use keyslot_core::commands::{self, XReadOptions};
/// let cmd = commands::xread_with(["events"], ["$"], XReadOptions::new().count(10).block(5000));
/// assert_eq!(
///     format!("{cmd:?}"),
///     r#"["XREAD", "COUNT", "10", "BLOCK", "5000", "STREAMS", "events", "$"]"#
/// );
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct XReadOptions {
    count: Option<u64>,
    block_ms: Option<u64>,
}

impl XReadOptions {
    /// No options: every entry after the ids given, without waiting.
    ///
    /// ```
    /// # use keyslot_core::commands::{self, XReadOptions};
    /// let cmd = commands::xread_with(["s"], ["0"], XReadOptions::new());
    /// assert_eq!(format!("{cmd:?}"), r#"["XREAD", "STREAMS", "s", "0"]"#);
    /// ```
    pub fn new() -> XReadOptions {
        XReadOptions::default()
    }

    /// `COUNT n`: at most `n` entries per stream.
    ///
    /// ```
    /// # use keyslot_core::commands::{self, XReadOptions};
    /// let cmd = commands::xread_with(["s"], ["0"], XReadOptions::new().count(2));
    /// assert_eq!(format!("{cmd:?}"), r#"["XREAD", "COUNT", "2", "STREAMS", "s", "0"]"#);
    /// ```
    #[must_use]
    pub fn count(mut self, n: u64) -> XReadOptions {
        self.count = Some(n);
        self
    }

    /// `BLOCK ms`: wait up to `ms` milliseconds for an entry (0: for ever); the reply is
    /// null when none came.
    ///
    /// ```
    /// # use keyslot_core::commands::{self, XReadOptions};
    /// let cmd = commands::xread_with(["s"], ["$"], XReadOptions::new().block(100));
    /// assert_eq!(format!("{cmd:?}"), r#"["XREAD", "BLOCK", "100", "STREAMS", "s", "$"]"#);
    /// ```
    #[must_use]
    pub fn block(mut self, ms: u64) -> XReadOptions {
        self.block_ms = Some(ms);
        self
    }
}

impl ToArgs for XReadOptions {
    fn write_args(&self, cmd: &mut Cmd) {
        self.count.map(|n| ("COUNT", n)).write_args(cmd);
        self.block_ms.map(|ms| ("BLOCK", ms)).write_args(cmd);
    }
}

/// `XREADGROUP`'s options: those of [`XReadOptions`] and `NOACK`.
///
/// ```
/// use keyslot_core::commands::{self, XReadGroupOptions};
/// let opts = XReadGroupOptions::new().count(1).no_ack();
/// let cmd = commands::xreadgroup_with("g", "alice", ["s"], [">"], opts);
/// assert_eq!(
///     format!("{cmd:?}"),
///     r#"["XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "NOACK", "STREAMS", "s", ">"]"#
/// );
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct XReadGroupOptions {
    read: XReadOptions,
    no_ack: bool,
}

impl XReadGroupOptions {
    /// No options: the entries for this consumer, without waiting, kept pending until acked.
    ///
    /// ```
    /// # use keyslot_core::commands::{self, XReadGroupOptions};
    /// let cmd = commands::xreadgroup_with("g", "c", ["s"], [">"], XReadGroupOptions::new());
    /// assert_eq!(cmd.len(), 7);
    /// ```
    pub fn new() -> XReadGroupOptions {
        XReadGroupOptions::default()
    }

    /// `COUNT n`: at most `n` entries per stream.
    ///
    /// ```
    /// # use keyslot_core::commands::{self, XReadGroupOptions};
    /// let cmd = commands::xreadgroup_with("g", "c", ["s"], [">"], XReadGroupOptions::new().count(5));
    /// assert_eq!(cmd.get(4), Some(&b"COUNT"[..]));
    /// ```
    #[must_use]
    pub fn count(mut self, n: u64) -> XReadGroupOptions {
        self.read = self.read.count(n);
        self
    }

    /// `BLOCK ms`: wait up to `ms` milliseconds for an entry (0: for ever).
    ///
    /// ```
    /// # use keyslot_core::commands::{self, XReadGroupOptions};
    /// let cmd = commands::xreadgroup_with("g", "c", ["s"], [">"], XReadGroupOptions::new().block(50));
    /// assert_eq!(cmd.get(5), Some(&b"50"[..]));
    /// ```
    #[must_use]
    pub fn block(mut self, ms: u64) -> XReadGroupOptions {
        self.read = self.read.block(ms);
        self
    }

    /// `NOACK`: entries are not kept pending (no `XACK` needed, none redelivered).
    ///
    /// ```
    /// # use keyslot_core::commands::{self, XReadGroupOptions};
    /// let cmd = commands::xreadgroup_with("g", "c", ["s"], [">"], XReadGroupOptions::new().no_ack());
    /// assert_eq!(cmd.get(4), Some(&b"NOACK"[..]));
    /// ```
    #[must_use]
    pub fn no_ack(mut self) -> XReadGroupOptions {
        self.no_ack = true;
        self
    }
}

impl ToArgs for XReadGroupOptions {
    fn write_args(&self, cmd: &mut Cmd) {
        self.read.write_args(cmd);
        if self.no_ack {
            cmd.push_single("NOACK");
        }
    }
}
