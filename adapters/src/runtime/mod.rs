//! What the driver needs from an async runtime: connect, read, write, a timer, spawn.
//!
//! The driver in [`crate::driver`] is written once against these traits; each runtime is a
//! thin file that maps them onto its own sockets and timers (tokio in `tokio.rs`, smol and
//! async-std — which share async-io — in `async_io.rs`). Everything else, including every
//! protocol decision, lives in keyslot-core.

#[cfg(feature = "async-io-base")]
pub(crate) mod async_io;
#[cfg(feature = "blocking")]
pub(crate) mod poller;
#[cfg(feature = "tokio")]
pub(crate) mod tokio;

use bytes::BytesMut;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

/// A boxed, sendable future.
///
/// ```
/// use keyslot::BoxFuture;
/// let answer: BoxFuture<'static, u32> = Box::pin(async { 42 });
/// # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// assert_eq!(rt.block_on(answer), 42);
/// ```
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An async runtime the driver can run on.
///
/// ```
/// use keyslot::{tokio::Tokio, Runtime};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
/// let stream = Tokio::connect_tcp(listener.local_addr().unwrap()).await.unwrap();
/// assert!(stream.nodelay().unwrap());
/// # });
/// ```
pub trait Runtime: Send + Sync + Sized + 'static {
    /// A connected TCP stream.
    type Stream: Stream;
    /// A resettable timer.
    type Timer: Timer;

    /// Connect to one socket address, with TCP_NODELAY set.
    fn connect_tcp(addr: SocketAddr) -> BoxFuture<'static, io::Result<Self::Stream>>;
    /// A timer that is not yet armed.
    fn timer() -> Self::Timer;
    /// Run `future` in the background.
    fn spawn(future: BoxFuture<'static, ()>);
    /// Resolve a host name to all of its addresses (the default resolver).
    fn resolve(host: String, port: u16) -> BoxFuture<'static, io::Result<Vec<SocketAddr>>>;
}

/// A byte stream the driver reads into the core's buffers and writes from them.
///
/// ```
/// use bytes::BytesMut;
/// use keyslot::{tokio::Tokio, Runtime, Stream};
/// use std::future::poll_fn;
/// use tokio::io::AsyncWriteExt;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
/// let mut stream = Tokio::connect_tcp(listener.local_addr().unwrap()).await.unwrap();
/// let (mut server, _) = listener.accept().await.unwrap();
/// server.write_all(b"+PONG\r\n").await.unwrap();
/// let mut buf = BytesMut::new();
/// let n = poll_fn(|cx| stream.poll_read_buf(cx, &mut buf)).await.unwrap();
/// assert_eq!(&buf[..n], b"+PONG\r\n");
/// # });
/// ```
pub trait Stream: Send + Unpin + 'static {
    /// Read what is available, appending it to `buf`; `Ok(0)` is end of stream.
    fn poll_read_buf(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut BytesMut,
    ) -> Poll<io::Result<usize>>;
    /// Write some of `buf`.
    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>>;
    /// Push out anything buffered below (TLS records).
    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>>;
    /// Turn on TCP keepalive (see [`crate::Builder::tcp_keepalive`]). The default does
    /// nothing, for streams that are not sockets.
    fn set_keepalive(&self, keepalive: &Keepalive) -> io::Result<()> {
        let _ = keepalive;
        Ok(())
    }
}

/// TCP keepalive settings: probes start after `idle` without traffic, one every `interval`;
/// `probes` unanswered ones in a row end the connection.
///
/// ```
/// use std::time::Duration;
/// use keyslot::Keepalive;
/// let default = Keepalive::default();
/// assert_eq!((default.idle, default.interval, default.probes), (
///     Duration::from_secs(15), Duration::from_secs(5), 3,
/// ));
/// let patient = Keepalive { idle: Duration::from_secs(120), ..default };
/// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"])
///     .tcp_keepalive(Some(patient));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Keepalive {
    /// Quiet time before the first probe.
    pub idle: std::time::Duration,
    /// Time between probes.
    pub interval: std::time::Duration,
    /// Unanswered probes that end the connection.
    pub probes: u32,
}

impl Default for Keepalive {
    /// 15 s idle, then a probe every 5 s, 3 of them: a peer that vanished without a word is
    /// given up within about 30 s, even under a command that waits for ever (`BLPOP q 0`).
    fn default() -> Self {
        Keepalive {
            idle: std::time::Duration::from_secs(15),
            interval: std::time::Duration::from_secs(5),
            probes: 3,
        }
    }
}

/// Apply `keepalive` to a socket.
pub(crate) fn set_socket_keepalive(
    socket: socket2::SockRef<'_>,
    keepalive: &Keepalive,
) -> io::Result<()> {
    let params = socket2::TcpKeepalive::new()
        .with_time(keepalive.idle)
        .with_interval(keepalive.interval)
        .with_retries(keepalive.probes);
    socket.set_tcp_keepalive(&params)
}

/// A timer that can be moved.
///
/// ```
/// use std::time::{Duration, Instant};
/// use keyslot::{tokio::Tokio, Runtime, Timer};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let mut timer = Tokio::timer();
/// let start = Instant::now();
/// timer.reset(start + Duration::from_millis(10));
/// std::future::poll_fn(|cx| timer.poll_elapsed(cx)).await;
/// assert!(start.elapsed() >= Duration::from_millis(10));
/// # });
/// ```
pub trait Timer: Send + Unpin + 'static {
    /// Fire at `at` (replacing any earlier setting).
    fn reset(&mut self, at: Instant);
    /// Ready once the set instant has passed.
    fn poll_elapsed(&mut self, cx: &mut Context<'_>) -> Poll<()>;
}

/// How much room a read asks for at a time.
pub(crate) const READ_CHUNK: usize = 16 * 1024;

/// Read into the spare end of `buf` with a reader that wants initialised memory: zero a
/// chunk, read into it, keep what came.
#[cfg(feature = "async-io-base")]
pub(crate) fn read_into_chunk(
    buf: &mut BytesMut,
    read: impl FnOnce(&mut [u8]) -> Poll<io::Result<usize>>,
) -> Poll<io::Result<usize>> {
    let len = buf.len();
    buf.resize(len + READ_CHUNK, 0);
    let result = read(&mut buf[len..]);
    let n = match &result {
        Poll::Ready(Ok(n)) => *n,
        _ => 0,
    };
    buf.truncate(len + n);
    result
}
