//! Scripts on the simulated nodes: each node's own script cache, as in Redis 7.0.
//!
//! - `SCRIPT LOAD` adds a script to the cache of the node it reaches and nowhere else: Redis
//!   7.0 no longer sends it down the replication stream (checked against a real 7.0 cluster:
//!   `SCRIPT EXISTS` on the replica says 0), so a promoted replica does not have it.
//! - A restart empties the cache ([`World::scripts_node_restarted`]).
//! - `EVALSHA` is routed like any keyed write; a node without the digest answers `NOSCRIPT`
//!   (after routing, as `processCommand` does), which runs nothing.
//! - The nodes know one script, [`SET_AND_ECHO`]: `SET KEYS[1] ARGV[1]`, answering
//!   `ARGV[1]`. Its value carries a write token, so the model's token checks catch a call
//!   that ran twice or was acknowledged without running.

use std::collections::BTreeSet;

use bytes::Bytes;
use keyslot_core::resp::Value;

use super::cluster::NodeId;
use super::model::canonical;
use super::server::Session;
use super::world::World;

/// The one script the simulated nodes can run.
pub const SET_AND_ECHO: &str = "redis.call('SET', KEYS[1], ARGV[1]) return ARGV[1]";

/// The keys of `EVALSHA sha numkeys key.. arg..`, or `None` when `numkeys` is unreadable or
/// too large.
pub fn script_keys(args: &[Bytes]) -> Option<Vec<Bytes>> {
    let n: usize = std::str::from_utf8(args.get(2)?).ok()?.parse().ok()?;
    args.get(3..3 + n).map(<[Bytes]>::to_vec)
}

impl World {
    /// Whether `node` has the script with digest `sha`.
    pub(super) fn script_cached(&self, node: NodeId, sha: &[u8]) -> bool {
        self.scripts
            .get(&node)
            .is_some_and(|cache| cache.contains(sha))
    }

    /// The reply to an `EVALSHA` of a digest the node lacks. When this connection loaded
    /// the script and an operator flushed the node since, the flush raced the call: the
    /// scenario notes the call (see [`World::note_flush_race`]).
    pub(super) fn noscript(&mut self, sess: &Session, args: &[Bytes]) -> Value {
        if let Some(b) = self.blocking.as_mut() {
            b.stats.noscript += 1;
        }
        let flushed = self.scripts_flushed_at.get(&sess.node);
        if let (Some(&loaded), Some(&flushed)) = (sess.script_loaded_at.as_ref(), flushed) {
            if flushed >= loaded {
                self.note_flush_race(canonical(args));
            }
        }
        Value::Error(Bytes::from_static(
            b"NOSCRIPT No matching script. Please use EVAL.",
        ))
    }

    /// `SCRIPT LOAD body` (the only subcommand the client sends).
    pub(super) fn script_command(&mut self, sess: &mut Session, args: &[Bytes]) -> Value {
        let node = sess.node;
        let sub = args.get(1).map(|a| a.to_ascii_uppercase());
        match (sub.as_deref(), args.get(2)) {
            (Some(b"LOAD"), Some(body)) if args.len() == 3 => {
                if body != SET_AND_ECHO.as_bytes() {
                    return Value::Error(Bytes::from_static(
                        b"ERR Error compiling script (the simulated node knows one script)",
                    ));
                }
                let sha = super::workload::Op::script().sha1().to_string();
                self.scripts
                    .entry(node)
                    .or_default()
                    .insert(Bytes::from(sha.clone()));
                if let Some(b) = self.blocking.as_mut() {
                    b.stats.script_loads += 1;
                }
                sess.script_loaded_at = Some(self.now);
                Value::BulkString(Bytes::from(sha))
            }
            _ => Value::Error(Bytes::from_static(
                b"ERR unknown subcommand or wrong number of arguments",
            )),
        }
    }

    /// Run the cached script (the caller checked the cache and the routing).
    pub(super) fn run_script(&mut self, node: NodeId, args: &[Bytes]) -> Value {
        let (Some(key), Some(value)) = (args.get(3), args.get(4)) else {
            return Value::Error(Bytes::from_static(
                b"ERR Error running script: wrong number of keys or arguments",
            ));
        };
        let set = [Bytes::from_static(b"SET"), key.clone(), value.clone()];
        self.run_data(node, "SET", &set);
        Value::BulkString(value.clone())
    }

    /// `node` restarted: its script cache is empty.
    pub fn scripts_node_restarted(&mut self, node: NodeId) {
        self.scripts.remove(&node);
    }

    /// `SCRIPT FLUSH` on `node`, by an operator.
    pub fn flush_scripts(&mut self, node: NodeId) {
        self.scripts.insert(node, BTreeSet::new());
        self.scripts_flushed_at.insert(node, self.now);
    }
}
