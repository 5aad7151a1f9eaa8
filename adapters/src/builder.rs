//! Every knob of the client, with the core's documented defaults.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use keyslot_core::cluster::{CacheConfig, Config, Error, Event, ReadFrom};
use keyslot_core::resp::{Limits, Protocol};
use keyslot_core::time::Instant;
use keyslot_core::topology::Addr;
use keyslot_core::Cluster;
use tokio::sync::mpsc;

use crate::client::Client;
use crate::driver::{Driver, DriverOptions, EventHook};
use crate::resolve::Resolve;
use crate::runtime::Runtime;
use crate::url::{parse_seed, Seed};

/// Builds a [`Client`]. Settings given in a seed URL (user, password, `rediss://`) apply unless
/// set here explicitly.
///
/// ```no_run
/// # async fn demo() -> Result<(), keyslot::Error> {
/// use std::time::Duration;
/// let client = keyslot::tokio::Client::builder(["redis://app:secret@10.0.0.1:6379"])
///     .client_name("billing")
///     .request_timeout(Duration::from_secs(2))
///     .connect()
///     .await?;
/// # let _ = client; Ok(()) }
/// ```
pub struct Builder<R> {
    seeds: Vec<String>,
    config: Config,
    /// The seed of the machine's random choices when one was given; otherwise each client
    /// draws its own (see `entropy.rs`).
    rng_seed: Option<u64>,
    resolver: Option<Arc<dyn Resolve>>,
    on_event: Option<EventHook>,
    credentials: Option<Arc<dyn crate::CredentialsProvider>>,
    max_pending_requests: usize,
    keepalive: Option<crate::runtime::Keepalive>,
    #[cfg(feature = "tls")]
    tls: crate::tls_config::TlsOptions,
    _runtime: PhantomData<fn() -> R>,
}

/// Requests one client may have submitted and not yet answered before `send` waits (see
/// [`Builder::max_pending_requests`]).
///
/// ```
/// assert_eq!(keyslot::DEFAULT_MAX_PENDING_REQUESTS, 16_384);
/// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
///     .max_pending_requests(2 * keyslot::DEFAULT_MAX_PENDING_REQUESTS);
/// ```
pub const DEFAULT_MAX_PENDING_REQUESTS: usize = 16_384;

/// What `Builder::prepare` makes of the settings.
struct Prepared {
    cluster: crate::driver::Machine,
    options: DriverOptions,
    /// The driver's clock origin.
    origin: std::time::Instant,
    spans: crate::trace::Spans,
}

fn micros(d: Duration) -> keyslot_core::time::Duration {
    keyslot_core::time::Duration::from(d)
}

impl<R: Runtime> Builder<R> {
    pub(crate) fn new<I, S>(seeds: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Builder {
            seeds: seeds.into_iter().map(|s| s.as_ref().to_string()).collect(),
            config: Config::default(),
            rng_seed: None,
            resolver: None,
            on_event: None,
            credentials: None,
            max_pending_requests: DEFAULT_MAX_PENDING_REQUESTS,
            keepalive: Some(crate::runtime::Keepalive::default()),
            #[cfg(feature = "tls")]
            tls: Default::default(),
            _runtime: PhantomData,
        }
    }

