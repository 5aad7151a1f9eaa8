//! Every captured reply of a real redis-server 7.0.15 decodes, whole and in pieces, to the
//! value it should.
//!
//! The fixtures (see `tests/fixtures/redis-7.0.15/README.md`) are what the cluster logic will
//! be fed; if the decoder misreads one of them, everything above it is wrong. Each file is one
//! reply: it must decode to exactly one frame spanning the whole file, the same way through
//! the one-shot `decode` and the incremental `Decoder` however the bytes are split, and its
//! content must be what the README says it is.

use std::collections::BTreeMap;
use std::path::PathBuf;

use bytes::BytesMut;
use keyslot_core::resp::{decode, Decoder, Value};

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/redis-7.0.15")
}

/// Every fixture file by name, README excluded.
fn fixtures() -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".resp2") || name.ends_with(".resp3") {
            files.insert(name, std::fs::read(&path).unwrap());
        }
    }
    files
}

/// Decode `bytes` whole with `decode`, asserting it is exactly one frame.
fn decode_whole(name: &str, bytes: &[u8]) -> Value {
    let (value, len) = decode(bytes)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .unwrap_or_else(|| panic!("{name}: incomplete"));
    assert_eq!(
        len,
        bytes.len(),
        "{name}: the frame must span the whole file"
    );
    value
}

/// Feed `bytes` to a `Decoder` in chunks of `step`, asserting nothing comes out before the last
/// byte and exactly one frame after it.
fn decode_in_steps(name: &str, bytes: &[u8], step: usize) -> Value {
    let mut decoder = Decoder::new();
    let mut buf = BytesMut::new();
    let mut fed = 0;
    let mut frames = Vec::new();
    while fed < bytes.len() {
        let end = (fed + step).min(bytes.len());
        buf.extend_from_slice(&bytes[fed..end]);
        fed = end;
        while let Some(value) = decoder
            .decode(&mut buf)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
        {
            assert_eq!(
                fed,
                bytes.len(),
                "{name}: a frame came out after {fed} bytes (step {step})"
            );
            frames.push(value);
        }
    }
    assert!(
        buf.is_empty(),
        "{name}: {} bytes left over (step {step})",
        buf.len()
    );
    assert_eq!(frames.len(), 1, "{name}: step {step}");
    frames.remove(0)
}

fn error_text(name: &str, value: &Value) -> String {
    match value {
        Value::Error(text) => String::from_utf8(text.to_vec()).unwrap(),
        other => panic!("{name}: expected an error reply, got {other:?}"),
    }
}

/// The value at `key` in a RESP3 map, or in a RESP2 flat key/value array.
fn field<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    match value {
        Value::Map(pairs) => pairs
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v),
        Value::Array(items) => items
            .chunks(2)
            .find(|kv| kv[0].as_str() == Some(key))
            .and_then(|kv| kv.get(1)),
        _ => None,
    }
}

/// True when `value` uses only the types a RESP2 connection can carry.
fn resp2_only(value: &Value) -> bool {
    match value {
        Value::SimpleString(_)
        | Value::Error(_)
        | Value::Integer(_)
        | Value::BulkString(_)
        | Value::Null => true,
        Value::Array(items) => items.iter().all(resp2_only),
        _ => false,
    }
}

#[test]
fn every_fixture_decodes_alike_whole_and_in_pieces() {
    let files = fixtures();
    assert!(
        files.len() >= 35,
        "expected the whole fixture set, found {}",
        files.len()
    );
    for (name, bytes) in &files {
        let whole = decode_whole(name, bytes);
        for step in [1, 2, 3, 7, 13, 64, 1000, bytes.len()] {
            assert_eq!(
                decode_in_steps(name, bytes, step),
                whole,
                "{name}: step {step}"
            );
        }
        // Every strict prefix is incomplete, never an error.
        for cut in 0..bytes.len() {
            assert_eq!(
                decode(&bytes[..cut]),
                Ok(None),
                "{name}: prefix of {cut} bytes"
            );
        }
        if name.ends_with(".resp2") {
            assert!(
                resp2_only(&whole),
                "{name}: RESP3 type on a RESP2 connection: {whole:?}"
            );
        }
    }
}

