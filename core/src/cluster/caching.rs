//! Client-side caching: which reads the cache answers, which replies fill it, and every
//! event that makes what it holds untrustworthy.
//!
//! With [`Config::cache`](super::Config::cache), every connection turns on the server's key
//! tracking (`CLIENT TRACKING ON`, the default mode, RESP3) in its handshake: the node
//! remembers the keys each connection read and pushes `invalidate` when one changes. A read
//! is cacheable when the command table says it is read-only, not blocking, of deterministic
//! output (the order of a set's members may vary) and has exactly one key, found without
//! parsing (no movable keys): `GET`, `HGET`, `HGETALL`, `SMEMBERS`, `ZRANGE`, ... but not
//! `TTL`, `SRANDMEMBER` or `SORT_RO`.
//!
//! What the cache holds is dropped:
//! - for a key, when a push names it, and when this client submits a command that may
//!   write it (so that a client reads its own writes before the server's push arrives),
//!   and again when that command's reply arrives (a read sent meanwhile may have been
//!   answered by a node that had not seen the write);
//! - for a connection, when it is lost (its pushes are lost with it), and when its node says
//!   its data was flushed (`invalidate` with no keys);
//! - for a slot, when MOVED or ASK says it moved or is moving;
//! - wherever a new view of the cluster changes the slot's primary or the node's place in
//!   its shard (failover, demotion, a replica that follows another primary);
//! - entirely, when this client submits a write without keys (`FLUSHALL`, `SWAPDB`) or a
//!   command the table does not know.
//!
//! Tracking is turned on without `NOLOOP`: the server also tells a connection about the
//! writes this client made itself. The client drops what its own commands name before
//! sending them, but a script or function may write keys it does not declare, and only
//! the server's push says so.
//!
//! A reply fills the cache only if it came on a tracking connection and nothing covering it
//! was invalidated while it was on its way (see `cache.rs`). So a cached read is never
//! older than the last invalidation the client received, and never survives a connection
//! loss or a slot move.

use alloc::vec::Vec;

use super::cache::{Cache, Origin, Ticket};
use super::job::Payload;
use super::route::route;
use super::slab::Key;
use super::Cluster;
use crate::command::{lookup, CommandSpec};
use crate::resp::Value;
use crate::time::Instant;
use crate::Cmd;

/// What the cache says about a command about to be sent.
pub(crate) enum Consult {
    /// Answer it with this.
    Hit(Value),
    /// Send it; its reply may fill the cache.
    Miss(CacheFill),
    /// Send it; the cache has nothing to do with it.
    Pass,
}

/// A read whose reply may fill the cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CacheFill {
    /// Taken when the read was submitted.
    ticket: Ticket,
    /// The key's place among the command's arguments.
    key_at: usize,
    slot: u16,
}

/// Drop from `cache` what `cmd` (its keys at `positions`) may write: its keys; everything
/// for a write without keys or a command the table does not know.
fn drop_what_it_writes(
    cache: &mut Cache,
    cmd: &Cmd,
    spec: Option<&'static CommandSpec>,
    positions: &[usize],
) {
    let Some(spec) = spec else {
        return cache.invalidate_all();
    };
    if spec.is_readonly() {
        return;
    }
    if spec.is_write() && positions.is_empty() {
        cache.invalidate_all();
    }
    for &at in positions {
        if let Some(key) = cmd.get(at) {
            cache.invalidate_key(key);
        }
    }
}

/// Whether a reply to `spec`'s command may be cached (it still needs exactly one key).
fn cacheable(spec: &CommandSpec) -> bool {
    spec.is_readonly()
        && !spec.is_blocking()
        && !spec.is_nondeterministic_output()
        && !spec.has_movable_keys()
}

impl<T, S, P> Cluster<T, S, P> {
    /// Consult the cache for `cmd`, just routed (its key positions are in `self.scratch`),
    /// and drop what this client's own write will change.
    pub(crate) fn consult_cache(
        &mut self,
        cmd: &Cmd,
        spec: Option<&'static CommandSpec>,
        slot: Option<u16>,
        now: Instant,
    ) -> Consult {
        let Some(spec) = spec.filter(|s| s.is_readonly()) else {
            self.note_own_write(cmd, spec);
            return Consult::Pass;
        };
        let Some(cache) = &mut self.cache else {
            return Consult::Pass;
        };
        let (&[key_at], Some(slot)) = (self.scratch.as_slice(), slot) else {
            return Consult::Pass;
        };
        let Some(key) = cmd.get(key_at).filter(|_| cacheable(spec)) else {
            return Consult::Pass;
        };
        match cache.lookup(key, cmd, now) {
            Some(value) => Consult::Hit(value),
            None => Consult::Miss(CacheFill {
                ticket: cache.ticket(),
                key_at,
                slot,
            }),
        }
    }

