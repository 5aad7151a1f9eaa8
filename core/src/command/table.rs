//! GENERATED FILE — do not edit by hand.
//!
//! Every command and subcommand of redis-server 7.0.15, from its `COMMAND` reply: 240
//! commands and 126 subcommands. Each command is followed by its subcommands;
//! `subcommands` holds their index range in [`COMMANDS`].
//!
//! Regenerate with `scripts/gen-command-table` (it starts a throwaway `redis-server`, by
//! default the one on `PATH`; `--server PATH` picks another, `--check` only compares).

use super::flags;
use super::policy::{RequestPolicy, ResponsePolicy};
use super::spec::{tips, BeginSearch, CommandSpec, FindKeys, KeySpec, LegacyKeys};

/// The version of the server this table was generated from.
pub const SERVER_VERSION: &str = "7.0.15";

/// Every command, each directly followed by its subcommands.
pub(super) static COMMANDS: [CommandSpec; 366] = [
    CommandSpec {
        name: "acl",
        arity: -2,
        flags: 0,
        subcommands: 1..14,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "acl|cat",
        arity: -2,
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "acl|deluser",
        arity: -3,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "acl|dryrun",
        arity: -4,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "acl|genpass",
        arity: -2,
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "acl|getuser",
        arity: 3,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "acl|help",
        arity: 2,
        flags: flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "acl|list",
        arity: 2,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "acl|load",
        arity: 2,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "acl|log",
        arity: -2,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "acl|save",
        arity: 2,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "acl|setuser",
        arity: -3,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "acl|users",
        arity: 2,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "acl|whoami",
        arity: 2,
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "append",
        arity: 3,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::INSERT,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "asking",
        arity: 1,
        flags: flags::FAST,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "auth",
        arity: -2,
        flags: flags::NOSCRIPT
            | flags::LOADING
            | flags::STALE
            | flags::FAST
            | flags::NO_AUTH
            | flags::ALLOW_BUSY,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "bgrewriteaof",
        arity: 1,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "bgsave",
        arity: -1,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "bitcount",
        arity: -2,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "bitfield",
        arity: -2,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::UPDATE | KeySpec::VARIABLE_FLAGS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "bitfield_ro",
        arity: -2,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "bitop",
        arity: -4,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(2, -1, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::OW | KeySpec::UPDATE,
                BeginSearch::Index(2),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::RO | KeySpec::ACCESS,
                BeginSearch::Index(3),
                FindKeys::range(-1, 1, 0),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "bitpos",
        arity: -3,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "blmove",
        arity: 6,
        flags: flags::WRITE | flags::DENYOOM | flags::NOSCRIPT | flags::BLOCKING,
        legacy_keys: LegacyKeys::new(1, 2, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::RW | KeySpec::INSERT,
                BeginSearch::Index(2),
                FindKeys::range(0, 1, 0),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "blmpop",
        arity: -5,
        flags: flags::WRITE | flags::BLOCKING | flags::MOVABLEKEYS,
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
            BeginSearch::Index(2),
            FindKeys::keynum(0, 1, 1),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "blpop",
        arity: -3,
        flags: flags::WRITE | flags::NOSCRIPT | flags::BLOCKING,
        legacy_keys: LegacyKeys::new(1, -2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(-2, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "brpop",
        arity: -3,
        flags: flags::WRITE | flags::NOSCRIPT | flags::BLOCKING,
        legacy_keys: LegacyKeys::new(1, -2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(-2, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "brpoplpush",
        arity: 4,
        flags: flags::WRITE | flags::DENYOOM | flags::NOSCRIPT | flags::BLOCKING,
        legacy_keys: LegacyKeys::new(1, 2, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::RW | KeySpec::INSERT,
                BeginSearch::Index(2),
                FindKeys::range(0, 1, 0),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "bzmpop",
        arity: -5,
        flags: flags::WRITE | flags::BLOCKING | flags::MOVABLEKEYS,
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
            BeginSearch::Index(2),
            FindKeys::keynum(0, 1, 1),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "bzpopmax",
        arity: -3,
        flags: flags::WRITE | flags::NOSCRIPT | flags::BLOCKING | flags::FAST,
        legacy_keys: LegacyKeys::new(1, -2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(-2, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "bzpopmin",
        arity: -3,
        flags: flags::WRITE | flags::NOSCRIPT | flags::BLOCKING | flags::FAST,
        legacy_keys: LegacyKeys::new(1, -2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(-2, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "client",
        arity: -2,
        flags: 0,
        subcommands: 33..49,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "client|caching",
        arity: 3,
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "client|getname",
        arity: 2,
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "client|getredir",
        arity: 2,
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "client|help",
        arity: 2,
        flags: flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "client|id",
        arity: 2,
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "client|info",
        arity: 2,
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "client|kill",
        arity: -3,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "client|list",
        arity: -2,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "client|no-evict",
        arity: 3,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "client|pause",
        arity: -3,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "client|reply",
        arity: 3,
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "client|setname",
        arity: 3,
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "client|tracking",
        arity: -3,
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "client|trackinginfo",
        arity: 2,
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "client|unblock",
        arity: -3,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "client|unpause",
        arity: 2,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster",
        arity: -2,
        flags: 0,
        subcommands: 50..77,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|addslots",
        arity: -3,
        flags: flags::ADMIN | flags::STALE | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|addslotsrange",
        arity: -4,
        flags: flags::ADMIN | flags::STALE | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|bumpepoch",
        arity: 2,
        flags: flags::ADMIN | flags::STALE | flags::NO_ASYNC_LOADING,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|count-failure-reports",
        arity: 3,
        flags: flags::ADMIN | flags::STALE,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|countkeysinslot",
        arity: 3,
        flags: flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|delslots",
        arity: -3,
        flags: flags::ADMIN | flags::STALE | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|delslotsrange",
        arity: -4,
        flags: flags::ADMIN | flags::STALE | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|failover",
        arity: -2,
        flags: flags::ADMIN | flags::STALE | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|flushslots",
        arity: 2,
        flags: flags::ADMIN | flags::STALE | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|forget",
        arity: 3,
        flags: flags::ADMIN | flags::STALE | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|getkeysinslot",
        arity: 4,
        flags: flags::STALE,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|help",
        arity: 2,
        flags: flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|info",
        arity: 2,
        flags: flags::STALE,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|keyslot",
        arity: 3,
        flags: flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|links",
        arity: 2,
        flags: flags::STALE,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|meet",
        arity: -4,
        flags: flags::ADMIN | flags::STALE | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|myid",
        arity: 2,
        flags: flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|nodes",
        arity: 2,
        flags: flags::STALE,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|replicas",
        arity: 3,
        flags: flags::ADMIN | flags::STALE,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|replicate",
        arity: 3,
        flags: flags::ADMIN | flags::STALE | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|reset",
        arity: -2,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|saveconfig",
        arity: 2,
        flags: flags::ADMIN | flags::STALE | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|set-config-epoch",
        arity: 3,
        flags: flags::ADMIN | flags::STALE | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|setslot",
        arity: -4,
        flags: flags::ADMIN | flags::STALE | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|shards",
        arity: 2,
        flags: flags::STALE,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|slaves",
        arity: 3,
        flags: flags::ADMIN | flags::STALE,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "cluster|slots",
        arity: 2,
        flags: flags::STALE,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "command",
        arity: -1,
        flags: flags::LOADING | flags::STALE,
        tips: tips::NONDETERMINISTIC_OUTPUT_ORDER,
        subcommands: 78..85,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "command|count",
        arity: 2,
        flags: flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "command|docs",
        arity: -2,
        flags: flags::LOADING | flags::STALE,
        tips: tips::NONDETERMINISTIC_OUTPUT_ORDER,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "command|getkeys",
        arity: -4,
        flags: flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "command|getkeysandflags",
        arity: -4,
        flags: flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "command|help",
        arity: 2,
        flags: flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "command|info",
        arity: -2,
        flags: flags::LOADING | flags::STALE,
        tips: tips::NONDETERMINISTIC_OUTPUT_ORDER,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "command|list",
        arity: -2,
        flags: flags::LOADING | flags::STALE,
        tips: tips::NONDETERMINISTIC_OUTPUT_ORDER,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "config",
        arity: -2,
        flags: 0,
        subcommands: 86..91,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "config|get",
        arity: -3,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "config|help",
        arity: 2,
        flags: flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "config|resetstat",
        arity: 2,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "config|rewrite",
        arity: 2,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "config|set",
        arity: -4,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        request_policy: RequestPolicy::AllNodes,
        response_policy: ResponsePolicy::AllSucceeded,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "copy",
        arity: -3,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, 2, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::RO | KeySpec::ACCESS,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::OW | KeySpec::UPDATE,
                BeginSearch::Index(2),
                FindKeys::range(0, 1, 0),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "dbsize",
        arity: 1,
        flags: flags::READONLY | flags::FAST,
        request_policy: RequestPolicy::AllShards,
        response_policy: ResponsePolicy::AggSum,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "debug",
        arity: -2,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "decr",
        arity: 2,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "decrby",
        arity: 3,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "del",
        arity: -2,
        flags: flags::WRITE,
        legacy_keys: LegacyKeys::new(1, -1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RM | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(-1, 1, 0),
        )],
        request_policy: RequestPolicy::MultiShard,
        response_policy: ResponsePolicy::AggSum,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "discard",
        arity: 1,
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE | flags::FAST | flags::ALLOW_BUSY,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "dump",
        arity: 2,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "echo",
        arity: 2,
        flags: flags::LOADING | flags::STALE | flags::FAST,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "eval",
        arity: -3,
        flags: flags::NOSCRIPT
            | flags::STALE
            | flags::SKIP_MONITOR
            | flags::NO_MANDATORY_KEYS
            | flags::MOVABLEKEYS,
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::UPDATE,
            BeginSearch::Index(2),
            FindKeys::keynum(0, 1, 1),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "eval_ro",
        arity: -3,
        flags: flags::READONLY
            | flags::NOSCRIPT
            | flags::STALE
            | flags::SKIP_MONITOR
            | flags::NO_MANDATORY_KEYS
            | flags::MOVABLEKEYS,
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(2),
            FindKeys::keynum(0, 1, 1),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "evalsha",
        arity: -3,
        flags: flags::NOSCRIPT
            | flags::STALE
            | flags::SKIP_MONITOR
            | flags::NO_MANDATORY_KEYS
            | flags::MOVABLEKEYS,
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::UPDATE,
            BeginSearch::Index(2),
            FindKeys::keynum(0, 1, 1),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "evalsha_ro",
        arity: -3,
        flags: flags::READONLY
            | flags::NOSCRIPT
            | flags::STALE
            | flags::SKIP_MONITOR
            | flags::NO_MANDATORY_KEYS
            | flags::MOVABLEKEYS,
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(2),
            FindKeys::keynum(0, 1, 1),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "exec",
        arity: 1,
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE | flags::SKIP_SLOWLOG,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "exists",
        arity: -2,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, -1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO,
            BeginSearch::Index(1),
            FindKeys::range(-1, 1, 0),
        )],
        request_policy: RequestPolicy::MultiShard,
        response_policy: ResponsePolicy::AggSum,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "expire",
        arity: -3,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "expireat",
        arity: -3,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "expiretime",
        arity: 2,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "failover",
        arity: -1,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "fcall",
        arity: -3,
        flags: flags::NOSCRIPT
            | flags::STALE
            | flags::SKIP_MONITOR
            | flags::NO_MANDATORY_KEYS
            | flags::MOVABLEKEYS,
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::UPDATE,
            BeginSearch::Index(2),
            FindKeys::keynum(0, 1, 1),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "fcall_ro",
        arity: -3,
        flags: flags::READONLY
            | flags::NOSCRIPT
            | flags::STALE
            | flags::SKIP_MONITOR
            | flags::NO_MANDATORY_KEYS
            | flags::MOVABLEKEYS,
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(2),
            FindKeys::keynum(0, 1, 1),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "flushall",
        arity: -1,
        flags: flags::WRITE,
        request_policy: RequestPolicy::AllShards,
        response_policy: ResponsePolicy::AllSucceeded,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "flushdb",
        arity: -1,
        flags: flags::WRITE,
        request_policy: RequestPolicy::AllShards,
        response_policy: ResponsePolicy::AllSucceeded,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "function",
        arity: -2,
        flags: 0,
        subcommands: 115..124,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "function|delete",
        arity: 3,
        flags: flags::WRITE | flags::NOSCRIPT,
        request_policy: RequestPolicy::AllShards,
        response_policy: ResponsePolicy::AllSucceeded,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "function|dump",
        arity: 2,
        flags: flags::NOSCRIPT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "function|flush",
        arity: -2,
        flags: flags::WRITE | flags::NOSCRIPT,
        request_policy: RequestPolicy::AllShards,
        response_policy: ResponsePolicy::AllSucceeded,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "function|help",
        arity: 2,
        flags: flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "function|kill",
        arity: 2,
        flags: flags::NOSCRIPT | flags::ALLOW_BUSY,
        request_policy: RequestPolicy::AllShards,
        response_policy: ResponsePolicy::OneSucceeded,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "function|list",
        arity: -2,
        flags: flags::NOSCRIPT,
        tips: tips::NONDETERMINISTIC_OUTPUT_ORDER,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "function|load",
        arity: -3,
        flags: flags::WRITE | flags::DENYOOM | flags::NOSCRIPT,
        request_policy: RequestPolicy::AllShards,
        response_policy: ResponsePolicy::AllSucceeded,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "function|restore",
        arity: -3,
        flags: flags::WRITE | flags::DENYOOM | flags::NOSCRIPT,
        request_policy: RequestPolicy::AllShards,
        response_policy: ResponsePolicy::AllSucceeded,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "function|stats",
        arity: 2,
        flags: flags::NOSCRIPT | flags::ALLOW_BUSY,
        request_policy: RequestPolicy::AllShards,
        response_policy: ResponsePolicy::Special,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "geoadd",
        arity: -5,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "geodist",
        arity: -4,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "geohash",
        arity: -2,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "geopos",
        arity: -2,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "georadius",
        arity: -6,
        flags: flags::WRITE | flags::DENYOOM | flags::MOVABLEKEYS,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::RO | KeySpec::ACCESS,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::OW | KeySpec::UPDATE,
                BeginSearch::keyword("STORE", 6),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::OW | KeySpec::UPDATE,
                BeginSearch::keyword("STOREDIST", 6),
                FindKeys::range(0, 1, 0),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "georadius_ro",
        arity: -6,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "georadiusbymember",
        arity: -5,
        flags: flags::WRITE | flags::DENYOOM | flags::MOVABLEKEYS,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::RO | KeySpec::ACCESS,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::OW | KeySpec::UPDATE,
                BeginSearch::keyword("STORE", 5),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::OW | KeySpec::UPDATE,
                BeginSearch::keyword("STOREDIST", 5),
                FindKeys::range(0, 1, 0),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "georadiusbymember_ro",
        arity: -5,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "geosearch",
        arity: -7,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "geosearchstore",
        arity: -8,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, 2, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::OW | KeySpec::UPDATE,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::RO | KeySpec::ACCESS,
                BeginSearch::Index(2),
                FindKeys::range(0, 1, 0),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "get",
        arity: 2,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "getbit",
        arity: 3,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "getdel",
        arity: 2,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "getex",
        arity: -2,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "getrange",
        arity: 4,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "getset",
        arity: 3,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "hdel",
        arity: -3,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "hello",
        arity: -1,
        flags: flags::NOSCRIPT
            | flags::LOADING
            | flags::STALE
            | flags::FAST
            | flags::NO_AUTH
            | flags::ALLOW_BUSY,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "hexists",
        arity: 3,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "hget",
        arity: 3,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "hgetall",
        arity: 2,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT_ORDER,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "hincrby",
        arity: 4,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "hincrbyfloat",
        arity: 4,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "hkeys",
        arity: 2,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT_ORDER,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "hlen",
        arity: 2,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "hmget",
        arity: -3,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "hmset",
        arity: -4,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "hrandfield",
        arity: -2,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "hscan",
        arity: -3,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "hset",
        arity: -4,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "hsetnx",
        arity: 4,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::INSERT,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "hstrlen",
        arity: 3,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "hvals",
        arity: 2,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT_ORDER,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "incr",
        arity: 2,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "incrby",
        arity: 3,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "incrbyfloat",
        arity: 3,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "info",
        arity: -1,
        flags: flags::LOADING | flags::STALE,
        request_policy: RequestPolicy::AllShards,
        response_policy: ResponsePolicy::Special,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "keys",
        arity: 2,
        flags: flags::READONLY,
        request_policy: RequestPolicy::AllShards,
        tips: tips::NONDETERMINISTIC_OUTPUT_ORDER,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "lastsave",
        arity: 1,
        flags: flags::LOADING | flags::STALE | flags::FAST,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "latency",
        arity: -2,
        flags: 0,
        subcommands: 164..171,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "latency|doctor",
        arity: 2,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        request_policy: RequestPolicy::AllNodes,
        response_policy: ResponsePolicy::Special,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "latency|graph",
        arity: 3,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        request_policy: RequestPolicy::AllNodes,
        response_policy: ResponsePolicy::Special,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "latency|help",
        arity: 2,
        flags: flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "latency|histogram",
        arity: -2,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        request_policy: RequestPolicy::AllNodes,
        response_policy: ResponsePolicy::Special,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "latency|history",
        arity: 3,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        request_policy: RequestPolicy::AllNodes,
        response_policy: ResponsePolicy::Special,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "latency|latest",
        arity: 2,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        request_policy: RequestPolicy::AllNodes,
        response_policy: ResponsePolicy::Special,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "latency|reset",
        arity: -2,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        request_policy: RequestPolicy::AllNodes,
        response_policy: ResponsePolicy::AllSucceeded,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "lcs",
        arity: -3,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(1, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "lindex",
        arity: 3,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "linsert",
        arity: 5,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::INSERT,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "llen",
        arity: 2,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "lmove",
        arity: 5,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, 2, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::RW | KeySpec::INSERT,
                BeginSearch::Index(2),
                FindKeys::range(0, 1, 0),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "lmpop",
        arity: -4,
        flags: flags::WRITE | flags::MOVABLEKEYS,
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::keynum(0, 1, 1),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "lolwut",
        arity: -1,
        flags: flags::READONLY | flags::FAST,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "lpop",
        arity: -2,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "lpos",
        arity: -3,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "lpush",
        arity: -3,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::INSERT,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "lpushx",
        arity: -3,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::INSERT,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "lrange",
        arity: 4,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "lrem",
        arity: 4,
        flags: flags::WRITE,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "lset",
        arity: 4,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "ltrim",
        arity: 4,
        flags: flags::WRITE,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "memory",
        arity: -2,
        flags: 0,
        subcommands: 187..193,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "memory|doctor",
        arity: 2,
        flags: 0,
        request_policy: RequestPolicy::AllShards,
        response_policy: ResponsePolicy::Special,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "memory|help",
        arity: 2,
        flags: flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "memory|malloc-stats",
        arity: 2,
        flags: 0,
        request_policy: RequestPolicy::AllShards,
        response_policy: ResponsePolicy::Special,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "memory|purge",
        arity: 2,
        flags: 0,
        request_policy: RequestPolicy::AllShards,
        response_policy: ResponsePolicy::AllSucceeded,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "memory|stats",
        arity: 2,
        flags: 0,
        request_policy: RequestPolicy::AllShards,
        response_policy: ResponsePolicy::Special,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "memory|usage",
        arity: -3,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(2, 2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO,
            BeginSearch::Index(2),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "mget",
        arity: -2,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, -1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(-1, 1, 0),
        )],
        request_policy: RequestPolicy::MultiShard,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "migrate",
        arity: -6,
        flags: flags::WRITE | flags::MOVABLEKEYS,
        legacy_keys: LegacyKeys::new(3, 3, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
                BeginSearch::Index(3),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE | KeySpec::INCOMPLETE,
                BeginSearch::keyword("KEYS", -2),
                FindKeys::range(-1, 1, 0),
            ),
        ],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "module",
        arity: -2,
        flags: 0,
        subcommands: 196..201,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "module|help",
        arity: 2,
        flags: flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "module|list",
        arity: 2,
        flags: flags::ADMIN | flags::NOSCRIPT,
        tips: tips::NONDETERMINISTIC_OUTPUT_ORDER,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "module|load",
        arity: -3,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "module|loadex",
        arity: -3,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "module|unload",
        arity: 3,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "monitor",
        arity: 1,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "move",
        arity: 3,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "mset",
        arity: -3,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, -1, 2),
        key_specs: &[KeySpec::new(
            KeySpec::OW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(-1, 2, 0),
        )],
        request_policy: RequestPolicy::MultiShard,
        response_policy: ResponsePolicy::AllSucceeded,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "msetnx",
        arity: -3,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, -1, 2),
        key_specs: &[KeySpec::new(
            KeySpec::OW | KeySpec::INSERT,
            BeginSearch::Index(1),
            FindKeys::range(-1, 2, 0),
        )],
        request_policy: RequestPolicy::MultiShard,
        response_policy: ResponsePolicy::AggMin,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "multi",
        arity: 1,
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE | flags::FAST | flags::ALLOW_BUSY,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "object",
        arity: -2,
        flags: 0,
        subcommands: 207..212,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "object|encoding",
        arity: 3,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(2, 2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO,
            BeginSearch::Index(2),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "object|freq",
        arity: 3,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(2, 2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO,
            BeginSearch::Index(2),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "object|help",
        arity: 2,
        flags: flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "object|idletime",
        arity: 3,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(2, 2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO,
            BeginSearch::Index(2),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "object|refcount",
        arity: 3,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(2, 2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO,
            BeginSearch::Index(2),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "persist",
        arity: 2,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "pexpire",
        arity: -3,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "pexpireat",
        arity: -3,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "pexpiretime",
        arity: 2,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "pfadd",
        arity: -2,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::INSERT,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "pfcount",
        arity: -2,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, -1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(-1, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "pfdebug",
        arity: 3,
        flags: flags::WRITE | flags::DENYOOM | flags::ADMIN,
        legacy_keys: LegacyKeys::new(2, 2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS,
            BeginSearch::Index(2),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "pfmerge",
        arity: -2,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, -1, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::RW | KeySpec::ACCESS | KeySpec::INSERT,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::RO | KeySpec::ACCESS,
                BeginSearch::Index(2),
                FindKeys::range(-1, 1, 0),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "pfselftest",
        arity: 1,
        flags: flags::ADMIN,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "ping",
        arity: -1,
        flags: flags::FAST,
        request_policy: RequestPolicy::AllShards,
        response_policy: ResponsePolicy::AllSucceeded,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "psetex",
        arity: 4,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::OW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "psubscribe",
        arity: -2,
        flags: flags::PUBSUB | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "psync",
        arity: -3,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::NO_ASYNC_LOADING | flags::NO_MULTI,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "pttl",
        arity: 2,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "publish",
        arity: 3,
        flags: flags::PUBSUB | flags::LOADING | flags::STALE | flags::FAST,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "pubsub",
        arity: -2,
        flags: 0,
        subcommands: 228..234,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "pubsub|channels",
        arity: -2,
        flags: flags::PUBSUB | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "pubsub|help",
        arity: 2,
        flags: flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "pubsub|numpat",
        arity: 2,
        flags: flags::PUBSUB | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "pubsub|numsub",
        arity: -2,
        flags: flags::PUBSUB | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "pubsub|shardchannels",
        arity: -2,
        flags: flags::PUBSUB | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "pubsub|shardnumsub",
        arity: -2,
        flags: flags::PUBSUB | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "punsubscribe",
        arity: -1,
        flags: flags::PUBSUB | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "quit",
        arity: -1,
        flags: flags::NOSCRIPT
            | flags::LOADING
            | flags::STALE
            | flags::FAST
            | flags::NO_AUTH
            | flags::ALLOW_BUSY,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "randomkey",
        arity: 1,
        flags: flags::READONLY,
        request_policy: RequestPolicy::AllShards,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "readonly",
        arity: 1,
        flags: flags::LOADING | flags::STALE | flags::FAST,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "readwrite",
        arity: 1,
        flags: flags::LOADING | flags::STALE | flags::FAST,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "rename",
        arity: 3,
        flags: flags::WRITE,
        legacy_keys: LegacyKeys::new(1, 2, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::OW | KeySpec::UPDATE,
                BeginSearch::Index(2),
                FindKeys::range(0, 1, 0),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "renamenx",
        arity: 3,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 2, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::OW | KeySpec::INSERT,
                BeginSearch::Index(2),
                FindKeys::range(0, 1, 0),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "replconf",
        arity: -1,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE | flags::ALLOW_BUSY,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "replicaof",
        arity: 3,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::STALE | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "reset",
        arity: 1,
        flags: flags::NOSCRIPT
            | flags::LOADING
            | flags::STALE
            | flags::FAST
            | flags::NO_AUTH
            | flags::ALLOW_BUSY,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "restore",
        arity: -4,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::OW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "restore-asking",
        arity: -4,
        flags: flags::WRITE | flags::DENYOOM | flags::ASKING,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::OW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "role",
        arity: 1,
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE | flags::FAST,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "rpop",
        arity: -2,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "rpoplpush",
        arity: 3,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, 2, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::RW | KeySpec::INSERT,
                BeginSearch::Index(2),
                FindKeys::range(0, 1, 0),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "rpush",
        arity: -3,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::INSERT,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "rpushx",
        arity: -3,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::INSERT,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "sadd",
        arity: -3,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::INSERT,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "save",
        arity: 1,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::NO_ASYNC_LOADING | flags::NO_MULTI,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "scan",
        arity: -2,
        flags: flags::READONLY,
        request_policy: RequestPolicy::Special,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "scard",
        arity: 2,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "script",
        arity: -2,
        flags: 0,
        subcommands: 256..262,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "script|debug",
        arity: 3,
        flags: flags::NOSCRIPT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "script|exists",
        arity: -3,
        flags: flags::NOSCRIPT,
        request_policy: RequestPolicy::AllShards,
        response_policy: ResponsePolicy::AggLogicalAnd,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "script|flush",
        arity: -2,
        flags: flags::NOSCRIPT,
        request_policy: RequestPolicy::AllNodes,
        response_policy: ResponsePolicy::AllSucceeded,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "script|help",
        arity: 2,
        flags: flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "script|kill",
        arity: 2,
        flags: flags::NOSCRIPT | flags::ALLOW_BUSY,
        request_policy: RequestPolicy::AllShards,
        response_policy: ResponsePolicy::OneSucceeded,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "script|load",
        arity: 3,
        flags: flags::NOSCRIPT | flags::STALE,
        request_policy: RequestPolicy::AllNodes,
        response_policy: ResponsePolicy::AllSucceeded,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "sdiff",
        arity: -2,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, -1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(-1, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT_ORDER,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "sdiffstore",
        arity: -3,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, -1, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::OW | KeySpec::UPDATE,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::RO | KeySpec::ACCESS,
                BeginSearch::Index(2),
                FindKeys::range(-1, 1, 0),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "select",
        arity: 2,
        flags: flags::LOADING | flags::STALE | flags::FAST,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "set",
        arity: -3,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::UPDATE | KeySpec::VARIABLE_FLAGS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "setbit",
        arity: 4,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "setex",
        arity: 4,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::OW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "setnx",
        arity: 3,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::OW | KeySpec::INSERT,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "setrange",
        arity: 4,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "shutdown",
        arity: -1,
        flags: flags::ADMIN
            | flags::NOSCRIPT
            | flags::LOADING
            | flags::STALE
            | flags::NO_MULTI
            | flags::ALLOW_BUSY,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "sinter",
        arity: -2,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, -1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(-1, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT_ORDER,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "sintercard",
        arity: -3,
        flags: flags::READONLY | flags::MOVABLEKEYS,
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::keynum(0, 1, 1),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "sinterstore",
        arity: -3,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, -1, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::RW | KeySpec::UPDATE,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::RO | KeySpec::ACCESS,
                BeginSearch::Index(2),
                FindKeys::range(-1, 1, 0),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "sismember",
        arity: 3,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "slaveof",
        arity: 3,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::STALE | flags::NO_ASYNC_LOADING,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "slowlog",
        arity: -2,
        flags: 0,
        subcommands: 277..281,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "slowlog|get",
        arity: -2,
        flags: flags::ADMIN | flags::LOADING | flags::STALE,
        request_policy: RequestPolicy::AllNodes,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "slowlog|help",
        arity: 2,
        flags: flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "slowlog|len",
        arity: 2,
        flags: flags::ADMIN | flags::LOADING | flags::STALE,
        request_policy: RequestPolicy::AllNodes,
        response_policy: ResponsePolicy::AggSum,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "slowlog|reset",
        arity: 2,
        flags: flags::ADMIN | flags::LOADING | flags::STALE,
        request_policy: RequestPolicy::AllNodes,
        response_policy: ResponsePolicy::AllSucceeded,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "smembers",
        arity: 2,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT_ORDER,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "smismember",
        arity: -3,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "smove",
        arity: 4,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 2, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::RW | KeySpec::INSERT,
                BeginSearch::Index(2),
                FindKeys::range(0, 1, 0),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "sort",
        arity: -2,
        flags: flags::WRITE | flags::DENYOOM | flags::MOVABLEKEYS,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::RO | KeySpec::ACCESS,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::RO | KeySpec::ACCESS,
                BeginSearch::Unknown,
                FindKeys::Unknown,
            ),
            KeySpec::new(
                KeySpec::OW | KeySpec::UPDATE,
                BeginSearch::Unknown,
                FindKeys::Unknown,
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "sort_ro",
        arity: -2,
        flags: flags::READONLY | flags::MOVABLEKEYS,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::RO | KeySpec::ACCESS,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::RO | KeySpec::ACCESS,
                BeginSearch::Unknown,
                FindKeys::Unknown,
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "spop",
        arity: -2,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "spublish",
        arity: 3,
        flags: flags::PUBSUB | flags::LOADING | flags::STALE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::NOT_KEY,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "srandmember",
        arity: -2,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "srem",
        arity: -3,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "sscan",
        arity: -3,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "ssubscribe",
        arity: -2,
        flags: flags::PUBSUB | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        legacy_keys: LegacyKeys::new(1, -1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::NOT_KEY,
            BeginSearch::Index(1),
            FindKeys::range(-1, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "strlen",
        arity: 2,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "subscribe",
        arity: -2,
        flags: flags::PUBSUB | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "substr",
        arity: 4,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "sunion",
        arity: -2,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, -1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(-1, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT_ORDER,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "sunionstore",
        arity: -3,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, -1, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::OW | KeySpec::UPDATE,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::RO | KeySpec::ACCESS,
                BeginSearch::Index(2),
                FindKeys::range(-1, 1, 0),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "sunsubscribe",
        arity: -1,
        flags: flags::PUBSUB | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        legacy_keys: LegacyKeys::new(1, -1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::NOT_KEY,
            BeginSearch::Index(1),
            FindKeys::range(-1, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "swapdb",
        arity: 3,
        flags: flags::WRITE | flags::FAST,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "sync",
        arity: 1,
        flags: flags::ADMIN | flags::NOSCRIPT | flags::NO_ASYNC_LOADING | flags::NO_MULTI,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "time",
        arity: 1,
        flags: flags::LOADING | flags::STALE | flags::FAST,
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "touch",
        arity: -2,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, -1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO,
            BeginSearch::Index(1),
            FindKeys::range(-1, 1, 0),
        )],
        request_policy: RequestPolicy::MultiShard,
        response_policy: ResponsePolicy::AggSum,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "ttl",
        arity: 2,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "type",
        arity: 2,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "unlink",
        arity: -2,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, -1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RM | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(-1, 1, 0),
        )],
        request_policy: RequestPolicy::MultiShard,
        response_policy: ResponsePolicy::AggSum,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "unsubscribe",
        arity: -1,
        flags: flags::PUBSUB | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "unwatch",
        arity: 1,
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE | flags::FAST | flags::ALLOW_BUSY,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "wait",
        arity: 3,
        flags: flags::NOSCRIPT,
        request_policy: RequestPolicy::AllShards,
        response_policy: ResponsePolicy::AggMin,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "watch",
        arity: -2,
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE | flags::FAST | flags::ALLOW_BUSY,
        legacy_keys: LegacyKeys::new(1, -1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO,
            BeginSearch::Index(1),
            FindKeys::range(-1, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xack",
        arity: -4,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xadd",
        arity: -5,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xautoclaim",
        arity: -6,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xclaim",
        arity: -6,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xdel",
        arity: -3,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xgroup",
        arity: -2,
        flags: 0,
        subcommands: 315..321,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xgroup|create",
        arity: -5,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(2, 2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::INSERT,
            BeginSearch::Index(2),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xgroup|createconsumer",
        arity: 5,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(2, 2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::INSERT,
            BeginSearch::Index(2),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xgroup|delconsumer",
        arity: 5,
        flags: flags::WRITE,
        legacy_keys: LegacyKeys::new(2, 2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::DELETE,
            BeginSearch::Index(2),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xgroup|destroy",
        arity: 4,
        flags: flags::WRITE,
        legacy_keys: LegacyKeys::new(2, 2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::DELETE,
            BeginSearch::Index(2),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xgroup|help",
        arity: 2,
        flags: flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xgroup|setid",
        arity: -5,
        flags: flags::WRITE,
        legacy_keys: LegacyKeys::new(2, 2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::UPDATE,
            BeginSearch::Index(2),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xinfo",
        arity: -2,
        flags: 0,
        subcommands: 322..326,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xinfo|consumers",
        arity: 4,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(2, 2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(2),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xinfo|groups",
        arity: 3,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(2, 2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(2),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xinfo|help",
        arity: 2,
        flags: flags::LOADING | flags::STALE,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xinfo|stream",
        arity: -3,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(2, 2, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(2),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xlen",
        arity: 2,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xpending",
        arity: -3,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xrange",
        arity: -4,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xread",
        arity: -4,
        flags: flags::READONLY | flags::BLOCKING | flags::MOVABLEKEYS,
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::keyword("STREAMS", 1),
            FindKeys::range(-1, 1, 2),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xreadgroup",
        arity: -7,
        flags: flags::WRITE | flags::BLOCKING | flags::MOVABLEKEYS,
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::keyword("STREAMS", 4),
            FindKeys::range(-1, 1, 2),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xrevrange",
        arity: -4,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xsetid",
        arity: -3,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "xtrim",
        arity: -4,
        flags: flags::WRITE,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zadd",
        arity: -4,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zcard",
        arity: 2,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zcount",
        arity: 4,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zdiff",
        arity: -3,
        flags: flags::READONLY | flags::MOVABLEKEYS,
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::keynum(0, 1, 1),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zdiffstore",
        arity: -4,
        flags: flags::WRITE | flags::DENYOOM | flags::MOVABLEKEYS,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::OW | KeySpec::UPDATE,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::RO | KeySpec::ACCESS,
                BeginSearch::Index(2),
                FindKeys::keynum(0, 1, 1),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zincrby",
        arity: 4,
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::UPDATE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zinter",
        arity: -3,
        flags: flags::READONLY | flags::MOVABLEKEYS,
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::keynum(0, 1, 1),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zintercard",
        arity: -3,
        flags: flags::READONLY | flags::MOVABLEKEYS,
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::keynum(0, 1, 1),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zinterstore",
        arity: -4,
        flags: flags::WRITE | flags::DENYOOM | flags::MOVABLEKEYS,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::OW | KeySpec::UPDATE,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::RO | KeySpec::ACCESS,
                BeginSearch::Index(2),
                FindKeys::keynum(0, 1, 1),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zlexcount",
        arity: 4,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zmpop",
        arity: -4,
        flags: flags::WRITE | flags::MOVABLEKEYS,
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::keynum(0, 1, 1),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zmscore",
        arity: -3,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zpopmax",
        arity: -2,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zpopmin",
        arity: -2,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::ACCESS | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zrandmember",
        arity: -2,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zrange",
        arity: -4,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zrangebylex",
        arity: -4,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zrangebyscore",
        arity: -4,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zrangestore",
        arity: -5,
        flags: flags::WRITE | flags::DENYOOM,
        legacy_keys: LegacyKeys::new(1, 2, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::OW | KeySpec::UPDATE,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::RO | KeySpec::ACCESS,
                BeginSearch::Index(2),
                FindKeys::range(0, 1, 0),
            ),
        ],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zrank",
        arity: 3,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zrem",
        arity: -3,
        flags: flags::WRITE | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zremrangebylex",
        arity: 4,
        flags: flags::WRITE,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zremrangebyrank",
        arity: 4,
        flags: flags::WRITE,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zremrangebyscore",
        arity: 4,
        flags: flags::WRITE,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RW | KeySpec::DELETE,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zrevrange",
        arity: -4,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zrevrangebylex",
        arity: -4,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zrevrangebyscore",
        arity: -4,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zrevrank",
        arity: 3,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zscan",
        arity: -3,
        flags: flags::READONLY,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        tips: tips::NONDETERMINISTIC_OUTPUT,
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zscore",
        arity: 3,
        flags: flags::READONLY | flags::FAST,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::range(0, 1, 0),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zunion",
        arity: -3,
        flags: flags::READONLY | flags::MOVABLEKEYS,
        key_specs: &[KeySpec::new(
            KeySpec::RO | KeySpec::ACCESS,
            BeginSearch::Index(1),
            FindKeys::keynum(0, 1, 1),
        )],
        ..CommandSpec::BLANK
    },
    CommandSpec {
        name: "zunionstore",
        arity: -4,
        flags: flags::WRITE | flags::DENYOOM | flags::MOVABLEKEYS,
        legacy_keys: LegacyKeys::new(1, 1, 1),
        key_specs: &[
            KeySpec::new(
                KeySpec::OW | KeySpec::UPDATE,
                BeginSearch::Index(1),
                FindKeys::range(0, 1, 0),
            ),
            KeySpec::new(
                KeySpec::RO | KeySpec::ACCESS,
                BeginSearch::Index(2),
                FindKeys::keynum(0, 1, 1),
            ),
        ],
        ..CommandSpec::BLANK
    },
];
