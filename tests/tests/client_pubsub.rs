//! Pub/sub through the client against a real cluster (3 primaries, a replica each).
//!
//! The sharded subscriber test is the one that matters: a shard channel is subscribed while a
//! second client publishes a numbered message every 2 ms with `SPUBLISH`; meanwhile the
//! channel's slot is migrated to another primary, then that primary's replica takes over by
//! `CLUSTER FAILOVER`. The subscriber must keep receiving through both: every message
//! published after its last (re)confirmation arrives, none twice (but for the server's own
//! copies right after a failover, explained in `check_sharded`), and each gap — from the
//! moment the client learned the subscription was lost to its confirmation on the new node —
//! is printed with the number of messages published in it.
//!
//! Also: plain channels and patterns deliver, and a dropped subscription delivers nothing
//! more.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use keyslot::{Cmd, Protocol, PubSub, Subscription, SubscriptionKind, Value};
use keyslot_tests::cluster::{ClusterSpec, RedisCluster};
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{
    claim_machine, eventually, key_in_slot, slot_per_primary, Flavor, Runs, TestClient,
};

async fn connect<F: Flavor>(cluster: &RedisCluster) -> TestClient<F> {
    connect_with::<F>(cluster, Protocol::Resp3).await
}

async fn connect_with<F: Flavor>(cluster: &RedisCluster, protocol: Protocol) -> TestClient<F> {
    TestClient::<F>::connect(TestClient::<F>::builder_for(cluster).protocol(protocol))
        .await
        .expect("connects")
}

/// The next item within `within`, polling (works the same on every runtime).
async fn next_item<F: Flavor>(sub: &mut Subscription, within: Duration) -> Option<PubSub> {
    let began = Instant::now();
    loop {
        if let Some(item) = sub.try_next() {
            return Some(item);
        }
        if began.elapsed() > within {
            return None;
        }
        F::sleep(Duration::from_millis(1)).await;
    }
}

async fn wait_subscribed<F: Flavor>(sub: &mut Subscription) {
    match next_item::<F>(sub, Duration::from_secs(5)).await {
        Some(PubSub::Subscribed { .. }) => {}
        other => panic!("expected a confirmation, got {other:?}"),
    }
}

fn payload(item: &PubSub) -> Option<String> {
    match item {
        PubSub::Message { payload, .. } => Some(String::from_utf8_lossy(payload).into_owned()),
        _ => None,
    }
}

/// Channels and patterns deliver; dropping the subscription stops delivery. With RESP2 the
/// subscriptions run on a connection of their own while commands keep flowing on the
/// shared one.
async fn channels_and_patterns<F: Flavor>(cluster: &RedisCluster, protocol: Protocol) {
    let c = connect_with::<F>(cluster, protocol).await;
    let channel = format!("news:{}:{protocol:?}", F::NAME);
    let mut plain = c
        .subscribe(SubscriptionKind::Channel, vec![channel.clone()])
        .expect("subscribes");
    let mut pattern = c
        .subscribe(
            SubscriptionKind::Pattern,
            vec![format!("news:{}*", F::NAME)],
        )
        .expect("subscribes");
    wait_subscribed::<F>(&mut plain).await;
    wait_subscribed::<F>(&mut pattern).await;
    // PUBLISH counts the subscribers of the node it ran on only; the cluster bus carries
    // the message to the others.
    for i in 0..3 {
        let sent = c.send(Cmd::new("PUBLISH").arg(&channel).arg(i)).await;
        assert!(matches!(sent, Ok(Value::Integer(_))), "{sent:?}");
    }
    for sub in [&mut plain, &mut pattern] {
        let mut got = Vec::new();
        while got.len() < 3 {
            let item = next_item::<F>(sub, Duration::from_secs(5)).await;
            got.push(payload(&item.expect("a message")).expect("a message"));
        }
        assert_eq!(got, ["0", "1", "2"]);
    }
    drop(plain);
    drop(pattern);
    // The unsubscribes reach the servers: no node has a subscriber any more.
    eventually::<F, _, _>(
        "no node has a subscriber",
        Duration::from_secs(5),
        || async {
            let mut subscribers = 0;
            for node in cluster.live_nodes() {
                let numsub = cluster
                    .send(&node, &Cmd::new("PUBSUB").arg("NUMSUB").arg(&channel))
                    .expect("NUMSUB");
                subscribers += numsub
                    .as_slice()
                    .and_then(|v| v.get(1)?.as_integer())
                    .unwrap_or(0);
                let numpat = cluster
                    .send(&node, &Cmd::new("PUBSUB").arg("NUMPAT"))
                    .expect("NUMPAT");
                subscribers += numpat.as_integer().unwrap_or(0);
            }
            match subscribers {
                0 => Ok(()),
                n => Err(format!("{n} subscribers left")),
            }
        },
    )
    .await;
}

