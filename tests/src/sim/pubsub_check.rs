//! The pub/sub scenario: the client under test subscribes to a few shard channels, the world
//! publishes numbered messages on them throughout the faults, and the checker holds the
//! client to what Redis pub/sub can promise.
//!
//! Pub/sub keeps nothing and carries no ids, so "every message" can only mean every message
//! a confirmed subscription was sent. The checker therefore follows bytes, not time: for each
//! connection it knows the offset at which each server frame ends and how many bytes the
//! client has read, so it knows exactly which confirmation a `Subscribed` output stands for
//! and which messages arrived while the client held it. It checks:
//!
//! - **(a) at most once**: no message number is delivered twice on a channel;
//! - **(b) no silent loss**: from the confirmation a `Subscribed` stands for until the
//!   client's next `Resubscribing`, every message the server sent on that connection and the
//!   client read is delivered, in order, and nothing else is (not from another connection,
//!   not one the server never sent there); and a server's own `sunsubscribe`, once read, is
//!   reported as a loss at once;
//! - **(c) liveness**: once the cluster is quiet, within [`PUBSUB_LIVE_AFTER`] every channel is
//!   confirmed, server side too, on the primary that truly owns its slot.
//!
//! Messages published while no placement could receive them are the gaps pub/sub has by
//! nature; they are counted, split into those during a gap the client reported (it was not
//! confirmed when they were published), those in flight when a placement was lost, and those
//! published while the client held a placement on a node that no longer received its slot's
//! messages and had not said so; along with the gap lengths the client reported.

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;
use keyslot_core::cluster::{PubSub, SubscriptionKind};
use keyslot_core::key_slot;
use keyslot_core::time::{Duration, Instant};

use super::clock::us;
use super::pubsub_server::Note;
use super::rng::Rng;
use super::trace::Line;
use super::world::{Ev, Phase, World};

/// Mixed into the seed for the publisher's own random stream (no other stream changes).
const PUBSUB_SALT: u64 = 0x7075_6273_7562_2121;
/// Within this much of the cluster going quiet, every subscription is on its true owner.
pub const PUBSUB_LIVE_AFTER: Duration = Duration::from_secs(10);
/// Mean gap between publications (microseconds).
const PUBLISH_EVERY_US: u64 = 20_000;
/// Messages published this close to the end of the run may still be in flight.
const IN_FLIGHT_AT_END: Duration = Duration::from_secs(1);

/// What the pub/sub scenario measured.
#[derive(Clone, Debug, Default)]
pub struct PubSubStats {
    /// Messages published (the slot's owner was up to take them).
    pub published: u64,
    /// Publications that found the owner down (not published).
    pub unpublished: u64,
    /// Messages delivered to the client.
    pub delivered: u64,
    /// Undelivered, published while the client had reported the subscription lost.
    pub missed_reported: u64,
    /// Undelivered, published while the client held a confirmed subscription: sent on it
    /// but not yet read when the placement was lost (in flight at a loss).
    pub missed_in_flight: u64,
    /// Undelivered, published while the client held a confirmed subscription on a node that
    /// no longer received the slot's messages and had not said so (a demoted primary cut
    /// off from the cluster keeps its subscribers, as Redis does).
    pub missed_stale: u64,
    /// Confirmations.
    pub subscribed: u64,
    /// Losses the client reported.
    pub resubscribes: u64,
    /// The gaps the client reported on reconfirmation (microseconds).
    pub gaps_us: Vec<u64>,
    /// From quiet to every subscription on its true owner (microseconds).
    pub settle_us: Option<u64>,
}

impl PubSubStats {
    /// Add another run's numbers.
    pub fn add(&mut self, o: &PubSubStats) {
        self.published += o.published;
        self.unpublished += o.unpublished;
        self.delivered += o.delivered;
        self.missed_reported += o.missed_reported;
        self.missed_in_flight += o.missed_in_flight;
        self.missed_stale += o.missed_stale;
        self.subscribed += o.subscribed;
        self.resubscribes += o.resubscribes;
        self.gaps_us.extend(o.gaps_us.iter().copied());
        self.settle_us = self.settle_us.max(o.settle_us);
    }

