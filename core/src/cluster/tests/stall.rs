//! A node that stops answering with its connection open: detected, left out of
//! rediscoveries, and left for its promoted replica as soon as a view shows it.

use super::rediscovery::all_primaries_connected as all_connected;
use super::*;

fn stalled_events(net: &Net) -> usize {
    net.events
        .iter()
        .filter(|e| matches!(e, Event::NodeStalled { .. }))
        .count()
}

fn promoted() -> Value {
    cluster_slots(&[
        (0, 5460, "10.0.0.1:7000", &[]),
        (5461, 10922, "10.0.0.2:7000", &[]),
        (10923, 16383, "10.0.0.6:7000", &[]),
    ])
}

#[test]
fn a_silent_primary_is_stalled_after_the_stall_timeout_and_left_for_its_promoted_replica() {
    let mut net = all_connected();
    let frozen = net.conn_to("10.0.0.3:7000");
    let get = net.submit(Cmd::new("GET").arg("foo"));
    let incr = net.submit(Cmd::new("INCR").arg("foo"));
    assert_eq!(net.take_sent(frozen).len(), 2);
    // The default stall timeout is a fifth of the 5 s request timeout.
    for _ in 0..3 {
        net.advance(Duration::from_millis(250));
    }
    net.advance(Duration::from_millis(249));
    assert_eq!(stalled_events(&net), 0, "not before the stall timeout");
    net.advance(Duration::from_millis(1));
    assert_eq!(stalled_events(&net), 1, "at the check that follows it");
    // The rediscovery it starts leaves the silent node out.
    assert!(
        net.take_sent(frozen).is_empty(),
        "the stalled node is not asked"
    );
    let mut asked = 0;
    for node in ["10.0.0.1:7000", "10.0.0.2:7000"] {
        let conn = net.conn_to(node);
        if net.take_sent(conn).iter().any(|c| c[0] == "CLUSTER") {
            net.reply(conn, &three_shards());
            asked += 1;
        }
    }
    assert!(asked >= 1);
    assert!(
        !net.closed.contains(&frozen),
        "still its slots' primary: kept"
    );
    // Rounds follow at the degraded interval until a node reports the promotion.
    let promoted_at = net.now;
    while net.cluster.slot_owner(12182) != Some(&addr("10.0.0.6:7000")) {
        assert!(
            net.now - promoted_at < Duration::from_millis(300),
            "no round saw the promotion within the degraded interval"
        );
        net.advance(Duration::from_millis(10));
        for node in ["10.0.0.1:7000", "10.0.0.2:7000"] {
            let conn = net.conn_to(node);
            if net.take_sent(conn).iter().any(|c| c[0] == "CLUSTER") {
                net.reply(conn, &promoted());
            }
        }
    }
    assert_eq!(net.cluster.slot_owner(12182), Some(&addr("10.0.0.6:7000")));
    assert!(
        net.closed.contains(&frozen),
        "left once it is no slot's primary"
    );
    assert_eq!(
        net.single(incr),
        &Err(Error::OutcomeUnknown {
            addr: addr("10.0.0.3:7000")
        }),
        "a write that reached it may run when it wakes"
    );
    // The read goes to the new primary.
    net.advance(Duration::from_millis(50));
    let new = net.ensure_accepted("10.0.0.6:7000");
    if net.take_sent(new) == [["READONLY"]] {
        net.reply(new, &ok()); // opened when it was a replica
    }
    net.advance(Duration::from_millis(50));
    let sent = net.take_sent(new);
    assert!(
        sent.contains(&alloc::vec!["GET".to_string(), "foo".to_string()]),
        "{sent:?}"
    );
    net.reply(new, &bulk("v"));
    assert_eq!(net.single(get), &Ok(bulk("v")));
}

#[test]
fn a_busy_connection_that_falls_silent_is_stalled_within_one_and_a_quarter_timeouts() {
    let mut net = all_connected();
    let conn = net.conn_to("10.0.0.3:7000");
    // Answered traffic until the node freezes at a moment between two checks.
    for _ in 0..7 {
        let get = net.submit(Cmd::new("GET").arg("foo"));
        net.take_sent(conn);
        net.advance(Duration::from_millis(100));
        net.reply(conn, &bulk("v"));
        assert_eq!(net.single(get), &Ok(bulk("v")));
    }
    net.submit(Cmd::new("GET").arg("foo"));
    let frozen_at = net.now;
    while stalled_events(&net) == 0 {
        assert!(
            net.now - frozen_at <= Duration::from_millis(1250),
            "not within 1.25 s"
        );
        net.advance(Duration::from_millis(50));
    }
    assert!(
        net.now - frozen_at >= Duration::from_secs(1),
        "not before the timeout"
    );
}

#[test]
fn the_default_stall_timeout_is_a_fifth_of_the_request_timeout_and_at_most_a_second() {
    let with = |request_timeout| Config {
        request_timeout,
        ..Config::default()
    };
    assert_eq!(
        with(Duration::from_secs(2)).effective_stall_timeout(),
        Duration::from_millis(400)
    );
    assert_eq!(
        with(Duration::from_secs(10)).effective_stall_timeout(),
        Duration::from_secs(1)
    );
    let set = Config {
        stall_timeout: Some(Duration::from_millis(300)),
        ..with(Duration::from_secs(10))
    };
    assert_eq!(set.effective_stall_timeout(), Duration::from_millis(300));
}

#[test]
fn a_node_that_answers_slowly_is_not_stalled() {
    let mut net = all_connected();
    let slow = net.conn_to("10.0.0.3:7000");
    for _ in 0..10 {
        let get = net.submit(Cmd::new("GET").arg("foo"));
        net.take_sent(slow);
        net.advance(Duration::from_millis(900));
        net.reply(slow, &bulk("v"));
        assert_eq!(net.single(get), &Ok(bulk("v")));
    }
    assert_eq!(stalled_events(&net), 0);
}

#[test]
fn a_wait_at_the_head_of_the_queue_is_no_stall() {
    let mut net = all_connected();
    let conn = net.conn_to("10.0.0.3:7000");
    let wait = net.cluster.submit(
        Request::ToNode(
            addr("10.0.0.3:7000").clone(),
            Cmd::new("WAIT").arg(1).arg(3000),
        ),
        (),
        net.now,
    );
    net.drain();
    net.take_sent(conn);
    net.advance(Duration::from_millis(2900));
    assert_eq!(stalled_events(&net), 0, "the server waits on purpose");
    net.reply(conn, &Value::Integer(1));
    assert_eq!(net.single(wait), &Ok(Value::Integer(1)));
}

#[test]
fn an_idle_client_has_no_stall_timer() {
    let mut net = all_connected();
    net.advance(Duration::from_secs(2));
    assert!(net.cluster.conns.stall_check_at.is_none());
}

#[test]
fn a_stall_ends_with_its_connection() {
    let mut net = all_connected();
    let frozen = net.conn_to("10.0.0.3:7000");
    net.submit(Cmd::new("GET").arg("foo"));
    for _ in 0..5 {
        net.advance(Duration::from_millis(250));
    }
    assert_eq!(stalled_events(&net), 1);
    let node = net.cluster.routing.node_index[&addr("10.0.0.3:7000")];
    assert!(net.cluster.routing.nodes[node].stalled);
    // The connection goes (reset, or closed for a new view): the next one is judged afresh,
    // or a node left with no connection would stay out of every rediscovery for ever.
    net.cluster.handle_closed(frozen, net.now);
    net.drain();
    assert!(!net.cluster.routing.nodes[node].stalled);
}
