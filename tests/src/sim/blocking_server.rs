//! Lists and blocked clients on the simulated nodes: `BLPOP` as Redis 7.0 serves it.
//!
//! - A list lives in the node's store as one entry, its elements joined by commas (the
//!   scenario's elements never contain one), so it replicates, migrates and rolls back
//!   through a failover exactly as strings do.
//! - `BLPOP key.. timeout` pops at once when one of its lists has an element. Otherwise the
//!   connection blocks: the node reads nothing more from it until an element arrives (a push,
//!   or a migration bringing the key), the timeout passes (a null reply), or the node stops
//!   being the place for the pop. Demoted to replica, it answers `UNBLOCKED` at once and
//!   closes the connection after that reply, as `disconnectAllBlockedClients` does. A slot that now lives elsewhere (and is not being
//!   imported) gets `MOVED`, and a node that lost the cluster `CLUSTERDOWN`; those two are
//!   noticed by the client cron, which visits each client about once a second
//!   (`clusterRedirectBlockedClientIfNeeded`).
//! - A connection that carries a blocking pop must carry nothing else: a command arriving
//!   while the pop blocks, or a pop and another keyed command on one connection, fail the
//!   run — on a shared connection that pop would stall every request behind it.
//! - Each pop request runs at most once: its `BLPOP` names a key of its own (see
//!   [`super::blocking_check`]), so a second execution of the same arguments is the client
//!   sending it again after it may have run.

use bytes::Bytes;
use keyslot_core::key_slot;
use keyslot_core::resp::Value;
use keyslot_core::time::{Duration, Instant};

use super::cluster::NodeId;
use super::model::canonical;
use super::server::{err, Session};
use super::store::Entry;
use super::world::{Ev, World};

/// How often the client cron looks at a blocked client.
const CRON_EVERY: Duration = Duration::from_secs(1);

/// A blocking pop waiting on a connection.
#[derive(Clone, Debug)]
pub struct Parked {
    /// The whole command (its execution is logged under these).
    pub args: Vec<Bytes>,
    /// When it blocked.
    pub since: Instant,
    /// Which pop of the connection it is.
    pub gen: u64,
}

impl Parked {
    /// The lists it waits on (`BLPOP key.. timeout`).
    pub fn keys(&self) -> &[Bytes] {
        &self.args[1..self.args.len() - 1]
    }
}

/// Why a parked pop is looked at again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wake {
    /// Its own timeout passed.
    Timeout,
    /// The client cron's visit.
    Cron,
}

/// A list's elements from its stored value.
pub fn list_items(value: &[u8]) -> Vec<Bytes> {
    value
        .split(|&b| b == b',')
        .filter(|e| !e.is_empty())
        .map(Bytes::copy_from_slice)
        .collect()
}

/// The stored value of a list.
pub fn list_value(items: &[Bytes]) -> Bytes {
    Bytes::from(items.join(&b","[..]))
}

/// A `BLPOP` timeout (seconds, decimals allowed) in milliseconds; 0 blocks for ever.
fn timeout_ms(arg: &[u8]) -> Option<u64> {
    let secs: f64 = std::str::from_utf8(arg).ok()?.parse().ok()?;
    (secs >= 0.0).then(|| (secs * 1000.0).round() as u64)
}

impl World {
    /// Pop the head of the first non-empty list of `keys` on `node`: `[key, element]`, or
    /// null when all are empty.
    pub(super) fn pop_first(&mut self, node: NodeId, keys: &[Bytes]) -> Value {
        for key in keys {
            let Some(value) = self.c.nodes[node].store.value(key, self.now) else {
                continue;
            };
            let mut items = list_items(&value);
            if items.is_empty() {
                continue;
            }
            let head = items.remove(0);
            let rest = (!items.is_empty()).then(|| Entry {
                value: list_value(&items),
                expire_at: None,
            });
            self.primary_write(node, key.clone(), rest);
            return Value::Array(vec![
                Value::BulkString(key.clone()),
                Value::BulkString(head),
            ]);
        }
        Value::Null
    }

