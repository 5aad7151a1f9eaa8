//! The generated command table's key extraction must agree with a real server's
//! `COMMAND GETKEYS`.
//!
//! The unit tests beside `keyslot_core::command` pin the key-spec arithmetic; this checks the
//! outcome against the authority, for a spread of command shapes: fixed keys, ranges to the
//! end, numkeys, keyword searches forwards and backwards, subcommands, and the commands the
//! server handles with its own code (SORT, MIGRATE). It also checks that the table matches
//! the server it runs against, when that server is the version the table came from.

use keyslot_core::command::{commands, key_positions, lookup, KeyError, KeyPositions};
use keyslot_core::resp::Value;
use keyslot_core::{command, Cmd};
use keyslot_tests::{require_redis, RedisServer};

/// What the server and keyslot should both say about a command line.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// The server lists these keys; keyslot must list the same, in the same order.
    Keys,
    /// The server says there are no keys (an error for keyless commands); keyslot finds none.
    NoKeys,
    /// The server rejects the arguments — or, for commands whose keys are optional (EVAL,
    /// FCALL), answers an empty list — and keyslot reports a `KeyError`.
    Malformed,
}

use Expect::{Keys, Malformed, NoKeys};

const CASES: &[(&str, Expect)] = &[
    ("GET k", Keys),
    ("gEt k", Keys),
    ("SET k v EX 10 GET", Keys),
    ("MSET a 1 b 2 c 3", Keys),
    ("MGET a b c d", Keys),
    ("DEL a b", Keys),
    ("EXISTS a b c", Keys),
    ("TOUCH a", Keys),
    ("WATCH a b", Keys),
    ("RENAME a b", Keys),
    ("COPY a b REPLACE", Keys),
    ("SMOVE a b m", Keys),
    ("LMOVE s d LEFT RIGHT", Keys),
    ("BLMOVE s d LEFT RIGHT 0", Keys),
    ("BLPOP a b 0", Keys),
    ("BZPOPMIN a b 1.5", Keys),
    ("BITOP AND dst a b", Keys),
    ("PFMERGE d a b", Keys),
    ("LCS a b LEN", Keys),
    ("SINTERSTORE d a b", Keys),
    ("EVAL s 2 k1 k2 a1", Keys),
    ("EVALSHA sha 1 k a", Keys),
    ("EVAL_RO s 1 k", Keys),
    ("FCALL f 2 k1 k2 a", Keys),
    ("FCALL_RO f 1 k", Keys),
    ("ZUNIONSTORE dst 2 a b WEIGHTS 1 2", Keys),
    ("ZINTERSTORE dst 3 a b c AGGREGATE MIN", Keys),
    ("ZUNION 2 a b", Keys),
    ("ZINTER 2 a b WITHSCORES", Keys),
    ("ZDIFF 2 a b", Keys),
    ("ZDIFFSTORE d 2 a b", Keys),
    ("ZINTERCARD 2 a b LIMIT 3", Keys),
    ("SINTERCARD 2 a b", Keys),
    ("LMPOP 2 a b LEFT", Keys),
    ("BLMPOP 0 2 a b LEFT COUNT 1", Keys),
    ("ZMPOP 2 a b MIN", Keys),
    ("BZMPOP 0 1 a MAX", Keys),
    ("XREAD COUNT 2 STREAMS a b 0 0", Keys),
    ("XREAD BLOCK 0 STREAMS s $", Keys),
    ("xread streams streams 0", Keys),
    ("XREADGROUP GROUP g c STREAMS s1 >", Keys),
    (
        "XREADGROUP GROUP streams c COUNT 1 NOACK STREAMS s1 s2 > >",
        Keys,
    ),
    ("MIGRATE h 6379 '' 0 5000 KEYS k1 k2", Keys),
    ("MIGRATE h 6379 '' 0 5000 COPY AUTH pw KEYS k1", Keys),
    ("MIGRATE h 6379 k 0 5000 REPLACE", Keys),
    ("SORT k BY x STORE dst", Keys),
    ("SORT k LIMIT 0 1 GET # STORE d1 STORE d2", Keys),
    ("SORT k STORE", Keys),
    ("SORT_RO k BY x", Keys),
    ("GEORADIUS k 0 0 1 km STORE dst", Keys),
    ("GEORADIUS k 0 0 1 km STOREDIST d WITHDIST", Keys),
    ("GEORADIUS k 0 0 1 km", Keys),
    ("GEORADIUSBYMEMBER k m 1 km STORE dst", Keys),
    ("GEOSEARCHSTORE dst src FROMMEMBER m BYRADIUS 1 km", Keys),
    ("OBJECT ENCODING k", Keys),
    ("object freq k", Keys),
    ("MEMORY USAGE k SAMPLES 5", Keys),
    ("XINFO STREAM s FULL", Keys),
    ("XINFO GROUPS s", Keys),
    ("XGROUP CREATE s g $ MKSTREAM", Keys),
    ("XGROUP CREATECONSUMER s g c", Keys),
    ("EVAL s 0", NoKeys),
    ("PING", NoKeys),
    ("DBSIZE", NoKeys),
    ("INFO", NoKeys),
    ("KEYS *", NoKeys),
    ("CLUSTER SLOTS", NoKeys),
    ("SCRIPT FLUSH", NoKeys),
    ("FLUSHALL", NoKeys),
    ("CONFIG GET maxmemory", NoKeys),
    ("OBJECT HELP", NoKeys),
    ("PUBLISH ch m", NoKeys),
    ("EVAL s x k", Malformed),
    ("EVAL s -1 k", Malformed),
    ("EVAL s 5 a b", Malformed),
    ("ZUNIONSTORE dst 3 a b", Malformed),
    ("XREAD STREAMS a", Malformed),
    ("BLPOP 0", Malformed),
];

