//! MOVED, ASK, retries and the redirect limit.

use super::*;

/// `foo` is slot 12182: owned by 10.0.0.3 in [`three_shards`].
fn get_foo(net: &mut Net) -> (RequestId, ConnId) {
    let id = net.submit(Cmd::new("GET").arg("foo"));
    let owner = net.accept("10.0.0.3:7000");
    assert_eq!(net.take_sent(owner), [["GET", "foo"]]);
    (id, owner)
}

#[test]
fn moved_updates_the_slot_retries_there_and_schedules_rediscovery() {
    let mut net = ready_client(Config::default());
    let queries = net.topology_queries();
    let (id, owner) = get_foo(&mut net);
    net.reply(owner, &error("MOVED 12182 10.0.0.2:7000"));
    assert_eq!(net.cluster.slot_owner(12182), Some(&addr("10.0.0.2:7000")));
    let target = net.accept("10.0.0.2:7000");
    let sent = net.take_sent(target);
    assert!(
        sent.contains(&alloc::vec!["GET".to_string(), "foo".to_string()]),
        "{sent:?}"
    );
    net.data(target, b"$1\r\nv\r\n");
    assert_eq!(net.single(id), &Ok(bulk("v")));
    // The bootstrap just ran: the rediscovery waits for the rate limit, then runs.
    assert_eq!(net.topology_queries(), queries);
    net.advance(Duration::from_secs(1));
    assert!(net.events.iter().any(|e| matches!(
        e,
        Event::RefreshStarted {
            trigger: RefreshTrigger::Moved
        }
    )));
    assert!(
        net.topology_queries() > queries,
        "a rediscovery asked the cluster"
    );
}

#[test]
fn ask_sends_asking_once_and_leaves_the_map_alone() {
    // The hostname-mode cluster of the fixtures: foo's slot 12182 is on node3, and the ASK
    // the real server sent during a migration names node2.
    let mut net = Net::new(Config::default(), &["node1.keyslot.test:6379"]);
    let seed = net.accept("node1.keyslot.test:6379");
    net.take_sent(seed);
    net.fixture(seed, "cluster-shards.hostname.resp2");
    let id = net.submit(Cmd::new("GET").arg("foo"));
    let owner = net.accept("node3.keyslot.test:6379");
    assert_eq!(net.take_sent(owner), [["GET", "foo"]]);
    net.fixture(owner, "ask.hostname.resp2"); // ASK 12182 node2.keyslot.test:6379
    let target = net.accept("node2.keyslot.test:6379");
    assert_eq!(
        net.take_sent(target),
        [alloc::vec!["ASKING"], alloc::vec!["GET", "foo"]]
    );
    assert_eq!(
        net.cluster.slot_owner(12182),
        Some(&addr("node3.keyslot.test:6379")),
        "ASK never changes the map"
    );
    net.reply(target, &ok());
    net.fixture(target, "asking-then-get.resp2");
    assert_eq!(net.single(id), &Ok(Value::Null));
    // The next command for the slot goes to the owner again, without ASKING.
    net.submit(Cmd::new("GET").arg("foo"));
    assert_eq!(net.take_sent(owner), [["GET", "foo"]]);
}

#[test]
fn tryagain_waits_a_backoff_then_retries_the_same_node() {
    let mut net = ready_client(Config::default());
    let id = net.submit(Cmd::new("MGET").arg("{foo}present").arg("{foo}absent"));
    let owner = net.accept("10.0.0.3:7000");
    net.take_sent(owner);
    net.fixture(owner, "tryagain.resp2");
    assert!(
        net.take_sent(owner).is_empty(),
        "no retry before the backoff"
    );
    assert!(net.events.iter().any(|e| matches!(
        e,
        Event::Retrying {
            reason: RetryReason::TryAgain,
            ..
        }
    )));
    net.advance(Duration::from_millis(20));
    assert_eq!(
        net.take_sent(owner),
        [["MGET", "{foo}present", "{foo}absent"]]
    );
    net.reply(owner, &Value::Array(alloc::vec![bulk("1"), Value::Null]));
    assert_eq!(
        net.single(id),
        &Ok(Value::Array(alloc::vec![bulk("1"), Value::Null]))
    );
}

