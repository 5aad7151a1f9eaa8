//! The client's workload: commands over a small, hash-tagged key space.
//!
//! Keys come in groups sharing a hash tag (`{tag}s0`..`{tag}s3` hold strings,
//! `{tag}c0`/`{tag}c1` are INCR counters), so multi-key commands and transactions stay in
//! one slot and migrations of a tag's slot hit live keys. Every written value is unique and
//! names its key (`{tag}s2#1234`), so a reply delivered to the wrong request cannot pass
//! for the right one.

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;
use keyslot_core::cluster::{Error, Request, RequestId};
use keyslot_core::resp::Value;
use keyslot_core::time::Instant;
use keyslot_core::{key_slot, Cmd};

use super::model::canonical;
use super::rng::Rng;
use super::world::World;

/// What the client answered a request with, as the checks see it: one result
/// (`Output::Reply`) or a pipeline's list (`Output::PipelineReply`).
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    Single(Result<Value, Error>),
    Pipeline(Vec<Result<Value, Error>>),
}

/// One command of the workload.
#[derive(Clone, Debug)]
pub enum Op {
    /// GET key.
    Get(Bytes),
    /// SET key value (value carries a token).
    Set(Bytes, Bytes),
    /// DEL key.
    Del(Bytes),
    /// INCR counter.
    Incr(Bytes),
    /// MGET keys (one tag).
    Mget(Vec<Bytes>),
    /// MSET key value ... (one tag).
    Mset(Vec<(Bytes, Bytes)>),
    /// EXPIRE key seconds.
    Expire(Bytes, i64),
    /// PING (fanned out to every primary).
    Ping,
    /// DBSIZE (summed over primaries).
    Dbsize,
    /// BLPOP queue marker timeout: the marker is a key of this request alone, in the queue's
    /// slot, so each request's arguments are unique (blocking scenario only).
    Blpop {
        /// The list.
        queue: Bytes,
        /// The request's own (always empty) key.
        marker: Bytes,
        /// The server-side timeout.
        timeout_ms: u64,
    },
    /// The simulated nodes' script ([`super::script_server::SET_AND_ECHO`]) on key and value
    /// (blocking scenario only).
    Script(Bytes, Bytes),
}

impl Op {
    /// The command's arguments.
    pub fn args(&self) -> Vec<Bytes> {
        let b = |s: &'static str| Bytes::from_static(s.as_bytes());
        match self {
            Op::Get(k) => vec![b("GET"), k.clone()],
            Op::Set(k, v) => vec![b("SET"), k.clone(), v.clone()],
            Op::Del(k) => vec![b("DEL"), k.clone()],
            Op::Incr(k) => vec![b("INCR"), k.clone()],
            Op::Mget(keys) => std::iter::once(b("MGET"))
                .chain(keys.iter().cloned())
                .collect(),
            Op::Mset(pairs) => {
                let mut a = vec![b("MSET")];
                for (k, v) in pairs {
                    a.push(k.clone());
                    a.push(v.clone());
                }
                a
            }
            Op::Expire(k, s) => vec![b("EXPIRE"), k.clone(), Bytes::from(s.to_string())],
            Op::Ping => vec![b("PING")],
            Op::Dbsize => vec![b("DBSIZE")],
            Op::Blpop {
                queue,
                marker,
                timeout_ms,
            } => vec![
                b("BLPOP"),
                queue.clone(),
                marker.clone(),
                Bytes::from(format!("{}.{:03}", timeout_ms / 1000, timeout_ms % 1000)),
            ],
            Op::Script(k, v) => vec![
                b("EVALSHA"),
                Bytes::from(Self::script().sha1().to_string()),
                b("1"),
                k.clone(),
                v.clone(),
            ],
        }
    }

    /// The script [`Op::Script`] calls.
    pub fn script() -> keyslot_core::Script {
        keyslot_core::Script::new(super::script_server::SET_AND_ECHO)
    }

    /// As a core [`Cmd`].
    pub fn cmd(&self) -> Cmd {
        let args = self.args();
        let mut cmd = Cmd::new(&args[0][..]);
        for a in &args[1..] {
            cmd = cmd.arg(&a[..]);
        }
        cmd
    }

    /// The canonical bytes the execution log files it under.
    pub fn canonical(&self) -> Vec<u8> {
        canonical(&self.args())
    }

