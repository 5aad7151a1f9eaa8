//! The typed surface against a real cluster: the generated methods of every command family,
//! `query`, `set_with`, and the conversions of real replies into Rust types, on RESP3 and
//! RESP2 (maps arrive as maps on one and as flat arrays on the other), on tokio, smol,
//! async-std and the blocking client. Conversion failures are typed errors.
//!
//! The scenario is written once as a macro and expanded for the async client (each call
//! followed by `.await`) and for the blocking one: the methods under test are the clients'
//! own, not a test wrapper's.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use keyslot::commands::{
    ExpireCondition, Expiry, SetOptions, Trim, XAddOptions, XReadGroupOptions, XReadOptions,
    ZAddOptions, ZRangeOptions,
};
use keyslot::{Cmd, Error, ServerErrorKind, ValueKind};
use keyslot_core::resp::Protocol;
use keyslot_tests::cluster::{ClusterSpec, RedisCluster};
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{claim_machine, key_in_slot, slot_per_primary, Flavor, Runs};

/// Every family, through client `$c`; `$($aw)*` is `.await` for the async clients.
macro_rules! families {
    ($c:ident, $tag:expr, $($aw:tt)*) => {{
        let tag: String = $tag;
        // Keys of one slot where a command needs them together; elsewhere spread.
        let k = |name: &str| format!("{{typed:{tag}}}:{name}");
        let spread = |i: usize| format!("typed:{tag}:spread:{i}");
        let _: u64 = $c.del([k("s"), k("n"), k("h"), k("l"), k("l2"), k("set"), k("set2"),
            k("z"), k("z2"), k("x"), k("hll"), k("geo"), k("bits"), k("copy"), k("renamed"),
            k("lock"), k("lex")])$($aw)*.unwrap();

        // Strings.
        let () = $c.set(k("s"), "hello")$($aw)*.unwrap();
        assert_eq!($c.get::<String>(k("s"))$($aw)*, Ok("hello".to_string()));
        assert_eq!($c.get::<Option<String>>(k("absent"))$($aw)*, Ok(None));
        assert_eq!($c.append::<u64>(k("s"), " world")$($aw)*, Ok(11));
        assert_eq!($c.strlen::<usize>(k("s"))$($aw)*, Ok(11));
        assert_eq!($c.getrange::<String>(k("s"), 0, 4)$($aw)*, Ok("hello".to_string()));
        assert_eq!($c.incr::<i64>(k("n"))$($aw)*, Ok(1));
        assert_eq!($c.incrby::<i64>(k("n"), 41)$($aw)*, Ok(42));
        assert_eq!($c.decr::<i32>(k("n"))$($aw)*, Ok(41));
        assert_eq!($c.incrbyfloat::<f64>(k("n"), 0.5)$($aw)*, Ok(41.5));
        assert_eq!($c.setnx::<bool>(k("n"), "x")$($aw)*, Ok(false));
        let opts = SetOptions::new().if_missing().expiry(Expiry::Seconds(100));
        assert_eq!($c.set_with::<Option<String>>(k("lock"), "me", opts)$($aw)*, Ok(Some("OK".into())));
        assert_eq!($c.set_with::<Option<String>>(k("lock"), "you", opts)$($aw)*, Ok(None), "NX held");
        let old = $c.set_with::<Option<String>>(k("lock"), "you", SetOptions::new().get())$($aw)*;
        assert_eq!(old, Ok(Some("me".into())));
        assert_eq!($c.getdel::<String>(k("lock"))$($aw)*, Ok("you".into()));
        assert_eq!($c.getex_with::<Option<String>>(k("s"), Expiry::Seconds(500))$($aw)*,
            Ok(Some("hello world".into())));
        // MSET and MGET over keys of every shard: split by slot, answered in order.
        let pairs: Vec<(String, usize)> = (0..12).map(|i| (spread(i), i * 10)).collect();
        let () = $c.mset(&pairs)$($aw)*.unwrap();
        let keys: Vec<String> = (0..13).map(spread).collect();
        let got: Vec<Option<usize>> = $c.mget(&keys)$($aw)*.unwrap();
        let mut want: Vec<Option<usize>> = (0..12).map(|i| Some(i * 10)).collect();
        want.push(None);
        assert_eq!(got, want);

        // Keys.
        assert_eq!($c.exists::<u64>(&keys)$($aw)*, Ok(12), "EXISTS across slots is summed");
        assert_eq!($c.expire::<bool>(k("s"), 100)$($aw)*, Ok(true));
        let ttl: i64 = $c.ttl(k("s"))$($aw)*.unwrap();
        assert!((1..=500).contains(&ttl), "{ttl}");
        assert!($c.pttl::<i64>(k("s"))$($aw)*.unwrap() > 0);
        assert_eq!($c.persist::<bool>(k("s"))$($aw)*, Ok(true));
        assert_eq!($c.ttl::<i64>(k("s"))$($aw)*, Ok(-1));
        // The EXPIRE family's conditions (Redis 7.0+).
        assert_eq!($c.expire_with::<bool>(k("s"), 100, ExpireCondition::IfNone)$($aw)*, Ok(true));
        assert_eq!($c.expire_with::<bool>(k("s"), 200, ExpireCondition::IfNone)$($aw)*, Ok(false));
        assert_eq!($c.expire_with::<bool>(k("s"), 50, ExpireCondition::IfLater)$($aw)*, Ok(false));
        assert_eq!($c.pexpire_with::<bool>(k("s"), 50_000, ExpireCondition::IfEarlier)$($aw)*, Ok(true));
        let ttl: i64 = $c.ttl(k("s"))$($aw)*.unwrap();
        assert!((1..=50).contains(&ttl), "LT shortened it: {ttl}");
        assert_eq!($c.expireat_with::<bool>(k("absent"), 1, ExpireCondition::IfSet)$($aw)*, Ok(false));
        assert_eq!($c.persist::<bool>(k("s"))$($aw)*, Ok(true));
        assert_eq!($c.key_type::<String>(k("s"))$($aw)*, Ok("string".into()));
        assert_eq!($c.copy::<bool>(k("s"), k("copy"))$($aw)*, Ok(true));
        let () = $c.rename(k("copy"), k("renamed"))$($aw)*.unwrap();
        assert_eq!($c.unlink::<u64>(&keys)$($aw)*, Ok(12), "UNLINK across slots is summed");

        // Hashes: a map on RESP3, a flat array on RESP2, the same HashMap either way.
        let fields = BTreeMap::from([("name", "ada"), ("born", "1815")]);
        assert_eq!($c.hset::<u64>(k("h"), &fields)$($aw)*, Ok(2));
        assert_eq!($c.hget::<Option<String>>(k("h"), "name")$($aw)*, Ok(Some("ada".into())));
        let all: HashMap<String, String> = $c.hgetall(k("h"))$($aw)*.unwrap();
        assert_eq!(all.get("born").map(String::as_str), Some("1815"));
        let all: Vec<(String, String)> = $c.hgetall(k("h"))$($aw)*.unwrap();
        assert_eq!(all.len(), 2);
        let some: Vec<Option<u32>> = $c.hmget(k("h"), ["born", "died"])$($aw)*.unwrap();
        assert_eq!(some, vec![Some(1815), None]);
        assert_eq!($c.hincrby::<i64>(k("h"), "born", 1)$($aw)*, Ok(1816));
        assert_eq!($c.hexists::<bool>(k("h"), "name")$($aw)*, Ok(true));
        assert_eq!($c.hlen::<usize>(k("h"))$($aw)*, Ok(2));
        let names: BTreeSet<String> = $c.hkeys(k("h"))$($aw)*.unwrap();
        assert_eq!(names, BTreeSet::from(["born".to_string(), "name".to_string()]));
        assert_eq!($c.hdel::<u64>(k("h"), ["name", "nope"])$($aw)*, Ok(1));

        // Lists, a blocking pop included.
        assert_eq!($c.rpush::<u64>(k("l"), ["a", "b", "c"])$($aw)*, Ok(3));
        assert_eq!($c.lrange::<Vec<String>>(k("l"), 0, -1)$($aw)*,
            Ok(vec!["a".to_string(), "b".into(), "c".into()]));
        assert_eq!($c.lpop::<Option<String>>(k("l"))$($aw)*, Ok(Some("a".into())));
        assert_eq!($c.llen::<u64>(k("l"))$($aw)*, Ok(2));
        let moved: String = $c.lmove(k("l"), k("l2"), "LEFT", "RIGHT")$($aw)*.unwrap();
        assert_eq!(moved, "b");
        let popped: Option<(String, String)> = $c.blpop([k("l2")], 1)$($aw)*.unwrap();
        assert_eq!(popped, Some((k("l2"), "b".to_string())));
        let none: Option<(String, String)> = $c.blpop([k("l2")], 0.1)$($aw)*.unwrap();
        assert_eq!(none, None, "an empty list times out as null");
        let (from, items): (String, Vec<String>) = $c.lmpop([k("l2"), k("l")], "LEFT")$($aw)*.unwrap();
        assert_eq!((from, items), (k("l"), vec!["c".to_string()]), "numkeys counted for us");

        // Sets.
        assert_eq!($c.sadd::<u64>(k("set"), ["x", "y", "z"])$($aw)*, Ok(3));
        assert_eq!($c.sadd::<u64>(k("set2"), ["y", "z", "w"])$($aw)*, Ok(3));
        let members: HashSet<String> = $c.smembers(k("set"))$($aw)*.unwrap();
        assert_eq!(members.len(), 3);
        assert_eq!($c.sismember::<bool>(k("set"), "x")$($aw)*, Ok(true));
        let both: BTreeSet<String> = $c.sinter([k("set"), k("set2")])$($aw)*.unwrap();
        assert_eq!(both, BTreeSet::from(["y".to_string(), "z".into()]));
        assert_eq!($c.sintercard::<u64>([k("set"), k("set2")])$($aw)*, Ok(2));
        assert_eq!($c.srem::<u64>(k("set"), "x")$($aw)*, Ok(1));
        assert_eq!($c.scard::<u64>(k("set"))$($aw)*, Ok(2));

        // Sorted sets: scores are doubles on RESP3 and text on RESP2, f64 either way.
        assert_eq!($c.zadd::<u64>(k("z"), [(1.5, "ada"), (2.0, "alan"), (3.0, "grace")])$($aw)*, Ok(3));
        assert_eq!($c.zscore::<Option<f64>>(k("z"), "alan")$($aw)*, Ok(Some(2.0)));
        assert_eq!($c.zscore::<Option<f64>>(k("z"), "nobody")$($aw)*, Ok(None));
        assert_eq!($c.zincrby::<f64>(k("z"), 0.25, "ada")$($aw)*, Ok(1.75));
        assert_eq!($c.zrank::<Option<u64>>(k("z"), "grace")$($aw)*, Ok(Some(2)));
        assert_eq!($c.zrange::<Vec<String>>(k("z"), 0, 1)$($aw)*,
            Ok(vec!["ada".to_string(), "alan".into()]));
        let scored: Vec<(String, f64)> = $c
            .query(Cmd::new("ZRANGE").arg(k("z")).arg(0).arg(-1).arg("WITHSCORES"))$($aw)*
            .unwrap();
        assert_eq!(scored[2], ("grace".to_string(), 3.0));
        assert_eq!($c.zadd::<u64>(k("z2"), [(10.0, "ada")])$($aw)*, Ok(1));
        let union: Vec<String> = $c.zunion([k("z"), k("z2")])$($aw)*.unwrap();
        assert_eq!(union.last().map(String::as_str), Some("ada"), "ada scores 11.75");
        assert_eq!($c.zcard::<u64>(k("z"))$($aw)*, Ok(3));
        let top: (String, Vec<(String, f64)>) = $c.zmpop([k("z")], "MAX")$($aw)*.unwrap();
        assert_eq!(top, (k("z"), vec![("grace".to_string(), 3.0)]));
        // ZADD's and ZRANGE's options: ada 1.75, alan 2.0 are left.
        let gt = ZAddOptions::new().if_greater().changed();
        assert_eq!($c.zadd_with::<u64>(k("z"), [(1.0, "ada"), (4.0, "alan")], gt)$($aw)*, Ok(1), "GT: only alan rises");
        assert_eq!($c.zadd_with::<Option<f64>>(k("z"), [(0.25, "ada")], ZAddOptions::new().incr())$($aw)*, Ok(Some(2.0)));
        let absent = ZAddOptions::new().if_exists().incr();
        assert_eq!($c.zadd_with::<Option<f64>>(k("z"), [(1.0, "nobody")], absent)$($aw)*, Ok(None));
        assert_eq!($c.zadd::<u64>(k("z"), [(3.0, "grace"), (3.0, "gauss")])$($aw)*, Ok(2));
        let best = ZRangeOptions::new().by_score().rev().limit(0, 2).with_scores();
        let got: Vec<(String, f64)> = $c.zrange_with(k("z"), "+inf", "-inf", best)$($aw)*.unwrap();
        assert_eq!(got, vec![("alan".to_string(), 4.0), ("grace".to_string(), 3.0)]);
        assert_eq!($c.zadd::<u64>(k("lex"), [(0, "a"), (0, "b"), (0, "c")])$($aw)*, Ok(3));
        let lex: Vec<String> = $c.zrange_with(k("lex"), "[a", "(c", ZRangeOptions::new().by_lex())$($aw)*.unwrap();
        assert_eq!(lex, vec!["a".to_string(), "b".into()]);
        let middle: Vec<String> = $c.zrange_with(k("z"), "(2", "3", ZRangeOptions::new().by_score())$($aw)*.unwrap();
        assert_eq!(middle, vec!["gauss".to_string(), "grace".into()]);
        let ranks: Vec<String> = $c.zrange_with(k("z"), 0, 0, ZRangeOptions::new().rev())$($aw)*.unwrap();
        assert_eq!(ranks, vec!["alan".to_string()]);

        // Streams.
        let id: String = $c.xadd(k("x"), "*", [("field", "v1")])$($aw)*.unwrap();
        assert!(id.contains('-'), "{id}");
        let _: String = $c.xadd(k("x"), "*", [("field", "v2")])$($aw)*.unwrap();
        assert_eq!($c.xlen::<u64>(k("x"))$($aw)*, Ok(2));
        let entries: Vec<(String, HashMap<String, String>)> = $c.xrange(k("x"), "-", "+")$($aw)*.unwrap();
        assert_eq!(entries[0].0, id);
        assert_eq!(entries[1].1["field"], "v2");
        let () = $c.xgroup_create(k("x"), "g", "0")$($aw)*.unwrap();
        let group_exists = $c.xgroup_create::<()>(k("x"), "g", "0")$($aw)*.unwrap_err();
        assert_eq!(group_exists.server_error().map(|e| e.kind()), Some(ServerErrorKind::BusyGroup));
        let read: keyslot::Value = $c.xreadgroup("g", "c1", [k("x")], [">"])$($aw)*.unwrap();
        assert!(!read.is_null(), "{read:?}");
        assert_eq!($c.xack::<u64>(k("x"), "g", [&id])$($aw)*, Ok(1));
        assert_eq!($c.xtrim::<u64>(k("x"), "MAXLEN", 1)$($aw)*, Ok(1));
        // XADD's trim and NOMKSTREAM, XTRIM by MINID, XREAD and XREADGROUP with options.
        let keep2 = XAddOptions::new().trim(Trim::max_len(2));
        for v in ["v3", "v4", "v5"] {
            let _: String = $c.xadd_with(k("x"), "*", [("field", v)], keep2.clone())$($aw)*.unwrap();
        }
        assert_eq!($c.xlen::<u64>(k("x"))$($aw)*, Ok(2), "trimmed as it grew");
        let none: Option<String> = $c.xadd_with(k("absent"), "*", [("f", "v")], XAddOptions::new().no_mkstream())$($aw)*.unwrap();
        assert_eq!(none, None);
        assert_eq!($c.exists::<u64>([k("absent")])$($aw)*, Ok(0), "NOMKSTREAM created nothing");
        type Streams = HashMap<String, Vec<(String, HashMap<String, String>)>>;
        let one: Streams = $c.xread_with([k("x")], ["0"], XReadOptions::new().count(1))$($aw)*.unwrap();
        assert_eq!(one[&k("x")].len(), 1, "COUNT 1");
        assert_eq!(one[&k("x")][0].1["field"], "v4");
        let waited: Option<Streams> = $c.xread_with([k("x")], ["$"], XReadOptions::new().block(50))$($aw)*.unwrap();
        assert_eq!(waited, None, "BLOCK 50 on a stream nobody writes times out as null");
        // c1 read v2 and never acked it; it was trimmed since: XAUTOCLAIM reports it deleted.
        type Claimed = (String, Vec<(String, HashMap<String, String>)>, Vec<String>);
        let claimed: Claimed = $c.xautoclaim(k("x"), "g", "c3", 0, "0-0")$($aw)*.unwrap();
        assert_eq!((claimed.0.as_str(), claimed.1.len(), claimed.2.len()), ("0-0", 0, 1), "{claimed:?}");
        let () = $c.xgroup_create(k("x"), "g2", "0")$($aw)*.unwrap();
        let opts = XReadGroupOptions::new().count(5).no_ack();
        let got: Streams = $c.xreadgroup_with("g2", "c2", [k("x")], [">"], opts)$($aw)*.unwrap();
        assert_eq!(got[&k("x")].len(), 2);
        let pending: (u64, Option<String>, Option<String>, Option<Vec<(String, u64)>>) =
            $c.xpending(k("x"), "g2")$($aw)*.unwrap();
        assert_eq!(pending.0, 0, "NOACK leaves nothing pending");
        let last = got[&k("x")][1].0.clone();
        assert_eq!($c.xtrim_with::<u64>(k("x"), Trim::min_id(&last))$($aw)*, Ok(1));

        // HyperLogLog, geo, bitmaps, publishing.
        assert_eq!($c.pfadd::<bool>(k("hll"), ["a", "b", "c"])$($aw)*, Ok(true));
        assert_eq!($c.pfcount::<u64>([k("hll")])$($aw)*, Ok(3));
        assert_eq!($c.geoadd::<u64>(k("geo"), [(13.361389, 38.115556, "Palermo"),
            (15.087269, 37.502669, "Catania")])$($aw)*, Ok(2));
        let d: Option<f64> = $c.geodist(k("geo"), "Palermo", "Catania")$($aw)*.unwrap();
        assert!((d.unwrap() - 166274.15).abs() < 1.0, "{d:?}");
        let pos: Vec<Option<(f64, f64)>> = $c.geopos(k("geo"), ["Palermo", "Atlantis"])$($aw)*.unwrap();
        assert!(pos[0].is_some() && pos[1].is_none(), "{pos:?}");
        assert_eq!($c.setbit::<u8>(k("bits"), 7, 1)$($aw)*, Ok(0));
        assert_eq!($c.getbit::<bool>(k("bits"), 7)$($aw)*, Ok(true));
        assert_eq!($c.bitcount::<u64>(k("bits"))$($aw)*, Ok(1));
        assert_eq!($c.publish::<u64>("typed-nobody-listens", "hi")$($aw)*, Ok(0));
        assert_eq!($c.spublish::<u64>(k("shard-channel"), "hi")$($aw)*, Ok(0), "routed by its slot");

        // What does not convert is a typed error; a server error has its kind.
        assert_eq!(
            $c.get::<i64>(k("s"))$($aw)*,
            Err(Error::Type { expected: "i64", got: ValueKind::BulkString })
        );
        let wrong = $c.lpush::<u64>(k("s"), "x")$($aw)*.unwrap_err();
        assert_eq!(wrong.server_error().map(|e| e.kind()), Some(ServerErrorKind::WrongType));
        assert!(wrong.retry_is_safe(), "WRONGTYPE is refused before running");
        let not_a_map = $c.get::<HashMap<String, String>>(k("s"))$($aw)*.unwrap_err();
        assert!(matches!(not_a_map, Error::Type { expected: "a map", .. }), "{not_a_map:?}");
    }};
}

