//! The cluster client as a state machine: routing, redirects, retries, rediscovery.
//!
//! [`Cluster`] is the whole of a Redis Cluster client except the I/O. It decides which node
//! each command goes to, writes the bytes each connection must send, reads what comes back,
//! follows MOVED and ASK, retries what the cluster asks to be retried, notices when its view
//! of the cluster is stale and asks the cluster again — and tells its driver what to do
//! through [`Output`]s. It never reads a clock: every input carries `now`.
//!
//! # Driving it
//!
//! Feed in what happened (inputs may be batched: several submissions, reads and timeouts in
//! a row), then drain [`Cluster::poll_output`] until it returns [`Output::Timeout`], write
//! what [`Cluster::transmit`] holds for each connection, and wait for I/O or that instant,
//! whichever comes first. That is the whole contract; the adapters in the `keyslot` crate
//! follow it, and so can anything else that can open TCP connections.
//!
//! The driver keeps nothing the machine knows. A request is data ([`Request`]) submitted
//! with a token of the driver's choosing (`T`, say a reply channel), which comes back in the
//! request's `Output::Reply`; a subscriber is made with a token (`S`, say an item stream)
//! that [`Cluster::subscriber`] gives back for each of its `Output::PubSub`s. The bytes a
//! connection has to write are the connection's buffer in the machine, read with
//! [`Cluster::transmit`]: a driver may write them when told (`Output::Transmit`) or check
//! every connection each round.
//!
//! - `Output::Connect { conn, addr }`: open a connection to `addr` (resolving its host name
//!   afresh every time) and report [`Cluster::handle_connected`] or
//!   [`Cluster::handle_connect_failed`].
//! - `Output::Transmit { conn }`: the connection has new bytes to send: write
//!   [`Cluster::transmit`] and acknowledge with [`Cluster::handle_written`], until it is empty.
//! - read into [`Cluster::read_buffer`] and call [`Cluster::handle_read`] (or hand over a slice
//!   with [`Cluster::handle_data`]); report closes with [`Cluster::handle_closed`].
//! - `Output::Close { conn }`: the machine is done with the connection; close it.
//! - `Output::Reply { id, token, reply }`: a request finished; `token` is the caller's.
//! - `Output::PubSub { subscriber, item }`: a subscription's message or change of state, for
//!   one of its subscribers (see [`Cluster::subscribe`]).
//! - `Output::Ready(..)`: the first view took effect, or discovery failed without one.
//! - `Output::NeedCredentials`: ask the credentials source (see [`Cluster::set_credentials`]).
//! - `Output::Event(..)`: for logs and metrics.
//! - `Output::Timeout(at)`: nothing more to do now; call [`Cluster::handle_timeout`] at `at`.
//!
//! # Method groups
//!
//! - construction: [`Cluster::new`];
//! - requests: [`Cluster::submit`]; a submitted request's own deadline
//!   [`Cluster::set_deadline`]; [`Cluster::report_served_for`] (trace one request);
//!   [`Cluster::cancel`] and [`Cluster::cancel_where`] (its caller stopped waiting);
//!   [`Cluster::token_mut`], [`Cluster::tokens`];
//! - subscriptions: [`Cluster::subscribe`], [`Cluster::unsubscribe`],
//!   [`Cluster::unsubscribe_where`], [`Cluster::subscriber`],
//!   [`Cluster::subscription_count`];
//! - I/O inputs: [`Cluster::handle_connected`], [`Cluster::handle_connect_failed`],
//!   [`Cluster::handle_read`] / [`Cluster::handle_data`], [`Cluster::handle_written`],
//!   [`Cluster::handle_closed`], [`Cluster::handle_timeout`];
//! - credentials: [`Cluster::set_credentials`], [`Cluster::credentials_failed`];
//! - outputs: [`Cluster::poll_output`], [`Cluster::transmit`], [`Cluster::read_buffer`];
//! - state: [`Cluster::is_ready`], [`Cluster::bootstrap_error`], [`Cluster::topology`],
//!   [`Cluster::slot_owner`], [`Cluster::slot_map_generation`],
//!   [`Cluster::pending_requests`], [`Cluster::connection_count`],
//!   [`Cluster::buffered_bytes`], [`Cluster::metrics`].
//!
//! # Guarantees
//!
//! - Every submitted request gets exactly one `Reply`, by its deadline at the latest — unless
//!   it is cancelled first, when it gets none.
//! - At a deadline, or on [`Cluster::cancel`], a command none of whose bytes were written is
//!   taken back out of the connection's buffer: it never runs, and the deadline's error is
//!   [`Error::Timeout`]. A command that may write and was (partly) written is
//!   [`Error::OutcomeUnknown`].
//! - A node connection that reads nothing for [`Config::stall_timeout`] while commands wait
//!   on it marks its node stalled (see `stall.rs`).
//! - A command that was written to a connection that then failed is retried only when it is
//!   read-only; otherwise its reply is [`Error::OutcomeUnknown`]. Commands that never left
//!   the machine are re-routed freely.
//! - A MOVED storm causes one rediscovery per [`Config::refresh_interval`] (per
//!   [`Config::refresh_interval_degraded`] while redirects name nodes the view lacks, whose
//!   commands wait for it); each rediscovery asks at most [`Config::refresh_fanout`]
//!   distinct nodes.
//! - Credentials go only to seeds and to nodes the cluster's view lists: no connection is
//!   opened to an address a redirect names unless a view lists it (see `membership.rs`);
//!   connections to nodes that leave the view close once their requests are done.
//! - The same inputs give the same outputs: random choices come from [`Config::rng_seed`].
//!
//! ```
//! use keyslot_core::{time::Instant, topology::Addr, Cluster, Config, Output};
//! let now = Instant::from_micros(0);
//! let mut cluster: Cluster = Cluster::new(Config::default(), vec![Addr::new("10.0.0.1", 7000)], now);
//! // Among its first outputs: a connection to the seed, to learn the topology.
//! let wants = core::iter::from_fn(|| match cluster.poll_output() {
//!     Output::Timeout(_) => None,
//!     other => Some(other),
//! });
//! assert!(wants.into_iter().any(|o| matches!(o, Output::Connect { addr, .. } if addr.port == 7000)));
//! ```

