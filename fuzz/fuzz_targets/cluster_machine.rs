//! Fuzzes the cluster state machine inside the simulator with arbitrary operation
//! sequences; the harness lives in `keyslot_tests::fuzz_targets::cluster_machine`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keyslot_tests::fuzz_targets::cluster_machine(data));
