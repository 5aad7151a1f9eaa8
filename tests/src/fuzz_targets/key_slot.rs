//! `key_slot`: the slot of any byte string is in range, matches an independent reference, and
//! honours hash tags.
//!
//! Routing depends on agreeing with the server about every key, binary and malformed ones
//! included, so the core (table-driven `crc16` crate plus `memchr`) is checked against the
//! slowest obvious implementation of the cluster specification: a bitwise CRC16-XMODEM and a
//! byte-by-byte search for the tag.

use keyslot_core::{key_slot as slot_of, SLOT_COUNT};

/// Panics if `key_slot(data)` is out of range, differs from the reference, or if keys built
/// to share a non-empty hash tag with `data` land in different slots.
pub fn key_slot(data: &[u8]) {
    let slot = slot_of(data);
    assert!(
        slot < SLOT_COUNT,
        "slot {slot} out of range for {data:02x?}"
    );
    let expected = reference_slot(data);
    assert_eq!(slot, expected, "slot of {data:02x?}");

    // Keys sharing the input's own tag, if it has one.
    let tag = reference_hashed_part(data);
    if tag.len() < data.len() {
        let other = [b"{".as_slice(), tag, b"}other"].concat();
        assert_eq!(
            slot_of(&other),
            slot,
            "{other:02x?} and {data:02x?} share a tag"
        );
    }

    // A tag made from the input: without `}` it cannot close early, so it is the whole tag.
    let mut made: Vec<u8> = data.iter().copied().filter(|&b| b != b'}').collect();
    if made.is_empty() {
        made.push(b't');
    }
    // Without `{` the prefix cannot open a tag of its own before ours.
    let prefix: Vec<u8> = data.iter().copied().filter(|&b| b != b'{').collect();
    let tagged = [b"{".as_slice(), &made, b"}"].concat();
    let wrapped = [&prefix, b"{".as_slice(), &made, b"}", data].concat();
    // `made` has no `}`, so it holds no tag and hashes whole.
    let tag_slot = slot_of(&made);
    assert_eq!(
        slot_of(&tagged),
        tag_slot,
        "{tagged:02x?} vs its tag {made:02x?}"
    );
    assert_eq!(
        slot_of(&wrapped),
        tag_slot,
        "{wrapped:02x?} vs its tag {made:02x?}"
    );
}

/// The slot by the specification: CRC16-XMODEM of the hashed part, low 14 bits.
fn reference_slot(key: &[u8]) -> u16 {
    crc16_xmodem(reference_hashed_part(key)) % 16384
}

/// Bitwise CRC16-XMODEM: polynomial 0x1021, initial value 0, no reflection, no final xor.
fn crc16_xmodem(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &byte in bytes {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// The bytes between the first `{` and the first `}` after it when there are any, else all.
fn reference_hashed_part(key: &[u8]) -> &[u8] {
    let Some(open) = key.iter().position(|&b| b == b'{') else {
        return key;
    };
    let after = &key[open + 1..];
    match after.iter().position(|&b| b == b'}') {
        Some(close) if close > 0 => &after[..close],
        _ => key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_matches_the_specification() {
        assert_eq!(crc16_xmodem(b"123456789"), 0x31C3);
        assert_eq!(reference_slot(b"foo"), 12182);
        assert_eq!(reference_hashed_part(b"foo{}{bar}"), b"foo{}{bar}");
        assert_eq!(reference_hashed_part(b"foo{{bar}}"), b"{bar");
        assert_eq!(reference_hashed_part(b"a{b}c"), b"b");
    }

    #[test]
    fn target_accepts_awkward_keys() {
        for key in [
            &b""[..],
            b"{",
            b"}",
            b"{}",
            b"}{",
            b"{{}}",
            b"a{b}{c}",
            b"\xff{\x00}",
        ] {
            key_slot(key);
        }
    }
}
