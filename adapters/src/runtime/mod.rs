//! What the driver needs from an async runtime: connect, read, write, a timer, spawn.
//!
//! The driver in [`crate::driver`] is written once against these traits; each runtime is a
//! thin file that maps them onto its own sockets and timers (tokio in `tokio.rs`, smol and
//! async-std — which share async-io — in `async_io.rs`). Everything else, including every
//! protocol decision, lives in keyslot-core.

#[cfg(feature = "async-io-base")]
pub(crate) mod async_io;
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
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An async runtime the driver can run on.
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
pub trait Timer: Send + Unpin + 'static {
    /// Fire at `at` (replacing any earlier setting).
    fn reset(&mut self, at: Instant);
    /// Ready once the set instant has passed.
    fn poll_elapsed(&mut self, cx: &mut Context<'_>) -> Poll<()>;
}

/// How much room a read asks for at a time.
pub(crate) const READ_CHUNK: usize = 16 * 1024;
