//! [`CommandSpec`]: what the server says about one command or subcommand.
//!
//! The values come from the generated table; this file gives them names and getters. The
//! fields stay private so the table's layout can change without breaking callers.

use core::fmt;
use core::ops::Range;

use super::flags;
use super::policy::{RequestPolicy, ResponsePolicy};
use super::table::COMMANDS;

/// Bits for the tips that are neither request nor response policies.
pub(super) mod tips {
    /// `nondeterministic_output`: two runs on the same data may reply differently.
    pub const NONDETERMINISTIC_OUTPUT: u8 = 1 << 0;
    /// `nondeterministic_output_order`: the reply is a set in unspecified order.
    pub const NONDETERMINISTIC_OUTPUT_ORDER: u8 = 1 << 1;
}

/// One command or subcommand of the server's command table.
///
/// Obtained from [`lookup`](super::lookup) or [`commands`](super::commands); all of them
/// are `'static`.
///
/// ```
/// use keyslot_core::command::lookup;
/// use keyslot_core::Cmd;
/// let spec = lookup(&Cmd::new("SET").arg("k").arg("v")).unwrap();
/// assert_eq!(spec.name(), "set");
/// assert!(spec.is_write() && spec.arity_allows(3));
/// ```
pub struct CommandSpec {
    pub(super) name: &'static str,
    pub(super) arity: i16,
    pub(super) flags: u32,
    pub(super) legacy_keys: LegacyKeys,
    pub(super) key_specs: &'static [KeySpec],
    pub(super) request_policy: RequestPolicy,
    pub(super) response_policy: ResponsePolicy,
    pub(super) tips: u8,
    /// Index range of the subcommands in the table; empty for plain commands.
    pub(super) subcommands: Range<u16>,
}

impl CommandSpec {
    /// The defaults the generated table fills its entries up with.
    pub(super) const BLANK: CommandSpec = CommandSpec {
        name: "",
        arity: 0,
        flags: 0,
        legacy_keys: LegacyKeys {
            first: 0,
            last: 0,
            step: 0,
        },
        key_specs: &[],
        request_policy: RequestPolicy::Default,
        response_policy: ResponsePolicy::Default,
        tips: 0,
        subcommands: 0..0,
    };

    /// The lowercase name; a subcommand is named `container|sub`, as in `cluster|slots`.
    ///
    /// ```
    /// use keyslot_core::command::lookup;
    /// use keyslot_core::Cmd;
    /// let spec = lookup(&Cmd::new("CLUSTER").arg("SLOTS")).unwrap();
    /// assert_eq!(spec.name(), "cluster|slots");
    /// ```
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The server's arity: the exact argument count (name included) when positive, the
    /// minimum count when negative.
    ///
    /// ```
    /// use keyslot_core::command::lookup_name;
    /// assert_eq!(lookup_name(b"get").unwrap().arity(), 2); // GET key
    /// assert_eq!(lookup_name(b"set").unwrap().arity(), -3); // SET key value [options]
    /// ```
    pub fn arity(&self) -> i16 {
        self.arity
    }

    /// Whether `argc` arguments (name included) satisfy the arity.
    ///
    /// ```
    /// use keyslot_core::command::lookup_name;
    /// let set = lookup_name(b"set").unwrap();
    /// assert!(set.arity_allows(3) && set.arity_allows(5));
    /// assert!(!set.arity_allows(2));
    /// ```
    pub fn arity_allows(&self, argc: usize) -> bool {
        let want = usize::from(self.arity.unsigned_abs());
        if self.arity < 0 {
            argc >= want
        } else {
            argc == want
        }
    }

    /// All flags, as bits from [`flags`](super::flags).
    ///
    /// ```
    /// use keyslot_core::command::{flags, lookup_name};
    /// let bits = lookup_name(b"get").unwrap().flags();
    /// assert_eq!(bits, flags::READONLY | flags::FAST);
    /// ```
    pub fn flags(&self) -> u32 {
        self.flags
    }

    /// Whether every bit of `flag` is set, e.g. `spec.has_flag(flags::WRITE)`.
    ///
    /// ```
    /// use keyslot_core::command::{flags, lookup_name};
    /// let get = lookup_name(b"get").unwrap();
    /// assert!(get.has_flag(flags::READONLY | flags::FAST));
    /// // Every bit must be set.
    /// assert!(!get.has_flag(flags::READONLY | flags::WRITE));
    /// ```
    pub fn has_flag(&self, flag: u32) -> bool {
        self.flags & flag == flag
    }

