//! Read-from policies: reads to replicas (after READONLY), writes to primaries, fallbacks.

use super::*;

/// `foo` hashes to slot 12182: primary 10.0.0.3, replicas 10.0.0.6 and 10.0.0.7.
fn two_replica_client(config: Config) -> Net {
    let mut net = Net::new(config, &["seed:6379"]);
    let seed = net.accept("seed:6379");
    net.take_sent(seed);
    net.reply(seed, &error("ERR unknown subcommand 'SHARDS'."));
    net.take_sent(seed);
    net.reply(seed, &two_replica_slots("10.0.0.2:7000", "10.0.0.5:7000"));
    net
}

/// The `CLUSTER SLOTS` of [`two_replica_client`], with the second shard's primary and
/// replica given (to swap them for a failover).
fn two_replica_slots(second: &str, second_replica: &str) -> Value {
    cluster_slots(&[
        (0, 5460, "10.0.0.1:7000", &["10.0.0.4:7000"]),
        (5461, 10922, second, &[second_replica]),
        (
            10923,
            16383,
            "10.0.0.3:7000",
            &["10.0.0.6:7000", "10.0.0.7:7000"],
        ),
    ])
}

/// Accept a replica connection: HELLO, then READONLY.
fn accept_replica(net: &mut Net, a: &str) -> ConnId {
    let conn = net.accept(a);
    let sent = net.take_sent(conn);
    assert_eq!(
        sent.first().map(|c| c[0].as_str()),
        Some("READONLY"),
        "{sent:?}"
    );
    net.reply(conn, &ok());
    conn
}

fn read(net: &mut Net) -> RequestId {
    net.submit(Cmd::new("GET").arg("foo"))
}

fn round_robin() -> Config {
    Config {
        read_from: ReadFrom::RoundRobinReplicas,
        ..Config::default()
    }
}

/// A round-robin client whose first read went to replica 10.0.0.6 and waits there.
fn read_waiting_on_the_first_replica() -> (Net, RequestId, ConnId) {
    let mut net = two_replica_client(round_robin());
    let id = read(&mut net);
    let r6 = accept_replica(&mut net, "10.0.0.6:7000");
    assert_eq!(net.take_sent(r6), [["GET", "foo"]]);
    (net, id, r6)
}

#[test]
fn round_robin_alternates_replicas_and_writes_stay_on_the_primary() {
    let (mut net, first, r6) = read_waiting_on_the_first_replica();
    net.reply(r6, &bulk("v"));
    assert_eq!(net.single(first), &Ok(bulk("v")));
    read(&mut net);
    let r7 = accept_replica(&mut net, "10.0.0.7:7000");
    assert_eq!(net.take_sent(r7), [["GET", "foo"]]);
    read(&mut net);
    assert_eq!(net.take_sent(r6), [["GET", "foo"]], "back to the first");
    net.submit(Cmd::new("SET").arg("foo").arg("1"));
    let primary = net.accept("10.0.0.3:7000");
    assert_eq!(net.take_sent(primary), [["SET", "foo", "1"]]);
}

#[test]
fn a_loading_replica_is_set_aside_and_the_read_goes_elsewhere() {
    let (mut net, id, r6) = read_waiting_on_the_first_replica();
    net.reply(r6, &error("LOADING Redis is loading the dataset in memory"));
    net.advance(Duration::from_millis(400));
    let r7 = accept_replica(&mut net, "10.0.0.7:7000");
    assert_eq!(net.take_sent(r7), [["GET", "foo"]]);
    net.reply(r7, &bulk("v"));
    assert_eq!(net.single(id), &Ok(bulk("v")));
}

#[test]
fn without_replicas_reads_go_to_the_primary() {
    let mut net = Net::new(
        Config {
            read_from: ReadFrom::PreferReplica,
            ..Config::default()
        },
        &["seed:6379"],
    );
    let seed = net.accept("seed:6379");
    net.take_sent(seed);
    net.reply(seed, &error("ERR unknown subcommand 'SHARDS'."));
    net.take_sent(seed);
    net.reply(seed, &cluster_slots(&[(0, 16383, "10.0.0.3:7000", &[])]));
    let id = read(&mut net);
    let primary = net.accept("10.0.0.3:7000");
    assert_eq!(net.take_sent(primary), [["GET", "foo"]]);
    net.reply(primary, &bulk("x"));
    assert_eq!(net.single(id), &Ok(bulk("x")));
}

#[test]
fn same_zone_reads_use_the_configured_zones() {
    let mut net = two_replica_client(Config {
        read_from: ReadFrom::SameZone,
        client_zone: Some("az-a".into()),
        node_zones: alloc::vec![
            (addr("10.0.0.6:7000"), "az-b".into()),
            (addr("10.0.0.7:7000"), "az-a".into()),
            (addr("10.0.0.3:7000"), "az-b".into()),
        ],
        ..Config::default()
    });
    for _ in 0..3 {
        read(&mut net);
    }
    let r7 = accept_replica(&mut net, "10.0.0.7:7000");
    assert_eq!(
        net.take_sent(r7).len(),
        3,
        "every read on the same-zone replica"
    );
    assert!(
        !net.connects
            .iter()
            .any(|(_, a)| *a == addr("10.0.0.6:7000")),
        "the other zone is never used"
    );
}

