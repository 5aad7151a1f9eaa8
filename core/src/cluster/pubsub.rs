//! Subscriptions that follow the cluster: channels, patterns and shard channels.
//!
//! The machine keeps the set of subscriptions the caller wants and, for each, where it is
//! subscribed now. Whatever happens to the cluster, it *reconciles* the two: a subscription
//! that is not placed is sent to where it belongs, and one whose place is no longer right
//! is taken down and placed again. It belongs:
//!
//! - for a shard channel (`SSUBSCRIBE`), on the primary of the channel's slot — the only
//!   node that delivers `SPUBLISH`es of that slot;
//! - for a channel or a pattern, on one "home" primary chosen once: every node of a cluster
//!   relays every `PUBLISH`, so any live node will do, and it changes only when it dies.
//!
//! A placement is lost when its connection dies, when the server takes it down (Redis sends
//! an unprompted `sunsubscribe` when the slot moves away, or a failover demotes the node),
//! when `SSUBSCRIBE` is answered with MOVED, or when a new topology puts the slot elsewhere.
//! Each loss is reported ([`PubSub::Resubscribing`]) and each (re)confirmation carries how
//! long the subscription was down ([`PubSub::Subscribed`]): messages published in that gap
//! are not delivered (pub/sub keeps nothing), everything published after the confirmation is.
//!
//! Messages are taken only from a placement the server confirmed: a move takes the old
//! placement down first (the client could not tell a copy arriving through both from two
//! messages: pub/sub carries no ids), so a subscription's messages arrive at most once, in
//! the order its node delivered them.
//!
//! With RESP3, subscriptions share the node's multiplexed connection: confirmations and
//! messages are push frames, which never disturb the replies of other commands. A RESP2
//! connection in subscribed mode cannot run other commands, so with RESP2 each node gets one
//! extra connection for its subscriptions.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use bytes::Bytes;
use smallvec::SmallVec;

use super::backoff::backoff;
use super::conn::{ConnState, Expect};
use super::slab::{Key, Slab};
use super::timers::Timer;
use super::{Cluster, Output, RefreshTrigger, NO_NODE};
use crate::resp::Protocol;
use crate::time::{Duration, Instant};
use crate::topology::Addr;
use crate::Cmd;

/// The three kinds of subscription.
///
/// ```
/// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
/// # let now = Instant::from_micros(0);
/// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
/// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
/// # use keyslot_core::cluster::SubscriptionKind;
/// cluster.subscribe(SubscriptionKind::Channel, vec!["news".into()], (), now);
/// cluster.subscribe(SubscriptionKind::Pattern, vec!["news".into()], (), now); // another one
/// cluster.subscribe(SubscriptionKind::Channel, vec!["news".into()], (), now); // the same again
/// assert_eq!(cluster.subscription_count(), 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SubscriptionKind {
    /// `SUBSCRIBE`: a channel, published with `PUBLISH`.
    Channel,
    /// `PSUBSCRIBE`: a glob pattern over channel names.
    Pattern,
    /// `SSUBSCRIBE`: a shard channel, published with `SPUBLISH` to its slot's shard.
    Shard,
}

impl SubscriptionKind {
    fn subscribe(self) -> &'static str {
        match self {
            SubscriptionKind::Channel => "SUBSCRIBE",
            SubscriptionKind::Pattern => "PSUBSCRIBE",
            SubscriptionKind::Shard => "SSUBSCRIBE",
        }
    }

    fn unsubscribe(self) -> &'static str {
        match self {
            SubscriptionKind::Channel => "UNSUBSCRIBE",
            SubscriptionKind::Pattern => "PUNSUBSCRIBE",
            SubscriptionKind::Shard => "SUNSUBSCRIBE",
        }
    }
}

