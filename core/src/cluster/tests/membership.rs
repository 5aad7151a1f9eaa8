//! Redirect targets checked against the cluster's view: strangers are never connected to,
//! empty hosts are resolved through the view, members are followed at once.

use super::redirects::answer_rediscovery;
use super::*;

const STRANGER: &str = "10.9.9.9:7000";

/// GET foo (slot 12182) sent to its owner in [`three_shards`], answered with `redirect`.
fn get_foo_redirected(net: &mut Net, redirect: &str) -> (RequestId, ConnId) {
    let id = net.submit(Cmd::new("GET").arg("foo"));
    let owner = net.accept("10.0.0.3:7000");
    assert_eq!(net.take_sent(owner), [["GET", "foo"]]);
    net.reply(owner, &error(redirect));
    (id, owner)
}

fn connected_to(net: &Net, a: &str) -> bool {
    let a = addr(a);
    net.connects.iter().any(|(_, x)| *x == a)
}

/// Let the rediscovery the redirect asked for run (it waits out the short interval, 200 ms
/// and some jitter) and answer it with `view`.
fn rediscover(net: &mut Net, view: &Value) {
    let rounds = net.cluster.refresh.completed;
    for _ in 0..10 {
        net.advance(Duration::from_millis(100));
        answer_rediscovery(net, view);
        if net.cluster.refresh.completed > rounds {
            return;
        }
    }
    panic!("no rediscovery finished");
}

/// Whether `conn` was sent `GET foo` since the test last looked; other commands are put back.
fn took_get_foo(net: &mut Net, conn: ConnId) -> bool {
    let sent = net.take_sent(conn);
    let found = sent.iter().any(|c| *c == ["GET", "foo"]);
    let rest: Vec<Vec<String>> = sent.into_iter().filter(|c| *c != ["GET", "foo"]).collect();
    if !rest.is_empty() {
        net.sent.insert(conn, rest);
    }
    found
}

/// `CLUSTER SHARDS` with IP endpoints: `(first, last, primary, replicas)` per shard.
pub(crate) fn cluster_shards(shards: &[(u16, u16, &str, &[&str])]) -> Value {
    let node = |a: &str, role: &str| {
        let a = addr(a);
        Value::Array(alloc::vec![
            bulk("id"),
            bulk(&alloc::format!("id-{a}")),
            bulk("port"),
            Value::Integer(i64::from(a.port)),
            bulk("ip"),
            bulk(&a.host),
            bulk("endpoint"),
            bulk(&a.host),
            bulk("role"),
            bulk(role),
            bulk("health"),
            bulk("online"),
        ])
    };
    Value::Array(
        shards
            .iter()
            .map(|(first, last, primary, replicas)| {
                let mut nodes = alloc::vec![node(primary, "master")];
                nodes.extend(replicas.iter().map(|r| node(r, "replica")));
                Value::Array(alloc::vec![
                    bulk("slots"),
                    Value::Array(alloc::vec![
                        Value::Integer(i64::from(*first)),
                        Value::Integer(i64::from(*last))
                    ]),
                    bulk("nodes"),
                    Value::Array(nodes),
                ])
            })
            .collect(),
    )
}

/// [`three_shards`] as `CLUSTER SHARDS` says it.
fn three_shards_listed() -> Value {
    cluster_shards(&[
        (0, 5460, "10.0.0.1:7000", &["10.0.0.4:7000"]),
        (5461, 10922, "10.0.0.2:7000", &["10.0.0.5:7000"]),
        (10923, 16383, "10.0.0.3:7000", &["10.0.0.6:7000"]),
    ])
}

/// A client on [`three_shards`] whose views come from `CLUSTER SHARDS`, which lists every
/// member.
fn shards_client() -> Net {
    let mut net = Net::new(Config::default(), &["seed:6379"]);
    let seed = net.accept("seed:6379");
    assert_eq!(net.take_sent(seed), [["CLUSTER", "SHARDS"]]);
    net.reply(seed, &three_shards_listed());
    assert!(net.cluster.topology().is_some());
    net
}

