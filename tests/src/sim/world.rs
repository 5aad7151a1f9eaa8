//! One simulated run: the client state machine, the cluster, the network and the clock,
//! wired together, and the loop that drives them.
//!
//! # The loop
//!
//! Each step takes the earliest of (a) the next queued event and (b) the client's own next
//! deadline, moves the clock there, and applies it: bytes reach a node or the client, a
//! connect completes, a node fails, a slot finishes migrating, the workload submits, or the
//! client's timers fire. After every input to the client, its outputs are drained until it
//! reports its next deadline, exactly as the core's driving contract says. Then the
//! per-step invariants run ([`super::check`]).
//!
//! # Phases and liveness
//!
//! 1. **Faults** for the profile's `fault_secs`: the orchestrator starts operations, the
//!    network resets and refuses.
//! 2. **Settling**: no new faults; running operations finish (crashed nodes restart,
//!    migrations complete, partitions heal). Once nothing is in progress and every node
//!    has heard the newest configuration, the cluster is *quiet*.
//! 3. **Quiet**: the workload goes on. Every request submitted [`LIVE_OPS_AFTER`] or more
//!    after the cluster went quiet must succeed, and [`LIVE_MAP_AFTER`] after it the
//!    client's slot map must equal the true one, slot for slot.
//!
//! The bounds follow from the client's defaults: a command sent to a stale owner is
//! redirected by MOVED at once (nodes agree again within the gossip delay, at most 1.5 s
//! here), a lost connection is retried within `retry_max` (320 ms) and rediscovered within
//! `refresh_interval_degraded` plus one `refresh_timeout` (1.2 s), so 10 s leave a wide
//! margin below the 5 s request timeout. A slot that no command touches is corrected by
//! the next rediscovery at the latest, and the periodic one runs every 60 s: 65 s bound it.
//! The time the map really took is reported (`converge`), usually well under a second.
//! 4. **Draining**: no new requests; every pending one must be answered by its deadline.
//!
//! A scripted run (the fuzz target) goes through the same phases with less traffic after
//! its script: see `World::on_scripted_submit_tick`.

use std::rc::Rc;

use bytes::Bytes;
use keyslot_core::cluster::{Cluster, Config, Event, Output};
use keyslot_core::resp::Protocol;
use keyslot_core::time::{Duration, Instant};
use keyslot_core::topology::Addr;

use super::check::Checks;
use super::clock::{ms, us, Scheduler};
use super::cluster::{ClusterState, NodeId, ShardId, View, NO_SHARD};
use super::model::Model;
use super::net::{Net, CONFIG_HOST};
use super::ops::{OpEv, Ops};
use super::profile::{Endpoints, Profile, Seeds};
use super::rng::Rng;
use super::server::PASSWORD;
use super::trace::{Line, Trace};
use super::workload::Reply;
use super::workload::{Kind, Workload};

/// Requests submitted this long after the cluster went quiet must succeed.
pub const LIVE_OPS_AFTER: Duration = Duration::from_secs(10);
/// This long after the cluster went quiet, the client's slot map must be the true one.
pub const LIVE_MAP_AFTER: Duration = Duration::from_secs(65);
/// A cluster that has not settled this long after the faults stopped is a simulator bug.
pub const SETTLE_LIMIT: Duration = Duration::from_secs(240);
/// Mean gap between submissions once the cluster is quiet (microseconds).
pub const QUIET_SUBMIT_EVERY_US: u64 = 150_000;
/// Requests that must succeed in a scripted run's quiet phase (see
/// `World::on_scripted_submit_tick`).
pub const SCRIPTED_PROBES: usize = 16;
/// The clock's origin for a run.
pub const START: Instant = Instant::from_micros(1_000_000);

