//! Subscriptions: placed where they belong, confirmed by pushes, followed across moves.

use super::*;

/// A RESP3 push frame of strings.
fn push(items: &[&str]) -> Vec<u8> {
    let mut out = alloc::format!(">{}\r\n", items.len()).into_bytes();
    for item in items {
        out.extend_from_slice(alloc::format!("${}\r\n{item}\r\n", item.len()).as_bytes());
    }
    out
}

/// The same as a RESP2 array (a subscribed RESP2 connection's replies).
fn array(items: &[&str]) -> Vec<u8> {
    let mut out = push(items);
    out[0] = b'*';
    out
}

/// Subscribe to (or, with `on` false, unsubscribe from) one channel of `kind`.
fn subscription(net: &mut Net, kind: SubscriptionKind, channel: &str, on: bool) {
    let now = net.now;
    let channels = alloc::vec![Bytes::from(channel.to_string())];
    if on {
        let id = net.cluster.subscribe(kind, channels, (), now);
        net.subscribers.push((kind, channel.to_string(), id));
    } else {
        let at = net
            .subscribers
            .iter()
            .position(|(k, c, _)| *k == kind && c == channel)
            .expect("subscribed by the test");
        let (_, _, id) = net.subscribers.remove(at);
        assert_eq!(net.cluster.unsubscribe(id, now), Some(()));
    }
    net.drain();
}

fn shard(net: &mut Net, channel: &str) {
    subscription(net, SubscriptionKind::Shard, channel, true);
}

/// A client subscribed to shard channel `orders` on its primary, confirmed.
fn confirmed_orders() -> (Net, &'static str, ConnId) {
    let mut net = ready_client(Config::default());
    let node = primary_of("orders");
    shard(&mut net, "orders");
    let conn = net.accept(node);
    net.take_sent(conn);
    net.data(conn, &push(&["ssubscribe", "orders", "1"]));
    (net, node, conn)
}

fn subscribed(net: &Net) -> Vec<(String, Option<Duration>)> {
    net.pubsub
        .iter()
        .filter_map(|p| match p {
            PubSub::Subscribed { addr, gap, .. } => Some((addr.to_string(), *gap)),
            _ => None,
        })
        .collect()
}