#[test]
fn a_moved_to_a_stranger_is_never_connected_and_fails_after_a_fresh_view() {
    let mut net = shards_client();
    let (id, owner) = get_foo_redirected(&mut net, &alloc::format!("MOVED 12182 {STRANGER}"));
    assert!(!connected_to(&net, STRANGER), "{:?}", net.connects);
    assert_eq!(
        net.cluster.slot_owner(12182),
        Some(&addr("10.0.0.3:7000")),
        "nothing learnt from a stranger"
    );
    assert!(!net.replies.contains_key(&id), "it waits for the view");
    rediscover(&mut net, &three_shards_listed());
    assert!(net.events.iter().any(|e| matches!(
        e,
        Event::RefreshStarted {
            trigger: RefreshTrigger::UnknownNode
        }
    )));
    // The view still does not list it: the command goes by its slot, and the same answer
    // now fails it.
    assert!(took_get_foo(&mut net, owner));
    net.reply(owner, &error(&alloc::format!("MOVED 12182 {STRANGER}")));
    assert_eq!(
        net.single(id),
        &Err(Error::NotInCluster {
            from: addr("10.0.0.3:7000"),
            to: addr(STRANGER),
        })
    );
    assert!(!connected_to(&net, STRANGER), "{:?}", net.connects);
}

#[test]
fn an_ask_to_a_stranger_is_never_connected_either() {
    let mut net = shards_client();
    let (id, owner) = get_foo_redirected(&mut net, &alloc::format!("ASK 12182 {STRANGER}"));
    rediscover(&mut net, &three_shards_listed());
    assert!(took_get_foo(&mut net, owner));
    net.reply(owner, &error(&alloc::format!("ASK 12182 {STRANGER}")));
    assert!(matches!(net.single(id), Err(Error::NotInCluster { .. })));
    assert!(!connected_to(&net, STRANGER), "{:?}", net.connects);
}

/// `CLUSTER SLOTS` leaves out a node that owns no slot (one importing its first): a target
/// it does not list may be a member, so the command bounces through fresh views until the
/// redirect limit — and is never sent there.
#[test]
fn behind_cluster_slots_an_unlisted_target_bounces_until_the_limit() {
    let mut net = ready_client(Config::default());
    let (id, owner) = get_foo_redirected(&mut net, &alloc::format!("ASK 12182 {STRANGER}"));
    for _ in 0..Config::default().max_redirects {
        rediscover(&mut net, &three_shards());
        assert!(took_get_foo(&mut net, owner));
        net.reply(owner, &error(&alloc::format!("ASK 12182 {STRANGER}")));
    }
    let Err(Error::TooManyRedirects { trail }) = net.single(id) else {
        panic!("{:?}", net.single(id))
    };
    assert!(
        trail.iter().all(|a| *a == addr("10.0.0.3:7000")),
        "{trail:?}"
    );
    assert!(!connected_to(&net, STRANGER), "{:?}", net.connects);
}

#[test]
fn a_moved_to_a_node_that_joined_is_followed_once_the_view_lists_it() {
    let mut net = ready_client(Config::default());
    let joined = "10.0.0.7:7000";
    let (id, _) = get_foo_redirected(&mut net, &alloc::format!("MOVED 12182 {joined}"));
    assert!(!connected_to(&net, joined), "not before the view lists it");
    let grown = cluster_slots(&[
        (0, 5460, "10.0.0.1:7000", &["10.0.0.4:7000"]),
        (5461, 10922, "10.0.0.2:7000", &["10.0.0.5:7000"]),
        (10923, 12000, "10.0.0.3:7000", &["10.0.0.6:7000"]),
        (12001, 16383, joined, &[]),
    ]);
    rediscover(&mut net, &grown);
    let conn = net.ensure_accepted(joined);
    assert!(took_get_foo(&mut net, conn));
    net.data(conn, b"$1\r\nv\r\n");
    assert_eq!(net.single(id), &Ok(bulk("v")));
}