/// Everything that can happen.
#[derive(Debug)]
pub enum Ev {
    /// A connect completes (or is refused).
    ConnectDone {
        /// The connection.
        conn: u64,
        /// Why it failed, when it is known to fail already.
        refused: Option<&'static str>,
    },
    /// Client bytes reach the server.
    ToServer {
        /// The connection.
        conn: u64,
        /// The bytes.
        bytes: Vec<u8>,
        /// When the client wrote them.
        sent: Instant,
    },
    /// Server bytes reach the client.
    ToClient {
        /// The connection.
        conn: u64,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// The client's socket can take more bytes.
    ClientWritable {
        /// The connection.
        conn: u64,
    },
    /// A reset reaches the client.
    ClientClosed {
        /// The connection.
        conn: u64,
    },
    /// The client's close reaches the server.
    ServerClosed {
        /// The connection.
        conn: u64,
    },
    /// A node hears of a configuration.
    Gossip {
        /// The node.
        node: NodeId,
        /// The configuration.
        view: Rc<View>,
    },
    /// Replication reaches a replica.
    Replicate {
        /// The replica.
        node: NodeId,
        /// The stream's epoch.
        epoch: u64,
        /// How far.
        upto: usize,
    },
    /// A key's TTL may have passed.
    Expire {
        /// The key.
        key: Bytes,
    },
    /// The failure detector's timeout.
    Suspect {
        /// The node.
        node: NodeId,
        /// Which period of unreachability.
        incident: u64,
    },
    /// A failed primary's replicas elect one of them.
    Election {
        /// The shard.
        shard: ShardId,
        /// The failed primary.
        node: NodeId,
        /// Its period of unreachability.
        incident: u64,
    },
    /// A node finished loading.
    Loaded {
        /// The node.
        node: NodeId,
    },
    /// An orchestrator step.
    Op(OpEv),
    /// The workload's next submission.
    Submit,
    /// The fault phase ends.
    FaultsEnd,
    /// Time to compare the client's slot map with the truth.
    LiveMap,
    /// The pub/sub scenario's next publication (pub/sub runs only).
    Publish,
    /// The blocking scenario's next action (blocking runs only).
    BlockingTick,
    /// The caller of a request gives up on it (see [`super::cancel`]).
    Cancel {
        /// The request, by `RequestId::as_u64`.
        id: u64,
    },
    /// A parked pop's timeout or client-cron visit (see [`super::blocking_server`]).
    Blocked {
        /// The connection it is parked on.
        conn: u64,
        /// Which pop of that connection.
        gen: u64,
        /// Why.
        wake: super::blocking_server::Wake,
    },
}

/// Where the run is (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Faults are injected.
    Faults,
    /// Waiting for the cluster to become quiet.
    Settling,
    /// Quiet: liveness is checked.
    Quiet,
    /// No new requests; waiting for the last replies.
    Draining,
    /// Finished.
    Done,
}

/// Counts for reports.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Replicas promoted (failovers of any kind).
    pub failovers: u64,
    /// Slot batches migrated.
    pub migrations: u64,
    /// Cluster operations started.
    pub ops: u64,
    /// Most bytes the client buffered at once.
    pub max_buffered: usize,
    /// Most connections the client held at once.
    pub max_conns: usize,
    /// From quiet to the client's slot map equalling the truth (microseconds).
    pub converge_us: Option<u64>,
    /// When the cluster went quiet.
    pub quiet_at: Option<Instant>,
    /// Cancellations, own deadlines and window stalls.
    pub cancels: super::cancel::CancelStats,
    /// CLUSTER SHARDS replies with Redis 7.4.1's empty slots (that flavour's seeds).
    pub shards_741_replies: u64,
}

/// How the run is driven.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Driver {
    /// The workload and the orchestrator draw from the seed (the simulator).
    Random,
    /// Someone else submits and injects (the fuzz target).
    Scripted,
}

