//! Typed commands: a builder per command, from the server's own documentation.
//!
//! [`generated`] lists, for every command of the data types (strings, keys, hashes, lists,
//! sets, sorted sets, streams, HyperLogLog, geo, bitmaps, publishing, functions), its name and
//! required arguments as `redis-server`'s `COMMAND DOCS` gives them; `scripts/gen-typed-commands`
//! writes it. From that one list come the builders here (`commands::get(key)` is the [`Cmd`]
//! `GET key`) and the typed methods of every client of the `keyslot` crate
//! (`client.get::<String>(key)`). Options that need judgement to expose ([`SetOptions`], [`ZRangeOptions`],
//! [`XAddOptions`], ...) are written by hand, each with its command (`set_with`,
//! `zrange_with`, `xadd_with`, ...).
//!
//! ```
//! use keyslot_core::commands;
//! let cmd = commands::zadd("board", [(1.5, "ada"), (2.0, "alan")]);
//! assert_eq!(cmd.len(), 6);
//! let cmd = commands::zunion(["{b}1", "{b}2"]);
//! assert_eq!(cmd.get(1), Some(&b"2"[..]), "numkeys is counted for you");
//! ```

use crate::convert::ToArgs;
use crate::Cmd;

pub mod generated;
mod hand_written;
mod options;

pub use generated::SERVER_VERSION;
pub use options::{
    ExpireCondition, Expiry, SetCondition, SetOptions, Trim, XAddOptions, XReadGroupOptions,
    XReadOptions, ZAddOptions, ZRangeOptions,
};

/// A key list written after its length (`numkeys key [key ...]`), for the commands that
/// take one (`ZUNION`, `LMPOP`, `FCALL`, ...).
///
/// ```
/// use keyslot_core::{commands::Counted, Cmd};
/// let cmd = Cmd::new("ZUNION").arg(Counted(["{b}1", "{b}2"]));
/// assert_eq!(format!("{cmd:?}"), r#"["ZUNION", "2", "{b}1", "{b}2"]"#);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Counted<T>(pub T);

impl<T: ToArgs> ToArgs for Counted<T> {
    fn write_args(&self, cmd: &mut Cmd) {
        let mut keys = Cmd::default();
        self.0.write_args(&mut keys);
        cmd.push_single(keys.len());
        for key in keys.args() {
            cmd.push_single(key);
        }
    }
}

/// Emits one builder function per generated command, its doc example checking the command
/// it builds.
macro_rules! builders {
    ($(
        $(#[$doc:meta])*
        $name:ident($($param:ident: $ty:ty),*) => [$first:literal $(, $part:tt)*]
            example $example:literal wire $wire:literal;
    )*) => {$(
        $(#[$doc])*
        ///
        #[doc = concat!(
            "```\n",
            "# use keyslot_core::commands;\n",
            "let cmd = commands::", stringify!($name), "(", $example, ");\n",
            "assert_eq!(format!(\"{cmd:?}\"), r#\"", $wire, "\"#);\n",
            "```",
        )]
        pub fn $name($($param: $ty),*) -> Cmd {
            Cmd::new($first)$(.arg($part))*
        }
    )*};
}

crate::__each_typed_command!(builders);
crate::__each_hand_written_command!(builders);
