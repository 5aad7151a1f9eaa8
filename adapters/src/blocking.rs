//! The blocking client: the same driver, run by the calling thread when it can.
//!
//! [`Client::connect`] starts one thread for the async driver on the async-io reactor (plain
//! `std::net` sockets underneath). A call that finds nobody else driving runs the driver on
//! its own thread until its reply is in, with no hand-over to another thread; calls made
//! meanwhile from other threads hand their commands to it and are pipelined together like
//! the async clients'. When no call is in progress the driver's thread runs it: timers,
//! subscriptions, rediscovery (see `lead.rs`). Clones are cheap and can be used from many
//! threads at once. Do not call it from inside an async runtime's task: it blocks the
//! thread.
//!
//! ```no_run
//! # fn demo() -> Result<(), keyslot::Error> {
//! use keyslot::Cmd;
//! let client = keyslot::blocking::Client::connect(["127.0.0.1:7000"])?;
//! client.send(Cmd::new("SET").arg("greeting").arg("hello"))?;
//! let value = client.send(Cmd::new("GET").arg("greeting"))?;
//! # let _ = value; Ok(()) }
//! ```

use std::collections::VecDeque;

use bytes::Bytes;
use keyslot_core::cluster::Error;
use keyslot_core::resp::Value;
use keyslot_core::scan::{ScanError, ScanOptions, ScanStats};
use keyslot_core::topology::{Addr, Topology};
use keyslot_core::{Cmd, ScriptCall};

use crate::lead::Lead;
use crate::subscription::Subscription;

/// The blocking client's runtime: non-blocking `std::net` sockets on a reactor of each
/// client's own, driven by the calling threads and one thread per client (see `lead.rs`
/// and `runtime/poller.rs`).
///
/// It is the runtime parameter of the generic types: [`Builder`] is
/// `keyslot::Builder<Blocking>`.
///
/// ```
/// use keyslot::blocking::Blocking;
/// let builder: keyslot::Builder<Blocking> = keyslot::blocking::Client::builder(["127.0.0.1:7000"]);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Blocking;

impl crate::runtime::Runtime for Blocking {
    type Stream = crate::runtime::poller::PolledStream;
    type Timer = crate::runtime::poller::PolledTimer;

    fn connect_tcp(
        addr: std::net::SocketAddr,
    ) -> crate::runtime::BoxFuture<'static, std::io::Result<Self::Stream>> {
        crate::runtime::poller::connect_tcp(addr)
    }
    fn timer() -> Self::Timer {
        crate::runtime::poller::PolledTimer::default()
    }
    fn spawn(future: crate::runtime::BoxFuture<'static, ()>) {
        // The client's driver starts in `Lead::start`; anything else spawned gets a thread
        // and a reactor of its own.
        let spawned = std::thread::Builder::new()
            .name("keyslot-blocking".into())
            .spawn(move || match crate::runtime::poller::Reactor::new() {
                Ok(reactor) => crate::runtime::poller::block_on(&reactor, future),
                Err(e) => eprintln!("keyslot: cannot create a reactor: {e}"),
            });
        if let Err(e) = spawned {
            eprintln!("keyslot: cannot start a thread: {e}");
        }
    }
    fn resolve(
        host: String,
        port: u16,
    ) -> crate::runtime::BoxFuture<'static, std::io::Result<Vec<std::net::SocketAddr>>> {
        crate::runtime::async_io::resolve(host, port)
    }
}

/// Its builder: every knob of the async builders; [`crate::Builder::connect_blocking`] connects.
///
/// ```
/// let builder: keyslot::blocking::Builder = keyslot::blocking::Client::builder(["127.0.0.1:7000"])
///     .client_name("nightly-job");
/// ```
pub type Builder = crate::Builder<Blocking>;

