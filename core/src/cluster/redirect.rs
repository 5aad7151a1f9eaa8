//! What an error reply asks the client to do.
//!
//! A cluster answers some commands with an error that is really an instruction: go elsewhere
//! (MOVED, ASK), try again later (TRYAGAIN, LOADING, CLUSTERDOWN, MASTERDOWN), or your view of
//! the cluster is stale (READONLY from a primary that became a replica, or UNBLOCKED for a
//! blocking command parked on a primary when it became one). Authentication
//! failures are recognised too, because they must never be retried. Everything else is the
//! caller's error and is passed through.

/// The meaning of an error reply for the cluster client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorAction<'a> {
    /// The slot lives elsewhere for good: update the map, retry there.
    Moved(Redirect<'a>),
    /// This one command must be retried at the target after `ASKING`; the map stays.
    Ask(Redirect<'a>),
    /// A transient condition: retry after a backoff.
    Retry(RetryReason),
    /// The node is no longer a primary: a replica refused a write (`READONLY`). It did not
    /// run; the view is stale: rediscover, then retry.
    Demoted,
    /// A primary that was demoted released a command blocked on it (`UNBLOCKED ... master ->
    /// replica`) and closes the connection after this reply. A pop on a connection of its
    /// own did not run and is retried like [`ErrorAction::Demoted`]; `WAIT`, on the shared
    /// connection, counted that connection's writes and is the caller's (see `read.rs`).
    Unblocked,
    /// Bad credentials or none: fail, never retry.
    Auth,
    /// An ordinary error for the caller.
    Plain,
}

/// Why a command is retried after a pause.
///
/// ```
/// # use keyslot_core::{resp::Protocol, time::Instant, topology::Addr, Cluster, Cmd, Config};
/// # use keyslot_core::Output;
/// # let now = Instant::from_micros(0);
/// # let config = Config { protocol: Protocol::Resp2, ..Config::default() };
/// # let mut cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], now);
/// # use keyslot_core::resp::Value;
/// # let conn = loop {
/// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
/// # };
/// # cluster.handle_connected(conn, now);
/// # // The seed's CLUSTER SHARDS reply: one shard, every slot, its primary at 10.0.0.1:7000.
/// # const SHARDS: &[u8] = b"*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n\
/// # *1\r\n*6\r\n$8\r\nendpoint\r\n$8\r\n10.0.0.1\r\n$4\r\nport\r\n:7000\r\n$4\r\nrole\r\n\
/// # $6\r\nmaster\r\n";
/// # cluster.handle_data(conn, SHARDS, now);
/// # while !matches!(cluster.poll_output(), Output::Timeout(_)) {}
/// # cluster.handle_written(conn, cluster.transmit(conn).len());
/// # use keyslot_core::cluster::{Event, RetryReason};
/// cluster.submit(Cmd::new("MGET").arg("{a}1").arg("{a}2"), (), now);
/// cluster.handle_written(conn, cluster.transmit(conn).len());
/// cluster.handle_data(conn, b"-TRYAGAIN Multiple keys request during rehashing of slot\r\n", now);
/// let reason = loop {
///     if let Output::Event(Event::Retrying { reason, .. }) = cluster.poll_output() {
///         break reason;
///     }
/// };
/// assert_eq!(reason, RetryReason::TryAgain); // sent again after a backoff
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryReason {
    /// A multi-key command met a slot in migration with its keys split.
    TryAgain,
    /// The node is loading its dataset.
    Loading,
    /// The cluster is down (a slot is uncovered or the node lost the majority).
    ClusterDown,
    /// The primary is down (replica with `replica-serve-stale-data no`).
    MasterDown,
}

/// Where a MOVED or ASK points. An empty host means "the host this connection uses": the
/// server sends that when it has no endpoint to announce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Redirect<'a> {
    pub(crate) slot: u16,
    pub(crate) host: &'a [u8],
    pub(crate) port: u16,
}

/// Classify the text of an error reply (without its leading `-`).
pub(crate) fn classify(text: &[u8]) -> ErrorAction<'_> {
    let code_end = text.iter().position(|&b| b == b' ').unwrap_or(text.len());
    let code = &text[..code_end];
    match code {
        b"MOVED" => parse_redirect(text).map_or(ErrorAction::Plain, ErrorAction::Moved),
        b"ASK" => parse_redirect(text).map_or(ErrorAction::Plain, ErrorAction::Ask),
        b"TRYAGAIN" => ErrorAction::Retry(RetryReason::TryAgain),
        b"LOADING" => ErrorAction::Retry(RetryReason::Loading),
        b"CLUSTERDOWN" => ErrorAction::Retry(RetryReason::ClusterDown),
        b"MASTERDOWN" => ErrorAction::Retry(RetryReason::MasterDown),
        b"READONLY" => ErrorAction::Demoted,
        // `CLIENT UNBLOCK id ERROR` sends UNBLOCKED too: that one is the caller's.
        b"UNBLOCKED" if contains(text, b"instance state changed") => ErrorAction::Unblocked,
        b"NOAUTH" | b"WRONGPASS" => ErrorAction::Auth,
        b"ERR" if is_auth_err(text) => ErrorAction::Auth,
        _ => ErrorAction::Plain,
    }
}

/// Older servers report a bad password as a plain ERR.
fn is_auth_err(text: &[u8]) -> bool {
    const PHRASES: [&[u8]; 3] = [
        b"invalid password",
        b"invalid username-password pair",
        b"called without any password configured",
    ];
    PHRASES.iter().any(|p| contains(text, p))
}

fn contains(text: &[u8], phrase: &[u8]) -> bool {
    text.windows(phrase.len()).any(|w| w == phrase)
}

