//! The client-side cache's store: replies of read-only single-key commands, and the record
//! of what invalidated them.
//!
//! Entries are grouped by the Redis key they read, because that is what the server's
//! invalidation pushes name; each group holds the replies of the different commands on that
//! key (`GET k`, `HGET k f`, ...). Groups are evicted least recently used first, until the
//! entry count and the byte count are both within [`CacheConfig`]'s bounds.
//!
//! Each entry remembers where its reply came from (the connection, the node, the slot and
//! the slot's primary then), so that the machine can drop what a lost connection, a moved
//! slot or a changed topology makes untrustworthy (see `caching.rs`).
//!
//! A read and an invalidation of its key can cross: the read is sent, the key changes, the
//! invalidation arrives, then the read's reply with the old value. A fill therefore carries
//! the [`Ticket`] taken when its read was sent, and is refused when anything that covers its
//! key was invalidated since: the store keeps the scopes of recent invalidations (a key, a
//! slot, a connection, everything); once that record overflows, fills older than its start
//! are refused too. A refused fill costs a later miss, never a stale hit.

use alloc::collections::VecDeque;
use core::hash::{Hash, Hasher};

use lru::LruCache;
use smallvec::SmallVec;

use super::slab::Key;
use crate::resp::Value;
use crate::time::{Duration, Instant};
use crate::Cmd;

/// Bounds of the client-side cache ([`Config::cache`](super::Config::cache)).
///
/// ```
/// use keyslot_core::cluster::CacheConfig;
/// use keyslot_core::time::Duration;
/// let cache = CacheConfig {
///     max_entries: 50_000,
///     ttl: Some(Duration::from_secs(30)),
///     ..CacheConfig::default()
/// };
/// assert_eq!(cache.max_bytes, 64 << 20); // the default: 64 MiB
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheConfig {
    /// Replies kept at most (default 10,000); least recently used keys go first.
    pub max_entries: usize,
    /// Bytes kept at most, counting each reply's size on the wire, its command and a fixed
    /// overhead per entry (default 64 MiB). A reply larger than this is not kept.
    pub max_bytes: usize,
    /// How long an entry may serve reads at most, even with no invalidation (default: none,
    /// an entry lives until it is invalidated or evicted). A bound for what the server
    /// cannot announce, such as a key expiring on a replica before its primary's delete.
    pub ttl: Option<Duration>,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            max_entries: 10_000,
            max_bytes: 64 << 20,
            ttl: None,
        }
    }
}

/// What an entry's bytes are counted with besides its command and reply.
const ENTRY_OVERHEAD: usize = 96;

/// How many recent invalidations a fill is checked against; an older fill is refused.
const HISTORY: usize = 1024;

/// Where a cached reply came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Origin {
    /// The connection that read it (and that the server will send its invalidation to).
    pub(crate) conn: Key,
    /// The node of that connection.
    pub(crate) node: usize,
    /// The key's slot.
    pub(crate) slot: u16,
    /// The slot's primary, as the machine knew it when the reply came.
    pub(crate) owner: u32,
}

/// The invalidation count when a read was sent; see the [module docs](self).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ticket(u64);

/// What an invalidation covered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Key(u64),
    Slot(u16),
    Conn(Key),
    All,
}

struct Entry {
    cmd: Cmd,
    value: Value,
    origin: Origin,
    bytes: usize,
    expires: Option<Instant>,
}

/// The replies cached for one key.
#[derive(Default)]
struct Group {
    entries: SmallVec<[Entry; 1]>,
}

/// Counters of the cache, for [`Metrics`](super::Metrics).
///
/// ```
/// use keyslot_core::cluster::CacheConfig;
/// use keyslot_core::{time::Instant, topology::Addr, Cluster, Config};
/// let config = Config { cache: Some(CacheConfig::default()), ..Config::default() };
/// let cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], Instant::ZERO);
/// let cache = cluster.metrics().cache.expect("a cache is configured");
/// assert_eq!((cache.hits, cache.misses, cache.entries), (0, 0, 0));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheMetrics {
    /// Reads answered from the cache.
    pub hits: u64,
    /// Cacheable reads sent to a node.
    pub misses: u64,
    /// Replies kept.
    pub fills: u64,
    /// Replies not kept because their key was invalidated while they were on their way, or
    /// their connection was not tracking.
    pub fills_refused: u64,
    /// Entries dropped by invalidations (pushes, lost connections, moved slots, own writes).
    pub invalidated: u64,
    /// Entries dropped to stay within the bounds.
    pub evicted: u64,
    /// Entries held now.
    pub entries: usize,
    /// Bytes held now, as [`CacheConfig::max_bytes`] counts them.
    pub bytes: usize,
}

