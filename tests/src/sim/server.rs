//! One simulated redis-server connection: parse what the client sent, answer like Redis 7.0.
//!
//! Bytes from the client go through the core's own incremental decoder (so they must be
//! valid RESP arrays of bulk strings — anything else is a client bug and fails the run), and
//! replies leave through `encode_as` in the protocol the connection negotiated. The cluster
//! rules follow `getNodeByQuery` in Redis's `cluster.c`: MOVED for slots the node does not
//! serve, ASK from a MIGRATING source for keys it no longer has, TRYAGAIN for multi-key
//! commands whose keys are split, MOVED from an IMPORTING target unless the client sent
//! ASKING, reads on a replica only after READONLY, CLUSTERDOWN when the node lost the
//! cluster or (with full coverage) a slot lost its primary, LOADING while loading. A Valkey 9
//! source paused by an atomic migration holds commands back, and its replicas redirect the
//! moving slots early ([`super::atomic_migration`]).
//! Blocking pops and scripts, which only the blocking scenario sends, are served by
//! [`super::blocking_server`] and [`super::script_server`].

use bytes::{Bytes, BytesMut};
use keyslot_core::key_slot;
use keyslot_core::resp::{Decoder, Value};
use keyslot_core::time::Duration;

use super::cluster::NodeId;
use super::model::{canonical, token_of};
use super::replies;
use super::store::Entry;
use super::world::World;

/// The password of clusters that require one.
pub const PASSWORD: &str = "sim-secret";

/// Server-side state of one connection.
#[derive(Debug, Default)]
pub struct Session {
    /// The connection's id.
    pub conn: u64,
    /// The node it is connected to.
    pub node: NodeId,
    /// Speaking RESP3 (after `HELLO 3`).
    pub resp3: bool,
    /// Authenticated (or no password required).
    pub authed: bool,
    /// `ASKING` was sent (one command, or the whole of a MULTI block).
    pub asking: bool,
    /// `READONLY` was sent.
    pub readonly: bool,
    /// Commands queued since MULTI.
    pub multi: Option<Multi>,
    /// Bytes not yet decoded.
    pub buf: BytesMut,
    /// The decoder.
    pub decoder: Decoder,
    /// Bytes that arrived while the node was frozen.
    pub held: Vec<(keyslot_core::time::Instant, Vec<u8>)>,
    /// Pub/sub subscriptions (see [`super::pubsub_server`]).
    pub subs: super::pubsub_server::Subs,
    /// A blocking pop waiting on this connection (see [`super::blocking_server`]).
    pub parked: Option<super::blocking_server::Parked>,
    /// Pops parked here so far (tells a stale wake-up from the current one).
    pub parks: u64,
    /// Carried a blocking pop.
    pub carried_blocking: bool,
    /// Carried another keyed command (a pop on this connection would stall it).
    pub carried_plain: bool,
    /// When `SCRIPT LOAD` last ran on this connection.
    pub script_loaded_at: Option<keyslot_core::time::Instant>,
    /// `CLIENT TRACKING ON` (see [`super::tracking_server`]).
    pub tracking: bool,
    /// The keys read here that the node will announce changes of.
    pub tracked: std::collections::BTreeSet<Bytes>,
    /// Changes this connection's own command made to keys it tracks, pushed after its reply.
    pub owed: Vec<Bytes>,
}

impl Session {
    /// The protocol its replies are in (RESP3 after `HELLO 3`).
    pub fn protocol(&self) -> keyslot_core::resp::Protocol {
        if self.resp3 {
            keyslot_core::resp::Protocol::Resp3
        } else {
            keyslot_core::resp::Protocol::Resp2
        }
    }
}

/// A MULTI block being queued.
#[derive(Debug, Default)]
pub struct Multi {
    pub(super) cmds: Vec<Vec<Bytes>>,
    dirty: bool,
}

impl Multi {
    /// The keys the queued commands touch, and whether any of them writes: what `EXEC` will
    /// do, judged as one command.
    pub(super) fn keys_and_write(&self) -> (Vec<Bytes>, bool) {
        let mut keys = Vec::new();
        let mut write = false;
        for cmd in &self.cmds {
            if let Some((k, w)) = data_command(&upper(&cmd[0]), cmd) {
                keys.extend(k);
                write |= w;
            }
        }
        (keys, write)
    }
}

