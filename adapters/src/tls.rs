//! TLS (`rediss://`, feature `tls`) with rustls, over any runtime's stream.
//!
//! rustls is driven by hand on top of the runtime-neutral [`Stream`] trait, so one
//! implementation serves tokio, smol, async-std and the blocking client alike. The name
//! checked against the server's certificate (and sent as SNI) is the host the topology
//! reports for the node — a hostname in hostname mode — unless the configuration maps that
//! host to another name, which services that report IP addresses but certify names need.
//! Without the feature, [`MaybeTls`] is always plain and `rediss://` is refused.

use bytes::BytesMut;
use std::io;
use std::sync::Arc;
use std::task::{Context, Poll};

use keyslot_core::topology::Addr;

use crate::driver::DriverOptions;
use crate::runtime::Stream;

/// A stream that may be encrypted.
pub enum MaybeTls<S> {
    /// Plain TCP.
    Plain(S),
    /// TLS over TCP.
    #[cfg(feature = "tls")]
    Tls(Box<imp::TlsStream<S>>),
}

impl<S: Stream> Stream for MaybeTls<S> {
    fn poll_read_buf(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut BytesMut,
    ) -> Poll<io::Result<usize>> {
        match self {
            MaybeTls::Plain(s) => s.poll_read_buf(cx, buf),
            #[cfg(feature = "tls")]
            MaybeTls::Tls(s) => s.poll_read_buf(cx, buf),
        }
    }
    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self {
            MaybeTls::Plain(s) => s.poll_write(cx, buf),
            #[cfg(feature = "tls")]
            MaybeTls::Tls(s) => s.poll_write(cx, buf),
        }
    }
    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self {
            MaybeTls::Plain(s) => s.poll_flush(cx),
            #[cfg(feature = "tls")]
            MaybeTls::Tls(s) => s.poll_flush(cx),
        }
    }
}

/// Wrap a fresh connection to `addr` in TLS when the client is configured for it.
pub(crate) async fn wrap<S: Stream>(
    stream: S,
    addr: &Addr,
    options: &Arc<DriverOptions>,
) -> io::Result<MaybeTls<S>> {
    #[cfg(feature = "tls")]
    if let Some(tls) = &options.tls {
        return Ok(MaybeTls::Tls(Box::new(tls.handshake(stream, addr).await?)));
    }
    let _ = (addr, options);
    Ok(MaybeTls::Plain(stream))
}

#[cfg(feature = "tls")]
pub use imp::TlsConnector;

#[cfg(feature = "tls")]
mod imp {
    use bytes::{Buf, BytesMut};
    use rustls::pki_types::ServerName;
    use rustls::{ClientConfig, ClientConnection};
    use std::collections::HashMap;
    use std::future::poll_fn;
    use std::io::{self, Read, Write};
    use std::sync::Arc;
    use std::task::{Context, Poll};

    use keyslot_core::topology::Addr;

    use crate::runtime::{Stream, READ_CHUNK};

    /// rustls settings plus the host-to-certificate-name map.
    #[derive(Clone)]
    pub struct TlsConnector {
        pub(crate) config: Arc<ClientConfig>,
        pub(crate) names: HashMap<String, String>,
    }