mod aggregate;
mod backoff;
mod blocking;
mod config;
mod conn;
mod credentials;
mod dedicated;
mod dispatch;
mod error;
mod event;
mod fanout;
mod handshake;
mod job;
mod lifecycle;
mod membership;
mod metrics;
mod pubsub;
mod pubsub_read;
mod read;
mod read_from;
mod redacted;
mod redirect;
mod refresh;
mod request;
mod rng;
pub(crate) mod route;
mod server_error;
mod slab;
mod split;
mod stall;
mod submit;
mod timers;

#[cfg(test)]
mod tests;

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;
use bytes::BytesMut;

pub use blocking::Blocking;
pub use config::{Config, ReadFrom};
pub use conn::ConnId;
pub use credentials::Credentials;
pub use error::{Error, SeedFailure};
pub use event::{Event, RefreshOutcome, RefreshTrigger};
#[cfg(feature = "std")]
pub use metrics::Latency;
pub use metrics::{Metrics, NodeMetrics};
pub use pubsub::{PubSub, SubscriberId, SubscriptionKind};
pub use redirect::RetryReason;
pub use request::Request;
pub use route::{route, Route, Routed};
pub use server_error::{ServerError, ServerErrorKind};

use crate::command::KeyPositions;
use crate::resp::Value;
use crate::time::Instant;
use crate::topology::{Addr, Role, Topology};
use conn::Conn;
use job::{Job, RequestState};
use rng::Rng;
use slab::{Key, Slab};
use timers::Timers;

/// Identifies a submitted request in its [`Output::Reply`].
///
/// ```
/// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
/// # let now = Instant::from_micros(0);
/// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
/// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
/// # use keyslot_core::cluster::{Error, Reply};
/// let id = cluster.submit(Cmd::new("RENAME").arg("a").arg("b"), (), now); // keys in two slots
/// let (replied, reply) = loop {
///     if let Output::Reply { id, reply, .. } = cluster.poll_output() { break (id, reply); }
/// };
/// assert_eq!(replied, id); // the reply names the request it answers
/// assert_eq!(reply, Reply::Single(Err(Error::CrossSlot)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(Key);

impl RequestId {
    /// A number that identifies the request, for logs and maps.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// let first = cluster.submit(Cmd::new("SELECT").arg("1"), (), now); // refused at once
    /// let second = cluster.submit(Cmd::new("GET").arg("k"), (), now); // reuses first's place
    /// assert_ne!(first.as_u64(), second.as_u64()); // but never its number
    /// ```
    pub fn as_u64(self) -> u64 {
        (u64::from(self.0.generation()) << 32) | u64::from(self.0.index())
    }
}

