//! Scripted exchanges with the machine: real RESP bytes in both directions, time as an input.
//!
//! [`Net`] plays the driver: it answers `Connect` when told to, collects what each
//! connection transmits (decoded back into commands so tests can read them), and feeds
//! replies in. Nothing here is simulated cleverness: each test says exactly which bytes the
//! "server" sends and when.

mod blocking;
mod bootstrap;
mod cache;
mod cancel;
mod credentials;
mod database;
mod membership;
mod metrics;
mod pubsub;
mod read_from;
mod reconnect;
mod redirects;
mod rediscovery;
mod refused;
mod requests;
mod scripts;
mod shards_check;
mod split;
mod stall;
mod zones;

use bytes::Bytes;

pub(crate) use super::*;
pub(crate) use crate::resp::{decode, encode_as, Protocol};
pub(crate) use crate::time::Duration;
pub(crate) use crate::Cmd;
pub(crate) use alloc::collections::BTreeMap;
pub(crate) use alloc::string::{String, ToString};
pub(crate) use alloc::vec::Vec;

pub(crate) const FIXTURES: &str = "tests/fixtures/redis-7.0.15";

/// The driver side of a test.
pub(crate) struct Net {
    pub(crate) cluster: Cluster,
    pub(crate) now: Instant,
    /// Every Connect, in order.
    pub(crate) connects: Vec<(ConnId, Addr)>,
    /// Commands each connection sent, not yet looked at by the test.
    pub(crate) sent: BTreeMap<ConnId, Vec<Vec<String>>>,
    pub(crate) closed: Vec<ConnId>,
    pub(crate) replies: BTreeMap<RequestId, Result<Value, Error>>,
    /// The pipelines' replies.
    pub(crate) pipelines: BTreeMap<RequestId, Vec<Result<Value, Error>>>,
    pub(crate) events: Vec<Event>,
    pub(crate) pubsub: Vec<PubSub>,
    /// Whom each item of `pubsub` was for.
    pub(crate) pubsub_to: Vec<SubscriberId>,
    /// The subscribers the test made, by kind and channel.
    pub(crate) subscribers: Vec<(SubscriptionKind, String, SubscriberId)>,
    /// Every output in order, for determinism checks.
    pub(crate) log: Vec<String>,
    /// Connections whose socket accepts nothing (a frozen node's full buffer): their
    /// transmits are left unwritten until [`Net::thaw`].
    pub(crate) frozen: Vec<ConnId>,
    /// Every `Output::Ready`, in order.
    pub(crate) readiness: Vec<Result<(), Error>>,
    /// `Output::NeedCredentials` seen.
    pub(crate) credentials_asked: usize,
}

pub(crate) fn addr(s: &str) -> Addr {
    let (h, p) = s.rsplit_once(':').unwrap();
    Addr::new(h, p.parse().unwrap())
}

impl Net {
    pub(crate) fn new(config: Config, seeds: &[&str]) -> Net {
        let now = Instant::from_micros(1_000_000);
        let cluster: Cluster = Cluster::new(config, seeds.iter().map(|s| addr(s)).collect(), now);
        let mut net = Net {
            cluster,
            now,
            connects: Vec::new(),
            sent: BTreeMap::new(),
            closed: Vec::new(),
            replies: BTreeMap::new(),
            pipelines: BTreeMap::new(),
            events: Vec::new(),
            pubsub: Vec::new(),
            subscribers: Vec::new(),
            pubsub_to: Vec::new(),
            log: Vec::new(),
            frozen: Vec::new(),
            credentials_asked: 0,
            readiness: Vec::new(),
        };
        net.drain();
        net
    }