    /// `cmd`, just routed (its key positions are in `self.scratch`), is about to be sent: if
    /// it may write, drop what it will change, so that this client reads its own writes
    /// before the server's push arrives. A command the table does not know may write
    /// anything; so may a write without keys (`FLUSHALL`, `SWAPDB`).
    pub(crate) fn note_own_write(&mut self, cmd: &Cmd, spec: Option<&'static CommandSpec>) {
        if let Some(cache) = &mut self.cache {
            drop_what_it_writes(cache, cmd, spec, self.scratch.as_slice());
        }
    }

    /// The job `job` was answered: if it is one of this client's writes, drop what it
    /// names once more. A read sent after the write and answered before it ran (by a node
    /// that had not seen it yet: a deposed primary, a replica) may have filled the cache in
    /// between; after this, no read the caller makes once it holds the write's reply is
    /// answered with what the write replaced.
    pub(crate) fn cache_after_own_write(&mut self, job: Key) {
        let (Some(cache), Some(j)) = (&mut self.cache, self.requests.jobs.get(job)) else {
            return;
        };
        // Reads (every cacheable one among them) change nothing: only a write is routed
        // again, to find the keys its job does not keep.
        if j.retry_safe {
            return;
        }
        let cmds = match &j.payload {
            Payload::Command(cmd) => core::slice::from_ref(cmd),
            Payload::Transaction(cmds) => cmds.as_slice(),
        };
        for cmd in cmds {
            let spec = match route(cmd, &mut self.scratch) {
                Ok(routed) => routed.spec,
                // Sent to a node whatever its keys' slots: the positions are still found.
                Err(crate::cluster::Error::CrossSlot) => lookup(cmd),
                Err(_) => continue,
            };
            drop_what_it_writes(cache, cmd, spec, self.scratch.as_slice());
        }
    }

    /// The reply `value` (`wire` bytes) to the job `job`, read on `conn`: keep it if it may be.
    pub(crate) fn fill_cache(
        &mut self,
        conn: Key,
        job: Key,
        value: &Value,
        wire: usize,
        now: Instant,
    ) {
        let Some(cache) = &mut self.cache else {
            return;
        };
        let Some(j) = self.requests.jobs.get(job) else {
            return;
        };
        let (Some(fill), Payload::Command(cmd)) = (j.cache_fill, &j.payload) else {
            return;
        };
        let (Some(c), Some(key)) = (self.conns.get(conn), cmd.get(fill.key_at)) else {
            return;
        };
        let (Some(node), true) = (c.node, c.tracking) else {
            return cache.refuse_fill();
        };
        let origin = Origin {
            conn,
            node,
            slot: fill.slot,
            owner: self.routing.slots[usize::from(fill.slot)],
        };
        cache.fill(key, cmd, value, wire, origin, fill.ticket, now);
    }

    /// An `invalidate` push on `conn`: the keys it names, or (none) everything read there.
    pub(crate) fn on_invalidate(&mut self, conn: Key, keys: Option<&Value>) {
        let Some(cache) = &mut self.cache else {
            return;
        };
        match keys.and_then(Value::as_slice) {
            Some(keys) => {
                for key in keys.iter().filter_map(Value::as_bytes) {
                    cache.invalidate_key(key);
                }
            }
            None => cache.invalidate_conn(conn),
        }
    }

    /// `conn` is gone, and the invalidations it would have carried with it.
    pub(crate) fn cache_lost_conn(&mut self, conn: Key) {
        if let Some(cache) = &mut self.cache {
            cache.invalidate_conn(conn);
        }
    }

    /// A redirect said `slot` moved or is moving.
    pub(crate) fn cache_slot_moved(&mut self, slot: u16) {
        if let Some(cache) = &mut self.cache {
            cache.invalidate_slot(slot);
        }
    }

    /// A new view took effect (the slot table is rebuilt): keep what was read from a node
    /// that is still the slot's primary, or still a replica of it.
    pub(crate) fn cache_after_new_view(&mut self) {
        let Some(cache) = &mut self.cache else {
            return;
        };
        let Some(topology) = &self.routing.topology else {
            return cache.invalidate_all();
        };
        let index = |addr| self.routing.node_index.get(addr).copied();
        // (node, the primary it serves or is) for every node of the view.
        let mut serves: Vec<(usize, u32)> = Vec::new();
        for shard in topology.shards() {
            let Some(primary) = shard.primary.as_ref().and_then(|p| index(&p.addr)) else {
                continue;
            };
            serves.push((primary, primary as u32));
            for replica in &shard.replicas {
                if let Some(r) = index(&replica.addr) {
                    serves.push((r, primary as u32));
                }
            }
        }
        let slots = &self.routing.slots;
        cache.invalidate_unless(|o| {
            slots[usize::from(o.slot)] == o.owner && serves.contains(&(o.node, o.owner))
        });
    }
}
