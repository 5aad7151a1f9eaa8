//! Scripts: EVALSHA loads the script where it is missing, once per connection.

use super::*;
use crate::Script;

#[test]
fn noscript_loads_the_script_on_that_node_and_runs_it_again() {
    let mut net = ready_client(Config::default());
    let script = Script::new("return redis.call('GET', KEYS[1])");
    let id = net.cluster.submit(script.call().key("foo"), (), net.now);
    net.drain();
    let node = net.accept("10.0.0.3:7000");
    assert_eq!(
        net.take_sent(node),
        [["EVALSHA", script.sha1(), "1", "foo"]]
    );
    net.reply(
        node,
        &error("NOSCRIPT No matching script. Please use EVAL."),
    );
    let sent = net.take_sent(node);
    assert_eq!(sent[0][..2], ["SCRIPT", "LOAD"]);
    assert_eq!(sent[0][2], "return redis.call('GET', KEYS[1])");
    assert_eq!(sent[1], ["EVALSHA", script.sha1(), "1", "foo"]);
    net.reply(node, &bulk(script.sha1()));
    net.reply(node, &bulk("value"));
    assert_eq!(net.single(id), &Ok(bulk("value")));
}

/// Found by the simulator: a call loaded on one node and then redirected must load the
/// script again on the node it was redirected to.
#[test]
fn a_redirected_call_loads_the_script_again_on_the_new_node() {
    let mut net = ready_client(Config::default());
    let script = Script::new("return 2");
    let id = net.cluster.submit(script.call().key("foo"), (), net.now);
    net.drain();
    let first = net.accept("10.0.0.3:7000");
    net.take_sent(first);
    net.reply(first, &error("NOSCRIPT No matching script."));
    assert_eq!(net.take_sent(first)[0][..2], ["SCRIPT", "LOAD"]);
    net.reply(first, &bulk(script.sha1()));
    net.reply(first, &error("MOVED 12182 10.0.0.2:7000"));
    let second = net.accept("10.0.0.2:7000");
    let evalsha = alloc::vec![
        "EVALSHA".to_string(),
        script.sha1().to_string(),
        "1".to_string(),
        "foo".to_string()
    ];
    assert!(net.take_sent(second).contains(&evalsha));
    net.reply(second, &error("NOSCRIPT No matching script."));
    let sent = net.take_sent(second);
    assert_eq!(sent[0][..2], ["SCRIPT", "LOAD"], "loaded on the new node");
    assert_eq!(sent[1], evalsha);
    net.reply(second, &bulk(script.sha1()));
    net.reply(second, &Value::Integer(2));
    assert_eq!(net.single(id), &Ok(Value::Integer(2)));
}

/// A call on `foo` to a script of `body` that the node lacked: the client has just sent
/// `SCRIPT LOAD` and the `EVALSHA` again behind it.
fn load_sent(body: &'static str) -> (Net, Script, RequestId, ConnId) {
    let mut net = ready_client(Config::default());
    let script = Script::new(body);
    let id = net.cluster.submit(script.call().key("foo"), (), net.now);
    net.drain();
    let node = net.accept("10.0.0.3:7000");
    net.take_sent(node);
    net.reply(node, &error("NOSCRIPT No matching script."));
    assert_eq!(net.take_sent(node).len(), 2, "SCRIPT LOAD and EVALSHA");
    (net, script, id, node)
}

/// The script vanished again right after a load that worked (an operator's flush): the
/// second `NOSCRIPT` is the caller's, not another load.
#[test]
fn a_second_noscript_after_a_good_load_reaches_the_caller() {
    let (mut net, script, id, node) = load_sent("return 1");
    net.reply(node, &bulk(script.sha1()));
    net.reply(node, &error("NOSCRIPT No matching script."));
    assert!(net.take_sent(node).is_empty(), "no second load");
    assert_eq!(
        net.single(id),
        &Err(Error::Server(ServerError::new(Bytes::from_static(
            b"NOSCRIPT No matching script."
        ))))
    );
}

