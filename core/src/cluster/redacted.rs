//! Byte buffers whose `Debug` shows only their length.
//!
//! A connection's output buffer holds the handshake (`HELLO 3 AUTH user password`, `AUTH`)
//! until it is written, and its read buffer holds whatever the server sent; `{:?}` of a
//! [`Cluster`](super::Cluster), in a log line or a panic message, must show neither. The
//! wrapper dereferences to the buffer, so code that uses the buffer does not change.

use core::fmt;
use core::ops::{Deref, DerefMut};

/// A buffer printed as `<N bytes>`.
#[derive(Default)]
pub(crate) struct Redacted<T>(pub(crate) T);

impl<T: AsRef<[u8]>> fmt::Debug for Redacted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0.as_ref().len())
    }
}

impl<T> Deref for Redacted<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Redacted<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn debug_shows_the_length_only() {
        let mut buf = Redacted(Vec::new());
        buf.extend_from_slice(b"AUTH app hunter2");
        assert_eq!(alloc::format!("{buf:?}"), "<16 bytes>");
        assert_eq!(&buf[..4], b"AUTH");
    }
}
