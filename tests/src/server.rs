//! A real `redis-server` process per test.
//!
//! Fixtures show what a server said once; a live server checks that what keyslot computes
//! and decodes still agrees with the real thing. [`RedisServer`] starts one process on a free
//! loopback port, in a scratch directory of its own, with persistence off, and waits until it
//! answers `PING`. Dropping it kills the process and removes the directory — except when the
//! test is panicking, when the directory is kept and the tail of the server's log printed, so
//! a failure can be understood.
//!
//! This is the single-node brick of the cluster harness: a multi-node cluster is several
//! [`ServerConfig::cluster_node`] servers joined with `CLUSTER MEET` (hence
//! [`RedisServer::bus_port`]) and given slots through [`RedisServer::connect`].

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use keyslot_core::resp::Value;
use keyslot_core::Cmd;

use crate::client::Conn;
use crate::require::server_binary;
use crate::tempdir::TempDir;

/// How long a server may take to answer its first `PING`.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(15);

/// How many times a start is retried when another process took the chosen port meanwhile.
const PORT_ATTEMPTS: usize = 5;

/// The log lines printed when a test fails with a server running.
const LOG_TAIL_LINES: usize = 40;

/// How to start a server.
#[derive(Clone, Debug, Default)]
pub struct ServerConfig {
    cluster: bool,
    extra_args: Vec<OsString>,
}

impl ServerConfig {
    /// A standalone server.
    pub fn standalone() -> Self {
        ServerConfig::default()
    }

    /// A cluster-enabled node, alone and owning no slots until told otherwise. Enough for
    /// `CLUSTER KEYSLOT` and the other commands that do not need a formed cluster.
    pub fn cluster_node() -> Self {
        ServerConfig {
            cluster: true,
            ..ServerConfig::default()
        }
    }

    /// Append one command-line argument, such as `--requirepass` then `secret`.
    #[must_use]
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.extra_args.push(arg.into());
        self
    }

    /// Whether cluster mode is on.
    pub fn is_cluster(&self) -> bool {
        self.cluster
    }
}

/// A running `redis-server`, killed on drop.
#[derive(Debug)]
pub struct RedisServer {
    child: Child,
    addr: SocketAddr,
    bus_port: Option<u16>,
    log: PathBuf,
    dir: TempDir,
}

impl RedisServer {
    /// Start a standalone server.
    pub fn standalone() -> io::Result<RedisServer> {
        RedisServer::start(&ServerConfig::standalone())
    }

    /// Start a lone cluster-enabled node.
    pub fn cluster_node() -> io::Result<RedisServer> {
        RedisServer::start(&ServerConfig::cluster_node())
    }

    /// Start a server as `config` says and wait until it answers `PING`.
    pub fn start(config: &ServerConfig) -> io::Result<RedisServer> {
        let mut last_error = None;
        for _ in 0..PORT_ATTEMPTS {
            match RedisServer::try_start(config)? {
                Ok(server) => return Ok(server),
                Err(port_taken) => last_error = Some(port_taken),
            }
        }
        Err(last_error.unwrap_or_else(|| io::Error::other("no attempt made")))
    }

    /// One attempt. The outer error is fatal; the inner one means the port was taken between
    /// choosing it and the server binding it, and a new port is worth trying.
    fn try_start(config: &ServerConfig) -> io::Result<Result<RedisServer, io::Error>> {
        let dir = TempDir::new("keyslot-redis")?;
        let log = dir.path().join("redis.log");
        let ports = free_ports(if config.cluster { 2 } else { 1 })?;
        let port = ports[0];
        let bus_port = ports.get(1).copied();

        let mut cmd = Command::new(server_binary());
        cmd.arg("--port").arg(port.to_string());
        cmd.args([
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "no",
            "--appendonly",
            "no",
        ]);
        cmd.args(["--save", ""]);
        cmd.arg("--dir").arg(dir.path());
        if let Some(bus_port) = bus_port {
            cmd.args(["--cluster-enabled", "yes"]);
            cmd.arg("--cluster-config-file")
                .arg(dir.path().join("nodes.conf"));
            cmd.arg("--cluster-port").arg(bus_port.to_string());
        }
        cmd.args(&config.extra_args);
        // With no --logfile the server logs to stdout; startup errors go to stderr. Both land
        // in one file that outlives a failed test.
        let out = File::create(&log)?;
        cmd.stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out);
        let child = cmd.spawn()?;

        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let mut server = RedisServer {
            child,
            addr,
            bus_port,
            log,
            dir,
        };
        match server.wait_ready() {
            Ok(()) => Ok(Ok(server)),
            Err(e)
                if server
                    .log_tail(LOG_TAIL_LINES)
                    .contains("Address already in use") =>
            {
                Ok(Err(e))
            }
            Err(e) => {
                let tail = server.log_tail(LOG_TAIL_LINES);
                Err(io::Error::new(
                    e.kind(),
                    format!("redis-server did not start: {e}\n{tail}"),
                ))
            }
        }
    }

    /// Poll until the server answers `PING` (with `PONG`, or `NOAUTH` when it has a password;
    /// not `LOADING`), it exits, or the timeout passes.
    fn wait_ready(&mut self) -> io::Result<()> {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        let mut last = String::from("never connected");
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                return Err(io::Error::other(format!(
                    "redis-server exited early: {status}"
                )));
            }
            match Conn::connect(self.addr).and_then(|mut c| c.send(&Cmd::new("PING"))) {
                Ok(Value::SimpleString(s)) if &s[..] == b"PONG" => return Ok(()),
                // A server with a password answers, which is all that is asked here.
                Ok(Value::Error(e)) if e.starts_with(b"NOAUTH") => return Ok(()),
                Ok(other) => last = format!("PING answered {other:?}"),
                Err(e) => last = e.to_string(),
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("no PONG within {STARTUP_TIMEOUT:?}: {last}"),
        ))
    }

    /// The client address, on 127.0.0.1.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The client port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The cluster bus port, in cluster mode.
    pub fn bus_port(&self) -> Option<u16> {
        self.bus_port
    }

    /// The server's working directory (its `nodes.conf` in cluster mode).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The file holding the server's stdout and stderr.
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// A new connection to the server.
    pub fn connect(&self) -> io::Result<Conn> {
        Conn::connect(self.addr)
    }

    /// The last `lines` lines of the server's log, or a note saying why there are none.
    pub fn log_tail(&self, lines: usize) -> String {
        match std::fs::read(&self.log) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                let all: Vec<&str> = text.lines().collect();
                all[all.len().saturating_sub(lines)..].join("\n")
            }
            Err(e) => format!("(no log at {}: {e})", self.log.display()),
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            self.dir.keep();
            eprintln!(
                "--- redis-server on {} (log kept at {}), last {LOG_TAIL_LINES} lines:\n{}\n---",
                self.addr,
                self.log.display(),
                self.log_tail(LOG_TAIL_LINES)
            );
        }
    }
}

