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

impl Cluster {
    /// A connection for one blocking command to `node`: an idle one, or a new one.
    pub(crate) fn dedicated_conn(&mut self, node: usize, now: Instant) -> Key {
        while let Some(conn) = self.nodes[node].idle_blocking.pop() {
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
        let keep = c.state == ConnState::Ready
            && c.node.is_some_and(|n| {
                let idle = &self.nodes[n].idle_blocking;
                idle.len() < self.config.idle_blocking_connections && !idle.contains(&conn)
            });
        match c.node {
            Some(node) if keep => self.nodes[node].idle_blocking.push(conn),
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

    /// Close a connection the machine no longer needs. Unlike a lost connection this says
    /// nothing about the node's health, so it triggers no rediscovery.
    pub(crate) fn retire_conn(&mut self, conn: Key) {
        let Some(c) = self.conns.remove(conn) else {
            return;
        };
        if let Some(node) = c.node {
            self.nodes[node].forget_conn(conn);
        }
        self.emit(Output::Close { conn: ConnId(conn) });
    }
}