fn simple(s: &str) -> Value {
    Value::SimpleString(Bytes::copy_from_slice(s.as_bytes()))
}

pub(super) fn err(s: &str) -> Value {
    Value::Error(Bytes::copy_from_slice(s.as_bytes()))
}

fn bulk(b: &Bytes) -> Value {
    Value::BulkString(b.clone())
}

pub(super) fn text(s: &str) -> Value {
    Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
}

fn ok() -> Value {
    simple("OK")
}

pub(super) fn upper(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_ascii_uppercase()
}

/// The data commands the simulated server implements: (keys, writes?). `None` for a
/// command that is not one of them or has the wrong number of arguments.
pub(super) fn data_command(name: &str, args: &[Bytes]) -> Option<(Vec<Bytes>, bool)> {
    let n = args.len();
    match name {
        "GET" if n == 2 => Some((vec![args[1].clone()], false)),
        "SET" if n >= 3 => Some((vec![args[1].clone()], true)),
        "INCR" if n == 2 => Some((vec![args[1].clone()], true)),
        "EXPIRE" if n == 3 => Some((vec![args[1].clone()], true)),
        "DEL" if n >= 2 => Some((args[1..].to_vec(), true)),
        "MGET" if n >= 2 => Some((args[1..].to_vec(), false)),
        "MSET" if n >= 3 && n % 2 == 1 => {
            Some((args[1..].iter().step_by(2).cloned().collect(), true))
        }
        "BLPOP" if n >= 3 => Some((args[1..n - 1].to_vec(), true)),
        "EVALSHA" if n >= 3 => {
            let keys = super::script_server::script_keys(args)?;
            (!keys.is_empty()).then_some((keys, true))
        }
        _ => None,
    }
}

fn is_data_name(name: &str) -> bool {
    matches!(
        name,
        "GET" | "SET" | "INCR" | "EXPIRE" | "DEL" | "MGET" | "MSET" | "BLPOP" | "EVALSHA"
    )
}

/// The tokens of the values a SET or MSET writes.
fn write_tokens(name: &str, args: &[Bytes]) -> Vec<u64> {
    match name {
        "SET" => args.get(2).and_then(|v| token_of(v)).into_iter().collect(),
        "MSET" => args[2..]
            .iter()
            .step_by(2)
            .filter_map(|v| token_of(v))
            .collect(),
        _ => Vec::new(),
    }
}

/// Which copy of the keys a node serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Copy {
    /// The owner's: what the model calls visible.
    Owner,
    /// A replica's, after READONLY: may lag.
    Replica,
    /// One of two copies both ends of a migration hold: may differ from the other.
    Double,
}

/// How a node treats a keyed command.
enum Routed {
    /// Run it here, from a copy that may or may not be stale (see `model::Exec::stale_ok`).
    Here(Copy),
    /// Refuse with this error; `true` when it is a redirect the client counts.
    Refuse(Value, bool),
}

