//! Bootstrap, handshake and authentication.

use super::*;

#[test]
fn bootstraps_from_one_seed_with_real_replies_and_routes() {
    let mut net = Net::new(Config::default(), &["127.0.0.21:6379"]);
    // A command submitted before the topology is known waits for it.
    let get = net.submit(Cmd::new("GET").arg("foo"));
    let seed = net.accept("127.0.0.21:6379");
    assert_eq!(net.take_sent(seed), [["CLUSTER", "SHARDS"]]);
    net.fixture(seed, "cluster-shards.ip.resp3");
    let topology = net.cluster.topology().expect("a view");
    assert_eq!(topology.shards().len(), 3);
    assert!(net.events.iter().any(|e| matches!(
        e,
        Event::TopologyChanged {
            slots_moved: 16384,
            primaries_after: 3,
            ..
        }
    )));
    // foo is slot 12182, owned by 127.0.0.23 in this cluster (moved.ip.resp2 says so too).
    assert_eq!(
        net.cluster.slot_owner(12182),
        Some(&addr("127.0.0.23:6379"))
    );
    let owner = net.accept("127.0.0.23:6379");
    assert_eq!(net.take_sent(owner), [["GET", "foo"]]);
    net.data(owner, b"$3\r\nbar\r\n");
    assert_eq!(net.single(get), &Ok(bulk("bar")));
    assert_eq!(net.cluster.pending_requests(), 0);
}

#[test]
fn unknown_endpoints_behind_a_configuration_name_are_each_nodes_ip() {
    let mut net = Net::new(Config::default(), &["cfg.example:6379"]);
    let seed = net.accept("cfg.example:6379");
    net.take_sent(seed);
    net.fixture(seed, "cluster-shards.unknown-endpoint.resp2");
    // No endpoints: each node at its own ip, never the configuration name asked.
    assert_eq!(net.cluster.slot_owner(0), Some(&addr("127.0.0.21:6379")));
    assert_eq!(
        net.cluster.slot_owner(16383),
        Some(&addr("127.0.0.23:6379"))
    );
    assert!(
        net.closed.contains(&seed),
        "the seed connection serves no node: closed"
    );
    let get = net.submit(Cmd::new("GET").arg("k"));
    let owner = net.accept("127.0.0.22:6379");
    assert_eq!(net.take_sent(owner), [["GET", "k"]]);
    net.data(owner, b"$-1\r\n");
    assert_eq!(net.single(get), &Ok(Value::Null));
}

#[test]
fn unreachable_seeds_are_tried_in_turn_and_the_error_names_each() {
    let mut net = Net::new(Config::default(), &["a:1", "b:2"]);
    let get = net.submit(Cmd::new("GET").arg("k"));
    let a = net.conn_to("a:1");
    net.cluster
        .handle_connect_failed(a, "connection refused", net.now);
    net.drain();
    let b = net.conn_to("b:2");
    net.connected(b);
    net.take_sent(b);
    net.fixture(b, "hello3.resp3");
    net.take_sent(b);
    net.fixture(b, "not-cluster.resp2");
    let Err(Error::NoReachableSeed { attempts }) = net.single(get) else {
        panic!("{:?}", net.single(get))
    };
    assert_eq!(attempts.len(), 2);
    assert_eq!(
        (attempts[0].addr.clone(), attempts[0].reason.as_str()),
        (addr("a:1"), "connection refused")
    );
    assert_eq!(attempts[1].addr, addr("b:2"));
    assert!(
        attempts[1].reason.contains("cluster support disabled"),
        "{}",
        attempts[1].reason
    );
    // Bootstrap is tried again after a backoff, on fresh connections (names resolved anew).
    let before = net.connects.len();
    net.advance(Duration::from_secs(2));
    assert!(net.connects.len() > before);
}

#[test]
fn a_wrong_password_fails_at_once_and_is_not_retried() {
    let config = Config {
        password: Some("wrong".into()),
        ..Config::default()
    };
    let mut net = Net::new(config, &["seed:6379"]);
    let get = net.submit(Cmd::new("GET").arg("k"));
    let seed = net.conn_to("seed:6379");
    net.connected(seed);
    let hello = net.take_sent(seed);
    assert_eq!(hello, [["HELLO", "3", "AUTH", "default", "wrong"]]);
    net.fixture(seed, "hello-auth-wrong.resp2");
    let Err(Error::Auth { addr: a, message }) = net.single(get) else {
        panic!("{:?}", net.single(get))
    };
    assert_eq!(*a, addr("seed:6379"));
    assert!(message.starts_with(b"WRONGPASS"));
    assert!(net.closed.contains(&seed));
}

