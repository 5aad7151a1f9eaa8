//! One client scenario, every runtime: the glue that lets the real-cluster client tests
//! (`tests/tests/client_*.rs`) write a scenario once and run it on tokio, smol, async-std and
//! the blocking client.
//!
//! # Why this shape
//!
//! The four clients share one driver but differ in how they are called (`.await` or a
//! blocking call) and in what runs the caller's concurrent work (tasks or threads). A
//! scenario is written once as an `async fn` generic over [`Flavor`], using only what every
//! flavour can provide:
//!
//! - [`Flavor::block_on`] runs the scenario's top future on the test's thread;
//! - [`Flavor::spawn`] runs concurrent work: a task on the async runtimes, a thread of its
//!   own for the blocking client — so the blocking client's calls, which block whoever makes
//!   them, are always made from a thread that may block;
//! - [`TestClient`] wraps each client behind the same `async` methods (for the blocking
//!   client they simply block when polled, which is fine on such a thread).
//!
//! The rule that keeps the blocking flavour honest: never run two client calls concurrently
//! inside one future (no `join`, no `select`); concurrency comes from [`Flavor::spawn`] only.
//! The scenario's top future may block (harness calls such as a failover block for seconds):
//! on every flavour it runs on the test's own thread, never on a thread the client's driver
//! or the spawned work needs.
//!
//! [`on_every_runtime!`](crate::on_every_runtime) runs one scenario on each flavour in turn,
//! printing how long each took, and fails the test naming every flavour that failed (a
//! [`Runs`] collects several scenarios run on one cluster).
//! [`claim_machine`] serialises the real-cluster client tests of one test binary: the suite
//! runs on 2-core machines, and two clusters under load at once would make healthy nodes miss
//! their cluster-bus deadlines and fail over for no reason (cargo already runs the test
//! binaries one after another).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_lite::FutureExt;
use keyslot::{
    Addr, BoxFuture, Builder, Cmd, Error, ScanError, ScanOptions, ScanStats, ScriptCall,
    Subscription, SubscriptionKind, Topology, Value,
};

use crate::cluster::{Node, RedisCluster};

/// `cluster-node-timeout` for clusters where no node is meant to fail: long enough that a
/// 2-core machine under load never makes a healthy node look dead (the harness's default is
/// short, for tests that kill nodes).
pub const QUIET_NODE_TIMEOUT: Duration = Duration::from_secs(5);

/// Three primaries without replicas on [`QUIET_NODE_TIMEOUT`]: the cluster of scenarios in
/// which no node is meant to fail over.
pub fn quiet_primaries() -> crate::cluster::ClusterSpec {
    crate::cluster::ClusterSpec::new()
        .shape(3, 0)
        .node_timeout(QUIET_NODE_TIMEOUT)
}

/// The environment variable that limits a local run to some runtimes (`tokio,blocking`), to
/// iterate faster on one of them. Refused under `CI=true`, where every runtime must run.
pub const RUNTIMES_VAR: &str = "KEYSLOT_TEST_RUNTIMES";

/// The results of one pipeline.
pub type PipelineResult = Result<Vec<Result<Value, Error>>, Error>;

/// How long a paced scan pauses after each batch, asked again every time.
pub type Pace<'a> = dyn Fn() -> Duration + Sync + 'a;

/// A whole scan: every key returned (repeats kept) or the error that ended it, and its stats.
pub type ScanOutcome = (Result<Vec<bytes::Bytes>, ScanError>, ScanStats);

/// A cluster scan's batches, async or blocking alike (for [`paced_scan`]).
trait ScanBatches {
    fn next(&mut self) -> BoxFuture<'_, Option<Result<Vec<bytes::Bytes>, ScanError>>>;
    fn stats(&self) -> ScanStats;
}

impl<R: keyslot::Runtime> ScanBatches for keyslot::Scan<R> {
    fn next(&mut self) -> BoxFuture<'_, Option<Result<Vec<bytes::Bytes>, ScanError>>> {
        Box::pin(self.next_batch())
    }
    fn stats(&self) -> ScanStats {
        keyslot::Scan::stats(self)
    }
}

