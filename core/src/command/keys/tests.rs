//! Key extraction against the 7.0.15 table, one command shape at a time.

use alloc::vec;
use alloc::vec::Vec;

use super::super::{commands, fallback, lookup, lookup_name, KeySpec};
use super::*;

/// A command from space-separated words (`''` is an empty argument).
fn cmd(words: &str) -> Cmd {
    let mut cmd = Cmd::default();
    for word in words.split(' ') {
        cmd.push_arg(if word == "''" { "" } else { word });
    }
    cmd
}

fn positions(words: &str) -> Result<Vec<usize>, KeyError> {
    let cmd = cmd(words);
    let mut out = KeyPositions::new();
    key_positions(&cmd, lookup(&cmd), &mut out)?;
    Ok(out.to_vec())
}

fn keys(words: &str) -> Result<Vec<&str>, KeyError> {
    let all: Vec<&str> = words.split(' ').collect();
    Ok(positions(words)?.into_iter().map(|i| all[i]).collect())
}

#[test]
fn single_and_fixed_keys() {
    assert_eq!(positions("GET k"), Ok(vec![1]));
    assert_eq!(positions("SET k v EX 10"), Ok(vec![1]));
    assert_eq!(positions("SET k v GET"), Ok(vec![1]));
    assert_eq!(keys("LMOVE src dst LEFT RIGHT"), Ok(vec!["src", "dst"]));
    assert_eq!(keys("BITOP AND dst a b"), Ok(vec!["dst", "a", "b"]));
    assert_eq!(keys("LCS a b"), Ok(vec!["a", "b"]));
}

#[test]
fn ranges_to_the_end() {
    assert_eq!(positions("MSET a 1 b 2 c 3"), Ok(vec![1, 3, 5]));
    assert_eq!(positions("MGET a b c d"), Ok(vec![1, 2, 3, 4]));
    assert_eq!(positions("DEL a"), Ok(vec![1]));
    // BLPOP's last argument is the timeout.
    assert_eq!(keys("BLPOP a b 0"), Ok(vec!["a", "b"]));
    assert_eq!(positions("BLPOP 0"), Err(KeyError::NotEnoughArguments));
    assert_eq!(positions("DEL"), Err(KeyError::NotEnoughArguments));
    assert_eq!(positions("GET"), Err(KeyError::NotEnoughArguments));
}

#[test]
fn many_keys_spill_past_the_inline_storage() {
    let words = (0..20).fold(alloc::string::String::from("MGET"), |s, i| {
        s + &alloc::format!(" k{i}")
    });
    assert_eq!(positions(&words), Ok((1..=20).collect()));
}

#[test]
fn numkeys() {
    assert_eq!(keys("EVAL s 2 a b x y"), Ok(vec!["a", "b"]));
    assert_eq!(positions("EVAL s 2 a b x y"), Ok(vec![3, 4]));
    assert_eq!(positions("EVALSHA sha 1 a"), Ok(vec![3]));
    assert_eq!(positions("FCALL f 1 a x"), Ok(vec![3]));
    assert_eq!(positions("EVAL s 0"), Ok(vec![]));
    assert_eq!(positions("EVAL s 0 x y"), Ok(vec![]));
    assert_eq!(
        positions("EVAL s x a"),
        Err(KeyError::BadNumKeys { arg: 2 })
    );
    assert_eq!(
        positions("EVAL s -1 a"),
        Err(KeyError::BadNumKeys { arg: 2 })
    );
    assert_eq!(
        positions("EVAL s 01 a"),
        Err(KeyError::BadNumKeys { arg: 2 })
    );
    assert_eq!(positions("EVAL s ''"), Err(KeyError::BadNumKeys { arg: 2 }));
    let huge = "EVAL s 99999999999999999999999 a";
    assert_eq!(positions(huge), Err(KeyError::BadNumKeys { arg: 2 }));
    assert_eq!(positions("EVAL s 5 a b"), Err(KeyError::NotEnoughArguments));
    assert_eq!(positions("EVAL s"), Err(KeyError::NotEnoughArguments));
    assert_eq!(
        positions("EVAL s 18446744073709551615 a"),
        Err(KeyError::NotEnoughArguments)
    );

    assert_eq!(
        keys("ZUNIONSTORE dst 2 a b WEIGHTS 1 2"),
        Ok(vec!["dst", "a", "b"])
    );
    assert_eq!(keys("ZINTER 2 a b WITHSCORES"), Ok(vec!["a", "b"]));
    assert_eq!(keys("ZUNION 1 a"), Ok(vec!["a"]));
    assert_eq!(keys("ZDIFF 3 a b c"), Ok(vec!["a", "b", "c"]));
    assert_eq!(keys("SINTERCARD 2 a b LIMIT 1"), Ok(vec!["a", "b"]));
    assert_eq!(keys("LMPOP 2 a b LEFT COUNT 2"), Ok(vec!["a", "b"]));
    assert_eq!(keys("ZMPOP 1 a MIN"), Ok(vec!["a"]));
    assert_eq!(keys("BLMPOP 0 2 a b RIGHT"), Ok(vec!["a", "b"]));
    assert_eq!(keys("BZMPOP 1.5 1 a MAX"), Ok(vec!["a"]));
}