/// `CLUSTER SHARDS` (RESP2) as a TLS cluster answers it: one shard, its primary on plain
/// port 7000 and TLS port 7443 (the reply lists both, whatever the asking connection).
fn shards_with_plain_and_tls_ports() -> Value {
    let node = Value::Array(alloc::vec![
        bulk("id"),
        bulk("0123456789012345678901234567890123456789"),
        bulk("port"),
        Value::Integer(7000),
        bulk("tls-port"),
        Value::Integer(7443),
        bulk("ip"),
        bulk("10.0.0.1"),
        bulk("endpoint"),
        bulk("10.0.0.1"),
        bulk("role"),
        bulk("master"),
        bulk("replication-offset"),
        Value::Integer(0),
        bulk("health"),
        bulk("online"),
    ]);
    let shard = Value::Array(alloc::vec![
        bulk("slots"),
        Value::Array(alloc::vec![Value::Integer(0), Value::Integer(16383)]),
        bulk("nodes"),
        Value::Array(alloc::vec![node]),
    ]);
    Value::Array(alloc::vec![shard])
}

#[test]
fn tls_clients_connect_to_the_tls_ports_that_cluster_shards_lists() {
    for (tls, port) in [(true, 7443), (false, 7000)] {
        let config = Config {
            tls,
            ..Config::default()
        };
        let mut net = Net::new(config, &["cfg.example:7443"]);
        let seed = net.accept("cfg.example:7443");
        assert_eq!(net.take_sent(seed), [["CLUSTER", "SHARDS"]]);
        net.reply(seed, &shards_with_plain_and_tls_ports());
        let want = Addr::new("10.0.0.1", port);
        assert_eq!(net.cluster.slot_owner(0), Some(&want), "tls: {tls}");
        net.submit(Cmd::new("GET").arg("k"));
        assert_eq!(
            net.connects.last().map(|(_, a)| a),
            Some(&want),
            "tls: {tls}"
        );
    }
}

#[test]
fn a_topology_query_refused_for_lack_of_credentials_is_an_auth_error() {
    // RESP2 without a password sends no AUTH: the first command, the topology query, meets
    // the server's NOAUTH. That is the server requiring credentials, not an unreachable seed.
    let config = Config {
        protocol: Protocol::Resp2,
        ..Config::default()
    };
    let mut net = Net::new(config, &["seed:6379"]);
    let get = net.submit(Cmd::new("GET").arg("k"));
    let seed = net.conn_to("seed:6379");
    net.connected(seed);
    assert_eq!(net.take_sent(seed), [["CLUSTER", "SHARDS"]]);
    net.fixture(seed, "noauth.resp2");
    let Err(Error::Auth { addr: a, message }) = net.single(get) else {
        panic!("{:?}", net.single(get))
    };
    assert_eq!(*a, addr("seed:6379"));
    assert!(message.starts_with(b"NOAUTH"));
    assert!(matches!(
        net.cluster.bootstrap_error(),
        Some(Error::Auth { .. })
    ));
}

#[test]
fn servers_without_hello_get_resp2_auth_and_setname() {
    let config = Config {
        username: Some("app".into()),
        password: Some("secret".into()),
        client_name: Some("svc".into()),
        ..Config::default()
    };
    let mut net = Net::new(config, &["seed:6379"]);
    let seed = net.conn_to("seed:6379");
    net.connected(seed);
    assert_eq!(
        net.take_sent(seed),
        [["HELLO", "3", "AUTH", "app", "secret", "SETNAME", "svc"]]
    );
    net.reply(
        seed,
        &error("ERR unknown command 'HELLO', with args beginning with: '3'"),
    );
    assert_eq!(
        net.take_sent(seed),
        [
            alloc::vec!["AUTH", "app", "secret"],
            alloc::vec!["CLIENT", "SETNAME", "svc"]
        ]
    );
    net.reply(seed, &ok());
    assert!(
        net.take_sent(seed).is_empty(),
        "not ready before SETNAME answers"
    );
    net.reply(seed, &ok());
    assert_eq!(net.take_sent(seed), [["CLUSTER", "SHARDS"]]);
}

