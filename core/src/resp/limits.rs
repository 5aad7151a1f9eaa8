//! Bounds on everything a peer controls in a frame.
//!
//! A server (or something pretending to be one) decides how long a bulk is, how many elements
//! an aggregate has and how deep aggregates nest. Without bounds, one header could make the
//! client reserve gigabytes or recurse until the stack overflows. The decoder never allocates
//! for announced elements before their bytes have arrived, and these limits stop a frame as
//! soon as its header exceeds them.

/// The hard ceiling for [`Limits::max_depth`]: the decoder's explicit stack has this many slots.
pub const MAX_DEPTH_CAP: usize = 128;

/// Decoder limits. The defaults suit any real Redis reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Deepest aggregate nesting accepted (default 32, at most [`MAX_DEPTH_CAP`]). Redis's
    /// deepest replies (COMMAND DOCS, CLUSTER SHARDS) nest under 10.
    pub max_depth: usize,
    /// Longest bulk string accepted, in bytes (default 512 MiB, the server's own
    /// `proto-max-bulk-len`).
    pub max_bulk_len: usize,
    /// Most elements in one aggregate (default 2^24; a map counts its pairs).
    pub max_aggregate_len: usize,
    /// Largest whole frame, in bytes (default 1 GiB).
    pub max_frame_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 32,
            max_bulk_len: 512 * 1024 * 1024,
            max_aggregate_len: 1 << 24,
            max_frame_len: 1024 * 1024 * 1024,
        }
    }
}

impl Limits {
    /// The depth limit actually enforced: the configured one, capped at [`MAX_DEPTH_CAP`].
    pub(crate) fn depth(&self) -> usize {
        self.max_depth.min(MAX_DEPTH_CAP)
    }
}