#[test]
fn same_zone_learns_zones_from_info_server() {
    let mut net = two_replica_client(Config {
        read_from: ReadFrom::SameZone,
        client_zone: Some("az-a".into()),
        ..Config::default()
    });
    let first = read(&mut net);
    // Zones unknown: every node of the shard is asked; meanwhile the read goes by the
    // fallback order (any replica before the primary).
    let info = |zone: &str| {
        bulk(&alloc::format!(
            "# Server\r\nredis_version:8.0.0\r\navailability_zone:{zone}\r\n"
        ))
    };
    let r6 = accept_replica(&mut net, "10.0.0.6:7000");
    assert_eq!(net.take_sent(r6), [["INFO", "SERVER"], ["GET", "foo"]]);
    net.reply(r6, &info("az-b"));
    net.reply(r6, &bulk("v"));
    assert_eq!(net.single(first), &Ok(bulk("v")));
    let r7 = accept_replica(&mut net, "10.0.0.7:7000");
    assert_eq!(net.take_sent(r7), [["INFO", "SERVER"]]);
    net.reply(r7, &info("az-a"));
    let primary = net.accept("10.0.0.3:7000");
    assert_eq!(net.take_sent(primary), [["INFO", "SERVER"]]);
    net.reply(primary, &info("az-c"));
    for _ in 0..3 {
        read(&mut net);
    }
    assert_eq!(
        net.take_sent(r7).len(),
        3,
        "the same-zone replica, once known"
    );
    assert!(net.take_sent(r6).is_empty());
}

#[test]
fn lowest_latency_prefers_the_node_that_answers_fastest() {
    let mut net = two_replica_client(Config {
        read_from: ReadFrom::LowestLatency,
        ..Config::default()
    });
    // Measure each node once: the unmeasured go first.
    let mut conns = BTreeMap::new();
    for (i, (node, millis)) in [
        ("10.0.0.3:7000", 9u64),
        ("10.0.0.6:7000", 1),
        ("10.0.0.7:7000", 5),
    ]
    .into_iter()
    .enumerate()
    {
        let _ = i;
        read(&mut net);
        let conn = net.conns_opened_to(node);
        net.advance(Duration::from_millis(millis));
        net.reply(conn, &bulk("v"));
        conns.insert(node, conn);
    }
    let mut to_fast = 0;
    for _ in 0..64 {
        read(&mut net);
        let c = conns["10.0.0.6:7000"];
        let sent = net.take_sent(c).len();
        to_fast += sent;
        for other in ["10.0.0.3:7000", "10.0.0.7:7000"] {
            let n = net.take_sent(conns[other]).len();
            if n > 0 {
                net.reply(conns[other], &bulk("v"));
            }
        }
        if sent > 0 {
            net.advance(Duration::from_millis(1));
            net.reply(c, &bulk("v"));
        }
    }
    assert!(to_fast >= 56, "{to_fast} of 64 reads on the fastest node");
}

impl Net {
    /// The connection to `a`, accepted (with READONLY for replicas) if new; clears its log.
    fn conns_opened_to(&mut self, a: &str) -> ConnId {
        let conn = self.conn_to(a);
        if self.is_connecting(conn) {
            self.accept(a);
            let sent = self.take_sent(conn);
            if sent.first().is_some_and(|c| c[0] == "READONLY") {
                self.reply(conn, &ok());
            }
        }
        self.take_sent(conn);
        conn
    }
}

#[test]
fn a_replica_that_redirects_a_read_sends_it_to_the_primary_named() {
    let (mut net, id, r6) = read_waiting_on_the_first_replica();
    let slot = crate::key_slot(b"foo");
    net.reply(r6, &error(&alloc::format!("MOVED {slot} 10.0.0.3:7000")));
    let primary = net.accept("10.0.0.3:7000");
    assert_eq!(
        net.take_sent(primary),
        [["GET", "foo"]],
        "not another replica"
    );
    net.reply(primary, &bulk("v"));
    assert_eq!(net.single(id), &Ok(bulk("v")));
}

/// ASK names the primary importing the slot; its replicas know nothing of the migration, so
/// `ASKING` and the read go to that primary.
#[test]
fn a_read_asked_elsewhere_goes_to_the_importing_primary_not_its_replica() {
    let (mut net, id, r6) = read_waiting_on_the_first_replica();
    let slot = crate::key_slot(b"foo");
    net.reply(r6, &error(&alloc::format!("ASK {slot} 10.0.0.2:7000")));
    let importing = net.accept("10.0.0.2:7000");
    let sent = net.take_sent(importing);
    assert_eq!(sent, [alloc::vec!["ASKING"], alloc::vec!["GET", "foo"]]);
    assert!(
        !net.connects
            .iter()
            .any(|(_, a)| *a == addr("10.0.0.5:7000")),
        "no connection to the importing primary's replica"
    );
    net.reply(importing, &ok());
    net.reply(importing, &bulk("v"));
    assert_eq!(net.single(id), &Ok(bulk("v")));
}

#[test]
fn a_connection_to_a_demoted_primary_gets_readonly_before_reads() {
    let mut net = two_replica_client(Config {
        refresh_fanout: 1,
        ..round_robin()
    });
    // 10.0.0.2 is a primary: its connection has no READONLY.
    net.submit(Cmd::new("SET").arg("c").arg(1));
    let old = net.accept(primary_of("c"));
    net.take_sent(old);
    net.reply(old, &ok());
    assert_eq!(primary_of("c"), "10.0.0.2:7000");
    // A new view: 10.0.0.5 took over, 10.0.0.2 is its replica.
    net.advance(Duration::from_secs(61));
    let query = net
        .sent
        .iter()
        .find(|(_, cmds)| cmds.iter().any(|c| c[0] == "CLUSTER"))
        .map(|(c, _)| *c)
        .expect("a periodic rediscovery");
    net.take_sent(query);
    net.reply(query, &two_replica_slots("10.0.0.5:7000", "10.0.0.2:7000"));
    net.drain();
    net.submit(Cmd::new("GET").arg("c"));
    let sent = net.take_sent(old);
    assert_eq!(sent[0], ["READONLY"]);
    assert_eq!(sent[1], ["GET", "c"]);
}
