//! Pub/sub frames coming in: messages, confirmations, the server taking subscriptions down,
//! and refusals of `SSUBSCRIBE` (MOVED when the slot lives elsewhere).

use alloc::vec::Vec;
use bytes::Bytes;

use super::conn::Expect;
use super::membership::Destination;
use super::pubsub::{PubSub, SubscriptionKind};
use super::redirect::{classify, ErrorAction};
use super::slab::Key;
use super::{Cluster, RefreshTrigger};
use crate::resp::{Frame, Value};
use crate::time::Instant;

/// A string element of a pub/sub frame, sharing the frame's memory.
fn text_at(items: &[Value], i: usize) -> Option<Bytes> {
    match items.get(i)? {
        Value::BulkString(b) | Value::SimpleString(b) => Some(b.clone()),
        _ => None,
    }
}

impl<T, S, P> Cluster<T, S, P> {
    /// A RESP3 push frame, or any non-error reply on a RESP2 subscription connection.
    pub(crate) fn on_pubsub_frame(&mut self, conn: Key, frame: &Frame<'_>, now: Instant) {
        let value = frame.to_value();
        let Some(items) = value.as_slice() else {
            return;
        };
        let Some(name) = text_at(items, 0) else {
            return;
        };
        use SubscriptionKind::{Channel, Pattern, Shard};
        match &name[..] {
            b"message" => self.deliver(conn, Channel, text_at(items, 1), None, text_at(items, 2)),
            b"smessage" => self.deliver(conn, Shard, text_at(items, 1), None, text_at(items, 2)),
            b"pmessage" => {
                let pattern = text_at(items, 1);
                self.deliver(conn, Pattern, text_at(items, 2), pattern, text_at(items, 3))
            }
            b"subscribe" => self.confirmed(conn, Channel, text_at(items, 1), now),
            b"psubscribe" => self.confirmed(conn, Pattern, text_at(items, 1), now),
            b"ssubscribe" => self.confirmed(conn, Shard, text_at(items, 1), now),
            b"unsubscribe" => self.taken_down(conn, Channel, text_at(items, 1), now),
            b"punsubscribe" => self.taken_down(conn, Pattern, text_at(items, 1), now),
            b"sunsubscribe" => self.taken_down(conn, Shard, text_at(items, 1), now),
            b"invalidate" => self.on_invalidate(conn, items.get(1)),
            _ => {}
        }
    }

    /// A message is delivered when it comes through the subscription's confirmed placement;
    /// anything else (a placement being taken down, an unsubscribe racing the message) is
    /// dropped, so that nothing arrives twice.
    fn deliver(
        &mut self,
        conn: Key,
        kind: SubscriptionKind,
        channel: Option<Bytes>,
        pattern: Option<Bytes>,
        payload: Option<Bytes>,
    ) {
        let (Some(channel), Some(payload)) = (channel, payload) else {
            return;
        };
        let key = (kind, pattern.clone().unwrap_or_else(|| channel.clone()));
        let placed = self
            .pubsub
            .subs
            .get(&key)
            .is_some_and(|s| s.confirmed && s.conn == Some(conn));
        if placed {
            self.emit_pubsub(PubSub::Message {
                kind,
                channel,
                pattern,
                payload,
            });
        }
    }

    fn confirmed(
        &mut self,
        conn: Key,
        kind: SubscriptionKind,
        channel: Option<Bytes>,
        now: Instant,
    ) {
        let Some(c) = self.conns.get_mut(conn) else {
            return;
        };
        if let Some(front) = c.inflight.front_mut() {
            if let Expect::Subscribe { kind: k, remaining } = &mut front.expect {
                if *k == kind {
                    *remaining = remaining.saturating_sub(1);
                    if *remaining == 0 {
                        c.inflight.pop_front();
                    }
                }
            }
        }
        let addr = c.addr.clone();
        let Some(channel) = channel else {
            return;
        };
        let Some(sub) = self.pubsub.subs.get_mut(&(kind, channel.clone())) else {
            return;
        };
        if sub.conn != Some(conn) || sub.confirmed {
            return;
        }
        sub.confirmed = true;
        sub.attempts = 0;
        sub.not_before = None;
        let gap = sub.lost_at.take().map(|t| now - t);
        self.emit_pubsub(PubSub::Subscribed {
            kind,
            channel,
            addr,
            gap,
        });
    }

    /// The server dropped a subscription we still want (its slot moved away, the node was
    /// demoted): place it again at once; MOVED will say where if the view is stale.
    fn taken_down(
        &mut self,
        conn: Key,
        kind: SubscriptionKind,
        channel: Option<Bytes>,
        now: Instant,
    ) {
        let Some(channel) = channel else {
            return;
        };
        let ours = self
            .pubsub
            .subs
            .get(&(kind, channel.clone()))
            .is_some_and(|s| s.conn == Some(conn));
        if !ours {
            return; // the confirmation of our own unsubscribe
        }
        self.subscription_lost(kind, &channel, conn, now);
        if kind == SubscriptionKind::Shard {
            self.request_refresh(RefreshTrigger::Moved, now);
        }
        self.reconcile_subscriptions(now);
    }

    /// `(S|P)SUBSCRIBE` was answered with an error.
    pub(crate) fn on_subscribe_error(
        &mut self,
        conn: Key,
        kind: SubscriptionKind,
        text: &[u8],
        now: Instant,
    ) {
        let action = classify(text);
        // A MOVED to a node the machine may not connect to yet teaches nothing: the
        // subscription waits out a backoff while the view is asked again.
        let (moved_slot, followed) = match action {
            ErrorAction::Moved(r) => match self.learn_moved(conn, &r, now) {
                Destination::Node(_) => (Some(r.slot), true),
                Destination::Rediscover { .. } => {
                    self.request_refresh(RefreshTrigger::UnknownNode, now);
                    (Some(r.slot), false)
                }
            },
            _ => (None, false),
        };
        let affected: Vec<Bytes> = self
            .pubsub
            .subs
            .iter()
            .filter(|((k, channel), s)| {
                *k == kind
                    && s.conn == Some(conn)
                    && !s.confirmed
                    && moved_slot.is_none_or(|slot| crate::key_slot(channel) == slot)
            })
            .map(|((_, channel), _)| channel.clone())
            .collect();
        match action {
            ErrorAction::Auth | ErrorAction::Plain => {
                for channel in affected {
                    // Told to its holders, then dropped: a later subscriber asks anew.
                    self.emit_pubsub(PubSub::Refused {
                        kind,
                        channel: channel.clone(),
                        error: Bytes::copy_from_slice(text),
                    });
                    self.pubsub.subs.remove(&(kind, channel));
                }
            }
            _ => {
                let stale = matches!(
                    action,
                    ErrorAction::Demoted | ErrorAction::Unblocked | ErrorAction::Retry(_)
                );
                if stale {
                    self.request_refresh(RefreshTrigger::ClusterDown, now);
                }
                for channel in affected {
                    self.subscription_lost(kind, &channel, conn, now);
                    // A first MOVED names the new owner: go there at once. Anything else,
                    // or MOVED again (nodes that disagree), waits out a backoff.
                    self.delay_subscription(kind, &channel, followed, now);
                }
                self.reconcile_subscriptions(now);
            }
        }
    }
}
