//! The `redis-server` command line of a node: the spec's options turned into directives.
//!
//! Besides what a test asks for, every node gets settings that make a test cluster fast and
//! predictable:
//! - no persistence, and diskless replication without the default 5 s delay, so a replica
//!   syncs the moment it is told whom to follow;
//! - `repl-ping-replica-period 1` (default 10 s): a replica whose replication offset is still
//!   0 is left out of `CLUSTER SLOTS` and reported as `loading` by `CLUSTER SHARDS`, and in an
//!   idle cluster only these pings move the offset;
//! - `cluster-replica-validity-factor 0`: a replica may always stand for election, however
//!   long it was cut off (tests kill things on purpose);
//! - `cluster-allow-replica-migration no`: replicas stay where the test put them, and a
//!   primary that gives away its last slot stays a primary (in 7.0 it would otherwise turn
//!   itself into a replica of the slot's new owner);
//! - `protected-mode no` (everything is on loopback anyway), `enable-debug-command local`.
//!
//! A test's own arguments come last, so they override these.

use std::ffi::OsString;
use std::net::Ipv4Addr;
use std::path::Path;

use super::spec::{Auth, ClusterSpec, Layout};
use super::tls::NodeCertFiles;

/// Where one node listens.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ports {
    pub(crate) port: u16,
    pub(crate) bus: u16,
    pub(crate) tls: Option<u16>,
}

/// The full argument list for a node on `ip`, announcing `hostname`, in `dir`.
pub(crate) fn node_args(
    spec: &ClusterSpec,
    ip: Ipv4Addr,
    ports: Ports,
    hostname: Option<&str>,
    dir: &Path,
    certs: Option<&NodeCertFiles>,
) -> Vec<OsString> {
    // Redis 6.2 lacks the 7.0 directives below; its bus is always the port + 10000.
    let modern = crate::require::server_version().is_none_or(|v| v.is_7());
    let mut args = Args::default();
    args.set("port", ports.port.to_string());
    args.set("bind", ip.to_string());
    args.set("daemonize", "no");
    args.set("dir", dir);
    args.set("appendonly", "no");
    args.set("save", "");
    args.set("protected-mode", "no");
    if modern {
        args.set("enable-debug-command", "local");
    }
    args.set("repl-diskless-sync", "yes");
    args.set("repl-diskless-sync-delay", "0");
    args.set("repl-ping-replica-period", "1");

    args.set("cluster-enabled", "yes");
    args.set("cluster-config-file", dir.join("nodes.conf"));
    if modern {
        args.set("cluster-port", ports.bus.to_string());
    }
    args.set(
        "cluster-node-timeout",
        spec.node_timeout.as_millis().to_string(),
    );
    args.set("cluster-replica-validity-factor", "0");
    args.set("cluster-allow-replica-migration", "no");
    if modern {
        args.set("cluster-preferred-endpoint-type", spec.endpoint.directive());
    }
    if let (Some(hostname), true) = (hostname, modern) {
        args.set("cluster-announce-hostname", hostname);
    }
    if let Layout::DistinctAddresses { .. } = spec.layout {
        // Peers would otherwise learn the address a packet came from, and a connection from
        // 127.0.0.22 to 127.0.0.21 may leave from 127.0.0.1.
        args.set("cluster-announce-ip", ip.to_string());
        if modern {
            args.set("bind-source-addr", ip.to_string());
        }
    }

    match &spec.auth {
        None => {}
        Some(Auth::Password(password)) => {
            args.set("requirepass", password);
            args.set("masterauth", password);
        }
        Some(Auth::User { user, password }) => {
            args.multi(&[
                "user",
                user,
                "on",
                &format!(">{password}"),
                "~*",
                "&*",
                "+@all",
            ]);
            args.multi(&["user", "default", "off"]);
            args.set("masteruser", user);
            args.set("masterauth", password);
        }
    }

    if let (Some(tls), Some(tls_port), Some(certs)) = (spec.tls, ports.tls, certs) {
        args.set("tls-port", tls_port.to_string());
        args.set("tls-cert-file", &certs.cert);
        args.set("tls-key-file", &certs.key);
        args.set("tls-ca-cert-file", &certs.ca);
        args.set("tls-cluster", "yes");
        args.set("tls-replication", "yes");
        args.set(
            "tls-auth-clients",
            if tls.require_client_certs {
                "yes"
            } else {
                "no"
            },
        );
    }

    let mut args = args.0;
    args.extend(spec.extra_args.iter().cloned());
    args
}

/// `--name value` pairs, built in order.
#[derive(Default)]
struct Args(Vec<OsString>);

impl Args {
    fn set(&mut self, name: &str, value: impl Into<OsString>) {
        self.0.push(format!("--{name}").into());
        self.0.push(value.into());
    }

    /// A directive with several words, such as `user alice on >pw ~* +@all`. The server
    /// quotes each command-line word separately, so they must stay separate arguments.
    fn multi(&mut self, words: &[&str]) {
        let (name, rest) = words.split_first().expect("a directive has a name");
        self.0.push(format!("--{name}").into());
        self.0.extend(rest.iter().map(OsString::from));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(args: &[OsString]) -> String {
        args.iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn acl_user_words_are_separate_and_extra_args_come_last() {
        let spec = ClusterSpec::new()
            .acl_user("alice", "pw")
            .arg("--maxmemory")
            .arg("1mb");
        let ports = Ports {
            port: 7000,
            bus: 17000,
            tls: None,
        };
        let args = node_args(
            &spec,
            Ipv4Addr::LOCALHOST,
            ports,
            None,
            Path::new("/d"),
            None,
        );
        let line = text(&args);
        assert!(
            line.contains("--user alice on >pw ~* &* +@all --user default off"),
            "{line}"
        );
        assert!(
            line.contains("--masteruser alice --masterauth pw"),
            "{line}"
        );
        assert!(line.ends_with("--maxmemory 1mb"), "{line}");
        assert!(!line.contains("tls-port"), "{line}");
    }

    #[test]
    fn distinct_addresses_announce_their_own_ip() {
        let spec = ClusterSpec::new().distinct_addresses().hostnames();
        let ports = Ports {
            port: 7000,
            bus: 17000,
            tls: None,
        };
        let ip = spec.ip(2);
        assert_eq!(ip, Ipv4Addr::new(127, 0, 0, 23));
        let args = node_args(
            &spec,
            ip,
            ports,
            Some("node3.keyslot.test"),
            Path::new("/d"),
            None,
        );
        let line = text(&args);
        assert!(line.contains("--bind 127.0.0.23"), "{line}");
        assert!(line.contains("--cluster-announce-ip 127.0.0.23"), "{line}");
        assert!(
            line.contains("--cluster-announce-hostname node3.keyslot.test"),
            "{line}"
        );
    }
}
