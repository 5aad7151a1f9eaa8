//! Commands through the client against a real cluster: data commands in RESP3 and RESP2,
//! pipelines spanning every shard (order kept, each entry its own outcome), MULTI/EXEC on one
//! slot, cross-slot refusal before anything is sent (and MGET, MSET, DEL split by slot), fan-out commands (DBSIZE summed, KEYS
//! concatenated, FLUSHALL everywhere), and commands aimed at one node with `send_to`.
//! Every scenario runs on tokio, smol, async-std and the blocking client, against one cluster
//! of 3 primaries with a replica each (so that fan-out is seen to skip replicas).

use std::collections::BTreeSet;

use keyslot::{Cmd, Error, Value};
use keyslot_core::resp::Protocol;
use keyslot_tests::cluster::{ClusterSpec, RedisCluster};
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{
    bulk, claim_machine, client_addr, key_in_slot, ok, slot_per_primary, Flavor, Runs, TestClient,
};

async fn connect<F: Flavor>(cluster: &RedisCluster, protocol: Protocol) -> TestClient<F> {
    let seed = cluster.seed_addr().unwrap().to_string();
    TestClient::<F>::connect(
        TestClient::<F>::builder([seed])
            .protocol(protocol)
            .client_name("keyslot-tests"),
    )
    .await
    .expect("connects")
}

fn server_error(result: &Result<Value, Error>, prefix: &str) -> bool {
    matches!(result, Err(Error::Server(text)) if text.as_bytes().starts_with(prefix.as_bytes()))
}

/// Strings, counters, hashes, lists, sets, expiry, binary and large values, and the errors
/// the server gives — in the protocol asked for.
async fn data_commands<F: Flavor>(cluster: &RedisCluster, protocol: Protocol) {
    let c = connect::<F>(cluster, protocol).await;
    let p = match protocol {
        Protocol::Resp2 => "resp2",
        _ => "resp3",
    };
    let k = |name: &str| format!("data:{}:{p}:{name}", F::NAME);
    for key in ["s", "n", "h", "l", "set", "bin", "big", "ttl"] {
        c.send(Cmd::new("DEL").arg(k(key))).await.unwrap();
    }

    assert_eq!(c.send(Cmd::new("SET").arg(k("s")).arg("v")).await, Ok(ok()));
    assert_eq!(
        c.send(Cmd::new("APPEND").arg(k("s")).arg("alue")).await,
        Ok(Value::Integer(5))
    );
    assert_eq!(c.send(Cmd::new("GET").arg(k("s"))).await, Ok(bulk("value")));
    assert_eq!(
        c.send(Cmd::new("GET").arg(k("missing"))).await,
        Ok(Value::Null)
    );
    assert_eq!(
        c.send(Cmd::new("INCRBY").arg(k("n")).arg(41)).await,
        Ok(Value::Integer(41))
    );
    assert_eq!(
        c.send(Cmd::new("INCR").arg(k("n"))).await,
        Ok(Value::Integer(42))
    );
    let wrong = c.send(Cmd::new("INCR").arg(k("s"))).await;
    assert!(
        server_error(&wrong, "ERR value is not an integer"),
        "{wrong:?}"
    );
    let wrong = c.send(Cmd::new("LPUSH").arg(k("s")).arg("x")).await;
    assert!(server_error(&wrong, "WRONGTYPE"), "{wrong:?}");

    assert_eq!(
        c.send(
            Cmd::new("HSET")
                .arg(k("h"))
                .arg("f1")
                .arg("a")
                .arg("f2")
                .arg("b")
        )
        .await,
        Ok(Value::Integer(2))
    );
    let hash = c.send(Cmd::new("HGETALL").arg(k("h"))).await.unwrap();
    let expected_pairs = vec![(bulk("f1"), bulk("a")), (bulk("f2"), bulk("b"))];
    match (protocol, hash) {
        (Protocol::Resp2, Value::Array(flat)) => {
            let pairs: Vec<(Value, Value)> = flat
                .chunks(2)
                .map(|kv| (kv[0].clone(), kv[1].clone()))
                .collect();
            assert_eq!(pairs, expected_pairs);
        }
        (Protocol::Resp3, Value::Map(pairs)) => assert_eq!(pairs, expected_pairs),
        (protocol, other) => panic!("HGETALL in {protocol:?} gave {other:?}"),
    }

    assert_eq!(
        c.send(Cmd::new("RPUSH").arg(k("l")).arg("a").arg("b").arg("c"))
            .await,
        Ok(Value::Integer(3))
    );
    assert_eq!(
        c.send(Cmd::new("LRANGE").arg(k("l")).arg(0).arg(-1)).await,
        Ok(Value::Array(vec![bulk("a"), bulk("b"), bulk("c")]))
    );
    c.send(Cmd::new("SADD").arg(k("set")).arg("x").arg("y"))
        .await
        .unwrap();
    let members = match c.send(Cmd::new("SMEMBERS").arg(k("set"))).await.unwrap() {
        Value::Set(items) if protocol == Protocol::Resp3 => items,
        Value::Array(items) if protocol == Protocol::Resp2 => items,
        other => panic!("SMEMBERS in {protocol:?} gave {other:?}"),
    };
    let members: BTreeSet<Vec<u8>> = members
        .iter()
        .map(|m| m.as_bytes().unwrap().to_vec())
        .collect();
    assert_eq!(members, BTreeSet::from([b"x".to_vec(), b"y".to_vec()]));

    // Expiry.
    assert_eq!(
        c.send(Cmd::new("SET").arg(k("ttl")).arg("v").arg("EX").arg(100))
            .await,
        Ok(ok())
    );
    let ttl = c.send(Cmd::new("TTL").arg(k("ttl"))).await.unwrap();
    assert!(
        matches!(ttl, Value::Integer(t) if (1..=100).contains(&t)),
        "{ttl:?}"
    );

    // Binary-safe bytes, and a value large enough to need many reads and writes.
    let binary: Vec<u8> = (0..=255u8)
        .chain(b"\r\n$-1\r\n*2\r\n".iter().copied())
        .collect();
    assert_eq!(
        c.send(Cmd::new("SET").arg(k("bin")).arg(&binary[..])).await,
        Ok(ok())
    );
    assert_eq!(
        c.send(Cmd::new("GET").arg(k("bin"))).await,
        Ok(bulk(&binary))
    );
    let big: Vec<u8> = (0..3 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    assert_eq!(
        c.send(Cmd::new("SET").arg(k("big")).arg(&big[..])).await,
        Ok(ok())
    );
    assert_eq!(c.send(Cmd::new("GET").arg(k("big"))).await, Ok(bulk(&big)));
    assert_eq!(
        c.send(Cmd::new("STRLEN").arg(k("big"))).await,
        Ok(Value::Integer(big.len() as i64))
    );

    // Commands the client manages itself are refused with a reason, nothing sent.
    let select = c.send(Cmd::new("SELECT").arg(1)).await;
    assert!(
        matches!(select, Err(Error::Unsupported { .. })),
        "{select:?}"
    );
}

/// Every scenario of this file, on one cluster (starting one is most of the cost).
#[test]
fn commands_through_the_client() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let cluster = RedisCluster::start(ClusterSpec::new()).unwrap();
    let mut runs = Runs::new();
    let (resp3, resp2) = (Protocol::Resp3, Protocol::Resp2);
    on_every_runtime!(runs, "data commands, RESP3", data_commands(&cluster, resp3));
    on_every_runtime!(runs, "data commands, RESP2", data_commands(&cluster, resp2));
    on_every_runtime!(runs, "pipelines across slots", pipelines(&cluster));
    on_every_runtime!(runs, "transactions on one slot", transactions(&cluster));
    on_every_runtime!(runs, "cross-slot refusal", cross_slot(&cluster));
    on_every_runtime!(runs, "fan-out commands", fan_out(&cluster));
    on_every_runtime!(runs, "send_to one node", send_to(&cluster));
    runs.finish();
}