    /// Only reads data: safe to send to a replica and to retry.
    ///
    /// ```
    /// use keyslot_core::command::lookup_name;
    /// assert!(lookup_name(b"mget").unwrap().is_readonly());
    /// assert!(!lookup_name(b"incr").unwrap().is_readonly());
    /// ```
    pub fn is_readonly(&self) -> bool {
        self.has_flag(flags::READONLY)
    }

    /// Writes data.
    ///
    /// ```
    /// use keyslot_core::command::lookup_name;
    /// assert!(lookup_name(b"incr").unwrap().is_write());
    /// assert!(!lookup_name(b"ping").unwrap().is_write());
    /// ```
    pub fn is_write(&self) -> bool {
        self.has_flag(flags::WRITE)
    }

    /// May block: its reply can take arbitrarily long, so no ordinary deadline applies.
    ///
    /// ```
    /// use keyslot_core::command::lookup_name;
    /// assert!(lookup_name(b"blpop").unwrap().is_blocking());
    /// assert!(!lookup_name(b"lpop").unwrap().is_blocking());
    /// ```
    pub fn is_blocking(&self) -> bool {
        self.has_flag(flags::BLOCKING)
    }

    /// Key positions depend on the arguments (numkeys, keywords).
    ///
    /// ```
    /// use keyslot_core::command::lookup_name;
    /// // EVAL's keys follow its numkeys argument; MGET's are all its arguments.
    /// assert!(lookup_name(b"eval").unwrap().has_movable_keys());
    /// assert!(!lookup_name(b"mget").unwrap().has_movable_keys());
    /// ```
    pub fn has_movable_keys(&self) -> bool {
        self.has_flag(flags::MOVABLEKEYS)
    }

    /// The pre-7.0 key positions: first, last (negative counts from the end) and step.
    ///
    /// ```
    /// use keyslot_core::command::{lookup_name, LegacyKeys};
    /// // MSET k1 v1 k2 v2 ...: from 1 to the last argument, every second one.
    /// let keys = lookup_name(b"mset").unwrap().legacy_keys();
    /// assert_eq!(keys, LegacyKeys { first: 1, last: -1, step: 2 });
    /// ```
    pub fn legacy_keys(&self) -> LegacyKeys {
        self.legacy_keys
    }

    /// The key specifications, in the server's order.
    ///
    /// ```
    /// use keyslot_core::command::{lookup_name, BeginSearch};
    /// let specs = lookup_name(b"xread").unwrap().key_specs();
    /// assert_eq!(specs.len(), 1);
    /// assert!(matches!(specs[0].begin_search, BeginSearch::Keyword { keyword: "STREAMS", .. }));
    /// ```
    pub fn key_specs(&self) -> &'static [KeySpec] {
        self.key_specs
    }

    /// Where to send it when it has no key.
    ///
    /// ```
    /// use keyslot_core::command::{lookup_name, RequestPolicy};
    /// assert_eq!(lookup_name(b"keys").unwrap().request_policy(), RequestPolicy::AllShards);
    /// ```
    pub fn request_policy(&self) -> RequestPolicy {
        self.request_policy
    }

    /// How to combine replies when it went to several nodes.
    ///
    /// ```
    /// use keyslot_core::command::{lookup_name, ResponsePolicy};
    /// assert_eq!(lookup_name(b"dbsize").unwrap().response_policy(), ResponsePolicy::AggSum);
    /// ```
    pub fn response_policy(&self) -> ResponsePolicy {
        self.response_policy
    }

    /// Two runs on the same data may reply differently (`nondeterministic_output`).
    ///
    /// ```
    /// use keyslot_core::command::lookup_name;
    /// assert!(lookup_name(b"randomkey").unwrap().is_nondeterministic_output());
    /// assert!(!lookup_name(b"get").unwrap().is_nondeterministic_output());
    /// ```
    pub fn is_nondeterministic_output(&self) -> bool {
        self.tips & tips::NONDETERMINISTIC_OUTPUT != 0
    }

    /// The reply is a collection in unspecified order (`nondeterministic_output_order`).
    ///
    /// ```
    /// use keyslot_core::command::lookup_name;
    /// assert!(lookup_name(b"keys").unwrap().is_nondeterministic_output_order());
    /// assert!(!lookup_name(b"get").unwrap().is_nondeterministic_output_order());
    /// ```
    pub fn is_nondeterministic_output_order(&self) -> bool {
        self.tips & tips::NONDETERMINISTIC_OUTPUT_ORDER != 0
    }

    /// The subcommands of a container command (CLUSTER, CONFIG, ...); empty otherwise.
    ///
    /// ```
    /// use keyslot_core::command::lookup_name;
    /// let subs = lookup_name(b"cluster").unwrap().subcommands();
    /// assert!(subs.iter().any(|sub| sub.name() == "cluster|slots"));
    /// assert!(lookup_name(b"get").unwrap().subcommands().is_empty());
    /// ```
    pub fn subcommands(&self) -> &'static [CommandSpec] {
        let range = usize::from(self.subcommands.start)..usize::from(self.subcommands.end);
        COMMANDS.get(range).unwrap_or(&[])
    }

    /// Whether this is a subcommand (its name has a `|`).
    ///
    /// ```
    /// use keyslot_core::command::lookup_name;
    /// assert!(lookup_name(b"cluster|slots").unwrap().is_subcommand());
    /// assert!(!lookup_name(b"cluster").unwrap().is_subcommand());
    /// ```
    pub fn is_subcommand(&self) -> bool {
        self.name.contains('|')
    }
}