/// What subscriptions produce, in [`Output::PubSub`].
///
/// ```
/// # use keyslot_core::{resp::Protocol, time::Instant, topology::Addr, Cluster, Cmd, Config};
/// # use keyslot_core::Output;
/// # let now = Instant::from_micros(0);
/// # let config = Config { protocol: Protocol::Resp2, ..Config::default() };
/// # let mut cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], now);
/// # use keyslot_core::resp::Value;
/// # let conn = loop {
/// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
/// # };
/// # cluster.handle_connected(conn, now);
/// # // The seed's CLUSTER SHARDS reply: one shard, every slot, its primary at 10.0.0.1:7000.
/// # const SHARDS: &[u8] = b"*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n\
/// # *1\r\n*6\r\n$8\r\nendpoint\r\n$8\r\n10.0.0.1\r\n$4\r\nport\r\n:7000\r\n$4\r\nrole\r\n\
/// # $6\r\nmaster\r\n";
/// # cluster.handle_data(conn, SHARDS, now);
/// # while !matches!(cluster.poll_output(), Output::Timeout(_)) {}
/// # cluster.handle_written(conn, cluster.transmit(conn).len());
/// # use keyslot_core::cluster::{PubSub, SubscriptionKind};
/// cluster.subscribe(SubscriptionKind::Channel, vec!["news".into()], (), now);
/// # let sub = loop {
/// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
/// # };
/// # cluster.handle_connected(sub, now);
/// # cluster.handle_written(sub, cluster.transmit(sub).len());
/// # while !matches!(cluster.poll_output(), Output::Timeout(_)) {}
/// // With RESP2 the subscription has a connection `sub` of its own; the server confirms it,
/// cluster.handle_data(sub, b"*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n", now);
/// let Output::PubSub { item: confirmed, .. } = cluster.poll_output() else { panic!() };
/// assert!(matches!(confirmed, PubSub::Subscribed { gap: None, .. }));
/// // then delivers what is published.
/// cluster.handle_data(sub, b"*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n", now);
/// let Output::PubSub { item: PubSub::Message { payload, .. }, .. } = cluster.poll_output()
/// else { panic!() };
/// assert_eq!(payload, "hi");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PubSub {
    /// A published message.
    Message {
        /// The kind of the subscription it came through.
        kind: SubscriptionKind,
        /// The channel it was published to.
        channel: Bytes,
        /// The pattern that matched, for [`SubscriptionKind::Pattern`].
        pattern: Option<Bytes>,
        /// The message.
        payload: Bytes,
    },
    /// The server confirmed a subscription: from now on its messages arrive.
    Subscribed {
        /// The kind.
        kind: SubscriptionKind,
        /// The channel or pattern.
        channel: Bytes,
        /// The node it is on.
        addr: Addr,
        /// How long it was down, for a subscription placed again after a loss.
        gap: Option<Duration>,
    },
    /// A subscription was lost (its node died, its slot moved); it is being placed again.
    Resubscribing {
        /// The kind.
        kind: SubscriptionKind,
        /// The channel or pattern.
        channel: Bytes,
        /// The node it was on.
        addr: Addr,
    },
    /// The server refused a subscription for good (permissions, an unknown command); it is
    /// dropped.
    Refused {
        /// The kind.
        kind: SubscriptionKind,
        /// The channel or pattern.
        channel: Bytes,
        /// The server's error.
        error: Bytes,
    },
}

impl PubSub {
    /// The subscription this item belongs to: its kind, and the channel or pattern that was
    /// subscribed (for a message through a pattern, the pattern, not the channel).
    ///
    /// ```
    /// use keyslot_core::cluster::{PubSub, SubscriptionKind};
    /// let message = PubSub::Message {
    ///     kind: SubscriptionKind::Pattern,
    ///     channel: "news.sport".into(),
    ///     pattern: Some("news.*".into()),
    ///     payload: "goal".into(),
    /// };
    /// let (kind, subscribed) = message.subscription();
    /// assert_eq!((kind, subscribed.as_ref()), (SubscriptionKind::Pattern, &b"news.*"[..]));
    /// ```
    pub fn subscription(&self) -> (SubscriptionKind, &Bytes) {
        match self {
            PubSub::Message {
                kind,
                channel,
                pattern,
                ..
            } => (*kind, pattern.as_ref().unwrap_or(channel)),
            PubSub::Subscribed { kind, channel, .. }
            | PubSub::Resubscribing { kind, channel, .. }
            | PubSub::Refused { kind, channel, .. } => (*kind, channel),
        }
    }
}