    /// Changes data (may not be retried after an unknown outcome).
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            Op::Set(..)
                | Op::Del(_)
                | Op::Incr(_)
                | Op::Mset(_)
                | Op::Expire(..)
                | Op::Blpop { .. }
                | Op::Script(..)
        )
    }

    /// Flagged read-only in Redis's command table, which is what the core retries after a
    /// lost connection. PING is not (it is harmless to repeat, but the table does not say so).
    pub fn is_read_only(&self) -> bool {
        matches!(self, Op::Get(_) | Op::Mget(_) | Op::Dbsize)
    }

    /// The values it writes that carry tokens.
    pub fn written_values(&self) -> Vec<&Bytes> {
        match self {
            Op::Set(_, v) | Op::Script(_, v) => vec![v],
            Op::Mset(pairs) => pairs.iter().map(|(_, v)| v).collect(),
            _ => Vec::new(),
        }
    }
}

/// What a request was.
#[derive(Clone, Debug)]
pub enum Kind {
    /// One command.
    Single(Op),
    /// A pipeline across slots.
    Pipeline(Vec<Op>),
    /// MULTI/EXEC on one tag.
    Tx(Vec<Op>),
}

impl Kind {
    /// The transaction's canonical bytes (its commands, then EXEC).
    pub fn tx_canonical(ops: &[Op]) -> Vec<u8> {
        let mut whole = Vec::new();
        for op in ops {
            whole.extend(op.canonical());
        }
        whole.extend(canonical(&["EXEC"]));
        whole
    }
}

/// A request awaiting its reply.
#[derive(Clone, Debug)]
pub struct Pending {
    /// The client's id for it.
    pub id: RequestId,
    /// What it asked.
    pub kind: Kind,
    /// When it was submitted.
    pub at: Instant,
    /// When its reply is due at the latest (the client's deadline for it).
    pub deadline: Instant,
    /// Submitted when the cluster had been quiet long enough: it must succeed.
    pub must_succeed: bool,
}

/// The workload's state.
#[derive(Debug, Default)]
pub struct Workload {
    /// Hash tags in use.
    pub tags: Vec<String>,
    /// Requests awaiting replies, by `RequestId::as_u64`.
    pub pending: BTreeMap<u64, Pending>,
    /// Pending requests by submission time (the oldest bounds what the model must keep).
    pub by_time: BTreeSet<(Instant, u64)>,
    /// Pending requests by deadline, to find overdue ones.
    pub by_deadline: BTreeSet<(Instant, u64)>,
    next_token: u64,
    /// Requests submitted, and replies by outcome.
    pub submitted: u64,
    /// Replies that succeeded (per command).
    pub ok: u64,
    /// Replies that failed (per command), by error kind.
    pub errors: BTreeMap<&'static str, u64>,
    /// Percent of commands made `GET`s on top of the usual mix (cache runs; 0 draws nothing).
    pub read_bias: u32,
}

impl Workload {
    /// A workload over `tags` hash tags.
    pub fn new(tags: usize, rng: &mut Rng) -> Workload {
        let tags = (0..tags)
            .map(|i| format!("t{i}.{}", rng.below(1_000_000)))
            .collect();
        Workload {
            tags,
            ..Workload::default()
        }
    }

    /// The slots of the tags.
    pub fn tag_slots(&self) -> Vec<u16> {
        self.tags.iter().map(|t| key_slot(t.as_bytes())).collect()
    }

    /// The `i`-th string key of `tag`.
    pub fn string_key(&self, tag: usize, i: u64) -> Bytes {
        Bytes::from(format!("{{{}}}s{i}", self.tags[tag]))
    }

    fn counter_key(&self, tag: usize, i: u64) -> Bytes {
        Bytes::from(format!("{{{}}}c{i}", self.tags[tag]))
    }

    /// A fresh value for `key`, carrying the next write token.
    pub fn value(&mut self, key: &Bytes) -> Bytes {
        self.next_token += 1;
        let mut v = key.to_vec();
        v.extend_from_slice(format!("#{}", self.next_token).as_bytes());
        Bytes::from(v)
    }

