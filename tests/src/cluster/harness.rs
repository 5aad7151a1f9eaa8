//! [`RedisCluster`]: the running cluster — start-up, the nodes, lookups, teardown.
//!
//! Operations that change the cluster live in files of their own (`migrate.rs`,
//! `failover.rs`, `membership.rs`); waiting for the cluster to settle is in `health.rs`.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::{Duration, Instant};

use super::admin::{call_text, cluster, connect_as};
use super::form;
use super::launch::{node_args, Ports};
use super::node::{Node, Process};
use super::ports::free_ports;
use super::spec::{Auth, ClusterSpec, Layout};
use super::tls::{Ca, ClientCert};
use super::view::ClusterView;
use crate::client::Conn;
use crate::tempdir::TempDir;

/// How many times start-up is retried when another process took a chosen port meanwhile.
const START_ATTEMPTS: usize = 3;

/// The log lines printed per node when a test fails with the cluster running.
const LOG_TAIL_LINES: usize = 25;

/// A node and the process behind it.
#[derive(Debug)]
pub(crate) struct Member {
    pub(crate) node: Node,
    pub(crate) process: Process,
}

/// A running Redis Cluster of real `redis-server` processes, torn down on drop.
///
/// All methods take `&self` and the type is `Sync`, so a test can share it with the threads
/// that run traffic while it migrates slots or fails nodes over. Roles change (failover), so
/// [`RedisCluster::primaries`] and friends ask the live cluster every time.
///
/// Dropping it kills every node. When the thread is panicking, the cluster's directory (logs,
/// `nodes.conf`, certificates) is kept and the tail of each node's log printed.
#[derive(Debug)]
pub struct RedisCluster {
    pub(crate) spec: ClusterSpec,
    pub(crate) members: RwLock<Vec<Arc<Member>>>,
    /// In the same-port layout, the ports every node uses.
    pub(crate) shared_ports: Option<Ports>,
    pub(crate) ca: Option<Ca>,
    client_cert: Option<ClientCert>,
    started_in: Duration,
    dir: TempDir,
}

