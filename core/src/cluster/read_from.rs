//! Choosing the node a read goes to, by the [`ReadFrom`] policy.
//!
//! The choice is made at every dispatch (a retry may land elsewhere) among the slot's
//! primary and the replicas the latest topology lists as readable for it (online, caught
//! up; see `apply_topology`). A node set aside — it failed to connect, or answered LOADING
//! or MASTERDOWN — is skipped until its backoff ends. Every policy falls back to the
//! primary, so a shard without a usable replica still serves its reads.

use super::backoff::backoff;
use super::conn::{ConnState, Expect};
use super::slab::Key;
use super::{Cluster, ReadFrom};
use crate::resp::Frame;
use crate::time::{Duration, Instant};
use crate::Cmd;
use smallvec::SmallVec;

/// One read in this many goes to a random node under [`ReadFrom::LowestLatency`], so that
/// the reply times of the others stay measured.
const EXPLORE_ONE_IN: usize = 32;

impl<T, S, P> Cluster<T, S, P> {
    /// The node a read of `primary`'s slots goes to.
    pub(crate) fn read_node(&mut self, primary: usize, now: Instant) -> usize {
        match self.config.read_from {
            ReadFrom::Primary => primary,
            ReadFrom::PreferReplica => self.random_replica(primary, now).unwrap_or(primary),
            ReadFrom::RoundRobinReplicas => {
                self.next_replica(primary, now, false).unwrap_or(primary)
            }
            ReadFrom::LowestLatency => self.fastest(primary, now),
            ReadFrom::SameZone => self.same_zone(primary, now),
        }
    }

    fn usable(&self, node: usize, now: Instant) -> bool {
        !self.routing.nodes[node].is_down(now)
    }

    fn in_client_zone(&self, node: usize) -> bool {
        match (&self.config.client_zone, &self.routing.nodes[node].zone) {
            (Some(client), Some(zone)) => client == zone,
            _ => false,
        }
    }

    fn random_replica(&mut self, primary: usize, now: Instant) -> Option<usize> {
        let usable: smallvec::SmallVec<[usize; 4]> = self.routing.nodes[primary]
            .replicas
            .iter()
            .copied()
            .filter(|&r| self.usable(r, now))
            .collect();
        if usable.is_empty() {
            return None;
        }
        Some(usable[self.rng.below(usable.len())])
    }

    /// The next usable replica in turn (in the client's zone only, when asked).
    fn next_replica(&mut self, primary: usize, now: Instant, same_zone: bool) -> Option<usize> {
        let count = self.routing.nodes[primary].replicas.len();
        let start = self.routing.nodes[primary].next_replica;
        for i in 0..count {
            let replica = self.routing.nodes[primary].replicas[(start + i) % count];
            if self.usable(replica, now) && (!same_zone || self.in_client_zone(replica)) {
                self.routing.nodes[primary].next_replica = (start + i + 1) % count;
                return Some(replica);
            }
        }
        None
    }

    /// The primary or replica with the lowest smoothed reply time; unmeasured ones first.
    fn fastest(&mut self, primary: usize, now: Instant) -> usize {
        let candidates: SmallVec<[usize; 8]> = core::iter::once(primary)
            .chain(self.routing.nodes[primary].replicas.iter().copied())
            .filter(|&n| self.usable(n, now))
            .collect();
        if candidates.len() > 1 && self.rng.below(EXPLORE_ONE_IN) == 0 {
            return candidates[self.rng.below(candidates.len())];
        }
        candidates
            .iter()
            .copied()
            .min_by_key(|&n| {
                self.routing.nodes[n]
                    .latency
                    .map_or(0, |d| d.as_micros() + 1)
            })
            .unwrap_or(primary)
    }

