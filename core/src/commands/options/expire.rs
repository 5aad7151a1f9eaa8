//! The condition the `EXPIRE` family takes (Redis 7.0+).

use crate::convert::ToArgs;
use crate::Cmd;

/// When `EXPIRE`, `PEXPIRE`, `EXPIREAT` or `PEXPIREAT` may set the expiry (Redis 7.0+).
///
/// ```
/// use keyslot_core::commands::{self, ExpireCondition};
/// let cmd = commands::expire_with("k", 60, ExpireCondition::IfLater);
/// assert_eq!(format!("{cmd:?}"), r#"["EXPIRE", "k", "60", "GT"]"#);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpireCondition {
    /// `NX`: only if the key has no expiry.
    IfNone,
    /// `XX`: only if the key has an expiry.
    IfSet,
    /// `GT`: only if the new expiry is later than the current one (no expiry counts as
    /// infinitely late, so a key without one is left alone).
    IfLater,
    /// `LT`: only if the new expiry is earlier than the current one (a key without an expiry
    /// gets it).
    IfEarlier,
}

impl ToArgs for ExpireCondition {
    fn write_args(&self, cmd: &mut Cmd) {
        cmd.push_single(match self {
            ExpireCondition::IfNone => "NX",
            ExpireCondition::IfSet => "XX",
            ExpireCondition::IfLater => "GT",
            ExpireCondition::IfEarlier => "LT",
        });
    }
}