/// A finished request's result.
///
/// ```
/// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
/// # let now = Instant::from_micros(0);
/// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
/// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
/// # use keyslot_core::cluster::{Error, Reply};
/// # use keyslot_core::cluster::Request;
/// let pipeline = vec![Cmd::new("RENAME").arg("a").arg("b"), Cmd::new("SELECT").arg("1")];
/// cluster.submit(Request::Pipeline(pipeline), (), now); // both are refused without a round trip
/// let reply = loop {
///     if let Output::Reply { reply, .. } = cluster.poll_output() { break reply; }
/// };
/// let Reply::Pipeline(results) = reply else { panic!("a pipeline gets Reply::Pipeline") };
/// assert_eq!(results.len(), 2);
/// assert_eq!(results[0], Err(Error::CrossSlot));
/// assert!(matches!(results[1], Err(Error::Unsupported { .. })));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// The result of every [`Request`] but a pipeline: a transaction's is an array of the
    /// transaction's replies.
    Single(Result<Value, Error>),
    /// The results of a [`Request::Pipeline`], in submission order.
    Pipeline(alloc::vec::Vec<Result<Value, Error>>),
}

/// What the machine asks of its driver. See the [module docs](self) for each.
///
/// ```
/// use keyslot_core::{time::Instant, topology::Addr, Cluster, Config, Output};
/// let seeds = vec![Addr::new("10.0.0.1", 7000)];
/// let mut cluster: Cluster = Cluster::new(Config::default(), seeds, Instant::from_micros(0));
/// let mut connects = Vec::new();
/// loop {
///     match cluster.poll_output() {
///         Output::Connect { conn, addr } => connects.push((conn, addr)),
///         Output::Timeout(_) => break, // nothing more until I/O or that instant
///         _ => {}
///     }
/// }
/// assert_eq!(connects.len(), 1); // discovery asks the seed first
/// assert_eq!(connects[0].1, Addr::new("10.0.0.1", 7000));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Output<T = ()> {
    /// Open a connection.
    Connect {
        /// The handle to report back with.
        conn: ConnId,
        /// Where to: the host is kept as given (a name for TLS and fresh DNS lookups).
        addr: Addr,
    },
    /// The connection has bytes to write: see [`Cluster::transmit`].
    Transmit {
        /// Which connection.
        conn: ConnId,
    },
    /// Close the connection; the machine has forgotten it.
    Close {
        /// Which connection.
        conn: ConnId,
    },
    /// A request finished.
    Reply {
        /// The request (no longer known to the machine: its id is for logs).
        id: RequestId,
        /// What the caller gave [`Cluster::submit`] with it.
        token: T,
        /// Its result, in the request's shape.
        reply: Reply,
    },
    /// A subscription's message, confirmation, loss or refusal, for one of the subscribers
    /// holding its channel (see [`Cluster::subscribe`]); each holder gets its own.
    PubSub {
        /// Whose: its token is [`Cluster::subscriber`].
        subscriber: SubscriberId,
        /// What happened.
        item: PubSub,
    },
    /// Something worth logging.
    Event(Event),
    /// The first view of the cluster took effect (`Ok`): requests are routed from now on. Or
    /// a discovery round failed while no view exists (`Err`, after each such round: every
    /// seed's reason, or the authentication error) — what a caller waiting to start should
    /// hear. [`Cluster::is_ready`] and [`Cluster::bootstrap_error`] say the same when asked.
    Ready(Result<(), Error>),
    /// Ask the credentials source for fresh credentials (only with
    /// [`Config::credentials_from_source`]) and answer with [`Cluster::set_credentials`] or
    /// [`Cluster::credentials_failed`]. A new ask replaces one still unanswered.
    NeedCredentials,
    /// Nothing else to do until this instant (or until I/O); `None` when no timer is set.
    Timeout(Option<Instant>),
}

