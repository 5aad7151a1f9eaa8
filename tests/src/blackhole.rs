//! A host that vanishes without a word: every packet to and from one loopback port dropped
//! (iptables), so connections to it neither answer nor reset — what a client sees when a
//! machine loses power or a network path dies. Only the kernel's TCP keepalive can end such
//! a connection when nothing is being sent.
//!
//! Needs `iptables` and the right to change the firewall (root here and in CI). Without them
//! [`Blackhole::available`] says why, and the test skips with that reason — except under
//! `CI=true`, where it fails, as tests that need a server do.

use std::io;
use std::process::{Command, Stdio};

/// Packets to and from `port` on loopback are dropped while this lives.
pub struct Blackhole {
    port: u16,
}

impl Blackhole {
    /// Whether rules can be added here; `Err` with why not.
    pub fn available() -> Result<(), String> {
        let status = Command::new("iptables")
            .args(["-w", "-L", "INPUT", "-n"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("iptables cannot run: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("iptables -L failed: {status}"))
        }
    }

    /// Drop every loopback packet to or from `port`.
    pub fn port(port: u16) -> io::Result<Blackhole> {
        let hole = Blackhole { port };
        for rule in hole.rules() {
            iptables("-I", &rule)?;
        }
        Ok(hole)
    }

    fn rules(&self) -> [Vec<String>; 2] {
        let port = self.port.to_string();
        let rule = |dir: &str| {
            ["INPUT", "-i", "lo", "-p", "tcp", dir, &port, "-j", "DROP"]
                .map(String::from)
                .to_vec()
        };
        [rule("--dport"), rule("--sport")]
    }
}

impl Drop for Blackhole {
    fn drop(&mut self) {
        for rule in self.rules() {
            let _ = iptables("-D", &rule);
        }
    }
}

fn iptables(action: &str, rule: &[String]) -> io::Result<()> {
    let status = Command::new("iptables")
        .arg("-w")
        .arg(action)
        .args(rule)
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "iptables {action} {rule:?}: {status}"
        )))
    }
}
