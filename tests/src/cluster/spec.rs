//! [`ClusterSpec`]: what cluster to start — its shape and the server options under test.
//!
//! Every option maps to a handful of `redis-server` arguments (see `launch.rs`), chosen so a
//! test states the situation it needs ("hostname endpoints", "TLS", "a managed service's
//! same-port layout") rather than the directives that produce it.

use std::ffi::OsString;
use std::net::Ipv4Addr;
use std::time::Duration;

/// The default `cluster-node-timeout`: low, so a killed primary is replaced within seconds,
/// yet high enough that a busy 2-core machine does not make healthy nodes look dead.
pub const DEFAULT_NODE_TIMEOUT: Duration = Duration::from_millis(1500);

/// The first address of [`ClusterSpec::distinct_addresses`] (the layout of the checked-in
/// fixtures: 127.0.0.21, .22, ...).
pub const DISTINCT_ADDRESS_BASE: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 21);

/// What `cluster-preferred-endpoint-type` the nodes announce to clients.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Endpoint {
    /// `ip` (the server default): endpoints are IP addresses.
    #[default]
    Ip,
    /// `hostname`: endpoints are the announced hostnames (set [`ClusterSpec::hostnames`]).
    Hostname,
    /// `unknown-endpoint`: endpoints are NULL (CLUSTER SLOTS/SHARDS) or empty (MOVED),
    /// meaning "the address you asked".
    Unknown,
}

impl Endpoint {
    /// The directive's value.
    pub fn directive(self) -> &'static str {
        match self {
            Endpoint::Ip => "ip",
            Endpoint::Hostname => "hostname",
            Endpoint::Unknown => "unknown-endpoint",
        }
    }
}

/// Who clients (and replicas, and the harness) must authenticate as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    /// `requirepass` on the default user; replicas use `masterauth`.
    Password(String),
    /// An ACL user with every permission; the default user is switched off, so an
    /// unauthenticated connection can do nothing. Replicas use `masteruser` + `masterauth`.
    User {
        /// The user name.
        user: String,
        /// Its password.
        password: String,
    },
}

impl Auth {
    /// The user name, when not the default user.
    pub fn user(&self) -> Option<&str> {
        match self {
            Auth::Password(_) => None,
            Auth::User { user, .. } => Some(user),
        }
    }

    /// The password.
    pub fn password(&self) -> &str {
        match self {
            Auth::Password(password) | Auth::User { password, .. } => password,
        }
    }
}

/// TLS options (see [`ClusterSpec::tls`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TlsSpec {
    /// `tls-auth-clients yes`: clients must present a certificate signed by the test CA
    /// (see `RedisCluster::tls_client_cert`).
    pub require_client_certs: bool,
}

/// How node addresses are laid out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Layout {
    /// Every node on 127.0.0.1, each with ports of its own.
    #[default]
    SharedAddress,
    /// Node `i` on `base + i` (127.0.0.21, .22, ...), every node on the same ports: the
    /// shape of a managed service, where all nodes listen on 6379 behind different addresses.
    /// Linux routes all of 127.0.0.0/8 to the loopback interface, so no setup is needed.
    DistinctAddresses {
        /// The first node's address.
        base: Ipv4Addr,
    },
}

/// Announced hostname of node `i` (0-based, in start order; nodes added later continue the
/// count). A plain function so the spec stays `Clone` and `Debug`.
pub type HostnameFn = fn(usize) -> String;

/// The default hostnames: `node1.keyslot.test`, `node2.keyslot.test`, ... (`.test` is
/// reserved, so they can never resolve to a real machine by accident).
pub fn default_hostname(i: usize) -> String {
    format!("node{}.keyslot.test", i + 1)
}

/// What cluster to start. [`ClusterSpec::default`] is 3 primaries with 1 replica each, on
/// 127.0.0.1, plain TCP, no password, IP endpoints.
#[derive(Clone, Debug)]
pub struct ClusterSpec {
    pub(crate) primaries: usize,
    pub(crate) replicas_per_primary: usize,
    pub(crate) node_timeout: Duration,
    pub(crate) ready_timeout: Duration,
    pub(crate) extra_args: Vec<OsString>,
    pub(crate) hostnames: Option<HostnameFn>,
    pub(crate) endpoint: Endpoint,
    pub(crate) auth: Option<Auth>,
    pub(crate) tls: Option<TlsSpec>,
    pub(crate) layout: Layout,
}

impl Default for ClusterSpec {
    fn default() -> Self {
        ClusterSpec {
            primaries: 3,
            replicas_per_primary: 1,
            node_timeout: DEFAULT_NODE_TIMEOUT,
            ready_timeout: Duration::from_secs(30),
            extra_args: Vec::new(),
            hostnames: None,
            endpoint: Endpoint::Ip,
            auth: None,
            tls: None,
            layout: Layout::SharedAddress,
        }
    }
}

impl ClusterSpec {
    /// The default: 3 primaries + 3 replicas.
    pub fn new() -> Self {
        ClusterSpec::default()
    }

