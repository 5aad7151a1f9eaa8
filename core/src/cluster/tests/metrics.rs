//! `Cluster::metrics`: replies, errors by kind, redirects, connection failures and reply
//! times are counted on the node that sent them.

use super::*;
use crate::cluster::ServerErrorKind;

/// A primary of [`three_shards`] other than `a`.
fn other_than(a: &str) -> &'static str {
    ["10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000"]
        .into_iter()
        .find(|p| *p != a)
        .unwrap_or_default()
}

/// The counters of node `a`.
fn of<'m>(metrics: &'m crate::cluster::Metrics, a: &str) -> &'m crate::cluster::NodeMetrics {
    metrics
        .nodes
        .iter()
        .find(|n| n.addr == addr(a))
        .expect("listed")
}

#[test]
fn replies_errors_redirects_and_failures_are_counted_per_node() {
    let mut net = ready_client(Config::default());
    let home = primary_of("k");
    let id = net.submit(Cmd::new("GET").arg("k"));
    let conn = net.accept(home);
    net.take_sent(conn);
    net.advance(Duration::from_millis(3));
    net.reply(conn, &bulk("v"));
    assert_eq!(net.single(id), &Ok(bulk("v")));
    let wrong = net.submit(Cmd::new("LPUSH").arg("k").arg("x"));
    net.take_sent(conn);
    net.reply(
        conn,
        &error("WRONGTYPE Operation against a key holding the wrong kind of value"),
    );
    assert!(net.single(wrong).is_err());
    // MOVED to another primary: counted on the node that said it.
    let slot = crate::key_slot(b"k");
    let moved = net.submit(Cmd::new("GET").arg("k"));
    net.take_sent(conn);
    let other = other_than(home);
    net.reply(conn, &error(&alloc::format!("MOVED {slot} {other}")));
    let metrics = net.cluster.metrics();
    let node = of(&metrics, home);
    assert_eq!(node.replies, 3);
    assert_eq!(node.moved, 1);
    assert_eq!(node.errors, [(ServerErrorKind::WrongType, 1)]);
    assert_eq!(node.connections, 1);
    assert_eq!(node.latency.count(), 3);
    let p100 = node.latency.percentile(100.0).as_micros();
    assert!((3_000..3_100).contains(&p100), "the 3 ms reply: {p100}");
    assert_eq!(metrics.requests_in_flight, 1, "the redirected GET waits");
    assert_eq!(
        of(&metrics, other).moved,
        0,
        "counted on the sender, not the target"
    );
    let target = net.ensure_accepted(other);
    for cmd in net.take_sent(target) {
        let reply = if cmd[0] == "GET" {
            bulk("v")
        } else {
            three_shards()
        };
        net.reply(target, &reply);
    }
    assert_eq!(net.single(moved), &Ok(bulk("v")));
    let changes = metrics.topology_changes;
    // The connection is lost: counted as a failure of that node.
    net.cluster.handle_closed(conn, net.now);
    net.drain();
    let metrics = net.cluster.metrics();
    let node = of(&metrics, home);
    assert_eq!((node.connection_failures, node.connections), (1, 0));
    assert!(changes >= 1, "the bootstrap's view counts");
}

#[test]
fn served_events_name_the_node_the_slot_and_the_redirects_only_when_asked() {
    use crate::cluster::Event;
    // Off; on for all (Config::report_served); on for the one request asked for.
    for (report, per_request) in [(false, false), (true, false), (false, true)] {
        let mut net = ready_client(Config {
            report_served: report,
            ..Config::default()
        });
        let id = net.submit(Cmd::new("GET").arg("k"));
        if per_request {
            net.cluster.report_served_for(id);
        }
        let first = net.accept(primary_of("k"));
        net.take_sent(first);
        let slot = crate::key_slot(b"k");
        let other = other_than(primary_of("k"));
        net.reply(first, &error(&alloc::format!("MOVED {slot} {other}")));
        let second = net.ensure_accepted(other);
        let sent = net.take_sent(second);
        assert!(sent.iter().any(|c| c[0] == "GET"), "{sent:?}");
        for cmd in &sent {
            match cmd[0].as_str() {
                "GET" => net.reply(second, &bulk("v")),
                _ => net.reply(second, &three_shards()),
            }
        }
        assert_eq!(net.single(id), &Ok(bulk("v")));
        // A request nobody asked about, to the same node now.
        let untraced = net.submit(Cmd::new("GET").arg("k"));
        assert_eq!(net.take_sent(second), [["GET", "k"]]);
        net.reply(second, &bulk("w"));
        assert_eq!(net.single(untraced), &Ok(bulk("w")));
        let served: alloc::vec::Vec<&Event> = net
            .events
            .iter()
            .filter(|e| matches!(e, Event::Served { .. }))
            .collect();
        let want = Event::Served {
            request: id,
            addr: Some(addr(other)),
            slot: Some(slot),
            redirects: 1,
        };
        if report {
            let plain = Event::Served {
                request: untraced,
                addr: Some(addr(other)),
                slot: Some(slot),
                redirects: 0,
            };
            assert_eq!(served, [&want, &plain]);
        } else if per_request {
            assert_eq!(served, [&want], "only the request asked for");
        } else {
            assert!(served.is_empty(), "no cost unless asked");
        }
    }
}
