//! Every knob of the cluster machine, with defaults a production client can start from.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::resp::{Limits, Protocol};
use crate::time::Duration;
use crate::topology::Addr;

/// Where read-only commands go.
///
/// Only commands the server flags read-only move off the primary; writes, transactions and
/// unknown commands always go to it. Replicas are used only when the latest topology lists
/// them online (not loading, not failed) and, with [`Config::max_replica_lag`], not too far
/// behind; a replica that answers LOADING or MASTERDOWN is set aside for a backoff. When no
/// replica qualifies, reads go to the primary. Replica connections send `READONLY` in their
/// handshake. A replica may lag its primary: a read there can miss a write just acknowledged.
///
/// ```
/// use keyslot_core::cluster::{Config, ReadFrom};
/// assert_eq!(Config::default().read_from, ReadFrom::Primary);
/// let config = Config {
///     read_from: ReadFrom::SameZone,
///     client_zone: Some("eu-west-1a".into()),
///     ..Config::default()
/// };
/// assert_eq!(config.read_from, ReadFrom::SameZone);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ReadFrom {
    /// Every command goes to the slot's primary (the default).
    #[default]
    Primary,
    /// A replica chosen at random per read; the primary when none qualifies.
    PreferReplica,
    /// The shard's replicas in turn; the primary when none qualifies.
    RoundRobinReplicas,
    /// The node (primary or replica) with the lowest measured reply time, learned from the
    /// reads themselves; nodes not yet measured are tried first, and one read in 32 goes to
    /// a random node so that the measurements stay fresh.
    LowestLatency,
    /// Replicas in [`Config::client_zone`] first (in turn), then the primary if it is in that
    /// zone, then any replica, then the primary. A node's zone comes from
    /// [`Config::node_zones`] or, failing that, from the `availability_zone` field of its
    /// `INFO SERVER` (Valkey 8 and managed services report it), asked once per node.
    SameZone,
}

