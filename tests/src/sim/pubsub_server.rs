//! Shard pub/sub on the simulated nodes, as Redis 7.0 does it.
//!
//! Pub/sub is the one place where a server talks without being asked: messages and the
//! server's own `sunsubscribe` reach a connection whenever they happen, not as replies. So
//! besides the commands (`SSUBSCRIBE`, `SUNSUBSCRIBE`, `SPUBLISH`, answered in the request
//! stream like any reply) this module has [`World::push_to`], which encodes one frame in the
//! connection's protocol and hands it to the network like a reply — the smallest mechanism
//! that keeps TCP order with the replies already sent.
//!
//! The rules follow Redis 7.0's `cluster.c` with its defaults:
//! - `SSUBSCRIBE` is served by the primary of the channels' slot and by its replicas
//!   (`pubsubshard` commands pass the replica check without `READONLY`), elsewhere `MOVED`;
//!   channels of different slots are `CROSSSLOT`; it is served while the cluster is down
//!   (`cluster-allow-pubsubshard-when-down yes`) and while loading.
//! - A confirmation is `ssubscribe ch n` per channel — a push with RESP3, an array with RESP2
//!   — where `n` counts the connection's shard subscriptions.
//! - `SPUBLISH` reaches the subscribers on the publishing primary and on the nodes that
//!   replicate it (the cluster bus relays it to them).
//! - A node that stops serving a slot's primary (`clusterDelSlot` of a slot its own shard
//!   served: the slot migrated away, or a failover replaced the primary) sends each of that
//!   slot's subscribers an unprompted `sunsubscribe ch n` and drops them. A crashed node's
//!   subscriptions die with its connections (the sessions go).
//! - With RESP2 a connection holding subscriptions runs only the pub/sub commands and PING.

use std::collections::BTreeMap;

use bytes::Bytes;
use keyslot_core::key_slot;
use keyslot_core::resp::{encode_as, Value};

use super::cluster::NodeId;
use super::server::{err, text, Session};
use super::world::World;

/// One connection's shard subscriptions: channel -> the primary whose slots served it when
/// it subscribed (when that changes on the node, the subscription is dropped).
#[derive(Debug, Default)]
pub struct Subs {
    /// Shard channels.
    pub shard: BTreeMap<Bytes, NodeId>,
}

/// What a pub/sub frame to the client was (the checker matches the client's outputs to it).
#[derive(Clone, Debug)]
pub enum Note {
    /// The confirmation of `SSUBSCRIBE` for a channel.
    Confirm(Bytes),
    /// A message on a channel, with its payload.
    Message(Bytes, Bytes),
    /// The server's own `sunsubscribe` (the node stopped serving the channel's slot).
    Drop(Bytes),
}

/// A frame and what it was.
pub type Frame = (Value, Option<Note>);

fn push(kind: &str, channel: Value, last: Value) -> Value {
    Value::Push(vec![text(kind), channel, last])
}

impl World {
    /// The primary whose slots `node` serves `slot` under, by its own view; or the error it
    /// answers a shard pub/sub command with.
    pub fn shard_serving(&self, node: NodeId, slot: u16) -> Result<NodeId, String> {
        let v = &self.c.nodes[node].view;
        let Some(owner) = v.shard_of(slot) else {
            return Err("CLUSTERDOWN Hash slot not served".into());
        };
        let s = &v.shards[owner];
        if s.primary == node || s.replicas.contains(&node) {
            Ok(s.primary)
        } else {
            let target = self.c.redirect_target(v, s.primary);
            Err(format!("MOVED {slot} {target}"))
        }
    }

    /// A pub/sub command (or any command on a RESP2 connection in subscribed mode): its
    /// frames. `None` for everything else, which [`World::server_input`] runs as usual.
    pub fn pubsub_command(
        &mut self,
        sess: &mut Session,
        conn: u64,
        args: &[Bytes],
    ) -> Option<Vec<Frame>> {
        let name = String::from_utf8_lossy(&args[0]).to_ascii_uppercase();
        let subscribed = !sess.subs.shard.is_empty();
        match name.as_str() {
            "SSUBSCRIBE" | "SUNSUBSCRIBE" | "SPUBLISH" => {}
            "PING" if subscribed && !sess.resp3 => {
                let arg = args.get(1).cloned().unwrap_or_default();
                let pong = Value::Array(vec![text("pong"), Value::BulkString(arg)]);
                return Some(vec![(pong, None)]);
            }
            _ if subscribed && !sess.resp3 => {
                let e = format!(
                    "ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / \
                     QUIT / RESET are allowed in this context",
                    name.to_ascii_lowercase()
                );
                return Some(vec![(err(&e), None)]);
            }
            _ => return None,
        }
        if self.profile.auth && !sess.authed {
            return Some(vec![(err("NOAUTH Authentication required."), None)]);
        }
        let wrong = || {
            let e = format!(
                "ERR wrong number of arguments for '{}' command",
                name.to_ascii_lowercase()
            );
            Some(vec![(err(&e), None)])
        };
        match name.as_str() {
            "SSUBSCRIBE" => {
                if args.len() < 2 {
                    return wrong();
                }
                Some(self.ssubscribe(sess, &args[1..]))
            }
            "SUNSUBSCRIBE" => Some(sunsubscribe(sess, &args[1..])),
            _ => {
                if args.len() != 3 {
                    return wrong();
                }
                Some(self.spublish(sess, conn, &args[1], &args[2]))
            }
        }
    }