    /// Same-zone replicas, then a same-zone primary, then any replica, then the primary.
    /// Nodes whose zone is not known yet are asked for it, once; until they answer, reads
    /// go by what is known.
    fn same_zone(&mut self, primary: usize, now: Instant) -> usize {
        for i in 0..self.routing.nodes[primary].replicas.len() {
            let node = self.routing.nodes[primary].replicas[i];
            self.learn_zone(node, now);
        }
        self.learn_zone(primary, now);
        if let Some(replica) = self.next_replica(primary, now, true) {
            return replica;
        }
        if self.in_client_zone(primary) {
            return primary;
        }
        self.next_replica(primary, now, false).unwrap_or(primary)
    }

    /// Ask a node of unknown zone for its `INFO SERVER`, on its connection.
    fn learn_zone(&mut self, node: usize, now: Instant) {
        if self.routing.nodes[node].zone_asked || !self.usable(node, now) {
            return;
        }
        self.routing.nodes[node].zone_asked = true;
        let conn = self.conn_for(node, now);
        let Some(c) = self.conns.get_mut(conn) else {
            return;
        };
        if c.state == ConnState::Ready {
            self.send_zone_query(conn);
        } else {
            c.ask_zone = true; // sent when the handshake ends
        }
    }

    /// `INFO SERVER` on `conn`, whose reply carries the node's `availability_zone`.
    pub(crate) fn send_zone_query(&mut self, conn: super::slab::Key) {
        if let Some(c) = self.conns.get_mut(conn) {
            c.send(Expect::Zone, |out| {
                Cmd::new("INFO").arg("SERVER").encode(out)
            });
            self.signal_transmit(conn);
        }
    }

    /// A node reported its zone (HELLO, the topology): taken unless the configuration names
    /// the node's zone itself. No `INFO SERVER` is needed for it then.
    pub(crate) fn learn_reported_zone(&mut self, node: usize, zone: alloc::string::String) {
        let addr = &self.routing.nodes[node].addr;
        let configured = self.config.node_zones.iter().any(|(a, _)| a == addr);
        if !configured && !zone.is_empty() {
            self.routing.nodes[node].zone = Some(zone);
            self.routing.nodes[node].zone_asked = true;
        }
    }

    /// The `INFO SERVER` reply: take the `availability_zone` field when there is one.
    pub(crate) fn on_zone_reply(&mut self, conn: Key, frame: &Frame<'_>) {
        let Some(node) = self.conns.get(conn).and_then(|c| c.node) else {
            return;
        };
        let value = frame.to_value();
        let Some(text) = value.as_bytes() else {
            return;
        };
        let zone = text
            .split(|&b| b == b'\n')
            .find_map(|line| line.strip_prefix(b"availability_zone:"))
            .map(|z| z.strip_suffix(b"\r").unwrap_or(z))
            .filter(|z| !z.is_empty());
        if let Some(zone) = zone {
            self.routing.nodes[node].zone =
                Some(alloc::string::String::from_utf8_lossy(zone).into_owned());
        }
    }

    /// A read's reply arrived: fold its round trip into the node's reply time.
    pub(crate) fn note_reply_time(&mut self, conn: Key, sent_at: Instant, now: Instant) {
        if self.config.read_from != ReadFrom::LowestLatency {
            return;
        }
        let Some(node) = self.conns.get(conn).and_then(|c| c.node) else {
            return;
        };
        let sample = now - sent_at;
        let smoothed = match self.routing.nodes[node].latency {
            None => sample,
            Some(old) => Duration::from_micros((old.as_micros() * 7 + sample.as_micros()) / 8),
        };
        self.routing.nodes[node].latency = Some(smoothed);
    }

    /// A replica answered LOADING or MASTERDOWN: read elsewhere for a while.
    pub(crate) fn set_aside_replica(&mut self, conn: Key, now: Instant) {
        let Some(node) = self.conns.get(conn).and_then(|c| c.node) else {
            return;
        };
        if self.routing.nodes[node].role != crate::topology::Role::Replica {
            return;
        }
        // The third step of the backoff: long enough for a burst of reads to go elsewhere.
        let delay = backoff(
            self.config.retry_base,
            self.config.retry_max,
            3,
            &mut self.rng,
        );
        self.routing.nodes[node].down_until = Some(now + delay);
    }
}