/// A load that fails makes the `EVALSHA` behind it answer `NOSCRIPT`; the caller gets the
/// load's reason instead (here a script that does not compile), which says what to fix.
#[test]
fn a_failed_load_gives_the_caller_the_load_s_own_error() {
    let (mut net, _, id, node) = load_sent("return +");
    let compile = "ERR Error compiling script (new function): user_script:1: unexpected symbol";
    net.reply(node, &error(compile));
    net.reply(node, &error("NOSCRIPT No matching script."));
    assert_eq!(
        net.single(id),
        &Err(Error::Server(ServerError::new(Bytes::from(
            compile.to_string()
        ))))
    );
}

/// A node still loading its data set refuses the load: the call waits and tries again, and
/// loads the script again on the same connection.
#[test]
fn a_load_refused_while_the_node_loads_is_tried_again_later() {
    let (mut net, script, id, node) = load_sent("return 3");
    net.reply(
        node,
        &error("LOADING Redis is loading the dataset in memory"),
    );
    net.reply(node, &error("NOSCRIPT No matching script."));
    assert!(!net.replies.contains_key(&id), "not the caller's error");
    let mut sent = Vec::new();
    for _ in 0..20 {
        net.advance(Duration::from_millis(100));
        let conn = net.conn_to("10.0.0.3:7000");
        sent = net.take_sent(conn);
        if !sent.is_empty() {
            let again = net.conn_to("10.0.0.3:7000");
            net.reply(again, &error("NOSCRIPT No matching script."));
            sent = net.take_sent(again);
            assert_eq!(sent[0][..2], ["SCRIPT", "LOAD"], "loaded again");
            net.reply(again, &bulk(script.sha1()));
            net.reply(again, &Value::Integer(3));
            break;
        }
    }
    assert!(!sent.is_empty(), "the call was tried again");
    assert_eq!(net.single(id), &Ok(Value::Integer(3)));
}

#[test]
fn a_script_call_with_keys_in_two_slots_is_refused() {
    let mut net = ready_client(Config::default());
    let call = Script::new("return 1").call().key("a").key("b");
    let id = net.cluster.submit(call, (), net.now);
    net.drain();
    assert_eq!(net.single(id), &Err(Error::CrossSlot));
}

/// `SCRIPT LOAD` sent to every node, one of whose connections is lost before it answers
/// (a node demoted by a manual failover and still pausing writes): loading twice is
/// harmless, so that leg is sent again rather than failing `OutcomeUnknown`.
#[test]
fn a_script_load_whose_connection_is_lost_is_sent_again() {
    let mut net = ready_client(Config::default());
    let id = net.submit(Cmd::new("SCRIPT").arg("LOAD").arg("return 1"));
    // Every node: three primaries and their replicas.
    let nodes: alloc::vec::Vec<alloc::string::String> =
        (1..=6).map(|i| alloc::format!("10.0.0.{i}:7000")).collect();
    let conns: alloc::vec::Vec<ConnId> = nodes.iter().map(|n| net.ensure_accepted(n)).collect();
    let digest = bulk("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
    for conn in &conns {
        let mut sent = net.take_sent(*conn);
        if sent.first().is_some_and(|c| c[0] == "READONLY") {
            // A replica's handshake ends with READONLY; the command follows its reply.
            net.reply(*conn, &ok());
            sent = net.take_sent(*conn);
        }
        assert!(
            sent.iter().any(|c| c.join(" ").starts_with("SCRIPT LOAD")),
            "{sent:?}"
        );
    }
    let (lost, answered) = conns.split_last().expect("six");
    for conn in answered {
        net.reply(*conn, &digest);
    }
    net.cluster.handle_closed(*lost, net.now);
    net.drain();
    assert!(!net.replies.contains_key(&id), "not failed: sent again");
    net.advance(Duration::from_millis(400));
    let again = net.ensure_accepted(&nodes[5]);
    assert_eq!(net.take_sent(again), [["READONLY"]], "a replica");
    net.reply(again, &ok());
    let sent = net.take_sent(again);
    assert!(
        sent.iter().any(|c| c.join(" ").starts_with("SCRIPT LOAD")),
        "{sent:?}"
    );
    net.reply(again, &digest);
    assert_eq!(net.single(id), &Ok(digest));
}
