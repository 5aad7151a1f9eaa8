//! redis-rs code running on keyslot: the redis-rs API a cluster codebase uses — typed
//! commands through `AsyncCommands` / `Commands`, `redis::cmd`, `redis::pipe()` plain and
//! atomic, `redis::Script`, `scan_match` and `hscan` iterators, `FromRedisValue`
//! conversions, server errors — against a real
//! cluster, with only the connection changed (`keyslot::Client::redis_connection()` instead
//! of `redis::cluster_async::ClusterConnection`). Runs on tokio, smol, async-std (the async
//! trait) and the blocking client (the sync one).
//!
//! The bodies follow redis-rs's documented examples; what a cluster adds (keys of a
//! transaction share a hash tag) is what redis-rs's cluster docs ask for too.

use std::collections::{HashMap, HashSet};

use keyslot_tests::cluster::{ClusterSpec, RedisCluster};
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{claim_machine, Flavor, Runs};
use redis::{AsyncCommands, Commands};

/// The redis-rs example bodies over connection `$con`; `$($aw)*` is `.await` or nothing.
macro_rules! redis_rs_examples {
    ($con:ident, $tag:expr, $($aw:tt)*) => {{
        let tag: String = $tag;
        let k = |n: &str| format!("compat:{tag}:{n}");
        let t = |n: &str| format!("{{compat:{tag}}}:{n}");

        // Commands with FromRedisValue conversions.
        let () = $con.set(k("my_key"), 42)$($aw)*.unwrap();
        let v: i32 = $con.get(k("my_key"))$($aw)*.unwrap();
        assert_eq!(v, 42);
        let v: Option<String> = $con.get(k("missing"))$($aw)*.unwrap();
        assert_eq!(v, None);
        let n: i64 = $con.incr(k("counter"), 5)$($aw)*.unwrap();
        assert!(n >= 5);
        let () = $con.hset_multiple(k("hash"), &[("field1", "a"), ("field2", "b")])$($aw)*.unwrap();
        let h: HashMap<String, String> = $con.hgetall(k("hash"))$($aw)*.unwrap();
        assert_eq!(h["field2"], "b");
        let () = $con.rpush(k("list"), &["x", "y"])$($aw)*.unwrap();
        let l: Vec<String> = $con.lrange(k("list"), 0, -1)$($aw)*.unwrap();
        assert!(l.ends_with(&["x".to_string(), "y".to_string()]));
        // Keys of different slots in one multi-key command: keyslot splits MGET by slot.
        let got: Vec<Option<i32>> = $con.mget(&[k("my_key"), k("missing")])$($aw)*.unwrap();
        assert_eq!(got, vec![Some(42), None]);
        // redis::cmd for anything.
        let pong: String = redis::cmd("PING").query_async_or_sync(&mut $con)$($aw)*;
        assert_eq!(pong, "PONG");

        // A server error is a redis-rs error of the server's kind.
        let wrong: redis::RedisResult<i64> = $con.incr(k("hash"), 1)$($aw)*;
        let wrong = wrong.unwrap_err();
        assert_eq!(wrong.code(), Some("WRONGTYPE"), "{wrong:?}");

        // A plain pipeline over any slots, results in order.
        let (a, b): (i32, Option<String>) = redis::pipe()
            .set(k("p1"), 1).ignore()
            .get(k("p1"))
            .get(k("p-missing"))
            .query_async_or_sync(&mut $con)$($aw)*;
        assert_eq!((a, b), (1, None));
        // An atomic pipeline (MULTI/EXEC) on one hash tag.
        let (x, y): (i32, i32) = redis::pipe()
            .atomic()
            .set(t("a"), 10).ignore()
            .incr(t("a"), 1)
            .incr(t("b"), 7)
            .query_async_or_sync(&mut $con)$($aw)*;
        assert_eq!(x, 11);
        assert!(y >= 7);

        // A script: EVALSHA, with SCRIPT LOAD when the node lacks it.
        let script = redis::Script::new("return tonumber(redis.call('get', KEYS[1])) + tonumber(ARGV[1])");
        let sum: i64 = script.key(k("my_key")).arg(8).invoke_or_sync(&mut $con)$($aw)*;
        assert_eq!(sum, 50);
    }};
}

