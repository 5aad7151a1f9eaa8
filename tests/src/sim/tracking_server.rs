//! Key tracking on the nodes (`CLIENT TRACKING ON`, the default mode): what a client-side
//! cache relies on the servers for.
//!
//! As in Redis's `tracking.c`: a connection with tracking on remembers the keys its read
//! commands touched (inside `EXEC` too); when one of them changes on that node — a client's
//! write, a replicated change, an expiry, a migration moving the key in or out, a failover's
//! catch-up — the connection gets one RESP3 push `invalidate [key]` and forgets the key
//! until it reads it again. A node that loses its data set to a full resynchronisation
//! pushes `invalidate` with a null to every tracking connection. The connection that made a
//! change itself hears of it right after its command's reply (no `NOLOOP`). Pushes travel
//! with the connection's replies, in order, and die with it: a reset loses them, which is
//! the fault a correct cache must survive.
//!
//! Only the cache scenario turns tracking on ([`super::cache_check`]); in every other run
//! nothing here sends a byte, so those runs replay exactly as before.

use bytes::Bytes;
use keyslot_core::resp::{encode_as, Protocol, Value};

use super::cluster::NodeId;
use super::server::{text, Session};
use super::world::World;

/// One invalidation a node pushes: a key, or (`None`) everything.
pub type Invalidation = Option<Bytes>;

/// The push frame of `what`.
fn push_frame(what: &Invalidation, out: &mut Vec<u8>) {
    let keys = match what {
        Some(key) => Value::Array(vec![Value::BulkString(key.clone())]),
        None => Value::Null,
    };
    let push = Value::Push(vec![text("invalidate"), keys]);
    encode_as(&push, Protocol::Resp3, out);
}

impl World {
    /// `CLIENT TRACKING ON|OFF` (no options: the default mode, pushes on this connection).
    pub(super) fn client_tracking(&mut self, sess: &mut Session, args: &[Bytes]) -> Value {
        let on = match args.get(2).map(|a| super::server::upper(a)).as_deref() {
            Some("ON") if args.len() == 3 => true,
            Some("OFF") if args.len() == 3 => false,
            _ => return super::server::err("ERR syntax error"),
        };
        if on && !sess.resp3 {
            // Redis accepts it and sends nothing without REDIRECT; the core never asks.
            self.violation(format!(
                "the client turned tracking on over RESP2 on conn {}",
                sess.conn
            ));
        }
        sess.tracking = on;
        if !on {
            sess.tracked.clear();
        }
        Value::SimpleString(Bytes::from_static(b"OK"))
    }

    /// `sess` just ran a read of `keys`: with tracking on, it now hears of their changes.
    pub(super) fn track_read(&mut self, sess: &mut Session, keys: &[Bytes]) {
        if sess.tracking {
            sess.tracked.extend(keys.iter().cloned());
        }
    }

    /// `key` changed on `node`: every other connection tracking it there is told now; the
    /// connection running the command that changed it is told after its reply
    /// (`owe_own_changes`).
    pub fn tracked_key_changed(&mut self, node: NodeId, key: &Bytes) {
        let Some(watch) = self.cache.as_mut() else {
            return;
        };
        watch.changed_now.push((node, key.clone()));
        let conns: Vec<u64> = self
            .net
            .sessions
            .iter_mut()
            .filter(|(_, s)| s.node == node && s.tracking)
            .filter_map(|(&conn, s)| s.tracked.remove(key).then_some(conn))
            .collect();
        for conn in conns {
            self.push_invalidation(conn, Some(key.clone()));
        }
    }

    /// `node` replaced its whole data set: every connection tracking there is told to drop
    /// everything it read.
    pub fn tracked_node_flushed(&mut self, node: NodeId) {
        if self.cache.is_none() {
            return;
        }
        let conns: Vec<u64> = self
            .net
            .sessions
            .iter_mut()
            .filter(|(_, s)| s.node == node && s.tracking)
            .map(|(&conn, s)| {
                s.tracked.clear();
                conn
            })
            .collect();
        for conn in conns {
            self.push_invalidation(conn, None);
        }
    }

    /// Every node holding `key` with its expiry passed deletes it, and says so.
    pub fn tracked_expiry(&mut self, key: &Bytes) {
        if self.cache.is_none() {
            return;
        }
        let now = self.now;
        let nodes: Vec<NodeId> = (0..self.c.nodes.len())
            .filter(|&n| self.c.nodes[n].store.raw(key).is_some_and(|e| !e.live(now)))
            .collect();
        for n in nodes {
            self.tracked_key_changed(n, key);
        }
    }

    /// Before a connection runs a command: forget the changes made before it, by others.
    pub(super) fn start_own_changes(&mut self) {
        if let Some(watch) = self.cache.as_mut() {
            watch.changed_now.clear();
        }
    }

    /// After `sess` ran a command (or one command of an `EXEC`): the keys it changed that it
    /// tracks are owed to it, after the reply.
    pub(super) fn owe_own_changes(&mut self, sess: &mut Session) {
        let Some(watch) = self.cache.as_mut() else {
            return;
        };
        for (node, key) in watch.changed_now.drain(..) {
            if node == sess.node && sess.tracking && sess.tracked.remove(&key) {
                sess.owed.push(key);
            }
        }
    }

    /// Append the pushes `sess` is owed to `out`, the batch about to be sent on its
    /// connection.
    pub(super) fn pay_own_changes(&mut self, sess: &mut Session, out: &mut Vec<u8>) {
        for key in std::mem::take(&mut sess.owed) {
            let what = Some(key);
            push_frame(&what, out);
            self.cache_note_push(sess.conn, out.len(), what);
        }
    }

    /// Send one invalidation push on `conn` (not the connection whose command is running).
    fn push_invalidation(&mut self, conn: u64, what: Invalidation) {
        let mut out = Vec::new();
        push_frame(&what, &mut out);
        self.cache_note_push(conn, out.len(), what);
        self.send_to_client(conn, out);
    }
}