    /// Append `element` to `key` on primary `node`, then serve the pops waiting there.
    pub(super) fn push_element(&mut self, node: NodeId, key: &Bytes, element: Bytes) {
        let mut items = self.c.nodes[node]
            .store
            .value(key, self.now)
            .map(|v| list_items(&v))
            .unwrap_or_default();
        items.push(element);
        let entry = Entry {
            value: list_value(&items),
            expire_at: None,
        };
        self.primary_write(node, key.clone(), Some(entry));
        self.serve_parked(node, key);
    }

    /// A keyed command is about to run on `sess`: one connection never carries both a
    /// blocking pop and anything else.
    pub(super) fn note_connection_use(&mut self, sess: &mut Session, name: &str) {
        if name == "BLPOP" {
            sess.carried_blocking = true;
        } else {
            sess.carried_plain = true;
        }
        if sess.carried_blocking && sess.carried_plain {
            self.violation(format!(
                "conn {} to n{} carried a BLPOP and other keyed commands: the pop stalls them",
                sess.conn, sess.node
            ));
        }
    }

    /// A pop ran on `node` with `reply`: its arguments never ran before (each request's
    /// `BLPOP` is unique), and the scenario learns what it took.
    pub(super) fn pop_ran(&mut self, node: NodeId, conn: u64, args: &[Bytes], reply: &Value) {
        if self.model.execs.contains_key(&canonical(args)) {
            let what: Vec<_> = args.iter().map(|a| String::from_utf8_lossy(a)).collect();
            self.violation(format!("{what:?} ran twice: the client sent it again"));
        }
        if let (Some(marker), Value::Array(kv)) = (args.get(2).filter(|_| args.len() == 4), reply) {
            if let [Value::BulkString(queue), Value::BulkString(element)] = &kv[..] {
                self.note_server_pop(node, conn, queue, marker, element);
            }
        }
    }

    /// Block `sess` on its pop until an element, its timeout or a change of role.
    pub(super) fn park(&mut self, sess: &mut Session, args: &[Bytes]) {
        sess.parks += 1;
        let gen = sess.parks;
        let conn = sess.conn;
        sess.parked = Some(Parked {
            args: args.to_vec(),
            since: self.now,
            gen,
        });
        let timeout = timeout_ms(&args[args.len() - 1]).filter(|&ms| ms > 0);
        if let Some(ms) = timeout {
            let wake = Ev::Blocked {
                conn,
                gen,
                wake: Wake::Timeout,
            };
            self.sched.after(self.now, Duration::from_millis(ms), wake);
        }
        // The cron's first visit falls anywhere in its period, fixed by the connection.
        let first = Duration::from_micros(1 + (conn * 7919 + gen * 104_729) % 1_000_000);
        let cron = Ev::Blocked {
            conn,
            gen,
            wake: Wake::Cron,
        };
        self.sched.after(self.now, first, cron);
        self.note_parked(&args[args.len() - 2], timeout.map(Duration::from_millis));
    }

    /// A parked pop's timer fired.
    pub fn on_blocked_wake(&mut self, conn: u64, gen: u64, wake: Wake) {
        let Some(sess) = self.net.sessions.get(&conn) else {
            return; // the connection is gone, and the pop with it
        };
        if sess.parked.as_ref().is_none_or(|p| p.gen != gen) {
            return;
        }
        let node = sess.node;
        if !self.c.nodes[node].running() {
            if self.c.nodes[node].frozen {
                let again = Ev::Blocked { conn, gen, wake };
                self.sched.after(self.now, Duration::from_millis(10), again);
            }
            return;
        }
        match wake {
            Wake::Timeout => self.finish_parked(conn, Value::Null, true),
            Wake::Cron => match self.redirect_parked(conn) {
                Some(e) => {
                    if let Some(b) = self.blocking.as_mut() {
                        b.stats.redirected += 1;
                    }
                    self.finish_parked(conn, e, false);
                }
                None => {
                    let next = Ev::Blocked { conn, gen, wake };
                    self.sched.after(self.now, CRON_EVERY, next);
                }
            },
        }
    }

