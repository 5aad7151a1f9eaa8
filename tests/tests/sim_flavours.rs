//! Seeds run as the server releases whose behaviour the client must handle: Redis 7.4.1's
//! CLUSTER SHARDS that empties a failed-over shard's slots, and Valkey 9's atomic slot
//! migration (no ASK; a pause, then MOVED). Each test forces its flavour on the profiles of
//! seeds that have the faults it needs, runs them to the end with every check of the
//! simulator, and asserts that the flavour's behaviour really happened.

use keyslot_tests::sim::profile::Flavour;
use keyslot_tests::sim::{profile_for, Driver, Profile, World};

/// Run `seed` with `profile`; return the finished world.
fn run(seed: u64, profile: Profile) -> World {
    let mut w = World::new(seed, profile, Driver::Random);
    w.run();
    w
}

/// The first `n` seeds whose profile passes `wanted`, with `flavour` forced on.
fn seeds(n: usize, flavour: Flavour, wanted: impl Fn(&Profile) -> bool) -> Vec<(u64, Profile)> {
    (1..)
        .map(|seed| (seed, profile_for(seed)))
        .filter(|(_, p)| wanted(p))
        .take(n)
        .map(|(seed, mut p)| {
            p.flavour = flavour;
            (seed, p)
        })
        .collect()
}

#[test]
fn seeds_survive_redis_741s_empty_shards() {
    let (mut buggy, mut failovers) = (0, 0);
    for (seed, p) in seeds(30, Flavour::Redis741, |p| p.crashes && !p.legacy) {
        let w = run(seed, p);
        assert!(
            w.failure.is_none(),
            "seed {seed} as Redis 7.4.1: {}",
            w.report().failure_text()
        );
        buggy += w.stats.shards_741_replies;
        failovers += w.stats.failovers;
    }
    assert!(failovers > 0, "no failover");
    assert!(buggy > 0, "no CLUSTER SHARDS reply had 7.4.1's empty slots");
}

#[test]
fn seeds_survive_valkey_9s_atomic_migrations() {
    let (mut handed, mut stalled) = (0, 0);
    for (seed, p) in seeds(30, Flavour::Valkey9, |p| p.migrations || p.scale_in) {
        let w = run(seed, p);
        assert!(
            w.failure.is_none(),
            "seed {seed} as Valkey 9: {}",
            w.report().failure_text()
        );
        handed += w.ops.handovers.handed_over;
        stalled += w.ops.handovers.stalled;
    }
    assert!(handed > 0, "no atomic migration handed over");
    assert!(stalled > 0, "no command waited for a paused source");
}

#[test]
fn a_write_to_a_moving_slot_waits_for_the_pause_then_lands_on_the_target() {
    use keyslot_core::cluster::Event;
    use keyslot_core::key_slot;
    use keyslot_core::time::Duration;
    use keyslot_tests::sim::ops::OpKind;
    use keyslot_tests::sim::workload::{Kind, Op};

    let mut profile = Profile::calm();
    profile.flavour = Flavour::Valkey9;
    let mut w = World::new(3, profile, Driver::Scripted);
    let t = w.now + Duration::from_millis(200);
    w.run_until(t); // bootstrap
    w.tap = Some(Vec::new());
    assert!(w.start_op(OpKind::Migrate), "a migration starts");
    let until = loop {
        assert!(w.step(), "the migration pauses its source");
        let paused = w.ops.handovers.by_mig.values().find_map(|h| h.paused_until);
        if let Some(until) = paused {
            break until;
        }
    };
    let h = w.ops.handovers.by_mig.values().next().expect("the batch");
    let (slot, target) = (*h.slots.first().expect("slots"), h.target);
    let key = (0..)
        .map(|i| bytes::Bytes::from(format!("k{i}")))
        .find(|k| key_slot(k) == slot)
        .expect("a key in the slot");
    let value = w.work.value(&key);
    w.submit(Kind::Single(Op::Set(key.clone(), value.clone())), false);
    w.run_until(keyslot_core::time::Instant::from_micros(
        until.as_micros() - 1_000,
    ));
    assert_eq!(w.work.pending.len(), 1, "the write waits for the pause");
    assert!(w.ops.handovers.stalled >= 1);
    w.run_until(until + Duration::from_millis(50));
    assert!(w.failure.is_none(), "{:?}", w.failure);
    assert!(w.work.pending.is_empty(), "answered after the handover");
    assert_eq!(w.work.ok, 1, "{:?}", w.work.errors);
    assert_eq!(w.ops.handovers.handed_over, 1);
    let stored = w.c.nodes[target].store.value(&key, w.now);
    assert_eq!(stored, Some(value), "the write ran on the target");
    let events = w.tap.take().unwrap_or_default();
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::Redirected { ask: true, .. })),
        "no ASK in an atomic migration"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Redirected { ask: false, slot: s, .. } if *s == slot)),
        "the source answered MOVED"
    );
}