impl ScanBatches for keyslot::blocking::Scan {
    fn next(&mut self) -> BoxFuture<'_, Option<Result<Vec<bytes::Bytes>, ScanError>>> {
        let batch = self.next_batch();
        Box::pin(async move { batch })
    }
    fn stats(&self) -> ScanStats {
        keyslot::blocking::Scan::stats(self)
    }
}

/// Drain `scan`, pausing `pace()` after each batch.
async fn paced_scan<F: Flavor>(mut scan: impl ScanBatches, pace: &Pace<'_>) -> ScanOutcome {
    let mut keys = Vec::new();
    while let Some(batch) = scan.next().await {
        match batch {
            Ok(batch) => keys.extend(batch),
            Err(e) => return (Err(e), scan.stats()),
        }
        let pause = pace();
        if !pause.is_zero() {
            F::sleep(pause).await;
        }
    }
    (Ok(keys), scan.stats())
}

/// A way of running the keyslot client: its runtime, how to spawn concurrent work on it, and
/// its client type behind async methods.
pub trait Flavor: Send + Sync + Sized + 'static {
    /// The name tests print: `tokio`, `smol`, `async-std`, `blocking`.
    const NAME: &'static str;
    /// The flavour's place in the order [`on_every_runtime!`](crate::on_every_runtime) runs
    /// them (0 to 3): scenarios sharing a cluster use it to pick different shards or slots.
    const INDEX: usize;
    /// The keyslot runtime whose builder this flavour connects with.
    type Runtime: keyslot::Runtime;
    /// The client handle.
    type Client: Clone + Send + Sync + 'static;

    /// Run `future` to completion on the calling thread (the scenario's top future).
    fn block_on<T>(future: impl Future<Output = T>) -> T;
    /// Run `future` concurrently with the caller: a task, or a thread for the blocking client.
    fn spawn<T: Send + 'static>(future: impl Future<Output = T> + Send + 'static) -> Task<T>;
    /// Wait `d` (the blocking flavour sleeps: every future of it owns its thread).
    fn sleep(d: Duration) -> BoxFuture<'static, ()>;

    /// Connect as the builder says.
    fn connect(builder: Builder<Self::Runtime>) -> BoxFuture<'static, Result<Self::Client, Error>>;
    /// [`keyslot::Client::send`].
    fn send(client: &Self::Client, cmd: Cmd) -> BoxFuture<'_, Result<Value, Error>>;
    /// [`keyslot::Client::send_timeout`].
    fn send_timeout(
        client: &Self::Client,
        cmd: Cmd,
        timeout: Duration,
    ) -> BoxFuture<'_, Result<Value, Error>>;
    /// [`keyslot::Client::pipeline`].
    fn pipeline(client: &Self::Client, cmds: Vec<Cmd>) -> BoxFuture<'_, PipelineResult>;
    /// [`keyslot::Client::transaction`].
    fn transaction(client: &Self::Client, cmds: Vec<Cmd>) -> BoxFuture<'_, Result<Value, Error>>;
    /// [`keyslot::Client::send_to`].
    fn send_to<'a>(
        client: &'a Self::Client,
        node: &'a Addr,
        cmd: Cmd,
    ) -> BoxFuture<'a, Result<Value, Error>>;
    /// [`keyslot::Client::topology`].
    fn topology(client: &Self::Client) -> BoxFuture<'_, Result<Option<Topology>, Error>>;
    /// [`keyslot::Client::metrics`].
    fn metrics(client: &Self::Client) -> BoxFuture<'_, Result<keyslot::Metrics, Error>>;
    /// [`keyslot::Client::script`].
    fn script(client: &Self::Client, call: ScriptCall) -> BoxFuture<'_, Result<Value, Error>>;
    /// [`keyslot::Client::subscribe`], `psubscribe` or `ssubscribe`, by `kind`.
    fn subscribe(
        client: &Self::Client,
        kind: SubscriptionKind,
        channels: Vec<String>,
    ) -> Result<Subscription, Error>;
    /// [`keyslot::Client::scan`] to the end, pausing `pace()` after each batch (so that a
    /// test can make a scan last while the cluster changes, and until a change is done).
    fn scan<'a>(
        client: &'a Self::Client,
        opts: ScanOptions,
        pace: &'a Pace<'a>,
    ) -> BoxFuture<'a, ScanOutcome>;
}