impl CacheMetrics {
    /// Hits over all cacheable reads (0 before the first).
    ///
    /// ```
    /// use keyslot_core::cluster::CacheMetrics;
    /// let m = CacheMetrics { hits: 9, misses: 1, ..CacheMetrics::default() };
    /// assert_eq!(m.hit_ratio(), 0.9);
    /// ```
    pub fn hit_ratio(&self) -> f64 {
        let reads = self.hits + self.misses;
        if reads == 0 {
            0.0
        } else {
            self.hits as f64 / reads as f64
        }
    }
}

/// The store. See the [module docs](self).
pub(crate) struct Cache {
    pub(crate) config: CacheConfig,
    groups: LruCache<alloc::vec::Vec<u8>, Group, fnv::FnvBuildHasher>,
    /// Invalidations so far; a [`Ticket`] is a snapshot of it.
    invalidations: u64,
    /// The scopes of the most recent invalidations, with their number, oldest first.
    history: VecDeque<(u64, Scope)>,
    metrics: CacheMetrics,
}

impl core::fmt::Debug for Cache {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Cache")
            .field("config", &self.config)
            .field("metrics", &self.metrics)
            .finish_non_exhaustive()
    }
}

impl Cache {
    pub(crate) fn new(config: CacheConfig) -> Cache {
        Cache {
            config,
            groups: LruCache::unbounded_with_hasher(fnv::FnvBuildHasher::default()),
            invalidations: 0,
            history: VecDeque::new(),
            metrics: CacheMetrics::default(),
        }
    }

    /// The cached reply to `cmd` (whose key is `key`), counting a hit or a miss.
    pub(crate) fn lookup(&mut self, key: &[u8], cmd: &Cmd, now: Instant) -> Option<Value> {
        let mut expired = None;
        let mut found = None;
        if let Some(group) = self.groups.get_mut(key) {
            if let Some(i) = group.entries.iter().position(|e| e.cmd == *cmd) {
                if group.entries[i].expires.is_some_and(|at| now >= at) {
                    expired = Some((group.entries.swap_remove(i).bytes, group.entries.is_empty()));
                } else {
                    found = Some(group.entries[i].value.clone());
                }
            }
        }
        if let Some((bytes, emptied)) = expired {
            self.forget(bytes, 1);
            self.metrics.invalidated += 1;
            if emptied {
                self.groups.pop(key);
            }
        }
        match found {
            Some(_) => self.metrics.hits += 1,
            None => self.metrics.misses += 1,
        }
        found
    }

    /// A snapshot to take when a read that may fill the cache is sent.
    pub(crate) fn ticket(&self) -> Ticket {
        Ticket(self.invalidations)
    }