/// One wanted subscription and where it is placed.
#[derive(Debug, Default)]
pub(crate) struct Sub {
    /// The subscribers holding it: each gets its items; the last to leave unsubscribes.
    pub(crate) holders: SmallVec<[Key; 1]>,
    /// The connection it was sent on; `None` while it waits to be placed.
    pub(crate) conn: Option<Key>,
    pub(crate) confirmed: bool,
    /// When it was lost, for the gap reported on the next confirmation.
    pub(crate) lost_at: Option<Instant>,
    /// Placements refused in a row (MOVED, TRYAGAIN...): sets the backoff.
    pub(crate) attempts: u32,
    /// Not to be placed again before this.
    pub(crate) not_before: Option<Instant>,
}

/// Identifies a subscriber: what one [`Cluster::subscribe`] call holds, until
/// [`Cluster::unsubscribe`].
///
/// ```
/// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
/// # use keyslot_core::cluster::SubscriptionKind;
/// # let now = Instant::from_micros(0);
/// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
/// let mut cluster: Cluster<(), &str> = Cluster::new(Config::default(), seeds, now);
/// let alerts = cluster.subscribe(SubscriptionKind::Channel, vec!["alerts".into()], "pager", now);
/// let audit = cluster.subscribe(SubscriptionKind::Channel, vec!["alerts".into()], "audit", now);
/// assert_ne!(alerts, audit); // two subscribers...
/// assert_eq!(cluster.subscription_count(), 1); // ...of one subscription
/// assert_eq!(cluster.subscriber(alerts), Some(&"pager"));
/// # let _ = alerts.as_u64();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubscriberId(Key);

impl SubscriberId {
    /// A number that identifies the subscriber, for logs and maps.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # use keyslot_core::cluster::SubscriptionKind;
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// let first = cluster.subscribe(SubscriptionKind::Channel, vec!["a".into()], (), now);
    /// cluster.unsubscribe(first, now);
    /// let second = cluster.subscribe(SubscriptionKind::Channel, vec!["a".into()], (), now);
    /// assert_ne!(first.as_u64(), second.as_u64()); // never the same number twice
    /// ```
    pub fn as_u64(self) -> u64 {
        (u64::from(self.0.generation()) << 32) | u64::from(self.0.index())
    }
}

/// A subscriber: its channels, and its caller's token.
#[derive(Debug)]
pub(crate) struct Holder<S> {
    kind: SubscriptionKind,
    channels: Vec<Bytes>,
    token: S,
}

/// The machine's subscriptions.
#[derive(Debug)]
pub(crate) struct Subscriptions<S> {
    pub(crate) subs: BTreeMap<(SubscriptionKind, Bytes), Sub>,
    /// Who holds which subscriptions (see [`Sub::holders`]).
    pub(crate) holders: Slab<Holder<S>>,
    /// The node channel and pattern subscriptions live on.
    pub(crate) home: Option<usize>,
    /// A reconciliation timer is pending for this instant.
    pub(crate) wake_at: Option<Instant>,
}

impl<S> Default for Subscriptions<S> {
    fn default() -> Self {
        Subscriptions {
            subs: BTreeMap::new(),
            holders: Slab::default(),
            home: None,
            wake_at: None,
        }
    }
}

impl<S> Subscriptions<S> {
    /// The subscribers whose token `wanted` picks.
    pub(super) fn subscribers_where(
        &self,
        mut wanted: impl FnMut(&S) -> bool,
    ) -> Vec<SubscriberId> {
        let keys = self.holders.keys_where(|h| wanted(&h.token));
        keys.into_iter().map(SubscriberId).collect()
    }

    /// Subscriber `id`'s token, while it holds subscriptions.
    pub(super) fn token(&self, id: SubscriberId) -> Option<&S> {
        self.holders.get(id.0).map(|h| &h.token)
    }
}

impl<T, S, P> Cluster<T, S, P> {
    /// [`Cluster::subscribe`]'s work.
    pub(super) fn add_subscriber(
        &mut self,
        kind: SubscriptionKind,
        mut channels: Vec<Bytes>,
        token: S,
        now: Instant,
    ) -> SubscriberId {
        // A channel named twice is held once (else each item would be handed over twice).
        channels.sort();
        channels.dedup();
        let holder = self.pubsub.holders.insert(Holder {
            kind,
            channels: channels.clone(),
            token,
        });
        let id = SubscriberId(holder);
        for channel in channels {
            let sub = self.pubsub.subs.entry((kind, channel.clone())).or_default();
            sub.holders.push(holder);
            // Confirmed already: the server says nothing new, so the machine does.
            let confirmed_on = sub.conn.filter(|_| sub.confirmed);
            if let Some(addr) = confirmed_on
                .and_then(|c| self.conns.get(c))
                .map(|c| c.addr.clone())
            {
                let item = PubSub::Subscribed {
                    kind,
                    channel,
                    addr,
                    gap: None,
                };
                self.emit(Output::PubSub {
                    subscriber: id,
                    item,
                });
            }
        }
        self.reconcile_subscriptions(now);
        id
    }

