//! The client-side cache scenario: cached reads through the seed's faults, each judged
//! against what the client had been told.
//!
//! The client runs with a small [`CacheConfig`] over RESP3 and the nodes track keys
//! ([`super::tracking_server`]); the workload reads more than usual so that reads repeat. A
//! `GET` whose reply matches no execution of it was answered from the cache (the core's own
//! hit count must agree). Every such hit must be explained by a *fill*, an earlier `GET` of
//! that key whose reply from a node carried the same value, which nothing has invalidated
//! between the moment that read was submitted and the hit:
//!
//! - an `invalidate` push naming the key, once the client has read it off the connection;
//! - an `invalidate` push with null (a node flushed), or the loss of the connection, for
//!   fills read on that connection (its pushes are lost with it);
//! - a `MOVED` or `ASK` for the key's slot, or a new slot map giving the slot another owner;
//! - this client submitting a write of the key.
//!
//! Those are the events the core's documented bound names ("never older than the last
//! invalidation the client received, and never survives a connection loss or a slot move").
//! Order is exact: every submission, push read, loss and move takes the next number of one
//! sequence, and a fill counts only if its read's number is below every invalidation
//! between it and the hit. On top of that, the value itself is checked against the true
//! history: the key held it at some instant between the *floor* — when the client read the
//! latest push for the key, or when the latest of its own writes of the key that it saw
//! acknowledged ran — and the hit (unless the fill came from a copy that may be stale, a replica's). Entry
//! TTLs and evictions only make the cache answer less, so the model ignores them.
//!
//! Hits are judged when the run ends, when every fill (a pipeline's reply comes whole, after
//! its reads' values already reached the cache) is known.

use std::collections::{BTreeMap, VecDeque};

use bytes::Bytes;
use keyslot_core::cluster::CacheConfig;
use keyslot_core::key_slot;
use keyslot_core::resp::Value;
use keyslot_core::time::{Duration, Instant};

use super::cluster::NodeId;
use super::model::Run;
use super::tracking_server::Invalidation;
use super::workload::{Kind, Op};
use super::world::World;

/// Share of the workload's commands turned into `GET`s in cache runs, in percent.
pub const READ_BIAS: u32 = 50;

/// The cache bounds seed `seed` runs with: a few entries (evictions), or room for all keys;
/// half with an entry TTL.
pub fn cache_config(seed: u64) -> CacheConfig {
    CacheConfig {
        max_entries: [4, 16, 10_000][(seed % 3) as usize],
        ttl: (seed % 2 == 0).then(|| Duration::from_millis(300)),
        ..CacheConfig::default()
    }
}

/// What a cache run saw.
#[derive(Clone, Debug, Default)]
pub struct CacheStats {
    /// Reads the cache answered, each checked.
    pub hits: u64,
    /// Of those, explained only by a fill from a copy that may be stale.
    pub stale_fills: u64,
    /// Reads answered by a node (possible fills).
    pub fills: u64,
    /// Invalidation pushes the nodes sent, and those the client read.
    pub pushes_sent: u64,
    /// See `pushes_sent`.
    pub pushes_read: u64,
    /// Connections lost or closed while the cache was on.
    pub conns_lost: u64,
    /// Slot moves the client saw (redirects, new owners).
    pub slot_moves: u64,
    /// Hits whose value the key no longer held at that instant: within the bound (the push
    /// saying so was still on its way, or lost with a connection the client had not yet
    /// seen fail), and stale by the truth.
    pub stale_by_truth: u64,
}

impl CacheStats {
    /// Add another run's numbers.
    pub fn add(&mut self, o: &CacheStats) {
        self.hits += o.hits;
        self.stale_fills += o.stale_fills;
        self.fills += o.fills;
        self.pushes_sent += o.pushes_sent;
        self.pushes_read += o.pushes_read;
        self.conns_lost += o.conns_lost;
        self.slot_moves += o.slot_moves;
        self.stale_by_truth += o.stale_by_truth;
    }

    /// One line.
    pub fn summary(&self) -> String {
        format!(
            "cache: {} hits checked ({} from possibly stale copies, {} behind a change not yet \
             announced), {} reads from nodes, pushes {} sent / {} read, {} connections lost, \
             {} slot moves",
            self.hits,
            self.stale_fills,
            self.stale_by_truth,
            self.fills,
            self.pushes_sent,
            self.pushes_read,
            self.conns_lost,
            self.slot_moves
        )
    }
}

