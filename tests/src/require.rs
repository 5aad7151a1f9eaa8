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

/// Which server [`server_binary`] is, from its `--version` line (`Redis server v=6.2.5 ...`,
/// `Valkey server v=9.1.2 ...`): tests and the harness adapt to what it lacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerVersion {
    /// Valkey rather than Redis.
    pub valkey: bool,
    /// `major.minor.patch`.
    pub version: (u32, u32, u32),
}

impl ServerVersion {
    /// Parse a `--version` line.
    pub fn parse(line: &str) -> Option<ServerVersion> {
        let valkey = line.starts_with("Valkey");
        let v = line.split_whitespace().find_map(|w| w.strip_prefix("v="))?;
        let mut parts = v.split('.').map(|p| p.parse::<u32>().ok());
        let version = (
            parts.next()??,
            parts.next()??,
            parts.next().flatten().unwrap_or(0),
        );
        Some(ServerVersion { valkey, version })
    }

    /// At least Redis `major.minor` (every Valkey is at least Redis 7.2).
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        self.valkey || (self.version.0, self.version.1) >= (major, minor)
    }

    /// `CLUSTER SHARDS`, hostnames and endpoint types, `cluster-port`, `bind-source-addr`
    /// and `enable-debug-command` exist (Redis 7.0+).
    pub fn is_7(&self) -> bool {
        self.at_least(7, 0)
    }

    /// How tests name it: `redis 6.2.5`, `valkey 9.1.2`.
    pub fn name(&self) -> String {
        let (a, b, c) = self.version;
        let kind = if self.valkey { "valkey" } else { "redis" };
        format!("{kind} {a}.{b}.{c}")
    }
}

/// The server binary's version, probed once (`None` when it does not run).
pub fn server_version() -> Option<ServerVersion> {
    static VERSION: OnceLock<Option<ServerVersion>> = OnceLock::new();
    *VERSION.get_or_init(|| {
        let out = Command::new(server_binary())
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .ok()?;
        ServerVersion::parse(&String::from_utf8_lossy(&out.stdout))
    })
}

/// True when the server is at least Redis `major.minor` (Valkey counts as 7.2). Otherwise
/// prints why the calling test is skipped — on every server, CI included: a feature the
/// server lacks is no broken environment.
pub fn require_server(major: u32, minor: u32, feature: &str) -> bool {
    match server_version() {
        Some(v) if v.at_least(major, minor) => true,
        Some(v) => {
            let test = std::thread::current()
                .name()
                .unwrap_or("this test")
                .to_owned();
            eprintln!(
                "SKIPPED: {test} needs {feature} (Redis {major}.{minor}+), and the server is {}",
                v.name()
            );
            false
        }
        None => true,
    }
}

/// True when the server is Valkey `major` or later; otherwise prints why the calling test is
/// skipped (as [`require_server`] does).
pub fn require_valkey(major: u32, feature: &str) -> bool {
    match server_version() {
        Some(v) if v.valkey && v.version.0 >= major => true,
        other => {
            let test = std::thread::current()
                .name()
                .unwrap_or("this test")
                .to_owned();
            let server = other.map_or("unknown".to_string(), |v| v.name());
            eprintln!(
                "SKIPPED: {test} needs {feature} (Valkey {major}+), and the server is {server}"
            );
            false
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_lines_are_read() {
        let redis =
            ServerVersion::parse("Redis server v=6.2.5 sha=00000000:0 malloc=jemalloc-5.1.0");
        assert_eq!(
            redis,
            Some(ServerVersion {
                valkey: false,
                version: (6, 2, 5)
            })
        );
        assert!(!redis.unwrap().is_7());
        let valkey =
            ServerVersion::parse("Valkey server v=9.1.2 sha=00000000:1 malloc=libc").unwrap();
        assert!(valkey.valkey && valkey.is_7() && valkey.at_least(8, 0));
        assert_eq!(valkey.name(), "valkey 9.1.2");
        assert!(ServerVersion::parse("something else").is_none());
    }
}
