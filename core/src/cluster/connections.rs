//! The connections the machine holds, with what it keeps about them as a whole.
//!
//! Each connection's own state (its bytes to write, the replies it expects, its handshake)
//! is a [`Conn`] in a slab, reached by the key that is also its [`ConnId`](super::ConnId).
//! Beside them: the connections of departed nodes that are being drained (closed once
//! their last reply is read, see `membership.rs`), and when the stall check next runs (see
//! `stall.rs`). Keeping them in one place keeps one invariant true without every remover
//! having to remember it: only a live connection is ever listed as draining.

use alloc::vec::Vec;

use super::conn::Conn;
use super::slab::{Key, Slab};
use crate::time::Instant;

#[derive(Debug, Default)]
pub(crate) struct Connections {
    slab: Slab<Conn>,
    /// Connections of departed nodes, closed once their last reply is read; live ones only.
    draining: Vec<Key>,
    /// When the stall check runs next, while it is armed.
    pub(crate) stall_check_at: Option<Instant>,
}

impl Connections {
    pub(crate) fn insert(&mut self, conn: Conn) -> Key {
        self.slab.insert(conn)
    }

    pub(crate) fn get(&self, key: Key) -> Option<&Conn> {
        self.slab.get(key)
    }

    pub(crate) fn get_mut(&mut self, key: Key) -> Option<&mut Conn> {
        self.slab.get_mut(key)
    }

    /// Take a connection out; it is no longer draining either.
    pub(crate) fn remove(&mut self, key: Key) -> Option<Conn> {
        let conn = self.slab.remove(key)?;
        self.stop_draining(key);
        Some(conn)
    }

    pub(crate) fn len(&self) -> usize {
        self.slab.len()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (Key, &Conn)> {
        self.slab.iter()
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (Key, &mut Conn)> {
        self.slab.iter_mut()
    }

    /// Keep `key` until its last reply is read (a live connection of a departed node).
    pub(crate) fn drain(&mut self, key: Key) {
        if self.slab.get(key).is_some() && !self.draining.contains(&key) {
            self.draining.push(key);
        }
    }

    pub(crate) fn is_draining(&self, key: Key) -> bool {
        self.draining.contains(&key)
    }

    pub(crate) fn stop_draining(&mut self, key: Key) {
        self.draining.retain(|&k| k != key);
    }
}

#[cfg(test)]
mod tests {
    use super::Connections;
    use crate::cluster::conn::Conn;
    use crate::resp::Limits;
    use crate::topology::Addr;

    fn conn() -> Conn {
        Conn::new(
            Addr::new("10.0.0.1", 7000),
            Some(0),
            false,
            Limits::default(),
        )
    }

    #[test]
    fn a_removed_connection_is_no_longer_draining() {
        let mut conns = Connections::default();
        let (a, b) = (conns.insert(conn()), conns.insert(conn()));
        conns.drain(a);
        conns.drain(a);
        conns.drain(b);
        assert!(conns.is_draining(a) && conns.is_draining(b));
        assert!(conns.remove(a).is_some());
        assert!(!conns.is_draining(a), "only live connections drain");
        assert!(conns.is_draining(b));
        // The key of a removed connection cannot be listed again.
        conns.drain(a);
        assert!(!conns.is_draining(a));
        conns.stop_draining(b);
        assert!(!conns.is_draining(b));
        assert_eq!(conns.len(), 1);
    }
}