/// `MOVED <slot> <host>:<port>`; the host may itself contain colons (IPv6) or be empty.
fn parse_redirect(text: &[u8]) -> Option<Redirect<'_>> {
    let mut parts = text.split(|&b| b == b' ').filter(|p| !p.is_empty());
    parts.next()?;
    let slot = parse_u16(parts.next()?)?;
    let endpoint = parts.next()?;
    let colon = endpoint.iter().rposition(|&b| b == b':')?;
    let port = parse_u16(&endpoint[colon + 1..])?;
    if slot >= crate::SLOT_COUNT {
        return None;
    }
    Some(Redirect {
        slot,
        host: &endpoint[..colon],
        port,
    })
}

fn parse_u16(digits: &[u8]) -> Option<u16> {
    super::blocking::parse_u64(digits).and_then(|v| u16::try_from(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture_error(bytes: &[u8]) -> alloc::vec::Vec<u8> {
        let (value, _) = crate::resp::decode(bytes).unwrap().unwrap();
        value.as_bytes().unwrap().to_vec()
    }

    #[test]
    fn real_server_redirects() {
        let moved = fixture_error(include_bytes!(
            "../../../tests/fixtures/redis-7.0.15/moved.ip.resp2"
        ));
        let ErrorAction::Moved(r) = classify(&moved) else {
            panic!("{moved:?}")
        };
        assert_eq!((r.slot, r.port), (12182, 6379));
        assert!(r.host.starts_with(b"127.0.0."));

        let host = fixture_error(include_bytes!(
            "../../../tests/fixtures/redis-7.0.15/moved.hostname.resp2"
        ));
        let ErrorAction::Moved(r) = classify(&host) else {
            panic!()
        };
        assert!(r.host.ends_with(b".keyslot.test"));

        let unknown = fixture_error(include_bytes!(
            "../../../tests/fixtures/redis-7.0.15/moved.unknown-endpoint.resp2"
        ));
        let ErrorAction::Moved(r) = classify(&unknown) else {
            panic!()
        };
        assert_eq!((r.host, r.port), (&b""[..], 6379));

        let ask = fixture_error(include_bytes!(
            "../../../tests/fixtures/redis-7.0.15/ask.hostname.resp2"
        ));
        assert!(matches!(
            classify(&ask),
            ErrorAction::Ask(Redirect { slot: 12182, .. })
        ));

        let replica = fixture_error(include_bytes!(
            "../../../tests/fixtures/redis-7.0.15/replica-write.hostname.resp2"
        ));
        assert!(matches!(classify(&replica), ErrorAction::Moved(_)));
    }

    #[test]
    fn real_server_transient_and_auth_errors() {
        let cases: [(&[u8], ErrorAction<'static>); 6] = [
            (
                include_bytes!("../../../tests/fixtures/redis-7.0.15/tryagain.resp2"),
                ErrorAction::Retry(RetryReason::TryAgain),
            ),
            (
                include_bytes!("../../../tests/fixtures/redis-7.0.15/clusterdown.resp2"),
                ErrorAction::Retry(RetryReason::ClusterDown),
            ),
            (
                include_bytes!("../../../tests/fixtures/redis-7.0.15/noauth.resp2"),
                ErrorAction::Auth,
            ),
            (
                include_bytes!("../../../tests/fixtures/redis-7.0.15/wrongpass.resp2"),
                ErrorAction::Auth,
            ),
            (
                include_bytes!("../../../tests/fixtures/redis-7.0.15/hello-auth-wrong.resp2"),
                ErrorAction::Auth,
            ),
            (
                include_bytes!("../../../tests/fixtures/redis-7.0.15/crossslot.resp2"),
                ErrorAction::Plain,
            ),
        ];
        for (bytes, expected) in cases {
            let text = fixture_error(bytes);
            assert_eq!(
                classify(&text),
                expected,
                "{}",
                alloc::string::String::from_utf8_lossy(&text)
            );
        }
    }

    #[test]
    fn synthetic_forms() {
        assert!(matches!(
            classify(b"MOVED 1 ::1:7000"),
            ErrorAction::Moved(Redirect {
                slot: 1,
                host: b"::1",
                port: 7000
            })
        ));
        assert_eq!(classify(b"MOVED 99999 h:1"), ErrorAction::Plain);
        assert_eq!(classify(b"MOVED x h:1"), ErrorAction::Plain);
        assert_eq!(classify(b"ASK 5 nohostport"), ErrorAction::Plain);
        assert_eq!(
            classify(b"LOADING Redis is loading"),
            ErrorAction::Retry(RetryReason::Loading)
        );
        assert_eq!(
            classify(b"MASTERDOWN Link down"),
            ErrorAction::Retry(RetryReason::MasterDown)
        );
        assert_eq!(classify(b"READONLY You can't write"), ErrorAction::Demoted);
        // Redis 7.0's words to a BLPOP parked on a primary that a failover demoted.
        assert_eq!(
            classify(b"UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)"),
            ErrorAction::Unblocked
        );
        // What `CLIENT UNBLOCK <id> ERROR` sends: for the caller.
        assert_eq!(
            classify(b"UNBLOCKED client unblocked via CLIENT UNBLOCK"),
            ErrorAction::Plain
        );
        assert_eq!(classify(b"WRONGTYPE Operation"), ErrorAction::Plain);
        assert_eq!(classify(b""), ErrorAction::Plain);
        // A missing permission is the caller's problem, not a broken login.
        assert_eq!(
            classify(b"NOPERM this user has no permissions"),
            ErrorAction::Plain
        );
    }
}
