//! One node: [`Node`], what tests see (where it listens, who it is), and [`Process`], the
//! `redis-server` behind it (start, stop, restart, logs).
//!
//! A node keeps its directory, ports and `nodes.conf` across restarts, so it comes back as
//! the same cluster member. Persistence is off: a restarted node has no data.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use keyslot_core::resp::Value;
use keyslot_core::Cmd;

use super::admin::connect_as;
use super::spec::Auth;
use crate::require::server_binary;

/// A cluster node as tests see it. Cheap to clone; compares by index and id.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Node {
    pub(crate) index: usize,
    pub(crate) id: String,
    pub(crate) ip: Ipv4Addr,
    pub(crate) port: u16,
    pub(crate) tls_port: Option<u16>,
    pub(crate) bus_port: u16,
    pub(crate) hostname: Option<String>,
}

impl Node {
    /// The node's number in the harness: start order, 0-based, never reused.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The 40-character cluster node id (kept across restarts).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The address the node binds.
    pub fn ip(&self) -> Ipv4Addr {
        self.ip
    }

    /// The plain-TCP client address. Open in TLS clusters too (the harness uses it).
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from((self.ip, self.port))
    }

    /// The plain-TCP client port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The TLS client port, in a TLS cluster.
    pub fn tls_port(&self) -> Option<u16> {
        self.tls_port
    }

    /// The TLS client address, in a TLS cluster.
    pub fn tls_addr(&self) -> Option<SocketAddr> {
        self.tls_port.map(|port| SocketAddr::from((self.ip, port)))
    }

    /// The address a client under test should use: TLS when the cluster has it.
    pub fn client_addr(&self) -> SocketAddr {
        self.tls_addr().unwrap_or_else(|| self.addr())
    }

    /// The client port that the cluster reports for this node to a client of the same kind
    /// (TLS clients are told TLS ports, plain ones plain ports).
    pub fn client_port(&self) -> u16 {
        self.client_addr().port()
    }

    /// The cluster bus port.
    pub fn bus_port(&self) -> u16 {
        self.bus_port
    }

    /// The announced hostname, when the cluster announces them.
    pub fn hostname(&self) -> Option<&str> {
        self.hostname.as_deref()
    }

    /// The port other nodes use to reach this one for `MIGRATE` and replication: the TLS
    /// port under `tls-cluster yes`, which makes them dial with TLS.
    pub(crate) fn peer_port(&self) -> u16 {
        self.tls_port.unwrap_or(self.port)
    }
}

/// How long a node may take to answer its first `PING`.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(15);

/// How long a terminated node may take to exit before it is killed.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

/// A `redis-server` process and everything needed to start it again.
#[derive(Debug)]
pub(crate) struct Process {
    args: Vec<OsString>,
    addr: SocketAddr,
    dir: PathBuf,
    log: PathBuf,
    child: Mutex<Option<Child>>,
    /// Stopped with SIGSTOP: it would not answer the harness's own questions.
    frozen: std::sync::atomic::AtomicBool,
}

impl Process {
    /// Start `redis-server args` in `dir` (which must exist), logging to `dir/redis.log`.
    /// Does not wait for it to answer: see [`Process::wait_ready`].
    pub(crate) fn spawn(args: Vec<OsString>, addr: SocketAddr, dir: &Path) -> io::Result<Process> {
        let process = Process {
            args,
            addr,
            dir: dir.to_path_buf(),
            log: dir.join("redis.log"),
            child: Mutex::new(None),
            frozen: std::sync::atomic::AtomicBool::new(false),
        };
        process.launch()?;
        Ok(process)
    }

    fn lock(&self) -> MutexGuard<'_, Option<Child>> {
        // A panic while holding the lock leaves a Child that is still fine to use.
        self.child.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn launch(&self) -> io::Result<()> {
        let mut slot = self.lock();
        if slot.is_some() {
            return Err(io::Error::other(format!(
                "{} is already running",
                self.addr
            )));
        }
        // Appending keeps the log of earlier runs of the same node. With no --logfile the
        // server logs to stdout; start-up errors go to stderr: both land in the file.
        let out: File = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)?;
        let child = Command::new(server_binary())
            .args(&self.args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()?;
        *slot = Some(child);
        Ok(())
    }