/// A node the machine knows of.
#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) addr: Addr,
    pub(crate) conn: Option<Key>,
    pub(crate) role: Role,
    /// In the current topology.
    pub(crate) listed: bool,
    /// Connections failed in a row, and no new attempt before `down_until`.
    pub(crate) failures: u32,
    pub(crate) down_until: Option<Instant>,
    /// On a primary: the replicas reads may go to, from the latest topology.
    pub(crate) replicas: Vec<usize>,
    /// Next replica for [`ReadFrom::RoundRobinReplicas`] and same-zone reads.
    pub(crate) next_replica: usize,
    /// The node's availability zone, when configured or reported.
    pub(crate) zone: Option<alloc::string::String>,
    /// `INFO SERVER` was asked for the zone (once per node).
    pub(crate) zone_asked: bool,
    /// Smoothed reply time of reads, for [`ReadFrom::LowestLatency`].
    pub(crate) latency: Option<crate::time::Duration>,
    /// Connections for blocking commands, handshaken and idle.
    pub(crate) idle_blocking: Vec<Key>,
    /// With RESP2: the connection in subscribed mode.
    pub(crate) pubsub_conn: Option<Key>,
    /// Its connection read nothing for the stall timeout with replies due (see `stall.rs`).
    pub(crate) stalled: bool,
    /// A free entry, waiting to be reused for a new node (see [`membership`]).
    pub(crate) vacant: bool,
    /// What [`Cluster::metrics`] reports of it.
    pub(crate) stats: metrics::NodeStats,
}

impl Node {
    fn new(addr: Addr, zone: Option<alloc::string::String>) -> Node {
        Node {
            addr,
            conn: None,
            role: Role::Primary,
            listed: false,
            failures: 0,
            down_until: None,
            replicas: Vec::new(),
            next_replica: 0,
            zone_asked: zone.is_some(),
            zone,
            latency: None,
            idle_blocking: Vec::new(),
            pubsub_conn: None,
            stalled: false,
            vacant: false,
            stats: metrics::NodeStats::default(),
        }
    }

    /// Failed recently (no new connection attempt before its backoff ends), or stalled.
    pub(crate) fn is_down(&self, now: Instant) -> bool {
        self.stalled || self.down_until.is_some_and(|t| t > now)
    }

    /// `conn` is gone: drop every reference the node holds to it.
    pub(crate) fn forget_conn(&mut self, conn: Key) {
        if self.conn == Some(conn) {
            self.conn = None;
            // The stall was that connection's; the next one is judged afresh (a node marked
            // stalled with no connection left would stay out of every rediscovery).
            self.stalled = false;
        }
        if self.pubsub_conn == Some(conn) {
            self.pubsub_conn = None;
        }
        self.idle_blocking.retain(|k| *k != conn);
    }
}

/// The slot table entry for "no owner".
pub(crate) const NO_NODE: u32 = u32::MAX;

/// A Redis Cluster client without I/O. See the [module docs](self).
///
/// ```
/// # use keyslot_core::cluster::Reply;
/// # use keyslot_core::resp::{Protocol, Value};
/// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
/// # // The seed's CLUSTER SHARDS reply: one shard, every slot, its primary at 10.0.0.1:7000.
/// # const SHARDS: &[u8] = b"*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n\
/// # *1\r\n*6\r\n$8\r\nendpoint\r\n$8\r\n10.0.0.1\r\n$4\r\nport\r\n:7000\r\n$4\r\nrole\r\n\
/// # $6\r\nmaster\r\n";
/// let now = Instant::from_micros(0);
/// let config = Config { protocol: Protocol::Resp2, ..Config::default() };
/// let mut cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], now);
/// let get = cluster.submit(Cmd::new("GET").arg("greeting"), (), now); // waits for a topology
/// let conn = loop {
///     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
/// };
/// cluster.handle_connected(conn, now); // the driver opened a socket to the seed
/// assert_eq!(cluster.transmit(conn), b"*2\r\n$7\r\nCLUSTER\r\n$6\r\nSHARDS\r\n");
/// cluster.handle_written(conn, cluster.transmit(conn).len());
/// cluster.handle_data(conn, SHARDS, now); // the seed's answer: the GET can go out now
/// assert_eq!(cluster.transmit(conn), b"*2\r\n$3\r\nGET\r\n$8\r\ngreeting\r\n");
/// cluster.handle_written(conn, cluster.transmit(conn).len());
/// cluster.handle_data(conn, b"$5\r\nhello\r\n", now);
/// let (id, reply) = loop {
///     if let Output::Reply { id, reply, .. } = cluster.poll_output() { break (id, reply); }
/// };
/// assert_eq!(id, get);
/// assert_eq!(reply, Reply::Single(Ok(Value::BulkString("hello".into()))));
/// ```
#[derive(Debug)]
pub struct Cluster<T = (), S = ()> {
    pub(crate) config: Config,
    pub(crate) seeds: Vec<Addr>,
    pub(crate) rng: Rng,
    pub(crate) conns: Slab<Conn>,
    /// Every node the machine keeps state for; indices are stable while anything refers to
    /// them, and [`membership`] frees and reuses the entries of departed nodes.
    pub(crate) nodes: Vec<Node>,
    pub(crate) node_index: BTreeMap<Addr, usize>,
    /// Vacant entries of `nodes`.
    pub(crate) free_nodes: Vec<usize>,
    /// Connections of departed nodes, closed once their last reply is read.
    pub(crate) draining: Vec<Key>,
    /// The primary of each slot, as a node index, or [`NO_NODE`].
    pub(crate) slots: Vec<u32>,
    /// Bumped whenever `slots` may have changed ([`Cluster::slot_map_generation`]).
    pub(crate) slots_generation: u64,
    /// The nodes that own slots, for keyless commands.
    pub(crate) primaries: Vec<usize>,
    pub(crate) topology: Option<Topology>,
    pub(crate) requests: Slab<RequestState<T>>,
    pub(crate) jobs: Slab<Job>,
    /// Jobs that wait for a topology (bootstrap, uncovered slot, READONLY).
    pub(crate) unrouted: Vec<Key>,
    pub(crate) timers: Timers,
    pub(crate) outputs: VecDeque<Output<T>>,
    pub(crate) refresh: refresh::RefreshState,
    pub(crate) scratch: KeyPositions,
    pub(crate) pubsub: pubsub::Subscriptions<S>,
    /// When the stall check runs next, while it is armed (see `stall.rs`).
    pub(crate) stall_check_at: Option<Instant>,
    pub(crate) credentials: credentials::CredentialState,
    /// Requests that ended at their deadline, and views that took effect (for `metrics`).
    pub(crate) timed_out: u64,
    pub(crate) topology_changes: u64,
}

