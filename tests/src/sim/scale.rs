//! Scale on paper, measured in simulation: many client state machines, one large cluster,
//! one failover — how many topology queries does the cluster receive, and how long until
//! every client routes correctly again?
//!
//! The clients are real [`Cluster`] machines with the default configuration, each seeded
//! differently, speaking RESP3 to simulated nodes over a network with per-connection
//! latency. The cluster is the simulator's (its views, gossip and `CLUSTER SHARDS` replies)
//! reduced to what this question needs: nodes answer `HELLO`, `CLUSTER SHARDS`/`SLOTS`,
//! `READONLY`, `ASKING` and `GET` (served empty by the slot's primary, MOVED elsewhere), and
//! the only fault is one primary crashing:
//!
//! 1. clients start over `startup` (a fleet rolling out), each bootstrapping from three
//!    random nodes, then send a GET every `request_every` to a key on the shard that will
//!    fail and another to a random key — every client sees the failover;
//! 2. at `fail_at` the primary of shard 0 crashes: its connections reset, connects are
//!    refused;
//! 3. after `node_timeout` the cluster marks it failed; after a further `election` its
//!    replica is promoted; every other node learns each change after a random gossip delay
//!    of up to `gossip_max`;
//! 4. the run goes on for `observe` after the crash.
//!
//! The cluster's timeline does not depend on the clients, so clients run in groups, each
//! with its own identical copy of the cluster, on as many threads as there are cores; the
//! groups' counts are added up. Results depend only on the configuration, not on how the
//! clients are grouped or on the thread count — and memory stays bounded by the groups in
//! flight.

use std::collections::{BTreeMap, BinaryHeap};
use std::fmt;
use std::rc::Rc;

use bytes::{Bytes, BytesMut};
use keyslot_core::cluster::{Cluster, Config, ConnId, Output};
use keyslot_core::resp::{encode_as, Decoder, Protocol, Value};
use keyslot_core::time::{Duration, Instant};
use keyslot_core::topology::Addr;
use keyslot_core::{key_slot, Cmd};

use super::cluster::{ClusterState, Health, NodeId, View, NO_SHARD};
use super::profile::Endpoints;
use super::replies;
use super::rng::Rng;
use super::server::text;

/// Parameters of the scale run.
#[derive(Clone, Debug)]
pub struct ScaleConfig {
    /// Shards (one primary and `replicas` replicas each).
    pub shards: usize,
    /// Replicas per shard (at least 1: the failed primary needs a successor).
    pub replicas: usize,
    /// Client state machines.
    pub clients: usize,
    /// Seed.
    pub seed: u64,
    /// Threads running client groups.
    pub threads: usize,
    /// Clients per group. Groups run independently (the cluster's timeline does not depend
    /// on the clients), at most `threads` at a time, which bounds memory: a client holding
    /// a 500-shard topology needs about 1.3 MB.
    pub batch: usize,
    /// Clients start within this window.
    pub startup: Duration,
    /// When the primary of shard 0 crashes (after startup).
    pub fail_at: Duration,
    /// How long the cluster takes to mark it failed (`cluster-node-timeout`).
    pub node_timeout: Duration,
    /// From marked failed to the replica's promotion.
    pub election: Duration,
    /// Longest gossip delay for a configuration change to reach a node.
    pub gossip_max: Duration,
    /// How long to keep going after the crash.
    pub observe: Duration,
    /// Each client's request interval (per key).
    pub request_every: Duration,
    /// One-way network latency range, microseconds.
    pub latency_us: (u64, u64),
}

impl Default for ScaleConfig {
    fn default() -> Self {
        ScaleConfig {
            shards: 500,
            replicas: 1,
            clients: 10_000,
            seed: 1,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            batch: 1_000,
            startup: Duration::from_secs(10),
            fail_at: Duration::from_secs(15),
            node_timeout: Duration::from_secs(2),
            election: Duration::from_millis(800),
            gossip_max: Duration::from_millis(500),
            observe: Duration::from_secs(25),
            request_every: Duration::from_secs(1),
            latency_us: (100, 1_000),
        }
    }
}