/// Configuration of a [`Cluster`](super::Cluster).
///
/// ```
/// use keyslot_core::{time::Duration, Config};
/// let config = Config {
///     password: Some("s3cret".into()),
///     request_timeout: Duration::from_secs(2),
///     ..Config::default()
/// };
/// assert_eq!(config.max_redirects, 5); // the rest keeps its defaults
/// assert!(!format!("{config:?}").contains("s3cret")); // Debug hides the password
/// ```
#[derive(Clone)]
pub struct Config {
    /// ACL user name for `HELLO ... AUTH` / `AUTH` (default: none, i.e. `default`).
    pub username: Option<String>,
    /// Password; never printed by `Debug`.
    pub password: Option<String>,
    /// Credentials come from a rotating source the driver asks when the machine says
    /// [`Output::NeedCredentials`](super::Output::NeedCredentials), and are given with
    /// [`Cluster::set_credentials`](super::Cluster::set_credentials); handshakes wait for
    /// unexpired ones (default false: `username` and `password` hold for ever). See
    /// [`Credentials`](super::Credentials).
    pub credentials_from_source: bool,
    /// Report [`Event::Served`](super::Event::Served) for every command as it completes
    /// (which node answered, the slot, the redirects followed), for tracing (default false:
    /// no cost).
    pub report_served: bool,
    /// `CLIENT SETNAME` for every connection (default: none).
    pub client_name: Option<String>,
    /// `SELECT n` on every connection, in its handshake (Valkey 9+ clusters with
    /// `cluster-databases`; default: none, database 0).
    pub database: Option<u32>,
    /// RESP3 (default, via `HELLO 3`, falling back to RESP2 when the server lacks HELLO) or
    /// RESP2.
    pub protocol: Protocol,
    /// How long a request may take from submission to reply, redirects and retries included
    /// (default 5 s).
    pub request_timeout: Duration,
    /// How long a connection with replies outstanding may read nothing before its node is
    /// presumed stalled (a paused VM, a frozen process: sockets open and silent). A stalled
    /// node is left out of rediscoveries, which then run at the degraded interval until the
    /// cluster promotes a replica; its connection is closed once the cluster no longer lists
    /// it as a slot's primary. `None` (the default) derives it from the request timeout: a
    /// fifth of it, and at most 1 s (a cluster's own failure detection is often that quick:
    /// a `cluster-node-timeout` of 1.5 s promotes a replica about 2 s after a freeze).
    /// Blocking commands' waits do not count.
    pub stall_timeout: Option<Duration>,
    /// How long a connection may take to be established and through its handshake
    /// (default 2 s).
    pub connect_timeout: Duration,
    /// Redirects and retries per command before it fails with the trail (default 5).
    pub max_redirects: u32,
    /// First backoff after TRYAGAIN, LOADING, CLUSTERDOWN, MASTERDOWN or a failed connection
    /// (default 10 ms); doubles per attempt with jitter.
    pub retry_base: Duration,
    /// Longest backoff (default 320 ms).
    pub retry_max: Duration,
    /// Minimum spacing of topology rediscoveries while the cluster looks healthy (default 1 s):
    /// a storm of MOVED replies causes one rediscovery per interval, not one per reply.
    pub refresh_interval: Duration,
    /// Minimum spacing while the cluster looks degraded — a primary unreachable, slots
    /// uncovered (default 200 ms), so that a failover is picked up quickly.
    pub refresh_interval_degraded: Duration,
    /// How many nodes each rediscovery asks; the view most of them hold wins (default 3).
    pub refresh_fanout: usize,
    /// How long a rediscovery waits for the nodes it asked (default 1 s).
    pub refresh_timeout: Duration,
    /// A cheap periodic rediscovery, or `None` to turn it off (default 60 s).
    pub periodic_refresh: Option<Duration>,
    /// Where read-only commands go (default [`ReadFrom::Primary`]).
    pub read_from: ReadFrom,
    /// The client's availability zone, for [`ReadFrom::SameZone`] (default: none).
    pub client_zone: Option<String>,
    /// Zones of nodes by address, for servers that do not report their own (default: empty).
    pub node_zones: Vec<(Addr, String)>,
    /// Replicas whose replication offset (from `CLUSTER SHARDS`, refreshed with the topology)
    /// trails their primary's by more than this many bytes are not read from (default 1 MiB;
    /// `None` turns the check off).
    pub max_replica_lag: Option<u64>,
    /// Blocking commands (BLPOP, XREAD BLOCK, ...) run on connections of their own; this many
    /// idle ones are kept per node for the next (default 2).
    pub idle_blocking_connections: usize,
    /// Connections per node. One multiplexed connection carries every command to a node;
    /// this is fixed at 1 for now and kept here to document it.
    pub max_connections_per_node: usize,
    /// Decoder bounds on replies (depth, bulk and aggregate sizes, frame size).
    pub limits: Limits,
    /// Seed of the machine's random choices (replica choice, jitter, node spreading). The
    /// default is a constant, so that a run replays; machines sharing a seed make the same
    /// choices, so the keyslot adapters draw a fresh seed for each client unless one is given.
    pub rng_seed: u64,
    /// The driver wraps every connection in TLS, so nodes are reached on the TLS port that a
    /// topology reply gives (`CLUSTER SHARDS` lists a node's plain and TLS ports whatever
    /// the asking connection; `CLUSTER SLOTS` and MOVED already give the port of its kind).
    /// The keyslot adapters set it when TLS is on (default false).
    pub tls: bool,
    /// A client-side cache of read-only single-key commands' replies, kept correct by the
    /// servers' key tracking (default: none). Needs RESP3 ([`Config::protocol`]): on a
    /// connection that cannot track keys (a server without RESP3 or `CLIENT TRACKING`),
    /// nothing read is cached. See [`CacheConfig`](super::CacheConfig) for the bounds and `caching.rs` for what
    /// is cached and when it is dropped.
    ///
    /// A cached reply is never older than the last invalidation the client received for its
    /// key, and never outlives the connection it was read on, a move of its slot, or a change
    /// of its node's place in the cluster; this client's own writes drop what they change
    /// when they are submitted and again when their reply arrives.
    pub cache: Option<super::CacheConfig>,
}

