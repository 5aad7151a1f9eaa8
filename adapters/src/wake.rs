//! Per-connection wakers: the driver polls only the sockets that asked for it.
//!
//! The driver is one task over many sockets. With the task's own waker, any socket becoming
//! ready would make the driver poll every socket again — a wasted read system call per idle
//! socket on runtimes that try the read first (async-io). Instead each connection is polled
//! with a waker of its own that marks the connection and then wakes the task; the driver
//! reads only marked connections.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Wake, Waker};

/// The driver's waker as every part of it sees it: each socket (through its [`ConnWake`]),
/// the submission channel, the timer. It forwards to the waker the driver was last polled
/// with, so whoever polls the driver next — a task, the blocking client's thread, or a
/// blocking caller driving it for its own request (see `lead.rs`) — is the one woken, without
/// any part being polled again to learn the new waker.
#[derive(Default)]
pub(crate) struct TaskWaker {
    current: Mutex<Option<Waker>>,
    /// Woken since [`TaskWaker::take_woken`] last looked.
    woken: AtomicBool,
}

impl TaskWaker {
    /// Remember the waker the driver was last polled with.
    pub(crate) fn register(&self, waker: &Waker) {
        if let Ok(mut slot) = self.current.lock() {
            if !slot.as_ref().is_some_and(|w| w.will_wake(waker)) {
                *slot = Some(waker.clone());
            }
        }
    }

    /// Whether anything woke the driver since the last call (and forget it).
    #[cfg(feature = "blocking")]
    pub(crate) fn take_woken(&self) -> bool {
        self.woken.swap(false, Ordering::AcqRel)
    }

    fn wake(&self) {
        self.woken.store(true, Ordering::Release);
        let waker = self.current.lock().ok().and_then(|slot| slot.clone());
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        TaskWaker::wake(&self);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        TaskWaker::wake(self);
    }
}

/// A connection's waker: marks the connection, then wakes the driver.
pub(crate) struct ConnWake {
    marked: AtomicBool,
    task: Arc<TaskWaker>,
}

impl ConnWake {
    /// A waker for a new connection, marked so that it is polled at once.
    pub(crate) fn new(task: Arc<TaskWaker>) -> Arc<ConnWake> {
        Arc::new(ConnWake {
            marked: AtomicBool::new(true),
            task,
        })
    }

    /// Whether the connection was marked since the last call (and unmark it).
    pub(crate) fn take_mark(&self) -> bool {
        self.marked.swap(false, Ordering::AcqRel)
    }

    /// Mark it again (more data may be waiting after a successful read).
    pub(crate) fn mark(&self) {
        self.marked.store(true, Ordering::Release);
    }
}

impl Wake for ConnWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.marked.store(true, Ordering::Release);
        TaskWaker::wake(&self.task);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    struct Count(AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn a_connection_wake_marks_it_and_wakes_the_task() {
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let task = Arc::new(TaskWaker::default());
        task.register(&Waker::from(count.clone()));
        let conn = ConnWake::new(task.clone());
        assert!(conn.take_mark(), "new connections are polled at once");
        assert!(!conn.take_mark());
        Waker::from(conn.clone()).wake_by_ref();
        assert!(conn.take_mark());
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
    }
}