/// A command from space-separated words; `''` is an empty argument.
fn cmd_of(words: &str) -> Cmd {
    let mut cmd = Cmd::default();
    for word in words.split(' ') {
        cmd.push_arg(if word == "''" { "" } else { word });
    }
    cmd
}

/// `COMMAND GETKEYS <cmd...>`.
fn getkeys(cmd: &Cmd) -> Cmd {
    let mut ask = Cmd::new("COMMAND").arg("GETKEYS");
    for arg in cmd.args() {
        ask.push_arg(arg);
    }
    ask
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// keyslot's keys for `cmd`.
fn ours(cmd: &Cmd) -> Result<Vec<String>, KeyError> {
    let mut positions = KeyPositions::new();
    key_positions(cmd, lookup(cmd), &mut positions)?;
    Ok(positions.keys(cmd).map(text).collect())
}

/// The strings of an array reply; `None` for anything else.
fn theirs(reply: &Value) -> Option<Vec<String>> {
    let items = reply.as_slice()?;
    items.iter().map(|k| k.as_bytes().map(text)).collect()
}

fn is_empty(reply: &Value) -> bool {
    theirs(reply).is_some_and(|keys| keys.is_empty())
}

#[test]
fn key_positions_match_command_getkeys() {
    if !require_redis() {
        return;
    }
    let server = RedisServer::standalone().expect("start redis-server");
    let mut conn = server.connect().expect("connect");
    let cmds: Vec<Cmd> = CASES.iter().map(|(words, _)| cmd_of(words)).collect();
    let asks: Vec<Cmd> = cmds.iter().map(getkeys).collect();
    let replies = conn.pipeline(&asks).expect("COMMAND GETKEYS pipeline");

    let mut failures = Vec::new();
    for (((words, expect), cmd), reply) in CASES.iter().zip(&cmds).zip(&replies) {
        let ours = ours(cmd);
        let agrees = match expect {
            // The server's list must be non-empty here, or the case tests nothing.
            Keys => theirs(reply).is_some_and(|keys| !keys.is_empty() && ours == Ok(keys)),
            // Keyless commands are an error for GETKEYS; EVAL with numkeys 0 is an empty list.
            NoKeys => (reply.is_error() || is_empty(reply)) && ours == Ok(Vec::new()),
            Malformed => (reply.is_error() || is_empty(reply)) && ours.is_err(),
        };
        if !agrees {
            failures.push(format!(
                "{words} ({expect:?}): server {reply:?}, keyslot {ours:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "disagreements:\n{}",
        failures.join("\n")
    );
}

/// When the server is the version the table was generated from, the table lists exactly its
/// commands and subcommands: a stale or hand-edited table shows here.
#[test]
fn table_matches_its_server() {
    if !require_redis() {
        return;
    }
    let server = RedisServer::standalone().expect("start redis-server");
    let mut conn = server.connect().expect("connect");
    let info = conn.send(&Cmd::new("INFO").arg("server")).expect("INFO");
    let info = String::from_utf8_lossy(info.as_bytes().unwrap_or_default()).into_owned();
    let version = info
        .lines()
        .find_map(|line| line.strip_prefix("redis_version:"))
        .map(str::trim)
        .unwrap_or_default();
    if version != command::SERVER_VERSION {
        eprintln!(
            "SKIPPED: the server is {version}, the table is from {}",
            command::SERVER_VERSION
        );
        return;
    }
    let listed = conn
        .send(&Cmd::new("COMMAND").arg("LIST"))
        .expect("COMMAND LIST");
    let mut theirs: Vec<String> = theirs(&listed)
        .expect("COMMAND LIST is an array of names")
        .into_iter()
        .map(|name| name.to_lowercase())
        .collect();
    theirs.sort();
    let mut ours: Vec<String> = commands().iter().map(|c| c.name().to_owned()).collect();
    ours.sort();
    assert_eq!(ours, theirs);
}
