//! Rotating credentials (`credentials.rs`): handshakes wait for unexpired ones, the source is
//! asked at three quarters of their lifetime, rotation re-authenticates live connections in
//! order, and a failing source keeps what is valid.

use super::*;
use crate::cluster::{Credentials, Event};
use crate::resp::Protocol;

fn rotating() -> Config {
    Config {
        credentials_from_source: true,
        ..Config::default()
    }
}

fn creds(user: &str, token: &str, expires: Option<Instant>) -> Credentials {
    Credentials::new(Some(user.into()), token.into(), expires)
}

/// A client of [`three_shards`] whose first credentials (`app`/`t1`, valid 100 s) came from
/// the source before its seed connected.
fn rotating_client() -> Net {
    let mut net = Net::new(rotating(), &["seed:6379"]);
    assert_eq!(net.credentials_asked, 1, "asked at the start");
    let seed = net.conn_to("seed:6379");
    net.connected(seed);
    assert!(
        net.take_sent(seed).is_empty(),
        "no handshake without credentials"
    );
    let expires = net.now + Duration::from_secs(100);
    net.cluster
        .set_credentials(creds("app", "t1", Some(expires)), net.now);
    net.drain();
    let sent = net.take_sent(seed);
    assert_eq!(sent[0], ["HELLO", "3", "AUTH", "app", "t1"], "{sent:?}");
    net.fixture(seed, "hello3.resp3");
    learn_three_shards(&mut net, seed);
    net
}

#[test]
fn handshakes_wait_for_the_first_credentials_and_present_them() {
    let mut net = rotating_client();
    let id = net.submit(Cmd::new("GET").arg("k"));
    let node = net.accept(primary_of("k"));
    assert_eq!(net.take_sent(node), [["GET", "k"]]);
    net.reply(node, &bulk("v"));
    assert_eq!(net.single(id), &Ok(bulk("v")));
}

#[test]
fn rotation_reauthenticates_live_connections_behind_what_they_carry() {
    let mut net = rotating_client();
    let first = net.submit(Cmd::new("GET").arg("k"));
    let node = net.accept(primary_of("k"));
    assert_eq!(net.take_sent(node), [["GET", "k"]]);
    // Rotate with the GET unanswered: AUTH goes behind it, the GET's reply still reaches it.
    net.cluster
        .set_credentials(creds("app2", "t2", None), net.now);
    net.drain();
    let second = net.submit(Cmd::new("GET").arg("k"));
    assert_eq!(
        net.take_sent(node),
        [alloc::vec!["AUTH", "app2", "t2"], alloc::vec!["GET", "k"]],
        "AUTH in order, then later commands"
    );
    net.reply(node, &bulk("v1"));
    net.reply(node, &ok());
    net.reply(node, &bulk("v2"));
    assert_eq!(net.single(first), &Ok(bulk("v1")));
    assert_eq!(net.single(second), &Ok(bulk("v2")));
    assert!(net
        .events
        .iter()
        .any(|e| matches!(e, Event::CredentialsRotated { connections } if *connections >= 1)));
    // A connection made after presents the new credentials.
    let other = (0..)
        .map(|i| alloc::format!("o{i}"))
        .find(|k| primary_of(k) != primary_of("k") && primary_of(k) != "10.0.0.1:7000")
        .unwrap_or_default();
    net.submit(Cmd::new("GET").arg(other.as_str()));
    let fresh = net.conn_to(primary_of(&other));
    net.connected(fresh);
    assert_eq!(
        net.take_sent(fresh)[0],
        ["HELLO", "3", "AUTH", "app2", "t2"]
    );
}

#[test]
fn the_source_is_asked_at_three_quarters_of_the_lifetime() {
    let mut net = rotating_client();
    net.advance(Duration::from_secs(74));
    assert_eq!(net.credentials_asked, 1, "not yet");
    net.advance(Duration::from_secs(1));
    assert_eq!(net.credentials_asked, 2, "75 s into a 100 s lifetime");
}

#[test]
fn a_failing_source_keeps_valid_credentials_and_backs_off() {
    let mut net = rotating_client();
    let node = {
        net.submit(Cmd::new("GET").arg("k"));
        net.accept(primary_of("k"))
    };
    net.take_sent(node);
    net.advance(Duration::from_secs(75));
    assert_eq!(net.credentials_asked, 2);
    net.cluster.credentials_failed("vault down", net.now);
    net.drain();
    assert!(net.events.contains(&Event::CredentialsUnavailable {
        reason: "vault down".into(),
        failures: 1
    }));
    assert!(
        net.cluster.conns.get(node.0).is_some(),
        "the live connection stays"
    );
    // A new connection still uses the held, unexpired credentials.
    let other = (0..)
        .map(|i| alloc::format!("o{i}"))
        .find(|k| primary_of(k) != primary_of("k"))
        .unwrap_or_default();
    net.submit(Cmd::new("GET").arg(other.as_str()));
    let fresh = net.conn_to(primary_of(&other));
    net.connected(fresh);
    assert_eq!(net.take_sent(fresh)[0], ["HELLO", "3", "AUTH", "app", "t1"]);
    // Asked again after 0.5-1 s, then 1-2 s (the machine's jittered backoff): not in a loop.
    net.advance(Duration::from_millis(499));
    assert_eq!(net.credentials_asked, 2);
    net.advance(Duration::from_millis(501));
    assert_eq!(net.credentials_asked, 3);
    net.cluster.credentials_failed("vault down", net.now);
    net.drain();
    net.advance(Duration::from_millis(999));
    assert_eq!(net.credentials_asked, 3);
    net.advance(Duration::from_millis(1001));
    assert_eq!(net.credentials_asked, 4);
}