impl fmt::Debug for CommandSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CommandSpec")
            .field("name", &self.name)
            .field("arity", &self.arity)
            .field("flags", &format_args!("{:#x}", self.flags))
            .field("key_specs", &self.key_specs)
            .field("request_policy", &self.request_policy)
            .field("response_policy", &self.response_policy)
            .field("subcommands", &self.subcommands().len())
            .finish_non_exhaustive()
    }
}

/// The pre-7.0 key positions of `COMMAND`: the first key, the last key (negative counts from
/// the end), and the step between keys. Zero `first` means no keys. They cannot describe
/// movable keys; [`key_positions`](super::key_positions) uses the key specs instead.
///
/// ```
/// use keyslot_core::command::lookup_name;
/// let get = lookup_name(b"get").unwrap().legacy_keys();
/// assert_eq!((get.first, get.last, get.step), (1, 1, 1));
/// // PING has no keys.
/// assert_eq!(lookup_name(b"ping").unwrap().legacy_keys().first, 0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LegacyKeys {
    /// Index of the first key, 0 for none.
    pub first: i16,
    /// Index of the last key; negative counts from the end (-1 is the last argument).
    pub last: i16,
    /// Distance between keys.
    pub step: i16,
}

impl LegacyKeys {
    pub(super) const fn new(first: i16, last: i16, step: i16) -> Self {
        LegacyKeys { first, last, step }
    }
}

/// One key specification: where a group of keys starts and how to find its members.
///
/// Indices count from the command name at 0 — for a subcommand too, whose own name sits at 1.
///
/// ```
/// use keyslot_core::command::{lookup_name, BeginSearch, FindKeys, KeySpec};
/// // GET key: one key, at index 1, read.
/// let spec = lookup_name(b"get").unwrap().key_specs()[0];
/// assert_eq!(spec.flags, KeySpec::RO | KeySpec::ACCESS);
/// assert_eq!(spec.begin_search, BeginSearch::Index(1));
/// assert_eq!(spec.find_keys, FindKeys::Range { last_key: 0, key_step: 1, limit: 0 });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeySpec {
    /// The key-spec flags, bits such as [`KeySpec::RO`].
    pub flags: u16,
    /// Where the search for the keys begins.
    pub begin_search: BeginSearch,
    /// How the keys are found from there.
    pub find_keys: FindKeys,
}