#[test]
fn clusterdown_is_retried_and_triggers_rediscovery() {
    let mut net = ready_client(Config::default());
    let (id, owner) = get_foo(&mut net);
    net.fixture(owner, "clusterdown.resp2");
    assert!(net.events.iter().any(|e| matches!(
        e,
        Event::RefreshStarted {
            trigger: RefreshTrigger::ClusterDown
        }
    ) || matches!(
        e,
        Event::Retrying {
            reason: RetryReason::ClusterDown,
            ..
        }
    )));
    net.advance(Duration::from_millis(20));
    let sent = net.take_sent(owner);
    assert!(
        sent.contains(&alloc::vec!["GET".to_string(), "foo".to_string()]),
        "{sent:?}"
    );
    assert!(!net.replies.contains_key(&id));
}

#[test]
fn a_redirect_loop_stops_at_the_limit_with_the_trail() {
    let config = Config {
        max_redirects: 3,
        ..Config::default()
    };
    let mut net = ready_client(config);
    let (id, a) = get_foo(&mut net);
    let b_addr = "10.0.0.1:7000";
    net.reply(a, &error(&alloc::format!("MOVED 12182 {b_addr}")));
    let b = net.accept(b_addr);
    for round in 0..3 {
        let (from, to) = if round % 2 == 0 {
            (b, "10.0.0.3:7000")
        } else {
            (a, b_addr)
        };
        // Bounces back to a visited node wait a backoff before being sent.
        net.advance(Duration::from_millis(400));
        let sent = net.take_sent(from);
        assert!(
            sent.iter().any(|c| c[0] == "GET"),
            "round {round}: {sent:?}"
        );
        net.reply(from, &error(&alloc::format!("MOVED 12182 {to}")));
    }
    let Err(Error::TooManyRedirects { trail }) = net.single(id) else {
        panic!("{:?}", net.single(id))
    };
    assert_eq!(trail.len(), 4);
    assert_eq!(trail[0], addr("10.0.0.3:7000"));
    assert_eq!(trail[1], addr(b_addr));
}

#[test]
fn readonly_from_a_demoted_primary_rediscovers_then_retries() {
    let mut net = ready_client(Config::default());
    let id = net.submit(Cmd::new("SET").arg("foo").arg("v"));
    let old = net.accept("10.0.0.3:7000");
    net.take_sent(old);
    net.reply(
        old,
        &error("READONLY You can't write against a read only replica."),
    );
    net.advance(Duration::from_millis(200));
    assert!(net.events.iter().any(|e| matches!(
        e,
        Event::RefreshStarted {
            trigger: RefreshTrigger::ReadOnly
        }
    )));
    // Answer the rediscovery on whichever connections it used: 10.0.0.6 is now primary.
    let failed_over = cluster_slots(&[
        (0, 5460, "10.0.0.1:7000", &[]),
        (5461, 10922, "10.0.0.2:7000", &[]),
        (10923, 16383, "10.0.0.6:7000", &["10.0.0.3:7000"]),
    ]);
    answer_rediscovery(&mut net, &failed_over);
    assert_eq!(net.cluster.slot_owner(12182), Some(&addr("10.0.0.6:7000")));
    let new = net.ensure_accepted("10.0.0.6:7000");
    let sent = net.take_sent(new);
    assert!(
        sent.contains(&alloc::vec!["SET".to_string(), "foo".into(), "v".into()]),
        "{sent:?}"
    );
    net.reply(new, &ok());
    assert_eq!(net.single(id), &Ok(ok()));
}

/// Answer every outstanding topology query with `view`, accepting connections as needed.
pub(crate) fn answer_rediscovery(net: &mut Net, view: &Value) {
    for _ in 0..4 {
        let pending: Vec<(ConnId, Addr)> = net.connects.clone();
        for (conn, a) in pending {
            if net.is_connecting(conn) {
                net.accept(&a.to_string());
            }
            let sent = net.take_sent(conn);
            for cmd in &sent {
                if cmd[0] == "CLUSTER" {
                    net.reply(conn, view);
                } else {
                    // Put back what the test did not ask about.
                    net.sent.entry(conn).or_default().push(cmd.clone());
                }
            }
        }
    }
}

#[test]
fn a_moved_back_to_a_visited_node_waits_a_backoff_instead_of_bouncing() {
    let mut net = ready_client(Config::default());
    let (_id, a) = get_foo(&mut net);
    net.reply(a, &error("MOVED 12182 10.0.0.1:7000"));
    let b = net.accept("10.0.0.1:7000");
    assert_eq!(
        net.take_sent(b).len(),
        1,
        "a first MOVED is followed at once"
    );
    net.reply(b, &error("MOVED 12182 10.0.0.3:7000"));
    assert!(net.take_sent(a).is_empty(), "the bounce back waits");
    net.advance(Duration::from_millis(20));
    assert_eq!(net.take_sent(a), [["GET", "foo"]]);
}