    fn ssubscribe(&mut self, sess: &mut Session, channels: &[Bytes]) -> Vec<Frame> {
        let slot = key_slot(&channels[0]);
        if channels.iter().any(|c| key_slot(c) != slot) {
            let e = err("CROSSSLOT Keys in request don't hash to the same slot");
            return vec![(e, None)];
        }
        let primary = match self.shard_serving(sess.node, slot) {
            Ok(p) => p,
            Err(e) => return vec![(err(&e), None)],
        };
        let mut frames = Vec::new();
        for ch in channels {
            sess.subs.shard.insert(ch.clone(), primary);
            let n = Value::Integer(sess.subs.shard.len() as i64);
            let frame = push("ssubscribe", Value::BulkString(ch.clone()), n);
            frames.push((frame, Some(Note::Confirm(ch.clone()))));
        }
        frames
    }

    fn spublish(&mut self, sess: &Session, conn: u64, ch: &Bytes, payload: &Bytes) -> Vec<Frame> {
        let primary = match self.shard_serving(sess.node, key_slot(ch)) {
            Ok(p) => p,
            Err(e) => return vec![(err(&e), None)],
        };
        // The publisher's own connection is out of the session map while it runs: its copy
        // goes before the reply, as Redis writes it.
        let mut frames = Vec::new();
        if sess.subs.shard.contains_key(ch) {
            let m = push(
                "smessage",
                Value::BulkString(ch.clone()),
                Value::BulkString(payload.clone()),
            );
            frames.push((m, Some(Note::Message(ch.clone(), payload.clone()))));
        }
        let others = self.publish_shard(primary, ch, payload, Some(conn));
        frames.push((Value::Integer((others + frames.len()) as i64), None));
        frames
    }

    /// Deliver `payload` on `ch` as published on `primary`: to its own subscribers and to
    /// those of the running nodes that replicate it. Returns how many got it.
    pub fn publish_shard(
        &mut self,
        primary: NodeId,
        ch: &Bytes,
        payload: &Bytes,
        skip: Option<u64>,
    ) -> usize {
        let slot = key_slot(ch);
        let targets: Vec<u64> = self
            .net
            .sessions
            .iter()
            .filter(|(&k, s)| Some(k) != skip && s.subs.shard.contains_key(ch))
            .filter(|(_, s)| {
                let n = &self.c.nodes[s.node];
                s.node == primary
                    || (n.running()
                        && !n.isolated
                        && self.shard_serving(s.node, slot) == Ok(primary))
            })
            .map(|(&k, _)| k)
            .collect();
        for &conn in &targets {
            let m = push(
                "smessage",
                Value::BulkString(ch.clone()),
                Value::BulkString(payload.clone()),
            );
            self.push_to(conn, &m, Some(Note::Message(ch.clone(), payload.clone())));
        }
        targets.len()
    }

    /// Append a pub/sub command's frames to the reply batch `out` of `conn`.
    pub fn encode_pubsub(
        &mut self,
        sess: &Session,
        conn: u64,
        frames: Vec<Frame>,
        out: &mut Vec<u8>,
    ) {
        for (frame, note) in frames {
            encode_as(&frame, sess.protocol(), out);
            if let Some(note) = note {
                self.pubsub_note_sent(conn, out.len(), note);
            }
        }
    }

    /// Send an unprompted frame on `conn` (a message, the server's own `sunsubscribe`), in
    /// the connection's protocol, after whatever it sent before.
    pub fn push_to(&mut self, conn: u64, frame: &Value, note: Option<Note>) {
        let Some(sess) = self.net.sessions.get(&conn) else {
            return;
        };
        let mut out = Vec::new();
        encode_as(frame, sess.protocol(), &mut out);
        if let Some(note) = note {
            self.pubsub_note_sent(conn, out.len(), note);
        }
        self.send_to_client(conn, out);
    }

    /// `node`'s view changed: subscriptions of slots it no longer serves under the same
    /// primary are dropped, each with an unprompted `sunsubscribe`.
    pub fn pubsub_view_changed(&mut self, node: NodeId) {
        if self.pubsub.is_none() || !self.c.nodes[node].running() {
            return;
        }
        let conns: Vec<u64> = self
            .net
            .sessions
            .iter()
            .filter(|(_, s)| s.node == node && !s.subs.shard.is_empty())
            .map(|(&k, _)| k)
            .collect();
        for conn in conns {
            let Some(sess) = self.net.sessions.get(&conn) else {
                continue;
            };
            let gone: Vec<Bytes> = sess
                .subs
                .shard
                .iter()
                .filter(|(ch, &p)| self.shard_serving(node, key_slot(ch)) != Ok(p))
                .map(|(ch, _)| ch.clone())
                .collect();
            for ch in gone {
                let Some(sess) = self.net.sessions.get_mut(&conn) else {
                    break;
                };
                sess.subs.shard.remove(&ch);
                let n = Value::Integer(sess.subs.shard.len() as i64);
                let frame = push("sunsubscribe", Value::BulkString(ch.clone()), n);
                self.trace_note(format!(
                    "n{node} drops shard subscription {} on conn {conn}",
                    String::from_utf8_lossy(&ch)
                ));
                self.push_to(conn, &frame, Some(Note::Drop(ch)));
            }
        }
    }
}

/// `SUNSUBSCRIBE [ch...]`: one `sunsubscribe` per channel (all of them when none is named),
/// whether or not it was subscribed.
fn sunsubscribe(sess: &mut Session, channels: &[Bytes]) -> Vec<Frame> {
    let names: Vec<Bytes> = if channels.is_empty() {
        sess.subs.shard.keys().cloned().collect()
    } else {
        channels.to_vec()
    };
    if names.is_empty() {
        return vec![(push("sunsubscribe", Value::Null, Value::Integer(0)), None)];
    }
    names
        .into_iter()
        .map(|ch| {
            sess.subs.shard.remove(&ch);
            let n = Value::Integer(sess.subs.shard.len() as i64);
            (push("sunsubscribe", Value::BulkString(ch), n), None)
        })
        .collect()
}