#[test]
fn redirects_and_errors_say_what_the_readme_says() {
    let files = fixtures();
    let err = |name: &str| error_text(name, &decode_whole(name, &files[name]));

    for name in [
        "moved.ip.resp2",
        "moved.hostname.resp2",
        "moved.unknown-endpoint.resp2",
    ] {
        assert!(
            err(name).starts_with("MOVED 12182 "),
            "{name}: {}",
            err(name)
        );
    }
    assert_eq!(err("moved.ip.resp2"), "MOVED 12182 127.0.0.23:6379");
    assert_eq!(
        err("moved.hostname.resp2"),
        "MOVED 12182 node3.keyslot.test:6379"
    );
    assert_eq!(err("moved.unknown-endpoint.resp2"), "MOVED 12182 :6379");
    assert_eq!(
        err("ask.hostname.resp2"),
        "ASK 12182 node2.keyslot.test:6379"
    );
    assert!(err("replica-write.hostname.resp2").starts_with("MOVED 12182 "));
    assert!(err("moved-from-importing.hostname.resp2").starts_with("MOVED 12182 "));
    assert!(err("tryagain.resp2").starts_with("TRYAGAIN "));
    assert!(err("clusterdown.resp2").starts_with("CLUSTERDOWN "));
    assert!(err("crossslot.resp2").starts_with("CROSSSLOT "));
    assert!(err("noauth.resp2").starts_with("NOAUTH "));
    assert!(err("wrongpass.resp2").starts_with("WRONGPASS "));
    assert!(err("hello-auth-wrong.resp2").starts_with("WRONGPASS "));
    assert!(err("not-cluster.resp2").contains("cluster support disabled"));
    assert_eq!(
        decode_whole("asking-then-get", &files["asking-then-get.resp2"]),
        Value::Null
    );
}

#[test]
fn hello_replies_announce_their_protocol() {
    let files = fixtures();
    let hello3 = decode_whole("hello3", &files["hello3.resp3"]);
    assert!(
        matches!(hello3, Value::Map(_)),
        "HELLO 3 answers with a map: {hello3:?}"
    );
    assert_eq!(field(&hello3, "proto"), Some(&Value::Integer(3)));
    assert_eq!(
        field(&hello3, "mode").and_then(Value::as_str),
        Some("cluster")
    );
    let hello2 = decode_whole("hello2", &files["hello2.resp2"]);
    assert!(
        matches!(hello2, Value::Array(_)),
        "HELLO 2 answers with a flat array: {hello2:?}"
    );
    assert_eq!(field(&hello2, "proto"), Some(&Value::Integer(2)));
    assert_eq!(field(&hello2, "version"), field(&hello3, "version"));
}

#[test]
fn topology_replies_agree_across_protocols() {
    let files = fixtures();
    for mode in ["ip", "hostname", "unknown-endpoint"] {
        let shards2 = decode_whole(mode, &files[&format!("cluster-shards.{mode}.resp2")]);
        let shards3 = decode_whole(mode, &files[&format!("cluster-shards.{mode}.resp3")]);
        let (list2, list3) = (shards2.as_slice().unwrap(), shards3.as_slice().unwrap());
        assert_eq!(list2.len(), 3, "{mode}: three primaries, three shards");
        assert_eq!(list2.len(), list3.len(), "{mode}");
        for (s2, s3) in list2.iter().zip(list3) {
            assert!(
                matches!(s3, Value::Map(_)),
                "{mode}: a RESP3 shard is a map"
            );
            assert_eq!(field(s2, "slots"), field(s3, "slots"), "{mode}");
            let nodes2 = field(s2, "nodes").and_then(Value::as_slice).unwrap();
            let nodes3 = field(s3, "nodes").and_then(Value::as_slice).unwrap();
            assert_eq!(nodes2.len(), 2, "{mode}: a primary and its replica");
            assert_eq!(nodes2.len(), nodes3.len(), "{mode}");
            for (n2, n3) in nodes2.iter().zip(nodes3) {
                assert_eq!(field(n2, "id"), field(n3, "id"), "{mode}");
                assert_eq!(field(n2, "endpoint"), field(n3, "endpoint"), "{mode}");
            }
        }

        // CLUSTER SLOTS: the ranges of the three primaries cover all 16384 slots once.
        for proto in ["resp2", "resp3"] {
            let name = format!("cluster-slots.{mode}.{proto}");
            let slots = decode_whole(&name, &files[&name]);
            let mut covered = 0;
            for range in slots.as_slice().unwrap() {
                let r = range.as_slice().unwrap();
                let (start, end) = (r[0].as_integer().unwrap(), r[1].as_integer().unwrap());
                assert!(start <= end && end < 16384, "{name}: {start}-{end}");
                covered += end - start + 1;
            }
            assert_eq!(covered, 16384, "{name}");
        }
    }
    // With a whole shard dead, CLUSTER SHARDS still lists it, every node marked `fail`.
    let failed = decode_whole("failed", &files["cluster-shards.failed-shard.resp2"]);
    let dead: Vec<&Value> = failed
        .as_slice()
        .unwrap()
        .iter()
        .filter(|shard| {
            let nodes = field(shard, "nodes").and_then(Value::as_slice).unwrap();
            nodes
                .iter()
                .all(|n| field(n, "health").and_then(Value::as_str) == Some("fail"))
        })
        .collect();
    assert_eq!(dead.len(), 1, "exactly one shard is down");
    let range = field(dead[0], "slots").and_then(Value::as_slice).unwrap();
    assert_eq!(range, [Value::Integer(10923), Value::Integer(16383)]);
}
