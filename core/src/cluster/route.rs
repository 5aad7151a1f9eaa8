//! Where a command goes, decided before anything is sent.
//!
//! Keys decide: every key (and shard channel) must hash to one slot, whose primary serves
//! the command; keys in different slots are refused here with a CROSSSLOT error, exactly as
//! the server would refuse them, but without a round trip. Keyless commands follow their
//! request policy: to every primary, to every node, or to any one primary. Commands whose
//! effect is tied to one connection's state, which a multiplexed cluster connection cannot
//! give them, are refused with the reason.

use alloc::string::String;

use super::Error;
use crate::command::{lookup, routing_positions, CommandSpec, KeyPositions, RequestPolicy};
use crate::{key_slot, Cmd};

/// The routing decision for one command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    Slot(u16),
    AnyPrimary,
    AllPrimaries,
    AllNodes,
}

/// The routing facts of one command.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Routed {
    pub(crate) route: Route,
    pub(crate) spec: Option<&'static CommandSpec>,
    /// Safe to run twice: retried after a connection fails with it in flight.
    pub(crate) retry_safe: bool,
}

/// Route `cmd`, using `scratch` for key positions (kept by the caller to avoid allocation).
pub(crate) fn route(cmd: &Cmd, scratch: &mut KeyPositions) -> Result<Routed, Error> {
    if cmd.is_empty() {
        return Err(unsupported(cmd, "a command needs a name"));
    }
    if let Some(reason) = managed_by_client(cmd) {
        return Err(unsupported(cmd, reason));
    }
    let spec = lookup(cmd);
    if let Some(spec) = spec {
        if would_block(cmd, spec) {
            return Err(unsupported(
                cmd,
                "blocking commands would stall the shared connection to the node; \
                 dedicated connections for them are not implemented yet",
            ));
        }
    }
    routing_positions(cmd, spec, scratch)?;
    let mut slot = None;
    for key in scratch.keys(cmd) {
        let s = key_slot(key);
        match slot {
            None => slot = Some(s),
            Some(first) if first != s => return Err(Error::CrossSlot),
            Some(_) => {}
        }
    }
    let route = match (slot, spec.map(CommandSpec::request_policy)) {
        (Some(s), _) => Route::Slot(s),
        (None, Some(RequestPolicy::AllShards)) => Route::AllPrimaries,
        (None, Some(RequestPolicy::AllNodes)) => Route::AllNodes,
        (None, _) => Route::AnyPrimary,
    };
    Ok(Routed {
        route,
        spec,
        retry_safe: spec.is_some_and(CommandSpec::is_readonly),
    })
}

fn unsupported(cmd: &Cmd, reason: &'static str) -> Error {
    Error::Unsupported {
        command: String::from_utf8_lossy(cmd.name()).into_owned(),
        reason,
    }
}

fn name_is(cmd: &Cmd, i: usize, name: &str) -> bool {
    cmd.get(i)
        .is_some_and(|a| a.eq_ignore_ascii_case(name.as_bytes()))
}

/// Commands whose meaning depends on per-connection state the client owns.
fn managed_by_client(cmd: &Cmd) -> Option<&'static str> {
    const TRANSACTION: &str = "use the transaction API, which sends MULTI/EXEC on one connection";
    const PUBSUB: &str = "subscriptions need a dedicated connection; not implemented yet";
    const HANDSHAKE: &str = "the client sends it on every connection; set it in the configuration";
    let table: [(&str, &'static str); 19] = [
        ("MULTI", TRANSACTION),
        ("EXEC", TRANSACTION),
        ("DISCARD", TRANSACTION),
        (
            "WATCH",
            "WATCH needs one connection across round trips; not supported in cluster mode",
        ),
        ("UNWATCH", TRANSACTION),
        ("SELECT", "a cluster has only database 0"),
        (
            "ASKING",
            "the client sends ASKING itself when a node answers ASK",
        ),
        (
            "READONLY",
            "replica reads are chosen with the read-from policy",
        ),
        (
            "READWRITE",
            "replica reads are chosen with the read-from policy",
        ),
        ("HELLO", HANDSHAKE),
        ("AUTH", HANDSHAKE),
        ("QUIT", "close the client instead"),
        ("RESET", "it would drop the connection's handshake state"),
        ("MONITOR", "it turns the connection into a stream"),
        ("SUBSCRIBE", PUBSUB),
        ("PSUBSCRIBE", PUBSUB),
        ("SSUBSCRIBE", PUBSUB),
        ("UNSUBSCRIBE", PUBSUB),
        ("PUNSUBSCRIBE", PUBSUB),
    ];
    if let Some((_, reason)) = table.iter().find(|(name, _)| name_is(cmd, 0, name)) {
        return Some(reason);
    }
    if name_is(cmd, 0, "SUNSUBSCRIBE") {
        return Some(PUBSUB);
    }
    if name_is(cmd, 0, "CLIENT") && (name_is(cmd, 1, "REPLY") || name_is(cmd, 1, "TRACKING")) {
        return Some("it changes which replies the connection gets, which would desynchronise it");
    }
    None
}