/// A `GET` a node answered: what the cache may have kept.
#[derive(Clone, Debug)]
struct Fill {
    value: Option<Bytes>,
    /// The sequence number of its submission.
    ticket: u64,
    /// The executions that may have answered it (a retried read ran more than once).
    runs: Vec<Run>,
}

/// Who answered a request's `GET`, as its submission told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answered {
    /// The cache, every one of them.
    Cache,
    /// Nodes, every one of them.
    Nodes,
    /// Some each (a pipeline): the execution log tells which.
    Mixed,
}

/// A `GET` the cache answered.
#[derive(Clone, Debug)]
struct Hit {
    id: u64,
    key: Bytes,
    value: Option<Bytes>,
    seq: u64,
    at: Instant,
}

/// The scenario's state.
#[derive(Debug, Default)]
pub struct CacheWatch {
    /// Keys changed on nodes since the running command started (see
    /// [`super::tracking_server`]).
    pub(super) changed_now: Vec<(NodeId, Bytes)>,
    /// Bytes sent and read per connection, toward the client.
    sent: BTreeMap<u64, u64>,
    read: BTreeMap<u64, u64>,
    /// Pushes on their way, per connection: where they end in its stream.
    pushes: BTreeMap<u64, VecDeque<(u64, Invalidation)>>,
    seq: u64,
    key_kills: BTreeMap<Bytes, Vec<Kill>>,
    slot_kills: BTreeMap<u16, Vec<Kill>>,
    conn_kills: BTreeMap<u64, Vec<Kill>>,
    /// Per key: (sequence number, instant) of what the client saw change it.
    floors: BTreeMap<Bytes, Vec<Kill>>,
    /// Per pending request: the sequence numbers of its `GET`s, in order, and how many of
    /// them the cache answered (the core's hit count rose by that much in its submission).
    tickets: BTreeMap<u64, (VecDeque<u64>, Answered)>,
    fills: BTreeMap<Bytes, Vec<Fill>>,
    /// Reads whose reply the caller never saw (cancelled, or failed after being sent): their
    /// replies may still have reached the cache. Per key: (number, submitted at).
    orphans: BTreeMap<Bytes, Vec<(u64, Instant)>>,
    /// Every `GET` the nodes ran: per key, (when, connection, value, from a copy that may
    /// be stale). What an orphaned read may have brought back.
    gets: BTreeMap<Bytes, Vec<(Option<Bytes>, Run)>>,
    hits: Vec<Hit>,
    stats: CacheStats,
}

impl CacheWatch {
    fn next(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }
}

