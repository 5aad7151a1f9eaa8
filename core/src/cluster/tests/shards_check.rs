//! A `CLUSTER SHARDS` reply that leaves slots without owner is checked against
//! `CLUSTER SLOTS` (Redis 7.4.1 lists a failed-over shard with an empty `slots` array).

use super::membership::cluster_shards;
use super::*;

/// `CLUSTER SHARDS` with the last shard's `slots` emptied, as Redis 7.4.1 answers after a
/// failover.
fn shards_with_an_empty_shard() -> Value {
    let mut reply = cluster_shards(&[
        (0, 5460, "10.0.0.1:7000", &["10.0.0.4:7000"]),
        (5461, 10922, "10.0.0.2:7000", &["10.0.0.5:7000"]),
        (10923, 16383, "10.0.0.6:7000", &["10.0.0.3:7000"]),
    ]);
    if let Value::Array(shards) = &mut reply {
        if let Some(Value::Array(fields)) = shards.last_mut() {
            fields[1] = Value::Array(Vec::new());
        }
    }
    reply
}

#[test]
fn shards_that_leave_slots_uncovered_are_checked_against_cluster_slots() {
    let mut net = Net::new(Config::default(), &["seed:6379"]);
    let seed = net.accept("seed:6379");
    assert_eq!(net.take_sent(seed), [["CLUSTER", "SHARDS"]]);
    net.reply(seed, &shards_with_an_empty_shard());
    assert_eq!(
        net.take_sent(seed),
        [["CLUSTER", "SLOTS"]],
        "not believed as it is"
    );
    net.reply(
        seed,
        &cluster_slots(&[
            (0, 5460, "10.0.0.1:7000", &["10.0.0.4:7000"]),
            (5461, 10922, "10.0.0.2:7000", &["10.0.0.5:7000"]),
            (10923, 16383, "10.0.0.6:7000", &[]),
        ]),
    );
    assert_eq!(net.cluster.slot_owner(12182), Some(&addr("10.0.0.6:7000")));
    assert_eq!(net.cluster.topology().map(|t| t.uncovered_slots()), Some(0));
}

#[test]
fn a_complete_shards_reply_is_taken_as_it_is() {
    let mut net = Net::new(Config::default(), &["seed:6379"]);
    let seed = net.accept("seed:6379");
    net.take_sent(seed);
    net.reply(
        seed,
        &cluster_shards(&[(0, 16383, "10.0.0.1:7000", &["10.0.0.4:7000"])]),
    );
    assert!(net.take_sent(seed).is_empty(), "no second query");
    assert_eq!(net.cluster.slot_owner(12182), Some(&addr("10.0.0.1:7000")));
}
