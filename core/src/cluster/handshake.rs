//! The handshake every connection goes through before it carries commands.
//!
//! `HELLO 3` with the credentials and client name switches the connection to RESP3 and
//! authenticates in one round trip. A server without HELLO (older than 6) answers with an
//! error; the client then falls back to RESP2 with `AUTH` and `CLIENT SETNAME`. Connections
//! to replicas send `READONLY` once authenticated. Commands routed to the connection wait
//! until all of this is done. With a client-side cache, `CLIENT TRACKING ON` comes last. A credentials error ends the connection and fails what waits
//! on it: it is not retried, since it would fail the same way again. Any other refusal
//! (LOADING, a client name with a space) drops the connection for a retry after a backoff,
//! and its text becomes the reason a failed bootstrap reports for that seed.

use alloc::format;
use alloc::string::String;
use bytes::Bytes;

use super::conn::{ConnState, Expect};
use super::redirect::{classify, ErrorAction};
use super::slab::Key;
use super::{Cluster, Error, Event};
use crate::resp::{Frame, Protocol};
use crate::time::Instant;
use crate::Cmd;

impl<T, S, P> Cluster<T, S, P> {
    /// `HELLO 3`, or the RESP2 login, with the credentials held now.
    pub(crate) fn begin_handshake(&mut self, conn: Key, now: Instant) {
        if self.config.protocol == Protocol::Resp3 {
            let hello = self.hello_command();
            let Some(c) = self.conns.get_mut(conn) else {
                return;
            };
            c.handshake_pending += 1;
            c.send(Expect::Hello, |out| hello.encode(out));
            self.signal_transmit(conn);
        } else {
            self.send_resp2_login(conn, now);
        }
    }

    fn hello_command(&self) -> Cmd {
        let mut hello = Cmd::new("HELLO").arg("3");
        if let Some(password) = &self.config.password {
            let user = self.config.username.as_deref().unwrap_or("default");
            hello = hello.arg("AUTH").arg(user).arg(password.as_str());
        }
        if let Some(name) = &self.config.client_name {
            hello = hello.arg("SETNAME").arg(name.as_str());
        }
        hello
    }

    /// `AUTH [user] password` with the credentials held now, if there are any: the RESP2
    /// login, and a live connection's re-authentication after a rotation.
    pub(crate) fn auth_command(&self) -> Option<Cmd> {
        let password = self.config.password.as_deref()?;
        let mut auth = Cmd::new("AUTH");
        if let Some(user) = &self.config.username {
            auth = auth.arg(user.as_str());
        }
        Some(auth.arg(password))
    }

    /// `AUTH` and `CLIENT SETNAME` for RESP2; when there are neither, go on to `READONLY`.
    fn send_resp2_login(&mut self, conn: Key, now: Instant) {
        let auth = self.auth_command();
        let name = self.config.client_name.clone();
        let Some(c) = self.conns.get_mut(conn) else {
            return;
        };
        c.protocol = Protocol::Resp2;
        if let Some(auth) = auth {
            c.handshake_pending += 1;
            c.send(Expect::Auth, |out| auth.encode(out));
        }
        if let Some(name) = name {
            let setname = Cmd::new("CLIENT").arg("SETNAME").arg(name);
            c.handshake_pending += 1;
            c.send(Expect::SetName, |out| setname.encode(out));
        }
        if c.handshake_pending == 0 {
            self.after_login(conn, now);
        } else {
            self.signal_transmit(conn);
        }
    }

    /// Logged in: the configured database is selected, replicas get `READONLY`; then the
    /// connection is ready. Both are pipelined; the handshake ends with the last reply.
    fn after_login(&mut self, conn: Key, now: Instant) {
        let database = self.config.database;
        let Some(c) = self.conns.get_mut(conn) else {
            return;
        };
        if let Some(n) = database {
            c.handshake_pending += 1;
            c.send(Expect::Select, |out| {
                Cmd::new("SELECT").arg(alloc::format!("{n}")).encode(out)
            });
            self.signal_transmit(conn);
        }
        let track = self.cache.is_some();
        let Some(c) = self.conns.get_mut(conn) else {
            return;
        };
        if c.readonly {
            c.handshake_pending += 1;
            c.send(Expect::ReadOnly, |out| Cmd::new("READONLY").encode(out));
        }
        // Invalidations come as pushes, which only RESP3 carries on the same connection.
        if track && c.protocol == Protocol::Resp3 {
            c.handshake_pending += 1;
            c.send(Expect::Tracking, |out| {
                Cmd::new("CLIENT").arg("TRACKING").arg("ON").encode(out)
            });
        }
        if c.handshake_pending == 0 {
            self.conn_ready(conn, now);
        } else {
            self.signal_transmit(conn);
        }
    }