impl<T, S> Cluster<T, S> {
    /// A machine that will discover the cluster from `seeds` (any one reachable seed is
    /// enough). Discovery starts at once: drain [`Cluster::poll_output`] next.
    ///
    /// ```
    /// use keyslot_core::{time::Instant, topology::Addr, Cluster, Config, Output};
    /// let seeds = vec![Addr::new("10.0.0.1", 7000), Addr::new("10.0.0.2", 7000)];
    /// let mut cluster: Cluster = Cluster::new(Config::default(), seeds, Instant::from_micros(0));
    /// assert!(!cluster.is_ready()); // no view yet, but discovery has begun:
    /// let first = loop {
    ///     if let Output::Connect { addr, .. } = cluster.poll_output() { break addr; }
    /// };
    /// assert_eq!(first, Addr::new("10.0.0.1", 7000));
    /// ```
    pub fn new(config: Config, seeds: Vec<Addr>, now: Instant) -> Self {
        let mut cluster = Cluster {
            rng: Rng::new(config.rng_seed),
            config,
            seeds,
            conns: Slab::default(),
            nodes: Vec::new(),
            node_index: BTreeMap::new(),
            free_nodes: Vec::new(),
            draining: Vec::new(),
            slots: alloc::vec![NO_NODE; crate::SLOT_COUNT as usize],
            slots_generation: 0,
            primaries: Vec::new(),
            topology: None,
            requests: Slab::default(),
            jobs: Slab::default(),
            unrouted: Vec::new(),
            timers: Timers::default(),
            outputs: VecDeque::new(),
            refresh: refresh::RefreshState::default(),
            scratch: KeyPositions::new(),
            pubsub: pubsub::Subscriptions::default(),
            stall_check_at: None,
            credentials: credentials::CredentialState::default(),
            timed_out: 0,
            topology_changes: 0,
        };
        cluster.request_refresh(RefreshTrigger::Bootstrap, now);
        cluster.start_credentials(now);
        cluster
    }

    /// The next thing to do. Call until it returns [`Output::Timeout`].
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// # use keyslot_core::cluster::{Event, RefreshTrigger};
    /// let started = Event::RefreshStarted { trigger: RefreshTrigger::Bootstrap };
    /// assert_eq!(cluster.poll_output(), Output::Event(started));
    /// assert!(matches!(cluster.poll_output(), Output::Connect { .. }));
    /// // Drained: the instant to call `handle_timeout` at, unless I/O comes first.
    /// assert!(matches!(cluster.poll_output(), Output::Timeout(Some(at)) if at > now));
    /// ```
    pub fn poll_output(&mut self) -> Output<T> {
        match self.outputs.pop_front() {
            Some(output) => output,
            None => {
                self.skip_dead_timers();
                Output::Timeout(self.timers.next())
            }
        }
    }

