//! GENERATED FILE — do not edit by hand.
//!
//! 164 typed commands of redis-server 7.0.15, from its `COMMAND DOCS` reply. Regenerate
//! with `scripts/gen-typed-commands` (it starts a throwaway `redis-server`; `--check` only
//! compares). The rule that turns a command's documentation into a method is in that
//! script's header.
//!
//! ```
//! let cmd = keyslot_core::commands::hset("user:1", [("name", "ada")]);
//! assert_eq!(format!("{cmd:?}"), r#"["HSET", "user:1", "name", "ada"]"#);
//! ```

/// Calls `$emit!` with every generated command as
/// `name(param: type, ...) => [words and params] example "args" wire "words";`, each with its doc
/// comment: the core's builders and each client's methods are all written from this one
/// list. `example` is a call's arguments for the doc examples, `wire` the command they make
/// as `Cmd`'s `Debug` prints it. The options written by hand come in the same shape from
/// `__each_hand_written_command!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __each_typed_command {
    ($emit:ident) => {
        $emit! {
            /// Append a value to a key.
            ///
            /// `APPEND key value`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.
            append(key: impl $crate::ToArgs, value: impl $crate::ToArgs) => ["APPEND", key, value]
                example r#""key", "value""# wire r#"["APPEND", "key", "value"]"#;
            /// Count set bits in a string.
            ///
            /// `BITCOUNT key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.6.0. O(N).
            bitcount(key: impl $crate::ToArgs) => ["BITCOUNT", key]
                example r#""key""# wire r#"["BITCOUNT", "key"]"#;
            /// Perform arbitrary bitfield integer operations on strings.
            ///
            /// `BITFIELD key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 3.2.0. O(1) for each subcommand specified.
            bitfield(key: impl $crate::ToArgs) => ["BITFIELD", key]
                example r#""key""# wire r#"["BITFIELD", "key"]"#;
            /// Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD.
            ///
            /// `BITFIELD_RO key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.0.0. O(1) for each subcommand specified.
            bitfield_ro(key: impl $crate::ToArgs) => ["BITFIELD_RO", key]
                example r#""key""# wire r#"["BITFIELD_RO", "key"]"#;
            /// Perform bitwise operations between strings.
            ///
            /// `BITOP operation destkey keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.6.0. O(N).
            bitop(operation: impl $crate::ToArgs, destkey: impl $crate::ToArgs, keys: impl $crate::ToArgs) => ["BITOP", operation, destkey, keys]
                example r#""operation", "{k}destkey", ["{k}1", "{k}2"]"# wire r#"["BITOP", "operation", "{k}destkey", "{k}1", "{k}2"]"#;
            /// Find first bit set or clear in a string.
            ///
            /// `BITPOS key bit`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.8.7. O(N).
            bitpos(key: impl $crate::ToArgs, bit: impl $crate::ToArgs) => ["BITPOS", key, bit]
                example r#""key", 10"# wire r#"["BITPOS", "key", "10"]"#;
            /// Pop an element from a list, push it to another list and return it; or block until one is available.
            ///
            /// `BLMOVE source destination from_side to_side timeout`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.2.0. O(1).
            blmove(source: impl $crate::ToArgs, destination: impl $crate::ToArgs, from_side: impl $crate::ToArgs, to_side: impl $crate::ToArgs, timeout: impl $crate::ToArgs) => ["BLMOVE", source, destination, from_side, to_side, timeout]
                example r#""{k}source", "{k}destination", "LEFT", "LEFT", 1.5"# wire r#"["BLMOVE", "{k}source", "{k}destination", "LEFT", "LEFT", "1.5"]"#;
            /// Pop elements from a list, or block until one is available.
            ///
            /// `BLMPOP timeout numkeys keys side`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 7.0.0. O(N+M) where N is the number of provided keys and M is the number of elements returned.
            blmpop(timeout: impl $crate::ToArgs, keys: impl $crate::ToArgs, side: impl $crate::ToArgs) => ["BLMPOP", timeout, ($crate::commands::Counted(keys)), side]
                example r#"1.5, ["{k}1", "{k}2"], "LEFT""# wire r#"["BLMPOP", "1.5", "2", "{k}1", "{k}2", "LEFT"]"#;
            /// Remove and get the first element in a list, or block until one is available.
            ///
            /// `BLPOP keys timeout`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(N) where N is the number of provided keys.
            blpop(keys: impl $crate::ToArgs, timeout: impl $crate::ToArgs) => ["BLPOP", keys, timeout]
                example r#"["{k}1", "{k}2"], 1.5"# wire r#"["BLPOP", "{k}1", "{k}2", "1.5"]"#;
            /// Remove and get the last element in a list, or block until one is available.
            ///
            /// `BRPOP keys timeout`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(N) where N is the number of provided keys.
            brpop(keys: impl $crate::ToArgs, timeout: impl $crate::ToArgs) => ["BRPOP", keys, timeout]
                example r#"["{k}1", "{k}2"], 1.5"# wire r#"["BRPOP", "{k}1", "{k}2", "1.5"]"#;
            /// Remove and return members with scores in a sorted set or block until one is available.
            ///
            /// `BZMPOP timeout numkeys keys side`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 7.0.0. O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.
            bzmpop(timeout: impl $crate::ToArgs, keys: impl $crate::ToArgs, side: impl $crate::ToArgs) => ["BZMPOP", timeout, ($crate::commands::Counted(keys)), side]
                example r#"1.5, ["{k}1", "{k}2"], "MIN""# wire r#"["BZMPOP", "1.5", "2", "{k}1", "{k}2", "MIN"]"#;
            /// Remove and return the member with the highest score from one or more sorted sets, or block until one is available.
            ///
            /// `BZPOPMAX keys timeout`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(log(N)) with N being the number of elements in the sorted set.
            bzpopmax(keys: impl $crate::ToArgs, timeout: impl $crate::ToArgs) => ["BZPOPMAX", keys, timeout]
                example r#"["{k}1", "{k}2"], 1.5"# wire r#"["BZPOPMAX", "{k}1", "{k}2", "1.5"]"#;
            /// Remove and return the member with the lowest score from one or more sorted sets, or block until one is available.
            ///
            /// `BZPOPMIN keys timeout`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(log(N)) with N being the number of elements in the sorted set.
            bzpopmin(keys: impl $crate::ToArgs, timeout: impl $crate::ToArgs) => ["BZPOPMIN", keys, timeout]
                example r#"["{k}1", "{k}2"], 1.5"# wire r#"["BZPOPMIN", "{k}1", "{k}2", "1.5"]"#;
            /// Copy a key.
            ///
            /// `COPY source destination`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.2.0. O(N) worst case for collections, where N is the number of nested items. O(1) for string values.
            copy(source: impl $crate::ToArgs, destination: impl $crate::ToArgs) => ["COPY", source, destination]
                example r#""{k}source", "{k}destination""# wire r#"["COPY", "{k}source", "{k}destination"]"#;
            /// Decrement the integer value of a key by one.
            ///
            /// `DECR key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1).
            decr(key: impl $crate::ToArgs) => ["DECR", key]
                example r#""key""# wire r#"["DECR", "key"]"#;
            /// Decrement the integer value of a key by the given number.
            ///
            /// `DECRBY key decrement`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1).
            decrby(key: impl $crate::ToArgs, decrement: impl $crate::ToArgs) => ["DECRBY", key, decrement]
                example r#""key", 10"# wire r#"["DECRBY", "key", "10"]"#;
            /// Delete a key.
            ///
            /// `DEL keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).
            del(keys: impl $crate::ToArgs) => ["DEL", keys]
                example r#"["{k}1", "{k}2"]"# wire r#"["DEL", "{k}1", "{k}2"]"#;
            /// Return a serialized version of the value stored at the specified key.
            ///
            /// `DUMP key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.6.0. O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).
            dump(key: impl $crate::ToArgs) => ["DUMP", key]
                example r#""key""# wire r#"["DUMP", "key"]"#;
            /// Determine if a key exists.
            ///
            /// `EXISTS keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(N) where N is the number of keys to check.
            exists(keys: impl $crate::ToArgs) => ["EXISTS", keys]
                example r#"["{k}1", "{k}2"]"# wire r#"["EXISTS", "{k}1", "{k}2"]"#;
            /// Set a key's time to live in seconds.
            ///
            /// `EXPIRE key seconds`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1).
            expire(key: impl $crate::ToArgs, seconds: impl $crate::ToArgs) => ["EXPIRE", key, seconds]
                example r#""key", 10"# wire r#"["EXPIRE", "key", "10"]"#;
            /// Set the expiration for a key as a UNIX timestamp.
            ///
            /// `EXPIREAT key unix_time_seconds`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.2.0. O(1).
            expireat(key: impl $crate::ToArgs, unix_time_seconds: impl $crate::ToArgs) => ["EXPIREAT", key, unix_time_seconds]
                example r#""key", 1700000000"# wire r#"["EXPIREAT", "key", "1700000000"]"#;
            /// Get the expiration Unix timestamp for a key.
            ///
            /// `EXPIRETIME key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 7.0.0. O(1).
            expiretime(key: impl $crate::ToArgs) => ["EXPIRETIME", key]
                example r#""key""# wire r#"["EXPIRETIME", "key"]"#;
            /// Invoke a function.
            ///
            /// `FCALL function numkeys keys args`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 7.0.0. Depends on the function that is executed.
            fcall(function: impl $crate::ToArgs, keys: impl $crate::ToArgs, args: impl $crate::ToArgs) => ["FCALL", function, ($crate::commands::Counted(keys)), args]
                example r#""myfunc", ["{k}1", "{k}2"], ["arg"]"# wire r#"["FCALL", "myfunc", "2", "{k}1", "{k}2", "arg"]"#;
            /// Invoke a read-only function.
            ///
            /// `FCALL_RO function numkeys keys args`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 7.0.0. Depends on the function that is executed.
            fcall_ro(function: impl $crate::ToArgs, keys: impl $crate::ToArgs, args: impl $crate::ToArgs) => ["FCALL_RO", function, ($crate::commands::Counted(keys)), args]
                example r#""myfunc", ["{k}1", "{k}2"], ["arg"]"# wire r#"["FCALL_RO", "myfunc", "2", "{k}1", "{k}2", "arg"]"#;
            /// Add one or more geospatial items in the geospatial index represented using a sorted set.
            ///
            /// `GEOADD key longitude_latitude_members`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 3.2.0. O(log(N)) for each item added, where N is the number of elements in the sorted set.
            geoadd(key: impl $crate::ToArgs, longitude_latitude_members: impl $crate::ToArgs) => ["GEOADD", key, longitude_latitude_members]
                example r#""key", [(1.5, 1.5, "member")]"# wire r#"["GEOADD", "key", "1.5", "1.5", "member"]"#;
            /// Returns the distance between two members of a geospatial index.
            ///
            /// `GEODIST key member1 member2`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 3.2.0. O(log(N)).
            geodist(key: impl $crate::ToArgs, member1: impl $crate::ToArgs, member2: impl $crate::ToArgs) => ["GEODIST", key, member1, member2]
                example r#""key", "member1", "member2""# wire r#"["GEODIST", "key", "member1", "member2"]"#;
            /// Returns members of a geospatial index as standard geohash strings.
            ///
            /// `GEOHASH key members`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 3.2.0. O(log(N)) for each member requested, where N is the number of elements in the sorted set.
            geohash(key: impl $crate::ToArgs, members: impl $crate::ToArgs) => ["GEOHASH", key, members]
                example r#""key", ["member"]"# wire r#"["GEOHASH", "key", "member"]"#;
            /// Returns longitude and latitude of members of a geospatial index.
            ///
            /// `GEOPOS key members`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 3.2.0. O(N) where N is the number of members requested.
            geopos(key: impl $crate::ToArgs, members: impl $crate::ToArgs) => ["GEOPOS", key, members]
                example r#""key", ["member"]"# wire r#"["GEOPOS", "key", "member"]"#;
            /// Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.
            ///
            /// `GEOSEARCH key from by`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.2.0. O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape.
            geosearch(key: impl $crate::ToArgs, from: impl $crate::ToArgs, by: impl $crate::ToArgs) => ["GEOSEARCH", key, from, by]
                example r#""key", ("FROMMEMBER", "member"), (1.5, "M")"# wire r#"["GEOSEARCH", "key", "FROMMEMBER", "member", "1.5", "M"]"#;
            /// Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.
            ///
            /// `GEOSEARCHSTORE destination source from by`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.2.0. O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape.
            geosearchstore(destination: impl $crate::ToArgs, source: impl $crate::ToArgs, from: impl $crate::ToArgs, by: impl $crate::ToArgs) => ["GEOSEARCHSTORE", destination, source, from, by]
                example r#""{k}destination", "{k}source", ("FROMMEMBER", "member"), (1.5, "M")"# wire r#"["GEOSEARCHSTORE", "{k}destination", "{k}source", "FROMMEMBER", "member", "1.5", "M"]"#;
            /// Get the value of a key.
            ///
            /// `GET key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1).
            get(key: impl $crate::ToArgs) => ["GET", key]
                example r#""key""# wire r#"["GET", "key"]"#;
            /// Returns the bit value at offset in the string value stored at key.
            ///
            /// `GETBIT key offset`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.2.0. O(1).
            getbit(key: impl $crate::ToArgs, offset: impl $crate::ToArgs) => ["GETBIT", key, offset]
                example r#""key", 10"# wire r#"["GETBIT", "key", "10"]"#;
            /// Get the value of a key and delete the key.
            ///
            /// `GETDEL key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.2.0. O(1).
            getdel(key: impl $crate::ToArgs) => ["GETDEL", key]
                example r#""key""# wire r#"["GETDEL", "key"]"#;
            /// Get the value of a key and optionally set its expiration.
            ///
            /// `GETEX key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.2.0. O(1).
            getex(key: impl $crate::ToArgs) => ["GETEX", key]
                example r#""key""# wire r#"["GETEX", "key"]"#;
            /// Get a substring of the string stored at a key.
            ///
            /// `GETRANGE key start end`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.4.0. O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.
            getrange(key: impl $crate::ToArgs, start: impl $crate::ToArgs, end: impl $crate::ToArgs) => ["GETRANGE", key, start, end]
                example r#""key", 10, 10"# wire r#"["GETRANGE", "key", "10", "10"]"#;
            /// Delete one or more hash fields.
            ///
            /// `HDEL key fields`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(N) where N is the number of fields to be removed.
            hdel(key: impl $crate::ToArgs, fields: impl $crate::ToArgs) => ["HDEL", key, fields]
                example r#""key", ["field"]"# wire r#"["HDEL", "key", "field"]"#;
            /// Determine if a hash field exists.
            ///
            /// `HEXISTS key field`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(1).
            hexists(key: impl $crate::ToArgs, field: impl $crate::ToArgs) => ["HEXISTS", key, field]
                example r#""key", "field""# wire r#"["HEXISTS", "key", "field"]"#;
            /// Get the value of a hash field.
            ///
            /// `HGET key field`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(1).
            hget(key: impl $crate::ToArgs, field: impl $crate::ToArgs) => ["HGET", key, field]
                example r#""key", "field""# wire r#"["HGET", "key", "field"]"#;
            /// Get all the fields and values in a hash.
            ///
            /// `HGETALL key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(N) where N is the size of the hash.
            hgetall(key: impl $crate::ToArgs) => ["HGETALL", key]
                example r#""key""# wire r#"["HGETALL", "key"]"#;
            /// Increment the integer value of a hash field by the given number.
            ///
            /// `HINCRBY key field increment`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(1).
            hincrby(key: impl $crate::ToArgs, field: impl $crate::ToArgs, increment: impl $crate::ToArgs) => ["HINCRBY", key, field, increment]
                example r#""key", "field", 10"# wire r#"["HINCRBY", "key", "field", "10"]"#;
            /// Increment the float value of a hash field by the given amount.
            ///
            /// `HINCRBYFLOAT key field increment`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.6.0. O(1).
            hincrbyfloat(key: impl $crate::ToArgs, field: impl $crate::ToArgs, increment: impl $crate::ToArgs) => ["HINCRBYFLOAT", key, field, increment]
                example r#""key", "field", 1.5"# wire r#"["HINCRBYFLOAT", "key", "field", "1.5"]"#;
            /// Get all the fields in a hash.
            ///
            /// `HKEYS key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(N) where N is the size of the hash.
            hkeys(key: impl $crate::ToArgs) => ["HKEYS", key]
                example r#""key""# wire r#"["HKEYS", "key"]"#;
            /// Get the number of fields in a hash.
            ///
            /// `HLEN key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(1).
            hlen(key: impl $crate::ToArgs) => ["HLEN", key]
                example r#""key""# wire r#"["HLEN", "key"]"#;
            /// Get the values of all the given hash fields.
            ///
            /// `HMGET key fields`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(N) where N is the number of fields being requested.
            hmget(key: impl $crate::ToArgs, fields: impl $crate::ToArgs) => ["HMGET", key, fields]
                example r#""key", ["field"]"# wire r#"["HMGET", "key", "field"]"#;
            /// Get one or multiple random fields from a hash.
            ///
            /// `HRANDFIELD key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.2.0. O(N) where N is the number of fields returned.
            hrandfield(key: impl $crate::ToArgs) => ["HRANDFIELD", key]
                example r#""key""# wire r#"["HRANDFIELD", "key"]"#;
            /// Incrementally iterate hash fields and associated values.
            ///
            /// `HSCAN key cursor`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.8.0. O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.
            hscan(key: impl $crate::ToArgs, cursor: impl $crate::ToArgs) => ["HSCAN", key, cursor]
                example r#""key", 10"# wire r#"["HSCAN", "key", "10"]"#;
            /// Set the string value of a hash field.
            ///
            /// `HSET key field_values`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.
            hset(key: impl $crate::ToArgs, field_values: impl $crate::ToArgs) => ["HSET", key, field_values]
                example r#""key", [("field", "value")]"# wire r#"["HSET", "key", "field", "value"]"#;
            /// Set the value of a hash field, only if the field does not exist.
            ///
            /// `HSETNX key field value`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(1).
            hsetnx(key: impl $crate::ToArgs, field: impl $crate::ToArgs, value: impl $crate::ToArgs) => ["HSETNX", key, field, value]
                example r#""key", "field", "value""# wire r#"["HSETNX", "key", "field", "value"]"#;
            /// Get the length of the value of a hash field.
            ///
            /// `HSTRLEN key field`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 3.2.0. O(1).
            hstrlen(key: impl $crate::ToArgs, field: impl $crate::ToArgs) => ["HSTRLEN", key, field]
                example r#""key", "field""# wire r#"["HSTRLEN", "key", "field"]"#;
            /// Get all the values in a hash.
            ///
            /// `HVALS key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(N) where N is the size of the hash.
            hvals(key: impl $crate::ToArgs) => ["HVALS", key]
                example r#""key""# wire r#"["HVALS", "key"]"#;
            /// Increment the integer value of a key by one.
            ///
            /// `INCR key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1).
            incr(key: impl $crate::ToArgs) => ["INCR", key]
                example r#""key""# wire r#"["INCR", "key"]"#;
            /// Increment the integer value of a key by the given amount.
            ///
            /// `INCRBY key increment`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1).
            incrby(key: impl $crate::ToArgs, increment: impl $crate::ToArgs) => ["INCRBY", key, increment]
                example r#""key", 10"# wire r#"["INCRBY", "key", "10"]"#;
            /// Increment the float value of a key by the given amount.
            ///
            /// `INCRBYFLOAT key increment`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.6.0. O(1).
            incrbyfloat(key: impl $crate::ToArgs, increment: impl $crate::ToArgs) => ["INCRBYFLOAT", key, increment]
                example r#""key", 1.5"# wire r#"["INCRBYFLOAT", "key", "1.5"]"#;
            /// Find longest common substring.
            ///
            /// `LCS key1 key2`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 7.0.0. O(N*M) where N and M are the lengths of s1 and s2, respectively.
            lcs(key1: impl $crate::ToArgs, key2: impl $crate::ToArgs) => ["LCS", key1, key2]
                example r#""{k}key1", "{k}key2""# wire r#"["LCS", "{k}key1", "{k}key2"]"#;
            /// Get an element from a list by its index.
            ///
            /// `LINDEX key index`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).
            lindex(key: impl $crate::ToArgs, index: impl $crate::ToArgs) => ["LINDEX", key, index]
                example r#""key", 10"# wire r#"["LINDEX", "key", "10"]"#;
            /// Insert an element before or after another element in a list.
            ///
            /// `LINSERT key side pivot element`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.2.0. O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).
            linsert(key: impl $crate::ToArgs, side: impl $crate::ToArgs, pivot: impl $crate::ToArgs, element: impl $crate::ToArgs) => ["LINSERT", key, side, pivot, element]
                example r#""key", "BEFORE", "pivot", "element""# wire r#"["LINSERT", "key", "BEFORE", "pivot", "element"]"#;
            /// Get the length of a list.
            ///
            /// `LLEN key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1).
            llen(key: impl $crate::ToArgs) => ["LLEN", key]
                example r#""key""# wire r#"["LLEN", "key"]"#;
            /// Pop an element from a list, push it to another list and return it.
            ///
            /// `LMOVE source destination from_side to_side`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.2.0. O(1).
            lmove(source: impl $crate::ToArgs, destination: impl $crate::ToArgs, from_side: impl $crate::ToArgs, to_side: impl $crate::ToArgs) => ["LMOVE", source, destination, from_side, to_side]
                example r#""{k}source", "{k}destination", "LEFT", "LEFT""# wire r#"["LMOVE", "{k}source", "{k}destination", "LEFT", "LEFT"]"#;
            /// Pop elements from a list.
            ///
            /// `LMPOP numkeys keys side`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 7.0.0. O(N+M) where N is the number of provided keys and M is the number of elements returned.
            lmpop(keys: impl $crate::ToArgs, side: impl $crate::ToArgs) => ["LMPOP", ($crate::commands::Counted(keys)), side]
                example r#"["{k}1", "{k}2"], "LEFT""# wire r#"["LMPOP", "2", "{k}1", "{k}2", "LEFT"]"#;
            /// Remove and get the first elements in a list.
            ///
            /// `LPOP key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(N) where N is the number of elements returned.
            lpop(key: impl $crate::ToArgs) => ["LPOP", key]
                example r#""key""# wire r#"["LPOP", "key"]"#;
            /// Return the index of matching elements on a list.
            ///
            /// `LPOS key element`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.0.6. O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.
            lpos(key: impl $crate::ToArgs, element: impl $crate::ToArgs) => ["LPOS", key, element]
                example r#""key", "element""# wire r#"["LPOS", "key", "element"]"#;
            /// Prepend one or multiple elements to a list.
            ///
            /// `LPUSH key elements`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.
            lpush(key: impl $crate::ToArgs, elements: impl $crate::ToArgs) => ["LPUSH", key, elements]
                example r#""key", ["element"]"# wire r#"["LPUSH", "key", "element"]"#;
            /// Prepend an element to a list, only if the list exists.
            ///
            /// `LPUSHX key elements`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.2.0. O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.
            lpushx(key: impl $crate::ToArgs, elements: impl $crate::ToArgs) => ["LPUSHX", key, elements]
                example r#""key", ["element"]"# wire r#"["LPUSHX", "key", "element"]"#;
            /// Get a range of elements from a list.
            ///
            /// `LRANGE key start stop`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.
            lrange(key: impl $crate::ToArgs, start: impl $crate::ToArgs, stop: impl $crate::ToArgs) => ["LRANGE", key, start, stop]
                example r#""key", 10, 10"# wire r#"["LRANGE", "key", "10", "10"]"#;
            /// Remove elements from a list.
            ///
            /// `LREM key count element`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(N+M) where N is the length of the list and M is the number of elements removed.
            lrem(key: impl $crate::ToArgs, count: impl $crate::ToArgs, element: impl $crate::ToArgs) => ["LREM", key, count, element]
                example r#""key", 10, "element""# wire r#"["LREM", "key", "10", "element"]"#;
            /// Set the value of an element in a list by its index.
            ///
            /// `LSET key index element`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).
            lset(key: impl $crate::ToArgs, index: impl $crate::ToArgs, element: impl $crate::ToArgs) => ["LSET", key, index, element]
                example r#""key", 10, "element""# wire r#"["LSET", "key", "10", "element"]"#;
            /// Trim a list to the specified range.
            ///
            /// `LTRIM key start stop`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(N) where N is the number of elements to be removed by the operation.
            ltrim(key: impl $crate::ToArgs, start: impl $crate::ToArgs, stop: impl $crate::ToArgs) => ["LTRIM", key, start, stop]
                example r#""key", 10, 10"# wire r#"["LTRIM", "key", "10", "10"]"#;
            /// Get the values of all the given keys.
            ///
            /// `MGET keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(N) where N is the number of keys to retrieve.
            mget(keys: impl $crate::ToArgs) => ["MGET", keys]
                example r#"["{k}1", "{k}2"]"# wire r#"["MGET", "{k}1", "{k}2"]"#;
            /// Set multiple keys to multiple values.
            ///
            /// `MSET key_values`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.1. O(N) where N is the number of keys to set.
            mset(key_values: impl $crate::ToArgs) => ["MSET", key_values]
                example r#"[("key", "value")]"# wire r#"["MSET", "key", "value"]"#;
            /// Set multiple keys to multiple values, only if none of the keys exist.
            ///
            /// `MSETNX key_values`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.1. O(N) where N is the number of keys to set.
            msetnx(key_values: impl $crate::ToArgs) => ["MSETNX", key_values]
                example r#"[("key", "value")]"# wire r#"["MSETNX", "key", "value"]"#;
            /// Remove the expiration from a key.
            ///
            /// `PERSIST key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.2.0. O(1).
            persist(key: impl $crate::ToArgs) => ["PERSIST", key]
                example r#""key""# wire r#"["PERSIST", "key"]"#;
            /// Set a key's time to live in milliseconds.
            ///
            /// `PEXPIRE key milliseconds`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.6.0. O(1).
            pexpire(key: impl $crate::ToArgs, milliseconds: impl $crate::ToArgs) => ["PEXPIRE", key, milliseconds]
                example r#""key", 10"# wire r#"["PEXPIRE", "key", "10"]"#;
            /// Set the expiration for a key as a UNIX timestamp specified in milliseconds.
            ///
            /// `PEXPIREAT key unix_time_milliseconds`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.6.0. O(1).
            pexpireat(key: impl $crate::ToArgs, unix_time_milliseconds: impl $crate::ToArgs) => ["PEXPIREAT", key, unix_time_milliseconds]
                example r#""key", 1700000000"# wire r#"["PEXPIREAT", "key", "1700000000"]"#;
            /// Get the expiration Unix timestamp for a key in milliseconds.
            ///
            /// `PEXPIRETIME key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 7.0.0. O(1).
            pexpiretime(key: impl $crate::ToArgs) => ["PEXPIRETIME", key]
                example r#""key""# wire r#"["PEXPIRETIME", "key"]"#;
            /// Adds the specified elements to the specified HyperLogLog.
            ///
            /// `PFADD key elements`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.8.9. O(1) to add every element.
            pfadd(key: impl $crate::ToArgs, elements: impl $crate::ToArgs) => ["PFADD", key, elements]
                example r#""key", ["element"]"# wire r#"["PFADD", "key", "element"]"#;
            /// Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).
            ///
            /// `PFCOUNT keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.8.9. O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.
            pfcount(keys: impl $crate::ToArgs) => ["PFCOUNT", keys]
                example r#"["{k}1", "{k}2"]"# wire r#"["PFCOUNT", "{k}1", "{k}2"]"#;
            /// Merge N different HyperLogLogs into a single one.
            ///
            /// `PFMERGE destkey sourcekeys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.8.9. O(N) to merge N HyperLogLogs, but with high constant times.
            pfmerge(destkey: impl $crate::ToArgs, sourcekeys: impl $crate::ToArgs) => ["PFMERGE", destkey, sourcekeys]
                example r#""{k}destkey", ["{k}1", "{k}2"]"# wire r#"["PFMERGE", "{k}destkey", "{k}1", "{k}2"]"#;
            /// Set the value and expiration in milliseconds of a key.
            ///
            /// `PSETEX key milliseconds value`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.6.0. O(1).
            psetex(key: impl $crate::ToArgs, milliseconds: impl $crate::ToArgs, value: impl $crate::ToArgs) => ["PSETEX", key, milliseconds, value]
                example r#""key", 10, "value""# wire r#"["PSETEX", "key", "10", "value"]"#;
            /// Get the time to live for a key in milliseconds.
            ///
            /// `PTTL key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.6.0. O(1).
            pttl(key: impl $crate::ToArgs) => ["PTTL", key]
                example r#""key""# wire r#"["PTTL", "key"]"#;
            /// Post a message to a channel.
            ///
            /// `PUBLISH channel message`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).
            publish(channel: impl $crate::ToArgs, message: impl $crate::ToArgs) => ["PUBLISH", channel, message]
                example r#""channel", "message""# wire r#"["PUBLISH", "channel", "message"]"#;
            /// Rename a key.
            ///
            /// `RENAME key newkey`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1).
            rename(key: impl $crate::ToArgs, newkey: impl $crate::ToArgs) => ["RENAME", key, newkey]
                example r#""key", "{k}newkey""# wire r#"["RENAME", "key", "{k}newkey"]"#;
            /// Rename a key, only if the new key does not exist.
            ///
            /// `RENAMENX key newkey`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1).
            renamenx(key: impl $crate::ToArgs, newkey: impl $crate::ToArgs) => ["RENAMENX", key, newkey]
                example r#""key", "{k}newkey""# wire r#"["RENAMENX", "key", "{k}newkey"]"#;
            /// Create a key using the provided serialized value, previously obtained using DUMP.
            ///
            /// `RESTORE key ttl serialized_value`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.6.0. O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).
            restore(key: impl $crate::ToArgs, ttl: impl $crate::ToArgs, serialized_value: impl $crate::ToArgs) => ["RESTORE", key, ttl, serialized_value]
                example r#""key", 10, "serialized-value""# wire r#"["RESTORE", "key", "10", "serialized-value"]"#;
            /// Remove and get the last elements in a list.
            ///
            /// `RPOP key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(N) where N is the number of elements returned.
            rpop(key: impl $crate::ToArgs) => ["RPOP", key]
                example r#""key""# wire r#"["RPOP", "key"]"#;
            /// Append one or multiple elements to a list.
            ///
            /// `RPUSH key elements`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.
            rpush(key: impl $crate::ToArgs, elements: impl $crate::ToArgs) => ["RPUSH", key, elements]
                example r#""key", ["element"]"# wire r#"["RPUSH", "key", "element"]"#;
            /// Append an element to a list, only if the list exists.
            ///
            /// `RPUSHX key elements`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.2.0. O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.
            rpushx(key: impl $crate::ToArgs, elements: impl $crate::ToArgs) => ["RPUSHX", key, elements]
                example r#""key", ["element"]"# wire r#"["RPUSHX", "key", "element"]"#;
            /// Add one or more members to a set.
            ///
            /// `SADD key members`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.
            sadd(key: impl $crate::ToArgs, members: impl $crate::ToArgs) => ["SADD", key, members]
                example r#""key", ["member"]"# wire r#"["SADD", "key", "member"]"#;
            /// Get the number of members in a set.
            ///
            /// `SCARD key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1).
            scard(key: impl $crate::ToArgs) => ["SCARD", key]
                example r#""key""# wire r#"["SCARD", "key"]"#;
            /// Subtract multiple sets.
            ///
            /// `SDIFF keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(N) where N is the total number of elements in all given sets.
            sdiff(keys: impl $crate::ToArgs) => ["SDIFF", keys]
                example r#"["{k}1", "{k}2"]"# wire r#"["SDIFF", "{k}1", "{k}2"]"#;
            /// Subtract multiple sets and store the resulting set in a key.
            ///
            /// `SDIFFSTORE destination keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(N) where N is the total number of elements in all given sets.
            sdiffstore(destination: impl $crate::ToArgs, keys: impl $crate::ToArgs) => ["SDIFFSTORE", destination, keys]
                example r#""{k}destination", ["{k}1", "{k}2"]"# wire r#"["SDIFFSTORE", "{k}destination", "{k}1", "{k}2"]"#;
            /// Set the string value of a key.
            ///
            /// `SET key value`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1).
            set(key: impl $crate::ToArgs, value: impl $crate::ToArgs) => ["SET", key, value]
                example r#""key", "value""# wire r#"["SET", "key", "value"]"#;
            /// Sets or clears the bit at offset in the string value stored at key.
            ///
            /// `SETBIT key offset value`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.2.0. O(1).
            setbit(key: impl $crate::ToArgs, offset: impl $crate::ToArgs, value: impl $crate::ToArgs) => ["SETBIT", key, offset, value]
                example r#""key", 10, 10"# wire r#"["SETBIT", "key", "10", "10"]"#;
            /// Set the value and expiration of a key.
            ///
            /// `SETEX key seconds value`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(1).
            setex(key: impl $crate::ToArgs, seconds: impl $crate::ToArgs, value: impl $crate::ToArgs) => ["SETEX", key, seconds, value]
                example r#""key", 10, "value""# wire r#"["SETEX", "key", "10", "value"]"#;
            /// Set the value of a key, only if the key does not exist.
            ///
            /// `SETNX key value`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1).
            setnx(key: impl $crate::ToArgs, value: impl $crate::ToArgs) => ["SETNX", key, value]
                example r#""key", "value""# wire r#"["SETNX", "key", "value"]"#;
            /// Overwrite part of a string at key starting at the specified offset.
            ///
            /// `SETRANGE key offset value`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.2.0. O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.
            setrange(key: impl $crate::ToArgs, offset: impl $crate::ToArgs, value: impl $crate::ToArgs) => ["SETRANGE", key, offset, value]
                example r#""key", 10, "value""# wire r#"["SETRANGE", "key", "10", "value"]"#;
            /// Intersect multiple sets.
            ///
            /// `SINTER keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.
            sinter(keys: impl $crate::ToArgs) => ["SINTER", keys]
                example r#"["{k}1", "{k}2"]"# wire r#"["SINTER", "{k}1", "{k}2"]"#;
            /// Intersect multiple sets and return the cardinality of the result.
            ///
            /// `SINTERCARD numkeys keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 7.0.0. O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.
            sintercard(keys: impl $crate::ToArgs) => ["SINTERCARD", ($crate::commands::Counted(keys))]
                example r#"["{k}1", "{k}2"]"# wire r#"["SINTERCARD", "2", "{k}1", "{k}2"]"#;
            /// Intersect multiple sets and store the resulting set in a key.
            ///
            /// `SINTERSTORE destination keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.
            sinterstore(destination: impl $crate::ToArgs, keys: impl $crate::ToArgs) => ["SINTERSTORE", destination, keys]
                example r#""{k}destination", ["{k}1", "{k}2"]"# wire r#"["SINTERSTORE", "{k}destination", "{k}1", "{k}2"]"#;
            /// Determine if a given value is a member of a set.
            ///
            /// `SISMEMBER key member`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1).
            sismember(key: impl $crate::ToArgs, member: impl $crate::ToArgs) => ["SISMEMBER", key, member]
                example r#""key", "member""# wire r#"["SISMEMBER", "key", "member"]"#;
            /// Get all the members in a set.
            ///
            /// `SMEMBERS key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(N) where N is the set cardinality.
            smembers(key: impl $crate::ToArgs) => ["SMEMBERS", key]
                example r#""key""# wire r#"["SMEMBERS", "key"]"#;
            /// Returns the membership associated with the given elements for a set.
            ///
            /// `SMISMEMBER key members`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.2.0. O(N) where N is the number of elements being checked for membership.
            smismember(key: impl $crate::ToArgs, members: impl $crate::ToArgs) => ["SMISMEMBER", key, members]
                example r#""key", ["member"]"# wire r#"["SMISMEMBER", "key", "member"]"#;
            /// Move a member from one set to another.
            ///
            /// `SMOVE source destination member`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1).
            smove(source: impl $crate::ToArgs, destination: impl $crate::ToArgs, member: impl $crate::ToArgs) => ["SMOVE", source, destination, member]
                example r#""{k}source", "{k}destination", "member""# wire r#"["SMOVE", "{k}source", "{k}destination", "member"]"#;
            /// Sort the elements in a list, set or sorted set.
            ///
            /// `SORT key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).
            sort(key: impl $crate::ToArgs) => ["SORT", key]
                example r#""key""# wire r#"["SORT", "key"]"#;
            /// Sort the elements in a list, set or sorted set. Read-only variant of SORT.
            ///
            /// `SORT_RO key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 7.0.0. O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).
            sort_ro(key: impl $crate::ToArgs) => ["SORT_RO", key]
                example r#""key""# wire r#"["SORT_RO", "key"]"#;
            /// Remove and return one or multiple random members from a set.
            ///
            /// `SPOP key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. Without the count argument O(1), otherwise O(N) where N is the value of the passed count.
            spop(key: impl $crate::ToArgs) => ["SPOP", key]
                example r#""key""# wire r#"["SPOP", "key"]"#;
            /// Post a message to a shard channel.
            ///
            /// `SPUBLISH shardchannel message`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 7.0.0. O(N) where N is the number of clients subscribed to the receiving shard channel.
            spublish(shardchannel: impl $crate::ToArgs, message: impl $crate::ToArgs) => ["SPUBLISH", shardchannel, message]
                example r#""shardchannel", "message""# wire r#"["SPUBLISH", "shardchannel", "message"]"#;
            /// Get one or multiple random members from a set.
            ///
            /// `SRANDMEMBER key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.
            srandmember(key: impl $crate::ToArgs) => ["SRANDMEMBER", key]
                example r#""key""# wire r#"["SRANDMEMBER", "key"]"#;
            /// Remove one or more members from a set.
            ///
            /// `SREM key members`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(N) where N is the number of members to be removed.
            srem(key: impl $crate::ToArgs, members: impl $crate::ToArgs) => ["SREM", key, members]
                example r#""key", ["member"]"# wire r#"["SREM", "key", "member"]"#;
            /// Incrementally iterate Set elements.
            ///
            /// `SSCAN key cursor`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.8.0. O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.
            sscan(key: impl $crate::ToArgs, cursor: impl $crate::ToArgs) => ["SSCAN", key, cursor]
                example r#""key", 10"# wire r#"["SSCAN", "key", "10"]"#;
            /// Get the length of the value stored in a key.
            ///
            /// `STRLEN key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.2.0. O(1).
            strlen(key: impl $crate::ToArgs) => ["STRLEN", key]
                example r#""key""# wire r#"["STRLEN", "key"]"#;
            /// Add multiple sets.
            ///
            /// `SUNION keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(N) where N is the total number of elements in all given sets.
            sunion(keys: impl $crate::ToArgs) => ["SUNION", keys]
                example r#"["{k}1", "{k}2"]"# wire r#"["SUNION", "{k}1", "{k}2"]"#;
            /// Add multiple sets and store the resulting set in a key.
            ///
            /// `SUNIONSTORE destination keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(N) where N is the total number of elements in all given sets.
            sunionstore(destination: impl $crate::ToArgs, keys: impl $crate::ToArgs) => ["SUNIONSTORE", destination, keys]
                example r#""{k}destination", ["{k}1", "{k}2"]"# wire r#"["SUNIONSTORE", "{k}destination", "{k}1", "{k}2"]"#;
            /// Alters the last access time of a key(s). Returns the number of existing keys specified.
            ///
            /// `TOUCH keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 3.2.1. O(N) where N is the number of keys that will be touched.
            touch(keys: impl $crate::ToArgs) => ["TOUCH", keys]
                example r#"["{k}1", "{k}2"]"# wire r#"["TOUCH", "{k}1", "{k}2"]"#;
            /// Get the time to live for a key in seconds.
            ///
            /// `TTL key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1).
            ttl(key: impl $crate::ToArgs) => ["TTL", key]
                example r#""key""# wire r#"["TTL", "key"]"#;
            /// Determine the type stored at key.
            ///
            /// `TYPE key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.0.0. O(1).
            key_type(key: impl $crate::ToArgs) => ["TYPE", key]
                example r#""key""# wire r#"["TYPE", "key"]"#;
            /// Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.
            ///
            /// `UNLINK keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 4.0.0. O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.
            unlink(keys: impl $crate::ToArgs) => ["UNLINK", keys]
                example r#"["{k}1", "{k}2"]"# wire r#"["UNLINK", "{k}1", "{k}2"]"#;
            /// Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.
            ///
            /// `XACK key group ids`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(1) for each message ID processed.
            xack(key: impl $crate::ToArgs, group: impl $crate::ToArgs, ids: impl $crate::ToArgs) => ["XACK", key, group, ids]
                example r#""key", "group", ["0", "0"]"# wire r#"["XACK", "key", "group", "0", "0"]"#;
            /// Appends a new entry to a stream.
            ///
            /// `XADD key id_or_auto field_values`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.
            xadd(key: impl $crate::ToArgs, id_or_auto: impl $crate::ToArgs, field_values: impl $crate::ToArgs) => ["XADD", key, id_or_auto, field_values]
                example r#""key", "*", [("field", "value")]"# wire r#"["XADD", "key", "*", "field", "value"]"#;
            /// Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.
            ///
            /// `XAUTOCLAIM key group consumer min_idle_time start`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.2.0. O(1) if COUNT is small.
            xautoclaim(key: impl $crate::ToArgs, group: impl $crate::ToArgs, consumer: impl $crate::ToArgs, min_idle_time: impl $crate::ToArgs, start: impl $crate::ToArgs) => ["XAUTOCLAIM", key, group, consumer, min_idle_time, start]
                example r#""key", "group", "consumer", "60000", "-""# wire r#"["XAUTOCLAIM", "key", "group", "consumer", "60000", "-"]"#;
            /// Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.
            ///
            /// `XCLAIM key group consumer min_idle_time ids`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(log N) with N being the number of messages in the PEL of the consumer group.
            xclaim(key: impl $crate::ToArgs, group: impl $crate::ToArgs, consumer: impl $crate::ToArgs, min_idle_time: impl $crate::ToArgs, ids: impl $crate::ToArgs) => ["XCLAIM", key, group, consumer, min_idle_time, ids]
                example r#""key", "group", "consumer", "60000", ["0", "0"]"# wire r#"["XCLAIM", "key", "group", "consumer", "60000", "0", "0"]"#;
            /// Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.
            ///
            /// `XDEL key ids`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(1) for each single item to delete in the stream, regardless of the stream size.
            xdel(key: impl $crate::ToArgs, ids: impl $crate::ToArgs) => ["XDEL", key, ids]
                example r#""key", ["0", "0"]"# wire r#"["XDEL", "key", "0", "0"]"#;
            /// Create a consumer group.
            ///
            /// `XGROUP CREATE key groupname id`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(1).
            xgroup_create(key: impl $crate::ToArgs, groupname: impl $crate::ToArgs, id: impl $crate::ToArgs) => ["XGROUP", "CREATE", key, groupname, id]
                example r#""key", "group", "0""# wire r#"["XGROUP", "CREATE", "key", "group", "0"]"#;
            /// Create a consumer in a consumer group.
            ///
            /// `XGROUP CREATECONSUMER key groupname consumername`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.2.0. O(1).
            xgroup_createconsumer(key: impl $crate::ToArgs, groupname: impl $crate::ToArgs, consumername: impl $crate::ToArgs) => ["XGROUP", "CREATECONSUMER", key, groupname, consumername]
                example r#""key", "group", "alice""# wire r#"["XGROUP", "CREATECONSUMER", "key", "group", "alice"]"#;
            /// Delete a consumer from a consumer group.
            ///
            /// `XGROUP DELCONSUMER key groupname consumername`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(1).
            xgroup_delconsumer(key: impl $crate::ToArgs, groupname: impl $crate::ToArgs, consumername: impl $crate::ToArgs) => ["XGROUP", "DELCONSUMER", key, groupname, consumername]
                example r#""key", "group", "alice""# wire r#"["XGROUP", "DELCONSUMER", "key", "group", "alice"]"#;
            /// Destroy a consumer group.
            ///
            /// `XGROUP DESTROY key groupname`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(N) where N is the number of entries in the group's pending entries list (PEL).
            xgroup_destroy(key: impl $crate::ToArgs, groupname: impl $crate::ToArgs) => ["XGROUP", "DESTROY", key, groupname]
                example r#""key", "group""# wire r#"["XGROUP", "DESTROY", "key", "group"]"#;
            /// Set a consumer group to an arbitrary last delivered ID value.
            ///
            /// `XGROUP SETID key groupname id`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(1).
            xgroup_setid(key: impl $crate::ToArgs, groupname: impl $crate::ToArgs, id: impl $crate::ToArgs) => ["XGROUP", "SETID", key, groupname, id]
                example r#""key", "group", "0""# wire r#"["XGROUP", "SETID", "key", "group", "0"]"#;
            /// List the consumers in a consumer group.
            ///
            /// `XINFO CONSUMERS key groupname`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(1).
            xinfo_consumers(key: impl $crate::ToArgs, groupname: impl $crate::ToArgs) => ["XINFO", "CONSUMERS", key, groupname]
                example r#""key", "group""# wire r#"["XINFO", "CONSUMERS", "key", "group"]"#;
            /// List the consumer groups of a stream.
            ///
            /// `XINFO GROUPS key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(1).
            xinfo_groups(key: impl $crate::ToArgs) => ["XINFO", "GROUPS", key]
                example r#""key""# wire r#"["XINFO", "GROUPS", "key"]"#;
            /// Get information about a stream.
            ///
            /// `XINFO STREAM key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(1).
            xinfo_stream(key: impl $crate::ToArgs) => ["XINFO", "STREAM", key]
                example r#""key""# wire r#"["XINFO", "STREAM", "key"]"#;
            /// Return the number of entries in a stream.
            ///
            /// `XLEN key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(1).
            xlen(key: impl $crate::ToArgs) => ["XLEN", key]
                example r#""key""# wire r#"["XLEN", "key"]"#;
            /// Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.
            ///
            /// `XPENDING key group`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.
            xpending(key: impl $crate::ToArgs, group: impl $crate::ToArgs) => ["XPENDING", key, group]
                example r#""key", "group""# wire r#"["XPENDING", "key", "group"]"#;
            /// Return a range of elements in a stream, with IDs matching the specified IDs interval.
            ///
            /// `XRANGE key start end`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).
            xrange(key: impl $crate::ToArgs, start: impl $crate::ToArgs, end: impl $crate::ToArgs) => ["XRANGE", key, start, end]
                example r#""key", "-", "+""# wire r#"["XRANGE", "key", "-", "+"]"#;
            /// Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.
            ///
            /// `XREAD STREAMS keys ids`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.
            xread(keys: impl $crate::ToArgs, ids: impl $crate::ToArgs) => ["XREAD", "STREAMS", keys, ids]
                example r#"["{k}1", "{k}2"], ["0", "0"]"# wire r#"["XREAD", "STREAMS", "{k}1", "{k}2", "0", "0"]"#;
            /// Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.
            ///
            /// `XREADGROUP GROUP group consumer STREAMS keys ids`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.
            xreadgroup(group: impl $crate::ToArgs, consumer: impl $crate::ToArgs, keys: impl $crate::ToArgs, ids: impl $crate::ToArgs) => ["XREADGROUP", "GROUP", group, consumer, "STREAMS", keys, ids]
                example r#""group", "consumer", ["{k}1", "{k}2"], ["0", "0"]"# wire r#"["XREADGROUP", "GROUP", "group", "consumer", "STREAMS", "{k}1", "{k}2", "0", "0"]"#;
            /// Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE.
            ///
            /// `XREVRANGE key end start`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).
            xrevrange(key: impl $crate::ToArgs, end: impl $crate::ToArgs, start: impl $crate::ToArgs) => ["XREVRANGE", key, end, start]
                example r#""key", "+", "-""# wire r#"["XREVRANGE", "key", "+", "-"]"#;
            /// An internal command for replicating stream values.
            ///
            /// `XSETID key last_id`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(1).
            xsetid(key: impl $crate::ToArgs, last_id: impl $crate::ToArgs) => ["XSETID", key, last_id]
                example r#""key", "last-id""# wire r#"["XSETID", "key", "last-id"]"#;
            /// Trims the stream to (approximately if '~' is passed) a certain size.
            ///
            /// `XTRIM key strategy threshold`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.
            xtrim(key: impl $crate::ToArgs, strategy: impl $crate::ToArgs, threshold: impl $crate::ToArgs) => ["XTRIM", key, strategy, threshold]
                example r#""key", "MAXLEN", "1000""# wire r#"["XTRIM", "key", "MAXLEN", "1000"]"#;
            /// Add one or more members to a sorted set, or update its score if it already exists.
            ///
            /// `ZADD key score_members`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.2.0. O(log(N)) for each item added, where N is the number of elements in the sorted set.
            zadd(key: impl $crate::ToArgs, score_members: impl $crate::ToArgs) => ["ZADD", key, score_members]
                example r#""key", [(1.5, "member")]"# wire r#"["ZADD", "key", "1.5", "member"]"#;
            /// Get the number of members in a sorted set.
            ///
            /// `ZCARD key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.2.0. O(1).
            zcard(key: impl $crate::ToArgs) => ["ZCARD", key]
                example r#""key""# wire r#"["ZCARD", "key"]"#;
            /// Count the members in a sorted set with scores within the given values.
            ///
            /// `ZCOUNT key min max`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(log(N)) with N being the number of elements in the sorted set.
            zcount(key: impl $crate::ToArgs, min: impl $crate::ToArgs, max: impl $crate::ToArgs) => ["ZCOUNT", key, min, max]
                example r#""key", 1.5, 1.5"# wire r#"["ZCOUNT", "key", "1.5", "1.5"]"#;
            /// Subtract multiple sorted sets.
            ///
            /// `ZDIFF numkeys keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.2.0. O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.
            zdiff(keys: impl $crate::ToArgs) => ["ZDIFF", ($crate::commands::Counted(keys))]
                example r#"["{k}1", "{k}2"]"# wire r#"["ZDIFF", "2", "{k}1", "{k}2"]"#;
            /// Subtract multiple sorted sets and store the resulting sorted set in a new key.
            ///
            /// `ZDIFFSTORE destination numkeys keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.2.0. O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.
            zdiffstore(destination: impl $crate::ToArgs, keys: impl $crate::ToArgs) => ["ZDIFFSTORE", destination, ($crate::commands::Counted(keys))]
                example r#""{k}destination", ["{k}1", "{k}2"]"# wire r#"["ZDIFFSTORE", "{k}destination", "2", "{k}1", "{k}2"]"#;
            /// Increment the score of a member in a sorted set.
            ///
            /// `ZINCRBY key increment member`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.2.0. O(log(N)) where N is the number of elements in the sorted set.
            zincrby(key: impl $crate::ToArgs, increment: impl $crate::ToArgs, member: impl $crate::ToArgs) => ["ZINCRBY", key, increment, member]
                example r#""key", 10, "member""# wire r#"["ZINCRBY", "key", "10", "member"]"#;
            /// Intersect multiple sorted sets.
            ///
            /// `ZINTER numkeys keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.2.0. O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.
            zinter(keys: impl $crate::ToArgs) => ["ZINTER", ($crate::commands::Counted(keys))]
                example r#"["{k}1", "{k}2"]"# wire r#"["ZINTER", "2", "{k}1", "{k}2"]"#;
            /// Intersect multiple sorted sets and return the cardinality of the result.
            ///
            /// `ZINTERCARD numkeys keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 7.0.0. O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.
            zintercard(keys: impl $crate::ToArgs) => ["ZINTERCARD", ($crate::commands::Counted(keys))]
                example r#"["{k}1", "{k}2"]"# wire r#"["ZINTERCARD", "2", "{k}1", "{k}2"]"#;
            /// Intersect multiple sorted sets and store the resulting sorted set in a new key.
            ///
            /// `ZINTERSTORE destination numkeys keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.
            zinterstore(destination: impl $crate::ToArgs, keys: impl $crate::ToArgs) => ["ZINTERSTORE", destination, ($crate::commands::Counted(keys))]
                example r#""{k}destination", ["{k}1", "{k}2"]"# wire r#"["ZINTERSTORE", "{k}destination", "2", "{k}1", "{k}2"]"#;
            /// Count the number of members in a sorted set between a given lexicographical range.
            ///
            /// `ZLEXCOUNT key min max`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.8.9. O(log(N)) with N being the number of elements in the sorted set.
            zlexcount(key: impl $crate::ToArgs, min: impl $crate::ToArgs, max: impl $crate::ToArgs) => ["ZLEXCOUNT", key, min, max]
                example r#""key", "min", "max""# wire r#"["ZLEXCOUNT", "key", "min", "max"]"#;
            /// Remove and return members with scores in a sorted set.
            ///
            /// `ZMPOP numkeys keys side`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 7.0.0. O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.
            zmpop(keys: impl $crate::ToArgs, side: impl $crate::ToArgs) => ["ZMPOP", ($crate::commands::Counted(keys)), side]
                example r#"["{k}1", "{k}2"], "MIN""# wire r#"["ZMPOP", "2", "{k}1", "{k}2", "MIN"]"#;
            /// Get the score associated with the given members in a sorted set.
            ///
            /// `ZMSCORE key members`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.2.0. O(N) where N is the number of members being requested.
            zmscore(key: impl $crate::ToArgs, members: impl $crate::ToArgs) => ["ZMSCORE", key, members]
                example r#""key", ["member"]"# wire r#"["ZMSCORE", "key", "member"]"#;
            /// Remove and return members with the highest scores in a sorted set.
            ///
            /// `ZPOPMAX key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.
            zpopmax(key: impl $crate::ToArgs) => ["ZPOPMAX", key]
                example r#""key""# wire r#"["ZPOPMAX", "key"]"#;
            /// Remove and return members with the lowest scores in a sorted set.
            ///
            /// `ZPOPMIN key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 5.0.0. O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.
            zpopmin(key: impl $crate::ToArgs) => ["ZPOPMIN", key]
                example r#""key""# wire r#"["ZPOPMIN", "key"]"#;
            /// Get one or multiple random elements from a sorted set.
            ///
            /// `ZRANDMEMBER key`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.2.0. O(N) where N is the number of elements returned.
            zrandmember(key: impl $crate::ToArgs) => ["ZRANDMEMBER", key]
                example r#""key""# wire r#"["ZRANDMEMBER", "key"]"#;
            /// Return a range of members in a sorted set.
            ///
            /// `ZRANGE key start stop`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.2.0. O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.
            zrange(key: impl $crate::ToArgs, start: impl $crate::ToArgs, stop: impl $crate::ToArgs) => ["ZRANGE", key, start, stop]
                example r#""key", "-", "stop""# wire r#"["ZRANGE", "key", "-", "stop"]"#;
            /// Store a range of members from sorted set into another key.
            ///
            /// `ZRANGESTORE dst src min max`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.2.0. O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.
            zrangestore(dst: impl $crate::ToArgs, src: impl $crate::ToArgs, min: impl $crate::ToArgs, max: impl $crate::ToArgs) => ["ZRANGESTORE", dst, src, min, max]
                example r#""{k}dst", "{k}src", "min", "max""# wire r#"["ZRANGESTORE", "{k}dst", "{k}src", "min", "max"]"#;
            /// Determine the index of a member in a sorted set.
            ///
            /// `ZRANK key member`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(log(N)).
            zrank(key: impl $crate::ToArgs, member: impl $crate::ToArgs) => ["ZRANK", key, member]
                example r#""key", "member""# wire r#"["ZRANK", "key", "member"]"#;
            /// Remove one or more members from a sorted set.
            ///
            /// `ZREM key members`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.2.0. O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.
            zrem(key: impl $crate::ToArgs, members: impl $crate::ToArgs) => ["ZREM", key, members]
                example r#""key", ["member"]"# wire r#"["ZREM", "key", "member"]"#;
            /// Remove all members in a sorted set between the given lexicographical range.
            ///
            /// `ZREMRANGEBYLEX key min max`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.8.9. O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.
            zremrangebylex(key: impl $crate::ToArgs, min: impl $crate::ToArgs, max: impl $crate::ToArgs) => ["ZREMRANGEBYLEX", key, min, max]
                example r#""key", "min", "max""# wire r#"["ZREMRANGEBYLEX", "key", "min", "max"]"#;
            /// Remove all members in a sorted set within the given indexes.
            ///
            /// `ZREMRANGEBYRANK key start stop`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.
            zremrangebyrank(key: impl $crate::ToArgs, start: impl $crate::ToArgs, stop: impl $crate::ToArgs) => ["ZREMRANGEBYRANK", key, start, stop]
                example r#""key", 10, 10"# wire r#"["ZREMRANGEBYRANK", "key", "10", "10"]"#;
            /// Remove all members in a sorted set within the given scores.
            ///
            /// `ZREMRANGEBYSCORE key min max`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.2.0. O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.
            zremrangebyscore(key: impl $crate::ToArgs, min: impl $crate::ToArgs, max: impl $crate::ToArgs) => ["ZREMRANGEBYSCORE", key, min, max]
                example r#""key", 1.5, 1.5"# wire r#"["ZREMRANGEBYSCORE", "key", "1.5", "1.5"]"#;
            /// Determine the index of a member in a sorted set, with scores ordered from high to low.
            ///
            /// `ZREVRANK key member`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(log(N)).
            zrevrank(key: impl $crate::ToArgs, member: impl $crate::ToArgs) => ["ZREVRANK", key, member]
                example r#""key", "member""# wire r#"["ZREVRANK", "key", "member"]"#;
            /// Incrementally iterate sorted sets elements and associated scores.
            ///
            /// `ZSCAN key cursor`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.8.0. O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.
            zscan(key: impl $crate::ToArgs, cursor: impl $crate::ToArgs) => ["ZSCAN", key, cursor]
                example r#""key", 10"# wire r#"["ZSCAN", "key", "10"]"#;
            /// Get the score associated with the given member in a sorted set.
            ///
            /// `ZSCORE key member`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 1.2.0. O(1).
            zscore(key: impl $crate::ToArgs, member: impl $crate::ToArgs) => ["ZSCORE", key, member]
                example r#""key", "member""# wire r#"["ZSCORE", "key", "member"]"#;
            /// Add multiple sorted sets.
            ///
            /// `ZUNION numkeys keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 6.2.0. O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.
            zunion(keys: impl $crate::ToArgs) => ["ZUNION", ($crate::commands::Counted(keys))]
                example r#"["{k}1", "{k}2"]"# wire r#"["ZUNION", "2", "{k}1", "{k}2"]"#;
            /// Add multiple sorted sets and store the resulting sorted set in a new key.
            ///
            /// `ZUNIONSTORE destination numkeys keys`; optional arguments take the server's
            /// defaults (add them with `query`).
            /// Since 2.0.0. O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.
            zunionstore(destination: impl $crate::ToArgs, keys: impl $crate::ToArgs) => ["ZUNIONSTORE", destination, ($crate::commands::Counted(keys))]
                example r#""{k}destination", ["{k}1", "{k}2"]"# wire r#"["ZUNIONSTORE", "{k}destination", "2", "{k}1", "{k}2"]"#;
        }
    };
}

/// The version of the server this list was generated from.
pub const SERVER_VERSION: &str = "7.0.15";
