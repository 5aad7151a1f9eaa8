//! Bounds on everything a peer controls in a frame.
//!
//! A server (or something pretending to be one) decides how long a bulk is, how many elements
//! an aggregate has and how deep aggregates nest. Without bounds, one header could make the
//! client reserve gigabytes or recurse until the stack overflows. The decoder never allocates
//! for announced elements before their bytes have arrived, and these limits stop a frame as
//! soon as its header exceeds them.
//!
//! Elements are what a decoded frame costs: the smallest (`+\r\n`, `_\r\n`) is three bytes on
//! the wire and some 60 bytes decoded (its node in the scan, its [`Value`](super::Value)). So the
//! frame as a whole has an element budget besides the per-aggregate limit: many aggregates of
//! the longest allowed length, nested or side by side, could otherwise fill a frame of the
//! largest allowed size with a third of a billion elements. The budget is checked against what
//! the headers announce, before the announced elements arrive, and so is the rule that every
//! announced element needs at least [`MIN_ELEMENT_LEN`] bytes within the frame limit.

/// The hard ceiling for [`Limits::max_depth`]: the decoder's explicit stack has this many slots.
///
/// ```
/// use keyslot_core::resp::{decode_with, Limits, ProtocolErrorKind, MAX_DEPTH_CAP};
/// let limits = Limits { max_depth: 1000, ..Limits::default() };
/// let mut deep = b"*1\r\n".repeat(MAX_DEPTH_CAP + 1);
/// deep.extend_from_slice(b":1\r\n");
/// let err = decode_with(&deep, &limits).unwrap_err();
/// assert_eq!(err.kind, ProtocolErrorKind::TooDeep { max: MAX_DEPTH_CAP });
/// ```
pub const MAX_DEPTH_CAP: usize = 128;

/// The fewest bytes any element occupies on the wire (`+\r\n`, `-\r\n`, `_\r\n`).
pub const MIN_ELEMENT_LEN: usize = 3;

/// Decoder limits. The defaults suit any real Redis reply.
///
/// ```
/// use keyslot_core::resp::{decode_with, Limits, ProtocolErrorKind};
/// let limits = Limits { max_bulk_len: 1024, ..Limits::default() };
/// // Refused on its header alone, before any of the 2000 bytes arrive.
/// let err = decode_with(b"$2000\r\n", &limits).unwrap_err();
/// assert_eq!(err.kind, ProtocolErrorKind::BulkTooLong { len: 2000, max: 1024 });
/// ```
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
    /// Most elements inside one frame's aggregates, at every depth together (a map's pair
    /// counts two; the frame's own top element is not counted). Default 2^24, the length of
    /// the longest array `max_aggregate_len` allows: a frame carries at most one maximal
    /// aggregate's worth of elements however they nest, so its decoded value stays near a
    /// gigabyte at worst, like its bytes. A header that announces more is refused at once.
    pub max_frame_elements: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 32,
            max_bulk_len: 512 * 1024 * 1024,
            max_aggregate_len: 1 << 24,
            max_frame_len: 1024 * 1024 * 1024,
            max_frame_elements: 1 << 24,
        }
    }
}

impl Limits {
    /// The depth limit actually enforced: the configured one, capped at [`MAX_DEPTH_CAP`].
    pub(crate) fn depth(&self) -> usize {
        self.max_depth.min(MAX_DEPTH_CAP)
    }
}
