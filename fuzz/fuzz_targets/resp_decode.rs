//! Fuzzes the RESP decoder; the checks live in `keyslot_tests::fuzz_targets::resp_decode`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keyslot_tests::fuzz_targets::resp_decode(data));
