//! The bodies of the fuzz targets, shared by `fuzz/` and the stable corpus replay.
//!
//! cargo-fuzz needs its own workspace and a libFuzzer runtime, which `cargo test` cannot
//! provide. Keeping each target's checks here, as plain functions over `&[u8]` that panic when
//! a property fails, lets the fuzz binaries be one-liners and lets
//! `tests/tests/fuzz_corpus_replay.rs` run every committed corpus input through exactly the
//! same code on stable, as part of the ordinary test suite.

mod cluster_machine;
mod key_slot;
mod resp_decode;

pub use cluster_machine::cluster_machine;
pub use key_slot::key_slot;
pub use resp_decode::resp_decode;
