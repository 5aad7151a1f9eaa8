//! Multi-key commands whose keys span slots: one part per slot, one combined reply.

use super::*;

/// Keys on each of the three shards of [`three_shards`], two per shard.
fn keys_on_every_shard() -> Vec<String> {
    let mut keys = Vec::new();
    for node in ["10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000"] {
        keys.extend(
            (0..)
                .map(|i| alloc::format!("k{i}"))
                .filter(|k| primary_of(k) == node)
                .take(2),
        );
    }
    keys
}

/// Accept each shard's connection and return what it was sent.
fn parts_sent(net: &mut Net) -> Vec<(ConnId, Vec<Vec<String>>)> {
    ["10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000"]
        .iter()
        .map(|node| {
            let conn = net.ensure_accepted(node);
            (conn, net.take_sent(conn))
        })
        .collect()
}

#[test]
fn mget_over_three_shards_is_one_part_per_slot_and_one_reply_in_key_order() {
    let mut net = ready_client(Config::default());
    // Interleaved so that the reply has to be put back in order.
    let k = keys_on_every_shard();
    let order = [
        k[0].clone(),
        k[2].clone(),
        k[4].clone(),
        k[1].clone(),
        k[5].clone(),
    ];
    let id = net.submit(Cmd::new("MGET").arg(&order[..]));
    for (conn, sent) in parts_sent(&mut net) {
        let mut values = Vec::new();
        for cmd in &sent {
            assert_eq!(cmd[0], "MGET");
            // Each part's keys share one slot (k0 and k1 may differ: one part each).
            for key in &cmd[1..] {
                values.push(if key == &k[4] {
                    Value::Null
                } else {
                    bulk(&alloc::format!("v-{key}"))
                });
            }
        }
        // One reply per part on this connection, in order.
        let mut at = 0;
        for cmd in &sent {
            let n = cmd.len() - 1;
            net.reply(conn, &Value::Array(values[at..at + n].to_vec()));
            at += n;
        }
    }
    let want: Vec<Value> = order
        .iter()
        .map(|key| {
            if key == &k[4] {
                Value::Null
            } else {
                bulk(&alloc::format!("v-{key}"))
            }
        })
        .collect();
    assert_eq!(net.single(id), &Ok(Value::Array(want)));
}

#[test]
fn del_counts_are_summed_and_mset_is_ok_when_every_part_is() {
    let mut net = ready_client(Config::default());
    let k = keys_on_every_shard();
    let del = net.submit(Cmd::new("DEL").arg(&k[..]));
    for (conn, sent) in parts_sent(&mut net) {
        for cmd in &sent {
            assert_eq!(cmd[0], "DEL");
            net.reply(conn, &Value::Integer((cmd.len() - 1) as i64));
        }
    }
    assert_eq!(net.single(del), &Ok(Value::Integer(6)));

    let pairs: Vec<(&str, i32)> = k.iter().map(|key| (key.as_str(), 1)).collect();
    let mset = net.submit(Cmd::new("MSET").arg(&pairs[..]));
    for (conn, sent) in parts_sent(&mut net) {
        for cmd in &sent {
            assert_eq!(cmd[0], "MSET");
            assert_eq!(cmd.len() % 2, 1, "keys with their values: {cmd:?}");
            net.reply(conn, &ok());
        }
    }
    assert_eq!(net.single(mset), &Ok(ok()));
}

#[test]
fn a_failing_part_fails_the_reply_and_unsplittable_commands_stay_refused() {
    let mut net = ready_client(Config::default());
    let k = keys_on_every_shard();
    let exists = net.submit(Cmd::new("EXISTS").arg(&k[..]));
    for (conn, sent) in parts_sent(&mut net) {
        for _ in &sent {
            if conn == net.conn_to("10.0.0.2:7000") {
                net.reply(
                    conn,
                    &error("LOADING Redis is loading the dataset in memory"),
                );
            } else {
                net.reply(conn, &Value::Integer(1));
            }
        }
    }
    // LOADING is retried; the part is answered on a later attempt.
    for _ in 0..50 {
        if net.replies.contains_key(&exists) {
            break;
        }
        net.advance(Duration::from_millis(20));
        let conn = net.conn_to("10.0.0.2:7000");
        for _ in net.take_sent(conn) {
            net.reply(
                conn,
                &error("NOPERM this user has no permissions to access one of the keys"),
            );
        }
    }
    let got = net.single(exists).clone();
    assert_eq!(
        got.as_ref().map_err(|e| e.server_error().map(|s| s.kind())),
        Err(Some(ServerErrorKind::NoPerm)),
        "{got:?}"
    );
    for cmd in [
        Cmd::new("MSETNX").arg(&k[0]).arg(1).arg(&k[2]).arg(2),
        Cmd::new("SUNION").arg(&k[0]).arg(&k[2]),
    ] {
        let id = net.submit(cmd);
        assert_eq!(net.single(id), &Err(Error::CrossSlot));
    }
    // One slot: not split, sent as it is.
    let id = net.submit(Cmd::new("MGET").arg(&k[0]).arg(&k[0]));
    let conn = net.conn_to("10.0.0.1:7000");
    assert_eq!(net.take_sent(conn).len(), 1);
    net.reply(conn, &Value::Array(alloc::vec![Value::Null, Value::Null]));
    assert!(net.single(id).is_ok());
}
