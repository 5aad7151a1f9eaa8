//! `Cluster::metrics`: replies, errors by kind, redirects, connection failures and reply
//! times are counted on the node that sent them.

use super::*;
use crate::cluster::ServerErrorKind;

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
    net.reply(conn, &error(&alloc::format!("MOVED {slot} 10.0.0.2:7000")));
    let metrics = net.cluster.metrics();
    let node = metrics
        .nodes
        .iter()
        .find(|n| n.addr == addr(home))
        .expect("listed");
    assert_eq!(node.replies, 3);
    assert_eq!(node.moved, 1);
    assert_eq!(node.errors, [(ServerErrorKind::WrongType, 1)]);
    assert_eq!(node.connections, 1);
    assert_eq!(node.latency.count(), 3);
    let p100 = node.latency.percentile(100.0).as_micros();
    assert!((3_000..3_100).contains(&p100), "the 3 ms reply: {p100}");
    assert!(metrics.requests_in_flight >= 1, "the redirected GET waits");
    let _ = moved;
    // The connection is lost: counted as a failure of that node.
    net.cluster.handle_closed(conn, net.now);
    net.drain();
    let metrics = net.cluster.metrics();
    let node = metrics
        .nodes
        .iter()
        .find(|n| n.addr == addr(home))
        .expect("listed");
    assert_eq!((node.connection_failures, node.connections), (1, 0));
    assert!(metrics.topology_changes >= 1);
}
