//! Whether tests that need a real `redis-server` can run here, and what to do when not.
//!
//! On a developer's machine without Redis such a test prints why it is skipped and returns,
//! so `cargo test` stays useful. In CI (`CI=true`) a missing server is a broken environment,
//! not a reason to pass silently: the test panics. The convention in every such test:
//!
//! ```no_run
//! if !keyslot_tests::require_redis() {
//!     return;
//! }
//! ```

use std::ffi::OsString;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The environment variable that names the server binary (default `redis-server` on PATH), so
/// the same tests can run against another build or a compatible server.
pub const SERVER_BIN_VAR: &str = "KEYSLOT_REDIS_SERVER";

/// The `redis-server` binary the harness starts.
pub fn server_binary() -> OsString {
    std::env::var_os(SERVER_BIN_VAR).unwrap_or_else(|| OsString::from("redis-server"))
}

/// True when [`server_binary`] runs (`--version` exits successfully). Probed once per process.
pub fn redis_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        Command::new(server_binary())
            .arg("--version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// True when running under CI (`CI=true`), where skipping is not allowed.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true"))
}

/// True when the calling test can use a real server. Otherwise prints why the test is
/// skipped and returns false — or panics when [`in_ci`].
pub fn require_redis() -> bool {
    if redis_available() {
        return true;
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("this test")
        .to_owned();
    let bin = server_binary();
    let why = format!(
        "{test} needs a real server, but `{} --version` did not run (install redis-server, \
         or set {SERVER_BIN_VAR}; scripts/test installs it)",
        bin.to_string_lossy()
    );
    if in_ci() {
        panic!("{why}; CI=true forbids skipping it");
    }
    eprintln!("SKIPPED: {why}");
    false
}