/// A blocking Redis Cluster client. See the [module docs](self).
///
/// ```no_run
/// # fn demo() -> Result<(), keyslot::Error> {
/// use keyslot::Cmd;
/// let client = keyslot::blocking::Client::connect(["127.0.0.1:7000"])?;
/// let worker = client.clone(); // the same driver thread and connections
/// let done = std::thread::spawn(move || worker.send(Cmd::new("INCR").arg("hits")));
/// client.send(Cmd::new("INCR").arg("hits"))?;
/// done.join().unwrap()?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    inner: crate::Client<Blocking>,
    /// The driver, for the calls that drive it themselves.
    lead: std::sync::Arc<Lead>,
}

impl crate::Builder<Blocking> {
    /// Start the driver thread and wait until the cluster's topology is known.
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), keyslot::Error> {
    /// let client = keyslot::blocking::Client::builder(["127.0.0.1:7000"])
    ///     .client_name("nightly-job")
    ///     .connect_blocking()?;
    /// # let _ = client; Ok(()) }
    /// ```
    ///
    /// Without a seed there is nothing to connect to:
    ///
    /// ```
    /// let none = keyslot::blocking::Client::builder(Vec::<String>::new());
    /// assert!(matches!(none.connect_blocking(), Err(keyslot::Error::Config(_))));
    /// ```
    pub fn connect_blocking(self) -> Result<Client, Error> {
        let (driver, inner) = self.driver()?;
        let lead = Lead::start(driver)
            .map_err(|e| Error::Config(format!("cannot start the driver thread: {e}")))?;
        match inner.ready()?.blocking_recv() {
            Ok(result) => result.map(|()| Client { inner, lead }),
            Err(_) => Err(Error::Closed),
        }
    }
}