#[test]
fn replica_connections_send_readonly_before_commands() {
    let mut net = ready_client(Config::default());
    // SCRIPT LOAD goes to every node, replicas included.
    let load = net.submit(Cmd::new("SCRIPT").arg("LOAD").arg("return 1"));
    let replica = net.conn_to("10.0.0.4:7000");
    net.connected(replica);
    assert_eq!(net.take_sent(replica)[0][0], "HELLO");
    net.fixture(replica, "hello3.resp3");
    assert_eq!(net.take_sent(replica), [["READONLY"]]);
    net.reply(replica, &ok());
    assert_eq!(net.take_sent(replica), [["SCRIPT", "LOAD", "return 1"]]);
    assert!(!net.replies.contains_key(&load));
}

#[test]
fn a_handshake_refused_for_another_reason_than_credentials_reports_the_servers_words() {
    const REFUSAL: &str = "ERR Client names cannot contain spaces, newlines or special characters.";
    let config = Config {
        client_name: Some("has space".into()),
        ..Config::default()
    };
    let mut net = Net::new(config, &["a:1", "b:2"]);
    let get = net.submit(Cmd::new("GET").arg("k"));
    for seed in ["a:1", "b:2"] {
        let conn = net.conn_to(seed);
        net.connected(conn);
        assert_eq!(
            net.take_sent(conn),
            [["HELLO", "3", "SETNAME", "has space"]]
        );
        net.reply(conn, &error(REFUSAL));
        assert!(
            net.closed.contains(&conn),
            "{seed}: the connection is dropped"
        );
    }
    let Err(Error::NoReachableSeed { attempts }) = net.single(get) else {
        panic!("{:?}", net.single(get))
    };
    assert_eq!(attempts.len(), 2);
    for attempt in attempts {
        assert_eq!(
            attempt.reason,
            alloc::format!("the server refused the handshake: {REFUSAL}"),
            "{}",
            attempt.addr
        );
    }
    let shown = net.cluster.bootstrap_error().map(ToString::to_string);
    assert!(
        shown.as_deref().is_some_and(|s| s.contains(REFUSAL)),
        "{shown:?}"
    );
}

#[test]
fn debug_of_the_machine_never_shows_the_handshakes_credentials() {
    let config = Config {
        username: Some("app".into()),
        password: Some("hunter2".into()),
        ..Config::default()
    };
    let now = Instant::from_micros(1_000_000);
    let mut cluster: Cluster = Cluster::new(config, alloc::vec![addr("seed:6379")], now);
    let conn = loop {
        match cluster.poll_output() {
            Output::Connect { conn, .. } => break conn,
            Output::Timeout(_) => panic!("the seed is never connected"),
            _ => {}
        }
    };
    cluster.handle_connected(conn, now);
    // The HELLO with the password waits in the connection's buffer, unwritten; then part of
    // it is written (the rest stays, the written part too until the buffer is reset).
    assert!(cluster.transmit(conn).windows(7).any(|w| w == b"hunter2"));
    let unwritten = alloc::format!("{cluster:?}");
    cluster.handle_written(conn, 5);
    let partly_written = alloc::format!("{cluster:?}");
    for shown in [unwritten, partly_written] {
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(
            !shown.contains("104, 117, 110"),
            "the bytes of 'hun': {shown}"
        );
        assert!(shown.contains(" bytes>"), "{shown}");
    }
}

/// A driver hears of readiness as outputs: an error after each failed discovery round while
/// there is no view, and `Ok` once, when the first view takes effect.
#[test]
fn readiness_is_an_output_after_each_failed_round_and_once_for_the_first_view() {
    let mut net = Net::new(Config::default(), &["seed:6379"]);
    let seed = net.conn_to("seed:6379");
    net.cluster
        .handle_connect_failed(seed, "connection refused", net.now);
    net.drain();
    let [Err(Error::NoReachableSeed { attempts })] = net.readiness.as_slice() else {
        panic!("{:?}", net.readiness)
    };
    assert_eq!(attempts[0].reason, "connection refused");
    net.advance(Duration::from_secs(2)); // the next round, after its backoff
    let again = net.accept("seed:6379");
    assert_ne!(again, seed);
    learn_three_shards(&mut net, again);
    assert_eq!(net.readiness.len(), 2, "{:?}", net.readiness);
    assert_eq!(net.readiness[1], Ok(()));
    assert!(net.cluster.is_ready());
    // Later views say nothing more.
    net.advance(Duration::from_secs(120));
    net.drain();
    assert_eq!(net.readiness.len(), 2);
}
