//! Command flags, as `u32` bits for [`CommandSpec::has_flag`](super::CommandSpec::has_flag).
//!
//! One constant per flag word a server's `COMMAND` reply can carry, named after that word.
//! A bit set rather than a list, because routing asks "is this read-only?" for every command
//! and a mask test is the cheapest answer. The generator refuses a flag it has no constant
//! for, so a new server flag cannot be dropped silently.

/// Writes data (`write`).
pub const WRITE: u32 = 1 << 0;
/// Only reads data (`readonly`): may be served by a replica.
pub const READONLY: u32 = 1 << 1;
/// May grow memory use; refused when the server is out of memory (`denyoom`).
pub const DENYOOM: u32 = 1 << 2;
/// Provided by a module (`module`).
pub const MODULE: u32 = 1 << 3;
/// Administrative (`admin`).
pub const ADMIN: u32 = 1 << 4;
/// Publish/subscribe (`pubsub`).
pub const PUBSUB: u32 = 1 << 5;
/// Not allowed in scripts (`noscript`).
pub const NOSCRIPT: u32 = 1 << 6;
/// May block the client (`blocking`): its reply can take arbitrarily long.
pub const BLOCKING: u32 = 1 << 7;
/// Allowed while the server loads its dataset (`loading`).
pub const LOADING: u32 = 1 << 8;
/// Allowed on a replica with stale data (`stale`).
pub const STALE: u32 = 1 << 9;
/// Not shown by MONITOR (`skip_monitor`).
pub const SKIP_MONITOR: u32 = 1 << 10;
/// Not logged by the slow log (`skip_slowlog`).
pub const SKIP_SLOWLOG: u32 = 1 << 11;
/// Allowed on an importing slot after ASKING (`asking`).
pub const ASKING: u32 = 1 << 12;
/// O(1) or O(log N) (`fast`).
pub const FAST: u32 = 1 << 13;
/// Allowed before authentication (`no_auth`).
pub const NO_AUTH: u32 = 1 << 14;
/// May be replicated even though not a write (`may_replicate`).
pub const MAY_REPLICATE: u32 = 1 << 15;
/// Available in Sentinel mode (`sentinel`).
pub const SENTINEL: u32 = 1 << 16;
/// Only available in Sentinel mode (`only_sentinel`).
pub const ONLY_SENTINEL: u32 = 1 << 17;
/// Key arguments are optional (`no_mandatory_keys`), as in EVAL with numkeys 0.
pub const NO_MANDATORY_KEYS: u32 = 1 << 18;
/// Disabled unless enabled in the configuration (`protected`).
pub const PROTECTED: u32 = 1 << 19;
/// Refused during asynchronous loading (`no_async_loading`).
pub const NO_ASYNC_LOADING: u32 = 1 << 20;
/// Not allowed inside MULTI (`no_multi`).
pub const NO_MULTI: u32 = 1 << 21;
/// Key positions depend on the arguments (`movablekeys`).
pub const MOVABLEKEYS: u32 = 1 << 22;
/// Allowed while a script or function is busy (`allow_busy`).
pub const ALLOW_BUSY: u32 = 1 << 23;