/// A client of flavour `F` behind the same async methods on every flavour.
pub struct TestClient<F: Flavor> {
    inner: F::Client,
}

impl<F: Flavor> Clone for TestClient<F> {
    fn clone(&self) -> Self {
        TestClient {
            inner: self.inner.clone(),
        }
    }
}

impl<F: Flavor> TestClient<F> {
    /// A builder for `seeds` on this flavour's runtime.
    pub fn builder<I, S>(seeds: I) -> Builder<F::Runtime>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        keyslot::Client::<F::Runtime>::builder(seeds)
    }

    /// A builder for `cluster`, seeded with its seed address.
    pub fn builder_for(cluster: &crate::cluster::RedisCluster) -> Builder<F::Runtime> {
        let seed = cluster
            .seed_addr()
            .expect("the cluster has a seed")
            .to_string();
        Self::builder([seed])
    }

    /// Connect with the builder's settings (the blocking flavour: `connect_blocking`).
    pub async fn connect(builder: Builder<F::Runtime>) -> Result<Self, Error> {
        Ok(TestClient {
            inner: F::connect(builder).await?,
        })
    }

    /// Run one command.
    pub async fn send(&self, cmd: Cmd) -> Result<Value, Error> {
        F::send(&self.inner, cmd).await
    }

    /// Run one command with a deadline of its own.
    pub async fn send_timeout(&self, cmd: Cmd, timeout: Duration) -> Result<Value, Error> {
        F::send_timeout(&self.inner, cmd, timeout).await
    }

    /// Send `cmd` and stop waiting for it after `after`, the way each flavour's caller gives
    /// up: the async ones drop the future (as a `timeout` around it does); the blocking
    /// client, whose call cannot be dropped, gives the command a deadline of its own.
    /// Returns the reply if it came in time, `None` if the caller gave up.
    pub async fn abandon_after(&self, cmd: Cmd, after: Duration) -> Option<Result<Value, Error>> {
        if F::NAME == "blocking" {
            return match self.send_timeout(cmd, after).await {
                Err(Error::Timeout | Error::OutcomeUnknown { .. }) => None,
                other => Some(other),
            };
        }
        let send = async { Some(self.send(cmd).await) };
        send.or(async {
            F::sleep(after).await;
            None
        })
        .await
    }

    /// Run a pipeline.
    pub async fn pipeline(&self, cmds: Vec<Cmd>) -> PipelineResult {
        F::pipeline(&self.inner, cmds).await
    }

    /// Run a MULTI/EXEC transaction.
    pub async fn transaction(&self, cmds: Vec<Cmd>) -> Result<Value, Error> {
        F::transaction(&self.inner, cmds).await
    }

    /// Run a command on one node.
    pub async fn send_to(&self, node: &Addr, cmd: Cmd) -> Result<Value, Error> {
        F::send_to(&self.inner, node, cmd).await
    }

    /// Run a script call (EVALSHA, loading the script where it is missing).
    pub async fn script(&self, call: ScriptCall) -> Result<Value, Error> {
        F::script(&self.inner, call).await
    }

    /// Subscribe to channels, patterns or shard channels.
    pub fn subscribe(
        &self,
        kind: SubscriptionKind,
        channels: Vec<String>,
    ) -> Result<Subscription, Error> {
        F::subscribe(&self.inner, kind, channels)
    }

    /// A whole cluster scan; see [`Flavor::scan`].
    pub async fn scan(&self, opts: ScanOptions, pace: &Pace<'_>) -> ScanOutcome {
        F::scan(&self.inner, opts, pace).await
    }

    /// The client's view of the cluster.
    pub async fn topology(&self) -> Option<Topology> {
        F::topology(&self.inner)
            .await
            .expect("the client answers topology requests while it lives")
    }

    /// The client's counters.
    pub async fn metrics(&self) -> keyslot::Metrics {
        F::metrics(&self.inner)
            .await
            .expect("the client answers metrics requests while it lives")
    }
}

/// Concurrent work started by [`Flavor::spawn`]; await it for its output. A panic inside it
/// is raised again in the awaiting test.
pub struct Task<T> {
    rx: tokio::sync::oneshot::Receiver<std::thread::Result<T>>,
}