    /// Drain outputs, writing every transmit in full.
    pub(crate) fn drain(&mut self) {
        loop {
            let out = self.cluster.poll_output();
            self.log.push(alloc::format!("{out:?}"));
            match out {
                Output::Timeout(_) => break,
                Output::Connect { conn, addr } => self.connects.push((conn, addr)),
                Output::Transmit { conn } if self.frozen.contains(&conn) => {}
                Output::Transmit { conn } => self.write_all(conn),
                Output::Close { conn } => self.closed.push(conn),
                Output::Reply { id, reply, .. } => {
                    assert!(
                        self.replies.insert(id, reply).is_none()
                            && !self.pipelines.contains_key(&id),
                        "one reply per request"
                    );
                }
                Output::PipelineReply { id, results, .. } => {
                    assert!(
                        self.pipelines.insert(id, results).is_none()
                            && !self.replies.contains_key(&id),
                        "one reply per pipeline"
                    );
                }
                Output::Event(e) => self.events.push(e),
                Output::PubSub { subscriber, item } => {
                    self.pubsub_to.push(subscriber);
                    self.pubsub.push(item);
                }
                Output::NeedCredentials => self.credentials_asked += 1,
                Output::Ready(r) => self.readiness.push(r),
            }
        }
    }

    /// Write everything `conn` has pending, recording the commands.
    fn write_all(&mut self, conn: ConnId) {
        let bytes = self.cluster.transmit(conn).to_vec();
        self.cluster.handle_written(conn, bytes.len());
        let cmds = self.sent.entry(conn).or_default();
        let mut at = 0;
        while at < bytes.len() {
            let (v, n) = decode(&bytes[at..]).unwrap().unwrap();
            at += n;
            cmds.push(
                v.as_slice()
                    .unwrap()
                    .iter()
                    .map(|a| String::from_utf8_lossy(a.as_bytes().unwrap()).into_owned())
                    .collect(),
            );
        }
    }

    /// `conn`'s socket takes nothing from now on.
    pub(crate) fn freeze(&mut self, conn: ConnId) {
        self.frozen.push(conn);
    }

    /// `conn`'s socket takes bytes again: write what is pending.
    pub(crate) fn thaw(&mut self, conn: ConnId) {
        self.frozen.retain(|c| *c != conn);
        self.write_all(conn);
        self.drain();
    }

    /// The most recent connection opened to `a`.
    pub(crate) fn conn_to(&self, a: &str) -> ConnId {
        let want = addr(a);
        self.connects
            .iter()
            .rev()
            .find(|(_, x)| *x == want)
            .map(|(c, _)| *c)
            .unwrap_or_else(|| panic!("no connection to {a}; connects: {:?}", self.connects))
    }

    pub(crate) fn connected(&mut self, conn: ConnId) {
        self.cluster.handle_connected(conn, self.now);
        self.drain();
    }

    pub(crate) fn data(&mut self, conn: ConnId, bytes: &[u8]) {
        self.cluster.handle_data(conn, bytes, self.now);
        self.drain();
    }

    pub(crate) fn reply(&mut self, conn: ConnId, value: &Value) {
        let mut out = Vec::new();
        encode_as(value, Protocol::Resp2, &mut out);
        self.data(conn, &out);
    }

    pub(crate) fn fixture(&mut self, conn: ConnId, name: &str) {
        let bytes = fixture(name);
        self.data(conn, &bytes);
    }

    /// Commands `conn` sent since the last call.
    pub(crate) fn take_sent(&mut self, conn: ConnId) -> Vec<Vec<String>> {
        self.sent.remove(&conn).unwrap_or_default()
    }

    pub(crate) fn advance(&mut self, d: Duration) {
        self.now += d;
        self.cluster.handle_timeout(self.now);
        self.drain();
    }

    pub(crate) fn submit(&mut self, cmd: Cmd) -> RequestId {
        let id = self.cluster.submit(cmd, (), self.now);
        self.drain();
        id
    }

    pub(crate) fn single(&self, id: RequestId) -> &Result<Value, Error> {
        match self.replies.get(&id) {
            Some(r) => r,
            None => panic!("no single reply for {id:?}"),
        }
    }