/// What the subscriber saw, each item with when it arrived.
struct Seen {
    items: Vec<(Instant, PubSub)>,
}

/// A sharded subscriber through a slot migration and a failover (see the module docs).
fn sharded_subscriber_follows<F: Flavor>(cluster: &RedisCluster) {
    let shards = slot_per_primary(cluster);
    let (from, slot) = shards[F::INDEX % shards.len()].clone();
    let (to, _) = shards[(F::INDEX + 1) % shards.len()].clone();
    let channel = key_in_slot(slot, &format!("orders:{}", F::NAME));
    let stop = Arc::new(AtomicBool::new(false));
    let published: Arc<Mutex<Vec<(u64, Instant)>>> = Arc::default();
    let phases: Arc<Mutex<Vec<(&'static str, Instant)>>> = Arc::default();

    std::thread::scope(|scope| {
        let (stop2, phases2) = (stop.clone(), phases.clone());
        let subscribed = Arc::new(AtomicBool::new(false));
        let subscribed2 = subscribed.clone();
        let (from, to) = (&from, &to);
        // The cluster's side: migrate the slot, then fail its new owner over.
        let ops = scope.spawn(move || {
            while !subscribed2.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(5));
            }
            std::thread::sleep(Duration::from_millis(300));
            let note = |what| phases2.lock().unwrap().push((what, Instant::now()));
            note("migration starts");
            cluster.migrate_slot(slot, from, to).expect("migrates");
            note("migration done");
            std::thread::sleep(Duration::from_millis(700));
            let replica = cluster.replicas_of(to).expect("replicas")[0].clone();
            note("failover starts");
            let failover = cluster.failover(&replica).expect("fails over");
            note("failover done");
            std::thread::sleep(Duration::from_millis(1500));
            stop2.store(true, Ordering::SeqCst);
            failover
        });

        let seen = F::block_on(async {
            let subscriber = connect::<F>(cluster).await;
            let publisher = connect::<F>(cluster).await;
            let mut sub = subscriber
                .subscribe(SubscriptionKind::Shard, vec![channel.clone()])
                .expect("subscribes");
            wait_subscribed::<F>(&mut sub).await;
            subscribed.store(true, Ordering::SeqCst);
            let (stop3, published2, chan2) = (stop.clone(), published.clone(), channel.clone());
            let publishing = F::spawn(async move {
                let mut seq = 0u64;
                while !stop3.load(Ordering::SeqCst) {
                    seq += 1;
                    let at = Instant::now();
                    let cmd = Cmd::new("SPUBLISH").arg(&chan2).arg(seq);
                    if publisher.send(cmd).await.is_ok() {
                        published2.lock().unwrap().push((seq, at));
                    }
                    F::sleep(Duration::from_millis(2)).await;
                }
            });
            let mut seen = Seen { items: Vec::new() };
            while !stop.load(Ordering::SeqCst) {
                if let Some(item) = next_item::<F>(&mut sub, Duration::from_millis(50)).await {
                    seen.items.push((Instant::now(), item));
                }
            }
            publishing.await;
            // Whatever is still on its way.
            while let Some(item) = next_item::<F>(&mut sub, Duration::from_millis(300)).await {
                seen.items.push((Instant::now(), item));
            }
            seen
        });
        let failover = ops.join().expect("the cluster operations");
        check_sharded(
            &seen,
            &published.lock().unwrap(),
            &phases.lock().unwrap(),
            F::NAME,
        );
        println!(
            "[{}] slot {slot}: node {} -> node {}, then node {} took over from node {}",
            F::NAME,
            from.index(),
            to.index(),
            failover.promoted.index(),
            failover.demoted.index()
        );
    });
}