/// What the scale run measured.
#[derive(Clone, Debug, Default)]
pub struct ScaleReport {
    /// The configuration.
    pub shards: usize,
    /// Clients.
    pub clients: usize,
    /// Topology queries the cluster received in all.
    pub queries: u64,
    /// Cluster-wide topology queries per second before the crash (after startup).
    pub steady_qps: f64,
    /// The busiest second for the cluster, and when it began (seconds after the crash).
    pub peak_qps: u64,
    /// See `peak_qps`.
    pub peak_at_s: f64,
    /// The busiest second for any single node.
    pub peak_node_qps: u64,
    /// Average cluster-wide queries per second from the crash until every client routed
    /// correctly.
    pub storm_qps: f64,
    /// Topology reply bytes sent in the busiest second.
    pub peak_bytes_per_sec: u64,
    /// Seconds from the crash to the promotion (the cluster's own failover time).
    pub promotion_s: f64,
    /// Seconds from the crash until every client's slot map pointed at the new primary.
    pub all_correct_s: Option<f64>,
    /// Median and 99th percentile of that per client.
    pub p50_s: f64,
    /// See `p50_s`.
    pub p99_s: f64,
    /// Clients routing correctly at the end.
    pub clients_correct: usize,
    /// Rediscoveries the clients ran in all, and during the storm.
    pub refreshes: u64,
    /// GETs answered successfully and with an error.
    pub ok: u64,
    /// See `ok`.
    pub failed: u64,
    /// Every client ended up routing correctly.
    pub routed_correctly: bool,
    /// Wall-clock seconds the run took.
    pub wall_s: f64,
}

impl fmt::Display for ScaleReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "scale: {} shards x 2 nodes, {} clients, one primary crashes",
            self.shards, self.clients
        )?;
        writeln!(
            f,
            "  topology queries received: {} in all; {:.0}/s steady; {:.0}/s on average from the crash until every client routed correctly",
            self.queries, self.steady_qps, self.storm_qps
        )?;
        writeln!(
            f,
            "  busiest second: {} queries/s cluster-wide ({:.1} s after the crash), {} queries/s on one node, {:.1} MB/s of topology replies",
            self.peak_qps,
            self.peak_at_s,
            self.peak_node_qps,
            self.peak_bytes_per_sec as f64 / 1e6
        )?;
        writeln!(
            f,
            "  replica promoted {:.2} s after the crash; every client routing to it {} after the crash (per client: median {:.2} s, p99 {:.2} s); {} of {} clients correct at the end",
            self.promotion_s,
            self.all_correct_s
                .map_or("never".to_string(), |s| format!("{s:.2} s")),
            self.p50_s,
            self.p99_s,
            self.clients_correct,
            self.clients
        )?;
        write!(
            f,
            "  client rediscoveries: {}; GETs ok {}, failed {}; {:.1} s wall",
            self.refreshes, self.ok, self.failed, self.wall_s
        )
    }
}

const START: Instant = Instant::from_micros(1_000_000);

#[derive(Debug)]
enum Ev {
    Start(usize),
    Timer(usize),
    Submit(usize),
    ConnectDone {
        client: usize,
        conn: ConnId,
    },
    ToServer {
        client: usize,
        conn: ConnId,
        bytes: Vec<u8>,
    },
    ToClient {
        client: usize,
        conn: ConnId,
        bytes: Vec<u8>,
    },
    Closed {
        client: usize,
        conn: ConnId,
    },
    Crash,
    View {
        node: Option<NodeId>,
        view: Rc<View>,
    },
}

struct Entry {
    at: Instant,
    seq: u64,
    ev: Ev,
}
impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        (self.at, self.seq) == (o.at, o.seq)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (o.at, o.seq).cmp(&(self.at, self.seq))
    }
}

struct Conn {
    node: Option<NodeId>,
    latency: u64,
    open: bool,
    resp3: bool,
    buf: BytesMut,
    decoder: Decoder,
}

struct Client {
    machine: Cluster,
    deadline: Option<Instant>,
    hot: Bytes,
    hot_slot: u16,
    conns: BTreeMap<ConnId, Conn>,
    correct_at: Option<Instant>,
    rng: Rng,
    pending: usize,
}