impl KeySpec {
    /// Read-only access to the key's value or metadata.
    ///
    /// ```
    /// use keyslot_core::command::{lookup_name, KeySpec};
    /// let spec = |name: &str, i: usize| lookup_name(name.as_bytes()).unwrap().key_specs()[i];
    /// assert!(spec("get", 0).has_flag(KeySpec::RO));
    /// assert!(!spec("incr", 0).has_flag(KeySpec::RO));
    /// ```
    pub const RO: u16 = 1 << 0;
    /// Read-write access.
    ///
    /// ```
    /// use keyslot_core::command::{lookup_name, KeySpec};
    /// let spec = |name: &str, i: usize| lookup_name(name.as_bytes()).unwrap().key_specs()[i];
    /// assert!(spec("incr", 0).has_flag(KeySpec::RW));
    /// assert!(!spec("get", 0).has_flag(KeySpec::RW));
    /// ```
    pub const RW: u16 = 1 << 1;
    /// Overwrites the value.
    ///
    /// ```
    /// use keyslot_core::command::{lookup_name, KeySpec};
    /// let spec = |name: &str, i: usize| lookup_name(name.as_bytes()).unwrap().key_specs()[i];
    /// assert!(spec("mset", 0).has_flag(KeySpec::OW));
    /// assert!(!spec("incr", 0).has_flag(KeySpec::OW));
    /// ```
    pub const OW: u16 = 1 << 2;
    /// Removes the key.
    ///
    /// ```
    /// use keyslot_core::command::{lookup_name, KeySpec};
    /// let spec = |name: &str, i: usize| lookup_name(name.as_bytes()).unwrap().key_specs()[i];
    /// assert!(spec("del", 0).has_flag(KeySpec::RM));
    /// assert!(!spec("lpop", 0).has_flag(KeySpec::RM));
    /// ```
    pub const RM: u16 = 1 << 3;
    /// Returns, copies or uses user data of the value.
    ///
    /// ```
    /// use keyslot_core::command::{lookup_name, KeySpec};
    /// let spec = |name: &str, i: usize| lookup_name(name.as_bytes()).unwrap().key_specs()[i];
    /// assert!(spec("get", 0).has_flag(KeySpec::ACCESS));
    /// assert!(!spec("del", 0).has_flag(KeySpec::ACCESS));
    /// ```
    pub const ACCESS: u16 = 1 << 4;
    /// Updates data in the value.
    ///
    /// ```
    /// use keyslot_core::command::{lookup_name, KeySpec};
    /// let spec = |name: &str, i: usize| lookup_name(name.as_bytes()).unwrap().key_specs()[i];
    /// assert!(spec("incr", 0).has_flag(KeySpec::UPDATE));
    /// assert!(!spec("get", 0).has_flag(KeySpec::UPDATE));
    /// ```
    pub const UPDATE: u16 = 1 << 5;
    /// Adds data to the value.
    ///
    /// ```
    /// use keyslot_core::command::{lookup_name, KeySpec};
    /// let spec = |name: &str, i: usize| lookup_name(name.as_bytes()).unwrap().key_specs()[i];
    /// assert!(spec("lpush", 0).has_flag(KeySpec::INSERT));
    /// assert!(!spec("lpop", 0).has_flag(KeySpec::INSERT));
    /// ```
    pub const INSERT: u16 = 1 << 6;
    /// Deletes data from the value.
    ///
    /// ```
    /// use keyslot_core::command::{lookup_name, KeySpec};
    /// let spec = |name: &str, i: usize| lookup_name(name.as_bytes()).unwrap().key_specs()[i];
    /// assert!(spec("lpop", 0).has_flag(KeySpec::DELETE));
    /// assert!(!spec("lpush", 0).has_flag(KeySpec::DELETE));
    /// ```
    pub const DELETE: u16 = 1 << 7;
    /// Not a key, but hashed like one: the shard channel of SPUBLISH and SSUBSCRIBE.
    ///
    /// ```
    /// use keyslot_core::command::{lookup_name, KeySpec};
    /// let spec = |name: &str, i: usize| lookup_name(name.as_bytes()).unwrap().key_specs()[i];
    /// assert!(spec("spublish", 0).has_flag(KeySpec::NOT_KEY));
    /// assert!(!spec("get", 0).has_flag(KeySpec::NOT_KEY));
    /// ```
    pub const NOT_KEY: u16 = 1 << 8;
    /// The spec may miss keys; the server falls back to command-specific code.
    ///
    /// ```
    /// use keyslot_core::command::{lookup_name, KeySpec};
    /// let spec = |name: &str, i: usize| lookup_name(name.as_bytes()).unwrap().key_specs()[i];
    /// assert!(spec("migrate", 1).has_flag(KeySpec::INCOMPLETE));
    /// assert!(!spec("migrate", 0).has_flag(KeySpec::INCOMPLETE));
    /// ```
    pub const INCOMPLETE: u16 = 1 << 9;
    /// The flags depend on the arguments (SET with GET, BITFIELD with SET).
    ///
    /// ```
    /// use keyslot_core::command::{lookup_name, KeySpec};
    /// let spec = |name: &str, i: usize| lookup_name(name.as_bytes()).unwrap().key_specs()[i];
    /// assert!(spec("set", 0).has_flag(KeySpec::VARIABLE_FLAGS));
    /// assert!(!spec("get", 0).has_flag(KeySpec::VARIABLE_FLAGS));
    /// ```
    pub const VARIABLE_FLAGS: u16 = 1 << 10;