    /// One random command on `tag` (keyless ones when `keyless` allows).
    pub fn op(&mut self, rng: &mut Rng, tag: usize, keyless: bool) -> Op {
        let roll = rng.below(if keyless { 100 } else { 90 });
        let sk = |w: &Workload, rng: &mut Rng| w.string_key(tag, rng.below(4));
        if self.read_bias > 0 && rng.below(100) < u64::from(self.read_bias) {
            return if rng.below(4) == 0 {
                Op::Get(self.counter_key(tag, rng.below(2)))
            } else {
                Op::Get(sk(self, rng))
            };
        }
        match roll {
            0..=19 => Op::Get(sk(self, rng)),
            20..=27 => Op::Get(self.counter_key(tag, rng.below(2))),
            28..=46 => {
                let k = sk(self, rng);
                let v = self.value(&k);
                Op::Set(k, v)
            }
            47..=50 => {
                if rng.coin() {
                    Op::Del(sk(self, rng))
                } else {
                    Op::Del(self.counter_key(tag, rng.below(2)))
                }
            }
            51..=63 => Op::Incr(self.counter_key(tag, rng.below(2))),
            64..=73 => {
                let n = rng.range(2, 3);
                Op::Mget((0..n).map(|_| sk(self, rng)).collect())
            }
            74..=82 => {
                let mut pairs = Vec::new();
                let first = rng.below(4);
                for i in 0..rng.range(1, 2) {
                    let k = self.string_key(tag, (first + i) % 4);
                    let v = self.value(&k);
                    pairs.push((k, v));
                }
                Op::Mset(pairs)
            }
            83..=89 => Op::Expire(sk(self, rng), rng.range(1, 4) as i64),
            90..=94 => Op::Ping,
            _ => Op::Dbsize,
        }
    }

    /// A random request.
    pub fn request(&mut self, rng: &mut Rng) -> Kind {
        let tags = self.tags.len().max(1);
        let roll = rng.below(100);
        if roll < 10 {
            let n = rng.range(2, 6);
            Kind::Pipeline(
                (0..n)
                    .map(|_| {
                        let t = rng.index(tags);
                        self.op(rng, t, true)
                    })
                    .collect(),
            )
        } else if roll < 15 {
            let t = rng.index(tags);
            let n = rng.range(1, 4);
            Kind::Tx((0..n).map(|_| self.op(rng, t, false)).collect())
        } else {
            let t = rng.index(tags);
            Kind::Single(self.op(rng, t, true))
        }
    }
}

impl World {
    /// Submit a request to the client and remember it.
    pub fn submit(&mut self, kind: Kind, must_succeed: bool) -> RequestId {
        let ops: Vec<&Op> = match &kind {
            Kind::Single(op) => vec![op],
            Kind::Pipeline(ops) | Kind::Tx(ops) => ops.iter().collect(),
        };
        for op in &ops {
            if let Op::Incr(k) = op {
                self.model.counters.entry(k.clone()).or_default().submitted += 1;
            }
        }
        let now = self.now;
        let full_deadline = now + self.request_deadline(&kind);
        let tickets = self.cache_before_submit(&kind);
        let hits_before = self.cache_core_hits();
        let id = match &kind {
            Kind::Single(Op::Script(k, v)) => {
                let call = Op::script().call().key(&k[..]).arg(&v[..]);
                self.client.submit(call, (), now)
            }
            Kind::Single(op) => self.client.submit(op.cmd(), (), now),
            Kind::Pipeline(ops) => {
                self.client
                    .submit_pipeline(ops.iter().map(Op::cmd).collect(), (), now)
            }
            Kind::Tx(ops) => self.client.submit(
                Request::Transaction(ops.iter().map(Op::cmd).collect()),
                (),
                now,
            ),
        };
        self.work.submitted += 1;
        let key = id.as_u64();
        let hits = self.cache_core_hits() - hits_before;
        self.cache_after_submit(key, tickets, hits);
        self.trace_submit(key, &kind);
        // A caller's own deadline may end it before it could succeed.
        let (deadline, must_succeed) = match self.maybe_own_deadline(id, full_deadline) {
            Some(own) => (own, false),
            None => (full_deadline, must_succeed),
        };
        self.work.by_time.insert((now, key));
        self.work.by_deadline.insert((deadline, key));
        self.work.pending.insert(
            key,
            Pending {
                id,
                kind: kind.clone(),
                at: now,
                deadline,
                must_succeed,
            },
        );
        self.maybe_plan_cancel(key, &kind, deadline);
        self.drain();
        id
    }

    /// How long the client may take over `kind`: the request timeout, plus the server-side
    /// timeout of a blocking pop (as the core extends its deadline).
    fn request_deadline(&self, kind: &Kind) -> keyslot_core::time::Duration {
        let blocked = match kind {
            Kind::Single(Op::Blpop { timeout_ms, .. }) => *timeout_ms,
            _ => 0,
        };
        self.config.request_timeout + keyslot_core::time::Duration::from_millis(blocked)
    }

    /// A random request now, if fewer than the cap are outstanding.
    pub fn submit_random(&mut self, must_succeed: bool) {
        if self.work.pending.len() >= self.profile.max_outstanding {
            return;
        }
        let kind = self.work.request(&mut self.rng_work);
        self.submit(kind, must_succeed);
    }
}
