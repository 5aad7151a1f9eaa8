//! What a run looks like: the cluster's shape and which faults it suffers, drawn per seed.
//!
//! Swarm testing: instead of every run suffering every fault at a low rate, each seed turns
//! each kind of fault on or off at random and picks its own rates. Runs with few kinds of
//! faults reach deep into the states those faults make (a migration during a failover, a
//! partition during a scale-in) that an everything-at-once mix would mask.

use keyslot_core::cluster::ReadFrom;

use super::rng::Rng;

/// How nodes announce where they are (`cluster-preferred-endpoint-type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoints {
    /// Each node on its own IP (all on port 6379, or each on its own port).
    Ip,
    /// Each node has a hostname (`nN.sim.test`) resolved by the simulated DNS; a node whose
    /// hostname is not yet announced shows `?`.
    Hostname,
    /// `unknown-endpoint`: every node on 127.0.0.1 with its own port, endpoints empty or NULL
    /// ("the host you asked"), `MOVED <slot> :<port>`.
    SharedHost,
}

/// The socket window of a profile that does not shrink it: as much as real socket buffers
/// hold, far more than the workload ever has unread.
pub const CALM_SOCKET_WINDOW: usize = 4 << 20;

/// What the client is given to start from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seeds {
    /// The addresses of this many nodes.
    Nodes(usize),
    /// One DNS name (`clustercfg.sim.test`) that resolves to a rotating subset of nodes.
    ConfigEndpoint,
}

/// Which server release the nodes behave as, where releases differ in what the client sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// Redis 7.0: SETSLOT migrations with ASK, a correct CLUSTER SHARDS.
    Redis70,
    /// Redis 7.4.1: after a failover, CLUSTER SHARDS lists the shard with no slots while its
    /// failed ex-primary is down (see [`super::shards_bug`]).
    Redis741,
    /// Valkey 9: slots migrate atomically (`CLUSTER MIGRATESLOTS`, see
    /// [`super::atomic_migration`]).
    Valkey9,
}

/// Everything a seed decides about its run.
#[derive(Clone, Debug)]
pub struct Profile {
    /// Shards at the start.
    pub shards: usize,
    /// Replicas per shard.
    pub replicas: usize,
    /// How many runs of slots the initial layout cuts 16384 slots into (at least `shards`).
    pub slot_runs: usize,
    /// Endpoint announcement.
    pub endpoints: Endpoints,
    /// Nodes use distinct ports even on distinct IPs.
    pub distinct_ports: bool,
    /// What the client starts from.
    pub seeds: Seeds,
    /// RESP3 (HELLO 3) or RESP2.
    pub resp3: bool,
    /// The cluster requires a password (the client is configured with it).
    pub auth: bool,
    /// The client sets a connection name.
    pub client_name: bool,
    /// Servers predating Redis 7: no HELLO, no CLUSTER SHARDS.
    pub legacy: bool,
    /// `cluster-require-full-coverage yes`: a failed shard makes every node answer CLUSTERDOWN.
    pub full_coverage: bool,
    /// A demoted primary answers writes with READONLY (as managed services do for a while)
    /// instead of MOVED.
    pub readonly_errors: bool,

    /// Per-connection one-way latency range in microseconds.
    pub latency_us: (u64, u64),
    /// Extra random delay per delivery, microseconds.
    pub jitter_us: u64,
    /// Bytes arrive in random pieces.
    pub split_bytes: bool,
    /// Writes are acknowledged in random parts.
    pub partial_writes: bool,
    /// Mean gap between connection resets (ms), if any.
    pub resets_ms: Option<u64>,
    /// Chance that a connect is refused outright.
    pub refuse_chance: f64,
    /// Client-to-node partitions.
    pub partitions: bool,
    /// The configuration endpoint's answer rotates over time.
    pub dns_rotation: bool,
    /// DNS keeps handing out removed nodes' addresses for a while.
    pub dns_stale: bool,
    /// DNS hands out an address that accepts connections and never answers.
    pub dns_black_hole: bool,
    /// Hostnames of new or restarted nodes are announced late (`?` meanwhile).
    pub late_hostnames: bool,

    /// Primary crashes (failover with possible loss of unreplicated writes).
    pub crashes: bool,
    /// Manual (graceful) failovers.
    pub graceful_failovers: bool,
    /// A primary cut off from the rest of the cluster (keeps serving until it notices).
    pub isolations: bool,
    /// Nodes that stop (SIGSTOP) and resume.
    pub freezes: bool,
    /// Slot migrations between shards.
    pub migrations: bool,
    /// Shards added.
    pub scale_out: bool,
    /// Shards removed.
    pub scale_in: bool,
    /// Replicas restarting and loading their data set.
    pub loading: bool,
    /// Mean gap between cluster operations (ms).
    pub op_every_ms: u64,
    /// How long the cluster takes to mark an unreachable node failed (ms).
    pub node_timeout_ms: u64,
    /// Longest delay before a node hears of a configuration change (ms).
    pub gossip_max_ms: u64,
    /// Replication delay range (microseconds).
    pub repl_lag_us: (u64, u64),