impl World {
    /// Bytes from the client reach the server side of `conn`.
    pub fn server_input(&mut self, conn: u64, bytes: Vec<u8>, sent: keyslot_core::time::Instant) {
        let Some(mut sess) = self.net.sessions.remove(&conn) else {
            return; // reset or closed: the bytes are lost
        };
        let node = sess.node;
        if !self.c.nodes[node].running() {
            if self.c.nodes[node].frozen {
                sess.held.push((sent, bytes));
                self.net.sessions.insert(conn, sess);
            }
            return;
        }
        self.node_read(conn, bytes.len());
        if !sess.held.is_empty() {
            // A paused node holds a command: what follows it waits behind it.
            sess.held.push((sent, bytes));
            self.net.sessions.insert(conn, sess);
            return;
        }
        self.cur_sent = sent;
        sess.buf.extend_from_slice(&bytes);
        let mut out = Vec::new();
        loop {
            let frame = match sess.decoder.decode(&mut sess.buf) {
                Ok(Some(v)) => v,
                Ok(None) => break,
                Err(e) => {
                    self.violation(format!("the client sent invalid RESP to n{node}: {e}"));
                    break;
                }
            };
            let args: Option<Vec<Bytes>> = match &frame {
                Value::Array(items) if !items.is_empty() => items
                    .iter()
                    .map(|v| match v {
                        Value::BulkString(b) => Some(b.clone()),
                        _ => None,
                    })
                    .collect(),
                _ => None,
            };
            let Some(args) = args else {
                self.violation(format!(
                    "the client sent n{node} a frame that is not a command: {frame:?}"
                ));
                break;
            };
            if sess.parked.is_some() {
                self.violation(format!(
                    "the client sent {:?} on conn {conn}, where a BLPOP blocks n{node}: it waits \
                     behind the pop",
                    String::from_utf8_lossy(&args[0])
                ));
                break;
            }
            if let Some(frames) = self.pubsub_command(&mut sess, conn, &args) {
                self.encode_pubsub(&sess, conn, frames, &mut out);
                continue;
            }
            if self.stalled_by_pause(&sess, &args) {
                self.hold_for_pause(&mut sess, sent, &args);
                break;
            }
            let reply = self.execute(&mut sess, &args);
            if sess.parked.is_some() {
                continue; // the pop blocks: its reply comes later
            }
            // After the command: HELLO answers in the protocol it chose.
            keyslot_core::resp::encode_as(&reply, sess.protocol(), &mut out);
            self.pay_own_changes(&mut sess, &mut out);
        }
        self.net.sessions.insert(conn, sess);
        if !out.is_empty() {
            self.send_to_client(conn, out);
        }
    }

    /// A frozen node resumes: it first hears what it missed, then runs what it was sent.
    pub fn replay_held(&mut self, node: NodeId) {
        let conns: Vec<u64> = self
            .net
            .sessions
            .iter()
            .filter(|(_, s)| s.node == node && !s.held.is_empty())
            .map(|(&k, _)| k)
            .collect();
        for conn in conns {
            let held = self
                .net
                .sessions
                .get_mut(&conn)
                .map(|s| std::mem::take(&mut s.held))
                .unwrap_or_default();
            for (sent, bytes) in held {
                self.server_input(conn, bytes, sent);
            }
        }
    }

    /// Run one command; returns its reply.
    fn execute(&mut self, sess: &mut Session, args: &[Bytes]) -> Value {
        let name = upper(&args[0]);
        self.start_own_changes();
        let reply = self.execute_inner(sess, &name, args);
        if name != "ASKING" && sess.multi.is_none() {
            sess.asking = false;
        }
        reply
    }

