//! Scripts: EVALSHA loads the script where it is missing, once per connection.

use super::*;
use crate::Script;

#[test]
fn noscript_loads_the_script_on_that_node_and_runs_it_again() {
    let mut net = ready_client(Config::default());
    let script = Script::new("return redis.call('GET', KEYS[1])");
    let id = net.cluster.submit_script(script.call().key("foo"), net.now);
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
    let id = net.cluster.submit_script(script.call().key("foo"), net.now);
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

#[test]
fn a_second_noscript_reaches_the_caller() {
    let mut net = ready_client(Config::default());
    let script = Script::new("return 1");
    let id = net.cluster.submit_script(script.call().key("foo"), net.now);
    net.drain();
    let node = net.accept("10.0.0.3:7000");
    net.take_sent(node);
    net.reply(node, &error("NOSCRIPT No matching script."));
    net.take_sent(node);
    net.reply(node, &error("ERR scripts are disabled"));
    net.reply(node, &error("NOSCRIPT No matching script."));
    assert_eq!(
        net.single(id),
        &Err(Error::Server(Bytes::from_static(
            b"NOSCRIPT No matching script."
        )))
    );
}

#[test]
fn a_script_call_with_keys_in_two_slots_is_refused() {
    let mut net = ready_client(Config::default());
    let call = Script::new("return 1").call().key("a").key("b");
    let id = net.cluster.submit_script(call, net.now);
    net.drain();
    assert_eq!(net.single(id), &Err(Error::CrossSlot));
}