    /// Where the cron sends a parked pop, if anywhere.
    fn redirect_parked(&self, conn: u64) -> Option<Value> {
        let sess = self.net.sessions.get(&conn)?;
        let parked = sess.parked.as_ref()?;
        let node = sess.node;
        let n = &self.c.nodes[node];
        if n.cluster_fail {
            return Some(err("CLUSTERDOWN The cluster is down"));
        }
        let slot = key_slot(&parked.keys()[0]);
        let v = &n.view;
        let mine = n.shard;
        match v.shard_of(slot) {
            Some(owner) if owner == mine => None,
            _ if self.c.shards[mine].importing.contains_key(&slot) => None,
            None => Some(err("CLUSTERDOWN Hash slot not served")),
            Some(owner) => {
                let target = self.c.redirect_target(v, v.shards[owner].primary);
                Some(err(&format!("MOVED {slot} {target}")))
            }
        }
    }

    /// `node`'s view changed: a node that is no longer a primary releases its parked pops.
    pub fn blocked_view_changed(&mut self, node: NodeId) {
        let n = &self.c.nodes[node];
        if !n.running()
            || n.view
                .shards
                .get(n.shard)
                .is_some_and(|s| s.primary == node)
        {
            return;
        }
        for conn in self.parked_on(node, None) {
            let e = err(
                "UNBLOCKED force unblock from blocking operation, instance state changed \
                 (master -> replica?)",
            );
            if let Some(b) = self.blocking.as_mut() {
                b.stats.unblocked += 1;
            }
            self.finish_parked(conn, e, false);
            self.close_after_reply(conn);
        }
    }

    /// Serve, oldest first, the pops parked on `node` that wait for `key`.
    pub(super) fn serve_parked(&mut self, node: NodeId, key: &Bytes) {
        for conn in self.parked_on(node, Some(key)) {
            let parked = self.net.sessions.get(&conn).and_then(|s| s.parked.as_ref());
            let Some(keys) = parked.map(|p| p.keys().to_vec()) else {
                continue;
            };
            let reply = self.pop_first(node, &keys);
            if reply == Value::Null {
                return;
            }
            self.finish_parked(conn, reply, true);
        }
    }

    /// Connections with a pop parked on `node` (waiting for `key`, when given), oldest first.
    fn parked_on(&self, node: NodeId, key: Option<&Bytes>) -> Vec<u64> {
        let mut found: Vec<(Instant, u64)> = self
            .net
            .sessions
            .iter()
            .filter(|(_, s)| s.node == node)
            .filter_map(|(&conn, s)| {
                let p = s.parked.as_ref()?;
                key.is_none_or(|k| p.keys().contains(k))
                    .then_some((p.since, conn))
            })
            .collect();
        found.sort_unstable();
        found.into_iter().map(|(_, conn)| conn).collect()
    }

    /// Unblock `conn` with `reply`; `ran` when the pop executed (an element or its timeout),
    /// not when the node turned it away.
    fn finish_parked(&mut self, conn: u64, reply: Value, ran: bool) {
        let Some(sess) = self.net.sessions.get_mut(&conn) else {
            return;
        };
        let Some(parked) = sess.parked.take() else {
            return;
        };
        let node = sess.node;
        if !ran {
            self.note_released(&parked.args[parked.args.len() - 2]);
        }
        if ran {
            self.pop_ran(node, conn, &parked.args, &reply);
            self.model.executed(
                canonical(&parked.args),
                self.now,
                (node, conn),
                false,
                reply.clone(),
            );
        }
        self.trace_note(format!("n{node} unblocks conn {conn}: {reply:?}"));
        self.push_to(conn, &reply, None);
        // Whatever arrived meanwhile would have waited; the checks above refuse it anyway.
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_round_trip_through_their_stored_value() {
        let items = vec![Bytes::from_static(b"e1"), Bytes::from_static(b"e22")];
        assert_eq!(list_items(&list_value(&items)), items);
        assert!(list_items(b"").is_empty());
        assert_eq!(timeout_ms(b"1.25"), Some(1250));
        assert_eq!(timeout_ms(b"0"), Some(0));
        assert_eq!(timeout_ms(b"-1"), None);
    }
}
