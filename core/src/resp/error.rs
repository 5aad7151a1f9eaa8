//! Why a byte stream is not valid RESP.

use core::fmt;

/// A malformed or over-limit frame. The connection it came from can no longer be trusted to
/// be in step with the server and must be closed; nothing of the frame was consumed.
///
/// ```
/// use keyslot_core::resp::{decode, ProtocolErrorKind};
/// // `#x` is no boolean; the offset is that of the `x`.
/// let err = decode(b"*2\r\n:1\r\n#x\r\n").unwrap_err();
/// assert_eq!(err.kind, ProtocolErrorKind::InvalidBoolean);
/// assert_eq!(err.offset, 9);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProtocolError {
    /// Offset of the offending byte from the start of the frame.
    pub offset: usize,
    /// What was wrong.
    pub kind: ProtocolErrorKind,
}

/// The kinds of [`ProtocolError`].
///
/// ```
/// use keyslot_core::resp::{decode, decode_with, Limits, ProtocolErrorKind};
/// assert_eq!(decode(b"@1\r\n").unwrap_err().kind, ProtocolErrorKind::UnknownType(b'@'));
/// let limits = Limits { max_bulk_len: 4, ..Limits::default() };
/// let err = decode_with(b"$5\r\nhello\r\n", &limits).unwrap_err();
/// assert_eq!(err.kind, ProtocolErrorKind::BulkTooLong { len: 5, max: 4 });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProtocolErrorKind {
    /// A type byte that RESP does not define.
    UnknownType(u8),
    /// RESP3 streamed strings and aggregates (`$?`, `*?`): no Redis server sends them.
    StreamedTypeUnsupported,
    /// A length or integer that is not a valid decimal number.
    InvalidInteger,
    /// A length below -1, or -1 where no null is allowed.
    InvalidLength,
    /// A line or payload not ended by `\r\n`, or a stray `\r` or `\n` inside a line.
    InvalidLineEnding,
    /// A `,` double that does not parse.
    InvalidDouble,
    /// A `#` boolean other than `t` or `f`.
    InvalidBoolean,
    /// A `(` big number with characters other than an optional `-` and digits.
    InvalidBigNumber,
    /// A `=` verbatim string without its `xxx:` format prefix.
    InvalidVerbatim,
    /// Aggregates nested deeper than the configured limit.
    TooDeep {
        /// The configured limit.
        max: usize,
    },
    /// A bulk longer than the configured limit.
    BulkTooLong {
        /// The announced length.
        len: u64,
        /// The configured limit.
        max: usize,
    },
    /// An aggregate with more elements than the configured limit.
    AggregateTooLong {
        /// The announced element count.
        len: u64,
        /// The configured limit.
        max: usize,
    },
    /// A frame larger than the configured limit, or whose headers announce more elements
    /// than could fit in it.
    FrameTooLong {
        /// The configured limit.
        max: usize,
    },
    /// A frame whose aggregate headers together announce more elements than the configured
    /// per-frame budget ([`Limits::max_frame_elements`](super::Limits::max_frame_elements)).
    TooManyElements {
        /// The elements announced so far in the frame, this header's included.
        announced: u64,
        /// The configured limit.
        max: usize,
    },
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ProtocolErrorKind::*;
        write!(f, "invalid RESP at byte {}: ", self.offset)?;
        match self.kind {
            UnknownType(b) => write!(f, "unknown type byte 0x{b:02x}"),
            StreamedTypeUnsupported => f.write_str("streamed RESP3 types are not supported"),
            InvalidInteger => f.write_str("invalid integer"),
            InvalidLength => f.write_str("invalid length"),
            InvalidLineEnding => f.write_str("line not terminated by CRLF"),
            InvalidDouble => f.write_str("invalid double"),
            InvalidBoolean => f.write_str("invalid boolean"),
            InvalidBigNumber => f.write_str("invalid big number"),
            InvalidVerbatim => f.write_str("verbatim string without a format prefix"),
            TooDeep { max } => write!(f, "nesting deeper than {max}"),
            BulkTooLong { len, max } => write!(f, "bulk of {len} bytes exceeds the limit {max}"),
            AggregateTooLong { len, max } => {
                write!(f, "aggregate of {len} elements exceeds the limit {max}")
            }
            FrameTooLong { max } => write!(f, "frame exceeds the limit of {max} bytes"),
            TooManyElements { announced, max } => {
                write!(
                    f,
                    "frame announces {announced} elements, over the limit {max}"
                )
            }
        }
    }
}

impl core::error::Error for ProtocolError {}