    /// [`Cluster::unsubscribe`]'s work.
    pub(super) fn remove_subscriber(&mut self, id: SubscriberId, now: Instant) -> Option<S> {
        let holder = self.pubsub.holders.remove(id.0)?;
        let mut unheld = Vec::new();
        for channel in holder.channels {
            let key = (holder.kind, channel);
            if let Some(sub) = self.pubsub.subs.get_mut(&key) {
                sub.holders.retain(|h| *h != id.0);
                if sub.holders.is_empty() {
                    unheld.push(key.1);
                }
            }
        }
        if !unheld.is_empty() {
            self.drop_subscriptions(holder.kind, unheld, now);
        }
        Some(holder.token)
    }

    /// Drop subscriptions nobody holds any more; no more of their messages are delivered.
    fn drop_subscriptions(&mut self, kind: SubscriptionKind, channels: Vec<Bytes>, _now: Instant) {
        let mut by_conn: BTreeMap<Key, Vec<Bytes>> = BTreeMap::new();
        for channel in channels {
            if let Some(sub) = self.pubsub.subs.remove(&(kind, channel.clone())) {
                if let Some(conn) = sub.conn {
                    by_conn.entry(conn).or_default().push(channel);
                }
            }
        }
        for (conn, channels) in by_conn {
            // A RESP2 subscription connection left with nothing to carry is closed, which
            // unsubscribes it whole; any other gets UNSUBSCRIBE.
            let pubsub_only = self.conns.get(conn).is_some_and(|c| c.pubsub);
            let still_used = self.pubsub.subs.values().any(|s| s.conn == Some(conn));
            if pubsub_only && !still_used {
                self.retire_conn(conn);
            } else {
                self.send_unsubscribe(conn, kind, &channels);
            }
        }
    }

    /// The `(UN)SUBSCRIBE` confirmations are push frames: no reply is expected in the FIFO.
    pub(crate) fn send_unsubscribe(
        &mut self,
        conn: Key,
        kind: SubscriptionKind,
        channels: &[Bytes],
    ) {
        let Some(c) = self.conns.get_mut(conn) else {
            return;
        };
        if c.state != ConnState::Ready {
            return;
        }
        let mut cmd = Cmd::new(kind.unsubscribe());
        for channel in channels {
            cmd = cmd.arg(channel);
        }
        c.send_without_reply(|out| cmd.encode(out));
        self.signal_transmit(conn);
    }