    pub(super) const fn new(flags: u16, begin_search: BeginSearch, find_keys: FindKeys) -> Self {
        KeySpec {
            flags,
            begin_search,
            find_keys,
        }
    }

    /// Whether every bit of `flag` is set.
    ///
    /// ```
    /// use keyslot_core::command::{lookup_name, KeySpec};
    /// let spec = lookup_name(b"lpop").unwrap().key_specs()[0];
    /// assert!(spec.has_flag(KeySpec::RW | KeySpec::DELETE));
    /// assert!(!spec.has_flag(KeySpec::RW | KeySpec::INSERT));
    /// ```
    pub fn has_flag(&self, flag: u16) -> bool {
        self.flags & flag == flag
    }
}

/// Where a key spec's search begins.
///
/// ```
/// use keyslot_core::command::{lookup_name, BeginSearch};
/// let begin = |name: &str| lookup_name(name.as_bytes()).unwrap().key_specs()[0].begin_search;
/// assert_eq!(begin("get"), BeginSearch::Index(1));
/// // XREAD [COUNT n] [BLOCK ms] STREAMS key ... id ...: the keys come after STREAMS.
/// assert_eq!(begin("xread"), BeginSearch::Keyword { keyword: "STREAMS", start_from: 1 });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BeginSearch {
    /// At this argument index.
    Index(u16),
    /// Right after `keyword` (case-insensitive), searched from argument `start_from`
    /// forwards, or from `len + start_from` backwards when `start_from` is negative.
    Keyword {
        /// The keyword, uppercase as the server reports it.
        keyword: &'static str,
        /// Where the search starts; negative counts from the end and searches backwards.
        start_from: i16,
    },
    /// Not describable: the server uses command-specific code.
    Unknown,
}

impl BeginSearch {
    pub(super) const fn keyword(keyword: &'static str, start_from: i16) -> Self {
        BeginSearch::Keyword {
            keyword,
            start_from,
        }
    }
}

/// How a key spec finds its keys once the search has begun at some argument `first`.
///
/// ```
/// use keyslot_core::command::{lookup_name, BeginSearch, FindKeys};
/// // EVAL script numkeys key ...: the search begins at 2, the count is there, keys follow.
/// let eval = lookup_name(b"eval").unwrap().key_specs()[0];
/// assert_eq!(eval.begin_search, BeginSearch::Index(2));
/// let find = FindKeys::KeyNum { key_num_index: 0, first_key: 1, key_step: 1 };
/// assert_eq!(eval.find_keys, find);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FindKeys {
    /// Keys from `first` to a last key, every `key_step` arguments.
    Range {
        /// The last key: `first + last_key` when not negative; otherwise counted from the
        /// end (-1 is the last argument), unless `limit` applies.
        last_key: i16,
        /// Distance between keys.
        key_step: u16,
        /// With `last_key` -1 and `limit` >= 2, only the first `1/limit` of the remaining
        /// arguments are keys (XREAD's STREAMS k1 k2 id1 id2 has limit 2).
        limit: u16,
    },
    /// A count of keys at `first + key_num_index`, the keys from `first + first_key`.
    KeyNum {
        /// Where the count is, relative to `first`.
        key_num_index: u16,
        /// Where the first key is, relative to `first`.
        first_key: u16,
        /// Distance between keys.
        key_step: u16,
    },
    /// Not describable: the server uses command-specific code.
    Unknown,
}

impl FindKeys {
    pub(super) const fn range(last_key: i16, key_step: u16, limit: u16) -> Self {
        FindKeys::Range {
            last_key,
            key_step,
            limit,
        }
    }