impl RedisCluster {
    /// Start the cluster `spec` describes and wait until it is fully formed: every node says
    /// `cluster_state:ok`, all agree on nodes, roles and the 16384 slots, and every replica's
    /// link to its primary is up.
    pub fn start(spec: ClusterSpec) -> io::Result<RedisCluster> {
        let began = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            match RedisCluster::try_start(&spec, began) {
                Ok(cluster) => return Ok(cluster),
                Err(e) if attempt < START_ATTEMPTS && e.to_string().contains("already in use") => {
                    eprintln!("cluster start attempt {attempt}: a port was taken, retrying: {e}");
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn try_start(spec: &ClusterSpec, began: Instant) -> io::Result<RedisCluster> {
        let dir = TempDir::new("keyslot-cluster")?;
        let ca = match spec.tls {
            Some(_) => Some(Ca::new(dir.path())?),
            None => None,
        };
        let client_cert = ca
            .as_ref()
            .map(|ca| ca.client("keyslot test client"))
            .transpose()?;
        let n = spec.node_count();
        let (ports, shared_ports) = allocate_ports(spec, n)?;

        // Start every node at once: most of a node's start-up is waiting for it to listen.
        let members = std::thread::scope(|s| {
            let handles: Vec<_> = (0..n)
                .map(|i| {
                    let (dir, ca, ports) = (dir.path(), ca.as_ref(), ports[i]);
                    s.spawn(move || start_member(spec, i, ports, dir, ca))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(io::Error::other("start panicked")))
                })
                .collect::<io::Result<Vec<Member>>>()
        })?;

        let mut cluster = RedisCluster {
            spec: spec.clone(),
            members: RwLock::new(members.into_iter().map(Arc::new).collect()),
            shared_ports,
            ca,
            client_cert,
            started_in: Duration::ZERO,
            dir,
        };
        if let Err(e) = form::form(&cluster) {
            return Err(cluster.fail_with(e));
        }
        cluster.started_in = began.elapsed();
        Ok(cluster)
    }

    /// Add the log tails of every node to `e`, and keep the directory for a post-mortem.
    pub(crate) fn fail_with(&mut self, e: io::Error) -> io::Error {
        self.dir.keep();
        let mut text = format!("{e}\n(cluster files kept in {})", self.dir.path().display());
        for member in self.members_snapshot() {
            text.push_str(&format!(
                "\n--- node {} ({}), last 10 log lines:\n{}",
                member.node.index,
                member.node.addr(),
                member.process.log_tail(10)
            ));
        }
        io::Error::new(e.kind(), text)
    }

    fn read_members(&self) -> RwLockReadGuard<'_, Vec<Arc<Member>>> {
        self.members.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The members now, without holding the lock.
    pub(crate) fn members_snapshot(&self) -> Vec<Arc<Member>> {
        self.read_members().clone()
    }

    /// The member behind `node`.
    pub(crate) fn member(&self, node: &Node) -> io::Result<Arc<Member>> {
        self.read_members()
            .get(node.index)
            .filter(|m| m.node.id == node.id)
            .cloned()
            .ok_or_else(|| io::Error::other(format!("node {} is not in this cluster", node.index)))
    }

    /// The live members (their process runs and is not frozen).
    pub(crate) fn live_members(&self) -> Vec<Arc<Member>> {
        self.members_snapshot()
            .into_iter()
            .filter(|m| m.process.is_running() && !m.process.is_frozen())
            .collect()
    }

    /// The node with cluster id `id`.
    pub fn node_by_id(&self, id: &str) -> Option<Node> {
        self.read_members()
            .iter()
            .find(|m| m.node.id == id)
            .map(|m| m.node.clone())
    }

    /// What the cluster was started with.
    pub fn spec(&self) -> &ClusterSpec {
        &self.spec
    }

    /// How long [`RedisCluster::start`] took, processes to a fully formed cluster.
    pub fn started_in(&self) -> Duration {
        self.started_in
    }

    /// Every node ever started, dead or alive, in index order.
    pub fn nodes(&self) -> Vec<Node> {
        self.read_members().iter().map(|m| m.node.clone()).collect()
    }

    /// The nodes whose process runs.
    pub fn live_nodes(&self) -> Vec<Node> {
        self.live_members().iter().map(|m| m.node.clone()).collect()
    }

    /// True while `node`'s process runs.
    pub fn is_running(&self, node: &Node) -> bool {
        self.member(node).is_ok_and(|m| m.process.is_running())
    }

    /// The live primaries (with or without slots), in index order, from the view the live
    /// nodes agree on (waiting for agreement first).
    pub fn primaries(&self) -> io::Result<Vec<Node>> {
        let view = self.agreed_view()?;
        Ok(self.live_filter(|id| view.entry(id).is_some_and(|e| e.primary)))
    }

    /// The live replicas, in index order.
    pub fn replicas(&self) -> io::Result<Vec<Node>> {
        let view = self.agreed_view()?;
        Ok(self.live_filter(|id| view.entry(id).is_some_and(|e| !e.primary)))
    }

    /// The live replicas of `primary`, in index order.
    pub fn replicas_of(&self, primary: &Node) -> io::Result<Vec<Node>> {
        let view = self.agreed_view()?;
        Ok(self.live_filter(|id| {
            view.entry(id)
                .is_some_and(|e| e.primary_id.as_deref() == Some(primary.id()))
        }))
    }

    fn live_filter(&self, keep: impl Fn(&str) -> bool) -> Vec<Node> {
        self.live_members()
            .iter()
            .filter(|m| keep(&m.node.id))
            .map(|m| m.node.clone())
            .collect()
    }

    /// The primary that owns `slot`, as the live nodes agree.
    pub fn slot_owner(&self, slot: u16) -> io::Result<Node> {
        let view = self.agreed_view()?;
        let owner = view
            .owner(slot)
            .ok_or_else(|| io::Error::other(format!("slot {slot} has no owner")))?;
        self.node_by_id(&owner.id)
            .ok_or_else(|| io::Error::other(format!("slot {slot}: unknown owner {}", owner.id)))
    }

    /// A live node's client address ([`Node::client_addr`]): TLS in a TLS cluster.
    pub fn seed_addr(&self) -> io::Result<SocketAddr> {
        self.live_members()
            .first()
            .map(|m| m.node.client_addr())
            .ok_or_else(|| io::Error::other("no node is running"))
    }

    /// A URL for a client under test: `redis://` or `rediss://`, with the credentials, and
    /// a live node's client address.
    pub fn seed_url(&self) -> io::Result<String> {
        let addr = self.seed_addr()?;
        let scheme = if self.spec.tls.is_some() {
            "rediss"
        } else {
            "redis"
        };
        let creds = match &self.spec.auth {
            None => String::new(),
            Some(Auth::Password(pw)) => format!(":{pw}@"),
            Some(Auth::User { user, password }) => format!("{user}:{password}@"),
        };
        Ok(format!("{scheme}://{creds}{addr}"))
    }

    /// The credentials clients need, if any.
    pub fn auth(&self) -> Option<&Auth> {
        self.spec.auth.as_ref()
    }

    /// A new plain-TCP connection to `node`, authenticated when the cluster has a password.
    pub fn connect(&self, node: &Node) -> io::Result<Conn> {
        connect_as(node.addr(), self.spec.auth.as_ref())
    }

    /// Send one command to `node` on a new connection and return the reply (an error reply
    /// is `Ok(Value::Error(..))`: tests often expect one).
    pub fn send(
        &self,
        node: &Node,
        cmd: &keyslot_core::Cmd,
    ) -> io::Result<keyslot_core::resp::Value> {
        self.connect(node)?.send(cmd)
    }

    /// One field of `node`'s `INFO <section>` (`blocked_clients` of `clients`, say).
    pub fn info_field(
        &self,
        node: &Node,
        section: &str,
        field: &str,
    ) -> io::Result<Option<String>> {
        let info = call_text(
            &mut self.connect(node)?,
            &keyslot_core::Cmd::new("INFO").arg(section),
        )?;
        Ok(super::admin::info_field(&info, field).map(str::to_owned))
    }

    /// `node`'s own view (`CLUSTER NODES`).
    pub fn view(&self, node: &Node) -> io::Result<ClusterView> {
        let text = call_text(&mut self.connect(node)?, &cluster("NODES"))?;
        ClusterView::parse(&text)
    }

    /// The test CA's certificate (PEM), in a TLS cluster: what clients trust.
    pub fn tls_ca_pem(&self) -> Option<&str> {
        self.ca.as_ref().map(Ca::pem)
    }

    /// The test CA's certificate, DER (what `rustls::RootCertStore::add` takes).
    pub fn tls_ca_der(&self) -> Option<&[u8]> {
        self.ca.as_ref().map(Ca::der)
    }

    /// The file holding [`RedisCluster::tls_ca_pem`].
    pub fn tls_ca_path(&self) -> Option<&Path> {
        self.ca.as_ref().map(Ca::path)
    }

    /// A client certificate signed by the test CA, in a TLS cluster (needed when started
    /// with [`ClusterSpec::tls_with_client_certs`]).
    pub fn tls_client_cert(&self) -> Option<&ClientCert> {
        self.client_cert.as_ref()
    }

    /// The cluster's directory: a `node-N/` per node (log, `nodes.conf`, certificates).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `node`'s log file (stdout and stderr of every run).
    pub fn log_path(&self, node: &Node) -> io::Result<PathBuf> {
        Ok(self.member(node)?.process.log_path().to_path_buf())
    }

    /// The last `lines` lines of `node`'s log.
    pub fn log_tail(&self, node: &Node, lines: usize) -> io::Result<String> {
        Ok(self.member(node)?.process.log_tail(lines))
    }

    /// Start node number `index` (not yet a member of anything) with its own ports, or the
    /// shared ones in the same-port layout.
    pub(crate) fn start_new_member(&self, index: usize) -> io::Result<Member> {
        let ports = match self.shared_ports {
            Some(ports) => ports,
            None => allocate_ports(&self.spec, 1)?.0[0],
        };
        start_member(&self.spec, index, ports, self.dir.path(), self.ca.as_ref())
    }

    /// Make `member` part of the harness (its index must be the next one).
    pub(crate) fn push_member(&self, member: Member) -> Node {
        let node = member.node.clone();
        let mut members = self.members.write().unwrap_or_else(|e| e.into_inner());
        debug_assert_eq!(members.len(), node.index);
        members.push(Arc::new(member));
        node
    }

    /// The next free node index.
    pub(crate) fn next_index(&self) -> usize {
        self.read_members().len()
    }
}

impl Drop for RedisCluster {
    fn drop(&mut self) {
        let members = self.members_snapshot();
        for member in &members {
            member.process.kill();
        }
        if std::thread::panicking() {
            self.dir.keep();
            eprintln!(
                "--- redis cluster: files kept in {}",
                self.dir.path().display()
            );
            for member in &members {
                eprintln!(
                    "--- node {} {} (id {}), last {LOG_TAIL_LINES} log lines:\n{}",
                    member.node.index,
                    member.node.addr(),
                    member.node.id,
                    member.process.log_tail(LOG_TAIL_LINES)
                );
            }
            eprintln!("---");
        }
    }
}

/// The cluster bus's distance from the client port on servers without `cluster-port`.
const BUS_PORT_OFFSET: u16 = 10_000;

/// Ports for `n` new nodes: each its own in the shared-address layout; one set for all
/// (returned as the second value too) in the same-port layout.
fn allocate_ports(spec: &ClusterSpec, n: usize) -> io::Result<(Vec<Ports>, Option<Ports>)> {
    // Before Redis 7.0 the bus is always the port + 10000 (no `cluster-port`).
    let bus_offset = match crate::require::server_version() {
        Some(v) if !v.is_7() => Some(BUS_PORT_OFFSET),
        _ => None,
    };
    let per_node = match (spec.tls.is_some(), bus_offset) {
        (true, None) => 3,
        (true, Some(_)) | (false, None) => 2,
        (false, Some(_)) => 1,
    };
    let to_ports = |p: &[u16]| match bus_offset {
        Some(offset) => Ports {
            port: p[0],
            bus: p[0] + offset,
            tls: p.get(1).copied(),
        },
        None => Ports {
            port: p[0],
            bus: p[1],
            tls: p.get(2).copied(),
        },
    };
    match spec.layout {
        Layout::SharedAddress => {
            let all = free_ports(&[Ipv4Addr::LOCALHOST], n * per_node, bus_offset)?;
            Ok((all.chunks(per_node).map(to_ports).collect(), None))
        }
        Layout::DistinctAddresses { .. } => {
            let ips: Vec<Ipv4Addr> = (0..n).map(|i| spec.ip(i)).collect();
            let shared = to_ports(&free_ports(&ips, per_node, bus_offset)?);
            Ok((vec![shared; n], Some(shared)))
        }
    }
}

/// Start node `index` in `base/node-<index>` and wait until it answers; learn its id.
fn start_member(
    spec: &ClusterSpec,
    index: usize,
    ports: Ports,
    base: &Path,
    ca: Option<&Ca>,
) -> io::Result<Member> {
    let dir = base.join(format!("node-{index}"));
    std::fs::create_dir_all(&dir)?;
    let ip = spec.ip(index);
    let hostname = spec.hostname(index);
    let certs = ca
        .map(|ca| ca.node_files(&dir, ip, hostname.as_deref()))
        .transpose()?;
    let args = node_args(spec, ip, ports, hostname.as_deref(), &dir, certs.as_ref());
    let addr = SocketAddr::from((ip, ports.port));
    let process = Process::spawn(args, addr, &dir)?;
    process.wait_ready(spec.auth.as_ref())?;
    let mut conn = connect_as(addr, spec.auth.as_ref())?;
    let id = call_text(&mut conn, &cluster("MYID"))?;
    Ok(Member {
        node: Node {
            index,
            id,
            ip,
            port: ports.port,
            tls_port: ports.tls,
            bus_port: ports.bus,
            hostname,
        },
        process,
    })
}
