//! Polling until the cluster reaches a state, with the last reason for waiting in the error.
//!
//! Cluster state spreads by gossip, so the harness asks again and again. A timeout says what
//! was still missing, which is usually the whole diagnosis.

use std::io;
use std::time::{Duration, Instant};

/// How long to sleep between two probes: short, because tests measure how soon the servers
/// finish a failover, and the harness's answer is late by up to this much.
pub(crate) const POLL_INTERVAL: Duration = Duration::from_millis(5);

/// Call `probe` until it returns `Ok`, or fail after `timeout` with `what` and the last
/// `Err` reason. A probe's `Err` means "not yet", never "give up".
pub(crate) fn until<T>(
    what: &str,
    timeout: Duration,
    mut probe: impl FnMut() -> Result<T, String>,
) -> io::Result<T> {
    let deadline = Instant::now() + timeout;
    loop {
        let reason = match probe() {
            Ok(value) => return Ok(value),
            Err(reason) => reason,
        };
        if Instant::now() >= deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("timed out after {timeout:?} waiting for {what}: {reason}"),
            ));
        }
        std::thread::sleep(POLL_INTERVAL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_the_first_success() {
        let mut calls = 0;
        let got = until("three calls", Duration::from_secs(5), || {
            calls += 1;
            if calls == 3 {
                Ok(calls)
            } else {
                Err(format!("only {calls}"))
            }
        });
        assert_eq!(got.unwrap(), 3);
    }

    #[test]
    fn timeout_reports_the_last_reason() {
        let err = until::<()>("nothing", Duration::from_millis(20), || {
            Err("still nothing".into())
        })
        .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        let text = err.to_string();
        assert!(text.contains("nothing: still nothing"), "{text}");
    }
}
