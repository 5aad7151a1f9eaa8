//! The simulated network between the client and the nodes, and the DNS in front of them.
//!
//! Each connection has its own one-way latency; every delivery adds jitter, may be cut
//! into random pieces (exercising the incremental decoders on both sides), and never
//! overtakes an earlier delivery on the same connection (TCP order). Connects can be
//! refused, addresses can lead nowhere, a partition between the client and a node holds
//! that node's bytes back until it heals (TCP retransmits; nothing is lost), a reset drops
//! the connection with whatever was in flight toward the server, and a black-hole address
//! accepts connections and bytes and never says anything.
//!
//! Flow control: a connection holds at most the profile's `socket_window` bytes written by
//! the client and not yet read by the node (in flight, waiting out a partition, or held by
//! a frozen node). Past that the client's writes stall, as a full socket buffer makes them
//! return `EWOULDBLOCK`, and resume one latency after the node reads (the window update
//! travels back). So a node that stops reading keeps the client's later commands in the
//! client's own buffer, where a deadline or a cancellation can still take them back.
//!
//! Names: each node's hostname resolves to its IP; the configuration endpoint
//! ([`CONFIG_HOST`]) resolves to a subset of node addresses that may rotate over time and
//! may include addresses of removed nodes or the black hole. A connect to a name lands on
//! one of its current addresses, chosen at random, as a driver that resolves afresh would.

use std::collections::BTreeMap;

use keyslot_core::cluster::ConnId;
use keyslot_core::time::Instant;
use keyslot_core::topology::Addr;

use super::clock::us;
use super::cluster::{Life, NodeId};
use super::server::Session;
use super::world::{Ev, Phase, World};

/// The configuration endpoint's name.
pub const CONFIG_HOST: &str = "clustercfg.sim.test";
/// An address that accepts connections and never answers.
pub const BLACK_HOLE_IP: &str = "10.255.255.1";

/// What a connection leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Peer {
    /// A node.
    Node(NodeId),
    /// The black hole.
    BlackHole,
}

/// Where a connection is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// The connect is under way.
    Connecting,
    /// Established.
    Open,
    /// The client closed it; the server side closes once the bytes in flight arrive.
    ClosedByClient,
    /// Reset; the client has not been told yet.
    Reset,
}

/// One connection.
#[derive(Debug)]
pub struct SimConn {
    /// The client's handle.
    pub id: ConnId,
    /// What it leads to.
    pub peer: Option<Peer>,
    /// Its state.
    pub state: State,
    /// One-way latency, microseconds.
    pub latency: u64,
    /// The last scheduled delivery toward the server and toward the client.
    pub c2s_at: Instant,
    /// See `c2s_at`.
    pub s2c_at: Instant,
    /// A `ClientWritable` is scheduled, or the window is full (see `stalled`).
    pub writing: bool,
    /// Bytes the client wrote that the node has not read yet.
    pub unread: usize,
    /// The window is full: the client writes again once the node reads.
    pub stalled: bool,
    /// The last bytes the client wrote ([`TAIL_KEPT`] at most), so that a check can tell
    /// whether a command still in the client's buffer was partly written (see
    /// [`super::cancel`]).
    pub tail: Vec<u8>,
}

/// How many of the last written bytes a connection keeps (see [`SimConn::tail`]).
pub const TAIL_KEPT: usize = 1024;

/// The network's state.
#[derive(Debug, Default)]
pub struct Net {
    /// Connections by `ConnId::as_u64`.
    pub conns: BTreeMap<u64, SimConn>,
    /// Server-side sessions of open connections to nodes.
    pub sessions: BTreeMap<u64, Session>,
    /// Client-to-node partitions: node -> healed at.
    pub partitions: BTreeMap<NodeId, Instant>,
    /// The configuration endpoint's current answer (IPs).
    pub dns_answer: Vec<String>,
    /// Removed nodes' IPs the DNS still hands out, until when.
    pub dns_stale: Vec<(String, Instant)>,
    /// Connections ever opened.
    pub opened: u64,
}

impl World {
    fn partitioned_until(&self, node: NodeId) -> Option<Instant> {
        self.net
            .partitions
            .get(&node)
            .copied()
            .filter(|&t| t > self.now)
    }