impl<T> Task<T> {
    /// The channel a spawned body reports on, and the task awaiting it.
    fn channel() -> (
        tokio::sync::oneshot::Sender<std::thread::Result<T>>,
        Task<T>,
    ) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        (tx, Task { rx })
    }
}

impl<T> Future for Task<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        match Pin::new(&mut self.rx).poll(cx) {
            Poll::Ready(Ok(Ok(value))) => Poll::Ready(value),
            Poll::Ready(Ok(Err(panic))) => std::panic::resume_unwind(panic),
            Poll::Ready(Err(_)) => panic!("a spawned task was dropped before it finished"),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// `future`, reporting its output (or its panic) on `tx`.
async fn report<T>(
    future: impl Future<Output = T>,
    tx: tokio::sync::oneshot::Sender<std::thread::Result<T>>,
) {
    let result = AssertUnwindSafe(future).catch_unwind().await;
    let _ = tx.send(result);
}

/// keyslot on a multi-threaded tokio runtime (2 workers, as many as the CI machine has cores).
#[derive(Debug)]
pub struct Tokio;

/// keyslot on smol (its global executor).
#[derive(Debug)]
pub struct Smol;

/// keyslot on async-std (its global executor).
#[derive(Debug)]
pub struct AsyncStd;

/// The blocking client; each spawned future gets a thread of its own.
#[derive(Debug)]
pub struct Blocking;

/// `subscribe`, `psubscribe` or `ssubscribe` by kind: the async and blocking clients name
/// them alike but are different types.
macro_rules! subscribe_by_kind {
    ($client:expr, $kind:expr, $channels:expr) => {
        match $kind {
            SubscriptionKind::Channel => $client.subscribe($channels),
            SubscriptionKind::Pattern => $client.psubscribe($channels),
            SubscriptionKind::Shard => $client.ssubscribe($channels),
        }
    };
}

/// The body of every async flavour's client calls: the same `keyslot::Client<R>` methods.
macro_rules! async_client_calls {
    ($runtime:ty) => {
        fn connect(builder: Builder<$runtime>) -> BoxFuture<'static, Result<Self::Client, Error>> {
            Box::pin(builder.connect())
        }
        fn send(client: &Self::Client, cmd: Cmd) -> BoxFuture<'_, Result<Value, Error>> {
            Box::pin(client.send(cmd))
        }
        fn send_timeout(
            client: &Self::Client,
            cmd: Cmd,
            timeout: Duration,
        ) -> BoxFuture<'_, Result<Value, Error>> {
            Box::pin(client.send_timeout(cmd, timeout))
        }
        fn pipeline(client: &Self::Client, cmds: Vec<Cmd>) -> BoxFuture<'_, PipelineResult> {
            Box::pin(client.pipeline(cmds))
        }
        fn transaction(
            client: &Self::Client,
            cmds: Vec<Cmd>,
        ) -> BoxFuture<'_, Result<Value, Error>> {
            Box::pin(client.transaction(cmds))
        }
        fn send_to<'a>(
            client: &'a Self::Client,
            node: &'a Addr,
            cmd: Cmd,
        ) -> BoxFuture<'a, Result<Value, Error>> {
            Box::pin(client.send_to(node, cmd))
        }
        fn topology(client: &Self::Client) -> BoxFuture<'_, Result<Option<Topology>, Error>> {
            Box::pin(client.topology())
        }
        fn metrics(client: &Self::Client) -> BoxFuture<'_, Result<keyslot::Metrics, Error>> {
            Box::pin(client.metrics())
        }
        fn script(client: &Self::Client, call: ScriptCall) -> BoxFuture<'_, Result<Value, Error>> {
            Box::pin(client.script(call))
        }
        fn subscribe(
            client: &Self::Client,
            kind: SubscriptionKind,
            channels: Vec<String>,
        ) -> Result<Subscription, Error> {
            subscribe_by_kind!(client, kind, channels)
        }
        fn scan<'a>(
            client: &'a Self::Client,
            opts: ScanOptions,
            pace: &'a Pace<'a>,
        ) -> BoxFuture<'a, ScanOutcome> {
            Box::pin(paced_scan::<Self>(client.scan(opts), pace))
        }
    };
}

