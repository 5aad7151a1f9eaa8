//! Subscriptions as callers hold them.
//!
//! Each [`Subscription`] is a subscriber in the core (`Cluster::subscribe`), its item stream
//! the subscriber's token: the core counts who holds which channel, unsubscribes a channel
//! when its last holder leaves, hands every item to each holder, and tells a holder joining
//! a channel already confirmed that it is subscribed. Dropping a `Subscription` closes its
//! stream and wakes the driver, which has the core drop the subscribers whose stream is
//! closed.

use keyslot_core::cluster::PubSub;
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
    rx: mpsc::UnboundedReceiver<PubSub>,
    /// Weak: a subscription does not keep the client's driver running once every client
    /// handle is gone (its stream then ends).
    tx: mpsc::WeakUnboundedSender<Msg>,
}

impl Subscription {
    /// A new subscription's parts: its handle, and the item stream the driver gives the
    /// core as the subscriber's token.
    pub(crate) fn new(
        tx: mpsc::UnboundedSender<Msg>,
    ) -> (Subscription, mpsc::UnboundedSender<PubSub>) {
        let (items_tx, rx) = mpsc::unbounded_channel();
        let tx = tx.downgrade();
        (Subscription { rx, tx }, items_tx)
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
        // Closed first, so the driver finds it closed when the message wakes it.
        self.rx.close();
        if let Some(tx) = self.tx.upgrade() {
            let _ = tx.send(Msg::Unsubscribed);
        }
    }
}