    /// The client asked for a connection to `addr`.
    pub fn net_connect(&mut self, id: ConnId, addr: Addr) {
        let key = id.as_u64();
        self.net.opened += 1;
        let (lo, hi) = self.profile.latency_us;
        let latency = self.rng_net.range(lo, hi);
        let mut conn = SimConn {
            id,
            peer: None,
            state: State::Connecting,
            latency,
            c2s_at: self.now,
            s2c_at: self.now,
            writing: false,
            unread: 0,
            stalled: false,
            tail: Vec::new(),
        };
        let ip = self.resolve(&addr.host);
        let Some(ip) = ip else {
            self.net.conns.insert(key, conn);
            self.sched.after(
                self.now,
                us(latency),
                Ev::ConnectDone {
                    conn: key,
                    refused: Some(
                        "failed to lookup address information: Name or service not known",
                    ),
                },
            );
            return;
        };
        if ip == BLACK_HOLE_IP {
            conn.peer = Some(Peer::BlackHole);
        } else if let Some(n) = self.c.node_at(&ip, addr.port) {
            conn.peer = Some(Peer::Node(n));
        }
        let refused = conn
            .peer
            .is_none()
            .then_some("Connection refused (os error 111)");
        let mut at = self.now + us(latency);
        if let Some(Peer::Node(n)) = conn.peer {
            if let Some(until) = self.partitioned_until(n) {
                at = at.max(until + us(latency));
            }
        }
        self.net.conns.insert(key, conn);
        self.sched.at(at, Ev::ConnectDone { conn: key, refused });
    }

    /// A name (or IP literal) to an IP, as the DNS answers now.
    fn resolve(&mut self, host: &str) -> Option<String> {
        if host == CONFIG_HOST {
            let answer = self.net.dns_answer.clone();
            return self.rng_net.pick(&answer).cloned();
        }
        if host.starts_with(|c: char| c.is_ascii_digit()) {
            return Some(host.to_string());
        }
        self.c
            .by_hostname
            .get(host)
            .map(|&n| self.c.nodes[n].ident.ip.clone())
    }

    /// The connect finished one way or the other.
    pub fn on_connect_done(&mut self, key: u64, refused: Option<&'static str>) {
        let Some(c) = self.net.conns.get(&key) else {
            return;
        };
        if c.state != State::Connecting {
            return;
        }
        let (id, latency) = (c.id, c.latency);
        let mut failure = refused;
        if failure.is_none() {
            if let Some(Peer::Node(n)) = c.peer {
                if let Some(until) = self.partitioned_until(n) {
                    // Still cut off: the SYN is retried until the partition heals.
                    self.sched
                        .at(until + us(latency), Ev::ConnectDone { conn: key, refused });
                    return;
                }
                let down = self.c.nodes[n].life != Life::Up;
                if down
                    || (self.phase == Phase::Faults
                        && self.rng_net.chance(self.profile.refuse_chance))
                {
                    failure = Some("Connection refused (os error 111)");
                }
            }
        }
        if let Some(reason) = failure {
            self.net.conns.remove(&key);
            self.client.handle_connect_failed(id, reason, self.now);
            self.drain();
            return;
        }
        let peer = c.peer;
        if let Some(c) = self.net.conns.get_mut(&key) {
            c.state = State::Open;
        }
        if let Some(Peer::Node(n)) = peer {
            let session = Session {
                conn: key,
                node: n,
                authed: !self.profile.auth,
                ..Session::default()
            };
            self.net.sessions.insert(key, session);
        }
        self.client.handle_connected(id, self.now);
        self.drain();
    }

