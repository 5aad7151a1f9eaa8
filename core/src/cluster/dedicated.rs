//! Connections of their own for blocking commands (see `blocking.rs` for why), and closing
//! connections the machine no longer needs.
//!
//! A blocking command takes an idle dedicated connection to its node, or opens one; it goes
//! through the usual handshake. When the reply comes the connection goes back to the node's
//! idle list, up to [`Config::idle_blocking_connections`](super::Config); beyond that it is
//! closed. A blocking command whose request ends first (deadline) leaves its connection
//! parked on the server, so that connection is closed, never reused.

use super::conn::{ConnId, ConnState};
use super::slab::Key;
use super::{Cluster, Output};
use crate::time::Instant;

impl<T, S, P> Cluster<T, S, P> {
    /// A connection for one blocking command to `node`: an idle one, or a new one.
    pub(crate) fn dedicated_conn(&mut self, node: usize, now: Instant) -> Key {
        while let Some(conn) = self.routing.nodes[node].idle_blocking.pop() {
            if self.conns.get(conn).is_some_and(|c| c.dedicated) {
                return conn;
            }
        }
        let conn = self.open_node_conn(node, now);
        if let Some(c) = self.conns.get_mut(conn) {
            c.dedicated = true;
        }
        conn
    }

    /// Called when a dedicated connection may have become free: keep it idle for the next
    /// blocking command, or close it when enough are idle.
    pub(crate) fn release_dedicated(&mut self, conn: Key) {
        let Some(c) = self.conns.get(conn) else {
            return;
        };
        if !c.dedicated || !c.inflight.is_empty() || !c.waiting.is_empty() {
            return;
        }
        let kept = c
            .node
            .is_some_and(|n| self.routing.nodes[n].idle_blocking.contains(&conn));
        if kept {
            return; // kept while it opened (see `release_unopened_dedicated`)
        }
        if c.state == ConnState::Ready {
            self.keep_idle_or_retire(conn);
        } else {
            self.retire_conn(conn);
        }
    }

    /// Keep `conn` among its node's idle blocking connections when there is room, else
    /// close it.
    fn keep_idle_or_retire(&mut self, conn: Key) {
        let node = self.conns.get(conn).and_then(|c| c.node);
        match node {
            Some(n)
                if self.routing.nodes[n].idle_blocking.len()
                    < self.config.idle_blocking_connections =>
            {
                self.routing.nodes[n].idle_blocking.push(conn);
            }
            _ => self.retire_conn(conn),
        }
    }

    /// The request of the blocking job on `conn` ended before its reply: the server still
    /// holds the connection, so it cannot carry anything else.
    pub(crate) fn abandon_dedicated(&mut self, conn: Key) {
        if self.conns.get(conn).is_some_and(|c| c.dedicated) {
            self.retire_conn(conn);
        }
    }

    /// A blocking job that waited for its own connection to open is gone (cancelled, or its
    /// deadline passed): the connection opened for it is kept for the next blocking command
    /// among the node's idle ones, or closed when enough are kept. Left as it was, outside
    /// the idle list, no later command would take it, and every pop cancelled while its
    /// node cannot be reached (a partition) would leave one more connection trying to open
    /// (simulator blocking seed 2502: 13 connections to a one-node cluster).
    pub(crate) fn release_unopened_dedicated(&mut self, job: Key) {
        let Some(conn) = self
            .conns
            .iter()
            .find(|(_, c)| c.dedicated && c.waiting.contains(&job))
            .map(|(k, _)| k)
        else {
            return;
        };
        let Some(c) = self.conns.get_mut(conn) else {
            return;
        };
        c.waiting.retain(|&j| j != job);
        // Still opening: its handshake may be in flight, but no command.
        if c.waiting.is_empty() && !c.carries_jobs() {
            self.keep_idle_or_retire(conn);
        }
    }

    /// Close a connection the machine no longer needs. Unlike a lost connection this says
    /// nothing about the node's health, so it triggers no rediscovery.
    pub(crate) fn retire_conn(&mut self, conn: Key) {
        let Some(c) = self.conns.remove(conn) else {
            return;
        };
        if let Some(node) = c.node {
            self.routing.nodes[node].forget_conn(conn);
        }
        self.emit(Output::Close { conn: ConnId(conn) });
    }
}
