//! The simulator's checks catch what they claim to: each test hands a run a reply, a server
//! message or a state that breaks one invariant, and expects the matching violation.
//!
//! (The ASK check is proven against the real client by tests/tests/sim_plant.rs.)

use bytes::Bytes;
use keyslot_core::cluster::Error;
use keyslot_core::resp::Value;
use keyslot_core::time::Duration;
use keyslot_tests::sim::workload::Reply;
use keyslot_tests::sim::workload::{Kind, Op};
use keyslot_tests::sim::{Driver, Profile, World};

fn world() -> World {
    let mut w = World::new(5, Profile::calm(), Driver::Scripted);
    let t = w.now + Duration::from_millis(200);
    w.run_until(t); // bootstrap
    assert!(w.client.topology().is_some(), "the client bootstrapped");
    assert!(w.failure.is_none());
    w
}

fn key(w: &World) -> Bytes {
    Bytes::from(format!("{{{}}}s0", w.work.tags[0]))
}

fn failure(w: &World) -> String {
    w.failure.clone().unwrap_or_default()
}

#[test]
fn an_honest_run_has_no_violation() {
    let mut w = world();
    let k = key(&w);
    w.submit(Kind::Single(Op::Get(k)), true);
    let t = w.now + Duration::from_secs(1);
    w.run_until(t);
    assert!(w.failure.is_none(), "{}", failure(&w));
    assert!(w.work.pending.is_empty());
    assert_eq!(w.work.ok, 1);
}

#[test]
fn a_value_no_node_returned_is_caught() {
    let mut w = world();
    let k = key(&w);
    let id = w.submit(Kind::Single(Op::Get(k)), false);
    let bogus = Value::BulkString(Bytes::from_static(b"not-what-the-server-said"));
    w.on_reply(id.as_u64(), Reply::Single(Ok(bogus)));
    assert!(failure(&w).contains("no execution"), "{}", failure(&w));
}

#[test]
fn a_reply_for_another_request_is_caught() {
    let mut w = world();
    let (a, b) = (key(&w), Bytes::from(format!("{{{}}}s1", w.work.tags[0])));
    // Write b, then read a and b; hand a's request the reply b's GET got.
    let v = Bytes::from(format!("{}#999999", String::from_utf8_lossy(&b)));
    w.submit(Kind::Single(Op::Set(b.clone(), v.clone())), false);
    let t = w.now + Duration::from_millis(100);
    w.run_until(t);
    let id = w.submit(Kind::Single(Op::Get(a)), false);
    w.submit(Kind::Single(Op::Get(b)), false);
    w.on_reply(id.as_u64(), Reply::Single(Ok(Value::BulkString(v))));
    assert!(failure(&w).contains("no execution"), "{}", failure(&w));
}

#[test]
fn a_reply_to_no_pending_request_is_caught() {
    let mut w = world();
    w.on_reply(123_456, Reply::Single(Ok(Value::Null)));
    assert!(failure(&w).contains("not pending"), "{}", failure(&w));
}

#[test]
fn a_second_reply_to_one_request_is_caught() {
    let mut w = world();
    let k = key(&w);
    let id = w.submit(Kind::Single(Op::Get(k)), false);
    let t = w.now + Duration::from_secs(1);
    w.run_until(t);
    assert!(w.failure.is_none(), "{}", failure(&w));
    w.on_reply(id.as_u64(), Reply::Single(Ok(Value::Null)));
    assert!(failure(&w).contains("not pending"), "{}", failure(&w));
}

#[test]
fn a_leaked_redirect_is_caught() {
    let mut w = world();
    let k = key(&w);
    let id = w.submit(Kind::Single(Op::Get(k)), false);
    let moved = Error::Server(Bytes::from_static(b"MOVED 1 10.0.0.10:6379").into());
    w.on_reply(id.as_u64(), Reply::Single(Err(moved)));
    assert!(
        failure(&w).contains("failed with Server"),
        "{}",
        failure(&w)
    );
}

#[test]
fn an_unknown_outcome_for_a_read_is_caught() {
    let mut w = world();
    let k = key(&w);
    let id = w.submit(Kind::Single(Op::Get(k)), false);
    let e = Error::OutcomeUnknown {
        addr: keyslot_core::topology::Addr::new("10.0.0.10", 6379),
    };
    w.on_reply(id.as_u64(), Reply::Single(Err(e)));
    assert!(failure(&w).contains("OutcomeUnknown"), "{}", failure(&w));
}

#[test]
fn an_unknown_outcome_for_a_write_is_allowed_but_not_once_quiet() {
    let e = Error::OutcomeUnknown {
        addr: keyslot_core::topology::Addr::new("10.0.0.10", 6379),
    };
    let mut w = world();
    let k = key(&w);
    let id = w.submit(Kind::Single(Op::Incr(k.clone())), false);
    w.on_reply(id.as_u64(), Reply::Single(Err(e.clone())));
    assert!(w.failure.is_none(), "{}", failure(&w));
    let id = w.submit(Kind::Single(Op::Incr(k)), true);
    w.on_reply(id.as_u64(), Reply::Single(Err(e)));
    assert!(failure(&w).contains("went quiet failed"), "{}", failure(&w));
}

#[test]
fn an_acknowledged_write_that_never_ran_is_caught() {
    let mut w = world();
    let k = key(&w);
    let v = Bytes::from(format!("{}#424242", String::from_utf8_lossy(&k)));
    let id = w.submit(Kind::Single(Op::Set(k, v)), false);
    // Acknowledge it before any byte reached a node.
    w.on_reply(
        id.as_u64(),
        Reply::Single(Ok(Value::SimpleString(Bytes::from_static(b"OK")))),
    );
    assert!(failure(&w).contains("no execution"), "{}", failure(&w));
}

#[test]
fn too_many_topology_queries_are_caught() {
    let mut w = world();
    let bound = w.query_bound();
    let now = w.now;
    for _ in 0..=bound {
        w.topology_query(0, now);
    }
    assert!(failure(&w).contains("topology queries"), "{}", failure(&w));
}

#[test]
fn a_stale_slot_map_is_seen() {
    let mut w = world();
    assert!(
        w.slot_map_mismatches().is_empty(),
        "bootstrapped map is right"
    );
    // Move slot 0 to another shard behind the client's back.
    let other = (w.c.latest.owner[0] + 1) % w.c.latest.shards.len() as u16;
    w.change_view(&[], |v| v.owner.set(0, other));
    let wrong = w.slot_map_mismatches();
    assert_eq!(wrong.first().map(|m| m.0), Some(0), "{wrong:?}");
}

#[test]
fn a_lost_write_is_only_allowed_through_a_failover() {
    // The model allows a key's value only inside its window: a GET after an acknowledged
    // SET that returns the older value needs a recorded failover in between.
    use keyslot_core::time::Instant;
    use keyslot_tests::sim::model::{Cause, Model};
    let mut m = Model::default();
    let k = Bytes::from_static(b"k");
    let t = Instant::from_micros;
    m.record(&k, t(10), Some(Bytes::from_static(b"old")), Cause::Write);
    m.record(&k, t(20), Some(Bytes::from_static(b"new")), Cause::Write);
    assert!(
        !m.held(b"k", t(30), t(40), Some(b"old")),
        "lost without a failover"
    );
    m.record(&k, t(35), Some(Bytes::from_static(b"old")), Cause::Failover);
    assert!(
        m.held(b"k", t(30), t(40), Some(b"old")),
        "lost by a recorded failover"
    );
}
