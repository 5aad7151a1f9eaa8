//! Requests: deadlines, the at-most-once rule, pipelines, transactions, fan-out.

use super::*;

#[test]
fn cross_slot_commands_fail_before_anything_is_sent() {
    let mut net = ready_client(Config::default());
    let id = net.submit(Cmd::new("SUNION").arg("a").arg("b").arg("c"));
    assert_eq!(net.single(id), &Err(Error::CrossSlot));
    assert_eq!(net.connects.len(), 1, "no connection was opened");
}

#[test]
fn a_written_write_on_a_dead_connection_has_an_unknown_outcome_but_reads_are_retried() {
    let mut net = ready_client(Config::default());
    let set = net.submit(Cmd::new("SET").arg("foo").arg("1"));
    let get = net.submit(Cmd::new("GET").arg("foo"));
    let owner = net.accept("10.0.0.3:7000");
    assert_eq!(net.take_sent(owner).len(), 2);
    net.cluster.handle_closed(owner, net.now);
    net.drain();
    assert_eq!(
        net.single(set),
        &Err(Error::OutcomeUnknown {
            addr: addr("10.0.0.3:7000")
        })
    );
    assert!(
        !net.replies.contains_key(&get),
        "the read is retried, not failed"
    );
    net.advance(Duration::from_millis(50));
    let again = net.accept("10.0.0.3:7000");
    assert_eq!(net.take_sent(again), [["GET", "foo"]]);
    net.data(again, b"$1\r\n1\r\n");
    assert_eq!(net.single(get), &Ok(bulk("1")));
}

#[test]
fn a_write_that_never_left_is_sent_again_after_the_connection_fails() {
    let mut net = ready_client(Config::default());
    let owner = net.accept_for(Cmd::new("GET").arg("foo"), "10.0.0.3:7000");
    // Queue a write but do not let the driver write it.
    let set = net
        .cluster
        .submit(Cmd::new("SET").arg("foo").arg("2"), (), net.now);
    let out = net.cluster.poll_output();
    assert_eq!(out, Output::Transmit { conn: owner });
    net.cluster.handle_closed(owner, net.now);
    net.drain();
    assert!(
        !net.replies.contains_key(&set),
        "not sent, so safe to send again"
    );
    net.advance(Duration::from_millis(50));
    let again = net.accept("10.0.0.3:7000");
    let sent = net.take_sent(again);
    assert!(
        sent.contains(&alloc::vec![
            "SET".to_string(),
            "foo".to_string(),
            "2".to_string()
        ]),
        "{sent:?}"
    );
}

#[test]
fn a_late_reply_after_the_deadline_is_discarded_without_shifting_the_fifo() {
    let config = Config {
        request_timeout: Duration::from_millis(100),
        ..Config::default()
    };
    let mut net = ready_client(config);
    let slow = net.submit(Cmd::new("GET").arg("foo"));
    let owner = net.accept("10.0.0.3:7000");
    net.take_sent(owner);
    net.advance(Duration::from_millis(150));
    assert_eq!(net.single(slow), &Err(Error::Timeout));
    let next = net.submit(Cmd::new("GET").arg("foo"));
    net.take_sent(owner);
    net.data(owner, b"$4\r\nlate\r\n$4\r\nnext\r\n");
    assert_eq!(
        net.single(next),
        &Ok(bulk("next")),
        "the late reply went to nobody"
    );
}

#[test]
fn pipelines_split_per_node_and_come_back_in_order() {
    let mut net = ready_client(Config::default());
    let cmds = alloc::vec![
        Cmd::new("GET").arg("foo"),          // 12182 -> 10.0.0.3
        Cmd::new("GET").arg("bar"),          // 5061  -> 10.0.0.1
        Cmd::new("MGET").arg("a").arg("b"),  // cross-slot: fails alone
        Cmd::new("SET").arg("foo").arg("x"), // 10.0.0.3
    ];
    let id = net.cluster.submit_pipeline(cmds, (), net.now);
    net.drain();
    let n3 = net.accept("10.0.0.3:7000");
    let n1 = net.accept("10.0.0.1:7000");
    assert_eq!(
        net.take_sent(n3),
        [alloc::vec!["GET", "foo"], alloc::vec!["SET", "foo", "x"]]
    );
    assert_eq!(net.take_sent(n1), [["GET", "bar"]]);
    net.data(n1, b"$1\r\nB\r\n");
    net.data(n3, b"$1\r\nF\r\n+OK\r\n");
    let Some(results) = net.pipelines.get(&id) else {
        panic!("no pipeline reply")
    };
    assert_eq!(
        results,
        &alloc::vec![
            Ok(bulk("F")),
            Ok(bulk("B")),
            Err(Error::CrossSlot),
            Ok(ok())
        ]
    );
}