    /// `primaries` primaries (at least 1), each with `replicas` replicas.
    #[must_use]
    pub fn shape(mut self, primaries: usize, replicas: usize) -> Self {
        assert!(primaries >= 1, "a cluster needs at least one primary");
        self.primaries = primaries;
        self.replicas_per_primary = replicas;
        self
    }

    /// `cluster-node-timeout` (default [`DEFAULT_NODE_TIMEOUT`]). Failure detection takes
    /// about this long, and a replica's election adds 0.5-1.5 s.
    #[must_use]
    pub fn node_timeout(mut self, timeout: Duration) -> Self {
        self.node_timeout = timeout;
        self
    }

    /// How long start-up and every "wait until the cluster agrees" may take (default 30 s).
    #[must_use]
    pub fn ready_timeout(mut self, timeout: Duration) -> Self {
        self.ready_timeout = timeout;
        self
    }

    /// One more `redis-server` argument for every node, after the harness's own (so it
    /// overrides them): `.arg("--maxmemory").arg("64mb")`.
    #[must_use]
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.extra_args.push(arg.into());
        self
    }

    /// Announce `cluster-announce-hostname` [`default_hostname`]`(i)` on node `i`.
    #[must_use]
    pub fn hostnames(self) -> Self {
        self.hostnames_from(default_hostname)
    }

    /// Announce `cluster-announce-hostname name(i)` on node `i`.
    #[must_use]
    pub fn hostnames_from(mut self, name: HostnameFn) -> Self {
        self.hostnames = Some(name);
        self
    }

    /// `cluster-preferred-endpoint-type`. [`Endpoint::Hostname`] without hostnames turns on
    /// [`ClusterSpec::hostnames`].
    #[must_use]
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = endpoint;
        if endpoint == Endpoint::Hostname && self.hostnames.is_none() {
            self.hostnames = Some(default_hostname);
        }
        self
    }

    /// `requirepass` + `masterauth`.
    #[must_use]
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.auth = Some(Auth::Password(password.into()));
        self
    }

    /// An ACL user with all permissions (`+@all ~* &*`), the default user off, and
    /// `masteruser` + `masterauth` so replicas can replicate.
    #[must_use]
    pub fn acl_user(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.auth = Some(Auth::User {
            user: user.into(),
            password: password.into(),
        });
        self
    }

    /// TLS for clients, the cluster bus and replication (`tls-port`, `tls-cluster yes`,
    /// `tls-replication yes`), with certificates from a CA made for this cluster. Each node
    /// keeps a plain-TCP port too, for the harness's own commands; a TLS client is told the
    /// TLS ports in CLUSTER SLOTS / SHARDS and MOVED, a plain one the plain ports.
    #[must_use]
    pub fn tls(mut self) -> Self {
        self.tls = Some(TlsSpec::default());
        self
    }

    /// [`ClusterSpec::tls`] with `tls-auth-clients yes`.
    #[must_use]
    pub fn tls_with_client_certs(mut self) -> Self {
        self.tls = Some(TlsSpec {
            require_client_certs: true,
        });
        self
    }

    /// Node `i` on 127.0.0.(21 + i), every node on the same ports.
    #[must_use]
    pub fn distinct_addresses(self) -> Self {
        self.distinct_addresses_from(DISTINCT_ADDRESS_BASE)
    }

    /// Node `i` on `base + i`, every node on the same ports. `base` must be in 127.0.0.0/8.
    #[must_use]
    pub fn distinct_addresses_from(mut self, base: Ipv4Addr) -> Self {
        assert!(base.is_loopback(), "{base} is not a loopback address");
        self.layout = Layout::DistinctAddresses { base };
        self
    }

    /// How many nodes the cluster starts with.
    pub fn node_count(&self) -> usize {
        self.primaries * (1 + self.replicas_per_primary)
    }

    /// The number of primaries.
    pub fn primaries(&self) -> usize {
        self.primaries
    }

    /// The number of replicas of each primary.
    pub fn replicas_per_primary(&self) -> usize {
        self.replicas_per_primary
    }

    /// The configured `cluster-node-timeout`.
    pub fn configured_node_timeout(&self) -> Duration {
        self.node_timeout
    }

    /// The authentication option, if any.
    pub fn auth(&self) -> Option<&Auth> {
        self.auth.as_ref()
    }

    /// The TLS option, if any.
    pub fn tls_spec(&self) -> Option<TlsSpec> {
        self.tls
    }

    /// The address layout.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The endpoint type.
    pub fn endpoint_type(&self) -> Endpoint {
        self.endpoint
    }

    /// The hostname node `i` announces, if any.
    pub fn hostname(&self, i: usize) -> Option<String> {
        self.hostnames.map(|name| name(i))
    }

    /// The address node `i` binds.
    pub fn ip(&self, i: usize) -> Ipv4Addr {
        match self.layout {
            Layout::SharedAddress => Ipv4Addr::LOCALHOST,
            Layout::DistinctAddresses { base } => {
                let n = u32::from(base) + u32::try_from(i).expect("node index fits in u32");
                let ip = Ipv4Addr::from(n);
                assert!(ip.is_loopback(), "node {i} would be on {ip}, off loopback");
                ip
            }
        }
    }
}
