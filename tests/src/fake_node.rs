//! A cluster node that lies, and a listener that records whatever reaches it.
//!
//! Some promises are about what the client does when a node misbehaves in ways a real
//! `redis-server` never does on request — above all, that credentials never go to an address
//! only a reply names ("Credentials go only to seeds and to nodes the cluster's own view
//! lists"). [`FakeNode`] speaks just enough RESP on a loopback listener to be a one-node
//! cluster: it answers `HELLO`, `AUTH`, `CLIENT`, `READONLY`, `INFO`, `PING` and `CLUSTER
//! SHARDS` / `SLOTS` (a topology naming only itself, owning every slot), and every other
//! command with `MOVED <slot> <target>`. [`Recorder`] accepts connections on the target and
//! keeps every byte, so a test can assert that nothing — least of all a password — arrived.
//!
//! Both serve each connection on a thread of their own and stop accepting when dropped.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use bytes::Bytes;
use keyslot_core::resp::{decode, encode_as, Protocol, Value};

/// `HELLO 3` as Redis 7.0.15 answered it.
const HELLO3: &[u8] = include_bytes!("../fixtures/redis-7.0.15/hello3.resp3");

/// Which topology command the fake node knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TopologyCommand {
    /// `CLUSTER SHARDS` (Redis 7.0+), whose view lists every member.
    Shards,
    /// Only `CLUSTER SLOTS` (before 7.0): `CLUSTER SHARDS` is an unknown subcommand.
    SlotsOnly,
}

/// Accepts on a loopback listener until dropped, serving each connection with `serve`.
struct Acceptor {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl Acceptor {
    fn start(
        ip: Ipv4Addr,
        serve: impl Fn(TcpStream) + Send + Sync + 'static,
    ) -> io::Result<Acceptor> {
        let listener = TcpListener::bind((ip, 0))?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let serve = Arc::new(serve);
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let serve = serve.clone();
                thread::spawn(move || serve(stream));
            }
        });
        Ok(Acceptor { addr, stop })
    }
}

impl Drop for Acceptor {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

/// A one-node "cluster" on 127.0.0.1 that redirects every keyed command to `moved_to`.
pub struct FakeNode {
    acceptor: Acceptor,
    received: Arc<Mutex<Vec<Vec<Vec<u8>>>>>,
}

impl FakeNode {
    /// Start it; it claims every slot for itself and redirects every command to `moved_to`.
    pub fn start(moved_to: SocketAddr, topology: TopologyCommand) -> io::Result<FakeNode> {
        let received: Arc<Mutex<Vec<Vec<Vec<u8>>>>> = Arc::default();
        let log = received.clone();
        let me = Arc::new(Mutex::new(None::<SocketAddr>));
        let own = me.clone();
        let acceptor = Acceptor::start(Ipv4Addr::LOCALHOST, move |stream| {
            let Some(addr) = *own.lock().unwrap() else {
                return;
            };
            serve_lies(stream, addr, moved_to, topology, &log);
        })?;
        *me.lock().unwrap() = Some(acceptor.addr);
        Ok(FakeNode { acceptor, received })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.acceptor.addr
    }

    /// Every command it received, as its words.
    pub fn received(&self) -> Vec<Vec<Vec<u8>>> {
        self.received.lock().unwrap().clone()
    }
}

/// Answer one connection's commands until it closes.
fn serve_lies(
    mut stream: TcpStream,
    me: SocketAddr,
    moved_to: SocketAddr,
    topology: TopologyCommand,
    log: &Mutex<Vec<Vec<Vec<u8>>>>,
) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        while let Ok(Some((value, used))) = decode(&buf) {
            buf.drain(..used);
            let words = words(&value);
            let reply = answer(&words, me, moved_to, topology);
            log.lock().unwrap().push(words);
            if stream.write_all(&reply).is_err() {
                return;
            }
        }
    }
}

/// A command's arguments as bytes.
fn words(command: &Value) -> Vec<Vec<u8>> {
    command
        .as_slice()
        .unwrap_or_default()
        .iter()
        .map(|w| w.as_bytes().unwrap_or_default().to_vec())
        .collect()
}

fn text(s: &str) -> Value {
    Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
}

fn encoded(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    encode_as(v, Protocol::Resp2, &mut out);
    out
}

/// The fake node's reply to `words`.
fn answer(
    words: &[Vec<u8>],
    me: SocketAddr,
    moved_to: SocketAddr,
    topology: TopologyCommand,
) -> Vec<u8> {
    let upper = |i: usize| words.get(i).map(|w| w.to_ascii_uppercase());
    let ip = me.ip().to_string();
    let port = i64::from(me.port());
    let id = "f".repeat(40);
    match (upper(0).as_deref(), upper(1).as_deref()) {
        (Some(b"HELLO"), _) => HELLO3.to_vec(),
        (Some(b"AUTH" | b"CLIENT" | b"READONLY" | b"ASKING"), _) => b"+OK\r\n".to_vec(),
        (Some(b"PING"), _) => b"+PONG\r\n".to_vec(),
        (Some(b"INFO"), _) => encoded(&text("# Server\r\nredis_version:7.0.15\r\n")),
        (Some(b"CLUSTER"), Some(b"SHARDS")) if topology == TopologyCommand::SlotsOnly => {
            b"-ERR unknown subcommand 'SHARDS'. Try CLUSTER HELP.\r\n".to_vec()
        }
        (Some(b"CLUSTER"), Some(b"SHARDS")) => encoded(&Value::Array(vec![Value::Array(vec![
            text("slots"),
            Value::Array(vec![Value::Integer(0), Value::Integer(16383)]),
            text("nodes"),
            Value::Array(vec![Value::Array(vec![
                text("id"),
                text(&id),
                text("port"),
                Value::Integer(port),
                text("ip"),
                text(&ip),
                text("endpoint"),
                text(&ip),
                text("role"),
                text("master"),
                text("replication-offset"),
                Value::Integer(0),
                text("health"),
                text("online"),
            ])]),
        ])])),
        (Some(b"CLUSTER"), Some(b"SLOTS")) => encoded(&Value::Array(vec![Value::Array(vec![
            Value::Integer(0),
            Value::Integer(16383),
            Value::Array(vec![text(&ip), Value::Integer(port), text(&id)]),
        ])])),
        _ => {
            let key = words.get(1).map_or(&[][..], |k| k.as_slice());
            let slot = keyslot_core::key_slot(key);
            format!("-MOVED {slot} {moved_to}\r\n").into_bytes()
        }
    }
}

/// A listener on `ip` that never answers and keeps every byte it receives.
pub struct Recorder {
    acceptor: Acceptor,
    connections: Arc<AtomicUsize>,
    bytes: Arc<Mutex<Vec<u8>>>,
}

impl Recorder {
    /// Listen on a free port of `ip` (any loopback address works on Linux).
    pub fn start(ip: Ipv4Addr) -> io::Result<Recorder> {
        let connections = Arc::new(AtomicUsize::new(0));
        let bytes: Arc<Mutex<Vec<u8>>> = Arc::default();
        let (count, keep) = (connections.clone(), bytes.clone());
        let acceptor = Acceptor::start(ip, move |mut stream| {
            count.fetch_add(1, Ordering::SeqCst);
            let mut chunk = [0u8; 4096];
            while let Ok(n @ 1..) = stream.read(&mut chunk) {
                keep.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        })?;
        Ok(Recorder {
            acceptor,
            connections,
            bytes,
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.acceptor.addr
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Every byte received so far, over all connections.
    pub fn bytes(&self) -> Vec<u8> {
        self.bytes.lock().unwrap().clone()
    }
}