impl Config {
    /// The stall timeout in force: [`Config::stall_timeout`], or a fifth of the request
    /// timeout, at most 1 s.
    ///
    /// ```
    /// use keyslot_core::{time::Duration, Config};
    /// assert_eq!(Config::default().effective_stall_timeout(), Duration::from_secs(1)); // capped
    /// let short = Config { request_timeout: Duration::from_secs(2), ..Config::default() };
    /// assert_eq!(short.effective_stall_timeout(), Duration::from_millis(400)); // a fifth
    /// let set = Config { stall_timeout: Some(Duration::from_secs(3)), ..Config::default() };
    /// assert_eq!(set.effective_stall_timeout(), Duration::from_secs(3));
    /// ```
    pub fn effective_stall_timeout(&self) -> Duration {
        self.stall_timeout.unwrap_or_else(|| {
            let fifth = self.request_timeout.as_micros() / 5;
            Duration::from_micros(fifth.min(1_000_000))
        })
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            username: None,
            password: None,
            credentials_from_source: false,
            report_served: false,
            client_name: None,
            database: None,
            protocol: Protocol::Resp3,
            request_timeout: Duration::from_secs(5),
            stall_timeout: None,
            connect_timeout: Duration::from_secs(2),
            max_redirects: 5,
            retry_base: Duration::from_millis(10),
            retry_max: Duration::from_millis(320),
            refresh_interval: Duration::from_secs(1),
            refresh_interval_degraded: Duration::from_millis(200),
            refresh_fanout: 3,
            refresh_timeout: Duration::from_secs(1),
            periodic_refresh: Some(Duration::from_secs(60)),
            read_from: ReadFrom::Primary,
            client_zone: None,
            node_zones: Vec::new(),
            max_replica_lag: Some(1 << 20),
            idle_blocking_connections: 2,
            max_connections_per_node: 1,
            limits: Limits::default(),
            rng_seed: 0x006b_6579_736c_6f74,
            tls: false,
            cache: None,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("credentials_from_source", &self.credentials_from_source)
            .field("report_served", &self.report_served)
            .field("client_name", &self.client_name)
            .field("database", &self.database)
            .field("protocol", &self.protocol)
            .field("request_timeout", &self.request_timeout)
            .field("stall_timeout", &self.stall_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_redirects", &self.max_redirects)
            .field("retry_base", &self.retry_base)
            .field("retry_max", &self.retry_max)
            .field("refresh_interval", &self.refresh_interval)
            .field("refresh_interval_degraded", &self.refresh_interval_degraded)
            .field("refresh_fanout", &self.refresh_fanout)
            .field("refresh_timeout", &self.refresh_timeout)
            .field("periodic_refresh", &self.periodic_refresh)
            .field("read_from", &self.read_from)
            .field("client_zone", &self.client_zone)
            .field("node_zones", &self.node_zones)
            .field("max_replica_lag", &self.max_replica_lag)
            .field("idle_blocking_connections", &self.idle_blocking_connections)
            .field("max_connections_per_node", &self.max_connections_per_node)
            .field("limits", &self.limits)
            .field("rng_seed", &self.rng_seed)
            .field("tls", &self.tls)
            .field("cache", &self.cache)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_password() {
        let c = Config {
            password: Some("hunter2".into()),
            ..Config::default()
        };
        let text = alloc::format!("{c:?}");
        assert!(!text.contains("hunter2"));
        assert!(text.contains("<redacted>"));
    }
}