    /// One paragraph.
    pub fn summary(&self) -> String {
        let mut gaps = self.gaps_us.clone();
        gaps.sort_unstable();
        let pct = |p: usize| {
            gaps.get((gaps.len().max(1) - 1) * p / 100)
                .map_or("-".into(), |&g| format!("{:.3}s", g as f64 / 1e6))
        };
        format!(
            "pub/sub: {} published ({} found the owner down), {} delivered, missed {} during \
             reported gaps, {} in flight at a loss and {} on a stale placement; {} \
             confirmations, {} losses reported; reported gaps n={} p50 {} p90 {} p99 {} max {}; \
             all on their true owner at most {} after quiet",
            self.published,
            self.unpublished,
            self.delivered,
            self.missed_reported,
            self.missed_in_flight,
            self.missed_stale,
            self.subscribed,
            self.resubscribes,
            gaps.len(),
            pct(50),
            pct(90),
            pct(99),
            pct(100),
            self.settle_us
                .map_or("-".into(), |u| format!("{:.3}s", u as f64 / 1e6)),
        )
    }
}

/// A confirmed placement as the checker follows it.
#[derive(Debug)]
struct Placed {
    conn: u64,
    /// Where the confirmation it stands for ends in the connection's byte stream.
    conf_end: u64,
    /// Index of the next expected message in the server's list for `(conn, channel)`.
    next: usize,
}

/// One channel.
#[derive(Debug, Default)]
struct Chan {
    placed: Option<Placed>,
    delivered: BTreeSet<u64>,
    /// Message, when published, and the connection of the placement the client held then.
    published: Vec<(u64, Instant, Option<u64>)>,
}

/// The scenario's state, in [`World::pubsub`].
#[derive(Debug)]
pub struct PubSubSim {
    channels: Vec<Bytes>,
    rng: Rng,
    next_msg: u64,
    /// Bytes each connection's server side sent, and its client read.
    sent: BTreeMap<u64, u64>,
    read: BTreeMap<u64, u64>,
    /// The read being processed: connection, offset before, offset after.
    reading: Option<(u64, u64, u64)>,
    /// Server frames by `(conn, channel)`: confirmation end offsets, (end offset, message).
    confirms: BTreeMap<(u64, Bytes), Vec<u64>>,
    messages: BTreeMap<(u64, Bytes), Vec<(u64, u64)>>,
    /// The server's own `sunsubscribe`s by `(conn, channel)`: end offsets.
    drops: BTreeMap<(u64, Bytes), Vec<u64>>,
    chans: BTreeMap<Bytes, Chan>,
    /// What it measured.
    pub stats: PubSubStats,
}

fn name(b: &Bytes) -> String {
    String::from_utf8_lossy(b).into_owned()
}

impl World {
    /// Turn this run into a pub/sub run: the client subscribes to a shard channel on each
    /// of (up to) four of the workload's hash tags — migrations pick those slots most — and
    /// the world publishes on them until the run drains.
    pub fn enable_pubsub(&mut self) {
        let channels: Vec<Bytes> = self
            .work
            .tags
            .iter()
            .take(4)
            .map(|t| Bytes::from(format!("{{{t}}}news")))
            .collect();
        let chans = channels
            .iter()
            .map(|c| (c.clone(), Chan::default()))
            .collect();
        self.pubsub = Some(Box::new(PubSubSim {
            channels: channels.clone(),
            rng: Rng::new(self.seed ^ PUBSUB_SALT),
            next_msg: 1,
            sent: BTreeMap::new(),
            read: BTreeMap::new(),
            reading: None,
            confirms: BTreeMap::new(),
            messages: BTreeMap::new(),
            drops: BTreeMap::new(),
            chans,
            stats: PubSubStats::default(),
        }));
        self.client
            .subscribe(SubscriptionKind::Shard, channels, (), self.now);
        self.drain();
        self.sched.after(self.now, us(50_000), Ev::Publish);
    }

    /// The server side of `conn` sent `len` bytes (a reply batch or a push).
    pub fn pubsub_sent_bytes(&mut self, conn: u64, len: usize) {
        if let Some(ps) = self.pubsub.as_mut() {
            *ps.sent.entry(conn).or_default() += len as u64;
        }
    }