fn check_sharded(
    seen: &Seen,
    published: &[(u64, Instant)],
    phases: &[(&'static str, Instant)],
    flavor: &str,
) {
    let mut received: Vec<u64> = Vec::new();
    let mut last_confirmed: Option<Instant> = None;
    let mut gaps = Vec::new();
    for (at, item) in &seen.items {
        match item {
            PubSub::Message { payload, .. } => {
                let seq = String::from_utf8_lossy(payload).parse().expect("a number");
                received.push(seq);
            }
            PubSub::Subscribed { gap, addr, .. } => {
                last_confirmed = Some(*at);
                if let Some(gap) = gap {
                    gaps.push((*gap, addr.clone(), *at));
                }
            }
            PubSub::Resubscribing { addr, .. } => {
                println!("[{flavor}] subscription lost on {addr}");
            }
            PubSub::Refused { error, .. } => panic!("refused: {error:?}"),
        }
    }
    // Copies: Redis itself delivers a shard message twice when a publisher with a stale
    // view publishes it on the demoted primary just after a failover: that node delivers it
    // and relays it over the cluster bus to the new primary, which delivers it again to the
    // subscription that just arrived there. So a copy is accepted only right after a
    // confirmation on a new node; anywhere else it would be the client's doing.
    let mut copies = 0;
    let mut distinct = std::collections::BTreeSet::new();
    let mut confirmed_at: Option<Instant> = None;
    for (at, item) in &seen.items {
        match item {
            PubSub::Subscribed { .. } => confirmed_at = Some(*at),
            PubSub::Message { payload, .. } => {
                let seq: u64 = String::from_utf8_lossy(payload).parse().expect("a number");
                if !distinct.insert(seq) {
                    copies += 1;
                    let after = confirmed_at.map(|c| at.duration_since(c));
                    assert!(
                        after.is_some_and(|d| d < Duration::from_millis(250)),
                        "message {seq} delivered twice, {after:?} after a confirmation"
                    );
                }
            }
            _ => {}
        }
    }
    let sorted: Vec<u64> = distinct.into_iter().collect();
    let last_confirmed = last_confirmed.expect("a confirmation");
    let missed: Vec<u64> = published
        .iter()
        .filter(|(seq, _)| sorted.binary_search(seq).is_err())
        .map(|(seq, _)| *seq)
        .collect();
    let missed_after: Vec<u64> = published
        .iter()
        .filter(|(seq, at)| *at > last_confirmed && sorted.binary_search(seq).is_err())
        .map(|(seq, _)| *seq)
        .collect();
    assert!(
        missed_after.is_empty(),
        "published after the last confirmation and never received: {missed_after:?}"
    );
    for (name, at) in phases {
        let after = received_after(seen, *at);
        println!("[{flavor}] {name}: {after} messages received after it");
    }
    let end = phases.last().expect("phases").1;
    assert!(
        received_after(seen, end) > 50,
        "the subscriber kept receiving after the failover"
    );
    for (gap, addr, _) in &gaps {
        println!("[{flavor}] resubscribed on {addr} after a gap of {gap:?}");
    }
    println!(
        "[{flavor}] {} published, {} received ({copies} copies from the server right after a \
         move), {} missed in all (in the gaps): {:?}",
        published.len(),
        received.len(),
        missed.len(),
        missed
    );
    assert!(
        !gaps.is_empty(),
        "the migration must have moved the subscription"
    );
}

fn received_after(seen: &Seen, at: Instant) -> usize {
    seen.items
        .iter()
        .filter(|(t, item)| *t > at && matches!(item, PubSub::Message { .. }))
        .count()
}

/// Dropping every handle of a client ends its subscriptions' streams: the driver stops,
/// even with a `BLPOP q 0` (no deadline) whose caller gave up still parked on a node (on the
/// async flavours; a blocking call cannot be given up).
async fn a_subscription_ends_with_its_client<F: Flavor>(cluster: &RedisCluster) {
    let c = connect::<F>(cluster).await;
    let channel = format!("ends:{}", F::NAME);
    let mut sub = c
        .subscribe(SubscriptionKind::Channel, vec![channel])
        .expect("subscribes");
    wait_subscribed::<F>(&mut sub).await;
    if F::NAME != "blocking" {
        let queue = format!("ends-queue:{}", F::NAME);
        let gave_up = futures_lite::future::or(
            async { Some(c.send(Cmd::new("BLPOP").arg(&queue).arg(0)).await) },
            async {
                F::sleep(Duration::from_millis(200)).await;
                None
            },
        )
        .await;
        assert_eq!(gave_up, None, "the pop is still parked");
    }
    drop(c);
    let began = Instant::now();
    loop {
        match futures_lite::future::poll_once(sub.next()).await {
            Some(None) => break,
            Some(Some(_)) => {}
            None => {
                assert!(
                    began.elapsed() < Duration::from_secs(10),
                    "the subscription outlived its client by 10 s"
                );
                F::sleep(Duration::from_millis(5)).await;
            }
        }
    }
}

#[test]
fn pubsub_through_the_client() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let cluster = RedisCluster::start(ClusterSpec::new()).expect("a cluster");
    let mut runs = Runs::new();
    let (resp3, resp2) = (Protocol::Resp3, Protocol::Resp2);
    let what = "channels and patterns, RESP3";
    on_every_runtime!(runs, what, channels_and_patterns(&cluster, resp3));
    let what = "channels and patterns, RESP2";
    on_every_runtime!(runs, what, channels_and_patterns(&cluster, resp2));
    if keyslot_tests::require::require_server(7, 0, "SSUBSCRIBE") {
        let what = "a sharded subscriber through a migration and a failover";
        on_every_runtime!(runs, what, sync sharded_subscriber_follows(&cluster));
    }
    let what = "a subscription ends with its client";
    on_every_runtime!(runs, what, a_subscription_ends_with_its_client(&cluster));
    runs.finish();
}