fn messages(net: &Net) -> Vec<String> {
    net.pubsub
        .iter()
        .filter_map(|p| match p {
            PubSub::Message { payload, .. } => Some(String::from_utf8_lossy(payload).into_owned()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_shard_channel_is_subscribed_on_its_primary_and_shares_the_connection_with_replies() {
    let mut net = ready_client(Config::default());
    let node = primary_of("orders");
    shard(&mut net, "orders");
    let conn = net.accept(node);
    assert_eq!(net.take_sent(conn), [["SSUBSCRIBE", "orders"]]);
    let get = net.submit(Cmd::new("GET").arg("orders"));
    // The confirmation, a message, then the GET's reply: pushes never take a reply's place.
    net.data(conn, &push(&["ssubscribe", "orders", "1"]));
    net.data(conn, &push(&["smessage", "orders", "m1"]));
    net.data(conn, b"$1\r\nv\r\n");
    assert_eq!(net.single(get), &Ok(bulk("v")));
    assert_eq!(subscribed(&net), [(node.to_string(), None)]);
    assert_eq!(messages(&net), ["m1"]);
}

#[test]
fn a_slot_moving_away_is_followed_through_moved_and_the_gap_is_reported() {
    let (mut net, _, conn) = confirmed_orders();
    // The slot migrates: the old owner takes the subscription down.
    net.advance(Duration::from_millis(3));
    net.data(conn, &push(&["sunsubscribe", "orders", "0"]));
    assert!(net
        .pubsub
        .iter()
        .any(|p| matches!(p, PubSub::Resubscribing { .. })));
    // Placed again at once, where the stale view says; MOVED points to the new owner.
    assert_eq!(net.take_sent(conn), [["SSUBSCRIBE", "orders"]]);
    let slot = crate::key_slot(b"orders");
    net.reply(conn, &error(&alloc::format!("MOVED {slot} 10.0.0.1:7000")));
    net.advance(Duration::from_millis(40));
    let new_owner = net.ensure_accepted("10.0.0.1:7000");
    let sent = net.take_sent(new_owner);
    assert!(
        sent.contains(&alloc::vec!["SSUBSCRIBE".to_string(), "orders".to_string()]),
        "{sent:?}"
    );
    net.advance(Duration::from_millis(2));
    net.data(new_owner, &push(&["ssubscribe", "orders", "1"]));
    let confirmations = subscribed(&net);
    assert_eq!(confirmations.len(), 2);
    assert_eq!(confirmations[1].0, "10.0.0.1:7000");
    let gap = confirmations[1].1.expect("a gap after a loss");
    assert!(
        gap >= Duration::from_millis(42) && gap <= Duration::from_millis(45),
        "{gap:?}"
    );
    net.data(new_owner, &push(&["smessage", "orders", "after"]));
    assert_eq!(messages(&net), ["after"]);
}

#[test]
fn a_lost_connection_is_followed_by_a_new_subscription() {
    let (mut net, node, conn) = confirmed_orders();
    net.cluster.handle_closed(conn, net.now);
    net.drain();
    net.advance(Duration::from_millis(5));
    let again = net.ensure_accepted(node);
    assert_ne!(again, conn);
    let sent = net.take_sent(again);
    assert!(
        sent.contains(&alloc::vec!["SSUBSCRIBE".to_string(), "orders".to_string()]),
        "{sent:?}"
    );
}

#[test]
fn resp2_subscriptions_get_a_connection_of_their_own() {
    let mut net = Net::new(
        Config {
            protocol: crate::resp::Protocol::Resp2,
            ..Config::default()
        },
        &["seed:6379"],
    );
    let seed = net.conn_to("seed:6379");
    net.connected(seed);
    assert_eq!(net.take_sent(seed), [["CLUSTER", "SHARDS"]]);
    net.reply(seed, &error("ERR unknown subcommand 'SHARDS'."));
    net.take_sent(seed);
    net.reply(seed, &three_shards());
    subscription(&mut net, SubscriptionKind::Channel, "news", true);
    // The shared connection to the home node, and one for subscriptions.
    let (shared, own) = (
        net.connects[net.connects.len() - 2].clone(),
        net.connects[net.connects.len() - 1].clone(),
    );
    assert_eq!(shared.1, own.1);
    net.connected(shared.0);
    net.connected(own.0);
    assert_eq!(net.take_sent(own.0), [["SUBSCRIBE", "news"]]);
    assert!(net.take_sent(shared.0).is_empty());
    net.data(own.0, &array(&["subscribe", "news", "1"]));
    net.data(own.0, &array(&["message", "news", "hello"]));
    assert_eq!(messages(&net), ["hello"]);
    assert_eq!(subscribed(&net).len(), 1);
    // Unsubscribed: later messages are not delivered.
    subscription(&mut net, SubscriptionKind::Channel, "news", false);
    // Nothing left on the subscription connection: it is closed (which unsubscribes it).
    assert!(net.closed.contains(&own.0));
    assert!(net.take_sent(own.0).is_empty());
    assert!(!net.closed.contains(&shared.0));
    net.data(own.0, &array(&["message", "news", "late"]));
    assert_eq!(messages(&net), ["hello"]);
    assert_eq!(net.cluster.subscription_count(), 0);
}

#[test]
fn patterns_deliver_with_their_pattern_and_a_refusal_drops_the_subscription() {
    let mut net = ready_client(Config::default());
    subscription(&mut net, SubscriptionKind::Pattern, "news.*", true);
    let home = net.connects.last().unwrap().0;
    net.connected(home);
    net.take_sent(home);
    net.fixture(home, "hello3.resp3");
    assert_eq!(net.take_sent(home), [["PSUBSCRIBE", "news.*"]]);
    net.data(home, &push(&["psubscribe", "news.*", "1"]));
    net.data(home, &push(&["pmessage", "news.*", "news.uk", "rain"]));
    assert!(matches!(
        net.pubsub.last(),
        Some(PubSub::Message { kind: SubscriptionKind::Pattern, pattern: Some(p), channel, .. })
            if &p[..] == b"news.*" && &channel[..] == b"news.uk"
    ));
    subscription(&mut net, SubscriptionKind::Channel, "secret", true);
    assert_eq!(net.take_sent(home), [["SUBSCRIBE", "secret"]]);
    net.reply(
        home,
        &error("NOPERM this user has no permissions to access the 'secret' channel"),
    );
    assert!(matches!(net.pubsub.last(), Some(PubSub::Refused { .. })));
    assert_eq!(net.cluster.subscription_count(), 1);
}

#[test]
fn a_connection_lost_while_it_owes_the_last_topology_answer_still_reports_the_loss() {
    // Found by the simulator (pub/sub seed 245): the lost connection's failed query completed
    // a rediscovery, whose new view found the subscription on a connection already gone and
    // took it down without a `Resubscribing`.
    let mut net = ready_client(Config::default());
    let node = primary_of("orders");
    let other = if node == "10.0.0.1:7000" {
        "10.0.0.2:7000"
    } else {
        "10.0.0.1:7000"
    };
    shard(&mut net, "orders");
    let conn = net.accept(node);
    net.take_sent(conn);
    net.data(conn, &push(&["ssubscribe", "orders", "1"]));
    let key = super::rediscovery::key_in(if other == "10.0.0.1:7000" {
        0..5461
    } else {
        5461..10923
    });
    let peer = net.accept_for(Cmd::new("GET").arg(key), other);
    net.advance(Duration::from_secs(61)); // the periodic rediscovery asks three nodes
    for c in [conn, peer] {
        assert!(net.take_sent(c).iter().any(|cmd| cmd[0] == "CLUSTER"));
    }
    // The replica's query goes out with its handshake.
    let replica = net.ensure_accepted("10.0.0.4:7000");
    // Two answers that disagree (a replica differs): no majority until the last query ends.
    net.reply(peer, &three_shards());
    net.reply(replica, &ok()); // READONLY
    net.reply(
        replica,
        &cluster_slots(&[
            (0, 5460, "10.0.0.1:7000", &["10.0.0.4:7000"]),
            (5461, 10922, "10.0.0.2:7000", &["10.0.0.5:7000"]),
            (10923, 16383, "10.0.0.3:7000", &["10.0.0.7:7000"]),
        ]),
    );
    net.cluster.handle_closed(conn, net.now);
    net.drain();
    assert!(
        net.pubsub
            .iter()
            .any(|p| matches!(p, PubSub::Resubscribing { .. })),
        "{:?}",
        net.pubsub
    );
}

#[test]
fn an_item_names_the_subscription_it_belongs_to() {
    let message = |pattern: Option<&'static str>| PubSub::Message {
        kind: if pattern.is_some() {
            SubscriptionKind::Pattern
        } else {
            SubscriptionKind::Channel
        },
        channel: Bytes::from_static(b"news.eu"),
        pattern: pattern.map(|p| Bytes::from_static(p.as_bytes())),
        payload: Bytes::from_static(b"hi"),
    };
    let by_pattern = message(Some("news.*"));
    assert_eq!(
        by_pattern.subscription(),
        (SubscriptionKind::Pattern, &Bytes::from_static(b"news.*")),
        "a pattern's message belongs to the pattern"
    );
    let direct = message(None);
    assert_eq!(
        direct.subscription(),
        (SubscriptionKind::Channel, &Bytes::from_static(b"news.eu"))
    );
    let refused = PubSub::Refused {
        kind: SubscriptionKind::Shard,
        channel: Bytes::from_static(b"orders"),
        error: Bytes::from_static(b"NOPERM"),
    };
    assert_eq!(
        refused.subscription(),
        (SubscriptionKind::Shard, &Bytes::from_static(b"orders"))
    );
}

/// A subscriber of shard channels, without the test's bookkeeping.
fn holder(net: &mut Net, channels: &[&str]) -> SubscriberId {
    let channels = channels
        .iter()
        .map(|c| Bytes::from(c.to_string()))
        .collect();
    let id = net
        .cluster
        .subscribe(SubscriptionKind::Shard, channels, (), net.now);
    net.drain();
    id
}

/// The items subscriber `id` was handed, in order.
fn items_for(net: &Net, id: SubscriberId) -> Vec<PubSub> {
    net.pubsub_to
        .iter()
        .zip(&net.pubsub)
        .filter(|(to, _)| **to == id)
        .map(|(_, item)| item.clone())
        .collect()
}

fn is_subscribed(item: &PubSub, want_gap: bool) -> bool {
    matches!(item, PubSub::Subscribed { gap, .. } if gap.is_some() == want_gap)
}

#[test]
fn subscribers_of_one_channel_share_its_subscription_and_each_get_every_item() {
    let mut net = ready_client(Config::default());
    let node = primary_of("orders");
    let first = holder(&mut net, &["orders"]);
    let second = holder(&mut net, &["orders"]);
    let conn = net.accept(node);
    assert_eq!(net.take_sent(conn), [["SSUBSCRIBE", "orders"]], "sent once");
    net.data(conn, &push(&["ssubscribe", "orders", "1"]));
    net.data(conn, &push(&["smessage", "orders", "m1"]));
    for id in [first, second] {
        let items = items_for(&net, id);
        assert_eq!(items.len(), 2, "{items:?}");
        assert!(is_subscribed(&items[0], false));
        assert!(matches!(&items[1], PubSub::Message { payload, .. } if payload == "m1"));
    }
    // The first leaves: the second still holds it, so nothing is sent.
    assert_eq!(net.cluster.unsubscribe(first, net.now), Some(()));
    net.drain();
    assert!(net.take_sent(conn).is_empty());
    net.data(conn, &push(&["smessage", "orders", "m2"]));
    assert_eq!(
        items_for(&net, first).len(),
        2,
        "nothing more for the first"
    );
    assert_eq!(items_for(&net, second).len(), 3);
    // The last leaves: the channel is unsubscribed.
    assert_eq!(net.cluster.unsubscribe(second, net.now), Some(()));
    net.drain();
    assert_eq!(net.take_sent(conn), [["SUNSUBSCRIBE", "orders"]]);
    assert_eq!(
        net.cluster.unsubscribe(second, net.now),
        None,
        "gone already"
    );
}

#[test]
fn a_channel_named_twice_by_one_subscriber_is_delivered_to_it_once() {
    let mut net = ready_client(Config::default());
    let node = primary_of("orders");
    let id = holder(&mut net, &["orders", "orders"]);
    let conn = net.accept(node);
    assert_eq!(net.take_sent(conn), [["SSUBSCRIBE", "orders"]]);
    net.data(conn, &push(&["ssubscribe", "orders", "1"]));
    net.data(conn, &push(&["smessage", "orders", "m1"]));
    assert_eq!(items_for(&net, id).len(), 2, "{:?}", net.pubsub);
}

#[test]
fn a_subscriber_joining_a_confirmed_channel_is_told_at_once_and_after_a_loss_waits() {
    let mut net = ready_client(Config::default());
    let node = primary_of("orders");
    let first = holder(&mut net, &["orders"]);
    let conn = net.accept(node);
    net.take_sent(conn);
    net.advance(Duration::from_millis(2));
    net.data(conn, &push(&["ssubscribe", "orders", "1"]));
    let second = holder(&mut net, &["orders"]);
    assert!(
        net.take_sent(conn).is_empty(),
        "the server holds it already"
    );
    let told = items_for(&net, second);
    assert_eq!(told.len(), 1);
    assert!(matches!(&told[0], PubSub::Subscribed { addr: a, gap: None, .. } if *a == addr(node)));
    assert_eq!(
        items_for(&net, first).len(),
        1,
        "the first hears nothing new"
    );
    // Lost (the server took it down): a subscriber joining now waits for the confirmation.
    net.data(conn, &push(&["sunsubscribe", "orders", "0"]));
    let third = holder(&mut net, &["orders"]);
    assert!(items_for(&net, third).is_empty());
    net.take_sent(conn);
    net.advance(Duration::from_millis(2));
    net.data(conn, &push(&["ssubscribe", "orders", "1"]));
    // Every holder hears the confirmation, with the gap the subscription was down for.
    for id in [first, second, third] {
        assert!(
            items_for(&net, id)
                .last()
                .is_some_and(|i| is_subscribed(i, true)),
            "{:?}",
            items_for(&net, id)
        );
    }
}

/// A subscriber left while its confirmation was on the way: the late confirmation is not
/// kept, so the next subscriber waits for its own.
#[test]
fn a_confirmation_arriving_after_the_last_subscriber_left_is_not_kept() {
    let mut net = ready_client(Config::default());
    let node = primary_of("orders");
    let first = holder(&mut net, &["orders"]);
    let conn = net.accept(node);
    net.take_sent(conn);
    net.cluster.unsubscribe(first, net.now);
    net.drain();
    assert_eq!(net.take_sent(conn), [["SUNSUBSCRIBE", "orders"]]);
    net.data(conn, &push(&["ssubscribe", "orders", "1"]));
    net.data(conn, &push(&["sunsubscribe", "orders", "0"]));
    assert!(net.pubsub.is_empty(), "nobody to tell: {:?}", net.pubsub);
    let second = holder(&mut net, &["orders"]);
    assert_eq!(
        net.take_sent(conn),
        [["SSUBSCRIBE", "orders"]],
        "subscribed anew"
    );
    assert!(
        items_for(&net, second).is_empty(),
        "not before the server says so"
    );
    net.data(conn, &push(&["ssubscribe", "orders", "1"]));
    assert_eq!(items_for(&net, second).len(), 1);
}

#[test]
fn subscribers_whose_token_says_they_are_gone_leave_together() {
    let mut net = ready_client(Config::default());
    let node = primary_of("orders");
    let kept = holder(&mut net, &["orders"]);
    let gone = holder(&mut net, &["orders", "invoices"]);
    assert_eq!(net.cluster.subscription_count(), 2);
    let mut asked = Vec::new();
    let left = net.cluster.unsubscribe_where(
        |_| {
            asked.push(());
            asked.len() == 2 // the second subscriber's stream is closed
        },
        net.now,
    );
    assert_eq!(left, [()]);
    assert_eq!(net.cluster.subscriber(gone), None);
    assert_eq!(net.cluster.subscriber(kept), Some(&()));
    assert_eq!(net.cluster.subscription_count(), 1, "only orders is held");
    let _ = node;
}
