//! The client-side cache in the machine: tracking in the handshake, hits without a round
//! trip, and every event that drops what it holds.

use super::*;

fn caching() -> Config {
    Config {
        cache: Some(CacheConfig::default()),
        ..Config::default()
    }
}

/// Accept a connection and answer `CLIENT TRACKING ON`, which follows HELLO.
fn accept_tracking(net: &mut Net, a: &str) -> ConnId {
    let conn = net.accept(a);
    assert_eq!(net.take_sent(conn), [["CLIENT", "TRACKING", "ON"]]);
    net.reply(conn, &ok());
    conn
}

/// A caching client on [`three_shards`]; `foo` lives on 10.0.0.3.
fn cached_client() -> Net {
    let mut net = Net::new(caching(), &["seed:6379"]);
    let seed = accept_tracking(&mut net, "seed:6379");
    learn_three_shards(&mut net, seed);
    net
}

const FOO: &str = "10.0.0.3:7000";

/// A key on `node` other than foo's slot, or on any other node (`on_node` false).
fn key_where(on_node: bool) -> &'static str {
    ["b", "c", "d", "e", "f", "g", "h"]
        .into_iter()
        .find(|k| (primary_of(k) == FOO) == on_node && crate::key_slot(k.as_bytes()) != 12182)
        .expect("a key")
}

fn invalidate(keys: &[&str]) -> Vec<u8> {
    let mut out = alloc::format!(">2\r\n$10\r\ninvalidate\r\n*{}\r\n", keys.len());
    for k in keys {
        out.push_str(&alloc::format!("${}\r\n{k}\r\n", k.len()));
    }
    out.into_bytes()
}

/// `GET foo` read once from the node (answered `v1`) and so cached; the node's connection.
fn foo_cached() -> (Net, ConnId) {
    let mut net = cached_client();
    let first = net.submit(Cmd::new("GET").arg("foo"));
    let conn = accept_tracking(&mut net, FOO);
    assert_eq!(net.take_sent(conn), [["GET", "foo"]]);
    net.reply(conn, &bulk("v1"));
    assert_eq!(net.single(first), &Ok(bulk("v1")));
    (net, conn)
}

/// Submit `GET foo`: whether it went to the node (else the cache answered `v1`).
fn get_foo_is_sent(net: &mut Net, conn: ConnId) -> bool {
    let id = net.submit(Cmd::new("GET").arg("foo"));
    let sent = net.take_sent(conn);
    if sent.is_empty() {
        assert_eq!(net.single(id), &Ok(bulk("v1")));
        return false;
    }
    assert_eq!(sent, [["GET", "foo"]]);
    true
}

#[test]
fn a_cached_read_is_answered_without_a_round_trip() {
    let (mut net, conn) = foo_cached();
    assert!(!get_foo_is_sent(&mut net, conn));
    assert!(!get_foo_is_sent(&mut net, conn));
    let m = net.cluster.metrics().cache.expect("a cache is configured");
    assert_eq!((m.hits, m.misses, m.fills, m.entries), (2, 1, 1, 1));
    // Another command on the key is its own entry.
    net.submit(Cmd::new("STRLEN").arg("foo"));
    assert_eq!(net.take_sent(conn), [["STRLEN", "foo"]]);
}

#[test]
fn an_invalidation_push_drops_the_key() {
    let (mut net, conn) = foo_cached();
    net.data(conn, &invalidate(&["foo"]));
    assert!(get_foo_is_sent(&mut net, conn));
    net.reply(conn, &bulk("v1"));
    assert!(
        !get_foo_is_sent(&mut net, conn),
        "the new reply is cached again"
    );
}

#[test]
fn a_reply_that_crossed_its_keys_invalidation_is_not_cached() {
    let mut net = cached_client();
    // A connection to another node, which will carry the push.
    let a = key_where(false);
    net.submit(Cmd::new("GET").arg(a));
    let other = accept_tracking(&mut net, primary_of(a));
    net.take_sent(other);
    net.reply(other, &bulk("x"));
    let first = net.submit(Cmd::new("GET").arg("foo"));
    let conn = accept_tracking(&mut net, FOO);
    net.take_sent(conn);
    // An invalidation of foo arrives while its read is on its way.
    net.data(other, &invalidate(&["foo"]));
    net.reply(conn, &bulk("old"));
    assert_eq!(
        net.single(first),
        &Ok(bulk("old")),
        "the caller still gets it"
    );
    assert!(get_foo_is_sent(&mut net, conn));
    assert_eq!(net.cluster.metrics().cache.unwrap().fills_refused, 1);
}

