//! The `embed_core` example (the core driven from a plain `std::net` loop, with no adapter
//! code) against a real cluster: it writes and reads a key, and both of its subscribers of
//! one channel hear the message it publishes.

use std::process::Command;

use keyslot_tests::cluster::{ClusterSpec, RedisCluster};
use keyslot_tests::runtimes::claim_machine;

#[test]
fn embed_core_reads_writes_and_fans_a_message_out_to_two_subscribers() {
    let Some(_machine) = claim_machine() else {
        return;
    };
    let cluster = RedisCluster::start(ClusterSpec::new()).expect("a cluster");
    let seed = cluster.seed_addr().expect("a seed").to_string();
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    let out = Command::new(env!("CARGO"))
        .args(["run", "-q", "--manifest-path", manifest, "-p", "keyslot"])
        .args(["--example", "embed_core", "--", &seed])
        .output()
        .expect("cargo runs the example");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(r#"GET -> Ok(BulkString(b"yes"))"#),
        "{stdout}"
    );
    for who in ["first subscriber", "second subscriber"] {
        let heard = stdout
            .lines()
            .any(|l| l.starts_with(&format!("{who}: Message")) && l.contains(r#"b"hi""#));
        assert!(heard, "{who} heard nothing: {stdout}");
    }
}