#[test]
fn a_redirect_to_a_seed_is_followed_at_once() {
    // The seed is trusted (the caller gave it), though the view names nodes differently.
    let mut net = ready_client(Config::default());
    let (id, _) = get_foo_redirected(&mut net, "MOVED 12182 seed:6379");
    let seed = net.accept("seed:6379");
    assert!(took_get_foo(&mut net, seed));
    net.data(seed, b"$1\r\nv\r\n");
    assert_eq!(net.single(id), &Ok(bulk("v")));
}

#[test]
fn a_question_mark_host_is_resolved_through_the_view() {
    let mut net = ready_client(Config::default());
    let (id, _) = get_foo_redirected(&mut net, "MOVED 12182 ?:7000");
    assert!(!connected_to(&net, "?:7000"));
    let moved = cluster_slots(&[
        (0, 5460, "10.0.0.1:7000", &[]),
        (5461, 10922, "10.0.0.2:7000", &[]),
        (10923, 16383, "10.0.0.6:7000", &[]),
    ]);
    rediscover(&mut net, &moved);
    let conn = net.ensure_accepted("10.0.0.6:7000");
    assert!(took_get_foo(&mut net, conn));
    net.data(conn, b"$-1\r\n");
    assert_eq!(net.single(id), &Ok(Value::Null));
}

/// `CLUSTER SHARDS` as `unknown-endpoint` mode sends it: every endpoint empty, each node's
/// address in `ip`; one primary per `(first, last, ip)`, all on port 6379.
fn shards_without_endpoints(primaries: &[(u16, u16, &str)]) -> Value {
    Value::Array(
        primaries
            .iter()
            .map(|(first, last, ip)| {
                let node = Value::Array(alloc::vec![
                    bulk("id"),
                    bulk(&alloc::format!("id-{ip}")),
                    bulk("port"),
                    Value::Integer(6379),
                    bulk("ip"),
                    bulk(ip),
                    bulk("endpoint"),
                    bulk(""),
                    bulk("role"),
                    bulk("master"),
                    bulk("health"),
                    bulk("online"),
                ]);
                Value::Array(alloc::vec![
                    bulk("slots"),
                    Value::Array(alloc::vec![
                        Value::Integer(i64::from(*first)),
                        Value::Integer(i64::from(*last))
                    ]),
                    bulk("nodes"),
                    Value::Array(alloc::vec![node]),
                ])
            })
            .collect(),
    )
}

/// The shape: six nodes on 127.0.0.21-26, all on 6379, reached through one name, in
/// `unknown-endpoint` mode. `MOVED 12182 :6379` names no node: neither the configuration
/// name nor the node that said it; the command goes where the next view puts the slot.
#[test]
fn an_empty_host_behind_a_configuration_name_is_resolved_through_the_view() {
    let mut net = Net::new(Config::default(), &["cfg.example:6379"]);
    let seed = net.accept("cfg.example:6379");
    net.take_sent(seed);
    net.fixture(seed, "cluster-shards.unknown-endpoint.resp2");
    let id = net.submit(Cmd::new("GET").arg("foo"));
    let owner = net.accept("127.0.0.23:6379");
    assert_eq!(net.take_sent(owner), [["GET", "foo"]]);
    let connects = net.connects.len();
    net.fixture(owner, "moved.unknown-endpoint.resp2"); // MOVED 12182 :6379
    assert_eq!(
        net.connects.len(),
        connects,
        "no connection to the configuration name nor to anyone else: {:?}",
        net.connects
    );
    assert!(!took_get_foo(&mut net, owner), "not sent back to itself");
    let moved = shards_without_endpoints(&[(0, 5460, "127.0.0.21"), (5461, 16383, "127.0.0.22")]);
    rediscover(&mut net, &moved);
    assert_eq!(
        net.connects
            .iter()
            .filter(|(_, a)| *a == addr("cfg.example:6379"))
            .count(),
        1,
        "only the bootstrap asked the configuration name"
    );
    let conn = net.ensure_accepted("127.0.0.22:6379");
    assert!(took_get_foo(&mut net, conn));
    net.data(conn, b"$1\r\nv\r\n");
    assert_eq!(net.single(id), &Ok(bulk("v")));
}

