//! The commands whose options are written by hand ([`super::options`]), listed in the shape
//! of the generated ones so the same emitters make their builders and client methods.

/// Calls `$emit!` with every command that takes a hand-written options type, in the shape
/// of `__each_typed_command!` (`name(param: type, ...) => [words and params] example "args"
/// wire "words";`). Examples may name `commands::...`: each emitter brings its crate's
/// `commands` into scope.
#[doc(hidden)]
#[macro_export]
macro_rules! __each_hand_written_command {
    ($emit:ident) => {
        $emit! {
            /// Set the string value of a key, with a condition, an expiry or `GET`
            /// ([`SetOptions`](crate::commands::SetOptions)).
            ///
            /// `SET key value [NX | XX] [GET] [EX | PX | EXAT | PXAT | KEEPTTL]`. With a
            /// condition the reply is null when it did not hold (read `Option<String>`:
            /// `None` means not written); with `GET` it is the old value.
            set_with(
                key: impl $crate::ToArgs,
                value: impl $crate::ToArgs,
                options: $crate::commands::SetOptions
            ) => ["SET", key, value, options]
                example r#""lock:job", "me", commands::SetOptions::new().if_missing().expiry(commands::Expiry::Seconds(30))"#
                wire r#"["SET", "lock:job", "me", "NX", "EX", "30"]"#;
            /// Get the value of a key and set its expiry (or `PERSIST` it).
            ///
            /// `GETEX key EX | PX | EXAT | PXAT | PERSIST`.
            getex_with(key: impl $crate::ToArgs, expiry: $crate::commands::Expiry)
                => ["GETEX", key, expiry]
                example r#""session", commands::Expiry::Seconds(600)"#
                wire r#"["GETEX", "session", "EX", "600"]"#;
            /// Set a key's time to live in seconds, under a condition
            /// ([`ExpireCondition`](crate::commands::ExpireCondition); Redis 7.0+).
            ///
            /// `EXPIRE key seconds NX | XX | GT | LT`; the reply is whether it was set.
            expire_with(
                key: impl $crate::ToArgs,
                seconds: impl $crate::ToArgs,
                condition: $crate::commands::ExpireCondition
            ) => ["EXPIRE", key, seconds, condition]
                example r#""session", 600, commands::ExpireCondition::IfNone"#
                wire r#"["EXPIRE", "session", "600", "NX"]"#;
            /// Set a key's time to live in milliseconds, under a condition (Redis 7.0+).
            ///
            /// `PEXPIRE key milliseconds NX | XX | GT | LT`.
            pexpire_with(
                key: impl $crate::ToArgs,
                milliseconds: impl $crate::ToArgs,
                condition: $crate::commands::ExpireCondition
            ) => ["PEXPIRE", key, milliseconds, condition]
                example r#""session", 1500, commands::ExpireCondition::IfLater"#
                wire r#"["PEXPIRE", "session", "1500", "GT"]"#;
            /// Set a key's expiry as a Unix time in seconds, under a condition (Redis 7.0+).
            ///
            /// `EXPIREAT key unix-time-seconds NX | XX | GT | LT`.
            expireat_with(
                key: impl $crate::ToArgs,
                unix_time_seconds: impl $crate::ToArgs,
                condition: $crate::commands::ExpireCondition
            ) => ["EXPIREAT", key, unix_time_seconds, condition]
                example r#""session", 1700000000, commands::ExpireCondition::IfEarlier"#
                wire r#"["EXPIREAT", "session", "1700000000", "LT"]"#;
            /// Set a key's expiry as a Unix time in milliseconds, under a condition (Redis
            /// 7.0+).
            ///
            /// `PEXPIREAT key unix-time-milliseconds NX | XX | GT | LT`.
            pexpireat_with(
                key: impl $crate::ToArgs,
                unix_time_milliseconds: impl $crate::ToArgs,
                condition: $crate::commands::ExpireCondition
            ) => ["PEXPIREAT", key, unix_time_milliseconds, condition]
                example r#""session", 1700000000000u64, commands::ExpireCondition::IfSet"#
                wire r#"["PEXPIREAT", "session", "1700000000000", "XX"]"#;
            /// Members of a sorted set in a range of ranks, scores or members, either way,
            /// paged, with or without scores ([`ZRangeOptions`](crate::commands::ZRangeOptions)).
            ///
            /// `ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count]
            /// [WITHSCORES]`; with scores, read `Vec<(String, f64)>`.
            zrange_with(
                key: impl $crate::ToArgs,
                start: impl $crate::ToArgs,
                stop: impl $crate::ToArgs,
                options: $crate::commands::ZRangeOptions
            ) => ["ZRANGE", key, start, stop, options]
                example r#""board", "+inf", "-inf", commands::ZRangeOptions::new().by_score().rev().limit(0, 10).with_scores()"#
                wire r#"["ZRANGE", "board", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "0", "10", "WITHSCORES"]"#;
            /// Add members to a sorted set or update their scores, under conditions
            /// ([`ZAddOptions`](crate::commands::ZAddOptions)).
            ///
            /// `ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]`; with
            /// `INCR` the reply is the new score (`Option<f64>`), else a count.
            zadd_with(
                key: impl $crate::ToArgs,
                score_members: impl $crate::ToArgs,
                options: $crate::commands::ZAddOptions
            ) => ["ZADD", key, options, score_members]
                example r#""board", [(99.5, "ada")], commands::ZAddOptions::new().if_greater().changed()"#
                wire r#"["ZADD", "board", "GT", "CH", "99.5", "ada"]"#;
            /// Append an entry to a stream, trimming it as it grows or not creating it
            /// ([`XAddOptions`](crate::commands::XAddOptions)).
            ///
            /// `XADD key [NOMKSTREAM] [MAXLEN | MINID [= | ~] threshold [LIMIT count]] id
            /// field value [field value ...]`; the reply is the entry's id.
            xadd_with(
                key: impl $crate::ToArgs,
                id_or_auto: impl $crate::ToArgs,
                field_values: impl $crate::ToArgs,
                options: $crate::commands::XAddOptions
            ) => ["XADD", key, options, id_or_auto, field_values]
                example r#""events", "*", [("kind", "login")], commands::XAddOptions::new().trim(commands::Trim::max_len(1000).approximate())"#
                wire r#"["XADD", "events", "MAXLEN", "~", "1000", "*", "kind", "login"]"#;
            /// Trim a stream ([`Trim`](crate::commands::Trim)).
            ///
            /// `XTRIM key MAXLEN | MINID [= | ~] threshold [LIMIT count]`; the reply is the
            /// number of entries deleted.
            xtrim_with(key: impl $crate::ToArgs, trim: $crate::commands::Trim)
                => ["XTRIM", key, trim]
                example r#""events", commands::Trim::min_id("1700000000000")"#
                wire r#"["XTRIM", "events", "MINID", "=", "1700000000000"]"#;
            /// Read entries from streams, at most so many, waiting for one or not
            /// ([`XReadOptions`](crate::commands::XReadOptions)).
            ///
            /// `XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]`.
            /// With `BLOCK` it waits on a connection of its own; the reply is null when no
            /// entry came.
            xread_with(
                keys: impl $crate::ToArgs,
                ids: impl $crate::ToArgs,
                options: $crate::commands::XReadOptions
            ) => ["XREAD", options, "STREAMS", keys, ids]
                example r#"["events"], ["$"], commands::XReadOptions::new().count(10).block(5000)"#
                wire r#"["XREAD", "COUNT", "10", "BLOCK", "5000", "STREAMS", "events", "$"]"#;
            /// Read entries from streams as a consumer of a group
            /// ([`XReadGroupOptions`](crate::commands::XReadGroupOptions)).
            ///
            /// `XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK]
            /// STREAMS key [key ...] id [id ...]`.
            xreadgroup_with(
                group: impl $crate::ToArgs,
                consumer: impl $crate::ToArgs,
                keys: impl $crate::ToArgs,
                ids: impl $crate::ToArgs,
                options: $crate::commands::XReadGroupOptions
            ) => ["XREADGROUP", "GROUP", group, consumer, options, "STREAMS", keys, ids]
                example r#""workers", "alice", ["jobs"], [">"], commands::XReadGroupOptions::new().count(1).block(2000)"#
                wire r#"["XREADGROUP", "GROUP", "workers", "alice", "COUNT", "1", "BLOCK", "2000", "STREAMS", "jobs", ">"]"#;
        }
    };
}
