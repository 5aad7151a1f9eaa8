//! The store alone: bounds, invalidation scopes, and fills that crossed an invalidation.

use super::*;
use crate::cluster::slab::Slab;
use bytes::Bytes;

fn conns(n: usize) -> alloc::vec::Vec<Key> {
    let mut slab = Slab::default();
    (0..n).map(|i| slab.insert(i)).collect()
}

fn origin(conn: Key, slot: u16) -> Origin {
    Origin {
        conn,
        node: 0,
        slot,
        owner: 0,
    }
}

fn get(key: &str) -> Cmd {
    Cmd::new("GET").arg(key)
}

fn text(s: &str) -> Value {
    Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
}

const NOW: Instant = Instant::ZERO;

fn fill(cache: &mut Cache, key: &str, value: &str, origin: Origin) -> bool {
    let ticket = cache.ticket();
    cache.fill(
        key.as_bytes(),
        &get(key),
        &text(value),
        value.len() + 10,
        origin,
        ticket,
        NOW,
    )
}

#[test]
fn a_filled_reply_is_a_hit_and_other_commands_on_the_key_are_misses() {
    let c = conns(1);
    let mut cache = Cache::new(CacheConfig::default());
    assert_eq!(cache.lookup(b"k", &get("k"), NOW), None);
    assert!(fill(&mut cache, "k", "v", origin(c[0], 1)));
    assert_eq!(cache.lookup(b"k", &get("k"), NOW), Some(text("v")));
    let hget = Cmd::new("HGET").arg("k").arg("f");
    assert_eq!(cache.lookup(b"k", &hget, NOW), None);
    let m = cache.metrics();
    assert_eq!((m.hits, m.misses, m.fills, m.entries), (1, 2, 1, 1));
}

#[test]
fn an_invalidated_key_loses_every_command_on_it() {
    let c = conns(1);
    let mut cache = Cache::new(CacheConfig::default());
    fill(&mut cache, "k", "v", origin(c[0], 1));
    let hget = Cmd::new("HGET").arg("k").arg("f");
    let t = cache.ticket();
    assert!(cache.fill(b"k", &hget, &text("x"), 5, origin(c[0], 1), t, NOW));
    fill(&mut cache, "other", "w", origin(c[0], 1));
    cache.invalidate_key(b"k");
    assert_eq!(cache.lookup(b"k", &get("k"), NOW), None);
    assert_eq!(cache.lookup(b"k", &hget, NOW), None);
    assert_eq!(cache.lookup(b"other", &get("other"), NOW), Some(text("w")));
    assert_eq!(cache.metrics().invalidated, 2);
    assert_eq!(cache.metrics().entries, 1);
}

#[test]
fn a_fill_that_crossed_an_invalidation_of_its_key_is_refused() {
    let c = conns(1);
    let mut cache = Cache::new(CacheConfig::default());
    let ticket = cache.ticket(); // the read is sent
    cache.invalidate_key(b"k"); // the key changes before its reply arrives
    assert!(!cache.fill(
        b"k",
        &get("k"),
        &text("old"),
        8,
        origin(c[0], 1),
        ticket,
        NOW
    ));
    assert_eq!(cache.lookup(b"k", &get("k"), NOW), None);
    // Another key's invalidation does not refuse it.
    let ticket = cache.ticket();
    cache.invalidate_key(b"unrelated");
    assert!(cache.fill(
        b"k",
        &get("k"),
        &text("new"),
        8,
        origin(c[0], 1),
        ticket,
        NOW
    ));
    assert_eq!(cache.metrics().fills_refused, 1);
}

#[test]
fn slot_and_connection_invalidations_refuse_the_fills_they_cover() {
    let c = conns(2);
    let mut cache = Cache::new(CacheConfig::default());
    let ticket = cache.ticket();
    cache.invalidate_slot(7);
    cache.invalidate_conn(c[1]);
    assert!(!cache.fill(b"a", &get("a"), &text("1"), 5, origin(c[0], 7), ticket, NOW));
    assert!(!cache.fill(b"b", &get("b"), &text("1"), 5, origin(c[1], 8), ticket, NOW));
    assert!(cache.fill(b"c", &get("c"), &text("1"), 5, origin(c[0], 8), ticket, NOW));
    let ticket = cache.ticket();
    cache.invalidate_all();
    assert!(!cache.fill(b"d", &get("d"), &text("1"), 5, origin(c[0], 9), ticket, NOW));
}

#[test]
fn a_fill_older_than_the_invalidation_record_is_refused() {
    let c = conns(1);
    let mut cache = Cache::new(CacheConfig::default());
    let ticket = cache.ticket();
    for i in 0..HISTORY + 1 {
        cache.invalidate_key(alloc::format!("other{i}").as_bytes());
    }
    assert!(!cache.fill(b"k", &get("k"), &text("v"), 5, origin(c[0], 1), ticket, NOW));
    let ticket = cache.ticket();
    for i in 0..HISTORY - 1 {
        cache.invalidate_key(alloc::format!("other{i}").as_bytes());
    }
    assert!(cache.fill(b"k", &get("k"), &text("v"), 5, origin(c[0], 1), ticket, NOW));
}