    /// Keep `value`, the reply to `cmd`, unless something covering it was invalidated since
    /// `ticket` was taken. `wire` is the reply's size on the wire. Returns whether it was kept.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn fill(
        &mut self,
        key: &[u8],
        cmd: &Cmd,
        value: &Value,
        wire: usize,
        origin: Origin,
        ticket: Ticket,
        now: Instant,
    ) -> bool {
        let bytes = ENTRY_OVERHEAD + key.len() + cmd.args().map(<[u8]>::len).sum::<usize>() + wire;
        if bytes > self.config.max_bytes
            || self.config.max_entries == 0
            || !self.unchanged_since(ticket, key_hash(key), origin)
        {
            self.metrics.fills_refused += 1;
            return false;
        }
        let entry = Entry {
            cmd: cmd.clone(),
            value: detached(value),
            origin,
            bytes,
            expires: self.config.ttl.map(|ttl| now + ttl),
        };
        let (mut freed, mut removed) = (0, 0);
        match self.groups.get_mut(key) {
            Some(group) => {
                if let Some(i) = group.entries.iter().position(|e| e.cmd == entry.cmd) {
                    freed = group.entries[i].bytes;
                    removed = 1;
                    group.entries[i] = entry;
                } else {
                    group.entries.push(entry);
                }
            }
            None => {
                let mut group = Group::default();
                group.entries.push(entry);
                self.groups.put(key.to_vec(), group);
            }
        }
        self.forget(freed, removed);
        self.metrics.entries += 1;
        self.metrics.bytes += bytes;
        self.metrics.fills += 1;
        self.evict_to_bounds();
        true
    }

    /// The server (or the machine itself, for its own writes) said `key` changed.
    pub(crate) fn invalidate_key(&mut self, key: &[u8]) {
        self.record(Scope::Key(key_hash(key)));
        if let Some(group) = self.groups.pop(key) {
            let bytes = group.entries.iter().map(|e| e.bytes).sum();
            self.forget(bytes, group.entries.len());
            self.metrics.invalidated += group.entries.len() as u64;
        }
    }

    /// Everything read on `conn` (lost, or told that its node flushed its data).
    pub(crate) fn invalidate_conn(&mut self, conn: Key) {
        self.record(Scope::Conn(conn));
        self.drop_where(|o| o.conn == conn);
    }

    /// Everything in `slot` (a redirect said it moved or is moving).
    pub(crate) fn invalidate_slot(&mut self, slot: u16) {
        self.record(Scope::Slot(slot));
        self.drop_where(|o| o.slot == slot);
    }

    /// Entries that `keep` rejects, and every read in flight (a new view of the cluster).
    pub(crate) fn invalidate_unless(&mut self, keep: impl Fn(&Origin) -> bool) {
        self.record(Scope::All);
        self.drop_where(|o| !keep(o));
    }

    /// Everything.
    pub(crate) fn invalidate_all(&mut self) {
        self.invalidate_unless(|_| false);
    }

    /// A reply that could not be kept (its connection does not track keys).
    pub(crate) fn refuse_fill(&mut self) {
        self.metrics.fills_refused += 1;
    }

    pub(crate) fn metrics(&self) -> CacheMetrics {
        self.metrics
    }

    fn record(&mut self, scope: Scope) {
        self.invalidations += 1;
        if self.history.len() == HISTORY {
            self.history.pop_front();
        }
        self.history.push_back((self.invalidations, scope));
    }

    /// No invalidation since `ticket` covers a fill of the key hashed `hash` from `origin`.
    fn unchanged_since(&self, ticket: Ticket, hash: u64, origin: Origin) -> bool {
        let since = ticket.0;
        if since == self.invalidations {
            return true;
        }
        // The record must reach back to the first invalidation after the ticket.
        if self.history.front().is_none_or(|&(n, _)| n > since + 1) {
            return false;
        }
        // Newest first, back to the ticket: a read crosses few invalidations.
        !self
            .history
            .iter()
            .rev()
            .take_while(|&&(n, _)| n > since)
            .any(|&(_, scope)| match scope {
                Scope::Key(h) => h == hash,
                Scope::Slot(s) => s == origin.slot,
                Scope::Conn(c) => c == origin.conn,
                Scope::All => true,
            })
    }

    fn drop_where(&mut self, gone: impl Fn(&Origin) -> bool) {
        let (mut bytes, mut count) = (0, 0);
        for (_, group) in self.groups.iter_mut() {
            group.entries.retain(|e| {
                let drop = gone(&e.origin);
                if drop {
                    bytes += e.bytes;
                    count += 1;
                }
                !drop
            });
        }
        if count > 0 {
            self.groups.retain(|_, g| !g.entries.is_empty());
            self.forget(bytes, count);
            self.metrics.invalidated += count as u64;
        }
    }

    fn evict_to_bounds(&mut self) {
        while self.metrics.entries > self.config.max_entries
            || self.metrics.bytes > self.config.max_bytes
        {
            let Some((_, group)) = self.groups.pop_lru() else {
                break;
            };
            let bytes = group.entries.iter().map(|e| e.bytes).sum();
            self.forget(bytes, group.entries.len());
            self.metrics.evicted += group.entries.len() as u64;
        }
    }

    fn forget(&mut self, bytes: usize, entries: usize) {
        self.metrics.bytes -= bytes;
        self.metrics.entries -= entries;
    }
}

/// `value` in memory of its own. A decoded reply shares the buffer its frame was read into,
/// with the frames around it; an entry that lives on must not keep that buffer alive.
fn detached(value: &Value) -> Value {
    let copy = |b: &bytes::Bytes| bytes::Bytes::copy_from_slice(b);
    let all = |items: &[Value]| items.iter().map(detached).collect();
    let pairs = |pairs: &[(Value, Value)]| {
        pairs
            .iter()
            .map(|(k, v)| (detached(k), detached(v)))
            .collect()
    };
    match value {
        Value::SimpleString(b) => Value::SimpleString(copy(b)),
        Value::Error(b) => Value::Error(copy(b)),
        Value::BulkString(b) => Value::BulkString(copy(b)),
        Value::BigNumber(b) => Value::BigNumber(copy(b)),
        Value::Verbatim { format, text } => Value::Verbatim {
            format: *format,
            text: copy(text),
        },
        Value::Array(items) => Value::Array(all(items)),
        Value::Set(items) => Value::Set(all(items)),
        Value::Push(items) => Value::Push(all(items)),
        Value::Map(entries) => Value::Map(pairs(entries)),
        Value::Attribute { attributes, value } => Value::Attribute {
            attributes: pairs(attributes),
            value: alloc::boxed::Box::new(detached(value)),
        },
        Value::Integer(_) | Value::Null | Value::Double(_) | Value::Boolean(_) => value.clone(),
    }
}

/// A fixed hash of a key, for the invalidation record (a collision refuses a fill: safe).
fn key_hash(key: &[u8]) -> u64 {
    let mut h = fnv::FnvHasher::default();
    key.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests;