    /// The bytes waiting to be written on `conn` (empty for an unknown connection).
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// cluster.handle_connected(conn, now);
    /// // A new connection's handshake: RESP3 is asked for first.
    /// assert_eq!(cluster.transmit(conn), b"*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n");
    /// cluster.handle_written(conn, cluster.transmit(conn).len());
    /// assert!(cluster.transmit(conn).is_empty());
    /// ```
    pub fn transmit(&self, conn: ConnId) -> &[u8] {
        self.conns.get(conn.0).map_or(&[], |c| c.pending_output())
    }

    /// `n` bytes of [`Cluster::transmit`] were written.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// cluster.handle_connected(conn, now);
    /// let pending = cluster.transmit(conn).len();
    /// cluster.handle_written(conn, 4); // the socket took only 4 bytes
    /// assert_eq!(cluster.transmit(conn).len(), pending - 4);
    /// cluster.handle_written(conn, pending - 4);
    /// assert!(cluster.transmit(conn).is_empty());
    /// ```
    pub fn handle_written(&mut self, conn: ConnId, n: usize) {
        if let Some(c) = self.conns.get_mut(conn.0) {
            c.written(n);
        }
    }

    /// The buffer to read `conn`'s bytes into; call [`Cluster::handle_read`] after appending.
    ///
    /// ```
    /// # use keyslot_core::{resp::Protocol, time::Instant, topology::Addr, Cluster, Cmd, Config};
    /// # use keyslot_core::Output;
    /// # let now = Instant::from_micros(0);
    /// # let config = Config { protocol: Protocol::Resp2, ..Config::default() };
    /// # let mut cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// cluster.handle_connected(conn, now); // RESP2: the topology query goes out at once
    /// cluster.handle_written(conn, cluster.transmit(conn).len());
    /// // An old server refuses CLUSTER SHARDS; a socket read appends its answer here.
    /// let buffer = cluster.read_buffer(conn).expect("an open connection");
    /// buffer.extend_from_slice(b"-ERR unknown subcommand 'SHARDS'. Try CLUSTER HELP.\r\n");
    /// cluster.handle_read(conn, now);
    /// assert_eq!(cluster.transmit(conn), b"*2\r\n$7\r\nCLUSTER\r\n$5\r\nSLOTS\r\n");
    /// ```
    pub fn read_buffer(&mut self, conn: ConnId) -> Option<&mut BytesMut> {
        self.conns.get_mut(conn.0).map(|c| &mut *c.read)
    }

    /// Bytes arrived on `conn`: append them and process them.
    ///
    /// ```
    /// # use keyslot_core::{resp::Protocol, time::Instant, topology::Addr, Cluster, Cmd, Config};
    /// # use keyslot_core::Output;
    /// # let now = Instant::from_micros(0);
    /// # let config = Config { protocol: Protocol::Resp2, ..Config::default() };
    /// # let mut cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// # // The seed's CLUSTER SHARDS reply: one shard, every slot, its primary at 10.0.0.1:7000.
    /// # const SHARDS: &[u8] = b"*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n\
    /// # *1\r\n*6\r\n$8\r\nendpoint\r\n$8\r\n10.0.0.1\r\n$4\r\nport\r\n:7000\r\n$4\r\nrole\r\n\
    /// # $6\r\nmaster\r\n";
    /// cluster.handle_connected(conn, now); // RESP2: CLUSTER SHARDS goes out at once
    /// cluster.handle_written(conn, cluster.transmit(conn).len());
    /// cluster.handle_data(conn, SHARDS, now); // the seed's reply, as read from its socket
    /// assert!(cluster.is_ready());
    /// assert_eq!(cluster.slot_owner(0), Some(&Addr::new("10.0.0.1", 7000)));
    /// ```
    pub fn handle_data(&mut self, conn: ConnId, data: &[u8], now: Instant) {
        if let Some(buf) = self.read_buffer(conn) {
            buf.extend_from_slice(data);
        }
        self.handle_read(conn, now);
    }

