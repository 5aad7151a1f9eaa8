//! `ZRANGE`'s and `ZADD`'s options.

use crate::convert::ToArgs;
use crate::Cmd;

/// What `ZRANGE`'s `start` and `stop` mean.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum ZRangeBy {
    /// Ranks, 0-based, negative from the end (the default).
    #[default]
    Rank,
    /// `BYSCORE`: scores, `(` for an exclusive bound, `-inf`/`+inf` for none.
    Score,
    /// `BYLEX`: members of equal score, `[a`/`(a` bounds, `-`/`+` for none.
    Lex,
}

/// `ZRANGE`'s options: what the range is of, its direction, a limit and the scores.
///
/// ```
/// use keyslot_core::commands::{self, ZRangeOptions};
/// let top3 = ZRangeOptions::new().by_score().rev().limit(0, 3).with_scores();
/// let cmd = commands::zrange_with("board", "+inf", "-inf", top3);
/// assert_eq!(
///     format!("{cmd:?}"),
///     r#"["ZRANGE", "board", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "0", "3", "WITHSCORES"]"#
/// );
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ZRangeOptions {
    by: ZRangeBy,
    rev: bool,
    limit: Option<(i64, i64)>,
    with_scores: bool,
}

impl ZRangeOptions {
    /// A range of ranks, lowest score first, members only: `ZRANGE key start stop`.
    ///
    /// ```
    /// # use keyslot_core::commands::{self, ZRangeOptions};
    /// let cmd = commands::zrange_with("z", 0, -1, ZRangeOptions::new());
    /// assert_eq!(format!("{cmd:?}"), r#"["ZRANGE", "z", "0", "-1"]"#);
    /// ```
    pub fn new() -> ZRangeOptions {
        ZRangeOptions::default()
    }

    /// `BYSCORE`: `start` and `stop` are scores.
    ///
    /// ```
    /// # use keyslot_core::commands::{self, ZRangeOptions};
    /// let cmd = commands::zrange_with("z", "(1", "+inf", ZRangeOptions::new().by_score());
    /// assert_eq!(format!("{cmd:?}"), r#"["ZRANGE", "z", "(1", "+inf", "BYSCORE"]"#);
    /// ```
    #[must_use]
    pub fn by_score(mut self) -> ZRangeOptions {
        self.by = ZRangeBy::Score;
        self
    }

    /// `BYLEX`: `start` and `stop` are members (for members of equal score).
    ///
    /// ```
    /// # use keyslot_core::commands::{self, ZRangeOptions};
    /// let cmd = commands::zrange_with("z", "[a", "(c", ZRangeOptions::new().by_lex());
    /// assert_eq!(format!("{cmd:?}"), r#"["ZRANGE", "z", "[a", "(c", "BYLEX"]"#);
    /// ```
    #[must_use]
    pub fn by_lex(mut self) -> ZRangeOptions {
        self.by = ZRangeBy::Lex;
        self
    }

    /// `REV`: highest first. With `by_score` or `by_lex`, `start` is then the upper bound.
    ///
    /// ```
    /// # use keyslot_core::commands::{self, ZRangeOptions};
    /// let cmd = commands::zrange_with("z", 0, 2, ZRangeOptions::new().rev());
    /// assert_eq!(format!("{cmd:?}"), r#"["ZRANGE", "z", "0", "2", "REV"]"#);
    /// ```
    #[must_use]
    pub fn rev(mut self) -> ZRangeOptions {
        self.rev = true;
        self
    }

    /// `LIMIT offset count` (a negative count is all from `offset`). The server takes it
    /// only with `by_score` or `by_lex`, so it is written only with one of them.
    ///
    /// ```
    /// # use keyslot_core::commands::{self, ZRangeOptions};
    /// let page = ZRangeOptions::new().by_score().limit(10, 5);
    /// let cmd = commands::zrange_with("z", "-inf", "+inf", page);
    /// assert_eq!(format!("{cmd:?}"), r#"["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "10", "5"]"#);
    /// let ranks = commands::zrange_with("z", 0, 9, ZRangeOptions::new().limit(1, 1));
    /// assert_eq!(ranks.len(), 4, "no LIMIT on a range of ranks");
    /// ```
    #[must_use]
    pub fn limit(mut self, offset: i64, count: i64) -> ZRangeOptions {
        self.limit = Some((offset, count));
        self
    }

    /// `WITHSCORES`: each member with its score (read it as `Vec<(String, f64)>`).
    ///
    /// ```
    /// # use keyslot_core::commands::{self, ZRangeOptions};
    /// let cmd = commands::zrange_with("z", 0, -1, ZRangeOptions::new().with_scores());
    /// assert_eq!(format!("{cmd:?}"), r#"["ZRANGE", "z", "0", "-1", "WITHSCORES"]"#);
    /// ```
    #[must_use]
    pub fn with_scores(mut self) -> ZRangeOptions {
        self.with_scores = true;
        self
    }
}