    impl std::fmt::Debug for TlsConnector {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("TlsConnector")
                .field("names", &self.names)
                .finish_non_exhaustive()
        }
    }

    impl TlsConnector {
        pub(crate) async fn handshake<S: Stream>(
            &self,
            io: S,
            addr: &Addr,
        ) -> io::Result<TlsStream<S>> {
            let name = self
                .names
                .get(&addr.host)
                .cloned()
                .unwrap_or_else(|| addr.host.clone());
            let server_name = ServerName::try_from(name).map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("TLS name for {addr}: {e}"),
                )
            })?;
            let conn = ClientConnection::new(self.config.clone(), server_name)
                .map_err(io::Error::other)?;
            let mut tls = TlsStream {
                io,
                conn,
                raw: BytesMut::new(),
                out: Vec::new(),
            };
            poll_fn(|cx| tls.poll_handshake(cx)).await?;
            Ok(tls)
        }
    }

    /// A TLS session over a runtime stream.
    pub struct TlsStream<S> {
        io: S,
        conn: ClientConnection,
        /// Ciphertext read but not yet given to rustls.
        raw: BytesMut,
        /// Ciphertext produced by rustls, not yet written.
        out: Vec<u8>,
    }

    impl<S: Stream> TlsStream<S> {
        fn poll_handshake(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            while self.conn.is_handshaking() {
                if self.poll_write_tls(cx)?.is_pending() {
                    return Poll::Pending;
                }
                if !self.conn.is_handshaking() {
                    break;
                }
                if self.conn.wants_read() {
                    match self.poll_read_tls(cx)? {
                        Poll::Ready(0) => {
                            return Poll::Ready(Err(io::Error::new(
                                io::ErrorKind::UnexpectedEof,
                                "TLS handshake cut short",
                            )))
                        }
                        Poll::Ready(_) => {}
                        Poll::Pending => return Poll::Pending,
                    }
                }
            }
            self.poll_write_tls(cx).map(|r| r.map(|_| ()))
        }

        /// Move rustls's pending records to the socket. Ready once all are written.
        fn poll_write_tls(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            while self.conn.wants_write() {
                self.conn.write_tls(&mut self.out)?;
            }
            while !self.out.is_empty() {
                match self.io.poll_write(cx, &self.out) {
                    Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                    Poll::Ready(Ok(n)) => {
                        self.out.drain(..n);
                    }
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => return Poll::Pending,
                }
            }
            self.io.poll_flush(cx)
        }

        /// Read ciphertext and hand it to rustls. Ready(0) at end of stream.
        fn poll_read_tls(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
            if self.raw.is_empty() {
                match self.io.poll_read_buf(cx, &mut self.raw) {
                    Poll::Ready(Ok(0)) => return Poll::Ready(Ok(0)),
                    Poll::Ready(Ok(_)) => {}
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => return Poll::Pending,
                }
            }
            let mut reader = &self.raw[..];
            let n = self.conn.read_tls(&mut reader)?;
            self.raw.advance(n);
            self.conn
                .process_new_packets()
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            Poll::Ready(Ok(n.max(1)))
        }
    }

    impl<S: Stream> Stream for TlsStream<S> {
        fn poll_read_buf(
            &mut self,
            cx: &mut Context<'_>,
            buf: &mut BytesMut,
        ) -> Poll<io::Result<usize>> {
            loop {
                let len = buf.len();
                buf.resize(len + READ_CHUNK, 0);
                let got = self.conn.reader().read(&mut buf[len..]);
                match got {
                    Ok(n) => {
                        buf.truncate(len + n);
                        return Poll::Ready(Ok(n));
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => buf.truncate(len),
                    Err(e) => {
                        buf.truncate(len);
                        return Poll::Ready(Err(e));
                    }
                }
                match self.poll_read_tls(cx) {
                    Poll::Ready(Ok(0)) => return Poll::Ready(Ok(0)),
                    Poll::Ready(Ok(_)) => {
                        // Alerts or key updates may need an answer.
                        if self.conn.wants_write() {
                            let _ = self.poll_write_tls(cx)?;
                        }
                    }
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => return Poll::Pending,
                }
            }
        }

        fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
            // Earlier records first, so that plaintext does not pile up without bound.
            if self.poll_write_tls(cx)?.is_pending() && !self.out.is_empty() {
                return Poll::Pending;
            }
            let n = self.conn.writer().write(buf)?;
            let _ = self.poll_write_tls(cx)?;
            Poll::Ready(Ok(n))
        }

        fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            self.poll_write_tls(cx)
        }
    }
}
