//! A node that refuses connections while requests queue for it: the connection attempts
//! follow the node's backoff, not the number of requests, and the queued requests are sent
//! once it accepts again.

use super::*;

const DOWN: &str = "10.0.0.3:7000";

/// Refuse every connection attempt to [`DOWN`] as it appears, for `span`, in steps of `step`;
/// returns how many there were.
fn refuse_for(net: &mut Net, span: Duration, step: Duration) -> usize {
    let start = net.now;
    let mut refused = 0;
    while net.now - start < span {
        for (conn, a) in net.connects.clone() {
            if a == addr(DOWN) && net.is_connecting(conn) {
                net.cluster
                    .handle_connect_failed(conn, "connection refused", net.now);
                net.drain();
                refused += 1;
            }
        }
        net.advance(step);
    }
    refused
}

#[test]
fn a_refusing_node_gets_attempts_at_its_backoff_not_one_per_queued_request() {
    let mut net = ready_client(Config::default());
    let key = (0..)
        .map(|i| alloc::format!("k{i}"))
        .find(|k| primary_of(k) == DOWN)
        .expect("a key on the third shard");
    let ids: Vec<RequestId> = (0..40)
        .map(|_| net.submit(Cmd::new("GET").arg(key.as_str())))
        .collect();
    let refused = refuse_for(&mut net, Duration::from_secs(2), Duration::from_millis(1));
    // 10 ms doubling to the 320 ms cap, with jitter: about a dozen in 2 s. One per queued
    // request's retry was several hundred.
    assert!(
        (3..=20).contains(&refused),
        "{refused} connection attempts in 2 s"
    );
    assert!(
        ids.iter().all(|id| !net.replies.contains_key(id)),
        "none given up yet"
    );
    // The node is back: the next attempt carries every queued request.
    net.advance(Duration::from_millis(400));
    let conn = net.accept(DOWN);
    let sent = net.take_sent(conn);
    let gets = sent.iter().take_while(|c| c[0] == "GET").count();
    assert_eq!(gets, ids.len(), "{sent:?}");
    for _ in &ids {
        net.reply(conn, &bulk("v"));
    }
    for id in &ids {
        assert_eq!(net.single(*id), &Ok(bulk("v")));
    }
}
