//! A tiny blocking client for tests: write commands, read replies, nothing else.
//!
//! Tests need to talk to a real server before the real client exists, and must be able to see
//! exactly what the server sent. [`Conn`] writes a batch of commands in one go (pipelined) with
//! [`Cmd::encode`] and reads the replies with the core's incremental [`Decoder`], so these
//! tests also exercise the decoder on real, arbitrarily split socket reads. Each reply comes
//! with its raw bytes for round-trip checks. No routing, no redirects, no reconnects.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use keyslot_core::resp::{decode, Decoder, Value};
use keyslot_core::Cmd;

/// How long a read or write may block before the test is told the server is stuck.
pub const IO_TIMEOUT: Duration = Duration::from_secs(30);

/// One reply: its decoded value and the exact bytes it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// The decoded value.
    pub value: Value,
    /// The frame's bytes as received.
    pub wire: Bytes,
}

/// A connection to one server.
#[derive(Debug)]
pub struct Conn {
    stream: TcpStream,
    decoder: Decoder,
    /// Received bytes not yet decoded; the decoder removes each frame from the front.
    buf: BytesMut,
    /// Every received byte again, from the start of the next frame to hand out: the decoder
    /// may remove returned frames from `buf` lazily, so `buf` cannot tell where a frame ended.
    wire: BytesMut,
}

impl Conn {
    /// Connect to `addr` with [`IO_TIMEOUT`] on every operation.
    pub fn connect(addr: SocketAddr) -> io::Result<Conn> {
        let stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT)?;
        stream.set_read_timeout(Some(IO_TIMEOUT))?;
        stream.set_write_timeout(Some(IO_TIMEOUT))?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            stream,
            decoder: Decoder::new(),
            buf: BytesMut::new(),
            wire: BytesMut::new(),
        })
    }

    /// Send one command and read its reply. A server error reply is `Ok(Value::Error(..))`.
    pub fn send(&mut self, cmd: &Cmd) -> io::Result<Value> {
        self.send_all(core::slice::from_ref(cmd))?;
        Ok(self.read_frame()?.value)
    }

    /// Send every command in one write, then read one reply per command, in order.
    pub fn pipeline(&mut self, cmds: &[Cmd]) -> io::Result<Vec<Value>> {
        Ok(self
            .pipeline_frames(cmds)?
            .into_iter()
            .map(|f| f.value)
            .collect())
    }

    /// [`Conn::pipeline`], keeping each reply's raw bytes.
    pub fn pipeline_frames(&mut self, cmds: &[Cmd]) -> io::Result<Vec<Frame>> {
        // Redis buffers replies without limit for ordinary clients, so writing the whole batch
        // before reading cannot deadlock.
        self.send_all(cmds)?;
        (0..cmds.len()).map(|_| self.read_frame()).collect()
    }

    /// Write `cmds` without reading anything.
    pub fn send_all(&mut self, cmds: &[Cmd]) -> io::Result<()> {
        let mut out = Vec::new();
        for cmd in cmds {
            cmd.encode(&mut out);
        }
        self.stream.write_all(&out)?;
        self.stream.flush()
    }

    /// Read the next reply, waiting for more bytes as needed.
    pub fn read_frame(&mut self) -> io::Result<Frame> {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            let decoded = self.decoder.decode(&mut self.buf).map_err(invalid_data)?;
            if let Some(value) = decoded {
                return self.split_wire(value);
            }
            let n = self.stream.read(&mut chunk)?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "server closed the connection with {} undecoded bytes",
                        self.wire.len()
                    ),
                ));
            }
            self.buf.extend_from_slice(&chunk[..n]);
            self.wire.extend_from_slice(&chunk[..n]);
        }
    }

    /// Cut the frame that the decoder returned as `value` off the front of `wire`. The
    /// one-shot `decode` finds its length, and must agree with the incremental decoder on the
    /// value: every test that talks to a server thereby checks the two decoders against each
    /// other on real traffic.
    fn split_wire(&mut self, value: Value) -> io::Result<Frame> {
        match decode(&self.wire).map_err(invalid_data)? {
            Some((again, len)) if again == value => Ok(Frame {
                value,
                wire: self.wire.split_to(len).freeze(),
            }),
            Some((again, _)) => Err(invalid_data(format!(
                "Decoder gave {value:?} but decode gave {again:?} for the same bytes"
            ))),
            None => Err(invalid_data(format!(
                "Decoder gave {value:?} but decode finds the frame incomplete"
            ))),
        }
    }
}

fn invalid_data(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}