#[test]
fn transactions_run_on_one_node_and_are_resent_whole_after_moved() {
    let mut net = ready_client(Config::default());
    let id = net.cluster.submit(
        Request::Transaction(alloc::vec![
            Cmd::new("INCR").arg("{foo}n"),
            Cmd::new("GET").arg("{foo}n")
        ]),
        (),
        net.now,
    );
    net.drain();
    let old = net.accept("10.0.0.3:7000");
    assert_eq!(
        net.take_sent(old),
        [
            alloc::vec!["MULTI"],
            alloc::vec!["INCR", "{foo}n"],
            alloc::vec!["GET", "{foo}n"],
            alloc::vec!["EXEC"]
        ]
    );
    net.data(
        old,
        b"+OK\r\n-MOVED 12182 10.0.0.2:7000\r\n-MOVED 12182 10.0.0.2:7000\r\n",
    );
    net.data(
        old,
        b"-EXECABORT Transaction discarded because of previous errors.\r\n",
    );
    let new = net.accept("10.0.0.2:7000");
    assert_eq!(net.take_sent(new).len(), 4, "the whole transaction again");
    net.data(new, b"+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n:1\r\n$1\r\n1\r\n");
    assert_eq!(
        net.single(id),
        &Ok(Value::Array(alloc::vec![Value::Integer(1), bulk("1")]))
    );
}

#[test]
fn a_transaction_across_slots_is_refused() {
    let mut net = ready_client(Config::default());
    let id = net.cluster.submit(
        Request::Transaction(alloc::vec![
            Cmd::new("SET").arg("a").arg("1"),
            Cmd::new("SET").arg("b").arg("2")
        ]),
        (),
        net.now,
    );
    net.drain();
    assert_eq!(net.single(id), &Err(Error::CrossSlot));
}

#[test]
fn dbsize_is_summed_over_every_primary() {
    let mut net = ready_client(Config::default());
    let id = net.submit(Cmd::new("DBSIZE"));
    for (i, node) in ["10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000"]
        .iter()
        .enumerate()
    {
        let conn = net.accept(node);
        assert_eq!(net.take_sent(conn), [["DBSIZE"]]);
        net.reply(conn, &Value::Integer(10 * (i as i64 + 1)));
    }
    assert_eq!(net.single(id), &Ok(Value::Integer(60)));
}

#[test]
fn the_same_inputs_give_the_same_outputs() {
    let run = || {
        let mut net = ready_client(Config::default());
        for i in 0..20 {
            net.submit(Cmd::new("PING"));
            net.submit(Cmd::new("ECHO").arg(i));
        }
        net.log
    };
    assert_eq!(run(), run());
}

impl Net {
    /// Send `cmd`, accept its node, answer it with `+OK`, and return the connection.
    pub(crate) fn accept_for(&mut self, cmd: Cmd, node: &str) -> ConnId {
        self.submit(cmd);
        let conn = self.accept(node);
        self.take_sent(conn);
        self.reply(conn, &ok());
        conn
    }
}

#[test]
fn a_command_for_one_node_gets_that_nodes_answer_without_redirects() {
    let mut net = ready_client(Config::default());
    let id = net.cluster.submit(
        Request::ToNode(addr("10.0.0.1:7000").clone(), Cmd::new("GET").arg("foo")),
        (),
        net.now,
    );
    net.drain();
    let n1 = net.accept("10.0.0.1:7000");
    assert_eq!(net.take_sent(n1), [["GET", "foo"]]);
    net.reply(n1, &error("MOVED 12182 10.0.0.3:7000"));
    assert_eq!(
        net.single(id),
        &Err(Error::Server(ServerError::new(Bytes::from_static(
            b"MOVED 12182 10.0.0.3:7000"
        ))))
    );
    assert_eq!(
        net.cluster.slot_owner(12182),
        Some(&addr("10.0.0.3:7000")),
        "the map is not touched"
    );
    let nodes = net.cluster.submit(
        Request::ToNode(
            addr("10.0.0.2:7000").clone(),
            Cmd::new("CLUSTER").arg("NODES"),
        ),
        (),
        net.now,
    );
    net.drain();
    let n2 = net.accept("10.0.0.2:7000");
    assert_eq!(net.take_sent(n2), [["CLUSTER", "NODES"]]);
    net.reply(
        n2,
        &bulk("id 10.0.0.2:7000@17000 myself,master - 0 0 1 connected 5461-10922"),
    );
    assert!(matches!(net.single(nodes), Ok(Value::BulkString(_))));
}