impl Flavor for Tokio {
    const NAME: &'static str = "tokio";
    const INDEX: usize = 0;
    type Runtime = keyslot::tokio::Tokio;
    type Client = keyslot::tokio::Client;

    fn block_on<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime starts")
            .block_on(future)
    }
    fn spawn<T: Send + 'static>(future: impl Future<Output = T> + Send + 'static) -> Task<T> {
        let (tx, task) = Task::channel();
        tokio::spawn(report(future, tx));
        task
    }
    fn sleep(d: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(d))
    }
    async_client_calls!(keyslot::tokio::Tokio);
}

impl Flavor for Smol {
    const NAME: &'static str = "smol";
    const INDEX: usize = 1;
    type Runtime = keyslot::smol::Smol;
    type Client = keyslot::smol::Client;

    fn block_on<T>(future: impl Future<Output = T>) -> T {
        smol::block_on(future)
    }
    fn spawn<T: Send + 'static>(future: impl Future<Output = T> + Send + 'static) -> Task<T> {
        let (tx, task) = Task::channel();
        smol::spawn(report(future, tx)).detach();
        task
    }
    fn sleep(d: Duration) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            smol::Timer::after(d).await;
        })
    }
    async_client_calls!(keyslot::smol::Smol);
}

impl Flavor for AsyncStd {
    const NAME: &'static str = "async-std";
    const INDEX: usize = 2;
    type Runtime = keyslot::async_std::AsyncStd;
    type Client = keyslot::async_std::Client;

    fn block_on<T>(future: impl Future<Output = T>) -> T {
        async_std::task::block_on(future)
    }
    fn spawn<T: Send + 'static>(future: impl Future<Output = T> + Send + 'static) -> Task<T> {
        let (tx, task) = Task::channel();
        async_std::task::spawn(report(future, tx));
        task
    }
    fn sleep(d: Duration) -> BoxFuture<'static, ()> {
        Box::pin(async_std::task::sleep(d))
    }
    async_client_calls!(keyslot::async_std::AsyncStd);
}

impl Flavor for Blocking {
    const NAME: &'static str = "blocking";
    const INDEX: usize = 3;
    type Runtime = keyslot::blocking::Blocking;
    type Client = keyslot::blocking::Client;

    fn block_on<T>(future: impl Future<Output = T>) -> T {
        futures_lite::future::block_on(future)
    }
    fn spawn<T: Send + 'static>(future: impl Future<Output = T> + Send + 'static) -> Task<T> {
        let (tx, task) = Task::channel();
        std::thread::Builder::new()
            .name("blocking-flavour-task".into())
            .spawn(move || futures_lite::future::block_on(report(future, tx)))
            .expect("a thread starts");
        task
    }
    fn sleep(d: Duration) -> BoxFuture<'static, ()> {
        Box::pin(async move { std::thread::sleep(d) })
    }
    fn connect(
        builder: keyslot::blocking::Builder,
    ) -> BoxFuture<'static, Result<Self::Client, Error>> {
        Box::pin(async move { builder.connect_blocking() })
    }
    fn send(client: &Self::Client, cmd: Cmd) -> BoxFuture<'_, Result<Value, Error>> {
        Box::pin(async move { client.send(cmd) })
    }
    fn send_timeout(
        client: &Self::Client,
        cmd: Cmd,
        timeout: Duration,
    ) -> BoxFuture<'_, Result<Value, Error>> {
        Box::pin(async move { client.send_timeout(cmd, timeout) })
    }
    fn pipeline(client: &Self::Client, cmds: Vec<Cmd>) -> BoxFuture<'_, PipelineResult> {
        Box::pin(async move { client.pipeline(cmds) })
    }
    fn transaction(client: &Self::Client, cmds: Vec<Cmd>) -> BoxFuture<'_, Result<Value, Error>> {
        Box::pin(async move { client.transaction(cmds) })
    }
    fn send_to<'a>(
        client: &'a Self::Client,
        node: &'a Addr,
        cmd: Cmd,
    ) -> BoxFuture<'a, Result<Value, Error>> {
        Box::pin(async move { client.send_to(node, cmd) })
    }
    fn topology(client: &Self::Client) -> BoxFuture<'_, Result<Option<Topology>, Error>> {
        Box::pin(async move { client.topology() })
    }
    fn metrics(client: &Self::Client) -> BoxFuture<'_, Result<keyslot::Metrics, Error>> {
        Box::pin(async move { client.metrics() })
    }
    fn script(client: &Self::Client, call: ScriptCall) -> BoxFuture<'_, Result<Value, Error>> {
        Box::pin(async move { client.script(call) })
    }
    fn subscribe(
        client: &Self::Client,
        kind: SubscriptionKind,
        channels: Vec<String>,
    ) -> Result<Subscription, Error> {
        subscribe_by_kind!(client, kind, channels)
    }
    fn scan<'a>(
        client: &'a Self::Client,
        opts: ScanOptions,
        pace: &'a Pace<'a>,
    ) -> BoxFuture<'a, ScanOutcome> {
        Box::pin(paced_scan::<Self>(client.scan(opts), pace))
    }
}