    /// ACL user name.
    ///
    /// ```
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .username("app")
    ///     .password("secret");
    /// ```
    pub fn username(mut self, user: impl Into<String>) -> Self {
        self.config.username = Some(user.into());
        self
    }
    /// Password (never printed).
    ///
    /// ```
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .password("secret");
    /// ```
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.config.password = Some(password.into());
        self
    }
    /// `CLIENT SETNAME` for every connection.
    ///
    /// ```
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .client_name("billing-worker");
    /// ```
    pub fn client_name(mut self, name: impl Into<String>) -> Self {
        self.config.client_name = Some(name.into());
        self
    }
    /// RESP3 (default) or RESP2.
    ///
    /// ```
    /// use keyslot::Protocol;
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .protocol(Protocol::Resp2);
    /// ```
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.config.protocol = protocol;
        self
    }
    /// The numbered database every connection selects (`SELECT n` in its handshake): for
    /// Valkey 9+ clusters started with `cluster-databases`. A server that refuses it fails
    /// `connect` with [`Error::Config`] carrying its words. Also `redis://host:port/n`.
    ///
    /// ```
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .database(2);
    /// ```
    pub fn database(mut self, n: u32) -> Self {
        self.config.database = Some(n);
        self
    }
    /// Deadline of each request, redirects and retries included (default 5 s).
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .request_timeout(Duration::from_millis(500));
    /// ```
    pub fn request_timeout(mut self, d: Duration) -> Self {
        self.config.request_timeout = micros(d);
        self
    }
    /// Requests a client (all its clones together) may have in flight — submitted and not
    /// yet answered or given up — before a new `send`, `pipeline` or other request waits
    /// for one to finish (the blocking client blocks). Bounds the client's memory when
    /// callers submit faster than the cluster answers, a frozen node for one (default
    /// [`DEFAULT_MAX_PENDING_REQUESTS`]; a pipeline counts once; at least 1).
    ///
    /// ```
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .max_pending_requests(1_000);
    /// ```
    pub fn max_pending_requests(mut self, n: usize) -> Self {
        self.max_pending_requests = n.clamp(1, tokio::sync::Semaphore::MAX_PERMITS);
        self
    }
    /// TCP keepalive on every connection (default [`Keepalive::default`]: probes after
    /// 15 s of quiet, every 5 s, 3 of them), or `None` for the system's setting. It ends a
    /// connection to a host that vanished without closing it — a blocking command parked
    /// there for ever included — which no reply deadline can.
    ///
    /// [`Keepalive::default`]: crate::Keepalive::default
    ///
    /// ```
    /// use std::time::Duration;
    /// use keyslot::Keepalive;
    /// let quick = Keepalive { idle: Duration::from_secs(5), ..Keepalive::default() };
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .tcp_keepalive(Some(quick));
    /// // Or leave keepalive to the operating system:
    /// let system = keyslot::tokio::Client::builder(["127.0.0.1:7000"]).tcp_keepalive(None);
    /// ```
    pub fn tcp_keepalive(mut self, keepalive: Option<crate::runtime::Keepalive>) -> Self {
        self.keepalive = keepalive;
        self
    }
    /// Deadline for a connection and its handshake (default 2 s).
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .connect_timeout(Duration::from_secs(1));
    /// ```
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.config.connect_timeout = micros(d);
        self
    }
    /// MOVED/ASK redirects per command (default 5).
    ///
    /// ```
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .max_redirects(10);
    /// ```
    pub fn max_redirects(mut self, n: u32) -> Self {
        self.config.max_redirects = n;
        self
    }
    /// Backoff of retries: first delay and cap (default 10 ms, 320 ms).
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .retry_backoff(Duration::from_millis(5), Duration::from_millis(500));
    /// ```
    pub fn retry_backoff(mut self, base: Duration, max: Duration) -> Self {
        self.config.retry_base = micros(base);
        self.config.retry_max = micros(max);
        self
    }
    /// Minimum spacing of rediscoveries: normally, and while degraded (default 1 s, 200 ms).
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .refresh_interval(Duration::from_secs(5), Duration::from_millis(100));
    /// ```
    pub fn refresh_interval(mut self, normal: Duration, degraded: Duration) -> Self {
        self.config.refresh_interval = micros(normal);
        self.config.refresh_interval_degraded = micros(degraded);
        self
    }
    /// Nodes asked per rediscovery (default 3).
    ///
    /// ```
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .refresh_fanout(5);
    /// ```
    pub fn refresh_fanout(mut self, n: usize) -> Self {
        self.config.refresh_fanout = n;
        self
    }
    /// How long a rediscovery waits for answers (default 1 s).
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .refresh_timeout(Duration::from_millis(500));
    /// ```
    pub fn refresh_timeout(mut self, d: Duration) -> Self {
        self.config.refresh_timeout = micros(d);
        self
    }
    /// The periodic rediscovery, or `None` for none (default 60 s).
    ///
    /// ```
    /// use std::time::Duration;
    /// let every_10s = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .periodic_refresh(Some(Duration::from_secs(10)));
    /// let never = keyslot::tokio::Client::builder(["127.0.0.1:7000"]).periodic_refresh(None);
    /// ```
    pub fn periodic_refresh(mut self, every: Option<Duration>) -> Self {
        self.config.periodic_refresh = every.map(micros);
        self
    }
    /// Where reads go (default primary).
    ///
    /// ```
    /// use keyslot::ReadFrom;
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .read_from(ReadFrom::PreferReplica);
    /// ```
    pub fn read_from(mut self, read_from: ReadFrom) -> Self {
        self.config.read_from = read_from;
        self
    }
    /// The client's availability zone, for [`ReadFrom::SameZone`].
    ///
    /// ```
    /// use keyslot::ReadFrom;
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .read_from(ReadFrom::SameZone)
    ///     .client_zone("eu-west-1a");
    /// ```
    pub fn client_zone(mut self, zone: impl Into<String>) -> Self {
        self.config.client_zone = Some(zone.into());
        self
    }
    /// The zone of a node, for servers that do not report their own in `INFO SERVER`.
    ///
    /// ```
    /// use keyslot::{Addr, ReadFrom};
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .read_from(ReadFrom::SameZone)
    ///     .client_zone("eu-west-1a")
    ///     .node_zone(Addr::new("10.0.0.5", 6379), "eu-west-1b");
    /// ```
    pub fn node_zone(mut self, node: Addr, zone: impl Into<String>) -> Self {
        self.config.node_zones.push((node, zone.into()));
        self
    }
    /// Skip replicas trailing their primary by more than this many bytes of replication
    /// stream (default 1 MiB; `None`: no check).
    ///
    /// ```
    /// use keyslot::ReadFrom;
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .read_from(ReadFrom::PreferReplica)
    ///     .max_replica_lag(Some(64 * 1024));
    /// ```
    pub fn max_replica_lag(mut self, bytes: Option<u64>) -> Self {
        self.config.max_replica_lag = bytes;
        self
    }
    /// Idle connections kept per node for blocking commands (default 2).
    ///
    /// ```
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .idle_blocking_connections(8);
    /// ```
    pub fn idle_blocking_connections(mut self, n: usize) -> Self {
        self.config.idle_blocking_connections = n;
        self
    }
    /// A client-side cache of read-only single-key commands' replies (`GET`, `HGET`,
    /// `HGETALL`, `SMEMBERS`, `ZRANGE`, ...), kept correct by the servers' key tracking:
    /// every connection sends `CLIENT TRACKING ON`, and the servers push an invalidation
    /// when a key read through them changes. Needs RESP3 (the default protocol).
    ///
    /// A cached read is never older than the last invalidation the client received for its
    /// key, and never survives the loss of the connection it was read on, a move of its slot
    /// (MOVED, ASK, a new view), or a failover of its node; this client's own writes drop
    /// what they change as they are submitted. Reads from replicas are as fresh as the
    /// replica was. [`Client::metrics`](crate::Client::metrics) counts hits, misses and
    /// bytes held.
    ///
    /// ```
    /// use keyslot::CacheConfig;
    /// use std::time::Duration;
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"]).cache(CacheConfig {
    ///     max_entries: 100_000,
    ///     max_bytes: 256 << 20,
    ///     ttl: Some(Duration::from_secs(60).into()),
    /// });
    /// ```
    pub fn cache(mut self, cache: CacheConfig) -> Self {
        self.config.cache = Some(cache);
        self
    }
    /// Decoder bounds on replies.
    ///
    /// ```
    /// use keyslot::Limits;
    /// let limits = Limits { max_bulk_len: 16 * 1024 * 1024, ..Limits::default() };
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"]).limits(limits);
    /// ```
    pub fn limits(mut self, limits: Limits) -> Self {
        self.config.limits = limits;
        self
    }
    /// Credentials from a source that rotates them (IAM tokens, a vault): asked at the start
    /// and again well before what it gave expires; every live connection re-authenticates
    /// with what it gives, and no handshake presents expired credentials (see
    /// [`CredentialsProvider`](crate::CredentialsProvider)). Replaces `username` and
    /// `password`, and the seed URL's.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), keyslot::Error> {
    /// use std::time::Duration;
    /// use keyslot::Credentials;
    /// let client = keyslot::tokio::Client::builder(["cfg-endpoint:6379"])
    ///     .credentials_provider(|| async {
    ///         let token = std::fs::read_to_string("/run/secrets/redis-token")?;
    ///         Ok(Credentials::new(Some("app".into()), token.trim(), Some(Duration::from_secs(300))))
    ///     })
    ///     .connect()
    ///     .await?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn credentials_provider(mut self, source: impl crate::CredentialsProvider) -> Self {
        self.credentials = Some(Arc::new(source));
        self
    }
    /// Seed of the client's random choices (the primary for keyless commands, replicas,
    /// backoff jitter), to replay a run exactly. Without one, every client draws a fresh
    /// seed, so that clients, in one process or many, spread their choices.
    ///
    /// ```
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .rng_seed(42);
    /// ```
    pub fn rng_seed(mut self, seed: u64) -> Self {
        self.rng_seed = Some(seed);
        self
    }
    /// Replace the whole core configuration (credentials from seed URLs still apply when the
    /// given one has none). Its `rng_seed` counts as given unless it is the core's default,
    /// which is replaced by a fresh seed as when none is given.
    ///
    /// ```
    /// use keyslot::Config;
    /// let config = Config { max_redirects: 10, ..Config::default() };
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"]).config(config);
    /// ```
    pub fn config(mut self, config: Config) -> Self {
        let given = config.rng_seed != Config::default().rng_seed;
        self.rng_seed = given.then_some(config.rng_seed);
        self.config = config;
        self
    }

    /// The seed the machine gets: the one given, or a fresh one.
    fn chosen_rng_seed(&self) -> u64 {
        self.rng_seed.unwrap_or_else(crate::entropy::fresh_seed)
    }
    /// Resolve host names with `resolver` instead of the system's.
    ///
    /// ```
    /// use keyslot::StaticResolver;
    /// let names = StaticResolver::new().with("cache.internal", ["10.0.0.1".parse().unwrap()]);
    /// let builder = keyslot::tokio::Client::builder(["cache.internal:6379"]).resolver(names);
    /// ```
    pub fn resolver(mut self, resolver: impl Resolve) -> Self {
        self.resolver = Some(Arc::new(resolver));
        self
    }
    /// Be told of topology changes, redirects, node losses and rediscoveries.
    ///
    /// `f` runs inside the driver, between its reads and writes: keep it short, and never
    /// wait on the client from it (a blocking client's call would wait for the very driver
    /// that is running `f`, for ever). Hand events to another task or thread instead.
    ///
    /// ```
    /// use keyslot::Event;
    /// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"]).on_event(|event| {
    ///     if let Event::NodeLost { addr } = event {
    ///         eprintln!("lost the connection to {addr}");
    ///     }
    /// });
    /// ```
    pub fn on_event(mut self, f: impl Fn(&Event) + Send + Sync + 'static) -> Self {
        self.on_event = Some(Arc::new(f));
        self
    }

    /// Apply the seeds' URL settings and build the machine, the driver's options and what
    /// the client's spans say of where requests go.
    fn prepare(mut self) -> Result<Prepared, Error> {
        if self.seeds.is_empty() {
            return Err(Error::Config("at least one seed is needed".into()));
        }
        let seeds: Vec<Seed> = self
            .seeds
            .iter()
            .map(|s| parse_seed(s))
            .collect::<Result<_, _>>()?;
        let tls = seeds.iter().any(|s| s.tls);
        if tls && seeds.iter().any(|s| !s.tls) {
            return Err(Error::Config("mixing redis:// and rediss:// seeds".into()));
        }
        if let Some(with_password) = seeds.iter().find(|s| s.password.is_some()) {
            if self.config.password.is_none() {
                self.config.password = with_password.password.clone();
                if self.config.username.is_none() {
                    self.config.username = with_password.username.clone();
                }
            }
        }
        if let Some(database) = seeds.iter().find_map(|s| s.database) {
            self.config.database.get_or_insert(database);
        }
        if self.config.cache.is_some() && self.config.protocol == Protocol::Resp2 {
            return Err(Error::Config(
                "the client-side cache needs RESP3: its invalidations are pushes".into(),
            ));
        }
        self.config.rng_seed = self.chosen_rng_seed();
        self.config.credentials_from_source = self.credentials.is_some();
        // The spans need the machine's word on which node served each command: the driver
        // asks for it per traced request. The hook gets those events only if it asked.
        #[cfg(feature = "tracing")]
        let hook_served = self.config.report_served;
        let spans = crate::trace::Spans::new(self.config.database.unwrap_or(0), &seeds[0].addr);
        let options = DriverOptions {
            resolver: self.resolver,
            keepalive: self.keepalive,
            on_event: self.on_event,
            #[cfg(feature = "tracing")]
            hook_served,
            credentials: self.credentials,
            #[cfg(feature = "tls")]
            tls: if tls || self.tls.forced() {
                Some(self.tls.connector()?)
            } else {
                None
            },
        };
        // The machine must address nodes on their TLS ports when the driver speaks TLS.
        #[cfg(feature = "tls")]
        {
            self.config.tls = options.tls.is_some();
        }
        #[cfg(not(feature = "tls"))]
        if tls {
            return Err(Error::Config(
                "rediss:// needs keyslot's `tls` feature".into(),
            ));
        }
        let origin = std::time::Instant::now();
        let cluster = Cluster::new(
            self.config,
            seeds.into_iter().map(|s| s.addr).collect(),
            Instant::ZERO,
        );
        Ok(Prepared {
            cluster,
            options,
            origin,
            spans,
        })
    }

    /// Start the driver and wait until the cluster's topology is known. Fails with every
    /// seed's reason when none can be reached, or with the authentication error.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), keyslot::Error> {
    /// let client = keyslot::tokio::Client::builder(["127.0.0.1:7000", "127.0.0.1:7001"])
    ///     .client_name("worker")
    ///     .connect()
    ///     .await?;
    /// # let _ = client; Ok(()) }
    /// ```
    ///
    /// A configuration it cannot use, such as seeds mixing `redis://` and `rediss://`, fails
    /// with [`Error::Config`] before anything connects:
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let seeds = ["redis://10.0.0.1:6379", "rediss://10.0.0.2:6380"];
    /// let err = keyslot::tokio::Client::builder(seeds).connect().await.unwrap_err();
    /// assert!(matches!(err, keyslot::Error::Config(_)));
    /// # });
    /// ```
    pub async fn connect(self) -> Result<Client<R>, Error> {
        let client = self.start()?;
        match client.ready()?.await {
            Ok(result) => result.map(|()| client),
            Err(_) => Err(Error::Closed),
        }
    }

    /// Start the driver on `R` without waiting for the topology.
    pub(crate) fn start(self) -> Result<Client<R>, Error> {
        let (driver, client) = self.driver()?;
        R::spawn(Box::pin(driver));
        Ok(client)
    }

    /// The driver, not started yet, and a client of it.
    pub(crate) fn driver(self) -> Result<(Driver<R>, Client<R>), Error> {
        let permits = self.max_pending_requests;
        let Prepared {
            cluster,
            options,
            origin,
            spans,
        } = self.prepare()?;
        let (tx, rx) = mpsc::unbounded_channel();
        let driver = Driver::<R>::new(cluster, origin, rx, options);
        Ok((driver, Client::from_sender(tx, permits, spans)))
    }
}

