//! The blocking client's driver, driven by whichever thread needs it (leader/follower).
//!
//! A blocking call that finds nobody driving takes the driver and runs it on its own thread
//! until its reply is in: its request goes into the core, out on the socket, and its reply
//! back, with no word to another thread. A call that finds the driver taken hands its
//! request over the channel and waits; whoever drives serves it. When no caller is inside,
//! the driver's own thread runs it — timers, subscriptions, the replies of callers that
//! waited — woken through the driver's forwarding waker (`wake.rs`), which always wakes
//! whoever polled last.
//!
//! A leader that leaves hands the waker back to the driver's thread, and wakes it when
//! something happened since its last poll (that event woke the leader, who is gone), so no
//! wake-up is lost between them.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::Thread;

use keyslot_core::cluster::Reply;
use tokio::sync::oneshot;

use crate::blocking::Blocking;
use crate::driver::{Driver, Msg};

/// The driver, and the thread that runs it when no caller does.
pub(crate) struct Lead {
    /// `None` once the driver has finished.
    driver: Mutex<Option<Driver<Blocking>>>,
    /// Wakes the driver's thread.
    home: Waker,
}

impl std::fmt::Debug for Lead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lead").finish_non_exhaustive()
    }
}

/// Unparks a thread.
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

impl Lead {
    /// Start the driver's thread; callers lead through the returned handle.
    pub(crate) fn start(driver: Driver<Blocking>) -> std::io::Result<Arc<Lead>> {
        let (tx, rx) = std::sync::mpsc::channel::<Arc<Lead>>();
        let handle = std::thread::Builder::new()
            .name("keyslot-driver".into())
            .spawn(move || {
                if let Ok(lead) = rx.recv() {
                    lead.run_home();
                }
            })?;
        let lead = Arc::new(Lead {
            driver: Mutex::new(Some(driver)),
            home: Waker::from(Arc::new(Unpark(handle.thread().clone()))),
        });
        // The thread waits for its handle; it cannot fail to receive it while we hold `lead`.
        let _ = tx.send(lead.clone());
        Ok(lead)
    }

    /// The driver's own thread: poll whenever woken and nobody else drives.
    fn run_home(&self) {
        let mut cx = Context::from_waker(&self.home);
        loop {
            if let Ok(mut slot) = self.driver.try_lock() {
                let Some(driver) = slot.as_mut() else {
                    return;
                };
                if Pin::new(driver).poll(&mut cx).is_ready() {
                    *slot = None;
                    return;
                }
            }
            // Parked until woken; a leader that leaves wakes it when there is work.
            std::thread::park();
        }
    }

    /// Run `msg` and wait for its reply on `rx`, driving the driver on this thread when
    /// nobody else is (see the module docs). `None`: the driver is gone.
    pub(crate) fn call(
        &self,
        msg: Msg,
        tx: &tokio::sync::mpsc::UnboundedSender<Msg>,
        mut rx: oneshot::Receiver<Reply>,
    ) -> Option<Reply> {
        let Ok(mut slot) = self.driver.try_lock() else {
            // Someone drives: they serve this request too.
            tx.send(msg).ok()?;
            return rx.blocking_recv().ok();
        };
        let driver = slot.as_mut()?;
        driver.take_now(msg);
        let reply = async_io::block_on(std::future::poll_fn(|cx| {
            let _ = driver.task().take_woken();
            if Pin::new(&mut *driver).poll(cx).is_ready() {
                // Finished: nothing will answer any more.
                return Poll::Ready(None);
            }
            Pin::new(&mut rx).poll(cx).map(Result::ok)
        }));
        // Hand the waker back to the driver's thread; wake it if something woke us since our
        // last poll (we will not look at it).
        driver.task().register(&self.home);
        if driver.task().take_woken() {
            self.home.wake_by_ref();
        }
        drop(slot);
        reply
    }
}