#[test]
fn keyword_searches() {
    assert_eq!(keys("XREAD COUNT 2 STREAMS a b 0 0"), Ok(vec!["a", "b"]));
    assert_eq!(keys("xread streams a 0"), Ok(vec!["a"]));
    assert_eq!(
        keys("XREAD BLOCK 0 STREAMS a b c 1 2 3"),
        Ok(vec!["a", "b", "c"])
    );
    assert_eq!(keys("XREADGROUP GROUP g c STREAMS s1 >"), Ok(vec!["s1"]));
    assert_eq!(
        keys("XREADGROUP GROUP g c COUNT 1 STREAMS s1 s2 > >"),
        Ok(vec!["s1", "s2"])
    );
    // Keys but no IDs: half of one argument is no key at all.
    assert_eq!(
        positions("XREAD STREAMS a"),
        Err(KeyError::NotEnoughArguments)
    );
    // No STREAMS keyword: the optional keys are absent.
    assert_eq!(positions("XREAD COUNT 2"), Ok(vec![]));

    assert_eq!(keys("GEORADIUS k 0 0 1 km"), Ok(vec!["k"]));
    assert_eq!(keys("GEORADIUS k 0 0 1 km STORE dst"), Ok(vec!["k", "dst"]));
    assert_eq!(
        keys("GEORADIUS k 0 0 1 km STOREDIST d2"),
        Ok(vec!["k", "d2"])
    );
    assert_eq!(
        keys("GEORADIUSBYMEMBER k m 1 km STORE dst"),
        Ok(vec!["k", "dst"])
    );
}

#[test]
fn commands_with_their_own_rules() {
    assert_eq!(
        keys("MIGRATE h 6379 '' 0 5000 KEYS k1 k2"),
        Ok(vec!["k1", "k2"])
    );
    assert_eq!(
        keys("MIGRATE h 6379 '' 0 5000 COPY AUTH keys KEYS k1"),
        Ok(vec!["k1"])
    );
    assert_eq!(keys("MIGRATE h 6379 k 0 5000"), Ok(vec!["k"]));
    assert_eq!(keys("MIGRATE h 6379 k 0 5000 REPLACE"), Ok(vec!["k"]));
    // KEYS with a non-empty key is the server's syntax error to report.
    assert_eq!(keys("MIGRATE h 6379 k 0 5000 KEYS a"), Ok(vec![]));

    // The 7.0.15 key specs for SORT: the key at 1, then two `unknown` specs (BY/GET
    // patterns and STORE); the server then runs its own parser, which finds STORE.
    let sort = lookup_name(b"sort")
        .map(CommandSpec::key_specs)
        .unwrap_or_default();
    assert_eq!(sort.len(), 3);
    assert_eq!(sort[0].begin_search, BeginSearch::Index(1));
    assert!(sort[1..]
        .iter()
        .all(|s| s.begin_search == BeginSearch::Unknown));
    assert!(sort[2].has_flag(KeySpec::OW));
    assert_eq!(keys("SORT k BY x STORE dst"), Ok(vec!["k", "dst"]));
    assert_eq!(
        keys("SORT k LIMIT 0 10 GET store STORE d1 STORE d2"),
        Ok(vec!["k", "d2"])
    );
    assert_eq!(keys("SORT k ALPHA"), Ok(vec!["k"]));
    assert_eq!(keys("SORT k STORE"), Ok(vec!["k"]));
    assert_eq!(keys("SORT_RO k BY x GET y"), Ok(vec!["k"]));
    assert_eq!(positions("SORT"), Err(KeyError::NotEnoughArguments));
}

#[test]
fn subcommand_keys_count_from_the_container() {
    assert_eq!(keys("OBJECT ENCODING k"), Ok(vec!["k"]));
    assert_eq!(keys("object freq k"), Ok(vec!["k"]));
    assert_eq!(keys("MEMORY USAGE k SAMPLES 5"), Ok(vec!["k"]));
    assert_eq!(keys("XINFO STREAM s FULL"), Ok(vec!["s"]));
    assert_eq!(keys("XINFO GROUPS s"), Ok(vec!["s"]));
    assert_eq!(keys("XGROUP CREATE s g $ MKSTREAM"), Ok(vec!["s"]));
}