    /// Place every subscription that waits, where it belongs now.
    pub(crate) fn reconcile_subscriptions(&mut self, now: Instant) {
        if self.pubsub.subs.is_empty() {
            return;
        }
        let waiting: Vec<(SubscriptionKind, Bytes, Option<Instant>)> = self
            .pubsub
            .subs
            .iter()
            .filter(|(_, s)| s.conn.is_none())
            .map(|((kind, channel), s)| (*kind, channel.clone(), s.not_before))
            .collect();
        // One command per connection, kind and (for shard channels) slot.
        let mut groups: BTreeMap<(Key, SubscriptionKind, u16), Vec<Bytes>> = BTreeMap::new();
        let mut wake: Option<Instant> = None;
        let mut need_view = false;
        for (kind, channel, not_before) in waiting {
            if let Some(at) = not_before.filter(|&t| t > now) {
                wake = Some(wake.map_or(at, |w| w.min(at)));
                continue;
            }
            let (node, slot) = match kind {
                SubscriptionKind::Shard => {
                    let slot = crate::key_slot(&channel);
                    let owner = self.routing.slots[slot as usize];
                    if owner == NO_NODE {
                        need_view = true;
                        continue;
                    }
                    (owner as usize, slot)
                }
                _ => match self.home_node(now) {
                    Some(node) => (node, 0),
                    None => {
                        need_view = true;
                        continue;
                    }
                },
            };
            if let Some(until) = self.routing.nodes[node].down_until.filter(|&t| t > now) {
                wake = Some(wake.map_or(until, |w| w.min(until)));
                continue;
            }
            let conn = self.subscription_conn(node, now);
            if self
                .conns
                .get(conn)
                .is_some_and(|c| c.state == ConnState::Ready)
            {
                groups.entry((conn, kind, slot)).or_default().push(channel);
            }
            // Otherwise the connection's handshake ends with another reconciliation.
        }
        for ((conn, kind, _), channels) in groups {
            let mut cmd = Cmd::new(kind.subscribe());
            for channel in &channels {
                cmd = cmd.arg(channel);
                if let Some(sub) = self.pubsub.subs.get_mut(&(kind, channel.clone())) {
                    sub.conn = Some(conn);
                    sub.confirmed = false;
                }
            }
            let Some(c) = self.conns.get_mut(conn) else {
                continue;
            };
            let remaining = u32::try_from(channels.len()).unwrap_or(u32::MAX);
            c.send(Expect::Subscribe { kind, remaining }, |out| cmd.encode(out));
            self.signal_transmit(conn);
        }
        if need_view {
            self.request_refresh(RefreshTrigger::UncoveredSlot, now);
        }
        if let Some(at) = wake {
            if self.pubsub.wake_at.is_none_or(|w| w <= now || w > at) {
                self.pubsub.wake_at = Some(at);
                self.timers.schedule(at, Timer::PubSub);
            }
        }
    }

    /// The pub/sub timer fired.
    pub(crate) fn pubsub_timer(&mut self, now: Instant) {
        if self.pubsub.wake_at.is_some_and(|w| w <= now) {
            self.pubsub.wake_at = None;
        }
        self.reconcile_subscriptions(now);
    }

    /// Where channel and pattern subscriptions live: the current home while it is a live,
    /// listed node; otherwise a primary, preferring one already connected.
    fn home_node(&mut self, now: Instant) -> Option<usize> {
        let alive = |cluster: &Self, n: usize| {
            cluster.routing.nodes[n].listed && !cluster.routing.nodes[n].is_down(now)
        };
        if let Some(home) = self.pubsub.home.filter(|&h| alive(self, h)) {
            return Some(home);
        }
        let connected = self
            .routing
            .primaries
            .iter()
            .copied()
            .find(|&p| alive(self, p) && self.routing.nodes[p].conn.is_some());
        let home = match connected {
            Some(p) => p,
            None => {
                let live: Vec<usize> = self
                    .routing
                    .primaries
                    .iter()
                    .copied()
                    .filter(|&p| alive(self, p))
                    .collect();
                if live.is_empty() {
                    return None;
                }
                live[self.rng.below(live.len())]
            }
        };
        self.pubsub.home = Some(home);
        Some(home)
    }

    /// The connection subscriptions to `node` use: the shared one with RESP3, one of their
    /// own with RESP2.
    fn subscription_conn(&mut self, node: usize, now: Instant) -> Key {
        let shared = self.conn_for(node, now);
        let shared_is_resp2 = self
            .conns
            .get(shared)
            .is_some_and(|c| c.state == ConnState::Ready && c.protocol == Protocol::Resp2);
        if self.config.protocol == Protocol::Resp3 && !shared_is_resp2 {
            return shared;
        }
        if let Some(conn) = self.routing.nodes[node].pubsub_conn {
            if self.conns.get(conn).is_some() {
                return conn;
            }
        }
        let addr = self.routing.nodes[node].addr.clone();
        let conn = self.open_conn(addr, Some(node), false, now);
        if let Some(c) = self.conns.get_mut(conn) {
            c.pubsub = true;
        }
        self.routing.nodes[node].pubsub_conn = Some(conn);
        conn
    }