/// One pipeline of 300 commands over slots of every shard: replies in submission order, an
/// error in one entry leaves the others alone, a cross-slot entry is refused on its own.
async fn pipelines<F: Flavor>(cluster: &RedisCluster) {
    let c = connect::<F>(cluster, Protocol::Resp3).await;
    let n = 100;
    let key = |i: usize| format!("pipe:{}:{i}", F::NAME);
    let mut cmds = Vec::new();
    for i in 0..n {
        cmds.push(Cmd::new("SET").arg(key(i)).arg(format!("v{i}")));
    }
    for i in 0..n {
        cmds.push(Cmd::new("GET").arg(key(i)));
    }
    for i in 0..n {
        // INCR on the string set above fails; on a fresh counter it succeeds.
        if i % 10 == 0 {
            cmds.push(Cmd::new("INCR").arg(key(i)));
        } else {
            cmds.push(Cmd::new("INCR").arg(format!("{}:n", key(i))));
        }
    }
    assert_ne!(
        keyslot::key_slot(key(0).as_bytes()),
        keyslot::key_slot(key(1).as_bytes())
    );
    cmds.push(Cmd::new("MGET").arg(key(0)).arg(key(1)));
    for i in 0..n {
        c.send(Cmd::new("DEL").arg(format!("{}:n", key(i))))
            .await
            .unwrap();
    }
    let slots: BTreeSet<u16> = (0..n)
        .map(|i| keyslot::key_slot(key(i).as_bytes()))
        .collect();
    let owners: BTreeSet<String> = {
        let topology = c.topology().await.unwrap();
        slots
            .iter()
            .map(|&s| topology.primary_of_slot(s).unwrap().addr.to_string())
            .collect()
    };
    assert_eq!(owners.len(), 3, "the pipeline should reach every shard");

    let results = c.pipeline(cmds).await.expect("the pipeline is answered");
    assert_eq!(results.len(), 3 * n + 1);
    for i in 0..n {
        assert_eq!(results[i], Ok(ok()), "SET #{i}");
        assert_eq!(results[n + i], Ok(bulk(format!("v{i}"))), "GET #{i}");
        let incr = &results[2 * n + i];
        if i % 10 == 0 {
            assert!(
                server_error(incr, "ERR value is not an integer"),
                "{incr:?}"
            );
        } else {
            assert_eq!(*incr, Ok(Value::Integer(1)), "INCR #{i}");
        }
    }
    assert_eq!(results[3 * n], Err(Error::CrossSlot));

    assert_eq!(c.pipeline(Vec::new()).await, Ok(Vec::new()));
}