    /// The client has bytes for `key`: write some or all of them now.
    pub fn client_write(&mut self, key: u64) {
        let Some(c) = self.net.conns.get(&key) else {
            return;
        };
        if c.writing {
            return;
        }
        let id = c.id;
        let state = c.state;
        let len = self.client.transmit(id).len();
        if len == 0 {
            return;
        }
        if state != State::Open {
            // Into a dead socket: the close or reset is on its way to the client.
            self.client.handle_written(id, len);
            return;
        }
        let room = self.profile.socket_window.saturating_sub(c.unread);
        if room == 0 {
            self.stall(key);
            return;
        }
        let n = if self.profile.partial_writes && self.rng_net.chance(0.3) {
            self.rng_net.range(1, len as u64) as usize
        } else {
            len
        };
        let n = n.min(room);
        let bytes = self.client.transmit(id)[..n].to_vec();
        self.client.handle_written(id, n);
        self.trace_io(b'w', key, n);
        if let Some(c) = self.net.conns.get_mut(&key) {
            c.unread += n;
            c.tail.extend_from_slice(&bytes);
            let cut = c.tail.len().saturating_sub(TAIL_KEPT);
            c.tail.drain(..cut);
        }
        self.send_to_server(key, bytes);
        if n == room && n < len {
            self.stall(key);
        } else if n < len {
            let delay = self.rng_net.range(10, 500);
            if let Some(c) = self.net.conns.get_mut(&key) {
                c.writing = true;
            }
            self.sched
                .after(self.now, us(delay), Ev::ClientWritable { conn: key });
        }
    }

    /// The window of `key` is full: no write until the node reads.
    fn stall(&mut self, key: u64) {
        if let Some(c) = self.net.conns.get_mut(&key) {
            c.writing = true;
            c.stalled = true;
        }
        self.stats.cancels.stalls += 1;
        self.trace_io(b'z', key, 0);
    }

    /// The node read `n` bytes of `key`: the window opens again, and a stalled client
    /// hears of it one latency later.
    pub fn node_read(&mut self, key: u64, n: usize) {
        let Some(c) = self.net.conns.get_mut(&key) else {
            return;
        };
        c.unread = c.unread.saturating_sub(n);
        if c.stalled {
            c.stalled = false;
            let at = self.now + us(c.latency);
            self.sched.at(at, Ev::ClientWritable { conn: key });
        }
    }

    /// The socket can take more bytes.
    pub fn on_client_writable(&mut self, key: u64) {
        if let Some(c) = self.net.conns.get_mut(&key) {
            c.writing = false;
        }
        self.client_write(key);
    }

    /// Cut `bytes` into delivery pieces.
    fn pieces(&mut self, bytes: Vec<u8>) -> Vec<Vec<u8>> {
        if !self.profile.split_bytes || bytes.len() < 2 || !self.rng_net.chance(0.5) {
            return vec![bytes];
        }
        let cuts = self.rng_net.range(1, 4.min(bytes.len() as u64 - 1));
        let mut at: Vec<usize> = (0..cuts)
            .map(|_| self.rng_net.range(1, bytes.len() as u64 - 1) as usize)
            .collect();
        at.sort_unstable();
        at.dedup();
        let mut out = Vec::new();
        let mut prev = 0;
        for cut in at {
            out.push(bytes[prev..cut].to_vec());
            prev = cut;
        }
        out.push(bytes[prev..].to_vec());
        out
    }

    fn delivery_time(&mut self, key: u64, to_server: bool) -> Instant {
        let jitter = if self.profile.jitter_us > 0 {
            self.rng_net.range(0, self.profile.jitter_us)
        } else {
            0
        };
        let Some(c) = self.net.conns.get(&key) else {
            return self.now;
        };
        let mut at = self.now + us(c.latency + jitter);
        if let Some(Peer::Node(n)) = c.peer {
            if let Some(until) = self.partitioned_until(n) {
                at = at.max(until + us(c.latency));
            }
        }
        let c = self.net.conns.get_mut(&key).expect("checked above");
        let last = if to_server {
            &mut c.c2s_at
        } else {
            &mut c.s2c_at
        };
        at = at.max(*last);
        *last = at;
        at
    }

    /// Bytes leave the client toward the server.
    pub fn send_to_server(&mut self, key: u64, bytes: Vec<u8>) {
        let Some(c) = self.net.conns.get(&key) else {
            return;
        };
        if c.peer != Some(Peer::BlackHole) {
            let sent = self.now;
            for piece in self.pieces(bytes) {
                let at = self.delivery_time(key, true);
                self.sched.at(
                    at,
                    Ev::ToServer {
                        conn: key,
                        bytes: piece,
                        sent,
                    },
                );
            }
        }
    }

    /// Bytes leave a node toward the client.
    pub fn send_to_client(&mut self, key: u64, bytes: Vec<u8>) {
        self.pubsub_sent_bytes(key, bytes.len());
        self.cache_sent_bytes(key, bytes.len());
        for piece in self.pieces(bytes) {
            let at = self.delivery_time(key, false);
            self.sched.at(
                at,
                Ev::ToClient {
                    conn: key,
                    bytes: piece,
                },
            );
        }
    }