/// Counts one group of clients produced.
#[derive(Default)]
struct Counts {
    /// Queries per 100 ms bucket, cluster-wide, and per (bucket, node).
    buckets: Vec<u64>,
    bytes: Vec<u64>,
    node_buckets: BTreeMap<(usize, NodeId), u32>,
    correct: Vec<Option<Instant>>,
    refreshes: u64,
    ok: u64,
    failed: u64,
    promoted_at: Option<Instant>,
}

struct Group<'a> {
    cfg: &'a ScaleConfig,
    now: Instant,
    heap: BinaryHeap<Entry>,
    seq: u64,
    c: ClusterState,
    crashed: Option<NodeId>,
    new_primary: NodeId,
    new_addr: Addr,
    clients: Vec<Client>,
    cache: BTreeMap<u64, Rc<Vec<u8>>>,
    counts: Counts,
}

/// An even layout: shard `i` owns the `i`-th share of the slots.
fn even_layout(shards: usize) -> Vec<u16> {
    (0..16384usize)
        .map(|s| (s * shards / 16384) as u16)
        .collect()
}

impl<'a> Group<'a> {
    fn new(cfg: &'a ScaleConfig, clients: std::ops::Range<usize>) -> Group<'a> {
        let c = ClusterState::new(
            cfg.shards,
            cfg.replicas.max(1),
            even_layout(cfg.shards),
            Endpoints::Ip,
            false,
            cfg.seed,
            START,
        );
        let new_primary = c.shards[0].replicas[0];
        let new_addr = Addr::new(c.nodes[new_primary].ident.ip.clone(), 6379);
        let mut g = Group {
            cfg,
            now: START,
            heap: BinaryHeap::new(),
            seq: 0,
            crashed: None,
            new_primary,
            new_addr,
            clients: Vec::new(),
            cache: BTreeMap::new(),
            counts: Counts::default(),
            c,
        };
        // The cluster's events go first, so that they come before any client event due at
        // the same instant, whatever the grouping.
        g.schedule_cluster();
        let span = cfg.startup.as_micros().max(1);
        for i in clients {
            let mut rng = Rng::new(cfg.seed.wrapping_mul(1_000_003) ^ i as u64);
            let hot = g.key_on_shard0(i, &mut rng);
            let hot_slot = key_slot(&hot);
            let start = START + Duration::from_micros(rng.below(span));
            let seeds: Vec<Addr> = (0..3)
                .map(|_| {
                    let n = rng.index(g.c.nodes.len());
                    Addr::new(g.c.nodes[n].ident.ip.clone(), 6379)
                })
                .collect();
            let config = Config {
                rng_seed: cfg.seed ^ ((i as u64) << 20),
                ..Config::default()
            };
            let idx = g.clients.len();
            g.clients.push(Client {
                machine: Cluster::new(config, seeds, start),
                deadline: None,
                hot,
                hot_slot,
                conns: BTreeMap::new(),
                correct_at: None,
                rng,
                pending: 0,
            });
            g.at(start, Ev::Start(idx));
        }
        g
    }

    /// A key whose slot shard 0 owns.
    fn key_on_shard0(&self, client: usize, rng: &mut Rng) -> Bytes {
        loop {
            let k = format!("user:{client}:{}", rng.below(1 << 40));
            if self.c.latest.owner[usize::from(key_slot(k.as_bytes()))] == 0 {
                return Bytes::from(k);
            }
        }
    }

    fn at(&mut self, at: Instant, ev: Ev) {
        self.seq += 1;
        self.heap.push(Entry {
            at,
            seq: self.seq,
            ev,
        });
    }

    /// The cluster's whole timeline, the same in every group.
    fn schedule_cluster(&mut self) {
        let mut rng = Rng::new(self.cfg.seed ^ 0xc1a5_7e25);
        let crash = START + self.cfg.startup + self.cfg.fail_at;
        self.at(crash, Ev::Crash);
        let primary = self.c.shards[0].primary;
        let marked = crash + self.cfg.node_timeout;
        let mut v = (*self.c.latest).clone();
        v.version += 1;
        v.health[primary] = Health::Fail;
        let failed = Rc::new(v);
        let promoted = marked + self.cfg.election;
        let mut v = (*failed).clone();
        v.version += 1;
        v.shards[0].primary = self.new_primary;
        v.shards[0].replicas = vec![primary];
        let promotion = Rc::new(v);
        self.at(
            promoted,
            Ev::View {
                node: Some(self.new_primary),
                view: promotion.clone(),
            },
        );
        self.counts.promoted_at = Some(promoted);
        let gossip = self.cfg.gossip_max.as_micros().max(1);
        for n in 0..self.c.nodes.len() {
            if n == primary {
                continue;
            }
            let d = Duration::from_micros(rng.below(gossip));
            self.at(
                marked + d,
                Ev::View {
                    node: Some(n),
                    view: failed.clone(),
                },
            );
            if n != self.new_primary {
                let d = Duration::from_micros(rng.below(gossip));
                self.at(
                    promoted + d,
                    Ev::View {
                        node: Some(n),
                        view: promotion.clone(),
                    },
                );
            }
        }
        self.at(
            promoted,
            Ev::View {
                node: None,
                view: promotion,
            },
        );
    }

    fn run(mut self) -> Counts {
        let end = START + self.cfg.startup + self.cfg.fail_at + self.cfg.observe;
        let buckets = ((end - START).as_micros() / 100_000 + 1) as usize;
        self.counts.buckets = vec![0; buckets];
        self.counts.bytes = vec![0; buckets];
        while let Some(e) = self.heap.pop() {
            if e.at > end {
                break;
            }
            self.now = e.at.max(self.now);
            self.handle(e.ev);
        }
        self.counts.correct = self.clients.iter().map(|c| c.correct_at).collect();
        self.counts
    }

    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::Start(i) => {
                self.drain(i);
                let d = self.jitter(i);
                self.at(self.now + d, Ev::Submit(i));
            }
            Ev::Timer(i) => {
                let cl = &mut self.clients[i];
                if cl.deadline.is_some_and(|d| d <= self.now) {
                    cl.deadline = None;
                    cl.machine.handle_timeout(self.now);
                    self.drain(i);
                }
            }
            Ev::Submit(i) => {
                let cl = &mut self.clients[i];
                if cl.pending < 4 {
                    let other = format!("k:{}", cl.rng.below(1 << 30));
                    let hot = cl.hot.clone();
                    cl.machine
                        .submit(Cmd::new("GET").arg(&hot[..]), (), self.now);
                    cl.machine.submit(Cmd::new("GET").arg(other), (), self.now);
                    cl.pending += 2;
                    self.drain(i);
                }
                let d = self.jitter(i);
                self.at(self.now + d, Ev::Submit(i));
            }
            Ev::ConnectDone { client, conn } => {
                let Some(c) = self.clients[client].conns.get_mut(&conn) else {
                    return;
                };
                let up = c.node.is_some_and(|n| Some(n) != self.crashed);
                if up {
                    c.open = true;
                    self.clients[client]
                        .machine
                        .handle_connected(conn, self.now);
                } else {
                    self.clients[client].conns.remove(&conn);
                    self.clients[client].machine.handle_connect_failed(
                        conn,
                        "Connection refused (os error 111)",
                        self.now,
                    );
                }
                self.drain(client);
            }
            Ev::ToServer {
                client,
                conn,
                bytes,
            } => self.server(client, conn, bytes),
            Ev::ToClient {
                client,
                conn,
                bytes,
            } => {
                if self.clients[client]
                    .conns
                    .get(&conn)
                    .is_some_and(|c| c.open)
                {
                    self.clients[client]
                        .machine
                        .handle_data(conn, &bytes, self.now);
                    self.drain(client);
                }
            }
            Ev::Closed { client, conn } => {
                if self.clients[client].conns.remove(&conn).is_some() {
                    self.clients[client].machine.handle_closed(conn, self.now);
                    self.drain(client);
                }
            }
            Ev::Crash => {
                let p = self.c.shards[0].primary;
                self.crashed = Some(p);
                let mut resets = Vec::new();
                for (i, cl) in self.clients.iter_mut().enumerate() {
                    for (id, c) in cl.conns.iter_mut() {
                        if c.node == Some(p) && c.open {
                            c.open = false;
                            resets.push((i, *id, c.latency));
                        }
                    }
                }
                for (client, conn, lat) in resets {
                    let at = self.now + Duration::from_micros(lat);
                    self.at(at, Ev::Closed { client, conn });
                }
            }
            Ev::View { node, view } => match node {
                Some(n) => {
                    if self.c.nodes[n].view.version < view.version {
                        self.c.nodes[n].view = view;
                    }
                }
                None => self.c.latest = view,
            },
        }
    }

    fn jitter(&mut self, client: usize) -> Duration {
        let every = self.cfg.request_every.as_micros();
        Duration::from_micros(every / 2 + self.clients[client].rng.below(every.max(1)))
    }

    fn drain(&mut self, i: usize) {
        loop {
            let out = self.clients[i].machine.poll_output();
            match out {
                Output::Timeout(at) => {
                    let cl = &mut self.clients[i];
                    if at != cl.deadline {
                        cl.deadline = at;
                        if let Some(at) = at {
                            self.at(at.max(self.now), Ev::Timer(i));
                        }
                    }
                    break;
                }
                Output::Connect { conn, addr } => {
                    let node = self.c.node_at(&addr.host, addr.port);
                    let (lo, hi) = self.cfg.latency_us;
                    let latency = self.clients[i].rng.range(lo, hi);
                    self.clients[i].conns.insert(
                        conn,
                        Conn {
                            node,
                            latency,
                            open: false,
                            resp3: false,
                            buf: BytesMut::new(),
                            decoder: Decoder::new(),
                        },
                    );
                    let at = self.now + Duration::from_micros(latency * 2);
                    self.at(at, Ev::ConnectDone { client: i, conn });
                }
                Output::Transmit { conn } => {
                    let cl = &mut self.clients[i];
                    let bytes = cl.machine.transmit(conn).to_vec();
                    cl.machine.handle_written(conn, bytes.len());
                    if let Some(c) = cl.conns.get(&conn).filter(|c| c.open) {
                        let at = self.now + Duration::from_micros(c.latency);
                        self.at(
                            at,
                            Ev::ToServer {
                                client: i,
                                conn,
                                bytes,
                            },
                        );
                    }
                }
                Output::Close { conn } => {
                    self.clients[i].conns.remove(&conn);
                }
                Output::Reply { reply, .. } => {
                    let cl = &mut self.clients[i];
                    cl.pending = cl.pending.saturating_sub(1);
                    match reply {
                        Ok(_) => self.counts.ok += 1,
                        Err(_) => self.counts.failed += 1,
                    }
                }
                Output::PipelineReply { id, .. } => {
                    unreachable!(
                        "the scale run submits no pipeline, yet {id:?} got a pipeline's reply"
                    )
                }
                Output::Event(keyslot_core::cluster::Event::RefreshStarted { .. }) => {
                    self.counts.refreshes += 1;
                }
                // The scale run subscribes to nothing.
                Output::Event(_)
                | Output::PubSub { .. }
                | Output::NeedCredentials
                | Output::Ready(_) => {}
            }
        }
        let cl = &mut self.clients[i];
        if self.counts.promoted_at.is_some_and(|p| self.now >= p) {
            let right = cl.machine.slot_owner(cl.hot_slot) == Some(&self.new_addr);
            match (right, cl.correct_at) {
                (true, None) => cl.correct_at = Some(self.now),
                (false, Some(_)) => cl.correct_at = None,
                _ => {}
            }
        }
    }

    /// A node's side of a connection: answer every complete command.
    fn server(&mut self, client: usize, conn: ConnId, bytes: Vec<u8>) {
        let crashed = self.crashed;
        let Some(c) = self.clients[client].conns.get_mut(&conn) else {
            return;
        };
        let Some(node) = c.node.filter(|&n| Some(n) != crashed) else {
            return;
        };
        if !c.open {
            return;
        }
        c.buf.extend_from_slice(&bytes);
        let mut out = Vec::new();
        let mut frames = Vec::new();
        while let Ok(Some(frame)) = c.decoder.decode(&mut c.buf) {
            frames.push(frame);
        }
        let latency = c.latency;
        for frame in frames {
            let args: Vec<Bytes> = match frame {
                Value::Array(items) => items
                    .into_iter()
                    .filter_map(|v| match v {
                        Value::BulkString(b) => Some(b),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            self.answer(client, conn, node, &args, &mut out);
        }
        if !out.is_empty() {
            let at = self.now + Duration::from_micros(latency);
            self.at(
                at,
                Ev::ToClient {
                    client,
                    conn,
                    bytes: out,
                },
            );
        }
    }

    fn answer(
        &mut self,
        client: usize,
        conn: ConnId,
        node: NodeId,
        args: &[Bytes],
        out: &mut Vec<u8>,
    ) {
        let name = args
            .first()
            .map(|a| String::from_utf8_lossy(a).to_ascii_uppercase())
            .unwrap_or_default();
        let resp3 = self.clients[client]
            .conns
            .get(&conn)
            .is_some_and(|c| c.resp3);
        let protocol = if resp3 {
            Protocol::Resp3
        } else {
            Protocol::Resp2
        };
        let reply = match name.as_str() {
            "HELLO" => {
                let three = args.get(1).is_some_and(|a| &a[..] == b"3");
                if let Some(c) = self.clients[client].conns.get_mut(&conn) {
                    c.resp3 = three;
                }
                let v = Value::Map(vec![
                    (text("server"), text("redis")),
                    (text("version"), text("7.0.15")),
                    (text("proto"), Value::Integer(if three { 3 } else { 2 })),
                    (text("id"), Value::Integer(1)),
                    (text("mode"), text("cluster")),
                    (text("role"), text("master")),
                    (text("modules"), Value::Array(Vec::new())),
                ]);
                encode_as(
                    &v,
                    if three {
                        Protocol::Resp3
                    } else {
                        Protocol::Resp2
                    },
                    out,
                );
                return;
            }
            "CLUSTER" => {
                let bucket = ((self.now - START).as_micros() / 100_000) as usize;
                let view = self.c.nodes[node].view.clone();
                let key = view.version * 2 + u64::from(resp3);
                let bytes = match self.cache.get(&key) {
                    Some(b) => b.clone(),
                    None => {
                        let mut b = Vec::new();
                        encode_as(&replies::cluster_shards(&self.c, &view), protocol, &mut b);
                        let b = Rc::new(b);
                        self.cache.insert(key, b.clone());
                        b
                    }
                };
                if let Some(q) = self.counts.buckets.get_mut(bucket) {
                    *q += 1;
                }
                if let Some(q) = self.counts.bytes.get_mut(bucket) {
                    *q += bytes.len() as u64;
                }
                *self.counts.node_buckets.entry((bucket, node)).or_default() += 1;
                out.extend_from_slice(&bytes);
                return;
            }
            "READONLY" | "ASKING" | "CLIENT" => Value::SimpleString(Bytes::from_static(b"OK")),
            "GET" if args.len() == 2 => {
                let slot = key_slot(&args[1]);
                let view = &self.c.nodes[node].view;
                match view.owner.get(usize::from(slot)) {
                    Some(s) if s != NO_SHARD => {
                        let primary = view.shards[usize::from(s)].primary;
                        if primary == node {
                            Value::Null
                        } else {
                            let ip = &self.c.nodes[primary].ident.ip;
                            Value::Error(Bytes::from(format!("MOVED {slot} {ip}:6379")))
                        }
                    }
                    _ => Value::Error(Bytes::from_static(b"CLUSTERDOWN Hash slot not served")),
                }
            }
            _ => Value::Error(Bytes::from_static(b"ERR unknown command")),
        };
        encode_as(&reply, protocol, out);
    }
}

/// Run the scale scenario.
pub fn run(cfg: &ScaleConfig) -> ScaleReport {
    let started = std::time::Instant::now();
    let batch = cfg.batch.max(1);
    let groups = cfg.clients.div_ceil(batch);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..cfg.threads.clamp(1, groups.max(1)) {
            scope.spawn(|| loop {
                let g = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if g >= groups {
                    break;
                }
                let range = g * batch..((g + 1) * batch).min(cfg.clients);
                let counts = Group::new(cfg, range).run();
                if let Ok(mut r) = results.lock() {
                    r.push((g, counts));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(g, _)| *g);
    let groups = results.into_iter().map(|(_, c)| c).collect();
    summarize(cfg, groups, started.elapsed().as_secs_f64())
}

fn summarize(cfg: &ScaleConfig, groups: Vec<Counts>, wall_s: f64) -> ScaleReport {
    let n = groups.iter().map(|g| g.buckets.len()).max().unwrap_or(0);
    let mut buckets = vec![0u64; n];
    let mut bytes = vec![0u64; n];
    let mut nodes: BTreeMap<(usize, NodeId), u64> = BTreeMap::new();
    let mut correct = Vec::new();
    let mut r = ScaleReport {
        shards: cfg.shards,
        clients: cfg.clients,
        wall_s,
        ..ScaleReport::default()
    };
    let mut promoted = None;
    for g in groups {
        for (i, q) in g.buckets.iter().enumerate() {
            buckets[i] += q;
        }
        for (i, b) in g.bytes.iter().enumerate() {
            bytes[i] += b;
        }
        for (k, q) in g.node_buckets {
            *nodes.entry(k).or_default() += u64::from(q);
        }
        correct.extend(g.correct);
        r.refreshes += g.refreshes;
        r.ok += g.ok;
        r.failed += g.failed;
        promoted = g.promoted_at;
    }
    let bucket_of = |t: Duration| (t.as_micros() / 100_000) as usize;
    let crash = cfg.startup + cfg.fail_at;
    let crash_at = START + crash;
    let crash_b = bucket_of(crash);
    let start_b = bucket_of(cfg.startup);
    r.queries = buckets.iter().sum();
    let steady: u64 = buckets[start_b.min(n)..crash_b.min(n)].iter().sum();
    r.steady_qps = steady as f64 / ((crash_b.saturating_sub(start_b)).max(1) as f64 / 10.0);
    // Sliding one-second windows (ten buckets).
    for i in 0..n.saturating_sub(9) {
        let q: u64 = buckets[i..i + 10].iter().sum();
        if q > r.peak_qps {
            r.peak_qps = q;
            r.peak_at_s = (i as f64 - crash_b as f64) / 10.0;
        }
        r.peak_bytes_per_sec = r.peak_bytes_per_sec.max(bytes[i..i + 10].iter().sum());
    }
    let mut per_node: BTreeMap<NodeId, Vec<u64>> = BTreeMap::new();
    for ((b, node), q) in nodes {
        let v = per_node.entry(node).or_insert_with(|| vec![0; n]);
        v[b] += q;
    }
    for v in per_node.values() {
        for i in 0..n.saturating_sub(9) {
            r.peak_node_qps = r.peak_node_qps.max(v[i..i + 10].iter().sum());
        }
    }
    r.promotion_s = promoted.map_or(0.0, |p| (p - crash_at).as_micros() as f64 / 1e6);
    let mut times: Vec<f64> = correct
        .iter()
        .filter_map(|c| c.map(|t| (t - crash_at).as_micros() as f64 / 1e6))
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    r.clients_correct = times.len();
    r.routed_correctly = r.clients_correct == cfg.clients;
    if let Some(&last) = times.last() {
        if r.routed_correctly {
            r.all_correct_s = Some(last);
        }
        r.p50_s = times[times.len() / 2];
        r.p99_s = times[(times.len() * 99 / 100).min(times.len() - 1)];
    }
    let storm_end = r
        .all_correct_s
        .unwrap_or(cfg.observe.as_micros() as f64 / 1e6);
    let storm_b = bucket_of(crash + Duration::from_micros((storm_end * 1e6) as u64)).min(n);
    let storm: u64 = buckets[crash_b.min(n)..storm_b.max(crash_b.min(n))]
        .iter()
        .sum();
    r.storm_qps = storm as f64 / (storm_end.max(0.1));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_fleet_follows_the_failover() {
        let cfg = ScaleConfig {
            shards: 20,
            clients: 40,
            threads: 2,
            startup: Duration::from_secs(2),
            fail_at: Duration::from_secs(3),
            observe: Duration::from_secs(10),
            ..ScaleConfig::default()
        };
        let a = run(&cfg);
        assert!(a.routed_correctly, "{a}");
        assert!(a.queries > 40, "every client bootstrapped: {a}");
        assert!(a.all_correct_s.is_some_and(|s| s >= a.promotion_s), "{a}");
        // Neither the thread count nor the grouping changes the outcome.
        let b = run(&ScaleConfig {
            threads: 1,
            batch: 7,
            ..cfg
        });
        assert_eq!(
            (a.queries, a.ok, a.refreshes),
            (b.queries, b.ok, b.refreshes)
        );
    }
}