#[cfg(feature = "tls")]
impl<R: Runtime> Builder<R> {
    /// Trust these CA certificates (PEM) instead of the public roots.
    ///
    /// ```no_run
    /// # fn demo() -> std::io::Result<()> {
    /// let ca = std::fs::read("ca.pem")?;
    /// let builder = keyslot::tokio::Client::builder(["rediss://10.0.0.1:6380"])
    ///     .tls_root_certificates_pem(ca);
    /// # let _ = builder; Ok(()) }
    /// ```
    pub fn tls_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.tls.roots_pem = Some(pem.into());
        self
    }
    /// Present this client certificate chain and key (PEM).
    ///
    /// ```no_run
    /// # fn demo() -> std::io::Result<()> {
    /// let (chain, key) = (std::fs::read("client.pem")?, std::fs::read("client.key")?);
    /// let builder = keyslot::tokio::Client::builder(["rediss://10.0.0.1:6380"])
    ///     .tls_client_certificate_pem(chain, key);
    /// # let _ = builder; Ok(()) }
    /// ```
    pub fn tls_client_certificate_pem(
        mut self,
        chain: impl Into<Vec<u8>>,
        key: impl Into<Vec<u8>>,
    ) -> Self {
        self.tls.client_cert = Some((chain.into(), key.into()));
        self
    }
    /// Check the certificate of nodes reported as `host` against `name` instead (for services
    /// whose topology reports IP addresses but whose certificates name hosts).
    ///
    /// ```
    /// let builder = keyslot::tokio::Client::builder(["rediss://10.0.0.1:6380"])
    ///     .tls_server_name("10.0.0.1", "node-1.cache.example.com");
    /// ```
    pub fn tls_server_name(mut self, host: impl Into<String>, name: impl Into<String>) -> Self {
        self.tls.names.insert(host.into(), name.into());
        self
    }
    /// Use TLS even though the seeds are not `rediss://` URLs.
    ///
    /// ```
    /// let builder = keyslot::tokio::Client::builder(["10.0.0.1:6380"]).tls();
    /// ```
    pub fn tls(mut self) -> Self {
        self.tls.force = true;
        self
    }
}

#[cfg(all(test, feature = "tokio"))]
mod tests {
    use super::*;
    use crate::tokio::Tokio;

    fn builder() -> Builder<Tokio> {
        Builder::new(["h:1"])
    }

    #[test]
    fn clients_draw_their_own_seed_unless_one_is_given() {
        let a = builder().chosen_rng_seed();
        let b = builder().chosen_rng_seed();
        assert_ne!(a, b, "two builders without a seed share one");
        let default = Config::default().rng_seed;
        assert_ne!(a, default);
        assert_eq!(builder().rng_seed(7).chosen_rng_seed(), 7);
        let given = Config {
            rng_seed: 9,
            ..Config::default()
        };
        assert_eq!(builder().config(given).chosen_rng_seed(), 9);
        // The core's default constant in a whole configuration is not a choice.
        let plain = builder().config(Config::default());
        assert_ne!(plain.chosen_rng_seed(), default);
        assert_ne!(plain.chosen_rng_seed(), plain.chosen_rng_seed());
        // An explicit seed given after a configuration wins.
        let after = builder().config(Config::default()).rng_seed(11);
        assert_eq!(after.chosen_rng_seed(), 11);
    }
}
