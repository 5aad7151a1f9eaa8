//! Command flags, as `u32` bits for [`CommandSpec::has_flag`](super::CommandSpec::has_flag).
//!
//! One constant per flag word a server's `COMMAND` reply can carry, named after that word.
//! A bit set rather than a list, because routing asks "is this read-only?" for every command
//! and a mask test is the cheapest answer. The generator refuses a flag it has no constant
//! for, so a new server flag cannot be dropped silently.
//!
//! ```
//! use keyslot_core::command::{flags, lookup_name};
//! let incr = lookup_name(b"incr").unwrap();
//! assert!(incr.has_flag(flags::WRITE | flags::DENYOOM | flags::FAST));
//! assert_eq!(incr.flags() & flags::READONLY, 0);
//! ```

/// Writes data (`write`).
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"set").unwrap().has_flag(flags::WRITE));
/// assert!(!lookup_name(b"get").unwrap().has_flag(flags::WRITE));
/// ```
pub const WRITE: u32 = 1 << 0;
/// Only reads data (`readonly`): may be served by a replica.
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"get").unwrap().has_flag(flags::READONLY));
/// assert!(!lookup_name(b"set").unwrap().has_flag(flags::READONLY));
/// ```
pub const READONLY: u32 = 1 << 1;
/// May grow memory use; refused when the server is out of memory (`denyoom`).
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"set").unwrap().has_flag(flags::DENYOOM));
/// assert!(!lookup_name(b"del").unwrap().has_flag(flags::DENYOOM));
/// ```
pub const DENYOOM: u32 = 1 << 2;
/// Provided by a module (`module`).
///
/// No command of the generated table has it:
///
/// ```
/// use keyslot_core::command::{commands, flags};
/// assert!(!commands().iter().any(|spec| spec.has_flag(flags::MODULE)));
/// ```
pub const MODULE: u32 = 1 << 3;
/// Administrative (`admin`).
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"bgsave").unwrap().has_flag(flags::ADMIN));
/// assert!(!lookup_name(b"get").unwrap().has_flag(flags::ADMIN));
/// ```
pub const ADMIN: u32 = 1 << 4;
/// Publish/subscribe (`pubsub`).
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"publish").unwrap().has_flag(flags::PUBSUB));
/// assert!(!lookup_name(b"get").unwrap().has_flag(flags::PUBSUB));
/// ```
pub const PUBSUB: u32 = 1 << 5;
/// Not allowed in scripts (`noscript`).
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"eval").unwrap().has_flag(flags::NOSCRIPT));
/// assert!(!lookup_name(b"get").unwrap().has_flag(flags::NOSCRIPT));
/// ```
pub const NOSCRIPT: u32 = 1 << 6;
/// May block the client (`blocking`): its reply can take arbitrarily long.
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"blpop").unwrap().has_flag(flags::BLOCKING));
/// assert!(!lookup_name(b"lpop").unwrap().has_flag(flags::BLOCKING));
/// ```
pub const BLOCKING: u32 = 1 << 7;
/// Allowed while the server loads its dataset (`loading`).
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"info").unwrap().has_flag(flags::LOADING));
/// assert!(!lookup_name(b"get").unwrap().has_flag(flags::LOADING));
/// ```
pub const LOADING: u32 = 1 << 8;
/// Allowed on a replica with stale data (`stale`).
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"info").unwrap().has_flag(flags::STALE));
/// assert!(!lookup_name(b"get").unwrap().has_flag(flags::STALE));
/// ```
pub const STALE: u32 = 1 << 9;
/// Not shown by MONITOR (`skip_monitor`).
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"eval").unwrap().has_flag(flags::SKIP_MONITOR));
/// assert!(!lookup_name(b"get").unwrap().has_flag(flags::SKIP_MONITOR));
/// ```
pub const SKIP_MONITOR: u32 = 1 << 10;
/// Not logged by the slow log (`skip_slowlog`).
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"exec").unwrap().has_flag(flags::SKIP_SLOWLOG));
/// assert!(!lookup_name(b"get").unwrap().has_flag(flags::SKIP_SLOWLOG));
/// ```
pub const SKIP_SLOWLOG: u32 = 1 << 11;
/// Allowed on an importing slot after ASKING (`asking`).
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"restore-asking").unwrap().has_flag(flags::ASKING));
/// assert!(!lookup_name(b"restore").unwrap().has_flag(flags::ASKING));
/// ```
pub const ASKING: u32 = 1 << 12;
/// O(1) or O(log N) (`fast`).
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"get").unwrap().has_flag(flags::FAST));
/// assert!(!lookup_name(b"keys").unwrap().has_flag(flags::FAST));
/// ```
pub const FAST: u32 = 1 << 13;
/// Allowed before authentication (`no_auth`).
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"auth").unwrap().has_flag(flags::NO_AUTH));
/// assert!(!lookup_name(b"get").unwrap().has_flag(flags::NO_AUTH));
/// ```
pub const NO_AUTH: u32 = 1 << 14;
/// May be replicated even though not a write (`may_replicate`).
///
/// No command of the generated table has it:
///
/// ```
/// use keyslot_core::command::{commands, flags};
/// assert!(!commands().iter().any(|spec| spec.has_flag(flags::MAY_REPLICATE)));
/// ```
pub const MAY_REPLICATE: u32 = 1 << 15;
/// Available in Sentinel mode (`sentinel`).
///
/// No command of the generated table has it:
///
/// ```
/// use keyslot_core::command::{commands, flags};
/// assert!(!commands().iter().any(|spec| spec.has_flag(flags::SENTINEL)));
/// ```
pub const SENTINEL: u32 = 1 << 16;
/// Only available in Sentinel mode (`only_sentinel`).
///
/// No command of the generated table has it:
///
/// ```
/// use keyslot_core::command::{commands, flags};
/// assert!(!commands().iter().any(|spec| spec.has_flag(flags::ONLY_SENTINEL)));
/// ```
pub const ONLY_SENTINEL: u32 = 1 << 17;
/// Key arguments are optional (`no_mandatory_keys`), as in EVAL with numkeys 0.
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"eval").unwrap().has_flag(flags::NO_MANDATORY_KEYS));
/// assert!(!lookup_name(b"get").unwrap().has_flag(flags::NO_MANDATORY_KEYS));
/// ```
pub const NO_MANDATORY_KEYS: u32 = 1 << 18;
/// Disabled unless enabled in the configuration (`protected`).
///
/// No command of the generated table has it:
///
/// ```
/// use keyslot_core::command::{commands, flags};
/// assert!(!commands().iter().any(|spec| spec.has_flag(flags::PROTECTED)));
/// ```
pub const PROTECTED: u32 = 1 << 19;
/// Refused during asynchronous loading (`no_async_loading`).
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"bgsave").unwrap().has_flag(flags::NO_ASYNC_LOADING));
/// assert!(!lookup_name(b"get").unwrap().has_flag(flags::NO_ASYNC_LOADING));
/// ```
pub const NO_ASYNC_LOADING: u32 = 1 << 20;
/// Not allowed inside MULTI (`no_multi`).
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"save").unwrap().has_flag(flags::NO_MULTI));
/// assert!(!lookup_name(b"get").unwrap().has_flag(flags::NO_MULTI));
/// ```
pub const NO_MULTI: u32 = 1 << 21;
/// Key positions depend on the arguments (`movablekeys`).
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"eval").unwrap().has_flag(flags::MOVABLEKEYS));
/// assert!(!lookup_name(b"mget").unwrap().has_flag(flags::MOVABLEKEYS));
/// ```
pub const MOVABLEKEYS: u32 = 1 << 22;
/// Allowed while a script or function is busy (`allow_busy`).
///
/// ```
/// use keyslot_core::command::{flags, lookup_name};
/// assert!(lookup_name(b"script|kill").unwrap().has_flag(flags::ALLOW_BUSY));
/// assert!(!lookup_name(b"get").unwrap().has_flag(flags::ALLOW_BUSY));
/// ```
pub const ALLOW_BUSY: u32 = 1 << 23;