    /// Connect, answer the handshake (HELLO 3 with the real server's reply), and return the
    /// connection.
    pub(crate) fn accept(&mut self, a: &str) -> ConnId {
        let conn = self.conn_to(a);
        self.connected(conn);
        let sent = self.take_sent(conn);
        assert_eq!(
            sent.first().map(|c| c[0].as_str()),
            Some("HELLO"),
            "{sent:?}"
        );
        self.fixture(conn, "hello3.resp3");
        conn
    }

    pub(crate) fn is_connecting(&self, conn: ConnId) -> bool {
        self.cluster
            .conns
            .get(conn.0)
            .is_some_and(|c| c.state == super::conn::ConnState::Connecting)
    }

    /// The latest connection to `a`, accepted if it is still connecting.
    pub(crate) fn ensure_accepted(&mut self, a: &str) -> ConnId {
        let conn = self.conn_to(a);
        if self.is_connecting(conn) {
            self.accept(a);
        }
        conn
    }

    pub(crate) fn topology_queries(&self) -> usize {
        self.cluster.refresh.queries_sent as usize
    }
}

pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let path = alloc::format!("{}/../{FIXTURES}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub(crate) fn bulk(s: &str) -> Value {
    Value::BulkString(Bytes::from(s.to_string()))
}

pub(crate) fn error(s: &str) -> Value {
    Value::Error(Bytes::from(s.to_string()))
}

pub(crate) fn ok() -> Value {
    Value::SimpleString(Bytes::from_static(b"OK"))
}

/// A `CLUSTER SLOTS` reply: `(first, last, primary, replicas)` per range.
pub(crate) fn cluster_slots(ranges: &[(u16, u16, &str, &[&str])]) -> Value {
    let node = |a: &str| {
        let a = addr(a);
        Value::Array(alloc::vec![
            bulk(&a.host),
            Value::Integer(i64::from(a.port)),
            bulk(&alloc::format!("id-{}", a))
        ])
    };
    Value::Array(
        ranges
            .iter()
            .map(|(first, last, primary, replicas)| {
                let mut entry = alloc::vec![
                    Value::Integer(i64::from(*first)),
                    Value::Integer(i64::from(*last)),
                    node(primary)
                ];
                entry.extend(replicas.iter().map(|r| node(r)));
                Value::Array(entry)
            })
            .collect(),
    )
}

/// A three-shard cluster: 10.0.0.1..3:7000 own 0-5460, 5461-10922, 10923-16383.
pub(crate) fn three_shards() -> Value {
    cluster_slots(&[
        (0, 5460, "10.0.0.1:7000", &["10.0.0.4:7000"]),
        (5461, 10922, "10.0.0.2:7000", &["10.0.0.5:7000"]),
        (10923, 16383, "10.0.0.3:7000", &["10.0.0.6:7000"]),
    ])
}

/// The primary of `key` in [`three_shards`].
pub(crate) fn primary_of(key: &str) -> &'static str {
    match crate::key_slot(key.as_bytes()) {
        0..=5460 => "10.0.0.1:7000",
        5461..=10922 => "10.0.0.2:7000",
        _ => "10.0.0.3:7000",
    }
}

/// A client bootstrapped from seed `seed:6379` onto [`three_shards`] through CLUSTER SLOTS
/// (the seed says it does not know CLUSTER SHARDS).
pub(crate) fn ready_client(config: Config) -> Net {
    let mut net = Net::new(config, &["seed:6379"]);
    let seed = net.accept("seed:6379");
    learn_three_shards(&mut net, seed);
    net
}

/// The bootstrap's exchange on a handshaken `seed`: CLUSTER SHARDS refused, then
/// [`three_shards`] through CLUSTER SLOTS.
pub(crate) fn learn_three_shards(net: &mut Net, seed: ConnId) {
    let sent = net.take_sent(seed);
    assert_eq!(sent, [["CLUSTER", "SHARDS"]]);
    net.reply(
        seed,
        &error("ERR unknown subcommand 'SHARDS'. Try CLUSTER HELP."),
    );
    assert_eq!(net.take_sent(seed), [["CLUSTER", "SLOTS"]]);
    net.reply(seed, &three_shards());
    assert!(net.cluster.topology().is_some());
}