/// An invalidation: its number, when, and what it was.
#[derive(Clone, Copy, Debug)]
struct Kill(u64, Instant, &'static str);

/// The first of `kills` numbered strictly between `after` and `before`.
fn between(kills: Option<&Vec<Kill>>, after: u64, before: u64) -> Option<Kill> {
    kills?.iter().find(|k| k.0 > after && k.0 < before).copied()
}

fn value_of(v: &Value) -> Option<Option<Bytes>> {
    match v {
        Value::BulkString(b) => Some(Some(b.clone())),
        Value::Null => Some(None),
        _ => None,
    }
}

fn show(v: &Option<Bytes>) -> String {
    match v {
        Some(b) => format!("{:?}", String::from_utf8_lossy(b)),
        None => "nil".into(),
    }
}

impl World {
    /// The server side of `conn` sent `len` bytes.
    pub fn cache_sent_bytes(&mut self, conn: u64, len: usize) {
        if let Some(w) = self.cache.as_mut() {
            *w.sent.entry(conn).or_default() += len as u64;
        }
    }

    /// A push ending `end_in_batch` bytes into the batch about to be sent on `conn`.
    pub(super) fn cache_note_push(&mut self, conn: u64, end_in_batch: usize, what: Invalidation) {
        let Some(w) = self.cache.as_mut() else {
            return;
        };
        let end = w.sent.get(&conn).copied().unwrap_or(0) + end_in_batch as u64;
        w.pushes.entry(conn).or_default().push_back((end, what));
        w.stats.pushes_sent += 1;
    }

    /// The client is about to read `len` more bytes of `conn`: the pushes they complete
    /// are in its hands.
    pub fn cache_reading(&mut self, conn: u64, len: usize) {
        let now = self.now;
        let Some(w) = self.cache.as_mut() else {
            return;
        };
        let read = w.read.entry(conn).or_default();
        *read += len as u64;
        let upto = *read;
        let Some(queue) = w.pushes.get_mut(&conn) else {
            return;
        };
        let mut arrived = Vec::new();
        while queue.front().is_some_and(|(end, _)| *end <= upto) {
            if let Some((_, what)) = queue.pop_front() {
                arrived.push(what);
            }
        }
        for what in arrived {
            let seq = w.next();
            w.stats.pushes_read += 1;
            match what {
                Some(key) => {
                    let kill = Kill(seq, now, "a push naming the key");
                    w.key_kills.entry(key.clone()).or_default().push(kill);
                    w.floors.entry(key).or_default().push(kill);
                }
                None => {
                    let kill = Kill(seq, now, "a flush push on its connection");
                    w.conn_kills.entry(conn).or_default().push(kill);
                }
            }
        }
    }

    /// The client lost or closed `conn`: what it read there is untrustworthy.
    pub fn cache_conn_lost(&mut self, conn: u64) {
        let now = self.now;
        let Some(w) = self.cache.as_mut() else {
            return;
        };
        let seq = w.next();
        let kill = Kill(seq, now, "the loss of its connection");
        w.conn_kills.entry(conn).or_default().push(kill);
        w.pushes.remove(&conn);
        w.stats.conns_lost += 1;
    }

    /// The client saw `slot` move (a redirect, or a new owner in its map).
    pub fn cache_slot_moved(&mut self, slot: u16) {
        let now = self.now;
        let Some(w) = self.cache.as_mut() else {
            return;
        };
        let seq = w.next();
        w.slot_kills
            .entry(slot)
            .or_default()
            .push(Kill(seq, now, "a move of its slot"));
        w.stats.slot_moves += 1;
    }

    /// `kind` is about to be submitted: in command order, its writes invalidate their keys
    /// and its single and pipelined `GET`s take their numbers (a transaction's reads are
    /// not cached). Returns the `GET`s' numbers.
    pub(super) fn cache_before_submit(&mut self, kind: &Kind) -> VecDeque<u64> {
        let mut tickets = VecDeque::new();
        let now = self.now;
        let Some(w) = self.cache.as_mut() else {
            return tickets;
        };
        let (ops, tx) = match kind {
            Kind::Single(op) => (std::slice::from_ref(op), false),
            Kind::Pipeline(ops) => (&ops[..], false),
            Kind::Tx(ops) => (&ops[..], true),
        };
        for op in ops {
            if op.is_write() {
                let seq = w.next();
                for key in written_keys(op) {
                    let kill = Kill(seq, now, "this client's write of the key");
                    w.key_kills.entry(key).or_default().push(kill);
                }
            } else if let (Op::Get(_), false) = (op, tx) {
                tickets.push_back(w.next());
            }
        }
        tickets
    }

    /// The core's count of cache hits so far.
    pub(super) fn cache_core_hits(&self) -> u64 {
        if self.cache.is_none() {
            return 0;
        }
        self.client.metrics().cache.map_or(0, |m| m.hits)
    }

    /// Remember the numbers of request `id`'s `GET`s, of which the cache answered `hits`.
    pub(super) fn cache_after_submit(&mut self, id: u64, tickets: VecDeque<u64>, hits: u64) {
        let n = tickets.len() as u64;
        if hits > n {
            return self.violation(format!(
                "request {id}: the cache answered {hits} reads of its {n} GETs"
            ));
        }
        let answered = match hits {
            0 => Answered::Nodes,
            h if h == n => Answered::Cache,
            _ => Answered::Mixed,
        };
        if let Some(w) = self.cache.as_mut().filter(|_| n > 0) {
            w.tickets.insert(id, (tickets, answered));
        }
    }

    /// The number of request `id`'s next `GET` (called for each of its `GET`s in order), and
    /// who answered it.
    pub(super) fn cache_ticket(&mut self, id: u64, op: &Op) -> Option<(u64, Answered)> {
        if !matches!(op, Op::Get(_)) {
            return None;
        }
        let w = self.cache.as_mut()?;
        let (queue, answered) = w.tickets.get_mut(&id)?;
        let answered = *answered;
        let t = queue.pop_front();
        if queue.is_empty() {
            w.tickets.remove(&id);
        }
        t.map(|t| (t, answered))
    }

    /// A `GET` a node answered with `v` in `from..=to`: a fill the cache may have kept.
    pub(super) fn cache_fill_seen(
        &mut self,
        key: &Bytes,
        v: &Value,
        ticket: u64,
        window: (Instant, Instant),
    ) {
        let Some(value) = value_of(v) else {
            return;
        };
        let cmd = Op::Get(key.clone()).canonical();
        let runs = self.model.runs_of(&cmd, window.0, window.1, v);
        let Some(w) = self.cache.as_mut() else {
            return;
        };
        w.stats.fills += 1;
        w.fills.entry(key.clone()).or_default().push(Fill {
            value,
            ticket,
            runs,
        });
    }

    /// A `GET` no node answered with `v`: a hit, judged at the end. False when `v` cannot be
    /// a cached `GET` reply at all.
    pub(super) fn cache_hit(
        &mut self,
        id: u64,
        key: &Bytes,
        v: &Value,
        seq: u64,
        at: Instant,
    ) -> bool {
        let (Some(value), Some(w)) = (value_of(v), self.cache.as_mut()) else {
            return false;
        };
        w.hits.push(Hit {
            id,
            key: key.clone(),
            value,
            seq,
            at,
        });
        true
    }

    /// The caller will never see the reply of request `id`'s next `GET` of `key` (numbered
    /// `seq`, submitted `at`), which may still have filled the cache.
    pub(super) fn cache_orphan(&mut self, key: &Bytes, seq: u64, at: Instant) {
        if let Some(w) = self.cache.as_mut() {
            w.orphans.entry(key.clone()).or_default().push((seq, at));
        }
    }

    /// Request `id` was cancelled: none of its reads' replies will be seen.
    pub(super) fn cache_abandoned(&mut self, id: u64, kind: &Kind, at: Instant) {
        let ops = match kind {
            Kind::Single(op) => std::slice::from_ref(op),
            Kind::Pipeline(ops) => &ops[..],
            Kind::Tx(_) => return,
        };
        for op in ops {
            if let (Op::Get(k), Some((seq, _))) = (op, self.cache_ticket(id, op)) {
                self.cache_orphan(k, seq, at);
            }
        }
    }

    /// A node ran `GET key` on `conn`, answering `reply`.
    pub(super) fn cache_get_ran(&mut self, key: &Bytes, conn: u64, reply: &Value, stale_ok: bool) {
        let now = self.now;
        let (Some(w), Some(value)) = (self.cache.as_mut(), value_of(reply)) else {
            return;
        };
        w.gets
            .entry(key.clone())
            .or_default()
            .push((value, (conn, now, stale_ok)));
    }

    /// The client saw its write `op`, which ran at `ran`, acknowledged: its later reads of
    /// the keys must see what the write left or something newer.
    pub(super) fn cache_write_acked(&mut self, op: &Op, ran: Instant) {
        let Some(w) = self.cache.as_mut() else {
            return;
        };
        let seq = w.next();
        for key in written_keys(op) {
            let kill = Kill(seq, ran, "this client's acknowledged write");
            w.floors.entry(key).or_default().push(kill);
        }
    }

    /// Judge every hit (see the module docs), and compare the count with the core's.
    pub fn cache_finish(&mut self) {
        let Some(mut w) = self.cache.take() else {
            return;
        };
        let core_hits = self.client.metrics().cache.map_or(0, |m| m.hits);
        // Fewer when callers cancelled requests the cache had answered part of.
        if core_hits < w.hits.len() as u64 {
            self.violation(format!(
                "the core answered {core_hits} reads from its cache; the checker found {}",
                w.hits.len()
            ));
        }
        for hit in std::mem::take(&mut w.hits) {
            if let Err(e) = self.judge_hit(&mut w, &hit) {
                self.violation(format!(
                    "request {}: GET {} submitted at {}us was answered {} from the cache, \
                     {e} (history: {})",
                    hit.id,
                    String::from_utf8_lossy(&hit.key),
                    hit.at.as_micros(),
                    show(&hit.value),
                    self.model.describe(&hit.key, hit.at)
                ));
                break;
            }
        }
        self.cache = Some(w);
    }

    fn judge_hit(&self, w: &mut CacheWatch, hit: &Hit) -> Result<(), String> {
        let slot = key_slot(&hit.key);
        let mut fills: Vec<Fill> = w.fills.get(&hit.key).cloned().unwrap_or_default();
        // An orphaned read filled with whatever a node answered after its submission.
        let gets = w.gets.get(&hit.key).map(Vec::as_slice).unwrap_or(&[]);
        for &(ticket, submitted) in w.orphans.get(&hit.key).into_iter().flatten() {
            let runs: Vec<Run> = gets
                .iter()
                .filter(|(value, run)| run.1 >= submitted && *value == hit.value)
                .map(|g| g.1)
                .collect();
            fills.push(Fill {
                value: hit.value.clone(),
                ticket,
                runs,
            });
        }
        // Only what ran before the hit can explain it.
        for f in &mut fills {
            f.runs.retain(|r| r.1 <= hit.at);
        }
        let same: Vec<&Fill> = fills
            .iter()
            .filter(|f| f.value == hit.value && f.ticket < hit.seq && !f.runs.is_empty())
            .collect();
        if same.is_empty() {
            return Err("a value no earlier read of the key returned".into());
        }
        // What invalidated a fill before the hit, if anything did.
        let killed = |f: &Fill| {
            between(w.key_kills.get(&hit.key), f.ticket, hit.seq)
                .or_else(|| between(w.slot_kills.get(&slot), f.ticket, hit.seq))
                .or_else(|| {
                    let per_conn = f
                        .runs
                        .iter()
                        .map(|r| between(w.conn_kills.get(&r.0), f.ticket, hit.seq));
                    per_conn.collect::<Option<Vec<Kill>>>()?.first().copied()
                })
        };
        let valid: Vec<&&Fill> = same.iter().filter(|f| killed(f).is_none()).collect();
        if valid.is_empty() {
            let why: Vec<String> = same
                .iter()
                .filter_map(|f| killed(f))
                .map(|k| format!("{} at {}us", k.2, k.1.as_micros()))
                .collect();
            return Err(format!(
                "yet every read that returned it was invalidated since it was sent: {}",
                why.join(", ")
            ));
        }
        w.stats.hits += 1;
        if valid.iter().any(|f| f.runs.iter().any(|r| r.2)) {
            w.stats.stale_fills += 1;
            return Ok(());
        }
        let floor = w
            .floors
            .get(&hit.key)
            .and_then(|fs| fs.iter().filter(|f| f.0 < hit.seq).max_by_key(|f| f.1))
            .copied()
            .unwrap_or(Kill(0, Instant::from_micros(0), "nothing"));
        let value = hit.value.as_deref();
        if !self.model.held(&hit.key, floor.1, hit.at, value) {
            return Err(format!(
                "which the key did not hold at any instant since {}us, when the client last \
                 saw it change ({})",
                floor.1.as_micros(),
                floor.2
            ) + &format!(" fills {valid:?}"));
        }
        if self.model.current_at(&hit.key, hit.at) != value {
            w.stats.stale_by_truth += 1;
        }
        Ok(())
    }

    /// The cache run's numbers.
    pub fn cache_stats(&self) -> Option<CacheStats> {
        self.cache.as_ref().map(|w| w.stats.clone())
    }
}

/// The keys a write names.
fn written_keys(op: &Op) -> Vec<Bytes> {
    match op {
        Op::Set(k, _) | Op::Del(k) | Op::Incr(k) | Op::Expire(k, _) | Op::Script(k, _) => {
            vec![k.clone()]
        }
        Op::Mset(pairs) => pairs.iter().map(|(k, _)| k.clone()).collect(),
        Op::Blpop { queue, marker, .. } => vec![queue.clone(), marker.clone()],
        Op::Get(_) | Op::Mget(_) | Op::Ping | Op::Dbsize => Vec::new(),
    }
}