/// MULTI/EXEC on one slot: the replies of every command, in order; a command failing at
/// run time does not abort the others; keys in different slots are refused before anything
/// is sent.
async fn transactions<F: Flavor>(cluster: &RedisCluster) {
    let c = connect::<F>(cluster, Protocol::Resp3).await;
    let a = format!("{{tx:{}}}a", F::NAME);
    let b = format!("{{tx:{}}}b", F::NAME);
    c.send(Cmd::new("DEL").arg(&a).arg(&b)).await.unwrap();
    let reply = c
        .transaction(vec![
            Cmd::new("SET").arg(&a).arg(10),
            Cmd::new("INCRBY").arg(&a).arg(5),
            Cmd::new("GET").arg(&a),
            Cmd::new("RPUSH").arg(&b).arg("x"),
        ])
        .await;
    assert_eq!(
        reply,
        Ok(Value::Array(vec![
            ok(),
            Value::Integer(15),
            bulk("15"),
            Value::Integer(1),
        ]))
    );

    // A run-time error (INCR on a list) is one element of EXEC's reply.
    let reply = c
        .transaction(vec![Cmd::new("INCR").arg(&b), Cmd::new("INCR").arg(&a)])
        .await
        .expect("EXEC ran");
    let items = reply.as_slice().expect("an array").to_vec();
    assert!(
        matches!(&items[0], Value::Error(text) if text.starts_with(b"WRONGTYPE")),
        "{items:?}"
    );
    assert_eq!(items[1], Value::Integer(16));

    // Keys in two slots: refused, nothing written.
    let other = format!("tx-other:{}", F::NAME);
    assert_ne!(
        keyslot::key_slot(other.as_bytes()),
        keyslot::key_slot(a.as_bytes())
    );
    let refused = c
        .transaction(vec![
            Cmd::new("SET").arg(&a).arg("never"),
            Cmd::new("SET").arg(&other).arg("never"),
        ])
        .await;
    assert_eq!(refused, Err(Error::CrossSlot));
    assert_eq!(c.send(Cmd::new("GET").arg(&a)).await, Ok(bulk("16")));
    assert_eq!(c.send(Cmd::new("GET").arg(&other)).await, Ok(Value::Null));
}

/// Multi-key commands over several slots that cannot be split by slot (see
/// `core/src/cluster/split.rs`) are refused with CROSSSLOT before anything is sent: none of
/// their keys is written.
async fn cross_slot<F: Flavor>(cluster: &RedisCluster) {
    let c = connect::<F>(cluster, Protocol::Resp3).await;
    let (x, y) = (format!("xs:{}:x", F::NAME), format!("xs:{}:yy", F::NAME));
    assert_ne!(
        keyslot::key_slot(x.as_bytes()),
        keyslot::key_slot(y.as_bytes())
    );
    // MSETNX cannot keep its all-or-nothing promise across slots, so it is not split.
    assert_eq!(
        c.send(Cmd::new("MSETNX").arg(&x).arg(1).arg(&y).arg(2))
            .await,
        Err(Error::CrossSlot)
    );
    assert_eq!(
        c.send(Cmd::new("SUNIONSTORE").arg(&x).arg(&y)).await,
        Err(Error::CrossSlot)
    );
    assert_eq!(
        c.send(Cmd::new("RENAME").arg(&x).arg(&y)).await,
        Err(Error::CrossSlot)
    );
    for key in [&x, &y] {
        assert_eq!(
            c.send(Cmd::new("EXISTS").arg(key)).await,
            Ok(Value::Integer(0)),
            "{key} was written"
        );
    }
    // Refused and accepted commands submitted together each get their own answer (the
    // refused one frees its request slot before the driver has taken its reply).
    let (refused, fine) = futures_lite::future::zip(
        c.send(Cmd::new("SUNION").arg(&x).arg(&y)),
        c.send(Cmd::new("EXISTS").arg(&x)),
    )
    .await;
    assert_eq!(refused, Err(Error::CrossSlot));
    assert_eq!(fine, Ok(Value::Integer(0)));
    // With a shared hash tag the same commands are fine.
    let (tx, ty) = (format!("{{xs}}{x}"), format!("{{xs}}{y}"));
    assert_eq!(
        c.send(Cmd::new("MSET").arg(&tx).arg(1).arg(&ty).arg(2))
            .await,
        Ok(ok())
    );
    assert_eq!(
        c.send(Cmd::new("MGET").arg(&tx).arg(&ty)).await,
        Ok(Value::Array(vec![bulk("1"), bulk("2")]))
    );
}