    /// Poll until the node answers `PING` (authenticating as `auth`), it exits, or
    /// [`STARTUP_TIMEOUT`] passes.
    pub(crate) fn wait_ready(&self, auth: Option<&Auth>) -> io::Result<()> {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        let mut last = String::from("never connected");
        while Instant::now() < deadline {
            if let Some(status) = self.exit_status()? {
                return Err(io::Error::other(format!(
                    "redis-server on {} exited early ({status}):\n{}",
                    self.addr,
                    self.log_tail(20)
                )));
            }
            match connect_as(self.addr, auth).and_then(|mut c| c.send(&Cmd::new("PING"))) {
                Ok(Value::SimpleString(s)) if &s[..] == b"PONG" => return Ok(()),
                Ok(other) => last = format!("PING answered {other:?}"),
                Err(e) => last = e.to_string(),
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!(
                "{} gave no PONG within {STARTUP_TIMEOUT:?}: {last}\n{}",
                self.addr,
                self.log_tail(20)
            ),
        ))
    }

    /// The exit status, once the process has exited (`None` while running or never started).
    fn exit_status(&self) -> io::Result<Option<std::process::ExitStatus>> {
        match self.lock().as_mut() {
            Some(child) => child.try_wait(),
            None => Ok(None),
        }
    }

    /// Stopped by SIGSTOP (see [`Process::signal`]).
    pub(crate) fn is_frozen(&self) -> bool {
        self.frozen.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// True while the process runs.
    pub(crate) fn is_running(&self) -> bool {
        match self.lock().as_mut() {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// SIGKILL, and reap. A no-op when not running.
    pub(crate) fn kill(&self) {
        if let Some(mut child) = self.lock().take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Send `signal` (`STOP`, `CONT`) to the running process. An error when it is not running.
    pub(crate) fn signal(&self, signal: &str) -> io::Result<()> {
        let pid = match self.lock().as_ref() {
            Some(child) => child.id(),
            None => return Err(io::Error::other("the server is not running")),
        };
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &pid.to_string()])
            .status()?;
        if status.success() {
            self.frozen
                .store(signal == "STOP", std::sync::atomic::Ordering::Relaxed);
            Ok(())
        } else {
            Err(io::Error::other(format!("kill -{signal} {pid}: {status}")))
        }
    }

    /// SIGTERM (the server's orderly shutdown), wait for the exit, SIGKILL after
    /// [`SHUTDOWN_TIMEOUT`].
    pub(crate) fn terminate(&self) -> io::Result<()> {
        let Some(mut child) = self.lock().take() else {
            return Ok(());
        };
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        if !status.is_ok_and(|s| s.success()) {
            let _ = child.kill();
        }
        let deadline = Instant::now() + SHUTDOWN_TIMEOUT;
        while Instant::now() < deadline {
            if child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        child.wait().map(drop)
    }

    /// Start again with the same arguments, ports and directory, and wait for `PING`.
    /// The ports were just released, but another process may have taken one: retried for a
    /// few seconds.
    pub(crate) fn restart(&self, auth: Option<&Auth>) -> io::Result<()> {
        self.terminate()?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.launch()?;
            match self.wait_ready(auth) {
                Ok(()) => return Ok(()),
                // The error carries the log's tail, which names a port conflict.
                Err(e) if attempt < 20 && e.to_string().contains("Address already in use") => {
                    self.kill();
                    std::thread::sleep(Duration::from_millis(250));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The log file.
    pub(crate) fn log_path(&self) -> &Path {
        &self.log
    }

    /// The last `lines` lines of the log, or why there are none.
    pub(crate) fn log_tail(&self, lines: usize) -> String {
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

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}
