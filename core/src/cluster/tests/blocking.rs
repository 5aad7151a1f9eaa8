//! Blocking commands: a connection of their own, their own deadline, connections reused.

use super::*;

fn connects_to(net: &Net, a: &str) -> usize {
    net.connects.iter().filter(|(_, x)| *x == addr(a)).count()
}

#[test]
fn a_blocking_pop_gets_its_own_connection_and_no_deadline_when_it_blocks_forever() {
    let mut net = ready_client(Config::default());
    let node = primary_of("queue");
    let shared = net.accept_for(Cmd::new("GET").arg("queue"), node);
    let pop = net.submit(Cmd::new("BLPOP").arg("queue").arg(0));
    assert_eq!(
        connects_to(&net, node),
        2,
        "a second connection to the node"
    );
    let dedicated = net.accept(node);
    assert_ne!(dedicated, shared);
    assert_eq!(net.take_sent(dedicated), [["BLPOP", "queue", "0"]]);
    // The shared connection keeps serving while the pop waits.
    let get = net.submit(Cmd::new("GET").arg("queue"));
    assert_eq!(net.take_sent(shared), [["GET", "queue"]]);
    net.reply(shared, &Value::Null);
    assert_eq!(net.single(get), &Ok(Value::Null));
    // Far past the request timeout, the pop is still waiting.
    net.advance(Duration::from_secs(60));
    assert!(!net.replies.contains_key(&pop));
    let item = Value::Array(alloc::vec![bulk("queue"), bulk("job-1")]);
    net.reply(dedicated, &item);
    assert_eq!(net.single(pop), &Ok(item));
    // The next pop reuses the idle connection.
    let again = net.submit(Cmd::new("BRPOP").arg("queue").arg("0.5"));
    assert_eq!(connects_to(&net, node), 2);
    assert_eq!(net.take_sent(dedicated), [["BRPOP", "queue", "0.5"]]);
    net.reply(dedicated, &Value::Null);
    assert_eq!(net.single(again), &Ok(Value::Null));
    assert!(!net.closed.contains(&dedicated) && !net.closed.contains(&shared));
}

#[test]
fn a_blocking_command_times_out_after_its_own_timeout_plus_the_margin_and_its_connection_is_closed()
{
    let mut net = ready_client(Config::default());
    let node = primary_of("queue");
    let pop = net.submit(Cmd::new("BLPOP").arg("queue").arg(3));
    let dedicated = net.accept(node);
    assert_eq!(net.take_sent(dedicated).len(), 1);
    // 3 s of its own plus the 5 s request timeout.
    net.advance(Duration::from_millis(7_900));
    assert!(!net.replies.contains_key(&pop));
    net.advance(Duration::from_millis(200));
    assert_eq!(
        net.single(pop),
        &Err(Error::OutcomeUnknown { addr: addr(node) }),
        "it was sent and may have popped: not a plain Timeout"
    );
    assert!(
        net.closed.contains(&dedicated),
        "still parked on the server: never reused"
    );
    // A late reply on the closed connection is ignored; a new pop opens a new connection.
    let next = net.submit(Cmd::new("BLPOP").arg("queue").arg(1));
    let fresh = net.accept(node);
    assert_ne!(fresh, dedicated);
    assert_eq!(net.take_sent(fresh), [["BLPOP", "queue", "1"]]);
    net.reply(fresh, &Value::Null);
    assert_eq!(net.single(next), &Ok(Value::Null));
}

#[test]
fn a_blocking_pop_is_not_retried_after_its_connection_dies() {
    let mut net = ready_client(Config::default());
    let node = primary_of("queue");
    let pop = net.submit(Cmd::new("BLPOP").arg("queue").arg(0));
    let dedicated = net.accept(node);
    assert_eq!(net.take_sent(dedicated).len(), 1);
    net.cluster.handle_closed(dedicated, net.now);
    net.drain();
    assert_eq!(
        net.single(pop),
        &Err(Error::OutcomeUnknown { addr: addr(node) }),
        "it may have popped an element: never run twice"
    );
}

#[test]
fn idle_blocking_connections_are_capped() {
    let config = Config {
        idle_blocking_connections: 1,
        ..Config::default()
    };
    let mut net = ready_client(config);
    let node = primary_of("queue");
    let a = net.submit(Cmd::new("BLPOP").arg("queue").arg(0));
    let b = net.submit(Cmd::new("BLPOP").arg("queue").arg(0));
    let (ca, cb) = (net.connects[net.connects.len() - 2].0, net.conn_to(node));
    for conn in [ca, cb] {
        net.connected(conn);
        net.take_sent(conn);
        net.fixture(conn, "hello3.resp3");
        assert_eq!(net.take_sent(conn).len(), 1);
    }
    net.reply(ca, &Value::Null);
    net.reply(cb, &Value::Null);
    assert!(net.replies.contains_key(&a) && net.replies.contains_key(&b));
    assert!(net.closed.contains(&cb), "one closed");
    assert!(!net.closed.contains(&ca), "the other kept idle");
}

#[test]
fn wait_runs_on_the_shared_connections_with_its_own_deadline() {
    let mut net = ready_client(Config::default());
    for key in ["a", "b", "c"] {
        net.accept_for(Cmd::new("GET").arg(key), primary_of(key));
    }
    let shared = net.connects.len();
    let wait = net.submit(Cmd::new("WAIT").arg(1).arg(8_000));
    assert_eq!(net.connects.len(), shared, "no new connection");
    net.advance(Duration::from_secs(12));
    assert!(!net.replies.contains_key(&wait), "8 s of its own + 5 s");
    for node in ["10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000"] {
        let conn = net.conn_to(node);
        assert_eq!(net.take_sent(conn), [["WAIT", "1", "8000"]]);
        net.reply(conn, &Value::Integer(1));
    }
    assert_eq!(net.single(wait), &Ok(Value::Integer(1)));
}