/// One run.
pub struct World {
    /// The run's seed.
    pub seed: u64,
    /// What it looks like.
    pub profile: Profile,
    /// Virtual now.
    pub now: Instant,
    /// Future events.
    pub sched: Scheduler<Ev>,
    /// Network randomness.
    pub rng_net: Rng,
    /// Workload randomness.
    pub rng_work: Rng,
    /// Fault randomness.
    pub rng_fault: Rng,
    /// Cancellation and own-deadline randomness (see [`super::cancel`]).
    pub rng_cancel: Rng,
    /// Cluster-internal randomness (gossip, replication lag, elections).
    pub rng_cluster: Rng,
    /// The client under test.
    pub client: Cluster,
    /// Its configuration.
    pub config: Config,
    /// Its seeds.
    pub seeds: Vec<Addr>,
    /// Its next deadline.
    pub deadline: Option<Instant>,
    /// The network.
    pub net: Net,
    /// The cluster.
    pub c: ClusterState,
    /// The orchestrator.
    pub ops: Ops,
    /// What really happened.
    pub model: Model,
    /// The workload.
    pub work: Workload,
    /// Per-step check state.
    pub checks: Checks,
    /// The trace.
    pub trace: Trace,
    /// The first invariant violation.
    pub failure: Option<String>,
    /// The phase.
    pub phase: Phase,
    /// Counters.
    pub stats: Stats,
    /// How it is driven.
    pub driver: Driver,
    /// The send time of the bytes being processed by a node.
    pub cur_sent: Instant,
    /// When set, a copy of every client event (for live views such as `keyslot demo`).
    pub tap: Option<Vec<Event>>,
    /// The pub/sub scenario, in runs that enable it ([`World::enable_pubsub`]).
    pub pubsub: Option<Box<super::pubsub_check::PubSubSim>>,
    /// The blocking scenario, in runs that enable it ([`World::enable_blocking`]).
    pub blocking: Option<Box<super::blocking_check::BlockingSim>>,
    /// The client-side cache scenario, in runs whose profile asks for it
    /// ([`super::cache_check`]).
    pub cache: Option<Box<super::cache_check::CacheWatch>>,
    /// Each node's script cache (see [`super::script_server`]).
    pub scripts: std::collections::BTreeMap<NodeId, std::collections::BTreeSet<Bytes>>,
    /// When an operator last flushed each node's script cache.
    pub scripts_flushed_at: std::collections::BTreeMap<NodeId, Instant>,
    same_instant_steps: u64,
    /// Requests a scripted run's quiet phase has submitted (see [`SCRIPTED_PROBES`]).
    probes: usize,
    /// The true view's version and the client's slot-map generation when the quiet phase
    /// last compared the two maps.
    convergence_compared: Option<(u64, u64)>,
}

/// Cut 16384 slots into `runs` runs and give every shard at least one.
fn layout(shards: usize, runs: usize, rng: &mut Rng) -> Vec<u16> {
    let runs = runs.clamp(shards.max(1), 16384);
    let mut cuts: Vec<usize> = Vec::new();
    while cuts.len() + 1 < runs {
        let c = rng.range(1, 16383) as usize;
        if !cuts.contains(&c) {
            cuts.push(c);
        }
    }
    cuts.sort_unstable();
    let mut owners: Vec<u16> = (0..runs).map(|i| (i % shards) as u16).collect();
    rng.shuffle(&mut owners);
    let mut table = vec![NO_SHARD; 16384];
    let mut start = 0;
    for (i, &end) in cuts.iter().chain(std::iter::once(&16384)).enumerate() {
        for t in &mut table[start..end] {
            *t = owners[i];
        }
        start = end;
    }
    table
}