/// DBSIZE with 10.0.0.1 and .2 answered (10 and 20) and 10.0.0.3 refusing connections.
fn dbsize_with_the_third_node_gone(net: &mut Net) -> RequestId {
    let id = net.submit(Cmd::new("DBSIZE"));
    for (i, node) in ["10.0.0.1:7000", "10.0.0.2:7000"].iter().enumerate() {
        let conn = net.accept(node);
        assert_eq!(net.take_sent(conn), [["DBSIZE"]]);
        net.reply(conn, &Value::Integer(10 * (i as i64 + 1)));
    }
    let gone = net.conn_to("10.0.0.3:7000");
    net.cluster
        .handle_connect_failed(gone, "connection refused", net.now);
    net.drain();
    assert!(
        !net.replies.contains_key(&id),
        "still waiting for the third node"
    );
    id
}

/// Let time pass, answering rediscoveries with `view` and refusing 10.0.0.3, until `done`.
fn rediscover_without_the_third_node(net: &mut Net, view: &Value, done: impl Fn(&Net) -> bool) {
    for _ in 0..20 {
        net.advance(Duration::from_millis(100));
        for node in ["10.0.0.1:7000", "10.0.0.2:7000"] {
            let conn = net.conn_to(node);
            if net.take_sent(conn).iter().any(|c| c[0] == "CLUSTER") {
                net.reply(conn, view);
            }
        }
        for (conn, a) in net.connects.clone() {
            if a == addr("10.0.0.3:7000") && net.is_connecting(conn) {
                net.cluster
                    .handle_connect_failed(conn, "connection refused", net.now);
                net.drain();
            }
        }
        if done(net) {
            return;
        }
    }
}

/// Found by the simulator: a fan-out leg waiting for a node that a scale-in removed waited
/// for the request's deadline. A topology without the node withdraws the leg.
#[test]
fn a_fan_out_leg_to_a_node_that_left_the_cluster_is_withdrawn() {
    let mut net = ready_client(Config::default());
    let id = dbsize_with_the_third_node_gone(&mut net);
    // The node was scaled in: its slots went to 10.0.0.2 and it is forgotten.
    let shrunk = cluster_slots(&[
        (0, 5460, "10.0.0.1:7000", &[]),
        (5461, 16383, "10.0.0.2:7000", &[]),
    ]);
    rediscover_without_the_third_node(&mut net, &shrunk, |net| net.replies.contains_key(&id));
    assert_eq!(
        net.single(id),
        &Ok(Value::Integer(30)),
        "from the nodes left"
    );
    assert!(
        net.now < Instant::ZERO + Duration::from_secs(4),
        "before the deadline"
    );
}

/// Answered requests do not leave their deadlines behind for the rest of the request
/// timeout: the timer set stays proportional to the work in flight (it once held one entry
/// per request of the last 5 s, 40 MiB at full speed).
#[test]
fn answered_requests_do_not_pile_up_timers() {
    let mut net = ready_client(Config::default());
    let conn = net.accept_for(Cmd::new("GET").arg("foo"), "10.0.0.3:7000");
    for i in 0..20_000 {
        let id = net.submit(Cmd::new("GET").arg("foo"));
        net.take_sent(conn);
        net.reply(conn, &bulk("v"));
        assert_eq!(net.single(id), &Ok(bulk("v")), "request {i}");
    }
    let held = net.cluster.timers.len();
    assert!(
        held < 3_000,
        "{held} timers held for 20,000 answered requests"
    );
    // A request still waiting keeps its deadline through any compaction.
    let waiting = net.submit(Cmd::new("GET").arg("foo"));
    for _ in 0..5_000 {
        let id = net.submit(Cmd::new("GET").arg("bar"));
        let other = net.conn_to(primary_of("bar"));
        if net.is_connecting(other) {
            net.accept(primary_of("bar"));
        }
        net.take_sent(other);
        net.reply(other, &bulk("w"));
        assert_eq!(net.single(id), &Ok(bulk("w")));
    }
    net.advance(Duration::from_secs(6));
    assert_eq!(
        net.single(waiting),
        &Err(Error::Timeout),
        "its deadline still fired"
    );
}