    /// A pub/sub frame ending `end_in_batch` bytes into the batch about to be sent on `conn`.
    pub fn pubsub_note_sent(&mut self, conn: u64, end_in_batch: usize, note: Note) {
        let Some(ps) = self.pubsub.as_mut() else {
            return;
        };
        let end = ps.sent.get(&conn).copied().unwrap_or(0) + end_in_batch as u64;
        match note {
            Note::Confirm(ch) => ps.confirms.entry((conn, ch)).or_default().push(end),
            Note::Message(ch, payload) => {
                let m = std::str::from_utf8(&payload)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                ps.messages.entry((conn, ch)).or_default().push((end, m));
            }
            Note::Drop(ch) => ps.drops.entry((conn, ch)).or_default().push(end),
        }
    }

    /// The client is about to read `len` bytes of `conn` (`None` when done with them).
    pub fn pubsub_reading(&mut self, read: Option<(u64, usize)>) {
        let Some(ps) = self.pubsub.as_mut() else {
            return;
        };
        if read.is_none() {
            if let Some(e) = ps.unreported_drop() {
                self.violation(format!("pub/sub: {e}"));
            }
            if let Some(ps) = self.pubsub.as_mut() {
                ps.reading = None;
            }
            return;
        }
        ps.reading = read.map(|(conn, len)| {
            let before = ps.read.get(&conn).copied().unwrap_or(0);
            ps.read.insert(conn, before + len as u64);
            (conn, before, before + len as u64)
        });
    }

    /// Publish the next message on a random channel, on the primary that truly owns its slot.
    pub fn on_publish(&mut self) {
        if matches!(self.phase, Phase::Draining | Phase::Done) {
            return;
        }
        let Some(ps) = self.pubsub.as_mut() else {
            return;
        };
        let ch = ps.channels[ps.rng.index(ps.channels.len())].clone();
        let gap = ps.rng.exp(PUBLISH_EVERY_US).max(1);
        let m = ps.next_msg;
        ps.next_msg += 1;
        self.sched.after(self.now, us(gap), Ev::Publish);
        let slot = key_slot(&ch);
        let owner = self.c.true_owner(slot).map(|s| self.c.shards[s].primary);
        let up =
            owner.filter(|&p| self.c.nodes[p].running() && self.shard_serving(p, slot) == Ok(p));
        let Some(p) = up else {
            if let Some(ps) = self.pubsub.as_mut() {
                ps.stats.unpublished += 1;
            }
            return;
        };
        let now = self.now;
        if let Some(ps) = self.pubsub.as_mut() {
            ps.stats.published += 1;
            if let Some(c) = ps.chans.get_mut(&ch) {
                c.published
                    .push((m, now, c.placed.as_ref().map(|p| p.conn)));
            }
        }
        self.trace.mix_u64(m);
        self.publish_shard(p, &ch, &Bytes::from(m.to_string()), None);
    }

    /// A pub/sub output of the client.
    pub fn on_pubsub_output(&mut self, out: PubSub) {
        let Some(mut ps) = self.pubsub.take() else {
            return;
        };
        let line = format!(
            "pubsub {out:?} (reading conn {:?})",
            ps.reading.map(|r| r.0)
        );
        self.trace.mix(line.as_bytes());
        if self.trace.keep_ring {
            self.trace.note(self.now, Line::Text(line));
        }
        if let Err(e) = ps.observe(out) {
            let reading = ps.reading;
            self.violation(format!("pub/sub: {e} (reading {reading:?})"));
        }
        self.pubsub = Some(ps);
    }

    /// Every channel confirmed, client and server side, on its slot's true primary.
    fn pubsub_settled(&self) -> bool {
        let Some(ps) = &self.pubsub else {
            return true;
        };
        ps.chans.iter().all(|(ch, c)| {
            let Some(p) = &c.placed else {
                return false;
            };
            let owner = self
                .c
                .true_owner(key_slot(ch))
                .map(|s| self.c.shards[s].primary);
            self.net
                .sessions
                .get(&p.conn)
                .is_some_and(|s| Some(s.node) == owner && s.subs.shard.contains_key(ch))
        })
    }

