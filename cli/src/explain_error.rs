//! Errors as one line that says what happened and what to do.

use keyslot::Error;

/// The message for a person at a terminal.
pub fn for_people(error: &Error) -> String {
    match error {
        Error::NoReachableSeed { attempts } => {
            let reasons: Vec<String> = attempts.iter().map(|a| format!("{} ({})", a.addr, a.reason)).collect();
            let all = reasons.join(", ");
            let hint = if attempts.iter().any(|a| a.reason.contains("cluster support disabled")) {
                "this server is not a cluster node: point keyslot at a Redis Cluster (cluster-enabled yes)"
            } else if attempts.iter().any(|a| is_tls_failure(&a.reason)) {
                "the TLS handshake failed: use rediss:// (or --tls) for TLS clusters, plain host:port for others, and --ca for a private CA"
            } else if attempts.iter().any(|a| a.reason.contains("NOAUTH") || a.reason.contains("WRONGPASS")) {
                "the server wants credentials: pass --user/--password or redis://user:pass@host:port"
            } else {
                "check the address and port, and that this machine can reach them"
            };
            format!("cannot reach the cluster through {all}: {hint}")
        }
        Error::Auth { addr, message } => format!(
            "authentication failed at {addr}: {} — check --user and --password (or the seed URL)",
            String::from_utf8_lossy(message)
        ),
        Error::Timeout => {
            "the cluster did not answer in time — check that the seed is reachable, or raise --timeout".into()
        }
        Error::Config(why) => why.clone(),
        other => other.to_string(),
    }
}

fn is_tls_failure(reason: &str) -> bool {
    [
        "certificate",
        "InvalidContentType",
        "corrupt message",
        "TLS",
        "handshake",
    ]
    .iter()
    .any(|w| reason.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyslot::{Addr, SeedFailure};

    fn seeds(reason: &str) -> Error {
        Error::NoReachableSeed {
            attempts: vec![SeedFailure {
                addr: Addr::new("h", 1),
                reason: reason.into(),
            }],
        }
    }

    #[test]
    fn each_failure_says_what_to_do() {
        assert!(
            for_people(&seeds("Connection refused (os error 111)")).contains("check the address")
        );
        assert!(
            for_people(&seeds("ERR This instance has cluster support disabled"))
                .contains("not a cluster node")
        );
        assert!(for_people(&seeds(
            "received corrupt message of type InvalidContentType"
        ))
        .contains("rediss://"));
        let auth = Error::Auth {
            addr: Addr::new("h", 1),
            message: bytes::Bytes::from_static(b"WRONGPASS invalid"),
        };
        assert!(for_people(&auth).contains("--password"));
        assert!(!for_people(&auth).contains('\n'));
    }
}