/// Nodes on one host with a port each (what `unknown-endpoint` was made for): `:port` is
/// the host this connection uses, and that is a node of the view: followed at once.
#[test]
fn an_empty_host_naming_another_listed_node_is_followed_at_once() {
    let on_one_host = |port: i64| {
        Value::Array(alloc::vec![
            Value::Null,
            Value::Integer(port),
            bulk(&alloc::format!("id-{port}")),
            Value::Map(alloc::vec![(bulk("ip"), bulk("127.0.0.1"))]),
        ])
    };
    let view = Value::Array(alloc::vec![
        Value::Array(alloc::vec![
            Value::Integer(0),
            Value::Integer(8191),
            on_one_host(7001)
        ]),
        Value::Array(alloc::vec![
            Value::Integer(8192),
            Value::Integer(16383),
            on_one_host(7002)
        ]),
    ]);
    let mut net = Net::new(Config::default(), &["127.0.0.1:7001"]);
    let seed = net.accept("127.0.0.1:7001");
    net.take_sent(seed);
    net.reply(seed, &error("ERR unknown subcommand 'SHARDS'"));
    assert_eq!(net.take_sent(seed), [["CLUSTER", "SLOTS"]]);
    net.reply(seed, &view);
    let id = net.submit(Cmd::new("GET").arg("foo"));
    let owner = net.ensure_accepted("127.0.0.1:7002");
    assert!(took_get_foo(&mut net, owner));
    net.reply(owner, &error("MOVED 12182 :7001"));
    assert_eq!(net.cluster.slot_owner(12182), Some(&addr("127.0.0.1:7001")));
    assert!(
        took_get_foo(&mut net, seed),
        "followed without a rediscovery"
    );
    net.data(seed, b"$1\r\nv\r\n");
    assert_eq!(net.single(id), &Ok(bulk("v")));
}

/// The three-shard cluster after shard 3 (10.0.0.3 and its replica 10.0.0.6) was scaled in:
/// its slots went to 10.0.0.2.
fn scaled_in() -> Value {
    cluster_slots(&[
        (0, 5460, "10.0.0.1:7000", &["10.0.0.4:7000"]),
        (5461, 16383, "10.0.0.2:7000", &["10.0.0.5:7000"]),
    ])
}

/// A client with a ready connection to each primary of [`three_shards`]. Requests here wait
/// for their replies longer than a stall timeout on purpose: no stall is meant.
fn connected_to_every_primary() -> (Net, [ConnId; 3]) {
    let mut net = ready_client(Config {
        stall_timeout: Some(Duration::from_secs(60)),
        ..Config::default()
    });
    let mut conns = Vec::new();
    for (range, node) in [
        (0..5461, "10.0.0.1:7000"),
        (5461..10923, "10.0.0.2:7000"),
        (10923..16384, "10.0.0.3:7000"),
    ] {
        let key = super::rediscovery::key_in(range);
        let id = net.submit(Cmd::new("GET").arg(&key));
        let conn = net.accept(node);
        assert_eq!(net.take_sent(conn), [["GET", key.as_str()]]);
        net.data(conn, b"$-1\r\n");
        assert_eq!(net.single(id), &Ok(Value::Null));
        conns.push(conn);
    }
    (net, [conns[0], conns[1], conns[2]])
}

/// Start a rediscovery (a MOVED between two listed nodes asks for one) and let its round
/// begin: every connected primary is asked.
fn start_rediscovery(net: &mut Net, conns: [ConnId; 3]) {
    let key = super::rediscovery::key_in(0..5461);
    let id = net.submit(Cmd::new("GET").arg(&key));
    assert_eq!(net.take_sent(conns[0]), [["GET", key.as_str()]]);
    let slot = crate::key_slot(key.as_bytes());
    net.reply(
        conns[0],
        &error(&alloc::format!("MOVED {slot} 10.0.0.2:7000")),
    );
    assert_eq!(net.take_sent(conns[1]), [["GET", key.as_str()]]);
    net.data(conns[1], b"$-1\r\n");
    assert_eq!(net.single(id), &Ok(Value::Null));
    net.advance(Duration::from_secs(1));
    for conn in conns {
        let sent = net.take_sent(conn);
        assert!(sent.iter().any(|c| c[0] == "CLUSTER"), "{conn:?}: {sent:?}");
    }
}