/// Blocking-flagged commands that really block: XREAD/XREADGROUP only with BLOCK.
fn would_block(cmd: &Cmd, spec: &CommandSpec) -> bool {
    if !spec.is_blocking() {
        return false;
    }
    if name_is(cmd, 0, "XREAD") || name_is(cmd, 0, "XREADGROUP") {
        return cmd.args().any(|a| a.eq_ignore_ascii_case(b"BLOCK"));
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(cmd: Cmd) -> Result<Routed, Error> {
        route(&cmd, &mut KeyPositions::new())
    }

    #[test]
    fn keys_pick_the_slot() {
        let got = r(Cmd::new("GET").arg("foo")).unwrap();
        assert_eq!(got.route, Route::Slot(12182));
        assert!(got.retry_safe);
        let got = r(Cmd::new("set").arg("foo").arg("v")).unwrap();
        assert_eq!(got.route, Route::Slot(12182));
        assert!(!got.retry_safe);
        let got = r(Cmd::new("MGET").arg("{u}a").arg("{u}b")).unwrap();
        assert_eq!(got.route, Route::Slot(key_slot(b"u")));
    }

    #[test]
    fn cross_slot_is_refused_before_sending() {
        assert_eq!(
            r(Cmd::new("MGET").arg("a").arg("b").arg("c")).unwrap_err(),
            Error::CrossSlot
        );
        assert_eq!(
            r(Cmd::new("EVAL").arg("return 1").arg(2).arg("a").arg("b")).unwrap_err(),
            Error::CrossSlot
        );
    }

    #[test]
    fn keyless_commands_follow_their_policy() {
        assert_eq!(r(Cmd::new("DBSIZE")).unwrap().route, Route::AllPrimaries);
        assert_eq!(
            r(Cmd::new("KEYS").arg("*")).unwrap().route,
            Route::AllPrimaries
        );
        assert_eq!(r(Cmd::new("FLUSHALL")).unwrap().route, Route::AllPrimaries);
        assert_eq!(
            r(Cmd::new("SCRIPT").arg("LOAD").arg("return 1"))
                .unwrap()
                .route,
            Route::AllNodes
        );
        assert_eq!(r(Cmd::new("PING")).unwrap().route, Route::AllPrimaries);
        assert_eq!(
            r(Cmd::new("CLUSTER").arg("INFO")).unwrap().route,
            Route::AnyPrimary
        );
        // Unknown commands: the first argument is the key.
        assert_eq!(
            r(Cmd::new("JSON.GET").arg("foo")).unwrap().route,
            Route::Slot(12182)
        );
        assert!(!r(Cmd::new("JSON.GET").arg("foo")).unwrap().retry_safe);
    }

    #[test]
    fn client_managed_and_blocking_commands_are_refused_with_a_reason() {
        for cmd in [
            Cmd::new("MULTI"),
            Cmd::new("select").arg(1),
            Cmd::new("SUBSCRIBE").arg("ch"),
            Cmd::new("CLIENT").arg("REPLY").arg("OFF"),
            Cmd::new("BLPOP").arg("q").arg(0),
            Cmd::new("XREAD")
                .arg("BLOCK")
                .arg(0)
                .arg("STREAMS")
                .arg("s")
                .arg("$"),
            Cmd::default(),
        ] {
            assert!(
                matches!(r(cmd.clone()), Err(Error::Unsupported { .. })),
                "{cmd:?}"
            );
        }
        assert_eq!(
            r(Cmd::new("XREAD").arg("STREAMS").arg("s").arg("0"))
                .unwrap()
                .route,
            Route::Slot(key_slot(b"s"))
        );
        assert!(matches!(
            r(Cmd::new("EVAL").arg("x").arg("nope")),
            Err(Error::InvalidCommand(_))
        ));
    }
}