    /// A handshake reply arrived.
    pub(crate) fn on_handshake_reply(
        &mut self,
        conn: Key,
        expect: Expect,
        frame: &Frame<'_>,
        now: Instant,
    ) {
        let Some(c) = self.conns.get_mut(conn) else {
            return;
        };
        c.handshake_pending = c.handshake_pending.saturating_sub(1);
        let error = frame.error_text().map(Bytes::copy_from_slice);
        match (expect, error) {
            (Expect::Hello, None) => {
                c.protocol = Protocol::Resp3;
                // Valkey 8.1+ says its zone in HELLO when it is configured.
                if let (Some(node), Some(zone)) = (c.node, hello_field(frame, b"availability_zone"))
                {
                    self.learn_reported_zone(node, zone);
                }
                self.after_login(conn, now);
            }
            (Expect::Hello, Some(text)) if is_unknown_command(&text) => {
                self.send_resp2_login(conn, now)
            }
            (Expect::Hello | Expect::Auth | Expect::ReadOnly, Some(text))
                if classify(&text) == ErrorAction::Auth =>
            {
                self.auth_failed(conn, text, now)
            }
            // Anything else (LOADING, a client name the server will not take, a refused
            // READONLY): this connection is no good; the node is tried again after a backoff.
            // The server's words are kept, so that a bootstrap that fails says why rather
            // than "connection lost".
            (Expect::Hello | Expect::ReadOnly, Some(text)) => {
                let reason = format!(
                    "the server refused the handshake: {}",
                    String::from_utf8_lossy(&text)
                );
                self.note_seed_failure(conn, &reason);
                self.drop_conn(conn, None, now)
            }
            (Expect::Auth | Expect::SetName, err) => {
                if let Some(text) = err.filter(|t| classify(t) == ErrorAction::Auth) {
                    return self.auth_failed(conn, text, now);
                }
                // A refused client name is not worth failing the connection for.
                if c.handshake_pending == 0 {
                    self.after_login(conn, now);
                }
            }
            (Expect::Select, Some(text)) => self.database_refused(conn, text, now),
            // A refusal (an ACL without CLIENT, a server without tracking) leaves the
            // connection useful; only nothing read on it is cached.
            (Expect::Tracking, error) => {
                c.tracking = error.is_none();
                if c.handshake_pending == 0 {
                    self.conn_ready(conn, now);
                }
            }
            (Expect::ReadOnly | Expect::Select, None) if c.handshake_pending == 0 => {
                self.conn_ready(conn, now)
            }
            _ => {}
        }
    }

    /// The handshake is done: flush what waited, and send queries that waited.
    fn conn_ready(&mut self, conn: Key, now: Instant) {
        let Some(c) = self.conns.get_mut(conn) else {
            return;
        };
        c.state = ConnState::Ready;
        let waiting = core::mem::take(&mut c.waiting);
        let addr = c.addr.clone();
        let node = c.node;
        // Unless the node said its zone in HELLO meanwhile.
        let zone_known = node.is_some_and(|n| self.routing.nodes[n].zone.is_some());
        if c.ask_zone && !zone_known {
            self.send_zone_query(conn);
        }
        if let Some(node) = node {
            self.routing.nodes[node].failures = 0;
            self.routing.nodes[node].down_until = None;
            // A connection that got through its handshake has heard the node.
            self.routing.nodes[node].stalled = false;
        }
        self.event(Event::NodeConnected { addr });
        for job in waiting {
            self.write_job(conn, job, now);
        }
        self.send_pending_queries(conn);
        // A blocking command's connection whose command went away while it connected.
        self.release_dedicated(conn);
        self.reconcile_subscriptions(now);
    }

    /// `SELECT n` refused (no such database; Redis allows none in cluster mode): nothing
    /// routed here can run in the database asked for, and no other node will differ.
    fn database_refused(&mut self, conn: Key, message: Bytes, now: Instant) {
        let error = Error::Config(format!(
            "the server refused SELECT {}: {}",
            self.config.database.unwrap_or(0),
            String::from_utf8_lossy(&message)
        ));
        self.drop_conn(conn, Some(error), now);
    }

    /// Credentials refused: nothing routed to this connection can succeed.
    fn auth_failed(&mut self, conn: Key, message: Bytes, now: Instant) {
        let Some(c) = self.conns.get(conn) else {
            return;
        };
        let error = Error::Auth {
            addr: c.addr.clone(),
            message,
        };
        self.drop_conn(conn, Some(error), now);
    }
}

/// A text field of a `HELLO` reply (a map, or a flat array in RESP2 terms).
fn hello_field(frame: &Frame<'_>, name: &[u8]) -> Option<String> {
    let value = frame.to_value();
    let pairs: alloc::vec::Vec<(&crate::resp::Value, &crate::resp::Value)> = match &value {
        crate::resp::Value::Map(entries) => entries.iter().map(|(k, v)| (k, v)).collect(),
        crate::resp::Value::Array(items) => {
            items.chunks_exact(2).map(|kv| (&kv[0], &kv[1])).collect()
        }
        _ => return None,
    };
    pairs
        .into_iter()
        .find(|(k, _)| k.as_bytes() == Some(name))
        .and_then(|(_, v)| v.as_bytes())
        .map(|b| String::from_utf8_lossy(b).into_owned())
}

/// A server that does not know HELLO (Redis before 6) or refuses protocol 3.
fn is_unknown_command(text: &[u8]) -> bool {
    text.starts_with(b"NOPROTO") || text.starts_with(b"ERR unknown command")
}