impl ToArgs for ZRangeOptions {
    fn write_args(&self, cmd: &mut Cmd) {
        match self.by {
            ZRangeBy::Rank => {}
            ZRangeBy::Score => cmd.push_single("BYSCORE"),
            ZRangeBy::Lex => cmd.push_single("BYLEX"),
        }
        if self.rev {
            cmd.push_single("REV");
        }
        if let (Some((offset, count)), false) = (self.limit, self.by == ZRangeBy::Rank) {
            ("LIMIT", offset, count).write_args(cmd);
        }
        if self.with_scores {
            cmd.push_single("WITHSCORES");
        }
    }
}

/// `ZADD`'s options: a condition on the member, a condition on the score, `CH` and `INCR`.
///
/// ```
/// use keyslot_core::commands::{self, ZAddOptions};
/// let cmd = commands::zadd_with("board", [(99.5, "ada")], ZAddOptions::new().if_greater().changed());
/// assert_eq!(format!("{cmd:?}"), r#"["ZADD", "board", "GT", "CH", "99.5", "ada"]"#);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ZAddOptions {
    member: Option<&'static str>,
    score: Option<&'static str>,
    changed: bool,
    incr: bool,
}

impl ZAddOptions {
    /// No options: add or update every member.
    ///
    /// ```
    /// # use keyslot_core::commands::{self, ZAddOptions};
    /// let cmd = commands::zadd_with("z", [(1, "a")], ZAddOptions::new());
    /// assert_eq!(format!("{cmd:?}"), r#"["ZADD", "z", "1", "a"]"#);
    /// ```
    pub fn new() -> ZAddOptions {
        ZAddOptions::default()
    }

    /// `NX`: only add new members, never update a score.
    ///
    /// ```
    /// # use keyslot_core::commands::{self, ZAddOptions};
    /// let cmd = commands::zadd_with("z", [(1, "a")], ZAddOptions::new().if_missing());
    /// assert_eq!(cmd.get(2), Some(&b"NX"[..]));
    /// ```
    #[must_use]
    pub fn if_missing(mut self) -> ZAddOptions {
        self.member = Some("NX");
        self
    }

    /// `XX`: only update members that exist, never add one.
    ///
    /// ```
    /// # use keyslot_core::commands::{self, ZAddOptions};
    /// let cmd = commands::zadd_with("z", [(1, "a")], ZAddOptions::new().if_exists());
    /// assert_eq!(cmd.get(2), Some(&b"XX"[..]));
    /// ```
    #[must_use]
    pub fn if_exists(mut self) -> ZAddOptions {
        self.member = Some("XX");
        self
    }

    /// `GT`: update a score only to a greater one (new members are still added).
    ///
    /// ```
    /// # use keyslot_core::commands::{self, ZAddOptions};
    /// let cmd = commands::zadd_with("z", [(1, "a")], ZAddOptions::new().if_greater());
    /// assert_eq!(cmd.get(2), Some(&b"GT"[..]));
    /// ```
    #[must_use]
    pub fn if_greater(mut self) -> ZAddOptions {
        self.score = Some("GT");
        self
    }

    /// `LT`: update a score only to a lower one (new members are still added).
    ///
    /// ```
    /// # use keyslot_core::commands::{self, ZAddOptions};
    /// let cmd = commands::zadd_with("z", [(1, "a")], ZAddOptions::new().if_less());
    /// assert_eq!(cmd.get(2), Some(&b"LT"[..]));
    /// ```
    #[must_use]
    pub fn if_less(mut self) -> ZAddOptions {
        self.score = Some("LT");
        self
    }

    /// `CH`: the reply counts members changed (added or updated), not only added.
    ///
    /// ```
    /// # use keyslot_core::commands::{self, ZAddOptions};
    /// let cmd = commands::zadd_with("z", [(1, "a")], ZAddOptions::new().changed());
    /// assert_eq!(cmd.get(2), Some(&b"CH"[..]));
    /// ```
    #[must_use]
    pub fn changed(mut self) -> ZAddOptions {
        self.changed = true;
        self
    }

    /// `INCR`: add the score to the member's (one pair only); the reply is the new score, or
    /// null when a condition stopped it (read it as `Option<f64>`).
    ///
    /// ```
    /// # use keyslot_core::commands::{self, ZAddOptions};
    /// let cmd = commands::zadd_with("z", [(2.5, "a")], ZAddOptions::new().incr());
    /// assert_eq!(format!("{cmd:?}"), r#"["ZADD", "z", "INCR", "2.5", "a"]"#);
    /// ```
    #[must_use]
    pub fn incr(mut self) -> ZAddOptions {
        self.incr = true;
        self
    }
}

impl ToArgs for ZAddOptions {
    fn write_args(&self, cmd: &mut Cmd) {
        self.member.write_args(cmd);
        self.score.write_args(cmd);
        if self.changed {
            cmd.push_single("CH");
        }
        if self.incr {
            cmd.push_single("INCR");
        }
    }
}
