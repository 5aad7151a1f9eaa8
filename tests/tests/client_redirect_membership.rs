//! Credentials go only to cluster members: a node that owns every slot in the topology it
//! gives, yet answers every keyed command with `MOVED <slot> 127.0.0.2:<port>` — an address
//! in no topology, where a listener records every byte it receives. The client must never
//! connect there (so no `HELLO 3 AUTH` with the password reaches it), and the caller gets a
//! typed error soon: `NotInCluster` behind `CLUSTER SHARDS`, whose view lists every member;
//! `TooManyRedirects` behind `CLUSTER SLOTS` only (servers before 7.0), whose view leaves
//! out nodes without slots, so a target it lacks may be a member importing its first slot.
//! Needs no `redis-server`. Runs on tokio, smol, async-std and the blocking client.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use keyslot::{Addr, Cmd, Error};
use keyslot_tests::fake_node::{FakeNode, Recorder, TopologyCommand};
use keyslot_tests::on_every_runtime;
use keyslot_tests::runtimes::{Flavor, TestClient};

const PASSWORD: &str = "never-for-strangers";

/// One rediscovery at the short interval (200 ms) and a few round trips, with room for a
/// loaded machine; far below the request timeout (5 s).
const SOON: Duration = Duration::from_secs(3);

fn addr(a: SocketAddr) -> Addr {
    Addr::new(a.ip().to_string(), a.port())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn moved_to_a_stranger<F: Flavor>(topology: TopologyCommand) {
    let stranger = Recorder::start(Ipv4Addr::new(127, 0, 0, 2)).expect("listens on 127.0.0.2");
    let node = FakeNode::start(stranger.addr(), topology).expect("listens");
    let client = TestClient::<F>::connect(
        TestClient::<F>::builder([node.addr().to_string()]).password(PASSWORD),
    )
    .await
    .expect("connects to the lying node");

    let started = Instant::now();
    let got = client.send(Cmd::new("GET").arg("k")).await;
    let took = started.elapsed();
    match topology {
        TopologyCommand::Shards => assert_eq!(
            got,
            Err(Error::NotInCluster {
                from: addr(node.addr()),
                to: addr(stranger.addr()),
            })
        ),
        TopologyCommand::SlotsOnly => assert!(
            matches!(&got, Err(Error::TooManyRedirects { trail })
                if trail.iter().all(|a| *a == addr(node.addr()))),
            "{got:?}"
        ),
    }
    assert!(took < SOON, "failed after {took:?}");
    assert_eq!(stranger.connections(), 0, "never connected to the stranger");
    assert!(!contains(&stranger.bytes(), PASSWORD.as_bytes()));
    // The client did hold the password: the lying node itself got it.
    let received = node.received();
    assert!(
        received
            .iter()
            .any(|words| words.iter().any(|w| w == PASSWORD.as_bytes())),
        "{received:?}"
    );
    let gets = received
        .iter()
        .filter(|w| w.first().is_some_and(|c| c == b"GET"))
        .count();
    assert!(gets >= 2, "sent again after a fresh view: {gets} GETs");
}

#[test]
fn a_moved_to_a_stranger_behind_cluster_shards_fails_without_connecting() {
    on_every_runtime!(
        "MOVED to a stranger, CLUSTER SHARDS",
        moved_to_a_stranger(TopologyCommand::Shards)
    );
}

#[test]
fn a_moved_to_a_stranger_behind_cluster_slots_fails_without_connecting() {
    on_every_runtime!(
        "MOVED to a stranger, CLUSTER SLOTS only",
        moved_to_a_stranger(TopologyCommand::SlotsOnly)
    );
}