    /// Virtual seconds of faults before the quiet phase.
    pub fault_secs: u64,
    /// Hash tags the workload's keys use.
    pub tags: usize,
    /// Mean gap between submissions (microseconds).
    pub submit_every_us: u64,
    /// Most requests outstanding at once.
    pub max_outstanding: usize,
    /// Where the client sends reads: replicas (after READONLY) may serve stale values, which
    /// the checker accepts from a replica only.
    pub read_from: ReadFrom,

    /// Bytes a connection holds between the client's socket and the server's reads (the
    /// two socket buffers and the wire): once that many are written and not yet read by the
    /// node, the client's writes stall until the node reads. A frozen node reads nothing, so
    /// later commands stay in the client's buffer, where a deadline or a cancellation can
    /// still take them back.
    pub socket_window: usize,
    /// Chance that a request's caller gives up on it (cancels) at some point before its reply
    /// (see [`super::cancel`]).
    pub cancel_chance: f64,
    /// Chance that a request gets a deadline of its own, shorter than the request timeout.
    pub own_deadline_chance: f64,
    /// The server release the nodes behave as.
    pub flavour: Flavour,
    /// The client keeps a client-side cache and the nodes track keys (never drawn: the
    /// cache scenario sets it, see [`super::cache_check`]).
    pub cache: bool,
}

impl Profile {
    /// Draw a profile: each fault kind on or off by a coin, rates at random.
    pub fn draw(rng: &mut Rng) -> Profile {
        let endpoints = match rng.below(5) {
            0 | 1 => Endpoints::Ip,
            2 | 3 => Endpoints::Hostname,
            _ => Endpoints::SharedHost,
        };
        let seeds = if endpoints != Endpoints::SharedHost && rng.coin() {
            Seeds::ConfigEndpoint
        } else {
            Seeds::Nodes(rng.range(1, 3) as usize)
        };
        let shards = rng.range(1, 5) as usize;
        let latency_lo = rng.range(20, 2_000);
        let resets_ms = rng.chance(0.35).then(|| rng.range(200, 5_000));
        Profile {
            shards,
            replicas: rng.range(0, 2) as usize,
            slot_runs: if rng.coin() {
                shards
            } else {
                shards + rng.range(0, 300) as usize
            },
            endpoints,
            distinct_ports: rng.coin(),
            seeds,
            resp3: rng.chance(0.7),
            auth: rng.chance(0.3),
            client_name: rng.coin(),
            legacy: rng.chance(0.1),
            full_coverage: rng.coin(),
            readonly_errors: rng.chance(0.3),
            latency_us: (latency_lo, latency_lo + rng.range(0, 3_000)),
            jitter_us: if rng.coin() { rng.range(0, 2_000) } else { 0 },
            split_bytes: rng.chance(0.6),
            partial_writes: rng.chance(0.4),
            resets_ms,
            refuse_chance: if rng.chance(0.3) {
                0.05 + rng.below(20) as f64 / 100.0
            } else {
                0.0
            },
            partitions: rng.chance(0.3),
            dns_rotation: rng.coin(),
            dns_stale: rng.chance(0.3),
            dns_black_hole: rng.chance(0.2),
            late_hostnames: rng.chance(0.4),
            crashes: rng.coin(),
            graceful_failovers: rng.coin(),
            isolations: rng.chance(0.35),
            freezes: rng.chance(0.35),
            migrations: rng.chance(0.7),
            scale_out: rng.chance(0.35),
            scale_in: rng.chance(0.35),
            loading: rng.chance(0.3),
            op_every_ms: rng.range(300, 4_000),
            node_timeout_ms: rng.range(300, 3_000),
            gossip_max_ms: rng.range(1, 1_500),
            repl_lag_us: {
                let lo = rng.range(50, 5_000);
                (
                    lo,
                    lo + if rng.chance(0.3) {
                        rng.range(0, 400_000)
                    } else {
                        rng.range(0, 20_000)
                    },
                )
            },
            fault_secs: rng.range(5, 40),
            tags: rng.range(3, 16) as usize,
            submit_every_us: rng.range(1_000, 20_000),
            max_outstanding: rng.range(1, 48) as usize,
            // Drawn last, so that adding it changed no other field of any seed's profile.
            read_from: match rng.below(8) {
                0 => ReadFrom::PreferReplica,
                1 => ReadFrom::RoundRobinReplicas,
                2 => ReadFrom::LowestLatency,
                3 => ReadFrom::SameZone,
                _ => ReadFrom::Primary,
            },
            // Drawn after everything else, for the same reason.
            // Small enough, when small, that a few commands fill it: the workload has at
            // most a few kilobytes outstanding.
            socket_window: if rng.coin() {
                rng.range(40, 1_500) as usize
            } else {
                CALM_SOCKET_WINDOW
            },
            cancel_chance: if rng.coin() {
                rng.range(2, 30) as f64 / 100.0
            } else {
                0.0
            },
            own_deadline_chance: if rng.coin() {
                rng.range(2, 30) as f64 / 100.0
            } else {
                0.0
            },
            flavour: match rng.below(10) {
                0 | 1 => Flavour::Redis741,
                2..=4 => Flavour::Valkey9,
                _ => Flavour::Redis70,
            },
            cache: false,
        }
    }

