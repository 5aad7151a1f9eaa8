//! `SET`'s and `GETEX`'s options: a write condition and an expiry.

use crate::convert::ToArgs;
use crate::Cmd;

/// When `SET` may write (see [`SetOptions::if_missing`] and [`SetOptions::if_exists`]).
///
/// ```
/// use keyslot_core::commands::{SetCondition, SetOptions};
/// assert_ne!(SetCondition::IfMissing, SetCondition::IfExists);
/// # let _ = SetOptions::new().if_missing();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetCondition {
    /// `NX`: only if the key does not exist.
    IfMissing,
    /// `XX`: only if the key exists.
    IfExists,
}

/// A key's expiry, as `SET` and `GETEX` take it.
///
/// ```
/// use keyslot_core::commands::{self, Expiry, SetOptions};
/// let keep = commands::set_with("k", "v", SetOptions::new().expiry(Expiry::KeepTtl));
/// assert_eq!(format!("{keep:?}"), r#"["SET", "k", "v", "KEEPTTL"]"#);
/// let at = commands::getex_with("k", Expiry::AtMillis(1_700_000_000_000));
/// assert_eq!(format!("{at:?}"), r#"["GETEX", "k", "PXAT", "1700000000000"]"#);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    /// `EX`: in this many seconds.
    Seconds(u64),
    /// `PX`: in this many milliseconds.
    Millis(u64),
    /// `EXAT`: at this Unix time, in seconds.
    AtSeconds(u64),
    /// `PXAT`: at this Unix time, in milliseconds.
    AtMillis(u64),
    /// `KEEPTTL` (`SET` only): keep the expiry the key has.
    KeepTtl,
    /// `PERSIST` (`GETEX` only): remove the expiry.
    Persist,
}

impl ToArgs for Expiry {
    fn write_args(&self, cmd: &mut Cmd) {
        match *self {
            Expiry::Seconds(n) => ("EX", n).write_args(cmd),
            Expiry::Millis(n) => ("PX", n).write_args(cmd),
            Expiry::AtSeconds(n) => ("EXAT", n).write_args(cmd),
            Expiry::AtMillis(n) => ("PXAT", n).write_args(cmd),
            Expiry::KeepTtl => cmd.push_single("KEEPTTL"),
            Expiry::Persist => cmd.push_single("PERSIST"),
        }
    }
}

/// `SET`'s options: a condition, an expiry, and whether to return the old value.
///
/// ```
/// use keyslot_core::commands::{self, Expiry, SetOptions};
/// let cmd = commands::set_with("k", "v", SetOptions::new().if_missing().expiry(Expiry::Seconds(60)));
/// assert_eq!(format!("{cmd:?}"), r#"["SET", "k", "v", "NX", "EX", "60"]"#);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SetOptions {
    condition: Option<SetCondition>,
    expiry: Option<Expiry>,
    get: bool,
}

impl SetOptions {
    /// No options: `SET key value`.
    ///
    /// ```
    /// # use keyslot_core::commands::{self, SetOptions};
    /// let cmd = commands::set_with("k", "v", SetOptions::new());
    /// assert_eq!(format!("{cmd:?}"), r#"["SET", "k", "v"]"#);
    /// ```
    pub fn new() -> SetOptions {
        SetOptions::default()
    }

    /// `NX`: write only if the key does not exist (the reply is null when it did).
    ///
    /// ```
    /// # use keyslot_core::commands::{self, SetOptions};
    /// let cmd = commands::set_with("k", "v", SetOptions::new().if_missing());
    /// assert_eq!(cmd.get(3), Some(&b"NX"[..]));
    /// ```
    #[must_use]
    pub fn if_missing(mut self) -> SetOptions {
        self.condition = Some(SetCondition::IfMissing);
        self
    }

    /// `XX`: write only if the key exists (the reply is null when it did not).
    ///
    /// ```
    /// # use keyslot_core::commands::{self, SetOptions};
    /// let cmd = commands::set_with("k", "v", SetOptions::new().if_exists());
    /// assert_eq!(cmd.get(3), Some(&b"XX"[..]));
    /// ```
    #[must_use]
    pub fn if_exists(mut self) -> SetOptions {
        self.condition = Some(SetCondition::IfExists);
        self
    }

    /// An expiry (`EX`, `PX`, `EXAT`, `PXAT` or `KEEPTTL`).
    ///
    /// ```
    /// # use keyslot_core::commands::{self, Expiry, SetOptions};
    /// let cmd = commands::set_with("k", "v", SetOptions::new().expiry(Expiry::Millis(1500)));
    /// assert_eq!(format!("{cmd:?}"), r#"["SET", "k", "v", "PX", "1500"]"#);
    /// ```
    #[must_use]
    pub fn expiry(mut self, expiry: Expiry) -> SetOptions {
        self.expiry = Some(expiry);
        self
    }

    /// `GET`: the reply is the key's old value (null if it had none).
    ///
    /// ```
    /// # use keyslot_core::commands::{self, SetOptions};
    /// let cmd = commands::set_with("k", "v", SetOptions::new().get());
    /// assert_eq!(format!("{cmd:?}"), r#"["SET", "k", "v", "GET"]"#);
    /// ```
    #[must_use]
    pub fn get(mut self) -> SetOptions {
        self.get = true;
        self
    }
}

impl ToArgs for SetOptions {
    fn write_args(&self, cmd: &mut Cmd) {
        match self.condition {
            Some(SetCondition::IfMissing) => cmd.push_single("NX"),
            Some(SetCondition::IfExists) => cmd.push_single("XX"),
            None => {}
        }
        if self.get {
            cmd.push_single("GET");
        }
        self.expiry.write_args(cmd);
    }
}