    pub(super) const fn keynum(key_num_index: u16, first_key: u16, key_step: u16) -> Self {
        FindKeys::KeyNum {
            key_num_index,
            first_key,
            key_step,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{flags, lookup_name, RequestPolicy, ResponsePolicy};

    fn spec(name: &str) -> &'static super::CommandSpec {
        lookup_name(name.as_bytes()).unwrap_or_else(|| panic!("{name} not in the table"))
    }

    #[test]
    fn flags_and_arity() {
        let get = spec("get");
        assert!(get.is_readonly() && get.has_flag(flags::FAST) && !get.is_write());
        assert_eq!(get.arity(), 2);
        assert!(get.arity_allows(2) && !get.arity_allows(3) && !get.arity_allows(1));
        let set = spec("set");
        assert!(set.is_write() && !set.is_readonly() && set.has_flag(flags::DENYOOM));
        assert_eq!(set.arity(), -3);
        assert!(set.arity_allows(3) && set.arity_allows(7) && !set.arity_allows(2));
        assert!(spec("blpop").is_blocking() && !get.is_blocking());
        assert!(spec("eval").has_movable_keys() && spec("eval").has_flag(flags::NO_MANDATORY_KEYS));
        assert!(!spec("mget").has_movable_keys());
        // has_flag wants every bit.
        assert!(!get.has_flag(flags::READONLY | flags::WRITE));
    }

    #[test]
    fn legacy_positions() {
        let mset = spec("mset").legacy_keys();
        assert_eq!((mset.first, mset.last, mset.step), (1, -1, 2));
        assert_eq!(spec("ping").legacy_keys().first, 0);
    }

    // The 7.0.15 table, as the server reports it.
    #[test]
    fn policies() {
        let cases = [
            ("dbsize", RequestPolicy::AllShards, ResponsePolicy::AggSum),
            ("keys", RequestPolicy::AllShards, ResponsePolicy::Default),
            (
                "ping",
                RequestPolicy::AllShards,
                ResponsePolicy::AllSucceeded,
            ),
            (
                "flushall",
                RequestPolicy::AllShards,
                ResponsePolicy::AllSucceeded,
            ),
            (
                "flushdb",
                RequestPolicy::AllShards,
                ResponsePolicy::AllSucceeded,
            ),
            // 7.0.15 gives RANDOMKEY no response policy.
            (
                "randomkey",
                RequestPolicy::AllShards,
                ResponsePolicy::Default,
            ),
            ("info", RequestPolicy::AllShards, ResponsePolicy::Special),
            ("scan", RequestPolicy::Special, ResponsePolicy::Default),
            (
                "script|flush",
                RequestPolicy::AllNodes,
                ResponsePolicy::AllSucceeded,
            ),
            (
                "script|exists",
                RequestPolicy::AllShards,
                ResponsePolicy::AggLogicalAnd,
            ),
            (
                "script|load",
                RequestPolicy::AllNodes,
                ResponsePolicy::AllSucceeded,
            ),
            (
                "function|load",
                RequestPolicy::AllShards,
                ResponsePolicy::AllSucceeded,
            ),
            (
                "function|stats",
                RequestPolicy::AllShards,
                ResponsePolicy::Special,
            ),
            (
                "config|set",
                RequestPolicy::AllNodes,
                ResponsePolicy::AllSucceeded,
            ),
            (
                "mset",
                RequestPolicy::MultiShard,
                ResponsePolicy::AllSucceeded,
            ),
            ("del", RequestPolicy::MultiShard, ResponsePolicy::AggSum),
            ("mget", RequestPolicy::MultiShard, ResponsePolicy::Default),
            ("wait", RequestPolicy::AllShards, ResponsePolicy::AggMin),
            ("get", RequestPolicy::Default, ResponsePolicy::Default),
            (
                "cluster|slots",
                RequestPolicy::Default,
                ResponsePolicy::Default,
            ),
        ];
        for (name, request, response) in cases {
            let spec = spec(name);
            assert_eq!(
                (spec.request_policy(), spec.response_policy()),
                (request, response),
                "{name}"
            );
        }
        assert_eq!(RequestPolicy::AllShards.as_str(), "all_shards");
        assert_eq!(
            alloc::format!("{}", ResponsePolicy::AggLogicalAnd),
            "agg_logical_and"
        );
    }

    #[test]
    fn tips() {
        assert!(spec("randomkey").is_nondeterministic_output());
        assert!(spec("keys").is_nondeterministic_output_order());
        assert!(!spec("get").is_nondeterministic_output());
        assert!(!spec("get").is_nondeterministic_output_order());
    }

    #[test]
    fn containers_and_subcommands() {
        let cluster = spec("cluster");
        assert!(!cluster.is_subcommand());
        let subs = cluster.subcommands();
        assert!(subs.iter().any(|s| s.name() == "cluster|slots"));
        assert!(subs
            .iter()
            .all(|s| s.name().starts_with("cluster|") && s.is_subcommand()));
        assert!(spec("get").subcommands().is_empty());
        assert!(alloc::format!("{cluster:?}").contains("\"cluster\""));
    }
}
