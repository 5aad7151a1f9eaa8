//! The topology queries of one rediscovery round: sending `CLUSTER SHARDS` (or `SLOTS`),
//! reading the answers into votes, and noting the nodes and seeds that could not answer.

use super::*;

impl<T, S, P> Cluster<T, S, P> {
    pub(super) fn add_query(&mut self, conn: Key, _now: Instant) {
        let Some(addr) = self.conns.get(conn).map(|c| c.addr.clone()) else {
            return;
        };
        if let Some(refresh) = &mut self.refresh.current {
            refresh.queries.push(Query {
                conn,
                addr,
                sent: false,
                done: false,
                reason: None,
            });
        }
        if self
            .conns
            .get(conn)
            .is_some_and(|c| c.state == ConnState::Ready)
        {
            self.send_pending_queries(conn);
        }
    }

    /// Send the current rediscovery's queries that waited for `conn` to be ready.
    pub(crate) fn send_pending_queries(&mut self, conn: Key) {
        let Some(refresh) = &mut self.refresh.current else {
            return;
        };
        let seq = refresh.seq;
        let slots = self.refresh.slots_only;
        let mut send = false;
        if let Some(refresh) = &mut self.refresh.current {
            for q in refresh
                .queries
                .iter_mut()
                .filter(|q| q.conn == conn && !q.sent && !q.done)
            {
                q.sent = true;
                send = true;
            }
        }
        if send {
            self.send_topology_query(conn, seq, slots);
        }
    }

    pub(super) fn send_topology_query(&mut self, conn: Key, seq: u64, slots: bool) {
        let Some(c) = self.conns.get_mut(conn) else {
            return;
        };
        let cmd = Cmd::new("CLUSTER").arg(if slots { "SLOTS" } else { "SHARDS" });
        c.send(Expect::Topology { seq, slots }, |out| cmd.encode(out));
        self.refresh.queries_sent += 1;
        self.signal_transmit(conn);
    }

    /// A topology reply arrived.
    pub(crate) fn on_topology_reply(
        &mut self,
        conn: Key,
        seq: u64,
        slots: bool,
        frame: &Frame<'_>,
        now: Instant,
    ) {
        if self.refresh.current.as_ref().is_none_or(|r| r.seq != seq) {
            return;
        }
        if let Some(text) = frame.error_text() {
            let unknown = text.starts_with(b"ERR unknown subcommand")
                || text.starts_with(b"ERR Unknown subcommand");
            if !slots && unknown {
                self.refresh.slots_only = true;
                return self.send_topology_query(conn, seq, true);
            }
            if classify(text) == ErrorAction::Auth {
                // No or wrong credentials (a RESP2 connection sends none without a password):
                // the server refuses, it is not unreachable.
                let addr = self.conns.get(conn).map(|c| c.addr.clone());
                if let (Some(refresh), Some(addr)) = (&mut self.refresh.current, addr) {
                    refresh.auth_error.get_or_insert_with(|| Error::Auth {
                        addr,
                        message: Bytes::copy_from_slice(text),
                    });
                }
            }
            let reason = String::from_utf8_lossy(text).into_owned();
            return self.query_failed(conn, reason, now);
        }
        let asked = self
            .conns
            .get(conn)
            .map_or_else(|| Addr::new("", 0), |c| c.addr.clone());
        let value = frame.to_value();
        // A node the reply lists without an address keeps the one the current view gives it.
        let earlier = self.routing.topology.as_ref();
        let parsed = if slots {
            Topology::from_cluster_slots_after(&value, &asked, earlier)
        } else {
            Topology::from_cluster_shards_after(&value, &asked, earlier)
        };
        let tls = self.config.tls;
        match parsed.map(|t| if tls { t.with_tls_ports() } else { t }) {
            Ok(topology) if !slots && topology.uncovered_slots() > 0 => {
                // Redis 7.4.1's CLUSTER SHARDS lists a shard that failed over with no slots
                // (its failed ex-primary first) while CLUSTER SLOTS is right: a view that
                // leaves slots without owner is checked against SLOTS before it is believed.
                self.send_topology_query(conn, seq, true)
            }
            Ok(topology) => {
                let Some(refresh) = &mut self.refresh.current else {
                    return;
                };
                if let Some(q) = refresh
                    .queries
                    .iter_mut()
                    .find(|q| q.conn == conn && !q.done)
                {
                    q.done = true;
                }
                let fingerprint = topology.fingerprint();
                match refresh
                    .views
                    .iter_mut()
                    .find(|v| v.fingerprint == fingerprint)
                {
                    Some(v) => v.votes += 1,
                    None => refresh.views.push(View {
                        fingerprint,
                        topology,
                        votes: 1,
                    }),
                }
                self.decide(now);
            }
            Err(e) => self.query_failed(conn, e.to_string(), now),
        }
    }

    pub(crate) fn query_failed(&mut self, conn: Key, reason: String, now: Instant) {
        let Some(refresh) = &mut self.refresh.current else {
            return;
        };
        let Some(q) = refresh
            .queries
            .iter_mut()
            .find(|q| q.conn == conn && !q.done)
        else {
            return;
        };
        q.done = true;
        let reason = q.reason.take().unwrap_or(reason);
        // A query still in the connection's buffer (a stalled node) is taken back, or each
        // round would leave one more there for the node to answer all at once when it wakes.
        if let Some(c) = self.conns.get_mut(conn) {
            c.withdraw_unwritten_queries();
        }
        if refresh.from_seeds {
            refresh.failures.push(SeedFailure {
                addr: q.addr.clone(),
                reason,
            });
        }
        let seed_conn = self.conns.get(conn).is_some_and(|c| c.node.is_none());
        if seed_conn {
            self.drop_conn(conn, None, now);
        }
        self.decide(now);
    }

    /// The driver's reason for a failing connection, kept for the seed report.
    pub(crate) fn note_seed_failure(&mut self, conn: Key, reason: &str) {
        if let Some(refresh) = &mut self.refresh.current {
            if let Some(q) = refresh
                .queries
                .iter_mut()
                .find(|q| q.conn == conn && !q.done)
            {
                q.reason.get_or_insert_with(|| reason.to_string());
            }
        }
    }

    /// A connection carrying (or about to carry) a query is gone.
    pub(crate) fn conn_lost_for_refresh(&mut self, conn: Key, error: Option<&Error>, now: Instant) {
        // A refusal that every node would repeat (credentials, an unknown database) is the
        // bootstrap's answer.
        if let (Some(refresh), Some(e @ (Error::Auth { .. } | Error::Config(_)))) =
            (&mut self.refresh.current, error)
        {
            refresh.auth_error.get_or_insert_with(|| e.clone());
        }
        let reason = error.map_or_else(|| "connection lost".to_string(), |e| e.to_string());
        self.query_failed(conn, reason, now);
    }

    /// `Timer::RefreshQuery`: nodes that have not answered by now count as failed.
    pub(crate) fn refresh_query_deadline(&mut self, seq: u64, now: Instant) {
        let Some(refresh) = &self.refresh.current else {
            return;
        };
        if refresh.seq != seq {
            return;
        }
        let late: Vec<Key> = refresh
            .queries
            .iter()
            .filter(|q| !q.done)
            .map(|q| q.conn)
            .collect();
        for conn in late {
            self.query_failed(conn, "timed out waiting for the topology".to_string(), now);
        }
    }
}
