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
//! request's `Output::Reply`; a pipeline, whose reply is a list of results, has a token type
//! of its own (`P`, which is `T` unless said otherwise) and comes back in
//! `Output::PipelineReply`, so that a reply always fits its caller. A subscriber is made
//! with a token (`S`, say an item stream) that [`Cluster::subscriber`] gives back for each
//! of its `Output::PubSub`s. The bytes a
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
//! - `Output::PipelineReply { id, token, results }`: a pipeline finished.
//! - `Output::PubSub { subscriber, item }`: a subscription's message or change of state, for
//!   one of its subscribers (see [`Cluster::subscribe`]).
//! - `Output::Ready(..)`: the first view took effect, or discovery failed without one.
//! - `Output::NeedCredentials`: ask the credentials source (see [`Cluster::set_credentials`]).
//! - `Output::Event(..)`: for logs and metrics.
//! - `Output::Timeout(at)`: nothing more to do now; call [`Cluster::handle_timeout`] at `at`.
//!
//! # Method groups
//!
//! Every public method of [`Cluster`] is defined in `api.rs`, in this order; the state it
//! works on has a part of its own (`routing.rs`: nodes and slot table; `connections.rs`:
//! the connections, the ones being drained and the stall check's schedule; `conn.rs`: a
//! connection's buffers and what is in flight on it; `job.rs`: requests and their commands;
//! `refresh/`: rediscovery; `pubsub.rs`: subscriptions and their holders; `credentials.rs`;
//! `timers.rs`).
//!
//! - construction: [`Cluster::new`];
//! - requests: [`Cluster::submit`], [`Cluster::submit_pipeline`]; a submitted request's
//!   own deadline [`Cluster::set_deadline`]; [`Cluster::report_served_for`] (trace one request);
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
//!   [`Cluster::buffered_bytes`], [`Cluster::is_quiet`], [`Cluster::metrics`].
//!
//! # Guarantees
//!
//! - Every submitted request gets exactly one reply, by its deadline at the latest — unless
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
mod api;
mod backoff;
mod blocking;
mod cache;
mod caching;
mod config;
mod conn;
mod connections;
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
mod routing;
mod server_error;
mod slab;
mod split;
mod stall;
mod submit;
mod timers;

#[cfg(test)]
mod tests;

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use bytes::BytesMut;

pub use blocking::Blocking;
pub use cache::{CacheConfig, CacheMetrics};
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
pub use request::{Request, Token};
pub use route::{route, Route, Routed};
pub use server_error::{ServerError, ServerErrorKind};

use crate::command::KeyPositions;
use crate::resp::Value;
use crate::time::Instant;
use crate::topology::{Addr, Topology};
use rng::Rng;
pub(crate) use routing::{Node, Routing, NO_NODE};
use slab::Key;
use timers::Timers;

/// Identifies a submitted request in its [`Output::Reply`] (or a pipeline in its
/// [`Output::PipelineReply`]).
///
/// ```
/// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
/// # let now = Instant::from_micros(0);
/// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
/// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
/// # use keyslot_core::cluster::Error;
/// let id = cluster.submit(Cmd::new("RENAME").arg("a").arg("b"), (), now); // keys in two slots
/// let (replied, reply) = loop {
///     if let Output::Reply { id, reply, .. } = cluster.poll_output() { break (id, reply); }
/// };
/// assert_eq!(replied, id); // the reply names the request it answers
/// assert_eq!(reply, Err(Error::CrossSlot));
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
pub enum Output<T = (), P = T> {
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
    /// A request finished: its one result (a transaction's is an array of the
    /// transaction's replies).
    Reply {
        /// The request (no longer known to the machine: its id is for logs).
        id: RequestId,
        /// What the caller gave [`Cluster::submit`] with it.
        token: T,
        /// Its result.
        reply: Result<Value, Error>,
    },
    /// A pipeline finished: one result per command, in submission order.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # use keyslot_core::cluster::Error;
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// // Pipelines get tokens of their own type: here a name, where a command's is ().
    /// let mut cluster: Cluster<(), (), &str> = Cluster::new(Config::default(), seeds, now);
    /// let pipeline = vec![Cmd::new("RENAME").arg("a").arg("b"), Cmd::new("SELECT").arg("1")];
    /// cluster.submit_pipeline(pipeline, "batch 1", now); // both refused without a round trip
    /// let (token, results) = loop {
    ///     if let Output::PipelineReply { token, results, .. } = cluster.poll_output() {
    ///         break (token, results);
    ///     }
    /// };
    /// assert_eq!(token, "batch 1");
    /// assert_eq!(results[0], Err(Error::CrossSlot));
    /// assert!(matches!(results[1], Err(Error::Unsupported { .. })));
    /// ```
    PipelineReply {
        /// The pipeline (no longer known to the machine: its id is for logs).
        id: RequestId,
        /// What the caller gave [`Cluster::submit_pipeline`] with it.
        token: P,
        /// Each command's result, in the order the commands were given.
        results: Vec<Result<Value, Error>>,
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

/// A Redis Cluster client without I/O. See the [module docs](self).
///
/// ```
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
/// assert_eq!(reply, Ok(Value::BulkString("hello".into())));
/// ```
#[derive(Debug)]
pub struct Cluster<T = (), S = (), P = T> {
    pub(crate) config: Config,
    pub(crate) seeds: Vec<Addr>,
    pub(crate) rng: Rng,
    /// The connections, the ones being drained, and the stall check's schedule.
    pub(crate) conns: connections::Connections,
    /// The nodes, the slot table and the view they come from.
    pub(crate) routing: Routing,
    /// The submitted requests and the jobs that carry them out.
    pub(crate) requests: job::Requests<T, P>,
    pub(crate) timers: Timers,
    pub(crate) outputs: VecDeque<Output<T, P>>,
    pub(crate) refresh: refresh::RefreshState,
    pub(crate) scratch: KeyPositions,
    pub(crate) pubsub: pubsub::Subscriptions<S>,
    pub(crate) credentials: credentials::CredentialState,
    /// Views that took effect (for `metrics`).
    pub(crate) topology_changes: u64,
    /// The client-side cache, when configured (see `caching.rs`).
    pub(crate) cache: Option<cache::Cache>,
}

impl<T, S, P> Cluster<T, S, P> {
    pub(crate) fn emit(&mut self, output: Output<T, P>) {
        self.outputs.push_back(output);
    }

    pub(crate) fn event(&mut self, event: Event) {
        self.outputs.push_back(Output::Event(event));
    }

    /// The node index for `addr`, adding the node when it is new.
    pub(crate) fn node_for(&mut self, addr: &Addr) -> usize {
        self.routing.node_for(addr, &self.config.node_zones)
    }
}