// Calls that read the same on both traits: `query_async_or_sync` and `invoke_or_sync`
// pick `query_async` / `invoke_async` for the async connection and `query` / `invoke` for
// the blocking one, so one macro body serves both.
mod sync_calls {
    type Con = keyslot::compat::BlockingRedisConnection;
    pub trait QuerySync {
        fn query_async_or_sync<T: redis::FromRedisValue>(&self, con: &mut Con) -> T;
    }
    pub trait InvokeSync {
        fn invoke_or_sync<T: redis::FromRedisValue>(&self, con: &mut Con) -> T;
    }
    /// `$trait` for `$type` by redis-rs's blocking `$call`.
    macro_rules! by {
        ($trait:ident :: $method:ident for $type:ty => $call:ident) => {
            impl $trait for $type {
                fn $method<T: redis::FromRedisValue>(&self, con: &mut Con) -> T {
                    self.$call(con).expect(stringify!($call))
                }
            }
        };
    }
    by!(QuerySync::query_async_or_sync for redis::Cmd => query);
    by!(QuerySync::query_async_or_sync for redis::Pipeline => query);
    by!(InvokeSync::invoke_or_sync for redis::ScriptInvocation<'_> => invoke);
}

mod async_calls {
    use redis::aio::ConnectionLike;
    use redis::FromRedisValue;
    use std::future::Future;
    pub trait QueryAsync {
        fn query_async_or_sync<'a, T: FromRedisValue + Send + 'a, C: ConnectionLike + Send>(
            &'a self,
            con: &'a mut C,
        ) -> impl Future<Output = T> + 'a;
    }
    pub trait InvokeAsync {
        fn invoke_or_sync<'a, T: FromRedisValue + Send + 'a, C: ConnectionLike + Send>(
            &'a self,
            con: &'a mut C,
        ) -> impl Future<Output = T> + 'a;
    }
    /// `$trait` for `$type` by redis-rs's async `$call`.
    macro_rules! by {
        ($trait:ident :: $method:ident for $type:ty => $call:ident) => {
            impl $trait for $type {
                async fn $method<'a, T: FromRedisValue + Send + 'a, C: ConnectionLike + Send>(
                    &'a self,
                    con: &'a mut C,
                ) -> T {
                    self.$call(con).await.expect(stringify!($call))
                }
            }
        };
    }
    by!(QueryAsync::query_async_or_sync for redis::Cmd => query_async);
    by!(QueryAsync::query_async_or_sync for redis::Pipeline => query_async);
    by!(InvokeAsync::invoke_or_sync for redis::ScriptInvocation<'_> => invoke_async);
}

/// The keys a redis-rs scan should find: spread over every shard.
fn scan_keys(tag: &str) -> (String, HashSet<String>) {
    let keys = (0..40).map(|i| format!("compat:{tag}:scan:{i}")).collect();
    (format!("compat:{tag}:scan:*"), keys)
}

async fn examples<F: Flavor>(cluster: &RedisCluster) {
    let seed = cluster.seed_addr().unwrap().to_string();
    let tag = F::NAME.to_string();
    if F::NAME == "blocking" {
        use sync_calls::{InvokeSync, QuerySync};
        let client = keyslot::blocking::Client::connect([seed]).expect("connects");
        let mut con = client.redis_connection();
        redis_rs_examples!(con, tag.clone(),);

        // SCAN over the whole cluster through redis-rs's iterator, and HSCAN of one key.
        let (pattern, want) = scan_keys(&tag);
        for key in &want {
            let () = con.set(key, 1).unwrap();
        }
        let found: HashSet<String> = con
            .scan_match::<_, String>(&pattern)
            .unwrap()
            .map(|k| k.unwrap())
            .collect();
        assert_eq!(found, want, "every primary's keys");
        let fields: Vec<(String, String)> = con
            .hscan(format!("compat:{tag}:hash"))
            .unwrap()
            .map(|f| f.unwrap())
            .collect();
        assert_eq!(fields.len(), 2, "{fields:?}");
    } else {
        use async_calls::{InvokeAsync, QueryAsync};
        let client = keyslot::Client::<F::Runtime>::connect([seed])
            .await
            .expect("connects");
        let mut con = client.redis_connection();
        redis_rs_examples!(con, tag.clone(), .await);

        // SCAN over the whole cluster through redis-rs's iterator, and HSCAN of one key.
        let (pattern, want) = scan_keys(&tag);
        for key in &want {
            let () = con.set(key, 1).await.unwrap();
        }
        let mut found = HashSet::new();
        let mut iter: redis::AsyncIter<String> = con.scan_match(&pattern).await.unwrap();
        while let Some(key) = iter.next_item().await {
            found.insert(key.unwrap());
        }
        drop(iter);
        assert_eq!(found, want, "every primary's keys");
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut iter = con
            .hscan::<_, (String, String)>(format!("compat:{tag}:hash"))
            .await
            .unwrap();
        while let Some(field) = iter.next_item().await {
            fields.push(field.unwrap());
        }
        assert_eq!(fields.len(), 2, "{fields:?}");
    }
}

#[test]
fn redis_rs_code_runs_unchanged_on_keyslot() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let cluster = RedisCluster::start(ClusterSpec::new()).unwrap();
    let mut runs = Runs::new();
    on_every_runtime!(runs, "redis-rs examples", examples(&cluster));
    runs.finish();
}