impl World {
    /// A run of `profile` decided by `seed`.
    pub fn new(seed: u64, profile: Profile, driver: Driver) -> World {
        let mut root = Rng::new(seed);
        let rng_net = root.fork();
        let mut rng_work = root.fork();
        let mut rng_fault = root.fork();
        let rng_cluster = root.fork();
        let mut rng_layout = root.fork();
        let mut profile = profile;
        if profile.seeds == Seeds::ConfigEndpoint {
            profile.distinct_ports = false;
        }
        let owner = layout(profile.shards, profile.slot_runs, &mut rng_layout);
        let c = ClusterState::new(
            profile.shards,
            profile.replicas,
            owner,
            profile.endpoints,
            profile.distinct_ports,
            seed,
            START,
        );
        let mut w = World {
            seed,
            now: START,
            sched: Scheduler::default(),
            rng_net,
            rng_work: rng_work.fork(),
            rng_fault: rng_fault.fork(),
            rng_cancel: Rng::new(seed ^ super::cancel::CANCEL_SALT),
            rng_cluster,
            client: Cluster::new(Config::default(), Vec::new(), START),
            config: Config::default(),
            seeds: Vec::new(),
            deadline: None,
            net: Net::default(),
            c,
            ops: Ops::default(),
            model: Model::default(),
            work: Workload::new(profile.tags, &mut rng_work),
            checks: Checks::default(),
            trace: Trace::default(),
            failure: None,
            phase: Phase::Faults,
            stats: Stats::default(),
            driver,
            cur_sent: START,
            tap: None,
            pubsub: None,
            blocking: None,
            cache: None,
            scripts: Default::default(),
            scripts_flushed_at: Default::default(),
            same_instant_steps: 0,
            probes: 0,
            convergence_compared: None,
            profile,
        };
        w.seeds = w.pick_seeds(&mut rng_layout);
        w.config = Config {
            protocol: if w.profile.resp3 {
                Protocol::Resp3
            } else {
                Protocol::Resp2
            },
            password: w.profile.auth.then(|| PASSWORD.to_string()),
            client_name: w.profile.client_name.then(|| "keyslot-sim".to_string()),
            rng_seed: seed,
            read_from: w.profile.read_from,
            ..Config::default()
        };
        if w.profile.cache {
            w.config.cache = Some(super::cache_check::cache_config(seed));
            w.cache = Some(Box::default());
            w.work.read_bias = super::cache_check::READ_BIAS;
        }
        w.client = Cluster::new(w.config.clone(), w.seeds.clone(), START);
        w.refresh_shadow();
        w.rotate_dns();
        w.drain();
        if driver == Driver::Random {
            w.sched.after(START, us(1), Ev::Submit);
            w.schedule_faults();
            let end = START + Duration::from_secs(w.profile.fault_secs);
            w.sched.at(end, Ev::FaultsEnd);
        }
        w
    }

    fn pick_seeds(&self, rng: &mut Rng) -> Vec<Addr> {
        match self.profile.seeds {
            Seeds::ConfigEndpoint => vec![Addr::new(CONFIG_HOST, 6379)],
            Seeds::Nodes(k) => {
                let mut nodes: Vec<NodeId> = (0..self.c.nodes.len()).collect();
                rng.shuffle(&mut nodes);
                nodes.truncate(k.max(1));
                nodes
                    .into_iter()
                    .map(|n| {
                        let ident = &self.c.nodes[n].ident;
                        match self.profile.endpoints {
                            Endpoints::Hostname => Addr::new(ident.hostname.clone(), ident.port),
                            _ => Addr::new(ident.ip.clone(), ident.port),
                        }
                    })
                    .collect()
            }
        }
    }

    /// Record the first invariant violation.
    pub fn violation(&mut self, what: String) {
        if self.failure.is_none() {
            self.failure = Some(format!("at {}us: {what}", self.now.as_micros()));
        }
    }

    /// A line for the failure report.
    pub fn trace_note(&mut self, line: String) {
        self.trace.mix(line.as_bytes());
        self.trace.note(self.now, Line::Text(line));
    }

    /// Hash an I/O step.
    pub fn trace_io(&mut self, kind: u8, conn: u64, len: usize) {
        self.trace.mix(&[kind]);
        self.trace.mix_u64(conn);
        self.trace.mix_u64(len as u64);
    }