/// Run `scenario::<F>(args..)` for every flavour `F` in turn (each inside its own
/// [`Flavor::block_on`]) and print each one's time. A failure on one runtime does not stop
/// the others: the first form panics at the end naming every flavour that failed; the second
/// records into a [`Runs`] shared by several scenarios on one cluster, which panics at its
/// [`Runs::finish`] naming every scenario and flavour that failed.
///
/// ```text
/// // async fn pipelines_keep_order<F: Flavor>(cluster: &RedisCluster) { .. }
/// on_every_runtime!("pipelines keep order", pipelines_keep_order(&cluster));
///
/// let mut runs = Runs::new();
/// on_every_runtime!(runs, "pipelines keep order", pipelines_keep_order(&cluster));
/// on_every_runtime!(runs, "transactions", transactions(&cluster));
/// runs.finish();
/// ```
#[macro_export]
macro_rules! on_every_runtime {
    // A scenario that runs its own threads and calls `F::block_on` itself.
    ($runs:ident, $what:expr, sync $scenario:ident ( $($arg:expr),* $(,)? )) => {{
        $runs.run::<$crate::runtimes::Tokio, _>($what, || {
            $scenario::<$crate::runtimes::Tokio>($($arg),*)
        });
        $runs.run::<$crate::runtimes::Smol, _>($what, || {
            $scenario::<$crate::runtimes::Smol>($($arg),*)
        });
        $runs.run::<$crate::runtimes::AsyncStd, _>($what, || {
            $scenario::<$crate::runtimes::AsyncStd>($($arg),*)
        });
        $runs.run::<$crate::runtimes::Blocking, _>($what, || {
            $scenario::<$crate::runtimes::Blocking>($($arg),*)
        });
    }};
    ($what:expr, $scenario:ident ( $($arg:expr),* $(,)? )) => {{
        let mut runs = $crate::runtimes::Runs::new();
        $crate::on_every_runtime!(runs, $what, $scenario($($arg),*));
        runs.finish();
    }};
    ($runs:ident, $what:expr, $scenario:ident ( $($arg:expr),* $(,)? )) => {{
        $runs.run::<$crate::runtimes::Tokio, _>($what, || {
            <$crate::runtimes::Tokio as $crate::runtimes::Flavor>::block_on(
                $scenario::<$crate::runtimes::Tokio>($($arg),*),
            )
        });
        $runs.run::<$crate::runtimes::Smol, _>($what, || {
            <$crate::runtimes::Smol as $crate::runtimes::Flavor>::block_on(
                $scenario::<$crate::runtimes::Smol>($($arg),*),
            )
        });
        $runs.run::<$crate::runtimes::AsyncStd, _>($what, || {
            <$crate::runtimes::AsyncStd as $crate::runtimes::Flavor>::block_on(
                $scenario::<$crate::runtimes::AsyncStd>($($arg),*),
            )
        });
        $runs.run::<$crate::runtimes::Blocking, _>($what, || {
            <$crate::runtimes::Blocking as $crate::runtimes::Flavor>::block_on(
                $scenario::<$crate::runtimes::Blocking>($($arg),*),
            )
        });
    }};
}