    /// After each step: the liveness bound of the quiet phase.
    pub fn pubsub_step(&mut self) {
        if self.pubsub.is_none() || self.phase != Phase::Quiet {
            return;
        }
        let Some(quiet) = self.stats.quiet_at else {
            return;
        };
        if self
            .pubsub
            .as_ref()
            .is_some_and(|p| p.stats.settle_us.is_some())
        {
            return;
        }
        if self.pubsub_settled() {
            let us = (self.now - quiet).as_micros();
            if let Some(ps) = self.pubsub.as_mut() {
                ps.stats.settle_us = Some(us);
            }
        } else if self.now > quiet + PUBSUB_LIVE_AFTER {
            let state = self.pubsub_state();
            self.violation(format!(
                "pub/sub: {}s after the cluster went quiet not every subscription is confirmed \
                 on its slot's primary: {state}",
                PUBSUB_LIVE_AFTER.as_micros() / 1_000_000
            ));
        }
    }

    fn pubsub_state(&self) -> String {
        let Some(ps) = &self.pubsub else {
            return String::new();
        };
        let mut parts = Vec::new();
        for (ch, c) in &ps.chans {
            let owner = self
                .c
                .true_owner(key_slot(ch))
                .map(|s| self.c.shards[s].primary);
            let on = c.placed.as_ref().map(|p| {
                let sess = self.net.sessions.get(&p.conn);
                (
                    p.conn,
                    sess.map(|s| s.node),
                    sess.is_some_and(|s| s.subs.shard.contains_key(ch)),
                )
            });
            parts.push(format!(
                "{} (slot {}, owner n{owner:?}): client placement (conn, node, server has it) {on:?}",
                name(ch),
                key_slot(ch)
            ));
        }
        parts.join("; ")
    }

    /// At the end of the run: classify what was not delivered.
    pub fn pubsub_finish(&mut self) {
        let end = self.now;
        let Some(ps) = self.pubsub.as_mut() else {
            return;
        };
        let (mut reported, mut in_flight, mut stale) = (0, 0, 0);
        for (ch, c) in &ps.chans {
            for &(m, at, held) in &c.published {
                if c.delivered.contains(&m) || at + IN_FLIGHT_AT_END > end {
                    continue;
                }
                let Some(conn) = held else {
                    reported += 1;
                    continue;
                };
                let sent_there = ps
                    .messages
                    .get(&(conn, ch.clone()))
                    .is_some_and(|v| v.iter().any(|&(_, x)| x == m));
                if sent_there {
                    in_flight += 1;
                } else {
                    stale += 1;
                }
            }
        }
        ps.stats.missed_reported = reported;
        ps.stats.missed_in_flight = in_flight;
        ps.stats.missed_stale = stale;
        if self.failure.is_none() && self.phase == Phase::Done && ps.stats.settle_us.is_none() {
            let state = self.pubsub_state();
            self.violation(format!(
                "pub/sub: never settled on the true owners: {state}"
            ));
        }
    }

    /// Connections the client may hold for subscriptions beyond the usual bound: with RESP2
    /// one of their own per node (the core keeps it open once made). None in plain runs.
    pub fn pubsub_conn_allowance(&self) -> usize {
        if self.pubsub.is_some() {
            self.c.nodes.len()
        } else {
            0
        }
    }

    /// What the pub/sub scenario measured, if this was one.
    pub fn pubsub_stats(&self) -> Option<PubSubStats> {
        self.pubsub.as_ref().map(|p| p.stats.clone())
    }
}

impl PubSubSim {
    /// After a read: a channel the server took down on this connection (after the
    /// confirmation the client holds, within the bytes read) must no longer be held.
    fn unreported_drop(&self) -> Option<String> {
        let (conn, _, after) = self.reading?;
        self.chans.iter().find_map(|(ch, c)| {
            let p = c.placed.as_ref().filter(|p| p.conn == conn)?;
            let drops = self.drops.get(&(conn, ch.clone()))?;
            let at = drops.iter().find(|&&e| e > p.conf_end && e <= after)?;
            Some(format!(
                "(b) the server took {} down on conn {conn} (its sunsubscribe, read, ends at \
                 byte {at}) but the client still holds it as confirmed: no loss reported",
                name(ch)
            ))
        })
    }