    /// Hash and note a submission.
    pub fn trace_submit(&mut self, id: u64, kind: &Kind) {
        self.trace.mix_u64(id);
        if self.trace.keep_ring {
            self.trace.note(self.now, Line::Submit(id, kind.clone()));
        }
    }

    /// When the cluster went quiet (microseconds), or now.
    pub fn quiet_since_us(&self) -> u64 {
        self.stats.quiet_at.unwrap_or(self.now).as_micros()
    }

    /// A request's reply, of either shape, into the trace and the checks.
    fn on_output_reply(&mut self, id: keyslot_core::cluster::RequestId, reply: Reply) {
        let id = id.as_u64();
        self.trace.mix_u64(id);
        self.trace.mix_reply(&reply);
        if self.trace.keep_ring {
            self.trace.note(self.now, Line::Reply(id, reply.clone()));
        }
        self.on_reply(id, reply);
    }

    /// Drain the client's outputs until it reports its next deadline.
    pub fn drain(&mut self) {
        loop {
            match self.client.poll_output() {
                Output::Timeout(at) => {
                    self.deadline = at;
                    break;
                }
                Output::Connect { conn, addr } => {
                    self.trace.mix_u64(conn.as_u64());
                    self.trace.mix(addr.host.as_bytes());
                    self.trace.note(self.now, Line::Connect(conn, addr.clone()));
                    self.net_connect(conn, addr);
                }
                Output::Transmit { conn } => self.client_write(conn.as_u64()),
                Output::Close { conn } => {
                    self.trace.mix_u64(conn.as_u64());
                    self.trace.note(self.now, Line::Close(conn));
                    self.client_close(conn.as_u64());
                }
                Output::Reply { id, reply, .. } => self.on_output_reply(id, Reply::Single(reply)),
                Output::PipelineReply { id, results, .. } => {
                    self.on_output_reply(id, Reply::Pipeline(results))
                }
                // Only pub/sub runs subscribe.
                Output::PubSub { item, .. } => self.on_pubsub_output(item),
                // The simulated clients' credentials never rotate.
                Output::NeedCredentials => {}
                // The workload starts at once; requests wait for the first view.
                Output::Ready(_) => {}
                Output::Event(e) => {
                    self.trace.mix_event(&e);
                    if self.trace.keep_ring {
                        self.trace.note(self.now, Line::Event(e.clone()));
                    }
                    if let Some(tap) = &mut self.tap {
                        tap.push(e.clone());
                    }
                    self.checks.step_events.push(e);
                }
            }
        }
    }

