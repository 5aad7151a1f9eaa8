//! A live server's replies survive decode then encode.
//!
//! The simulator's fake nodes will speak through the core's encoder, so the encoder must write
//! what a real server writes. A mix of everyday commands is sent on a RESP2 connection, then
//! `HELLO 3` switches it to RESP3 and the same mix is sent again. RESP2 replies must re-encode
//! byte for byte; RESP3 replies must re-encode to bytes that decode to the same value (the
//! server's spelling of doubles is not unique, so bytes may differ there).

use keyslot_core::resp::{decode, encode_as, Protocol, Value};
use keyslot_core::Cmd;
use keyslot_tests::{require_redis, Frame, RedisServer};

/// The mix; `round` keeps the two passes' keys apart so both see the same states.
fn mix(round: &str) -> Vec<Cmd> {
    let k = |name: &str| format!("{round}:{name}");
    vec![
        Cmd::new("SET").arg(k("str")).arg("hello"),
        Cmd::new("GET").arg(k("str")),
        Cmd::new("GET").arg(k("missing")),
        Cmd::new("SET").arg(k("bin")).arg(&b"a\r\nb\0\xff"[..]),
        Cmd::new("GET").arg(k("bin")),
        Cmd::new("INCR").arg(k("n")),
        Cmd::new("INCRBYFLOAT").arg(k("f")).arg("1.5"),
        Cmd::new("RPUSH").arg(k("list")).arg("a").arg("").arg("c"),
        Cmd::new("LRANGE").arg(k("list")).arg(0).arg(-1),
        Cmd::new("LRANGE").arg(k("missing")).arg(0).arg(-1),
        Cmd::new("HSET")
            .arg(k("hash"))
            .arg("f1")
            .arg("v1")
            .arg("f2")
            .arg("v2"),
        Cmd::new("HGETALL").arg(k("hash")),
        Cmd::new("SADD").arg(k("set")).arg("x"),
        Cmd::new("SMEMBERS").arg(k("set")),
        Cmd::new("ZADD")
            .arg(k("zset"))
            .arg(1.5)
            .arg("m")
            .arg(-2)
            .arg("n"),
        Cmd::new("ZRANGE")
            .arg(k("zset"))
            .arg(0)
            .arg(-1)
            .arg("WITHSCORES"),
        Cmd::new("ZSCORE").arg(k("zset")).arg("m"),
        Cmd::new("INCR").arg(k("list")),
        Cmd::new("NOSUCHCOMMAND"),
        Cmd::new("EXISTS").arg(k("str")).arg(k("missing")),
    ]
}

fn reencoded(frame: &Frame, protocol: Protocol) -> Vec<u8> {
    let mut out = Vec::new();
    encode_as(&frame.value, protocol, &mut out);
    out
}

/// The decoder inside the connection and the one-shot `decode` must read the wire alike.
fn assert_decodes_alike(frame: &Frame) {
    let (again, len) = decode(&frame.wire).unwrap().unwrap();
    assert_eq!(len, frame.wire.len());
    assert_eq!(again, frame.value);
}

#[test]
fn resp2_then_resp3_replies_round_trip() {
    if !require_redis() {
        return;
    }
    let server = RedisServer::standalone().unwrap();
    let mut conn = server.connect().unwrap();

    let resp2 = conn.pipeline_frames(&mix("two")).unwrap();
    // The mix exercised what it was meant to.
    assert_eq!(resp2[1].value, Value::from("hello"));
    assert_eq!(resp2[2].value, Value::Null);
    assert_eq!(resp2[4].value.as_bytes(), Some(&b"a\r\nb\0\xff"[..]));
    assert_eq!(resp2[8].value.as_slice().map(<[Value]>::len), Some(3));
    assert_eq!(&resp2[9].wire[..], b"*0\r\n");
    assert_eq!(
        resp2[9].value,
        Value::Array(vec![]),
        "an empty array is not a null"
    );
    assert!(resp2[17].value.as_str().unwrap().starts_with("WRONGTYPE"));
    assert!(resp2[18].value.is_error());
    for (i, frame) in resp2.iter().enumerate() {
        assert_decodes_alike(frame);
        assert_eq!(
            reencoded(frame, Protocol::Resp2),
            &frame.wire[..],
            "RESP2 reply {i} ({:?}) must re-encode to the bytes the server sent",
            String::from_utf8_lossy(&frame.wire)
        );
    }

    let hello = conn.send(&Cmd::new("HELLO").arg(3)).unwrap();
    assert!(
        matches!(hello, Value::Map(_)),
        "HELLO 3 must answer with a map: {hello:?}"
    );

    let resp3 = conn.pipeline_frames(&mix("three")).unwrap();
    // RESP3 types really came back, so the RESP3 paths were exercised.
    assert!(
        matches!(resp3[11].value, Value::Map(ref m) if m.len() == 2),
        "{:?}",
        resp3[11].value
    );
    assert!(
        matches!(resp3[13].value, Value::Set(_)),
        "{:?}",
        resp3[13].value
    );
    assert_eq!(resp3[16].value, Value::Double(1.5));
    assert_eq!(resp3[2].value, Value::Null);
    assert_eq!(&resp3[2].wire[..], b"_\r\n");
    assert_eq!(
        resp3[9].value,
        Value::Array(vec![]),
        "an empty array is not a null"
    );
    let pairs = resp3[15].value.as_slice().unwrap();
    assert_eq!(
        pairs[0],
        Value::Array(vec![Value::from("n"), Value::Double(-2.0)])
    );
    for (i, frame) in resp3.iter().enumerate() {
        assert_decodes_alike(frame);
        let bytes = reencoded(frame, Protocol::Resp3);
        let (back, len) = decode(&bytes).unwrap().unwrap();
        assert_eq!(len, bytes.len());
        assert_eq!(
            back, frame.value,
            "RESP3 reply {i} must survive encode then decode"
        );
    }
}