/// Scenario runs and their failures (see [`on_every_runtime!`](crate::on_every_runtime)).
#[derive(Debug)]
pub struct Runs {
    began: Instant,
    count: usize,
    failed: Vec<String>,
}

impl Default for Runs {
    fn default() -> Self {
        Runs::new()
    }
}

impl Runs {
    /// No runs yet.
    pub fn new() -> Runs {
        Runs {
            began: Instant::now(),
            count: 0,
            failed: Vec::new(),
        }
    }

    /// Run `body` as scenario `what` on flavour `F`, catching its panic.
    pub fn run<F: Flavor, B: FnOnce()>(&mut self, what: &str, body: B) {
        if !selected(F::NAME) {
            eprintln!("SKIPPED: {what} on {}: not in {RUNTIMES_VAR}", F::NAME);
            return;
        }
        self.count += 1;
        println!("=== {what} on {}", F::NAME);
        let began = Instant::now();
        match std::panic::catch_unwind(AssertUnwindSafe(body)) {
            Ok(()) => println!("--- {what} on {}: ok in {:.2?}", F::NAME, began.elapsed()),
            Err(panic) => {
                let message = panic_message(&*panic);
                println!(
                    "--- {what} on {}: FAILED after {:.2?}: {message}",
                    F::NAME,
                    began.elapsed()
                );
                self.failed
                    .push(format!("{what} on {}: {message}", F::NAME));
            }
        }
    }

    /// Panic if any run failed.
    pub fn finish(self) {
        println!(
            "=== {} runs in {:.2?}, {} failed",
            self.count,
            self.began.elapsed(),
            self.failed.len()
        );
        if !self.failed.is_empty() {
            panic!("failed:\n  {}", self.failed.join("\n  "));
        }
    }
}

/// The message a panic carried, whatever its payload type.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_owned()
    }
}

/// Whether [`RUNTIMES_VAR`] lets flavour `name` run (it is unset: all run).
fn selected(name: &str) -> bool {
    let Ok(list) = std::env::var(RUNTIMES_VAR) else {
        return true;
    };
    if crate::require::in_ci() {
        panic!("{RUNTIMES_VAR}={list} would skip runtimes, which CI=true forbids");
    }
    list.split(',').any(|n| n.trim() == name)
}

/// Holds the machine for one real-cluster client test; see the [module docs](self).
#[derive(Debug)]
pub struct MachineClaim {
    _guard: MutexGuard<'static, ()>,
}

/// Wait until no other real-cluster client test of this binary runs, and claim the machine.
/// `None` when there is no `redis-server` here (the test is skipped with the reason printed,
/// or fails under `CI=true`: see [`crate::require_redis`]).
pub fn claim_machine() -> Option<MachineClaim> {
    if !crate::require_redis() {
        return None;
    }
    static LOCK: Mutex<()> = Mutex::new(());
    // A failed test poisons the lock; the next test may still run.
    let guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    Some(MachineClaim { _guard: guard })
}

/// The client address of `node` as the cluster reports it to a client of the cluster's kind
/// (its IP and the TLS port in a TLS cluster).
pub fn client_addr(node: &Node) -> Addr {
    let addr = node.client_addr();
    Addr::new(addr.ip().to_string(), addr.port())
}

/// For every slot, a hash tag whose keys land in it: `tagged(slot, "x")` is a key in `slot`.
pub fn slot_tag(slot: u16) -> &'static str {
    static TAGS: OnceLock<Vec<String>> = OnceLock::new();
    let tags = TAGS.get_or_init(|| {
        let mut tags: Vec<Option<String>> = vec![None; usize::from(crate::cluster::SLOTS)];
        let mut missing = tags.len();
        let mut n: u64 = 0;
        while missing > 0 {
            let tag = format!("t{n}");
            let slot = usize::from(keyslot::key_slot(tag.as_bytes()));
            if tags[slot].is_none() {
                tags[slot] = Some(tag);
                missing -= 1;
            }
            n += 1;
        }
        tags.into_iter().flatten().collect()
    });
    &tags[usize::from(slot)]
}

/// A key named `name` in `slot` (`{tag}name`).
pub fn key_in_slot(slot: u16, name: &str) -> String {
    format!("{{{}}}{name}", slot_tag(slot))
}

