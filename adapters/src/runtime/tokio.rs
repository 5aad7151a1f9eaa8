//! tokio: sockets, timers and tasks.

use bytes::BytesMut;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::io::AsyncWrite;

use super::{BoxFuture, Runtime, Stream, Timer, READ_CHUNK};

/// The tokio runtime (any flavour; the driver is one task).
///
/// ```
/// // The runtime parameter of the generic types: `keyslot::tokio::Client` is `Client<Tokio>`.
/// use keyslot::tokio::Tokio;
/// let builder: keyslot::Builder<Tokio> =
///     keyslot::Client::<Tokio>::builder(["127.0.0.1:7000"]);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Tokio;

impl Runtime for Tokio {
    type Stream = tokio::net::TcpStream;
    type Timer = TokioTimer;

    fn connect_tcp(addr: SocketAddr) -> BoxFuture<'static, io::Result<Self::Stream>> {
        Box::pin(async move {
            let stream = tokio::net::TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            Ok(stream)
        })
    }

    fn timer() -> TokioTimer {
        TokioTimer {
            sleep: Box::pin(tokio::time::sleep_until(tokio::time::Instant::now())),
            armed: false,
        }
    }

    fn spawn(future: BoxFuture<'static, ()>) {
        tokio::spawn(future);
    }

    fn resolve(host: String, port: u16) -> BoxFuture<'static, io::Result<Vec<SocketAddr>>> {
        Box::pin(async move {
            Ok(tokio::net::lookup_host((host.as_str(), port))
                .await?
                .collect())
        })
    }
}

impl Stream for tokio::net::TcpStream {
    fn poll_read_buf(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut BytesMut,
    ) -> Poll<io::Result<usize>> {
        buf.reserve(READ_CHUNK);
        tokio_util::io::poll_read_buf(Pin::new(self), cx, buf)
    }

    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(self).poll_write(cx, buf)
    }

    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(self).poll_flush(cx)
    }

    fn set_keepalive(&self, keepalive: &super::Keepalive) -> io::Result<()> {
        super::set_socket_keepalive(socket2::SockRef::from(self), keepalive)
    }
}

/// A reusable `tokio::time::Sleep`.
pub struct TokioTimer {
    sleep: Pin<Box<tokio::time::Sleep>>,
    armed: bool,
}

impl Timer for TokioTimer {
    fn reset(&mut self, at: Instant) {
        self.sleep
            .as_mut()
            .reset(tokio::time::Instant::from_std(at));
        self.armed = true;
    }

    fn poll_elapsed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if !self.armed {
            return Poll::Pending;
        }
        match self.sleep.as_mut().poll(cx) {
            Poll::Ready(()) => {
                self.armed = false;
                Poll::Ready(())
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

use std::future::Future as _;
