//! A scratch directory per server, removed when dropped.
//!
//! Each `redis-server` gets a directory of its own for its log and (in cluster mode) its
//! `nodes.conf`, so parallel tests never share state. This is the small part of the `tempfile`
//! crate that the harness needs, in std alone.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A directory under the system temp dir, deleted with its contents on drop unless
/// [`TempDir::keep`] was called.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
    keep: bool,
}

impl TempDir {
    /// Create a fresh, empty directory whose name starts with `prefix`.
    pub fn new(prefix: &str) -> io::Result<TempDir> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let base = std::env::temp_dir();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        for _ in 0..100 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = base.join(format!("{prefix}-{}-{n}-{nanos:08x}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir { path, keep: false }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free temp dir name after 100 tries",
        ))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Leave the directory on disk when dropped (for a failed test's post-mortem).
    pub fn keep(&mut self) {
        self.keep = true;
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_dirs_removed_on_drop_unless_kept() {
        let a = TempDir::new("keyslot-tempdir-test").unwrap();
        let b = TempDir::new("keyslot-tempdir-test").unwrap();
        assert_ne!(a.path(), b.path());
        assert!(a.path().is_dir());
        let a_path = a.path().to_path_buf();
        std::fs::write(a_path.join("file"), b"x").unwrap();
        drop(a);
        assert!(!a_path.exists());

        let mut b = b;
        b.keep();
        let b_path = b.path().to_path_buf();
        drop(b);
        assert!(b_path.is_dir());
        std::fs::remove_dir_all(b_path).unwrap();
    }
}