    /// The current view of the cluster, once discovered.
    ///
    /// ```
    /// # use keyslot_core::{resp::Protocol, time::Instant, topology::Addr, Cluster, Cmd, Config};
    /// # use keyslot_core::Output;
    /// # let now = Instant::from_micros(0);
    /// # let config = Config { protocol: Protocol::Resp2, ..Config::default() };
    /// # let mut cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], now);
    /// # use keyslot_core::{cluster::Reply, resp::Value};
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// # cluster.handle_connected(conn, now);
    /// # // The seed's CLUSTER SHARDS reply: one shard, every slot, its primary at 10.0.0.1:7000.
    /// # const SHARDS: &[u8] = b"*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n\
    /// # *1\r\n*6\r\n$8\r\nendpoint\r\n$8\r\n10.0.0.1\r\n$4\r\nport\r\n:7000\r\n$4\r\nrole\r\n\
    /// # $6\r\nmaster\r\n";
    /// # cluster.handle_data(conn, SHARDS, now);
    /// # while !matches!(cluster.poll_output(), Output::Timeout(_)) {}
    /// # cluster.handle_written(conn, cluster.transmit(conn).len());
    /// let topology = cluster.topology().expect("discovered");
    /// assert_eq!(topology.shards().len(), 1);
    /// assert_eq!(topology.uncovered_slots(), 0);
    /// assert_eq!(topology.primary_of_slot(42).unwrap().addr, Addr::new("10.0.0.1", 7000));
    /// ```
    pub fn topology(&self) -> Option<&Topology> {
        self.topology.as_ref()
    }

    /// True once a view of the cluster exists.
    ///
    /// ```
    /// # use keyslot_core::{resp::Protocol, time::Instant, topology::Addr, Cluster, Cmd, Config};
    /// # use keyslot_core::Output;
    /// # let now = Instant::from_micros(0);
    /// # let config = Config { protocol: Protocol::Resp2, ..Config::default() };
    /// # let mut cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// # // The seed's CLUSTER SHARDS reply: one shard, every slot, its primary at 10.0.0.1:7000.
    /// # const SHARDS: &[u8] = b"*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n\
    /// # *1\r\n*6\r\n$8\r\nendpoint\r\n$8\r\n10.0.0.1\r\n$4\r\nport\r\n:7000\r\n$4\r\nrole\r\n\
    /// # $6\r\nmaster\r\n";
    /// assert!(!cluster.is_ready());
    /// cluster.handle_connected(conn, now);
    /// cluster.handle_written(conn, cluster.transmit(conn).len());
    /// cluster.handle_data(conn, SHARDS, now); // the seed's CLUSTER SHARDS reply
    /// assert!(cluster.is_ready());
    /// ```
    pub fn is_ready(&self) -> bool {
        self.topology.is_some()
    }

    /// While no view exists: why the last discovery round failed (every seed's reason, or
    /// the authentication error). `None` once a view exists or before any round failed.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// # use keyslot_core::cluster::Error;
    /// assert_eq!(cluster.bootstrap_error(), None); // the first round is still running
    /// cluster.handle_connect_failed(conn, "connection refused", now);
    /// let Some(Error::NoReachableSeed { attempts }) = cluster.bootstrap_error() else { panic!() };
    /// assert_eq!(attempts[0].addr, Addr::new("10.0.0.1", 7000));
    /// assert_eq!(attempts[0].reason, "connection refused");
    /// ```
    pub fn bootstrap_error(&self) -> Option<&Error> {
        self.refresh.bootstrap_error.as_ref()
    }

    /// Requests submitted and not yet replied to.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// cluster.submit(Cmd::new("GET").arg("k"), (), now); // waits for the cluster's view
    /// cluster.submit(Cmd::new("RENAME").arg("a").arg("b"), (), now); // cross-slot: answered at once
    /// assert_eq!(cluster.pending_requests(), 1);
    /// ```
    pub fn pending_requests(&self) -> usize {
        self.requests.len()
    }

    /// Where the machine would send a command for `slot` now (after MOVED updates).
    ///
    /// ```
    /// # use keyslot_core::{resp::Protocol, time::Instant, topology::Addr, Cluster, Cmd, Config};
    /// # use keyslot_core::Output;
    /// # let now = Instant::from_micros(0);
    /// # let config = Config { protocol: Protocol::Resp2, ..Config::default() };
    /// # let mut cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], now);
    /// # use keyslot_core::{cluster::Reply, resp::Value};
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// # cluster.handle_connected(conn, now);
    /// # // The seed's CLUSTER SHARDS reply: one shard, every slot, its primary at 10.0.0.1:7000.
    /// # const SHARDS: &[u8] = b"*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n\
    /// # *1\r\n*6\r\n$8\r\nendpoint\r\n$8\r\n10.0.0.1\r\n$4\r\nport\r\n:7000\r\n$4\r\nrole\r\n\
    /// # $6\r\nmaster\r\n";
    /// # cluster.handle_data(conn, SHARDS, now);
    /// # while !matches!(cluster.poll_output(), Output::Timeout(_)) {}
    /// # cluster.handle_written(conn, cluster.transmit(conn).len());
    /// let slot = keyslot_core::key_slot(b"greeting");
    /// assert_eq!(cluster.slot_owner(slot), Some(&Addr::new("10.0.0.1", 7000)));
    /// assert_eq!(cluster.slot_owner(16384), None); // not a slot
    /// ```
    pub fn slot_owner(&self, slot: u16) -> Option<&Addr> {
        let node = *self.slots.get(slot as usize)?;
        self.nodes.get(node as usize).map(|n| &n.addr)
    }