#[test]
fn this_clients_own_write_drops_the_key_when_it_is_submitted() {
    let (mut net, conn) = foo_cached();
    net.submit(Cmd::new("SET").arg("foo").arg("v2"));
    assert_eq!(net.take_sent(conn), [["SET", "foo", "v2"]]);
    // Before the SET's reply and the server's push: the read goes to the node.
    assert!(get_foo_is_sent(&mut net, conn));
}

#[test]
fn writes_in_a_transaction_or_to_a_node_drop_their_keys_too() {
    let (mut net, conn) = foo_cached();
    let tx = Request::Transaction(alloc::vec![Cmd::new("INCR").arg("foo")]);
    net.cluster.submit(tx, (), net.now);
    net.drain();
    assert_eq!(net.take_sent(conn).len(), 3, "MULTI, INCR, EXEC");
    assert!(get_foo_is_sent(&mut net, conn));
    net.reply(conn, &ok());
    net.reply(conn, &Value::SimpleString(Bytes::from_static(b"QUEUED")));
    net.reply(conn, &Value::Array(alloc::vec![Value::Integer(2)]));
    net.reply(conn, &bulk("v1"));
    // The read was on its way when the transaction's reply dropped foo again: not kept.
    assert!(get_foo_is_sent(&mut net, conn));
    net.reply(conn, &bulk("v1"));
    assert!(!get_foo_is_sent(&mut net, conn));
    net.cluster.submit(
        Request::ToNode(addr(FOO), Cmd::new("DEL").arg("foo")),
        (),
        net.now,
    );
    net.drain();
    assert_eq!(net.take_sent(conn), [["DEL", "foo"]]);
    assert!(get_foo_is_sent(&mut net, conn));
}

#[test]
fn a_keyless_write_or_an_unknown_command_drops_everything() {
    for cmd in [Cmd::new("FLUSHALL"), Cmd::new("MODULE.WRITE").arg("foo")] {
        let (mut net, conn) = foo_cached();
        net.submit(cmd);
        net.take_sent(conn);
        assert!(get_foo_is_sent(&mut net, conn));
    }
}

#[test]
fn a_flush_push_drops_everything_read_on_that_connection() {
    let (mut net, conn) = foo_cached();
    net.data(conn, b">2\r\n$10\r\ninvalidate\r\n_\r\n");
    assert!(get_foo_is_sent(&mut net, conn));
}

#[test]
fn a_lost_connection_takes_what_was_read_on_it() {
    let (mut net, conn) = foo_cached();
    net.cluster.handle_closed(conn, net.now);
    net.drain();
    net.submit(Cmd::new("GET").arg("foo"));
    net.advance(Duration::from_millis(500));
    let again = accept_tracking(&mut net, FOO);
    assert_ne!(again, conn);
    assert_eq!(net.take_sent(again), [["GET", "foo"]]);
}

#[test]
fn a_redirect_for_the_slot_drops_its_keys() {
    // To a node of the view, and to one it does not list yet (a rediscovery must find it
    // first, but the slot's entries are suspect at once).
    let redirects = [
        ("MOVED", "10.0.0.1:7000"),
        ("ASK", "10.0.0.1:7000"),
        ("MOVED", "10.0.0.9:7000"),
        ("ASK", "10.0.0.9:7000"),
    ];
    for (redirect, target) in redirects {
        let (mut net, conn) = foo_cached();
        let bar = key_where(true); // another slot's entry, on the same node
        net.submit(Cmd::new("GET").arg(bar));
        assert_eq!(net.take_sent(conn), [["GET", bar]]);
        net.reply(conn, &bulk("b"));
        // `{foo}x` shares foo's slot, 12182.
        net.submit(Cmd::new("GET").arg("{foo}x"));
        assert_eq!(net.take_sent(conn), [["GET", "{foo}x"]]);
        net.reply(conn, &error(&alloc::format!("{redirect} 12182 {target}")));
        let m = net.cluster.metrics().cache.unwrap();
        assert_eq!(m.entries, 1, "{redirect} {target}: foo is gone, bar stays");
        let id = net.submit(Cmd::new("GET").arg("foo"));
        assert!(
            !net.replies.contains_key(&id),
            "{redirect} {target}: not answered from the cache"
        );
    }
}

