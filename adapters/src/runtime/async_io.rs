//! async-io: the reactor under smol and async-std, and under the blocking client's thread.
//!
//! smol and async-std differ only in how a task is spawned; sockets and timers are async-io's
//! for both, so they share this file.

use async_io::{Async, Timer as IoTimer};
use bytes::BytesMut;
use futures_lite::{AsyncRead, AsyncWrite};
use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use super::{BoxFuture, Stream, Timer};

/// A TCP stream registered with the async-io reactor.
pub struct AsyncIoStream(Async<TcpStream>);

pub(crate) fn connect_tcp(addr: SocketAddr) -> BoxFuture<'static, io::Result<AsyncIoStream>> {
    Box::pin(async move {
        let stream = Async::<TcpStream>::connect(addr).await?;
        stream.get_ref().set_nodelay(true)?;
        Ok(AsyncIoStream(stream))
    })
}

/// Name resolution on a thread of its own: std's resolver blocks.
pub(crate) fn resolve(host: String, port: u16) -> BoxFuture<'static, io::Result<Vec<SocketAddr>>> {
    Box::pin(async move {
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name("keyslot-dns".into())
            .spawn(move || {
                let result = (host.as_str(), port).to_socket_addrs().map(|a| a.collect());
                let _ = tx.send(result);
            })?;
        rx.await
            .map_err(|_| io::Error::other("resolver thread died"))?
    })
}

impl Stream for AsyncIoStream {
    fn poll_read_buf(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut BytesMut,
    ) -> Poll<io::Result<usize>> {
        // futures' AsyncRead wants initialised memory.
        super::read_into_chunk(buf, |chunk| Pin::new(&mut self.0).poll_read(cx, chunk))
    }

    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn set_keepalive(&self, keepalive: &super::Keepalive) -> io::Result<()> {
        super::set_socket_keepalive(socket2::SockRef::from(self.0.get_ref()), keepalive)
    }
}

/// async-io's timer, re-armable.
pub struct AsyncIoTimer {
    timer: IoTimer,
    armed: bool,
}

pub(crate) fn timer() -> AsyncIoTimer {
    AsyncIoTimer {
        timer: IoTimer::never(),
        armed: false,
    }
}

impl Timer for AsyncIoTimer {
    fn reset(&mut self, at: Instant) {
        self.timer.set_at(at);
        self.armed = true;
    }

    fn poll_elapsed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if !self.armed {
            return Poll::Pending;
        }
        match futures_lite::Stream::poll_next(Pin::new(&mut self.timer), cx) {
            Poll::Ready(_) => {
                self.armed = false;
                Poll::Ready(())
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Implements [`Runtime`](super::Runtime) on async-io with the given spawner.
macro_rules! async_io_runtime {
    ($name:ident, $doc:literal, $spawn:expr) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl $crate::runtime::Runtime for $name {
            type Stream = $crate::runtime::async_io::AsyncIoStream;
            type Timer = $crate::runtime::async_io::AsyncIoTimer;

            fn connect_tcp(
                addr: std::net::SocketAddr,
            ) -> $crate::runtime::BoxFuture<'static, std::io::Result<Self::Stream>> {
                $crate::runtime::async_io::connect_tcp(addr)
            }
            fn timer() -> Self::Timer {
                $crate::runtime::async_io::timer()
            }
            fn spawn(future: $crate::runtime::BoxFuture<'static, ()>) {
                let spawn: fn($crate::runtime::BoxFuture<'static, ()>) = $spawn;
                spawn(future)
            }
            fn resolve(
                host: String,
                port: u16,
            ) -> $crate::runtime::BoxFuture<'static, std::io::Result<Vec<std::net::SocketAddr>>>
            {
                $crate::runtime::async_io::resolve(host, port)
            }
        }
    };
}
pub(crate) use async_io_runtime;