#[test]
fn keyless_commands() {
    for words in [
        "CLUSTER SLOTS",
        "PING",
        "DBSIZE",
        "INFO",
        "INFO server",
        "CONFIG GET x",
        "KEYS *",
    ] {
        assert_eq!(positions(words), Ok(vec![]), "{words}");
        assert!(lookup(&cmd(words)).is_some(), "{words}");
    }
    assert_eq!(positions("SCRIPT FLUSH"), Ok(vec![]));
    assert_eq!(positions("PUBLISH ch msg"), Ok(vec![]));
}

#[test]
fn case_insensitive() {
    assert_eq!(positions("gEt k"), Ok(vec![1]));
    assert_eq!(keys("eVaL s 1 a"), Ok(vec!["a"]));
    assert_eq!(keys("XREAD count 1 sTrEaMs a 0"), Ok(vec!["a"]));
}

#[test]
fn unknown_commands_take_the_first_argument() {
    assert_eq!(positions("FOO bar baz"), Ok(vec![1]));
    assert_eq!(positions("JSON.GET doc $"), Ok(vec![1]));
    assert_eq!(positions("FOO"), Ok(vec![]));
    let mut out = KeyPositions::new();
    assert_eq!(key_positions(&Cmd::default(), None, &mut out), Ok(()));
    assert!(out.is_empty());
}

#[test]
fn shard_channels_route_but_are_not_keys() {
    let publish = cmd("SPUBLISH ch msg");
    let mut out = KeyPositions::new();
    key_positions(&publish, lookup(&publish), &mut out).unwrap();
    assert!(out.is_empty());
    routing_positions(&publish, lookup(&publish), &mut out).unwrap();
    assert_eq!(out.as_slice(), &[1]);
    let subscribe = cmd("SSUBSCRIBE a b");
    routing_positions(&subscribe, lookup(&subscribe), &mut out).unwrap();
    assert_eq!(out.as_slice(), &[1, 2]);
    // Ordinary keys are the same either way.
    let mget = cmd("MGET a b");
    routing_positions(&mget, lookup(&mget), &mut out).unwrap();
    assert_eq!(out.as_slice(), &[1, 2]);
}

#[test]
fn output_is_cleared_and_reused() {
    let mut out = KeyPositions::new();
    let mset = cmd("MSET a 1 b 2");
    key_positions(&mset, lookup(&mset), &mut out).unwrap();
    let get = cmd("GET k");
    key_positions(&get, lookup(&get), &mut out).unwrap();
    assert_eq!(out.as_slice(), &[1]);
    let bad = cmd("EVAL s 3 a");
    assert!(key_positions(&bad, lookup(&bad), &mut out).is_err());
}

#[test]
fn errors_display() {
    let text = alloc::format!("{}", KeyError::BadNumKeys { arg: 2 });
    assert!(text.contains("argument 2"), "{text}");
    assert!(!alloc::format!("{}", KeyError::NotEnoughArguments).is_empty());
}

/// Every spec the generic evaluation cannot finish must have its own rule in `fallback`,
/// and every rule must still be needed: a regenerated table cannot lose keys silently.
#[test]
fn every_undescribed_command_has_a_rule() {
    let mut needing: Vec<&str> = commands()
        .iter()
        .filter(|c| {
            c.key_specs().iter().any(|s| {
                s.has_flag(KeySpec::INCOMPLETE)
                    || s.begin_search == BeginSearch::Unknown
                    || s.find_keys == FindKeys::Unknown
            })
        })
        .map(CommandSpec::name)
        .collect();
    needing.sort_unstable();
    assert_eq!(needing, fallback::HANDLED);
}

/// Every command's keys can be found on an argument list of the right length without a
/// panic, whatever the arguments hold.
#[test]
fn no_panics_on_any_arity() {
    let mut out = KeyPositions::new();
    for spec in commands() {
        for argc in 0..12 {
            for filler in ["", "1", "x", "STREAMS", "KEYS", "STORE", "-1", "100"] {
                let mut cmd = Cmd::default();
                for word in spec.name().split('|') {
                    cmd.push_arg(word);
                }
                for _ in 0..argc {
                    cmd.push_arg(filler);
                }
                let found = key_positions(&cmd, Some(spec), &mut out);
                if found.is_ok() {
                    assert!(
                        out.iter().all(|&i| i < cmd.len()),
                        "{cmd:?} gave {:?}",
                        out.as_slice()
                    );
                }
            }
        }
    }
}