#[test]
fn without_valid_credentials_a_waiting_connection_fails_with_the_sources_reason() {
    let mut net = Net::new(rotating(), &["seed:6379"]);
    let id = net.submit(Cmd::new("GET").arg("k"));
    let seed = net.conn_to("seed:6379");
    net.connected(seed);
    net.cluster.credentials_failed("no IAM role", net.now);
    net.drain();
    assert!(net.closed.contains(&seed));
    // The bootstrap keeps trying; the request fails by its deadline with the reason known.
    net.advance(Duration::from_secs(6));
    let answer = alloc::format!("{:?}", net.single(id));
    assert!(answer.starts_with("Err("), "{answer}");
    let failure = alloc::format!("{:?}", net.cluster.bootstrap_error());
    assert!(
        failure.contains("no IAM role"),
        "the source's own words: {failure}"
    );
}

#[test]
fn expired_credentials_are_never_presented() {
    let mut net = rotating_client();
    net.advance(Duration::from_secs(75));
    net.cluster.credentials_failed("vault down", net.now);
    net.drain();
    // Past the expiry (100 s), with the source still failing: a new connection waits.
    net.advance(Duration::from_secs(26));
    net.submit(Cmd::new("GET").arg("k"));
    let node = net.conn_to(primary_of("k"));
    net.connected(node);
    assert!(
        net.take_sent(node).is_empty(),
        "no handshake with expired credentials"
    );
    let before = net.credentials_asked;
    let expires = net.now + Duration::from_secs(100);
    net.cluster
        .set_credentials(creds("app", "t3", Some(expires)), net.now);
    net.drain();
    assert_eq!(net.take_sent(node)[0], ["HELLO", "3", "AUTH", "app", "t3"]);
    assert_eq!(
        net.credentials_asked, before,
        "fresh credentials ask for nothing more"
    );
}

#[test]
fn a_refused_rotation_is_reported_and_the_connection_kept() {
    let mut net = rotating_client();
    net.submit(Cmd::new("GET").arg("k"));
    let node = net.accept(primary_of("k"));
    net.take_sent(node);
    net.reply(node, &bulk("v"));
    net.cluster
        .set_credentials(creds("app", "wrong", None), net.now);
    net.drain();
    assert_eq!(net.take_sent(node), [["AUTH", "app", "wrong"]]);
    net.reply(
        node,
        &error("WRONGPASS invalid username-password pair or user is disabled."),
    );
    assert!(net.events.iter().any(|e| matches!(e,
        Event::ReauthenticationRefused { message, .. } if message.starts_with("WRONGPASS"))));
    assert!(net.cluster.conns.get(node.0).is_some());
    let id = net.submit(Cmd::new("GET").arg("k"));
    assert_eq!(net.take_sent(node), [["GET", "k"]]);
    net.reply(node, &bulk("still"));
    assert_eq!(net.single(id), &Ok(bulk("still")));
}

#[test]
fn a_resp2_subscription_connection_is_replaced_rather_than_reauthenticated() {
    let config = Config {
        protocol: Protocol::Resp2,
        ..rotating()
    };
    let mut net = Net::new(config, &["seed:6379"]);
    let seed = net.conn_to("seed:6379");
    net.connected(seed);
    net.cluster
        .set_credentials(creds("app", "t1", None), net.now);
    net.drain();
    assert_eq!(net.take_sent(seed)[0], ["AUTH", "app", "t1"]);
    net.reply(seed, &ok());
    assert_eq!(net.take_sent(seed), [["CLUSTER", "SHARDS"]]);
    net.reply(
        seed,
        &error("ERR unknown subcommand 'SHARDS'. Try CLUSTER HELP."),
    );
    net.take_sent(seed);
    net.reply(seed, &three_shards());
    net.cluster.subscribe(
        crate::cluster::SubscriptionKind::Channel,
        alloc::vec![bytes::Bytes::from_static(b"news")],
        (),
        net.now,
    );
    net.drain();
    let (sub, _) = *net.connects.last().expect("a subscription connection");
    net.connected(sub);
    assert_eq!(net.take_sent(sub)[0], ["AUTH", "app", "t1"]);
    net.reply(sub, &ok());
    assert_eq!(net.take_sent(sub), [["SUBSCRIBE", "news"]]);
    net.reply(
        sub,
        &Value::Array(alloc::vec![
            bulk("subscribe"),
            bulk("news"),
            Value::Integer(1)
        ]),
    );
    net.cluster
        .set_credentials(creds("app", "t2", None), net.now);
    net.drain();
    assert!(
        net.closed.contains(&sub),
        "no AUTH in subscribed mode: replaced"
    );
    assert!(net.take_sent(sub).is_empty());
}