    /// A new view of the cluster: subscriptions whose place changed move.
    pub(crate) fn move_misplaced_subscriptions(&mut self, now: Instant) {
        if self.pubsub.subs.is_empty() {
            return;
        }
        let home = self.pubsub.home;
        let mut misplaced: Vec<(SubscriptionKind, Bytes, Key)> = Vec::new();
        for ((kind, channel), sub) in &self.pubsub.subs {
            let Some(conn) = sub.conn else { continue };
            let Some(c) = self.conns.get(conn) else {
                // Its connection is being dropped (a rediscovery can finish inside the
                // drop): `subscriptions_on_lost_conn` reports and re-places it.
                continue;
            };
            let on = c.node;
            let belongs = match kind {
                SubscriptionKind::Shard => {
                    let owner = self.routing.slots[crate::key_slot(channel) as usize];
                    (owner != NO_NODE).then_some(owner as usize)
                }
                _ => home.filter(|&h| self.routing.nodes[h].listed),
            };
            if belongs.is_none() || on != belongs {
                misplaced.push((*kind, channel.clone(), conn));
            }
        }
        if home.is_some_and(|h| !self.routing.nodes[h].listed) {
            self.pubsub.home = None;
        }
        for (kind, channel, conn) in misplaced {
            self.send_unsubscribe(conn, kind, core::slice::from_ref(&channel));
            self.subscription_lost(kind, &channel, conn, now);
        }
        self.reconcile_subscriptions(now);
    }

    /// The subscription is no longer in place on `conn`: report it and wait for placement.
    pub(crate) fn subscription_lost(
        &mut self,
        kind: SubscriptionKind,
        channel: &Bytes,
        conn: Key,
        now: Instant,
    ) {
        let addr = self.conns.get(conn).map(|c| c.addr.clone());
        self.unplace(kind, channel, conn, addr, now);
    }

    /// A connection is going away: every subscription on it must be placed again. Called
    /// once the connection is forgotten, with its address.
    pub(crate) fn subscriptions_on_lost_conn(&mut self, conn: Key, addr: &Addr, now: Instant) {
        let on_conn: Vec<(SubscriptionKind, Bytes)> = self
            .pubsub
            .subs
            .iter()
            .filter(|(_, s)| s.conn == Some(conn))
            .map(|(k, _)| k.clone())
            .collect();
        for (kind, channel) in on_conn {
            self.unplace(kind, &channel, conn, Some(addr.clone()), now);
        }
    }

    /// Take a subscription off `conn`; a confirmed one counts as lost from `now` and is
    /// reported with the address it was on (when known).
    fn unplace(
        &mut self,
        kind: SubscriptionKind,
        channel: &Bytes,
        conn: Key,
        addr: Option<Addr>,
        now: Instant,
    ) {
        let Some(sub) = self.pubsub.subs.get_mut(&(kind, channel.clone())) else {
            return;
        };
        if sub.conn != Some(conn) {
            return;
        }
        sub.conn = None;
        if !core::mem::take(&mut sub.confirmed) {
            return; // a placement that never took: nothing was lost
        }
        sub.lost_at.get_or_insert(now);
        if let Some(addr) = addr {
            self.emit_pubsub(PubSub::Resubscribing {
                kind,
                channel: channel.clone(),
                addr,
            });
        }
    }

    /// Subscriptions waiting for placement after a refusal wait out a backoff (but for a
    /// first redirect, when `redirect` says so).
    pub(crate) fn delay_subscription(
        &mut self,
        kind: SubscriptionKind,
        channel: &Bytes,
        redirect: bool,
        now: Instant,
    ) {
        let Some(sub) = self.pubsub.subs.get_mut(&(kind, channel.clone())) else {
            return;
        };
        let attempt = sub.attempts;
        sub.attempts += 1;
        if redirect && attempt == 0 {
            return;
        }
        let delay = backoff(
            self.config.retry_base,
            self.config.retry_max,
            attempt,
            &mut self.rng,
        );
        sub.not_before = Some(now + delay);
    }

    /// Hand `item` to every subscriber holding its subscription.
    pub(crate) fn emit_pubsub(&mut self, item: PubSub) {
        let (kind, channel) = item.subscription();
        let Some(sub) = self.pubsub.subs.get(&(kind, channel.clone())) else {
            return;
        };
        let holders = sub.holders.clone();
        let Some((&last, others)) = holders.split_last() else {
            return;
        };
        for &holder in others {
            self.emit(Output::PubSub {
                subscriber: SubscriberId(holder),
                item: item.clone(),
            });
        }
        self.emit(Output::PubSub {
            subscriber: SubscriberId(last),
            item,
        });
    }
}
