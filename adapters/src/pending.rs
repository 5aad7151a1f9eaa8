//! A caller's wait for its reply, and the word to the driver when the caller stops waiting.
//!
//! An async caller gives up by dropping the future (a `timeout` around `send`, a `select`
//! that took another branch, a task aborted). The core must hear of it: an unsent command
//! is then withdrawn and never runs, and a blocking pop parked on the server is unblocked
//! before it takes an element nobody will read. Dropping the wait closes the reply channel
//! and sends [`Msg::Cancelled`], which wakes the driver; the driver then cancels, in the
//! core, every request whose caller has closed its channel (see `Driver::cancel_abandoned`).

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::sync::{mpsc, oneshot, OwnedSemaphorePermit};

use crate::driver::Msg;

/// The future of one request's reply (`R`: one result, or a pipeline's list).
pub(crate) struct PendingReply<'a, R> {
    rx: oneshot::Receiver<R>,
    driver: &'a mpsc::UnboundedSender<Msg>,
    answered: bool,
    /// The request's place among those in flight, given back with the wait.
    _permit: OwnedSemaphorePermit,
}

impl<'a, R> PendingReply<'a, R> {
    pub(crate) fn new(
        rx: oneshot::Receiver<R>,
        driver: &'a mpsc::UnboundedSender<Msg>,
        permit: OwnedSemaphorePermit,
    ) -> Self {
        PendingReply {
            rx,
            driver,
            answered: false,
            _permit: permit,
        }
    }
}

impl<R> Future for PendingReply<'_, R> {
    type Output = Result<R, oneshot::error::RecvError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let reply = ready!(Pin::new(&mut self.rx).poll(cx));
        self.answered = true;
        Poll::Ready(reply)
    }
}

impl<R> Drop for PendingReply<'_, R> {
    fn drop(&mut self) {
        if !self.answered {
            // Closed first, so the driver finds it closed when the message wakes it.
            self.rx.close();
            let _ = self.driver.send(Msg::Cancelled);
        }
    }
}