/// Run the periodic rediscovery, every node asked answering `slots` (by CLUSTER SLOTS).
fn rediscover(net: &mut Net, slots: &Value) {
    net.advance(Duration::from_secs(61));
    for _ in 0..3 {
        for (conn, _) in net.connects.clone() {
            if net.is_connecting(conn) {
                net.connected(conn);
                if net.take_sent(conn).first().is_some_and(|c| c[0] == "HELLO") {
                    net.fixture(conn, "hello3.resp3");
                    net.take_sent(conn);
                    net.reply(conn, &ok());
                }
            }
        }
        let asked: Vec<ConnId> = net
            .sent
            .iter()
            .filter(|(_, cmds)| cmds.iter().any(|c| c[0] == "CLUSTER"))
            .map(|(c, _)| *c)
            .collect();
        for conn in asked {
            for cmd in net.take_sent(conn) {
                match cmd[1].as_str() {
                    "SHARDS" => net.reply(conn, &error("ERR unknown subcommand 'SHARDS'.")),
                    _ => net.reply(conn, slots),
                }
            }
        }
    }
}

#[test]
fn a_new_view_keeps_only_what_its_nodes_still_serve() {
    let (mut net, conn) = foo_cached();
    rediscover(&mut net, &three_shards());
    assert!(
        !get_foo_is_sent(&mut net, conn),
        "the same view: the entry stays"
    );
    // A failover of foo's shard: 10.0.0.6 is its primary now.
    let failed_over = cluster_slots(&[
        (0, 5460, "10.0.0.1:7000", &["10.0.0.4:7000"]),
        (5461, 10922, "10.0.0.2:7000", &["10.0.0.5:7000"]),
        (10923, 16383, "10.0.0.6:7000", &["10.0.0.3:7000"]),
    ]);
    rediscover(&mut net, &failed_over);
    assert_eq!(net.cluster.slot_owner(12182), Some(&addr("10.0.0.6:7000")));
    let m = net.cluster.metrics().cache.unwrap();
    assert_eq!(m.entries, 0, "read from a node demoted since");
}

#[test]
fn a_view_that_puts_a_slot_back_where_it_was_before_a_moved_drops_its_keys() {
    let (mut net, conn) = foo_cached();
    net.submit(Cmd::new("GET").arg("{foo}x"));
    assert_eq!(net.take_sent(conn), [["GET", "{foo}x"]]);
    net.reply(conn, &error("MOVED 12182 10.0.0.1:7000"));
    let one = accept_tracking(&mut net, "10.0.0.1:7000");
    assert_eq!(net.take_sent(one), [["GET", "{foo}x"]]);
    net.reply(one, &bulk("x"));
    // Read again, from where the MOVED pointed.
    net.submit(Cmd::new("GET").arg("foo"));
    assert_eq!(net.take_sent(one), [["GET", "foo"]]);
    net.reply(one, &bulk("v1"));
    assert!(!get_foo_is_sent(&mut net, one), "cached from 10.0.0.1");
    // The cluster's view never changed: a rediscovery puts the slot back on 10.0.0.3.
    rediscover(&mut net, &three_shards());
    assert_eq!(net.cluster.slot_owner(12182), Some(&addr(FOO)));
    let m = net.cluster.metrics().cache.unwrap();
    assert_eq!(
        m.entries, 0,
        "read from a node that no longer serves the slot"
    );
}

