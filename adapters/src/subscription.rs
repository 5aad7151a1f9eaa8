//! Subscriptions as callers hold them, and the driver's register of who wants what.
//!
//! The core keeps one subscription per channel however many callers want it; the driver
//! counts the callers. A channel is subscribed in the core when its first [`Subscription`]
//! appears and unsubscribed when its last one is dropped, and every item of a channel is
//! handed to each of its holders. A holder that joins a channel already confirmed gets that
//! confirmation at once: the core, which holds the channel already, says nothing new.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use keyslot_core::cluster::{PubSub, SubscriptionKind};
use keyslot_core::topology::Addr;
use tokio::sync::mpsc;

use crate::driver::Msg;

/// A stream of a subscription's messages and state changes. Dropping it unsubscribes.
///
/// Items are [`PubSub`]: `Subscribed` first (and again, with the gap, whenever the
/// subscription had to be placed again after a failover or a slot migration), `Message`s,
/// `Resubscribing` when it is lost, `Refused` if the server will not have it.
///
/// Items wait in an unbounded queue until read: a subscriber that stops reading while
/// messages keep coming grows it without limit (Redis, by contrast, disconnects a subscriber
/// past `client-output-buffer-limit pubsub`). Read promptly, or drop the subscription.
///
/// ```no_run
/// # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
/// use keyslot::PubSub;
/// let mut alerts = client.subscribe(["alerts"])?;
/// while let Some(item) = alerts.next().await {
///     match item {
///         PubSub::Message { payload, .. } => println!("{payload:?}"),
///         PubSub::Resubscribing { addr, .. } => eprintln!("lost on {addr}, placing it again"),
///         _ => {}
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Subscription {
    id: u64,
    rx: mpsc::UnboundedReceiver<PubSub>,
    /// Weak: a subscription does not keep the client's driver running once every client
    /// handle is gone (its stream then ends).
    tx: mpsc::WeakUnboundedSender<Msg>,
}

impl Subscription {
    /// A new subscription's parts: its handle, and what the driver registers.
    pub(crate) fn new(
        tx: mpsc::UnboundedSender<Msg>,
    ) -> (Subscription, u64, mpsc::UnboundedSender<PubSub>) {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let (items_tx, rx) = mpsc::unbounded_channel();
        let tx = tx.downgrade();
        (Subscription { id, rx, tx }, id, items_tx)
    }

    /// The next item; `None` once every handle of the client is dropped (the subscription
    /// does not keep the client alive).
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
    /// let mut news = client.subscribe(["news"])?;
    /// let first = news.next().await; // `Subscribed` once the server confirms it
    /// # let _ = first; Ok(()) }
    /// ```
    pub async fn next(&mut self) -> Option<PubSub> {
        self.rx.recv().await
    }

    /// The next item if one is waiting.
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
    /// let mut news = client.subscribe(["news"])?;
    /// // Take whatever has arrived, without waiting.
    /// while let Some(item) = news.try_next() {
    ///     println!("{item:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn try_next(&mut self) -> Option<PubSub> {
        self.rx.try_recv().ok()
    }

    /// The next item, blocking the thread (for the blocking client; never inside an async
    /// task).
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
    /// let mut news = client.subscribe(["news"])?;
    /// // On a thread of its own, outside the async runtime.
    /// std::thread::spawn(move || {
    ///     while let Some(item) = news.blocking_next() {
    ///         println!("{item:?}");
    ///     }
    /// });
    /// # Ok(()) }
    /// ```
    pub fn blocking_next(&mut self) -> Option<PubSub> {
        self.rx.blocking_recv()
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(tx) = self.tx.upgrade() {
            let _ = tx.send(Msg::Unsubscribe(self.id));
        }
    }
}

struct Holder {
    kind: SubscriptionKind,
    channels: Vec<Bytes>,
    items: mpsc::UnboundedSender<PubSub>,
}

/// The driver's register of subscription holders.
#[derive(Default)]
pub(crate) struct Subscribers {
    holders: HashMap<u64, Holder>,
    by_channel: HashMap<(SubscriptionKind, Bytes), Vec<u64>>,
    /// Where each channel confirmed and not lost since is subscribed.
    confirmed: HashMap<(SubscriptionKind, Bytes), Addr>,
}

impl Subscribers {
    /// Register a holder; returns the channels nobody held before (to subscribe).
    pub(crate) fn add(
        &mut self,
        id: u64,
        kind: SubscriptionKind,
        mut channels: Vec<Bytes>,
        items: mpsc::UnboundedSender<PubSub>,
    ) -> Vec<Bytes> {
        // A channel named twice is held once (else each item would be handed over twice).
        channels.sort();
        channels.dedup();
        let mut new = Vec::new();
        for channel in &channels {
            let key = (kind, channel.clone());
            let ids = self.by_channel.entry(key.clone()).or_default();
            if ids.is_empty() {
                new.push(channel.clone());
            }
            ids.push(id);
            if let Some(addr) = self.confirmed.get(&key) {
                // Its first confirmation: no gap of its own to report.
                let _ = items.send(PubSub::Subscribed {
                    kind,
                    channel: channel.clone(),
                    addr: addr.clone(),
                    gap: None,
                });
            }
        }
        self.holders.insert(
            id,
            Holder {
                kind,
                channels,
                items,
            },
        );
        new
    }

