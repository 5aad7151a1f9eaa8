//! A node's data: keys to values with optional expiry, and the replication stream.
//!
//! Expiry is logical, as Redis reports it: an entry whose time has passed reads as absent on
//! any node (primary or replica) whether or not it has been physically removed yet.

use std::collections::BTreeMap;

use bytes::Bytes;
use keyslot_core::time::Instant;

/// A value and when it expires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The string value.
    pub value: Bytes,
    /// When it stops existing, if ever.
    pub expire_at: Option<Instant>,
}

impl Entry {
    /// Still there at `now`.
    pub fn live(&self, now: Instant) -> bool {
        self.expire_at.is_none_or(|t| t > now)
    }
}

/// One change in a shard's replication stream: the key's new state.
#[derive(Clone, Debug)]
pub struct ReplOp {
    /// The key.
    pub key: Bytes,
    /// Its new entry, or `None` for deleted.
    pub entry: Option<Entry>,
}

/// A node's key space.
#[derive(Clone, Debug, Default)]
pub struct Store {
    map: BTreeMap<Bytes, Entry>,
}

impl Store {
    /// The entry of `key` if it exists at `now`.
    pub fn get(&self, key: &[u8], now: Instant) -> Option<&Entry> {
        self.map.get(key).filter(|e| e.live(now))
    }

    /// The value of `key` at `now`.
    pub fn value(&self, key: &[u8], now: Instant) -> Option<Bytes> {
        self.get(key, now).map(|e| e.value.clone())
    }

    /// Set or delete `key`.
    pub fn put(&mut self, key: Bytes, entry: Option<Entry>) {
        match entry {
            Some(e) => {
                self.map.insert(key, e);
            }
            None => {
                self.map.remove(&key);
            }
        }
    }

    /// Apply a replicated change.
    pub fn apply(&mut self, op: &ReplOp) {
        self.put(op.key.clone(), op.entry.clone());
    }

    /// Keys that exist at `now`.
    pub fn live_count(&self, now: Instant) -> usize {
        self.map.values().filter(|e| e.live(now)).count()
    }

    /// Every key held, live or expired-but-not-removed.
    pub fn keys(&self) -> impl Iterator<Item = &Bytes> {
        self.map.keys()
    }

    /// The first key (in key order) whose slot satisfies `pred`, live or not.
    pub fn first_key_where(&self, mut pred: impl FnMut(&[u8]) -> bool) -> Option<Bytes> {
        self.map.keys().find(|k| pred(k)).cloned()
    }

    /// The raw entry of `key`, expired or not.
    pub fn raw(&self, key: &[u8]) -> Option<&Entry> {
        self.map.get(key)
    }
}