impl Client {
    /// Connect with default settings (see [`crate::Client::connect`] for seeds).
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), keyslot::Error> {
    /// let client = keyslot::blocking::Client::connect(["redis://app:secret@10.0.0.1:6379"])?;
    /// # let _ = client; Ok(()) }
    /// ```
    ///
    /// Seeds it cannot use fail with [`Error::Config`] before anything connects:
    ///
    /// ```
    /// let mixed = ["redis://10.0.0.1:6379", "rediss://10.0.0.2:6380"];
    /// let err = keyslot::blocking::Client::connect(mixed).unwrap_err();
    /// assert!(matches!(err, keyslot::Error::Config(_)));
    /// ```
    pub fn connect<I, S>(seeds: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self::builder(seeds).connect_blocking()
    }

    /// A builder with every knob.
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = keyslot::blocking::Client::builder(["127.0.0.1:7000"])
    ///     .request_timeout(Duration::from_secs(1));
    /// ```
    pub fn builder<I, S>(seeds: I) -> Builder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        crate::Client::<Blocking>::builder(seeds)
    }

    /// Run one command and wait for its reply.
    ///
    /// ```no_run
    /// # fn demo(client: keyslot::blocking::Client) -> Result<(), keyslot::Error> {
    /// use keyslot::Cmd;
    /// client.send(Cmd::new("SET").arg("greeting").arg("hello"))?;
    /// let value = client.send(Cmd::new("GET").arg("greeting"))?;
    /// assert_eq!(value.as_str(), Some("hello"));
    /// # Ok(()) }
    /// ```
    pub fn send(&self, cmd: Cmd) -> Result<Value, Error> {
        self.lead.run(self.inner.send(cmd))
    }

    /// [`send`](Self::send) with a deadline of its own (see [`crate::Client::send_timeout`]):
    /// the way a blocking caller gives up on a command, a blocking pop included.
    ///
    /// ```no_run
    /// # fn demo(client: keyslot::blocking::Client) -> Result<(), keyslot::Error> {
    /// use std::time::Duration;
    /// use keyslot::{Cmd, Error};
    /// match client.send_timeout(Cmd::new("BLPOP").arg("queue").arg(0), Duration::from_secs(30)) {
    ///     Err(Error::Timeout) => println!("nothing queued in 30 s"),
    ///     other => println!("{:?}", other?),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn send_timeout(&self, cmd: Cmd, timeout: std::time::Duration) -> Result<Value, Error> {
        self.lead.run(self.inner.send_timeout(cmd, timeout))
    }

    /// Run commands for any slots; results in order.
    ///
    /// ```no_run
    /// # fn demo(client: keyslot::blocking::Client) -> Result<(), keyslot::Error> {
    /// use keyslot::Cmd;
    /// let cmds = vec![Cmd::new("INCR").arg("a"), Cmd::new("INCR").arg("b")];
    /// for result in client.pipeline(cmds)? {
    ///     println!("{:?}", result?);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn pipeline(&self, cmds: Vec<Cmd>) -> Result<Vec<Result<Value, Error>>, Error> {
        self.lead.run(self.inner.pipeline(cmds))
    }

    /// Run a command on one node; its own answer is the reply (no redirects followed).
    ///
    /// ```no_run
    /// # fn demo(client: keyslot::blocking::Client) -> Result<(), keyslot::Error> {
    /// use keyslot::{Addr, Cmd};
    /// let node = Addr::new("10.0.0.1", 6379);
    /// let info = client.send_to(&node, Cmd::new("INFO").arg("memory"))?;
    /// # let _ = info; Ok(()) }
    /// ```
    pub fn send_to(&self, node: &Addr, cmd: Cmd) -> Result<Value, Error> {
        self.lead.run(self.inner.send_to(node, cmd))
    }

    /// Run a script by its digest, loading it where a node lacks it.
    ///
    /// ```no_run
    /// # fn demo(client: keyslot::blocking::Client) -> Result<(), keyslot::Error> {
    /// use keyslot::Script;
    /// let incr_by = Script::new("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    /// let n = client.script(incr_by.call().key("counter").arg(5))?;
    /// # let _ = n; Ok(()) }
    /// ```
    pub fn script(&self, call: ScriptCall) -> Result<Value, Error> {
        self.lead.run(self.inner.script(call))
    }

    /// Subscribe to channels; read the items with [`Subscription::blocking_next`].
    ///
    /// ```no_run
    /// # fn demo(client: keyslot::blocking::Client) -> Result<(), keyslot::Error> {
    /// use keyslot::PubSub;
    /// let mut news = client.subscribe(["news"])?;
    /// while let Some(item) = news.blocking_next() {
    ///     if let PubSub::Message { payload, .. } = item {
    ///         println!("{}", String::from_utf8_lossy(&payload));
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn subscribe<I, C>(&self, channels: I) -> Result<Subscription, Error>
    where
        I: IntoIterator<Item = C>,
        C: AsRef<[u8]>,
    {
        self.inner.subscribe(channels)
    }

    /// Subscribe to channel patterns.
    ///
    /// ```no_run
    /// # fn demo(client: keyslot::blocking::Client) -> Result<(), keyslot::Error> {
    /// let mut events = client.psubscribe(["events.*"])?;
    /// while let Some(item) = events.blocking_next() {
    ///     println!("{item:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn psubscribe<I, C>(&self, patterns: I) -> Result<Subscription, Error>
    where
        I: IntoIterator<Item = C>,
        C: AsRef<[u8]>,
    {
        self.inner.psubscribe(patterns)
    }

    /// Subscribe to shard channels, each on its slot's primary.
    ///
    /// ```no_run
    /// # fn demo(client: keyslot::blocking::Client) -> Result<(), keyslot::Error> {
    /// let mut orders = client.ssubscribe(["orders:{eu}"])?;
    /// while let Some(item) = orders.blocking_next() {
    ///     println!("{item:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn ssubscribe<I, C>(&self, channels: I) -> Result<Subscription, Error>
    where
        I: IntoIterator<Item = C>,
        C: AsRef<[u8]>,
    {
        self.inner.ssubscribe(channels)
    }

    /// The client's current view of the cluster.
    ///
    /// ```no_run
    /// # fn demo(client: keyslot::blocking::Client) -> Result<(), keyslot::Error> {
    /// if let Some(topology) = client.topology()? {
    ///     println!("{} shards", topology.shards().len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn topology(&self) -> Result<Option<Topology>, Error> {
        self.lead.run(self.inner.topology())
    }

    /// What the client saw of each node so far (see [`crate::Client::metrics`]).
    ///
    /// ```no_run
    /// # fn demo(client: keyslot::blocking::Client) -> Result<(), keyslot::Error> {
    /// let metrics = client.metrics()?;
    /// let replies: u64 = metrics.nodes.iter().map(|n| n.replies).sum();
    /// println!("{replies} replies, {} timed out", metrics.requests_timed_out);
    /// # Ok(()) }
    /// ```
    pub fn metrics(&self) -> Result<crate::Metrics, Error> {
        self.lead.run(self.inner.metrics())
    }

    /// Scan every key of the cluster; see [`crate::Client::scan`] for the guarantee. The
    /// iterator yields keys one by one and ends after an error.
    ///
    /// ```no_run
    /// # fn demo(client: keyslot::blocking::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use keyslot::ScanOptions;
    /// let opts = ScanOptions { pattern: Some("session:*".into()), ..ScanOptions::default() };
    /// for key in client.scan(opts) {
    ///     println!("{}", String::from_utf8_lossy(&key?));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn scan(&self, opts: ScanOptions) -> Scan {
        Scan {
            inner: self.inner.scan(opts),
            lead: self.lead.clone(),
            ready: VecDeque::new(),
        }
    }

    /// Run commands as one MULTI/EXEC transaction on one slot.
    ///
    /// ```no_run
    /// # fn demo(client: keyslot::blocking::Client) -> Result<(), keyslot::Error> {
    /// use keyslot::Cmd;
    /// // `{user:1}` is the hash tag: both keys are on its slot.
    /// let replies = client.transaction(vec![
    ///     Cmd::new("HSET").arg("{user:1}:profile").arg("name").arg("Ada"),
    ///     Cmd::new("INCR").arg("{user:1}:version"),
    /// ])?;
    /// # let _ = replies; Ok(()) }
    /// ```
    pub fn transaction(&self, cmds: Vec<Cmd>) -> Result<Value, Error> {
        self.lead.run(self.inner.transaction(cmds))
    }
}