    fn execute_inner(&mut self, sess: &mut Session, name: &str, args: &[Bytes]) -> Value {
        let node = sess.node;
        let password = self.profile.auth;
        match name {
            "HELLO" => return self.hello(sess, args),
            "AUTH" => {
                if !password {
                    return err("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
                }
                let (user, pass) = match args.len() {
                    2 => (&b"default"[..], &args[1][..]),
                    3 => (&args[1][..], &args[2][..]),
                    _ => return err("ERR wrong number of arguments for 'auth' command"),
                };
                if user == b"default" && pass == PASSWORD.as_bytes() {
                    sess.authed = true;
                    return ok();
                }
                return err("WRONGPASS invalid username-password pair or user is disabled.");
            }
            _ => {}
        }
        if password && !sess.authed {
            return err("NOAUTH Authentication required.");
        }
        let loading = self.c.nodes[node].loading_until > self.now;
        match name {
            "CLIENT" => {
                return match args.get(1).map(|a| upper(a)).as_deref() {
                    Some("SETNAME") if args.len() == 3 => ok(),
                    Some("TRACKING") => self.client_tracking(sess, args),
                    _ => err("ERR unknown subcommand or wrong number of arguments"),
                }
            }
            "READONLY" => {
                sess.readonly = true;
                return ok();
            }
            "READWRITE" => {
                sess.readonly = false;
                return ok();
            }
            "ASKING" => {
                sess.asking = true;
                return ok();
            }
            "CLUSTER" => return self.cluster_command(node, args),
            _ => {}
        }
        if name == "SCRIPT" && !loading {
            return self.script_command(sess, args);
        }
        // MULTI, EXEC and DISCARD are allowed while loading (they carry the `loading` flag);
        // a command queued meanwhile is refused and spoils the transaction.
        if loading && !matches!(name, "MULTI" | "EXEC" | "DISCARD") {
            if let Some(m) = &mut sess.multi {
                m.dirty = true;
            }
            return err("LOADING Redis is loading the dataset in memory");
        }
        match name {
            "MULTI" => {
                if sess.multi.is_some() {
                    return err("ERR MULTI calls can not be nested");
                }
                sess.multi = Some(Multi::default());
                return ok();
            }
            "EXEC" => return self.exec(sess),
            "DISCARD" => {
                return match sess.multi.take() {
                    Some(_) => ok(),
                    None => err("ERR DISCARD without MULTI"),
                }
            }
            _ => {}
        }
        let known = is_data_name(name) || name == "PING" || name == "DBSIZE";
        if !known {
            if let Some(m) = &mut sess.multi {
                m.dirty = true;
            }
            return err(&format!(
                "ERR unknown command '{}', with args beginning with: ",
                name.to_ascii_lowercase()
            ));
        }
        let data = data_command(name, args);
        if is_data_name(name) && data.is_none() {
            if let Some(m) = &mut sess.multi {
                m.dirty = true;
            }
            return err(&format!(
                "ERR wrong number of arguments for '{}' command",
                name.to_ascii_lowercase()
            ));
        }
        let routed = match &data {
            Some((keys, write)) => self.route(sess, keys, *write),
            // Keyless commands are served even while the cluster is down.
            None => Routed::Here(Copy::Owner),
        };
        let copy = match routed {
            Routed::Here(copy) => copy,
            Routed::Refuse(e, redirect) => {
                if let Some(m) = &mut sess.multi {
                    m.dirty = true;
                } else if redirect {
                    self.count_redirects(name, args);
                }
                return e;
            }
        };
        if let Some(m) = &mut sess.multi {
            m.cmds.push(args.to_vec());
            return simple("QUEUED");
        }
        if data.is_some() {
            self.note_connection_use(sess, name);
        }
        if name == "EVALSHA" && !self.script_cached(node, &args[1]) {
            return self.noscript(sess, args);
        }
        let stale_ok = data.is_some() && self.note_copy(copy);
        let reply = self.run_data(node, name, args);
        if name == "BLPOP" && reply == Value::Null {
            self.park(sess, args);
            return reply;
        }
        if name == "BLPOP" {
            self.pop_ran(node, sess.conn, args, &reply);
        }
        if data.is_some() {
            if self.trace.echo {
                self.trace_exec(node, stale_ok, args, &reply);
            }
            self.model.executed(
                canonical(args),
                self.now,
                (node, sess.conn),
                stale_ok,
                reply.clone(),
            );
        }
        if name == "GET" {
            self.cache_get_ran(&args[1], sess.conn, &reply, stale_ok);
        }
        if let Some((keys, write)) = &data {
            self.owe_own_changes(sess);
            if !write {
                self.track_read(sess, keys);
            }
        }
        reply
    }

    /// Count reads from copies other than the owner's; true for those.
    fn note_copy(&mut self, copy: Copy) -> bool {
        match copy {
            Copy::Owner => false,
            Copy::Replica => {
                self.model.replica_reads += 1;
                true
            }
            Copy::Double => {
                self.model.double_copy_reads += 1;
                true
            }
        }
    }

    /// With `KEYSLOT_SIM_LOG` set, print every execution (for debugging a seed).
    fn trace_exec(&mut self, node: NodeId, stale_ok: bool, args: &[Bytes], reply: &Value) {
        let n = &self.c.nodes[node];
        let args: Vec<String> = args
            .iter()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let line = format!(
            "exec n{node}{} (view v{}, isolated {}, frozen {}) {args:?} -> {reply:?}",
            if stale_ok { " (may be stale)" } else { "" },
            n.view.version,
            n.isolated,
            n.frozen
        );
        self.trace.note(self.now, super::trace::Line::Text(line));
    }

    fn count_redirects(&mut self, name: &str, args: &[Bytes]) {
        let limit = self.config.max_redirects + 1;
        for t in write_tokens(name, args) {
            let r = self.model.tokens.entry(t).or_default();
            r.redirects += 1;
            if r.redirects > limit {
                let n = r.redirects;
                self.violation(format!(
                    "write token {t} was redirected {n} times; the limit allows {limit} replies"
                ));
            }
        }
    }

    /// Where a keyed command may run, by this node's view (see the module docs).
    fn route(&self, sess: &Session, keys: &[Bytes], write: bool) -> Routed {
        let node = sess.node;
        let n = &self.c.nodes[node];
        if n.cluster_fail {
            return Routed::Refuse(err("CLUSTERDOWN The cluster is down"), false);
        }
        let slot = key_slot(&keys[0]);
        if keys.iter().any(|k| key_slot(k) != slot) {
            return Routed::Refuse(
                err("CROSSSLOT Keys in request don't hash to the same slot"),
                false,
            );
        }
        let v = &n.view;
        if self.profile.full_coverage && v.degraded {
            return Routed::Refuse(err("CLUSTERDOWN The cluster is down"), false);
        }
        let Some(owner) = v.shard_of(slot) else {
            return Routed::Refuse(err("CLUSTERDOWN Hash slot not served"), false);
        };
        let mine = n.shard;
        let am_primary = v.shards.get(mine).is_some_and(|s| s.primary == node);
        let shard = &self.c.shards[mine];
        let moved = || {
            let target = self.c.redirect_target(v, v.shards[owner].primary);
            Routed::Refuse(err(&format!("MOVED {slot} {target}")), true)
        };
        if am_primary && owner == mine {
            let Some(&target) = shard.migrating.get(&slot) else {
                return Routed::Here(Copy::Owner);
            };
            let present = keys
                .iter()
                .filter(|k| n.store.get(k, self.now).is_some())
                .count();
            if present == keys.len() {
                // The target may hold copies too (after a failover on either side): then what
                // this node serves may differ from what a redirected command would see.
                let target = &self.c.nodes[self.c.shards[target].primary].store;
                let double = keys.iter().any(|k| target.get(k, self.now).is_some());
                Routed::Here(if double { Copy::Double } else { Copy::Owner })
            } else if present == 0 {
                // The tool that set MIGRATING made sure this node knows the target; take
                // the newest view if its own has not caught up with a brand-new shard.
                let to = match v.shards.get(target) {
                    Some(t) => self.c.redirect_target(v, t.primary),
                    None => {
                        let latest = &self.c.latest;
                        self.c
                            .redirect_target(latest, latest.shards[target].primary)
                    }
                };
                Routed::Refuse(err(&format!("ASK {slot} {to}")), true)
            } else {
                Routed::Refuse(
                    err("TRYAGAIN Multiple keys request during rehashing of slot"),
                    false,
                )
            }
        } else if let (true, Some(&source), true) =
            (am_primary, shard.importing.get(&slot), sess.asking)
        {
            let missing = keys.iter().any(|k| n.store.get(k, self.now).is_none());
            if keys.len() > 1 && missing {
                Routed::Refuse(
                    err("TRYAGAIN Multiple keys request during rehashing of slot"),
                    false,
                )
            } else {
                // A key on both sides (a failover on either side left two copies, as in a
                // real cluster) is served from this copy, which may differ from the other.
                let source = &self.c.nodes[self.c.shards[source].primary].store;
                let dual = keys.iter().any(|k| {
                    n.store.get(k, self.now).is_some() && source.get(k, self.now).is_some()
                });
                Routed::Here(if dual { Copy::Double } else { Copy::Owner })
            }
        } else if let Some(to) = (!am_primary && owner == mine)
            .then(|| self.redirected_early(node, slot))
            .flatten()
        {
            Routed::Refuse(err(&format!("MOVED {slot} {to}")), true)
        } else if !am_primary && owner == mine && sess.readonly && !write {
            Routed::Here(Copy::Replica)
        } else if !am_primary
            && owner == mine
            && write
            && self.profile.readonly_errors
            && n.demoted_at
                .is_some_and(|t| self.now < t + Duration::from_secs(2))
        {
            Routed::Refuse(
                err("READONLY You can't write against a read only replica."),
                true,
            )
        } else {
            moved()
        }
    }

    fn exec(&mut self, sess: &mut Session) -> Value {
        let Some(m) = sess.multi.take() else {
            return err("ERR EXEC without MULTI");
        };
        if m.dirty {
            return err("EXECABORT Transaction discarded because of previous errors.");
        }
        let (keys, write) = m.keys_and_write();
        let mut stale_ok = false;
        if !keys.is_empty() {
            match self.route(sess, &keys, write) {
                Routed::Here(copy) => stale_ok = self.note_copy(copy),
                Routed::Refuse(e, _) => return e,
            }
        }
        let node = sess.node;
        let mut replies = Vec::with_capacity(m.cmds.len());
        let mut whole = Vec::new();
        for cmd in &m.cmds {
            let name = upper(&cmd[0]);
            replies.push(self.run_data(node, &name, cmd));
            self.owe_own_changes(sess);
            if let Some((keys, false)) = data_command(&name, cmd) {
                self.track_read(sess, &keys);
            }
            whole.extend(canonical(cmd));
        }
        whole.extend(canonical(&["EXEC"]));
        let reply = Value::Array(replies);
        if self.trace.echo {
            let mut all: Vec<Bytes> = vec![Bytes::from_static(b"EXEC-OF")];
            for cmd in &m.cmds {
                all.extend(cmd.iter().cloned());
            }
            self.trace_exec(node, stale_ok, &all, &reply);
        }
        self.model
            .executed(whole, self.now, (node, sess.conn), stale_ok, reply.clone());
        reply
    }

    /// Execute a routed command against the node's data.
    pub(super) fn run_data(&mut self, node: NodeId, name: &str, args: &[Bytes]) -> Value {
        let now = self.now;
        match name {
            "PING" => match args.get(1) {
                Some(a) => bulk(a),
                None => simple("PONG"),
            },
            "DBSIZE" => Value::Integer(self.c.nodes[node].store.live_count(now) as i64),
            "GET" => match self.c.nodes[node].store.value(&args[1], now) {
                Some(v) => bulk(&v),
                None => Value::Null,
            },
            "MGET" => Value::Array(
                args[1..]
                    .iter()
                    .map(|k| match self.c.nodes[node].store.value(k, now) {
                        Some(v) => bulk(&v),
                        None => Value::Null,
                    })
                    .collect(),
            ),
            "SET" => {
                self.write_token(&args[2], node);
                let entry = Entry {
                    value: args[2].clone(),
                    expire_at: None,
                };
                self.primary_write(node, args[1].clone(), Some(entry));
                ok()
            }
            "MSET" => {
                for pair in args[1..].chunks(2) {
                    self.write_token(&pair[1], node);
                    let entry = Entry {
                        value: pair[1].clone(),
                        expire_at: None,
                    };
                    self.primary_write(node, pair[0].clone(), Some(entry));
                }
                ok()
            }
            "DEL" => {
                let mut n = 0;
                for k in &args[1..] {
                    if self.c.nodes[node].store.get(k, now).is_some() {
                        n += 1;
                        self.primary_write(node, k.clone(), None);
                    }
                }
                Value::Integer(n)
            }
            "INCR" => {
                let key = &args[1];
                let current = self.c.nodes[node].store.get(key, now).cloned();
                let (value, expire_at) = match &current {
                    Some(e) => match std::str::from_utf8(&e.value)
                        .ok()
                        .and_then(|s| s.parse::<i64>().ok())
                    {
                        Some(v) => (v, e.expire_at),
                        None => return err("ERR value is not an integer or out of range"),
                    },
                    None => (0, None),
                };
                let Some(next) = value.checked_add(1) else {
                    return err("ERR increment or decrement would overflow");
                };
                self.model.counters.entry(key.clone()).or_default().executed += 1;
                let c = &self.model.counters[key];
                if c.executed > c.submitted {
                    let (e, s) = (c.executed, c.submitted);
                    self.violation(format!(
                        "INCR {} ran {e} times but the client submitted only {s}",
                        String::from_utf8_lossy(key)
                    ));
                }
                let entry = Entry {
                    value: Bytes::from(next.to_string()),
                    expire_at,
                };
                self.primary_write(node, key.clone(), Some(entry));
                Value::Integer(next)
            }
            "BLPOP" => self.pop_first(node, &args[1..args.len() - 1]),
            "EVALSHA" => self.run_script(node, args),
            "EXPIRE" => {
                let key = &args[1];
                let Some(secs) = std::str::from_utf8(&args[2])
                    .ok()
                    .and_then(|s| s.parse::<i64>().ok())
                else {
                    return err("ERR value is not an integer or out of range");
                };
                let Some(mut entry) = self.c.nodes[node].store.get(key, now).cloned() else {
                    return Value::Integer(0);
                };
                if secs <= 0 {
                    self.primary_write(node, key.clone(), None);
                } else {
                    entry.expire_at = Some(now + Duration::from_secs(secs as u64));
                    self.primary_write(node, key.clone(), Some(entry));
                }
                Value::Integer(1)
            }
            _ => err("ERR unknown command"),
        }
    }

    fn write_token(&mut self, value: &[u8], node: NodeId) {
        let Some(t) = token_of(value) else {
            return;
        };
        let now = self.now;
        let r = self.model.tokens.entry(t).or_default();
        if let Some(first) = r.executed {
            let first = first.as_micros();
            self.violation(format!(
                "write token {t} executed twice: at {first}us and again at {}us on n{node}",
                now.as_micros()
            ));
        }
        if let Some(why) = self.model.never_ran.get(&t) {
            self.violation(format!(
                "write token {t} ran on n{node} at {}us, yet {why}",
                now.as_micros()
            ));
        }
        self.model.tokens.entry(t).or_default().executed = Some(now);
    }

    fn hello(&mut self, sess: &mut Session, args: &[Bytes]) -> Value {
        if self.profile.legacy {
            let first = args
                .get(1)
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .unwrap_or_default();
            return err(&format!(
                "ERR unknown command 'HELLO', with args beginning with: '{first}' "
            ));
        }
        let proto = match args.get(1).map(|a| &a[..]) {
            None => {
                if sess.resp3 {
                    3
                } else {
                    2
                }
            }
            Some(b"2") => 2,
            Some(b"3") => 3,
            Some(_) => return err("NOPROTO sorry, this protocol version is not supported."),
        };
        let mut i = 2;
        while i < args.len() {
            match upper(&args[i]).as_str() {
                "AUTH" if i + 2 < args.len() => {
                    if !self.profile.auth {
                        return err("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
                    }
                    if &args[i + 1][..] != b"default" || &args[i + 2][..] != PASSWORD.as_bytes() {
                        return err(
                            "WRONGPASS invalid username-password pair or user is disabled.",
                        );
                    }
                    sess.authed = true;
                    i += 3;
                }
                "SETNAME" if i + 1 < args.len() => i += 2,
                other => return err(&format!("ERR Syntax error in HELLO option '{other}'")),
            }
        }
        if self.profile.auth && !sess.authed {
            return err("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
        }
        sess.resp3 = proto == 3;
        let node = sess.node;
        let role = if self.c.nodes[node].view.shards[self.c.nodes[node].shard].primary == node {
            "master"
        } else {
            "replica"
        };
        Value::Map(vec![
            (text("server"), text("redis")),
            (text("version"), text("7.0.15")),
            (text("proto"), Value::Integer(proto)),
            (text("id"), Value::Integer(node as i64 + 1)),
            (text("mode"), text("cluster")),
            (text("role"), text(role)),
            (text("modules"), Value::Array(Vec::new())),
        ])
    }

    fn cluster_command(&mut self, node: NodeId, args: &[Bytes]) -> Value {
        let sub = args.get(1).map(|a| upper(a)).unwrap_or_default();
        match sub.as_str() {
            "SHARDS" if self.profile.legacy => {
                err("ERR unknown subcommand 'SHARDS'. Try CLUSTER HELP.")
            }
            "SHARDS" => {
                self.topology_query(node, self.cur_sent);
                self.served_cluster_shards(node)
            }
            "SLOTS" => {
                self.topology_query(node, self.cur_sent);
                self.cluster_slots(node)
            }
            _ => err(&format!(
                "ERR unknown subcommand '{}'. Try CLUSTER HELP.",
                sub.to_ascii_lowercase()
            )),
        }
    }

    /// `CLUSTER SHARDS` as node `node` sees the cluster.
    pub fn cluster_shards(&self, node: NodeId) -> Value {
        let view = self.c.nodes[node].view.clone();
        replies::cluster_shards(&self.c, &view)
    }

    /// `CLUSTER SLOTS` as node `node` sees the cluster.
    pub fn cluster_slots(&self, node: NodeId) -> Value {
        let view = self.c.nodes[node].view.clone();
        replies::cluster_slots(&self.c, &view)
    }
}
