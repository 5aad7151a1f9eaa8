//! A node that vanishes silently (every packet to and from its port dropped: no answer, no
//! reset) under a `BLPOP q 0` parked on its own connection, on every runtime. No deadline
//! covers a pop that waits for ever; TCP keepalive does: with probes after 1 s of quiet,
//! every 1 s, 2 of them, the pop ends within a few seconds with `OutcomeUnknown` (it was
//! sent, and may have popped), where without keepalive it would wait for ever.

use std::time::{Duration, Instant};

use keyslot::{Cmd, Error, Keepalive};
use keyslot_tests::blackhole::Blackhole;
use keyslot_tests::cluster::RedisCluster;
use keyslot_tests::on_every_runtime;
use keyslot_tests::require::in_ci;
use keyslot_tests::runtimes::{
    claim_machine, flavor_shard, key_in_slot, quiet_primaries, Flavor, Runs, TestClient,
};

const KEEPALIVE: Keepalive = Keepalive {
    idle: Duration::from_secs(1),
    interval: Duration::from_secs(1),
    probes: 2,
};

async fn a_pop_on_a_vanished_node_ends<F: Flavor>(cluster: &RedisCluster) {
    let builder = TestClient::<F>::builder_for(cluster).tcp_keepalive(Some(KEEPALIVE));
    let c = TestClient::<F>::connect(builder).await.expect("connects");
    let (node, slot) = flavor_shard::<F>(cluster);
    let queue = key_in_slot(slot, &format!("vanish:{}", F::NAME));
    c.send(Cmd::new("DEL").arg(&queue)).await.unwrap();
    let pop = {
        let c = c.clone();
        F::spawn(async move { c.send(Cmd::new("BLPOP").arg(&queue).arg(0)).await })
    };
    // Parked, and its bytes acknowledged: from now on the connection is quiet.
    F::sleep(Duration::from_millis(300)).await;
    let hole = Blackhole::port(node.client_port()).expect("iptables");
    let began = Instant::now();
    let ended = pop.await;
    let took = began.elapsed();
    drop(hole);
    println!(
        "{}: the pop on the vanished node ended after {took:.1?}",
        F::NAME
    );
    assert!(
        matches!(ended, Err(Error::OutcomeUnknown { .. })),
        "{ended:?}"
    );
    assert!(took < Duration::from_secs(8), "took {took:?}");
}

#[test]
fn keepalive_ends_a_pop_on_a_vanished_node() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    if let Err(why) = Blackhole::available() {
        assert!(!in_ci(), "{why}; CI=true forbids skipping this test");
        println!("skipped: {why}");
        return;
    }
    let spec = quiet_primaries();
    let cluster = RedisCluster::start(spec).expect("a cluster");
    let mut runs = Runs::new();
    on_every_runtime!(
        runs,
        "BLPOP q 0 on a vanished node",
        a_pop_on_a_vanished_node_ends(&cluster)
    );
    runs.finish();
}