    /// Bytes reach the client.
    pub fn on_to_client(&mut self, key: u64, bytes: Vec<u8>) {
        let Some(c) = self.net.conns.get(&key) else {
            return;
        };
        if !matches!(c.state, State::Open | State::Reset) {
            return;
        }
        let id = c.id;
        self.trace_io(b'r', key, bytes.len());
        self.pubsub_reading(Some((key, bytes.len())));
        self.cache_reading(key, bytes.len());
        self.client.handle_data(id, &bytes, self.now);
        self.drain();
        self.pubsub_reading(None);
    }

    /// The client closed a connection.
    pub fn client_close(&mut self, key: u64) {
        let Some(c) = self.net.conns.get_mut(&key) else {
            return;
        };
        let at = c.c2s_at.max(self.now + us(c.latency));
        c.state = State::ClosedByClient;
        self.sched.at(at, Ev::ServerClosed { conn: key });
        self.cache_conn_lost(key);
    }

    /// The client's close reaches the server.
    pub fn on_server_closed(&mut self, key: u64) {
        self.net.sessions.remove(&key);
        self.net.conns.remove(&key);
    }

    /// Reset an open connection: the server side is gone now, the client hears later.
    pub fn reset_conn(&mut self, key: u64) {
        self.server_close(key, false);
    }

    /// The server closes `key` after its last reply (Redis's `CLIENT_CLOSE_AFTER_REPLY`):
    /// the bytes already sent arrive, then the client hears the close.
    pub fn close_after_reply(&mut self, key: u64) {
        self.server_close(key, true);
    }

    /// The server side of an open connection is gone; the client hears it one latency later,
    /// or after the replies already on their way when `after_replies`.
    fn server_close(&mut self, key: u64, after_replies: bool) {
        let Some(c) = self.net.conns.get_mut(&key) else {
            return;
        };
        if c.state != State::Open {
            return;
        }
        c.state = State::Reset;
        let heard = self.now + us(c.latency);
        let at = if after_replies {
            c.s2c_at.max(heard) + us(1)
        } else {
            heard
        };
        self.net.sessions.remove(&key);
        self.trace_io(if after_replies { b'f' } else { b'x' }, key, 0);
        self.sched.at(at, Ev::ClientClosed { conn: key });
    }

    /// The reset reaches the client.
    pub fn on_client_closed(&mut self, key: u64) {
        let Some(c) = self.net.conns.get(&key) else {
            return;
        };
        if c.state != State::Reset {
            return;
        }
        let id = c.id;
        self.net.conns.remove(&key);
        self.cache_conn_lost(key);
        self.client.handle_closed(id, self.now);
        self.drain();
    }

    /// Reset every open connection to `node` (it crashed or was removed).
    pub fn reset_node_conns(&mut self, node: NodeId) {
        let keys: Vec<u64> = self
            .net
            .conns
            .iter()
            .filter(|(_, c)| c.peer == Some(Peer::Node(node)) && c.state == State::Open)
            .map(|(&k, _)| k)
            .collect();
        for k in keys {
            self.reset_conn(k);
        }
    }

    /// Recompute what the configuration endpoint resolves to.
    pub fn rotate_dns(&mut self) {
        let now = self.now;
        self.net.dns_stale.retain(|(_, until)| *until > now);
        let mut pool: Vec<String> = Vec::new();
        for (i, s) in self.c.latest.shards.iter().enumerate() {
            if !s.listed || self.c.shards[i].removed {
                continue;
            }
            for m in std::iter::once(s.primary).chain(s.replicas.iter().copied()) {
                pool.push(self.c.nodes[m].ident.ip.clone());
            }
        }
        pool.extend(self.net.dns_stale.iter().map(|(ip, _)| ip.clone()));
        if self.profile.dns_black_hole && self.phase == Phase::Faults {
            pool.push(BLACK_HOLE_IP.to_string());
        }
        if self.profile.dns_rotation {
            self.rng_net.shuffle(&mut pool);
            let keep = self.rng_net.range(1, 3) as usize;
            pool.truncate(keep);
        }
        self.net.dns_answer = pool;
    }
}