/// A pop sent again carries only the wait it has left: with its full timeout again it could
/// outlive its deadline and end in `Timeout` where the server would have answered null.
#[test]
fn a_pop_sent_again_waits_only_for_what_is_left_of_its_timeout() {
    let mut net = ready_client(Config::default());
    let from = primary_of("queue");
    let to = if from == "10.0.0.1:7000" {
        "10.0.0.2:7000"
    } else {
        "10.0.0.1:7000"
    };
    let pop = net.submit(Cmd::new("BLPOP").arg("queue").arg(5));
    let first = net.accept(from);
    assert_eq!(net.take_sent(first), [["BLPOP", "queue", "5"]]);
    net.advance(Duration::from_millis(1_500));
    let slot = crate::key_slot(b"queue");
    net.reply(first, &error(&alloc::format!("MOVED {slot} {to}")));
    let second = net.ensure_accepted(to);
    assert_eq!(net.take_sent(second), [["BLPOP", "queue", "4"]]);
    net.reply(second, &Value::Null);
    assert_eq!(net.single(pop), &Ok(Value::Null));
}

/// The same for a first send that waited: here for its connection, 1.2 s to open.
#[test]
fn a_pop_first_sent_late_waits_only_for_what_is_left() {
    let mut net = ready_client(Config::default());
    let node = primary_of("queue");
    let pop = net.submit(Cmd::new("BLPOP").arg("queue").arg(5));
    net.advance(Duration::from_millis(1_200));
    let dedicated = net.accept(node);
    assert_eq!(net.take_sent(dedicated), [["BLPOP", "queue", "4"]]);
    net.reply(dedicated, &Value::Null);
    assert_eq!(net.single(pop), &Ok(Value::Null));
}

/// A blocking command sent to one node gets the same care as a routed one: a connection of
/// its own (the shared one keeps serving) and its own deadline.
#[test]
fn a_blocking_command_sent_to_one_node_gets_its_own_connection() {
    let mut net = ready_client(Config::default());
    let node = primary_of("a");
    let shared = net.accept_for(Cmd::new("GET").arg("a"), node);
    let pop = net.cluster.submit(
        Request::ToNode(addr(node).clone(), Cmd::new("BLPOP").arg("q").arg(0)),
        (),
        net.now,
    );
    net.drain();
    let dedicated = net.accept(node);
    assert_ne!(dedicated, shared);
    assert_eq!(net.take_sent(dedicated), [["BLPOP", "q", "0"]]);
    assert!(
        net.take_sent(shared).is_empty(),
        "not on the shared connection"
    );
    net.advance(Duration::from_secs(60));
    assert!(!net.replies.contains_key(&pop), "no deadline");
    net.reply(dedicated, &Value::Null);
    assert_eq!(net.single(pop), &Ok(Value::Null));
}

const UNBLOCKED: &str =
    "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)";

/// A demoted primary releases a parked pop with UNBLOCKED and closes the connection: the pop
/// did not run, so it goes to the new primary on a new connection, never the closing one.
#[test]
fn a_pop_released_by_a_demoted_primary_is_parked_again_on_the_new_primary() {
    let mut net = ready_client(Config::default());
    let old = primary_of("queue");
    let pop = net.submit(Cmd::new("BLPOP").arg("queue").arg(5));
    let dedicated = net.accept(old);
    assert_eq!(net.take_sent(dedicated), [["BLPOP", "queue", "5"]]);
    net.reply(dedicated, &error(UNBLOCKED));
    assert!(
        net.closed.contains(&dedicated),
        "the server closes it: never reused"
    );
    assert!(!net.replies.contains_key(&pop), "not the caller's error");
    // The rediscovery names the new primary of the queue's slot.
    let slot = crate::key_slot(b"queue");
    let promoted = cluster_slots(&[
        (0, slot - 1, old, &[]),
        (slot, slot, "10.0.0.9:7000", &[]),
        (slot + 1, 16383, old, &[]),
    ]);
    for _ in 0..20 {
        super::redirects::answer_rediscovery(&mut net, &promoted);
        if net
            .connects
            .iter()
            .any(|(_, a)| *a == addr("10.0.0.9:7000"))
        {
            break;
        }
        net.advance(Duration::from_millis(200));
    }
    let new = net.ensure_accepted("10.0.0.9:7000");
    let sent = net.take_sent(new);
    assert!(sent.iter().any(|c| c[0] == "BLPOP"), "{sent:?}");
    let item = Value::Array(alloc::vec![bulk("queue"), bulk("after")]);
    net.reply(new, &item);
    assert_eq!(net.single(pop), &Ok(item));
}

/// `WAIT` released the same way is the caller's: it counted the shared connection's writes,
/// and asked again elsewhere it would count nothing and claim success.
#[test]
fn a_wait_released_by_a_demoted_primary_reaches_the_caller() {
    let mut net = ready_client(Config::default());
    let node = primary_of("k");
    let shared = net.accept_for(Cmd::new("SET").arg("k").arg("v"), node);
    let wait = net.submit(Cmd::new("WAIT").arg(1).arg(1000));
    for n in ["10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000"] {
        let conn = net.ensure_accepted(n);
        if net.take_sent(conn).iter().any(|c| c[0] == "WAIT") {
            net.reply(conn, &error(UNBLOCKED));
        }
    }
    assert!(
        !net.closed.contains(&shared),
        "the server closes it, not the client"
    );
    assert_eq!(
        net.single(wait),
        &Err(Error::Server(ServerError::new(Bytes::from_static(
            UNBLOCKED.as_bytes()
        ))))
    );
}