    /// Apply one event.
    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::ConnectDone { conn, refused } => self.on_connect_done(conn, refused),
            Ev::ToServer { conn, bytes, sent } => {
                self.trace_io(b's', conn, bytes.len());
                self.server_input(conn, bytes, sent);
            }
            Ev::ToClient { conn, bytes } => self.on_to_client(conn, bytes),
            Ev::ClientWritable { conn } => self.on_client_writable(conn),
            Ev::ClientClosed { conn } => self.on_client_closed(conn),
            Ev::ServerClosed { conn } => self.on_server_closed(conn),
            Ev::Gossip { node, view } => self.on_gossip(node, view),
            Ev::Replicate { node, epoch, upto } => self.on_replicate(node, epoch, upto),
            Ev::Expire { key } => self.on_expire(key),
            Ev::Suspect { node, incident } => self.on_suspect(node, incident),
            Ev::Election {
                shard,
                node,
                incident,
            } => self.on_election(shard, node, incident),
            Ev::Loaded { node } => self.on_loaded(node),
            Ev::Op(op) => self.on_op(op),
            Ev::Submit => self.on_submit_tick(),
            Ev::FaultsEnd => {
                self.trace_note("faults end".into());
                self.phase = Phase::Settling;
                self.net.partitions.clear();
                self.rotate_dns();
            }
            Ev::LiveMap => self.on_live_map(),
            Ev::Publish => self.on_publish(),
            Ev::BlockingTick => self.on_blocking_tick(),
            Ev::Blocked { conn, gen, wake } => self.on_blocked_wake(conn, gen, wake),
            Ev::Cancel { id } => self.on_cancel(id),
        }
    }

    fn on_submit_tick(&mut self) {
        if self.driver == Driver::Scripted {
            return self.on_scripted_submit_tick();
        }
        let gap = match self.phase {
            Phase::Faults | Phase::Settling => self.rng_work.exp(self.profile.submit_every_us),
            Phase::Quiet => self.rng_work.exp(QUIET_SUBMIT_EVERY_US),
            Phase::Draining | Phase::Done => return,
        };
        let must = self.must_succeed_now();
        self.submit_random(must);
        self.sched.after(self.now, us(gap), Ev::Submit);
    }

    /// The workload after a script (the fuzz target): its liveness checks, and little else.
    /// While the cluster settles, a request every [`QUIET_SUBMIT_EVERY_US`]; once quiet,
    /// nothing until [`LIVE_OPS_AFTER`], then [`SCRIPTED_PROBES`] requests that must
    /// succeed, and nothing more: the slot map check at [`LIVE_MAP_AFTER`] needs no
    /// traffic, and idle virtual time costs no steps. A seeded run keeps its workload going
    /// throughout; a scripted one got its load from the script, and spending an input's
    /// time on the same minute of quiet traffic each time is what made fuzzing slow.
    fn on_scripted_submit_tick(&mut self) {
        let quiet_at = self.stats.quiet_at.unwrap_or(self.now);
        match self.phase {
            Phase::Faults | Phase::Settling => self.submit_random(false),
            Phase::Quiet if self.now < quiet_at + LIVE_OPS_AFTER => {
                self.sched.at(quiet_at + LIVE_OPS_AFTER, Ev::Submit);
                return;
            }
            Phase::Quiet => {
                let before = self.work.submitted;
                self.submit_random(self.must_succeed_now());
                self.probes += usize::from(self.work.submitted > before);
                if self.probes >= SCRIPTED_PROBES {
                    return;
                }
            }
            Phase::Draining | Phase::Done => return,
        }
        self.sched
            .after(self.now, us(QUIET_SUBMIT_EVERY_US), Ev::Submit);
    }

    /// A scripted run's quiet phase has shown what it must: its probes all succeeded, and
    /// the client's slot map equals the truth (as of the last event that could change it;
    /// the truth no longer changes). It need not sit out the rest of [`LIVE_MAP_AFTER`]:
    /// that bound is for a map that is still wrong (a slot no command touches is fixed by
    /// the periodic rediscovery), and the seeded runs wait it out every time.
    fn scripted_tail_done(&self) -> bool {
        self.driver == Driver::Scripted
            && self.probes >= SCRIPTED_PROBES
            && self.work.pending.is_empty()
            && self.stats.converge_us.is_some()
    }

    /// A request submitted now must succeed: the cluster has been quiet long enough.
    pub fn must_succeed_now(&self) -> bool {
        self.phase == Phase::Quiet
            && self
                .stats
                .quiet_at
                .is_some_and(|q| self.now >= q + LIVE_OPS_AFTER)
            && !self.client_stranded()
    }

    /// True when no address the client may connect to is a node of the cluster any more:
    /// every seed and every node of the client's view left (scale-in took them all before a
    /// view listed their successors). Credentials go only to seeds and listed nodes
    /// (`core/src/cluster/membership.rs`), so such a client stays cut off by design, and no
    /// request can be required to succeed (simulator seed 27482: CLUSTER SLOTS views, which
    /// leave out slotless nodes, and a drain removed the last known shard 2 ms after its
    /// handover to a new one).
    pub fn client_stranded(&self) -> bool {
        let mut may_ask: Vec<Addr> = self.seeds.clone();
        if let Some(t) = self.client.topology() {
            may_ask.extend(t.nodes().map(|n| n.addr.clone()));
        }
        !(0..self.c.nodes.len()).any(|n| {
            let node = &self.c.nodes[n];
            let member = node.life != super::cluster::Life::Removed
                && self
                    .c
                    .latest
                    .shards
                    .get(node.shard)
                    .is_some_and(|s| s.listed);
            member && may_ask.contains(&self.client_addr_of(n))
        })
    }

    /// Nothing in progress and every node up, reachable and current.
    pub fn cluster_quiet(&self) -> bool {
        if self.ops.active > 0 || self.c.gossip_in_flight > 0 {
            return false;
        }
        let latest = self.c.latest.version;
        self.c.latest.shards.iter().enumerate().all(|(i, s)| {
            !s.listed
                || self.c.shards[i].removed
                || std::iter::once(s.primary)
                    .chain(s.replicas.iter().copied())
                    .all(|n| {
                        let node = &self.c.nodes[n];
                        node.reachable()
                            && node.loading_until <= self.now
                            && node.view.version == latest
                            && !node.cluster_fail
                    })
        }) && !self.c.latest.degraded
    }

    /// Why the cluster is not quiet (for the settle failure).
    pub fn quiet_blockers(&self) -> String {
        let mut why = vec![format!(
            "ops {}, gossip {}, degraded {}, migrations pending {:?}, fault-busy shards {:?}",
            self.ops.active,
            self.c.gossip_in_flight,
            self.c.latest.degraded,
            self.ops.mig_busy(),
            self.ops.fault_busy
        )];
        for &(a, b, sh) in self.c.latest.runs() {
            let bad = match self.c.latest.shards.get(usize::from(sh)) {
                None => true,
                Some(s) => {
                    !s.listed
                        || self.c.latest.health.get(s.primary)
                            != Some(&super::cluster::Health::Online)
                }
            };
            if bad {
                why.push(format!("slots {a}-{b} owned by shard {sh}"));
            }
        }
        for (i, s) in self.c.latest.shards.iter().enumerate() {
            if !s.listed || self.c.shards[i].removed {
                continue;
            }
            for n in std::iter::once(s.primary).chain(s.replicas.iter().copied()) {
                let node = &self.c.nodes[n];
                if !node.reachable()
                    || node.loading_until > self.now
                    || node.view.version != self.c.latest.version
                    || node.cluster_fail
                {
                    why.push(format!(
                        "n{n} (shard {i}): life {:?} frozen {} isolated {} cluster_fail {} view v{} of v{} health {:?}",
                        node.life,
                        node.frozen,
                        node.isolated,
                        node.cluster_fail,
                        node.view.version,
                        self.c.latest.version,
                        self.c.latest.health.get(n)
                    ));
                }
            }
            if self.c.latest.health.get(s.primary) != Some(&super::cluster::Health::Online) {
                why.push(format!(
                    "shard {i} primary n{} health {:?}",
                    s.primary,
                    self.c.latest.health.get(s.primary)
                ));
            }
        }
        why.join("; ")
    }

    fn on_live_map(&mut self) {
        let wrong = self.slot_map_mismatches();
        if !wrong.is_empty() && !self.client_stranded() {
            self.violation(format!(
                "{}s after the cluster went quiet the client's slot map still differs from the \
                 truth (slot, true owner, client's owner): {wrong:?}",
                LIVE_MAP_AFTER.as_micros() / 1_000_000
            ));
        }
        self.phase = Phase::Draining;
    }

    /// Track when the map first equals the truth during the quiet phase.
    fn note_convergence(&mut self) {
        if self.phase != Phase::Quiet {
            return;
        }
        // Compared again only when the truth or the client's map changed since.
        let sides = (self.c.latest.version, self.client.slot_map_generation());
        if self.convergence_compared == Some(sides) {
            return;
        }
        self.convergence_compared = Some(sides);
        if self.slot_map_mismatches().is_empty() {
            if self.stats.converge_us.is_none() {
                let q = self.stats.quiet_at.unwrap_or(self.now);
                self.stats.converge_us = Some((self.now - q).as_micros());
            }
        } else {
            self.stats.converge_us = None;
        }
    }

    /// One step. Returns false when nothing is left to happen.
    pub fn step(&mut self) -> bool {
        let ev_at = self.sched.next_at();
        let (at, client) = match (ev_at, self.deadline) {
            (None, None) => return false,
            (Some(e), None) => (e, false),
            (None, Some(c)) => (c, true),
            (Some(e), Some(c)) => {
                if c < e {
                    (c, true)
                } else {
                    (e, false)
                }
            }
        };
        let at = at.max(self.now);
        if at == self.now {
            self.same_instant_steps += 1;
            if self.same_instant_steps > 500_000 {
                self.violation("livelock: 500000 steps without time passing".into());
            }
        } else {
            self.same_instant_steps = 0;
        }
        self.now = at;
        self.trace.steps += 1;
        self.trace.mix_u64(at.as_micros());
        if client {
            self.deadline = None;
            self.trace.mix(b"T");
            self.client.handle_timeout(at);
            self.drain();
        } else if let Some((_, ev)) = self.sched.pop() {
            self.handle(ev);
        }
        let map_events = self.checks.step_events.iter().any(|e| {
            matches!(
                e,
                Event::TopologyChanged { .. }
                    | Event::RefreshFinished { .. }
                    | Event::Redirected { ask: false, .. }
            )
        });
        self.check_step();
        if map_events {
            self.note_convergence();
        }
        self.advance_phase();
        true
    }

    fn advance_phase(&mut self) {
        match self.phase {
            Phase::Settling => {
                if self.cluster_quiet() {
                    self.phase = Phase::Quiet;
                    self.stats.quiet_at = Some(self.now);
                    self.trace_note("cluster quiet".into());
                    self.sched.after(self.now, LIVE_MAP_AFTER, Ev::LiveMap);
                    self.note_convergence();
                } else if self.now
                    > START + Duration::from_secs(self.profile.fault_secs) + SETTLE_LIMIT
                {
                    let why = self.quiet_blockers();
                    self.violation(format!("the simulated cluster did not settle: {why}"));
                }
            }
            Phase::Quiet if self.scripted_tail_done() => self.on_live_map(),
            Phase::Draining if self.work.pending.is_empty() => {
                self.phase = Phase::Done;
                self.check_end();
            }
            _ => {}
        }
        // Executions older than any open request can no longer be matched.
        if self.trace.steps % 4096 == 0 {
            let oldest = self.work.by_time.first().map_or(self.now, |&(at, _)| at);
            let keep = Instant::from_micros(oldest.as_micros().saturating_sub(1_000_000));
            self.model.prune(keep);
        }
    }

    /// Run to the end or the first violation.
    pub fn run(&mut self) {
        self.run_stepping(|_| {});
    }

    /// [`World::run`], calling `after_step` after every step (a scenario's own checks).
    pub fn run_stepping(&mut self, mut after_step: impl FnMut(&mut World)) {
        while self.phase != Phase::Done && self.failure.is_none() {
            if !self.step() {
                if self.phase != Phase::Done {
                    self.violation(format!("nothing left to happen in phase {:?}", self.phase));
                }
                break;
            }
            after_step(self);
        }
    }

    /// Run until `t` (or a violation).
    pub fn run_until(&mut self, t: Instant) {
        while self.failure.is_none() {
            let next = match (self.sched.next_at(), self.deadline) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) | (None, Some(a)) => a,
                (None, None) => break,
            };
            if next > t {
                break;
            }
            self.step();
        }
        self.now = self.now.max(t);
    }

    /// Milliseconds as a duration (shorthand for the ops module).
    pub fn ms(v: u64) -> Duration {
        ms(v)
    }
}
