//! The blocking client's driver, run by the calling threads themselves (`lead.rs`), against
//! a real cluster (3 primaries, a replica each):
//!
//! - eight threads sharing one client each increment one counter 300 times: every call is
//!   answered, once — the counter ends at exactly 2,400 — whichever thread drove the driver
//!   for whom;
//! - a thread parked in `BLPOP q 0` while driving does not keep others waiting: their
//!   commands are served meanwhile, and one of them pushes the element it pops;
//! - with no call in progress, the driver's own thread serves a subscription: a message
//!   published by another client arrives through `blocking_next`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use keyslot::{Cmd, PubSub, Value};
use keyslot_tests::cluster::{ClusterSpec, RedisCluster};
use keyslot_tests::runtimes::claim_machine;

fn connect(cluster: &RedisCluster) -> keyslot::blocking::Client {
    let seed = cluster.seed_addr().expect("a seed").to_string();
    keyslot::blocking::Client::connect([seed]).expect("connects")
}

fn every_call_from_many_threads_is_answered_once(client: &keyslot::blocking::Client) {
    client.send(Cmd::new("DEL").arg("lead:counter")).unwrap();
    let start = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (client, start) = (client.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                for _ in 0..300 {
                    let n = client.send(Cmd::new("INCR").arg("lead:counter"));
                    assert!(matches!(n, Ok(Value::Integer(_))), "{n:?}");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a caller thread");
    }
    assert_eq!(
        client.send(Cmd::new("GET").arg("lead:counter")),
        Ok(Value::BulkString("2400".into()))
    );
}

fn a_leader_blocked_on_the_server_still_serves_the_others(client: &keyslot::blocking::Client) {
    client.send(Cmd::new("DEL").arg("lead:queue")).unwrap();
    let popper = client.clone();
    let pop = std::thread::spawn(move || popper.send(Cmd::new("BLPOP").arg("lead:queue").arg(0)));
    std::thread::sleep(Duration::from_millis(100));
    let began = Instant::now();
    let mut done = 0;
    while began.elapsed() < Duration::from_millis(300) {
        let key = format!("lead:busy:{done}");
        assert_eq!(
            client.send(Cmd::new("SET").arg(&key).arg(done)),
            Ok(Value::SimpleString("OK".into()))
        );
        done += 1;
    }
    assert!(done > 20, "only {done} commands while the pop waited");
    assert_eq!(
        client.send(Cmd::new("LPUSH").arg("lead:queue").arg("job")),
        Ok(Value::Integer(1))
    );
    let popped = pop.join().expect("the popping thread");
    assert_eq!(
        popped,
        Ok(Value::Array(vec![
            Value::BulkString("lead:queue".into()),
            Value::BulkString("job".into())
        ]))
    );
}

fn a_subscription_is_served_with_no_call_in_progress(
    client: &keyslot::blocking::Client,
    publisher: &keyslot::blocking::Client,
) {
    let mut news = client.subscribe(["lead:news"]).expect("subscribes");
    let confirmed = news.blocking_next();
    assert!(
        matches!(confirmed, Some(PubSub::Subscribed { .. })),
        "{confirmed:?}"
    );
    // Published through another client: `client` has no call in progress meanwhile.
    publisher
        .send(Cmd::new("PUBLISH").arg("lead:news").arg("hello"))
        .unwrap();
    let message = news.blocking_next();
    assert!(
        matches!(&message, Some(PubSub::Message { payload, .. }) if payload == "hello"),
        "{message:?}"
    );
}

#[test]
fn blocking_callers_drive_the_driver() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let cluster = RedisCluster::start(ClusterSpec::new()).expect("a cluster");
    // A wake-up lost between callers and the driver's thread shows as a call that never
    // returns: fail then, rather than hang.
    let finished = Arc::new(AtomicBool::new(false));
    let watched = finished.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(120));
        if !watched.load(Ordering::SeqCst) {
            eprintln!("blocking_callers_drive_the_driver: a call has not returned in 120 s");
            std::process::exit(1);
        }
    });
    let client = connect(&cluster);
    every_call_from_many_threads_is_answered_once(&client);
    a_leader_blocked_on_the_server_still_serves_the_others(&client);
    let publisher = connect(&cluster);
    a_subscription_is_served_with_no_call_in_progress(&client, &publisher);
    finished.store(true, Ordering::SeqCst);
}
