//! keyslot: a Redis Cluster client. Give it one address — a configuration endpoint, any
//! node — and it finds the cluster, routes every command to its shard, follows MOVED and
//! ASK, rides out failovers and resharding, and rediscovers the topology when it changes.
//!
//! ```no_run
//! # async fn demo() -> Result<(), keyslot::Error> {
//! use keyslot::Cmd;
//! let client = keyslot::tokio::Client::connect(["my-cluster.cfg.cache.amazonaws.com:6379"]).await?;
//! client.send(Cmd::new("SET").arg("greeting").arg("hello")).await?;
//! let value = client.send(Cmd::new("GET").arg("greeting")).await?;
//! # let _ = value; Ok(()) }
//! ```
//!
//! All protocol decisions are made by [`keyslot_core`], a sans-IO state machine; this crate
//! only carries bytes. One driver task per client owns the sockets (one multiplexed
//! connection per node) and the machine. Commands submitted concurrently are pipelined
//! automatically: the driver takes everything submitted since it last ran and writes each
//! connection's bytes at once.
//!
//! # Runtimes
//!
//! - [`tokio`] (feature `tokio`, default), [`smol`] (feature `smol`), [`async_std`] (feature
//!   `async-std`; async-std is discontinued upstream in favour of smol, and shares smol's
//!   async-io adapter here);
//! - [`blocking`] (feature `blocking`): the same driver on a thread of its own, behind a
//!   synchronous handle;
//! - anything else: drive [`keyslot_core::Cluster`] yourself (see the crate's
//!   `embed_core` example: a `std::net` poll loop in a page of code).
//!
//! # Seeds
//!
//! `host:port`, `redis://user:password@host:port`, `rediss://...` (TLS, feature `tls`).
//! Names are resolved afresh on every connection, and every address of a name is tried.
//! A custom [`Resolve`] can be injected.
//!
//! # Who gets connected to
//!
//! Every connection carries the credentials, so the client connects only to the seeds and to
//! the nodes the cluster's own topology lists. A MOVED or ASK naming any other address waits
//! for a rediscovery and is routed by its slot; if the fresh view still does not list the
//! address, the command fails with [`Error::NotInCluster`] (with `CLUSTER SLOTS`-only servers,
//! whose view omits nodes without slots, it bounces to [`Error::TooManyRedirects`]). Nodes
//! the topology stops listing have their connections closed once their requests are done.
//!
//! A node announced without an endpoint (`cluster-preferred-endpoint-type unknown-endpoint`)
//! is reached at its own IP, never at the name that was asked: behind a configuration
//! endpoint that name stands for every node. A `MOVED slot :port` is followed through the
//! topology in that case.
//!
//! # Tracing
//!
//! With feature `tracing`, every request is a `tracing` span named and attributed after
//! the OpenTelemetry database conventions (`db.system.name`, `db.operation.name`, the node
//! that answered, the slot, the redirects followed, the error code), and every event of the
//! machine a `tracing` event; see the `trace` module. Without it, nothing of it is compiled.

#[cfg(feature = "aws-iam")]
pub mod aws_iam;
mod builder;
mod client;
#[cfg(feature = "redis-compat")]
pub mod compat;
mod credentials;
mod driver;
mod entropy;
#[cfg(feature = "blocking")]
mod lead;
#[cfg(feature = "metrics")]
pub mod metrics_export;
mod pending;
mod resolve;
mod runtime;
mod scan;
mod subscription;
mod tls;
#[cfg(feature = "tls")]
mod tls_config;
#[cfg(feature = "tracing")]
pub mod trace;
#[cfg(not(feature = "tracing"))]
mod trace;
pub mod typed;
mod url;
mod waiter;
mod wake;

#[cfg(feature = "blocking")]
pub mod blocking;

pub use builder::{Builder, DEFAULT_MAX_PENDING_REQUESTS};
pub use client::Client;
pub use credentials::{Credentials, CredentialsError, CredentialsProvider};
pub use keyslot_core::cluster::Config;
pub use keyslot_core::cluster::{CacheConfig, CacheMetrics, Latency, Metrics, NodeMetrics};
pub use keyslot_core::cluster::{
    Error, Event, PubSub, ReadFrom, RefreshOutcome, RefreshTrigger, SeedFailure, ServerError,
    ServerErrorKind, SubscriptionKind,
};
pub use keyslot_core::convert::{FromValue, ToArgs};
pub use keyslot_core::resp::ValueKind;
pub use keyslot_core::resp::{Limits, Protocol, Value};
pub use keyslot_core::scan::{glob_match, ScanError, ScanOptions, ScanStats};
pub use keyslot_core::topology::{Addr, Topology};
pub use keyslot_core::{commands, key_slot, Cmd, Script, ScriptCall};
pub use resolve::{Resolve, StaticResolver};
pub use runtime::{BoxFuture, Keepalive, Runtime, Stream, Timer};
pub use scan::Scan;
pub use subscription::Subscription;