    /// Forget a holder; returns its kind and the channels nobody holds any more.
    pub(crate) fn remove(&mut self, id: u64) -> Option<(SubscriptionKind, Vec<Bytes>)> {
        let holder = self.holders.remove(&id)?;
        let mut gone = Vec::new();
        for channel in holder.channels {
            let key = (holder.kind, channel);
            if let Some(ids) = self.by_channel.get_mut(&key) {
                ids.retain(|&i| i != id);
                if ids.is_empty() {
                    self.by_channel.remove(&key);
                    self.confirmed.remove(&key);
                    gone.push(key.1);
                }
            }
        }
        Some((holder.kind, gone))
    }

    /// Hand an item to every holder of its channel. Returns the holders whose stream was
    /// dropped meanwhile.
    pub(crate) fn deliver(&mut self, item: PubSub) -> Vec<u64> {
        let (kind, channel) = item.subscription();
        let key = (kind, channel.clone());
        match &item {
            // Only for a channel still held: a confirmation that arrives after its last
            // holder left (and the core was asked to unsubscribe) must not fool a later one.
            PubSub::Subscribed { addr, .. } if self.by_channel.contains_key(&key) => {
                self.confirmed.insert(key.clone(), addr.clone());
            }
            PubSub::Subscribed { .. } => {}
            PubSub::Resubscribing { .. } | PubSub::Refused { .. } => {
                self.confirmed.remove(&key);
            }
            PubSub::Message { .. } => {}
        }
        let refused = matches!(item, PubSub::Refused { .. });
        let ids = if refused {
            // The core dropped it; a later subscribe asks again.
            self.by_channel.remove(&key).unwrap_or_default()
        } else {
            self.by_channel.get(&key).cloned().unwrap_or_default()
        };
        let mut closed = Vec::new();
        for id in ids {
            if let Some(holder) = self.holders.get(&id) {
                if holder.items.send(item.clone()).is_err() {
                    closed.push(id);
                }
            }
        }
        closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyslot_core::topology::Addr;

    #[test]
    fn a_channel_named_twice_delivers_once() {
        let mut subscribers = Subscribers::default();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let a = Bytes::from_static(b"a");
        let new = subscribers.add(1, SubscriptionKind::Channel, vec![a.clone(), a.clone()], tx);
        assert_eq!(new, std::slice::from_ref(&a));
        subscribers.deliver(PubSub::Subscribed {
            kind: SubscriptionKind::Channel,
            channel: a.clone(),
            addr: Addr::new("h", 1),
            gap: None,
        });
        assert!(rx.try_recv().is_ok());
        assert!(rx.try_recv().is_err(), "delivered twice");
        assert_eq!(
            subscribers.remove(1),
            Some((SubscriptionKind::Channel, vec![a]))
        );
    }

    #[test]
    fn a_holder_joining_a_confirmed_channel_is_told_it_is_subscribed() {
        let mut subscribers = Subscribers::default();
        let a = Bytes::from_static(b"a");
        let (first, mut first_rx) = mpsc::unbounded_channel();
        subscribers.add(1, SubscriptionKind::Channel, vec![a.clone()], first);
        subscribers.deliver(PubSub::Subscribed {
            kind: SubscriptionKind::Channel,
            channel: a.clone(),
            addr: Addr::new("h", 1),
            gap: Some(keyslot_core::time::Duration::from_millis(3)),
        });
        assert!(first_rx.try_recv().is_ok());
        let (second, mut second_rx) = mpsc::unbounded_channel();
        let new = subscribers.add(2, SubscriptionKind::Channel, vec![a.clone()], second);
        assert!(new.is_empty(), "the core holds it already");
        assert!(matches!(
            second_rx.try_recv(),
            Ok(PubSub::Subscribed { gap: None, .. })
        ));
        assert!(
            first_rx.try_recv().is_err(),
            "the first holder hears nothing new"
        );
        // Lost: a holder joining now waits for the next confirmation.
        subscribers.deliver(PubSub::Resubscribing {
            kind: SubscriptionKind::Channel,
            channel: a.clone(),
            addr: Addr::new("h", 1),
        });
        let (third, mut third_rx) = mpsc::unbounded_channel();
        subscribers.add(3, SubscriptionKind::Channel, vec![a], third);
        assert!(third_rx.try_recv().is_err());
    }

    /// A holder left while its confirmation was on the way: the late confirmation is not
    /// kept, so the next holder waits for its own subscription to be confirmed.
    #[test]
    fn a_confirmation_arriving_after_the_last_holder_left_is_not_kept() {
        let mut subscribers = Subscribers::default();
        let y = Bytes::from_static(b"y");
        let (first, _first_rx) = mpsc::unbounded_channel();
        subscribers.add(1, SubscriptionKind::Channel, vec![y.clone()], first);
        assert_eq!(
            subscribers.remove(1),
            Some((SubscriptionKind::Channel, vec![y.clone()]))
        );
        subscribers.deliver(PubSub::Subscribed {
            kind: SubscriptionKind::Channel,
            channel: y.clone(),
            addr: Addr::new("h", 1),
            gap: None,
        });
        let (second, mut second_rx) = mpsc::unbounded_channel();
        let new = subscribers.add(2, SubscriptionKind::Channel, vec![y.clone()], second);
        assert_eq!(new, vec![y], "subscribed anew");
        assert!(
            second_rx.try_recv().is_err(),
            "not told it is subscribed before the server says so"
        );
    }
}
