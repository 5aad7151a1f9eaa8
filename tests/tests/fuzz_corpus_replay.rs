//! Replays the committed fuzz corpus through the fuzz target bodies, on stable, as a test.
//!
//! cargo-fuzz needs libFuzzer and its own workspace; this needs neither. Every file in
//! `fuzz/corpus/<target>/` — the seeds, everything the fuzzer kept, and every crash found so
//! far (minimised and added there) — goes through the same `keyslot_tests::fuzz_targets`
//! function the fuzz binary calls, so a regression in the core fails `cargo test`. A missing
//! or empty corpus fails too: a replay of nothing proves nothing.

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use keyslot_tests::fuzz_targets;

/// The corpus directory of `target`.
fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target)
}

/// Runs every corpus file of `target` through `body` and fails, naming each failing file,
/// if any input panics or the corpus is empty.
fn replay(target: &str, body: fn(&[u8])) {
    let dir = corpus_dir(target);
    let entries = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus {} cannot be read: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries
        .map(|entry| entry.expect("corpus entry").path())
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "corpus {} is empty", dir.display());

    let mut failed = Vec::new();
    for path in &paths {
        let input = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if panic::catch_unwind(AssertUnwindSafe(|| body(&input))).is_err() {
            failed.push(path.display().to_string());
        }
    }
    println!(
        "{target}: replayed {} corpus inputs, {} failed",
        paths.len(),
        failed.len()
    );
    assert!(
        failed.is_empty(),
        "{target}: failing corpus inputs: {failed:#?}"
    );
}

#[test]
fn resp_decode_corpus() {
    replay("resp_decode", fuzz_targets::resp_decode);
}

#[test]
fn key_slot_corpus() {
    replay("key_slot", fuzz_targets::key_slot);
}

#[test]
fn cluster_machine_corpus() {
    replay("cluster_machine", fuzz_targets::cluster_machine);
}