    /// Check one output against what the servers sent (see the module docs).
    fn observe(&mut self, out: PubSub) -> Result<(), String> {
        match out {
            PubSub::Subscribed {
                kind: SubscriptionKind::Shard,
                channel,
                gap,
                ..
            } => {
                self.stats.subscribed += 1;
                if let Some(g) = gap {
                    self.stats.gaps_us.push(g.as_micros());
                }
                let (conn, before, after) = self
                    .reading
                    .ok_or_else(|| format!("{} confirmed outside a read", name(&channel)))?;
                let key = (conn, channel.clone());
                let conf = self
                    .confirms
                    .get(&key)
                    .and_then(|v| v.iter().copied().find(|&e| e > before && e <= after))
                    .ok_or_else(|| {
                        format!(
                            "{} reported confirmed on conn {conn} without a server confirmation \
                             in the bytes just read",
                            name(&channel)
                        )
                    })?;
                let next = self
                    .messages
                    .get(&key)
                    .map_or(0, |v| v.iter().take_while(|&&(e, _)| e <= conf).count());
                let c = self.chans.entry(channel.clone()).or_default();
                if let Some(p) = &c.placed {
                    return Err(format!(
                        "{} confirmed on conn {conn} while still confirmed on conn {}",
                        name(&channel),
                        p.conn
                    ));
                }
                c.placed = Some(Placed {
                    conn,
                    conf_end: conf,
                    next,
                });
                Ok(())
            }
            PubSub::Message {
                kind: SubscriptionKind::Shard,
                channel,
                payload,
                ..
            } => {
                let m: u64 = std::str::from_utf8(&payload)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| format!("message with a foreign payload {payload:?}"))?;
                let (conn, _, _) = self
                    .reading
                    .ok_or_else(|| format!("message {m} delivered outside a read"))?;
                let sent = self
                    .messages
                    .get(&(conn, channel.clone()))
                    .cloned()
                    .unwrap_or_default();
                let c = self.chans.entry(channel.clone()).or_default();
                if !c.delivered.insert(m) {
                    return Err(format!(
                        "(a) message {m} on {} delivered twice",
                        name(&channel)
                    ));
                }
                self.stats.delivered += 1;
                let Some(p) = c.placed.as_mut().filter(|p| p.conn == conn) else {
                    return Err(format!(
                        "message {m} on {} delivered from conn {conn}, not the confirmed placement {:?}",
                        name(&channel),
                        c.placed
                    ));
                };
                let at = sent[p.next.min(sent.len())..]
                    .iter()
                    .position(|&(_, x)| x == m)
                    .ok_or_else(|| {
                        format!(
                            "message {m} on {} was not sent on conn {conn} after the confirmation",
                            name(&channel)
                        )
                    })?;
                if at > 0 {
                    let skipped: Vec<u64> =
                        sent[p.next..p.next + at].iter().map(|&(_, x)| x).collect();
                    return Err(format!(
                        "(b) messages {skipped:?} on {} arrived on the confirmed placement (conn \
                         {conn}) but were not delivered; {m} was",
                        name(&channel)
                    ));
                }
                p.next += 1;
                Ok(())
            }
            PubSub::Resubscribing {
                kind: SubscriptionKind::Shard,
                channel,
                ..
            } => {
                self.stats.resubscribes += 1;
                let c = self.chans.entry(channel.clone()).or_default();
                let Some(p) = c.placed.take() else {
                    return Err(format!(
                        "{} reported lost while not confirmed",
                        name(&channel)
                    ));
                };
                // Frames already read before this read began must all have been delivered.
                let bound = match self.reading {
                    Some((conn, before, _)) if conn == p.conn => before,
                    _ => self.read.get(&p.conn).copied().unwrap_or(0),
                };
                let missed: Vec<u64> = self
                    .messages
                    .get(&(p.conn, channel.clone()))
                    .map(|v| {
                        v[p.next.min(v.len())..]
                            .iter()
                            .filter(|&&(e, _)| e <= bound)
                            .map(|&(_, m)| m)
                            .collect()
                    })
                    .unwrap_or_default();
                if !missed.is_empty() {
                    return Err(format!(
                        "(b) messages {missed:?} on {} were read on the confirmed placement \
                         (conn {}) before it was lost but never delivered",
                        name(&channel),
                        p.conn
                    ));
                }
                Ok(())
            }
            other => Err(format!("unexpected output {other:?}")),
        }
    }
}