#[test]
fn a_departed_node_s_idle_connection_closes_with_the_new_view() {
    let (mut net, conns) = connected_to_every_primary();
    start_rediscovery(&mut net, conns);
    // The departing node still reports the old view; the others outvote it.
    net.reply(conns[2], &three_shards());
    net.reply(conns[0], &scaled_in());
    assert!(!net.closed.contains(&conns[2]));
    net.reply(conns[1], &scaled_in());
    assert_eq!(net.cluster.slot_owner(12182), Some(&addr("10.0.0.2:7000")));
    assert!(net.closed.contains(&conns[2]), "idle: closed with the view");
    for gone in ["10.0.0.3:7000", "10.0.0.6:7000"] {
        assert!(
            !net.cluster.routing.node_index.contains_key(&addr(gone)),
            "{gone} is forgotten"
        );
    }
    assert_eq!(net.cluster.routing.free_nodes.len(), 2);
    // Bounded by the nodes listed (4) plus the seed.
    assert!(net.cluster.connection_count() <= 4 + 1);
    assert_eq!(net.cluster.connection_count(), 2);
}

#[test]
fn a_departed_node_s_connection_serves_its_requests_in_flight_then_closes() {
    let (mut net, conns) = connected_to_every_primary();
    let pending = net.submit(Cmd::new("GET").arg("foo"));
    assert_eq!(net.take_sent(conns[2]), [["GET", "foo"]]);
    start_rediscovery(&mut net, conns);
    net.reply(conns[0], &scaled_in());
    net.reply(conns[1], &scaled_in());
    assert_eq!(net.cluster.slot_owner(12182), Some(&addr("10.0.0.2:7000")));
    assert!(
        !net.closed.contains(&conns[2]),
        "a request is in flight on it"
    );
    assert!(
        net.cluster
            .routing
            .node_index
            .contains_key(&addr("10.0.0.3:7000")),
        "its node's entry stays while its connection does"
    );
    assert!(!net
        .cluster
        .routing
        .node_index
        .contains_key(&addr("10.0.0.6:7000")));
    // Nothing new goes there: a command for its old slots goes to the new owner.
    let other = net.submit(Cmd::new("GET").arg("foo"));
    assert!(took_get_foo(&mut net, conns[1]));
    net.data(conns[1], b"$1\r\nw\r\n");
    assert_eq!(net.single(other), &Ok(bulk("w")));
    // Its replies arrive: the request in flight gets its answer, then the connection goes.
    net.data(conns[2], b"$1\r\nv\r\n");
    assert_eq!(net.single(pending), &Ok(bulk("v")));
    assert!(!net.closed.contains(&conns[2]), "one more reply expected");
    net.reply(conns[2], &scaled_in());
    assert!(net.closed.contains(&conns[2]));
    assert!(!net
        .cluster
        .routing
        .node_index
        .contains_key(&addr("10.0.0.3:7000")));
    assert_eq!(net.cluster.connection_count(), 2);

    // A node that joins later takes a freed entry, and is routed to as itself.
    let vacant = net.cluster.routing.free_nodes.len();
    let joined = cluster_slots(&[
        (0, 5460, "10.0.0.1:7000", &["10.0.0.4:7000"]),
        (5461, 10922, "10.0.0.2:7000", &["10.0.0.5:7000"]),
        (10923, 16383, "10.0.0.8:7000", &[]),
    ]);
    let id = net.submit(Cmd::new("GET").arg("foo"));
    assert!(took_get_foo(&mut net, conns[1]));
    net.reply(conns[1], &error("MOVED 12182 10.0.0.8:7000"));
    rediscover(&mut net, &joined);
    assert_eq!(net.cluster.routing.free_nodes.len(), vacant - 1);
    let new = net.ensure_accepted("10.0.0.8:7000");
    assert!(took_get_foo(&mut net, new));
    net.data(new, b"$1\r\nx\r\n");
    assert_eq!(net.single(id), &Ok(bulk("x")));
}
