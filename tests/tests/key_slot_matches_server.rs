//! `key_slot` must agree with a real server's `CLUSTER KEYSLOT` on every key.
//!
//! The spec's vectors check the happy path; routing bugs live in the corners — a `{` with no
//! `}`, an empty tag, a tag that starts with `{`, bytes that are not UTF-8. This generates
//! well over 10,000 such keys deterministically, asks a cluster-enabled `redis-server` for
//! each one's slot in a single pipeline, and compares.

use keyslot_core::resp::Value;
use keyslot_core::{key_slot, Cmd, SLOT_COUNT};
use keyslot_tests::{require_redis, RedisServer};

/// xorshift64*: deterministic, dependency-free, good enough to spread keys around.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Hand-written corners of the hash-tag rule.
fn edge_keys() -> Vec<Vec<u8>> {
    let text: &[&[u8]] = &[
        b"",
        b"{",
        b"}",
        b"{}",
        b"}{",
        b"{}{}",
        b"{{}}",
        b"{{",
        b"}}",
        b"{a}",
        b"{a",
        b"a}",
        b"a{}",
        b"{}a",
        b"foo",
        b"bar",
        b"123456789",
        b"foo{}{bar}",
        b"foo{{bar}}zap",
        b"foo{bar}{zap}",
        b"{user1000}.following",
        b"{user1000}.followers",
        b"a}{b}",
        b"}foo{",
        b"{{{a}}}",
        b"{}}",
        b"{{}",
        b"{ }",
        b"{\0}",
        b"\0",
        b"\0{\0}\0",
        b"\xff",
        b"\xff{\xfe}",
        b"{\xc3\x28}",
        b"\x80\x81{}\x82",
        b"{\r\n}",
        b"\r\n",
        b"caf\xc3\xa9{\xe2\x82\xac}",
        b"key with spaces",
        b"{key with spaces}tail",
    ];
    let mut keys: Vec<Vec<u8>> = text.iter().map(|k| k.to_vec()).collect();
    // Long keys, with and without a tag far from the start.
    for len in [255usize, 256, 1000, 4096, 65_536, 1 << 20] {
        let long: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
        keys.push(long.clone());
        let mut tagged = long.clone();
        tagged.splice(len / 2..len / 2, b"{tag}".iter().copied());
        keys.push(tagged);
        let mut open_only = long;
        open_only.insert(len - 1, b'{');
        keys.push(open_only);
    }
    keys
}

/// One `{` and one `}` in every pair of positions of a few base keys, binary ones included.
fn braces_everywhere() -> Vec<Vec<u8>> {
    let bases: &[&[u8]] = &[b"abcdefgh", b"", b"x", b"\x00\xff\x80\x7f", b"{ab}", b"a{b"];
    let mut keys = Vec::new();
    for base in bases {
        for open in 0..=base.len() {
            let mut with_open = base.to_vec();
            with_open.insert(open, b'{');
            keys.push(with_open.clone());
            for close in 0..=with_open.len() {
                let mut both = with_open.clone();
                both.insert(close, b'}');
                keys.push(both);
            }
        }
    }
    keys
}

/// Random keys over an alphabet where braces are common, plus arbitrary bytes.
fn random_keys(count: usize) -> Vec<Vec<u8>> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..count)
        .map(|_| {
            let len = match rng.below(10) {
                0 => rng.below(4),
                1..=7 => rng.below(24),
                8 => rng.below(200),
                _ => rng.below(2000),
            } as usize;
            (0..len)
                .map(|_| match rng.below(8) {
                    0 | 1 => b'{',
                    2 | 3 => b'}',
                    4 => rng.below(256) as u8,
                    _ => b'a' + rng.below(6) as u8,
                })
                .collect()
        })
        .collect()
}

/// Whether `key` has the structure `{` .. `}` with the `}` after the first `{`, and whether that
/// first tag is empty: counted to show the generator covers both, independently of the core.
fn tag_shape(key: &[u8]) -> (bool, bool) {
    match key.iter().position(|&b| b == b'{') {
        Some(open) => match key[open + 1..].iter().position(|&b| b == b'}') {
            Some(0) => (true, true),
            Some(_) => (true, false),
            None => (false, false),
        },
        None => (false, false),
    }
}

#[test]
fn key_slot_agrees_with_cluster_keyslot() {
    if !require_redis() {
        return;
    }
    let mut keys = edge_keys();
    keys.extend(braces_everywhere());
    keys.extend(random_keys(12_000));
    assert!(keys.len() >= 10_000, "only {} keys", keys.len());

    let tagged = keys
        .iter()
        .filter(|k| tag_shape(k) == (true, false))
        .count();
    let empty_tag = keys.iter().filter(|k| tag_shape(k) == (true, true)).count();
    let non_utf8 = keys
        .iter()
        .filter(|k| std::str::from_utf8(k).is_err())
        .count();
    assert!(tagged > 1000, "too few keys with a non-empty tag: {tagged}");
    assert!(
        empty_tag > 1000,
        "too few keys with an empty first tag: {empty_tag}"
    );
    assert!(non_utf8 > 1000, "too few non-UTF-8 keys: {non_utf8}");

    let server = RedisServer::cluster_node().unwrap();
    let mut conn = server.connect().unwrap();
    let cmds: Vec<Cmd> = keys
        .iter()
        .map(|k| Cmd::new("CLUSTER").arg("KEYSLOT").arg(&k[..]))
        .collect();
    let replies = conn.pipeline(&cmds).unwrap();
    assert_eq!(replies.len(), keys.len());

    let mut mismatches = Vec::new();
    let mut slots_seen = vec![false; SLOT_COUNT as usize];
    for (key, reply) in keys.iter().zip(&replies) {
        let ours = key_slot(key);
        slots_seen[ours as usize] = true;
        if *reply != Value::Integer(i64::from(ours)) {
            mismatches.push((
                String::from_utf8_lossy(&key[..key.len().min(80)]).into_owned(),
                ours,
                reply,
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} keys disagree with the server; first ones (key, ours, server's): {:?}",
        mismatches.len(),
        keys.len(),
        &mismatches[..mismatches.len().min(10)]
    );
    // A generator that made every key hash alike would pass the comparison trivially.
    let distinct = slots_seen.iter().filter(|&&s| s).count();
    assert!(distinct > 4000, "keys cover only {distinct} slots");
}