    /// A number that changes whenever the slot map ([`slot_owner`](Self::slot_owner)) may
    /// have changed: an observer comparing the map against something can skip the
    /// comparison while neither side changed.
    ///
    /// ```
    /// # use keyslot_core::{resp::Protocol, time::Instant, topology::Addr, Cluster, Cmd, Config};
    /// # use keyslot_core::Output;
    /// # let now = Instant::from_micros(0);
    /// # let config = Config { protocol: Protocol::Resp2, ..Config::default() };
    /// # let mut cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// # // The seed's CLUSTER SHARDS reply: one shard, every slot, its primary at 10.0.0.1:7000.
    /// # const SHARDS: &[u8] = b"*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n\
    /// # *1\r\n*6\r\n$8\r\nendpoint\r\n$8\r\n10.0.0.1\r\n$4\r\nport\r\n:7000\r\n$4\r\nrole\r\n\
    /// # $6\r\nmaster\r\n";
    /// let before = cluster.slot_map_generation();
    /// cluster.handle_connected(conn, now);
    /// cluster.handle_written(conn, cluster.transmit(conn).len());
    /// cluster.handle_data(conn, SHARDS, now); // the first view fills the slot map
    /// let after = cluster.slot_map_generation();
    /// assert_ne!(before, after);
    /// assert_eq!(cluster.slot_map_generation(), after); // unchanged while the map is
    /// ```
    pub fn slot_map_generation(&self) -> u64 {
        self.slots_generation
    }

    /// Connections currently open or opening.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// assert_eq!(cluster.connection_count(), 1); // the seed's, still opening
    /// cluster.handle_connect_failed(conn, "connection refused", now);
    /// assert_eq!(cluster.connection_count(), 0);
    /// ```
    pub fn connection_count(&self) -> usize {
        self.conns.len()
    }

    /// Nothing is under way: no request waits, no subscription is held, and every
    /// connection is established, has written all it had and expects no reply. A driver may
    /// then stop watching its sockets until the next deadline or input: nothing it could
    /// read would be awaited (the blocking client's driver thread does, see its `lead.rs`).
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// assert!(!cluster.is_quiet()); // discovery is under way
    /// ```
    pub fn is_quiet(&self) -> bool {
        self.requests.len() == 0
            && self.pubsub.subs.is_empty()
            && self.conns.iter().all(|(_, c)| {
                c.state == conn::ConnState::Ready
                    && c.inflight.is_empty()
                    && c.pending_output().is_empty()
            })
    }

    /// Bytes held in connection buffers (output not yet written, input not yet decoded).
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// cluster.handle_connected(conn, now); // the handshake is queued for writing
    /// assert_eq!(cluster.buffered_bytes(), cluster.transmit(conn).len());
    /// cluster.handle_written(conn, cluster.transmit(conn).len());
    /// assert_eq!(cluster.buffered_bytes(), 0);
    /// ```
    pub fn buffered_bytes(&self) -> usize {
        self.conns
            .iter()
            .map(|(_, c)| c.pending_output().len() + c.read.len())
            .sum()
    }

    pub(crate) fn emit(&mut self, output: Output<T>) {
        self.outputs.push_back(output);
    }

    pub(crate) fn event(&mut self, event: Event) {
        self.outputs.push_back(Output::Event(event));
    }

    /// The node index for `addr`, adding the node when it is new (in a vacant entry when
    /// there is one).
    pub(crate) fn node_for(&mut self, addr: &Addr) -> usize {
        if let Some(&i) = self.node_index.get(addr) {
            return i;
        }
        let zone = self
            .config
            .node_zones
            .iter()
            .find(|(a, _)| a == addr)
            .map(|(_, zone)| zone.clone());
        let node = Node::new(addr.clone(), zone);
        let i = match self.free_nodes.pop() {
            Some(i) => {
                self.nodes[i] = node;
                i
            }
            None => {
                self.nodes.push(node);
                self.nodes.len() - 1
            }
        };
        self.node_index.insert(addr.clone(), i);
        i
    }
}