/// The primary that owns `slot` in the client's view, if any.
pub fn topology_owner(topology: &Topology, slot: u16) -> Option<Addr> {
    topology.primary_of_slot(slot).map(|p| p.addr.clone())
}

/// A bulk string holding `text`.
pub fn bulk(text: impl AsRef<[u8]>) -> Value {
    Value::BulkString(bytes::Bytes::copy_from_slice(text.as_ref()))
}

/// `+OK`.
pub fn ok() -> Value {
    Value::SimpleString(bytes::Bytes::from_static(b"OK"))
}

/// Seconds as a short text for tables (`0.123s`).
pub fn secs(d: Duration) -> String {
    format!("{:.3}s", d.as_secs_f64())
}

/// Poll `check` every 10 ms (awaiting the flavour's sleep) until it returns `Some`, for at
/// most `timeout`; the panic names `what` and the last state seen.
pub async fn eventually<F: Flavor, T, Fut>(
    what: &str,
    timeout: Duration,
    mut check: impl FnMut() -> Fut,
) -> T
where
    Fut: Future<Output = Result<T, String>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        let last = match check().await {
            Ok(value) => return value,
            Err(last) => last,
        };
        if Instant::now() >= deadline {
            panic!("{what}: not within {timeout:?}; last: {last}");
        }
        F::sleep(Duration::from_millis(10)).await;
    }
}

/// For every live primary, a slot it owns (the first of its first range), as the servers
/// agree.
pub fn slot_per_primary(cluster: &RedisCluster) -> Vec<(Node, u16)> {
    let view = cluster.agreed_view().expect("the cluster agrees");
    cluster
        .primaries()
        .expect("the cluster agrees")
        .into_iter()
        .filter_map(|p| {
            let first = view.entry(p.id())?.slots.first()?.0;
            Some((p, first))
        })
        .collect()
}

/// Flavour `F`'s own shard (by [`Flavor::INDEX`]): a primary and a slot it owns, so that
/// scenarios run one flavour after another on one cluster do not share keys or nodes.
pub fn flavor_shard<F: Flavor>(cluster: &RedisCluster) -> (Node, u16) {
    let shards = slot_per_primary(cluster);
    shards[F::INDEX % shards.len()].clone()
}

/// Write a key to a slot of every primary through `client`, read it back through `client`,
/// and check with the harness's own connection that the key is stored on the node that owns
/// the slot: the client reached every shard, and routed each key to its owner.
pub async fn assert_serves_every_shard<F: Flavor>(
    client: &TestClient<F>,
    cluster: &RedisCluster,
    label: &str,
) {
    let shards = slot_per_primary(cluster);
    assert!(!shards.is_empty(), "the cluster has no primary with slots");
    for (owner, slot) in shards {
        let key = key_in_slot(slot, &format!("{label}:{}", F::NAME));
        let value = format!("{label} via {} to node {}", F::NAME, owner.index());
        let set = client.send(Cmd::new("SET").arg(&key).arg(&value)).await;
        assert_eq!(set, Ok(ok()), "SET {key}");
        let got = client.send(Cmd::new("GET").arg(&key)).await;
        assert_eq!(got, Ok(bulk(&value)), "GET {key}");
        let stored = cluster
            .send(&owner, &Cmd::new("GET").arg(&key))
            .expect("the harness reaches the owner");
        assert_eq!(
            stored,
            bulk(&value),
            "{key} is not on node {}, the owner of slot {slot}",
            owner.index()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_tags_hash_to_their_slot() {
        for slot in [0, 1, 5460, 12182, 16383] {
            let key = key_in_slot(slot, "name");
            assert_eq!(keyslot::key_slot(key.as_bytes()), slot, "{key}");
        }
    }

    #[test]
    fn a_task_returns_its_output_and_raises_its_panic() {
        assert_eq!(Blocking::block_on(Blocking::spawn(async { 7 })), 7);
        assert_eq!(
            Tokio::block_on(async { Tokio::spawn(async { 8 }).await }),
            8
        );
        let panicked = std::panic::catch_unwind(|| {
            Smol::block_on(Smol::spawn(async { panic!("inside the task") }))
        });
        let message = panic_message(&*panicked.unwrap_err());
        assert_eq!(message, "inside the task");
    }
}