/// The families on `F`'s client, in `protocol`.
async fn typed<F: Flavor>(cluster: &RedisCluster, protocol: Protocol) {
    let seed = cluster.seed_addr().unwrap().to_string();
    let tag = format!("{}:{protocol:?}", F::NAME);
    if F::NAME == "blocking" {
        let c = keyslot::blocking::Client::builder([seed])
            .protocol(protocol)
            .connect_blocking()
            .expect("connects");
        families!(c, tag,);
    } else {
        let c = keyslot::Client::<F::Runtime>::builder([seed])
            .protocol(protocol)
            .connect()
            .await
            .expect("connects");
        families!(c, tag, .await);
    }
}

/// A function library loaded on every primary, then called by key with FCALL.
async fn functions<F: Flavor>(cluster: &RedisCluster) {
    let seed = cluster.seed_addr().unwrap().to_string();
    let slot = slot_per_primary(cluster)[F::INDEX % 3].1;
    let key = key_in_slot(slot, &format!("typed-fn:{}", F::NAME));
    let lib = "#!lua name=typedlib\nredis.register_function('echo_key', function(keys, args) return keys[1] .. '=' .. args[1] end)";
    let load = Cmd::new("FUNCTION").arg("LOAD").arg("REPLACE").arg(lib);
    if F::NAME == "blocking" {
        let c = keyslot::blocking::Client::connect([seed]).expect("connects");
        let _: String = c.query(load).unwrap();
        let got: String = c.fcall("echo_key", [&key], ["v"]).unwrap();
        assert_eq!(got, format!("{key}=v"));
        let ro: Result<String, Error> = c.fcall_ro("echo_key", [&key], ["v"]);
        assert!(ro.is_err(), "not registered as read-only: {ro:?}");
    } else {
        let c = keyslot::Client::<F::Runtime>::connect([seed])
            .await
            .expect("connects");
        let _: String = c.query(load).await.unwrap();
        let got: String = c.fcall("echo_key", [&key], ["v"]).await.unwrap();
        assert_eq!(got, format!("{key}=v"));
        let ro: Result<String, Error> = c.fcall_ro("echo_key", [&key], ["v"]).await;
        assert!(ro.is_err(), "not registered as read-only: {ro:?}");
    }
}

#[test]
fn typed_commands_through_every_client() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let cluster = RedisCluster::start(ClusterSpec::new()).unwrap();
    let mut runs = Runs::new();
    let (resp3, resp2) = (Protocol::Resp3, Protocol::Resp2);
    on_every_runtime!(runs, "typed families, RESP3", typed(&cluster, resp3));
    on_every_runtime!(runs, "typed families, RESP2", typed(&cluster, resp2));
    on_every_runtime!(runs, "functions by FCALL", functions(&cluster));
    runs.finish();
}
