//! Rediscovery: coalescing, rate limits, majority views, uncovered slots.

use super::redirects::answer_rediscovery;
use super::*;

#[test]
fn a_moved_storm_costs_at_most_two_topology_queries_per_node_per_second() {
    let mut net = ready_client(Config::default());
    let owner = net.accept_for(Cmd::new("GET").arg("foo"), "10.0.0.3:7000");
    let before = net.topology_queries();
    let mut per_node: BTreeMap<String, usize> = BTreeMap::new();
    // 10,000 MOVED replies spread over one second of virtual time.
    for i in 0..10_000u32 {
        if i % 100 == 0 {
            net.now += Duration::from_millis(10);
            net.cluster.handle_timeout(net.now);
            net.drain();
        }
        net.submit(Cmd::new("GET").arg("foo"));
        let from = net.cluster.slot_owner(12182).unwrap().to_string();
        let conn = net.conn_to(&from);
        let sent = net.take_sent(conn);
        for cmd in &sent {
            if cmd[0] == "CLUSTER" {
                *per_node.entry(from.clone()).or_default() += 1;
            }
        }
        // Bounce between two nodes so every reply is a MOVED.
        let to = if from == "10.0.0.3:7000" {
            "10.0.0.2:7000"
        } else {
            "10.0.0.3:7000"
        };
        if net.is_connecting(conn) {
            net.accept(&from);
        }
        net.reply(conn, &error(&alloc::format!("MOVED 12182 {to}")));
        let _ = owner;
    }
    let total = net.topology_queries() - before;
    assert!(
        total <= 2 * 6,
        "at most two rediscoveries of at most 3 nodes: {total}"
    );
    for (node, n) in &per_node {
        assert!(*n <= 2, "{node} was asked {n} times");
    }
}

#[test]
fn the_view_most_nodes_hold_wins() {
    let mut net = all_primaries_connected();
    net.advance(Duration::from_secs(61)); // the periodic check
    let stale = three_shards();
    let moved = cluster_slots(&[
        (0, 5460, "10.0.0.1:7000", &[]),
        (5461, 10922, "10.0.0.2:7000", &[]),
        (10923, 16383, "10.0.0.9:7000", &[]),
    ]);
    let mut answered = 0;
    for node in ["10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000"] {
        let conn = net.conn_to(node);
        let sent = net.take_sent(conn);
        if sent.iter().any(|c| c[0] == "CLUSTER") {
            // One node is stale; the other two agree on the new owner.
            let view = if answered == 0 { &stale } else { &moved };
            net.reply(conn, view);
            answered += 1;
        }
    }
    assert_eq!(answered, 3, "the rediscovery asked three nodes");
    assert_eq!(net.cluster.slot_owner(12182), Some(&addr("10.0.0.9:7000")));
}

#[test]
fn an_uncovered_slot_fails_only_after_a_fresh_rediscovery_confirms_it() {
    let mut net = Net::new(Config::default(), &["seed:6379"]);
    let seed = net.accept("seed:6379");
    net.take_sent(seed);
    let partial = cluster_slots(&[(0, 5460, "10.0.0.1:7000", &[])]);
    net.reply(seed, &error("ERR unknown subcommand 'SHARDS'"));
    net.take_sent(seed);
    net.reply(seed, &partial);
    let id = net.submit(Cmd::new("GET").arg("foo"));
    assert!(
        !net.replies.contains_key(&id),
        "not before a rediscovery says so"
    );
    net.advance(Duration::from_millis(300));
    answer_rediscovery(&mut net, &partial);
    assert_eq!(net.single(id), &Err(Error::UncoveredSlot(12182)));
}

/// A key whose slot is in `range`.
/// A ready client with a connection to each of the three primaries, so that rediscoveries
/// can ask them.
pub(crate) fn all_primaries_connected() -> Net {
    let mut net = ready_client(Config::default());
    for (slot, node) in [
        (0, "10.0.0.1:7000"),
        (6000, "10.0.0.2:7000"),
        (12000, "10.0.0.3:7000"),
    ] {
        net.accept_for(Cmd::new("GET").arg(key_in(slot..slot + 4000)), node);
    }
    net
}

pub(crate) fn key_in(range: core::ops::Range<u16>) -> String {
    (0..)
        .map(|i| alloc::format!("k{i}"))
        .find(|k| range.contains(&crate::key_slot(k.as_bytes())))
        .unwrap_or_default()
}