/// The node that left handed its slots to a node the plan never asked (a promoted replica,
/// say): that node gets a leg of its own, so the sum still covers every slot.
#[test]
fn a_withdrawn_leg_is_replaced_by_one_to_the_node_that_took_its_slots() {
    let mut net = ready_client(Config::default());
    let id = dbsize_with_the_third_node_gone(&mut net);
    let promoted = cluster_slots(&[
        (0, 5460, "10.0.0.1:7000", &[]),
        (5461, 10922, "10.0.0.2:7000", &[]),
        (10923, 16383, "10.0.0.9:7000", &[]),
    ]);
    rediscover_without_the_third_node(&mut net, &promoted, |net| {
        net.connects
            .iter()
            .any(|(_, a)| *a == addr("10.0.0.9:7000"))
    });
    let new = net.ensure_accepted("10.0.0.9:7000");
    let sent = net.take_sent(new);
    assert!(
        sent.contains(&alloc::vec!["DBSIZE".to_string()]),
        "{sent:?}"
    );
    assert!(!net.replies.contains_key(&id), "waits for the new leg");
    net.reply(new, &Value::Integer(30));
    assert_eq!(
        net.single(id),
        &Ok(Value::Integer(60)),
        "every slot counted"
    );
}

/// A request the core refuses at once frees its place before its reply is handed out; the
/// reply carries the caller's token, so a later request reusing the place cannot be answered
/// with it (nor the refused one with the later one's).
#[test]
fn a_refused_request_s_token_comes_back_with_its_own_reply() {
    let now = Instant::from_micros(0);
    let seeds = alloc::vec![addr("10.0.0.1:7000")];
    let mut cluster: Cluster<&str> = Cluster::new(Config::default(), seeds, now);
    let refused = cluster.submit(Cmd::new("SUNION").arg("a").arg("b"), "refused", now);
    let next = cluster.submit(Cmd::new("GET").arg("a"), "waiting", now);
    assert_eq!(
        cluster.pending_requests(),
        1,
        "the refused one is done already"
    );
    let mut replies = Vec::new();
    loop {
        match cluster.poll_output() {
            Output::Reply { id, token, reply } => replies.push((id, token, reply)),
            Output::Timeout(_) => break,
            _ => {}
        }
    }
    assert_eq!(replies, [(refused, "refused", Err(Error::CrossSlot))]);
    assert_eq!(
        cluster.tokens().collect::<Vec<_>>(),
        [Token::Single(&"waiting")]
    );
    assert_eq!(cluster.cancel(next, now), Some(Token::Single("waiting")));
    assert_eq!(cluster.cancel(refused, now), None, "answered already");
}

/// A request answered long before its deadline leaves no wake-up behind: a driver that
/// sleeps until each deadline the machine reports is never woken at the answered request's.
#[test]
fn an_answered_request_s_deadline_wakes_nobody() {
    let mut net = ready_client(Config {
        periodic_refresh: None,
        ..Config::default()
    });
    let deadline = net.now + Config::default().request_timeout;
    let get = net.submit(Cmd::new("GET").arg("k"));
    let node = net.ensure_accepted(primary_of("k"));
    net.take_sent(node);
    net.reply(node, &bulk("v"));
    assert_eq!(net.single(get), &Ok(bulk("v")));
    let mut wakeups = Vec::new();
    loop {
        match net.cluster.poll_output() {
            Output::Timeout(Some(at)) if at <= deadline + Duration::from_secs(1) => {
                wakeups.push(at);
                net.now = at;
                net.cluster.handle_timeout(at);
            }
            Output::Timeout(_) => break,
            _ => {}
        }
    }
    assert!(
        !wakeups.contains(&deadline),
        "woken at the answered GET's deadline: {wakeups:?}"
    );
}
