//! Hash slots: which of the 16384 slots a key belongs to.
//!
//! The cluster hashes a key with CRC16 (the XMODEM variant) and keeps the low 14 bits. When a
//! key contains a *hash tag* — the bytes between the first `{` and the first `}` after it,
//! provided they are not empty — only the tag is hashed, so that related keys can be forced
//! into one slot. `foo{}{bar}` has an empty first tag and hashes whole; `foo{{bar}}` hashes
//! `{bar`.

/// The number of hash slots in a Redis Cluster.
///
/// ```
/// use keyslot_core::{key_slot, SLOT_COUNT};
/// assert_eq!(SLOT_COUNT, 1 << 14);
/// assert!((0u32..1000).all(|i| key_slot(&i.to_be_bytes()) < SLOT_COUNT));
/// ```
pub const SLOT_COUNT: u16 = 16384;

/// The hash slot of `key`, honouring hash tags.
///
/// ```
/// use keyslot_core::key_slot;
/// assert_eq!(key_slot(b"foo"), 12182);
/// // With a hash tag only `user1000` is hashed: both keys share a slot.
/// assert_eq!(key_slot(b"{user1000}.following"), key_slot(b"{user1000}.followers"));
/// assert_eq!(key_slot(b"{user1000}.following"), key_slot(b"user1000"));
/// ```
#[inline]
pub fn key_slot(key: &[u8]) -> u16 {
    crc16::State::<crc16::XMODEM>::calculate(hashed_part(key)) & (SLOT_COUNT - 1)
}

/// The part of `key` that is hashed: the hash tag when there is a non-empty one, else all.
#[inline]
fn hashed_part(key: &[u8]) -> &[u8] {
    let Some(open) = memchr::memchr(b'{', key) else {
        return key;
    };
    let after_open = &key[open + 1..];
    match memchr::memchr(b'}', after_open) {
        Some(close) if close > 0 => &after_open[..close],
        _ => key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_vectors() {
        // The cluster specification's reference value: CRC16("123456789") = 0x31C3.
        assert_eq!(
            crc16::State::<crc16::XMODEM>::calculate(b"123456789"),
            0x31C3
        );
        assert_eq!(key_slot(b"123456789"), 0x31C3 & 0x3FFF);
        assert_eq!(key_slot(b"foo"), 12182);
        assert_eq!(key_slot(b"bar"), 5061);
        assert_eq!(key_slot(b""), 0);
    }

    #[test]
    fn hash_tags() {
        assert_eq!(key_slot(b"{user1000}.following"), key_slot(b"user1000"));
        assert_eq!(key_slot(b"{user1000}.followers"), key_slot(b"user1000"));
        // Empty tag: the whole key is hashed.
        assert_eq!(hashed_part(b"foo{}{bar}"), b"foo{}{bar}");
        // The first `}` after the first `{` closes the tag.
        assert_eq!(hashed_part(b"foo{{bar}}zap"), b"{bar");
        assert_eq!(hashed_part(b"foo{bar}{zap}"), b"bar");
        // No closing brace: whole key.
        assert_eq!(hashed_part(b"foo{bar"), b"foo{bar");
        assert_eq!(hashed_part(b"}foo{"), b"}foo{");
        assert_eq!(hashed_part(b"a}{b}"), b"b");
    }

    #[test]
    fn slots_stay_in_range() {
        for i in 0u32..5000 {
            let key = i.to_le_bytes();
            assert!(key_slot(&key) < SLOT_COUNT);
        }
    }
}