#[test]
fn losing_a_connection_or_a_slot_drops_only_what_it_served() {
    let c = conns(2);
    let mut cache = Cache::new(CacheConfig::default());
    fill(&mut cache, "a", "1", origin(c[0], 1));
    fill(&mut cache, "b", "2", origin(c[1], 2));
    fill(&mut cache, "c", "3", origin(c[1], 3));
    cache.invalidate_conn(c[0]);
    assert_eq!(cache.lookup(b"a", &get("a"), NOW), None);
    assert!(cache.lookup(b"b", &get("b"), NOW).is_some());
    cache.invalidate_slot(3);
    assert_eq!(cache.lookup(b"c", &get("c"), NOW), None);
    assert!(cache.lookup(b"b", &get("b"), NOW).is_some());
    cache.invalidate_unless(|o| o.slot != 2);
    assert_eq!(cache.metrics().entries, 0);
    assert_eq!(cache.metrics().bytes, 0);
}

#[test]
fn entries_and_bytes_stay_within_bounds_least_recently_used_first() {
    let c = conns(1);
    let config = CacheConfig {
        max_entries: 3,
        ..CacheConfig::default()
    };
    let mut cache = Cache::new(config);
    for k in ["a", "b", "c"] {
        fill(&mut cache, k, "v", origin(c[0], 1));
    }
    cache.lookup(b"a", &get("a"), NOW); // a is now the most recent
    fill(&mut cache, "d", "v", origin(c[0], 1));
    assert_eq!(cache.metrics().entries, 3);
    assert_eq!(
        cache.lookup(b"b", &get("b"), NOW),
        None,
        "b was least recent"
    );
    assert!(cache.lookup(b"a", &get("a"), NOW).is_some());
    assert_eq!(cache.metrics().evicted, 1);

    let one = ENTRY_OVERHEAD + 1 + 4 + 100;
    let config = CacheConfig {
        max_bytes: 2 * one,
        ..CacheConfig::default()
    };
    let mut cache = Cache::new(config);
    for k in ["a", "b", "c"] {
        let t = cache.ticket();
        cache.fill(
            k.as_bytes(),
            &get(k),
            &text("v"),
            100,
            origin(c[0], 1),
            t,
            NOW,
        );
        assert!(cache.metrics().bytes <= 2 * one);
    }
    assert_eq!(cache.metrics().entries, 2);
    let t = cache.ticket();
    assert!(
        !cache.fill(
            b"big",
            &get("big"),
            &text("v"),
            3 * one,
            origin(c[0], 1),
            t,
            NOW
        ),
        "a reply larger than the whole bound is not kept"
    );
}

#[test]
fn an_entry_past_its_ttl_is_a_miss() {
    let c = conns(1);
    let config = CacheConfig {
        ttl: Some(Duration::from_secs(1)),
        ..CacheConfig::default()
    };
    let mut cache = Cache::new(config);
    fill(&mut cache, "k", "v", origin(c[0], 1));
    let later = NOW + Duration::from_millis(999);
    assert!(cache.lookup(b"k", &get("k"), later).is_some());
    assert_eq!(
        cache.lookup(b"k", &get("k"), NOW + Duration::from_secs(1)),
        None
    );
    assert_eq!(cache.metrics().entries, 0);
}

#[test]
fn refilling_the_same_command_replaces_its_entry() {
    let c = conns(1);
    let mut cache = Cache::new(CacheConfig::default());
    fill(&mut cache, "k", "v1", origin(c[0], 1));
    fill(&mut cache, "k", "v2", origin(c[0], 1));
    assert_eq!(cache.lookup(b"k", &get("k"), NOW), Some(text("v2")));
    assert_eq!(cache.metrics().entries, 1);
}

#[test]
fn an_entry_keeps_no_part_of_the_buffer_its_reply_was_read_into() {
    let c = conns(1);
    let mut cache = Cache::new(CacheConfig::default());
    let buffer = Bytes::from(alloc::vec![b'x'; 64 * 1024]);
    let value = Value::Array(alloc::vec![Value::BulkString(buffer.slice(10..15))]);
    let t = cache.ticket();
    cache.fill(b"k", &get("k"), &value, 20, origin(c[0], 1), t, NOW);
    let Some(Value::Array(items)) = cache.lookup(b"k", &get("k"), NOW) else {
        panic!("cached");
    };
    let Value::BulkString(b) = &items[0] else {
        panic!("a string");
    };
    assert_eq!(&b[..], b"xxxxx");
    let inside = buffer.as_ptr_range();
    assert!(
        !inside.contains(&b.as_ptr()),
        "the entry points into the read buffer"
    );
}
