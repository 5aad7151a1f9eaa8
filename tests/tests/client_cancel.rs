//! The caller's side of a request's end, against a real cluster (3 primaries, a replica
//! each), on every runtime:
//!
//! - three callers give up on `BLPOP q 0` (the async ones drop the future, the blocking one
//!   gives the call a deadline of its own): the node stops counting them as blocked, and an
//!   `RPUSH q a b c` afterwards leaves all three elements in the list — nothing was popped
//!   for a caller who had left;
//! - a node frozen with SIGSTOP behind 24 MiB of SETs: an `INCR` whose deadline passes, and
//!   another whose caller gives up, while their bytes are still in the client get `Timeout`
//!   (or no answer) and never run, even after the node resumes and serves the SETs;
//! - an `INCR` written to a node that is frozen before it can answer gets `OutcomeUnknown`
//!   at its deadline, and indeed runs once the node resumes: `Timeout` is kept for "did not
//!   run".

use std::time::{Duration, Instant};

use keyslot::{Cmd, Error, Value};
use keyslot_tests::cluster::{ClusterSpec, Node, RedisCluster};
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{
    bulk, claim_machine, eventually, flavor_shard, key_in_slot, ok, Flavor, Runs, TestClient,
    QUIET_NODE_TIMEOUT,
};

async fn connect<F: Flavor>(cluster: &RedisCluster) -> TestClient<F> {
    TestClient::<F>::connect(TestClient::<F>::builder_for(cluster))
        .await
        .expect("connects")
}

fn blocked_clients(cluster: &RedisCluster, node: &Node) -> Result<u64, String> {
    cluster
        .info_field(node, "clients", "blocked_clients")
        .map_err(|e| e.to_string())?
        .ok_or("no blocked_clients in INFO")?
        .parse()
        .map_err(|e| format!("{e}"))
}

async fn abandoned_pops_take_nothing<F: Flavor>(cluster: &RedisCluster) {
    let c = connect::<F>(cluster).await;
    let (node, slot) = flavor_shard::<F>(cluster);
    let queue = key_in_slot(slot, &format!("abandoned:{}", F::NAME));
    c.send(Cmd::new("DEL").arg(&queue)).await.unwrap();
    let before = blocked_clients(cluster, &node).unwrap();
    let give_up_after = Duration::from_millis(600);
    let pops: Vec<_> = (0..3)
        .map(|_| {
            let c = c.clone();
            let pop = Cmd::new("BLPOP").arg(&queue).arg(0);
            F::spawn(async move { c.abandon_after(pop, give_up_after).await })
        })
        .collect();
    // While their callers still wait, the pops are parked on the server.
    eventually::<F, _, _>("three pops parked", Duration::from_millis(500), || async {
        match blocked_clients(cluster, &node)? {
            n if n == before + 3 => Ok(()),
            n => Err(format!("{n} blocked, {before} before")),
        }
    })
    .await;
    for pop in pops {
        assert_eq!(pop.await, None, "nothing to pop: every caller gave up");
    }
    eventually::<F, _, _>("the pops unblocked", Duration::from_secs(2), || async {
        match blocked_clients(cluster, &node)? {
            n if n == before => Ok(()),
            n => Err(format!("{n} still blocked, {before} before")),
        }
    })
    .await;
    let push = Cmd::new("RPUSH").arg(&queue).arg("a").arg("b").arg("c");
    assert_eq!(c.send(push).await, Ok(Value::Integer(3)));
    assert_eq!(
        c.send(Cmd::new("LLEN").arg(&queue)).await,
        Ok(Value::Integer(3)),
        "an element went to a caller who had left"
    );
    assert_eq!(blocked_clients(cluster, &node), Ok(before));
}

async fn unsent_writes_never_run<F: Flavor>(cluster: &RedisCluster) {
    let c = connect::<F>(cluster).await;
    let (node, slot) = flavor_shard::<F>(cluster);
    let timed_out = key_in_slot(slot, &format!("timed-out:{}", F::NAME));
    let abandoned = key_in_slot(slot, &format!("abandoned-incr:{}", F::NAME));
    for key in [&timed_out, &abandoned] {
        c.send(Cmd::new("DEL").arg(key)).await.unwrap();
    }
    let began = Instant::now();
    let frozen = cluster.freeze(&node).expect("SIGSTOP");
    // 24 MiB for the node fill its socket buffers: what follows stays in the client.
    let value = vec![b'x'; 1 << 20];
    let sets: Vec<_> = (0..24)
        .map(|i| {
            let c = c.clone();
            let set = Cmd::new("SET")
                .arg(key_in_slot(slot, &format!("big:{}:{i}", F::NAME)))
                .arg(&value[..]);
            F::spawn(async move { c.send_timeout(set, Duration::from_secs(20)).await })
        })
        .collect();
    F::sleep(Duration::from_millis(100)).await;
    let giver_up = {
        let c = c.clone();
        let incr = Cmd::new("INCR").arg(&abandoned);
        F::spawn(async move { c.abandon_after(incr, Duration::from_millis(300)).await })
    };
    let incr = Cmd::new("INCR").arg(&timed_out);
    assert_eq!(
        c.send_timeout(incr, Duration::from_millis(400)).await,
        Err(Error::Timeout),
        "behind 24 MiB on a frozen node, its bytes never left"
    );
    assert_eq!(giver_up.await, None);
    let frozen_for = Duration::from_millis(1200).saturating_sub(began.elapsed());
    F::sleep(frozen_for).await;
    cluster.resume(frozen).expect("SIGCONT");
    for set in sets {
        assert_eq!(set.await, Ok(ok()), "the SETs before them ran");
    }
    for key in [&timed_out, &abandoned] {
        assert_eq!(
            c.send(Cmd::new("GET").arg(key)).await,
            Ok(Value::Null),
            "{key} was incremented after its caller was told it did not run"
        );
    }
}

async fn sent_writes_at_their_deadline_are_outcome_unknown<F: Flavor>(cluster: &RedisCluster) {
    let c = connect::<F>(cluster).await;
    let (node, slot) = flavor_shard::<F>(cluster);
    let counter = key_in_slot(slot, &format!("sent:{}", F::NAME));
    c.send(Cmd::new("DEL").arg(&counter)).await.unwrap();
    let frozen = cluster.freeze(&node).expect("SIGSTOP");
    let incr = Cmd::new("INCR").arg(&counter);
    match c.send_timeout(incr, Duration::from_millis(300)).await {
        Err(Error::OutcomeUnknown { .. }) => {}
        other => panic!("a write sent and not answered: {other:?}"),
    }
    cluster.resume(frozen).expect("SIGCONT");
    eventually::<F, _, _>("the INCR ran", Duration::from_secs(2), || async {
        match c.send(Cmd::new("GET").arg(&counter)).await {
            Ok(v) if v == bulk("1") => Ok(()),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
}

#[test]
fn callers_that_give_up() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let spec = ClusterSpec::new().node_timeout(QUIET_NODE_TIMEOUT);
    let cluster = RedisCluster::start(spec).expect("a cluster");
    let mut runs = Runs::new();
    on_every_runtime!(
        runs,
        "abandoned BLPOP q 0",
        abandoned_pops_take_nothing(&cluster)
    );
    on_every_runtime!(
        runs,
        "unsent writes never run",
        unsent_writes_never_run(&cluster)
    );
    on_every_runtime!(
        runs,
        "sent writes are outcome-unknown",
        sent_writes_at_their_deadline_are_outcome_unknown(&cluster)
    );
    runs.finish();
}