/// `n` distinct loopback ports that were free a moment ago: bound to port 0 together, so the
/// kernel hands out different ones, then released for the server to take.
fn free_ports(n: usize) -> io::Result<Vec<u16>> {
    let listeners = (0..n)
        .map(|_| TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
        .collect::<io::Result<Vec<_>>>()?;
    listeners
        .iter()
        .map(|l| Ok(l.local_addr()?.port()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::require::require_redis;

    #[test]
    fn free_ports_are_distinct() {
        let ports = free_ports(3).unwrap();
        assert_eq!(ports.len(), 3);
        assert!(ports[0] != ports[1] && ports[1] != ports[2] && ports[0] != ports[2]);
        assert!(ports.iter().all(|&p| p != 0));
    }

    #[test]
    fn standalone_server_answers_and_cleans_up() {
        if !require_redis() {
            return;
        }
        let server = RedisServer::standalone().unwrap();
        let dir = server.dir().to_path_buf();
        let mut conn = server.connect().unwrap();
        let replies = conn
            .pipeline(&[Cmd::new("SET").arg("k").arg("v"), Cmd::new("GET").arg("k")])
            .unwrap();
        assert_eq!(replies[0], Value::SimpleString("OK".into()));
        assert_eq!(replies[1], Value::from("v"));
        // Persistence is off: no save points and no AOF.
        let save = conn
            .send(&Cmd::new("CONFIG").arg("GET").arg("save"))
            .unwrap();
        assert_eq!(
            save,
            Value::Array(vec![Value::from("save"), Value::from("")])
        );
        let info = conn.send(&Cmd::new("CLUSTER").arg("INFO")).unwrap();
        assert!(
            info.is_error(),
            "standalone must not have cluster support: {info:?}"
        );
        assert!(server
            .log_tail(1000)
            .contains("Ready to accept connections"));
        drop(conn);
        drop(server);
        assert!(!dir.exists(), "{} should be removed", dir.display());
    }

    #[test]
    fn cluster_node_has_its_own_config_and_bus_port() {
        if !require_redis() {
            return;
        }
        let a = RedisServer::cluster_node().unwrap();
        let b = RedisServer::cluster_node().unwrap();
        assert_ne!(a.port(), b.port());
        let bus = a.bus_port().unwrap();
        assert_ne!(bus, a.port());
        let mut conn = a.connect().unwrap();
        let slot = conn
            .send(&Cmd::new("CLUSTER").arg("KEYSLOT").arg("foo"))
            .unwrap();
        assert_eq!(slot, Value::Integer(12182));
        let myself = conn.send(&Cmd::new("CLUSTER").arg("NODES")).unwrap();
        let nodes = myself.as_str().unwrap();
        assert!(nodes.contains(&format!(":{}@{bus}", a.port())), "{nodes}");
        assert!(a.dir().join("nodes.conf").is_file());
    }

    #[test]
    fn extra_args_reach_the_server() {
        if !require_redis() {
            return;
        }
        let config = ServerConfig::standalone()
            .arg("--requirepass")
            .arg("sesame");
        let server = RedisServer::start(&config).unwrap();
        let mut conn = server.connect().unwrap();
        let denied = conn.send(&Cmd::new("GET").arg("k")).unwrap();
        assert!(denied.as_str().unwrap().starts_with("NOAUTH"), "{denied:?}");
        let ok = conn.send(&Cmd::new("AUTH").arg("sesame")).unwrap();
        assert_eq!(ok, Value::SimpleString("OK".into()));
    }
}