/// A blocking cluster-wide scan: an iterator over keys. See [`crate::Scan`].
///
/// ```no_run
/// # fn demo(client: keyslot::blocking::Client) -> Result<(), Box<dyn std::error::Error>> {
/// let keys = client
///     .scan(keyslot::ScanOptions::default())
///     .collect::<Result<Vec<_>, _>>()?;
/// println!("{} keys (some may be repeated)", keys.len());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Scan {
    inner: crate::Scan<Blocking>,
    lead: std::sync::Arc<Lead>,
    ready: VecDeque<Bytes>,
}

impl Scan {
    /// The next batch of keys as one node returned it, `None` once the scan is complete
    /// (keys already taken one by one through the iterator are not repeated).
    ///
    /// ```no_run
    /// # fn demo(client: keyslot::blocking::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let mut scan = client.scan(keyslot::ScanOptions { count: Some(500), ..Default::default() });
    /// while let Some(batch) = scan.next_batch() {
    ///     println!("{} keys", batch?.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn next_batch(&mut self) -> Option<Result<Vec<Bytes>, ScanError>> {
        if !self.ready.is_empty() {
            return Some(Ok(self.ready.drain(..).collect()));
        }
        self.lead.run(self.inner.next_batch())
    }

    /// What the scan has done so far.
    ///
    /// ```no_run
    /// # fn demo(client: keyslot::blocking::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let mut scan = client.scan(keyslot::ScanOptions::default());
    /// for key in &mut scan {
    ///     key?;
    /// }
    /// println!("{} primaries scanned", scan.stats().nodes_scanned);
    /// # Ok(()) }
    /// ```
    pub fn stats(&self) -> ScanStats {
        self.inner.stats()
    }
}

impl Iterator for Scan {
    type Item = Result<Bytes, ScanError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(key) = self.ready.pop_front() {
                return Some(Ok(key));
            }
            match self.next_batch()? {
                Ok(keys) => self.ready.extend(keys),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}
