//! Fuzzes `key_slot`; the checks live in `keyslot_tests::fuzz_targets::key_slot`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keyslot_tests::fuzz_targets::key_slot(data));