/// DBSIZE sums the primaries (not the replicas), KEYS concatenates them, FLUSHALL empties
/// every primary, PING answers once for all.
async fn fan_out<F: Flavor>(cluster: &RedisCluster) {
    let c = connect::<F>(cluster, Protocol::Resp3).await;
    assert_eq!(c.send(Cmd::new("FLUSHALL")).await, Ok(ok()));
    assert_eq!(c.send(Cmd::new("DBSIZE")).await, Ok(Value::Integer(0)));
    assert_eq!(
        c.send(Cmd::new("PING")).await,
        Ok(Value::SimpleString("PONG".into()))
    );

    let shards = slot_per_primary(cluster);
    let per_shard = 30;
    let mut names = BTreeSet::new();
    for (_, slot) in &shards {
        for i in 0..per_shard {
            let key = key_in_slot(*slot, &format!("fan:{}:{i}", F::NAME));
            c.send(Cmd::new("SET").arg(&key).arg(i)).await.unwrap();
            names.insert(key);
        }
    }
    let total = (shards.len() * per_shard) as i64;
    assert_eq!(c.send(Cmd::new("DBSIZE")).await, Ok(Value::Integer(total)));
    // Each primary holds its share, seen on the client's own connection to it.
    for (primary, _) in &shards {
        let own = c.send_to(&client_addr(primary), Cmd::new("DBSIZE")).await;
        assert_eq!(
            own,
            Ok(Value::Integer(per_shard as i64)),
            "node {}",
            primary.index()
        );
    }
    let keys = c
        .send(Cmd::new("KEYS").arg(format!("*fan:{}:*", F::NAME)))
        .await
        .unwrap();
    let got: BTreeSet<String> = keys
        .as_slice()
        .expect("KEYS gives an array")
        .iter()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(got, names);

    assert_eq!(c.send(Cmd::new("FLUSHALL")).await, Ok(ok()));
    assert_eq!(c.send(Cmd::new("DBSIZE")).await, Ok(Value::Integer(0)));
    for (primary, _) in &shards {
        let own = cluster.send(primary, &Cmd::new("DBSIZE")).unwrap();
        assert_eq!(
            own,
            Value::Integer(0),
            "node {} was not flushed",
            primary.index()
        );
    }
}

/// `send_to` runs a command on the node named, over the client's own connection (its
/// handshake set the client name), and returns that node's answer — MOVED included.
async fn send_to<F: Flavor>(cluster: &RedisCluster) {
    let c = connect::<F>(cluster, Protocol::Resp3).await;
    for node in cluster.live_nodes() {
        let addr = client_addr(&node);
        let id = c.send_to(&addr, Cmd::new("CLUSTER").arg("MYID")).await;
        assert_eq!(id, Ok(bulk(node.id())), "{addr}");
        let name = c.send_to(&addr, Cmd::new("CLIENT").arg("GETNAME")).await;
        assert_eq!(name, Ok(bulk("keyslot-tests")), "{addr}");
    }
    let replica = &cluster.replicas().unwrap()[0];
    let info = c
        .send_to(&client_addr(replica), Cmd::new("INFO").arg("replication"))
        .await
        .unwrap();
    let text = String::from_utf8_lossy(info.as_bytes().unwrap()).into_owned();
    assert!(text.contains("role:slave"), "{text}");

    // A key the node does not own: its own answer is MOVED, not followed.
    let shards = slot_per_primary(cluster);
    let (owner, slot) = &shards[0];
    let (elsewhere, _) = &shards[1];
    let key = key_in_slot(*slot, "send-to");
    let moved = c
        .send_to(&client_addr(elsewhere), Cmd::new("GET").arg(&key))
        .await;
    let expected = format!("MOVED {slot} {}", client_addr(owner));
    assert!(
        server_error(&moved, &expected),
        "{moved:?}, expected {expected}"
    );
    assert_eq!(
        c.send_to(&client_addr(owner), Cmd::new("GET").arg(&key))
            .await,
        c.send(Cmd::new("GET").arg(&key)).await
    );
}