#[test]
fn reads_the_table_does_not_call_deterministic_single_key_are_never_cached() {
    let mut net = cached_client();
    let reads = [
        Cmd::new("TTL").arg("foo"),
        Cmd::new("SRANDMEMBER").arg("foo"),
        Cmd::new("SORT_RO").arg("foo"),
        Cmd::new("MGET").arg("foo").arg("{foo}x"),
    ];
    let mut conn = None;
    for round in 0..2 {
        for cmd in &reads {
            let id = net.submit(cmd.clone());
            let c = *conn.get_or_insert_with(|| accept_tracking(&mut net, FOO));
            assert_eq!(net.take_sent(c).len(), 1, "{cmd:?} in round {round}");
            net.reply(c, &Value::Integer(1));
            assert!(net.single(id).is_ok());
        }
    }
    let m = net.cluster.metrics().cache.unwrap();
    assert_eq!((m.hits, m.misses, m.entries), (0, 0, 0));
}

#[test]
fn a_connection_that_refuses_tracking_works_and_caches_nothing() {
    let mut net = cached_client();
    let id = net.submit(Cmd::new("GET").arg("foo"));
    let conn = net.accept(FOO);
    assert_eq!(net.take_sent(conn), [["CLIENT", "TRACKING", "ON"]]);
    net.reply(
        conn,
        &error("NOPERM this user has no permissions to run 'client'"),
    );
    assert_eq!(net.take_sent(conn), [["GET", "foo"]]);
    net.reply(conn, &bulk("v1"));
    assert_eq!(net.single(id), &Ok(bulk("v1")));
    assert!(get_foo_is_sent(&mut net, conn));
    assert_eq!(net.cluster.metrics().cache.unwrap().entries, 0);
}

#[test]
fn resp2_connections_do_not_ask_for_tracking() {
    let config = Config {
        protocol: Protocol::Resp2,
        ..caching()
    };
    let mut net = Net::new(config, &["seed:6379"]);
    let seed = net.conn_to("seed:6379");
    net.connected(seed);
    assert_eq!(net.take_sent(seed), [["CLUSTER", "SHARDS"]]);
}

/// A caching client on [`three_shards`] that reads from replicas.
fn replica_reading_client() -> Net {
    let config = Config {
        read_from: ReadFrom::RoundRobinReplicas,
        ..caching()
    };
    let mut net = Net::new(config, &["seed:6379"]);
    let seed = accept_tracking(&mut net, "seed:6379");
    learn_three_shards(&mut net, seed);
    net
}

#[test]
fn replicas_track_after_readonly_and_their_reads_are_cached() {
    let mut net = replica_reading_client();
    let first = net.submit(Cmd::new("GET").arg("foo"));
    let replica = net.accept("10.0.0.6:7000");
    assert_eq!(
        net.take_sent(replica),
        [
            alloc::vec!["READONLY"],
            alloc::vec!["CLIENT", "TRACKING", "ON"]
        ]
    );
    net.reply(replica, &ok());
    net.reply(replica, &ok());
    assert_eq!(net.take_sent(replica), [["GET", "foo"]]);
    net.reply(replica, &bulk("v1"));
    assert_eq!(net.single(first), &Ok(bulk("v1")));
    assert!(!get_foo_is_sent(&mut net, replica));
}

#[test]
fn a_read_answered_before_this_clients_write_ran_does_not_outlive_the_writes_reply() {
    let mut net = replica_reading_client();
    let set = net.submit(Cmd::new("SET").arg("foo").arg("v2"));
    let primary = accept_tracking(&mut net, FOO);
    assert_eq!(net.take_sent(primary), [["SET", "foo", "v2"]]);
    // Sent after the write, answered by a replica that has not seen it yet.
    let read = net.submit(Cmd::new("GET").arg("foo"));
    let replica = net.accept("10.0.0.6:7000");
    net.take_sent(replica);
    net.reply(replica, &ok());
    net.reply(replica, &ok());
    assert_eq!(net.take_sent(replica), [["GET", "foo"]]);
    net.reply(replica, &bulk("v1"));
    assert_eq!(net.single(read), &Ok(bulk("v1")), "a read racing a write");
    net.reply(primary, &ok());
    assert_eq!(net.single(set), &Ok(ok()));
    // The caller holds the write's reply: its next read must not be the old value.
    let again = net.submit(Cmd::new("GET").arg("foo"));
    assert!(
        !net.replies.contains_key(&again),
        "not answered from the cache"
    );
    assert_eq!(net.take_sent(replica), [["GET", "foo"]]);
}