/// keyslot on tokio.
///
/// ```no_run
/// #[tokio::main]
/// async fn main() -> Result<(), keyslot::Error> {
///     let client = keyslot::tokio::Client::connect(["127.0.0.1:7000"]).await?;
///     client.send(keyslot::Cmd::new("PING")).await?;
///     Ok(())
/// }
/// ```
#[cfg(feature = "tokio")]
pub mod tokio {
    pub use crate::runtime::tokio::Tokio;
    /// A client whose driver runs as a tokio task.
    ///
    /// ```no_run
    /// use keyslot::{tokio::Client, Cmd, Error, Value};
    /// async fn visit(client: &Client, page: &str) -> Result<Value, Error> {
    ///     client.send(Cmd::new("INCR").arg(format!("visits:{page}"))).await
    /// }
    /// ```
    pub type Client = crate::Client<Tokio>;
    /// Its builder.
    ///
    /// ```
    /// let builder: keyslot::tokio::Builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
    ///     .client_name("web");
    /// ```
    pub type Builder = crate::Builder<Tokio>;
}

/// keyslot on smol.
///
/// ```no_run
/// fn main() -> Result<(), keyslot::Error> {
///     smol::block_on(async {
///         let client = keyslot::smol::Client::connect(["127.0.0.1:7000"]).await?;
///         client.send(keyslot::Cmd::new("PING")).await?;
///         Ok(())
///     })
/// }
/// ```
#[cfg(feature = "smol")]
pub mod smol {
    crate::runtime::async_io::async_io_runtime!(
        Smol,
        r#"The smol runtime (async-io reactor, smol's global executor).

It is the runtime parameter of the generic types: `keyslot::smol::Client` is
`keyslot::Client<Smol>`.

```
use keyslot::smol::Smol;
let builder: keyslot::Builder<Smol> = keyslot::Client::<Smol>::builder(["127.0.0.1:7000"]);
```"#,
        |f| { ::smol::spawn(f).detach() }
    );
    /// A client whose driver runs as a smol task.
    ///
    /// ```no_run
    /// use keyslot::{smol::Client, Cmd, Error, Value};
    /// async fn visit(client: &Client, page: &str) -> Result<Value, Error> {
    ///     client.send(Cmd::new("INCR").arg(format!("visits:{page}"))).await
    /// }
    /// ```
    pub type Client = crate::Client<Smol>;
    /// Its builder.
    ///
    /// ```
    /// let builder: keyslot::smol::Builder = keyslot::smol::Client::builder(["127.0.0.1:7000"])
    ///     .client_name("web");
    /// ```
    pub type Builder = crate::Builder<Smol>;
}

/// keyslot on async-std.
///
/// ```no_run
/// fn main() -> Result<(), keyslot::Error> {
///     async_std::task::block_on(async {
///         let client = keyslot::async_std::Client::connect(["127.0.0.1:7000"]).await?;
///         client.send(keyslot::Cmd::new("PING")).await?;
///         Ok(())
///     })
/// }
/// ```
#[cfg(feature = "async-std")]
pub mod async_std {
    crate::runtime::async_io::async_io_runtime!(
        AsyncStd,
        r#"The async-std runtime (async-io reactor, async-std's executor).

It is the runtime parameter of the generic types: `keyslot::async_std::Client` is
`keyslot::Client<AsyncStd>`.

```
use keyslot::async_std::AsyncStd;
let builder: keyslot::Builder<AsyncStd> =
    keyslot::Client::<AsyncStd>::builder(["127.0.0.1:7000"]);
```"#,
        |f| {
            ::async_std::task::spawn(f);
        }
    );
    /// A client whose driver runs as an async-std task.
    ///
    /// ```no_run
    /// use keyslot::{async_std::Client, Cmd, Error, Value};
    /// async fn visit(client: &Client, page: &str) -> Result<Value, Error> {
    ///     client.send(Cmd::new("INCR").arg(format!("visits:{page}"))).await
    /// }
    /// ```
    pub type Client = crate::Client<AsyncStd>;
    /// Its builder.
    ///
    /// ```
    /// let builder: keyslot::async_std::Builder =
    ///     keyslot::async_std::Client::builder(["127.0.0.1:7000"]).client_name("web");
    /// ```
    pub type Builder = crate::Builder<AsyncStd>;
}
