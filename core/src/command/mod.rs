//! Commands: building them, and knowing what the server will do with them.
//!
//! Routing a command in a cluster needs three facts about it: where its keys are (to pick
//! the slot, and to refuse keys that span slots before sending anything), whether it only
//! reads (replicas, retries after a lost connection), and, when it has no key, which nodes
//! it is meant for and how their replies combine (DBSIZE sums over every primary). The
//! server knows all three and says so in its `COMMAND` reply; `scripts/gen-command-table`
//! turns a real server's reply into a static table ([`SERVER_VERSION`]) so this crate
//! answers them without asking.
//!
//! - [`lookup`]: the [`CommandSpec`] of a [`Cmd`], case-insensitive, resolving container
//!   commands to their subcommand (`CLUSTER SLOTS` is `cluster|slots`). A compile-time hash
//!   index: no allocation, no scan.
//! - [`key_positions`]: the argument indices of the keys, found by evaluating the command's
//!   key specifications as the server does, so movable keys (EVAL numkeys, XREAD STREAMS,
//!   ZUNIONSTORE, MIGRATE KEYS, SORT STORE) come out right. Malformed arguments give a
//!   [`KeyError`], never a wrong key. [`routing_positions`] adds the shard channels of
//!   sharded pub/sub, which are hashed like keys.
//! - [`CommandSpec`]: flags ([`flags`]), arity, key specs, and the [`RequestPolicy`] and
//!   [`ResponsePolicy`] tips.
//!
//! # Commands the table does not know
//!
//! A command missing from the table (a module command, or one newer than the table) has
//! no spec: [`lookup`] returns `None`, and [`key_positions`] takes its **first argument
//! (index 1) as its key** when it has one, which is right for most module commands
//! (`JSON.GET key ...`) and routes the rest somewhere deterministic; the server corrects a
//! wrong guess with a redirect.
//!
//! ```
//! use keyslot_core::command::{key_positions, lookup, KeyPositions};
//! use keyslot_core::Cmd;
//!
//! let cmd = Cmd::new("EVAL").arg("return 1").arg(2).arg("k1").arg("k2").arg("argv");
//! let spec = lookup(&cmd);
//! let mut keys = KeyPositions::new();
//! key_positions(&cmd, spec, &mut keys).unwrap();
//! assert_eq!(keys.as_slice(), &[3, 4]);
//! assert!(!spec.unwrap().is_readonly());
//! ```

mod cmd;
mod fallback;
pub mod flags;
mod keys;
mod lookup;
mod policy;
mod positions;
mod script;
mod spec;
mod table;

pub use cmd::{Cmd, ToArg};
pub use keys::{key_positions, routing_positions, KeyError};
pub use lookup::{commands, lookup, lookup_name, MAX_NAME};
pub use policy::{RequestPolicy, ResponsePolicy};
pub use positions::KeyPositions;
pub use script::{Script, ScriptCall};
pub use spec::{BeginSearch, CommandSpec, FindKeys, KeySpec, LegacyKeys};
/// Key specifications and request/response tips came with Redis 7, so the table's server is
/// at least that:
///
/// ```
/// let major = keyslot_core::command::SERVER_VERSION.split('.').next().unwrap();
/// assert!(major.parse::<u32>().unwrap() >= 7);
/// ```
pub use table::SERVER_VERSION;