    /// A healthy cluster with no faults at all: for examples and baselines.
    pub fn calm() -> Profile {
        Profile {
            shards: 3,
            replicas: 1,
            slot_runs: 3,
            endpoints: Endpoints::Ip,
            distinct_ports: false,
            seeds: Seeds::Nodes(1),
            resp3: true,
            auth: false,
            client_name: false,
            legacy: false,
            full_coverage: true,
            readonly_errors: false,
            latency_us: (100, 300),
            jitter_us: 0,
            split_bytes: false,
            partial_writes: false,
            resets_ms: None,
            refuse_chance: 0.0,
            partitions: false,
            dns_rotation: false,
            dns_stale: false,
            dns_black_hole: false,
            late_hostnames: false,
            crashes: false,
            graceful_failovers: false,
            isolations: false,
            freezes: false,
            migrations: false,
            scale_out: false,
            scale_in: false,
            loading: false,
            op_every_ms: 1_000,
            node_timeout_ms: 1_000,
            gossip_max_ms: 100,
            repl_lag_us: (100, 1_000),
            fault_secs: 5,
            tags: 6,
            submit_every_us: 2_000,
            max_outstanding: 16,
            read_from: ReadFrom::Primary,
            socket_window: CALM_SOCKET_WINDOW,
            cancel_chance: 0.0,
            own_deadline_chance: 0.0,
            flavour: Flavour::Redis70,
            cache: false,
        }
    }

    /// Whether any cluster operation kind is on.
    pub fn any_ops(&self) -> bool {
        self.crashes
            || self.graceful_failovers
            || self.isolations
            || self.freezes
            || self.migrations
            || self.scale_out
            || self.scale_in
            || self.loading
            || self.partitions
    }

    /// A one-line summary of the faults that are on, for reports.
    pub fn summary(&self) -> String {
        let mut on = Vec::new();
        let flags = [
            (self.crashes, "crash"),
            (self.graceful_failovers, "failover"),
            (self.isolations, "isolate"),
            (self.freezes, "freeze"),
            (self.migrations, "migrate"),
            (self.scale_out, "scale-out"),
            (self.scale_in, "scale-in"),
            (self.loading, "loading"),
            (self.partitions, "partition"),
            (self.resets_ms.is_some(), "resets"),
            (self.refuse_chance > 0.0, "refuse"),
            (self.split_bytes, "split"),
            (self.partial_writes, "partial-writes"),
            (self.dns_rotation, "dns-rotation"),
            (self.dns_stale, "dns-stale"),
            (self.dns_black_hole, "dns-black-hole"),
            (self.late_hostnames, "late-hostnames"),
            (self.legacy, "legacy"),
            (self.readonly_errors, "readonly-errors"),
            (self.full_coverage, "full-coverage"),
            (self.auth, "auth"),
            (self.socket_window < CALM_SOCKET_WINDOW, "small-window"),
            (self.cancel_chance > 0.0, "cancels"),
            (self.own_deadline_chance > 0.0, "own-deadlines"),
        ];
        for (set, name) in flags {
            if set {
                on.push(name);
            }
        }
        format!(
            "{}x{} {:?} {:?} {}{} runs={} reads={:?} {:?} faults=[{}] {}s",
            self.shards,
            self.replicas + 1,
            self.endpoints,
            self.seeds,
            if self.resp3 { "resp3" } else { "resp2" },
            if self.cache { " cache" } else { "" },
            self.slot_runs,
            self.read_from,
            self.flavour,
            on.join(","),
            self.fault_secs
        )
    }
}
