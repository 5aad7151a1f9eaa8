//! Where a command goes, decided before anything is sent.
//!
//! Keys decide: every key (and shard channel) must hash to one slot, whose primary serves
//! the command; keys in different slots are refused here with a CROSSSLOT error, exactly as
//! the server would refuse them, but without a round trip. Keyless commands follow their
//! request policy: to every primary, to every node, or to any one primary. Commands whose
//! effect is tied to one connection's state, which a multiplexed cluster connection cannot
//! give them, are refused with the reason; so are commands that get no reply or take the
//! connection over (`REPLCONF`, `SYNC`, `MONITOR`, `CLIENT REPLY`...): replies are matched to
//! callers by their order on the connection, so one missing or extra reply would hand every
//! later caller on that node someone else's answer. Every submission path (single commands,
//! pipelines, transactions, `submit_to`) routes through [`route`], so the refusal holds on
//! all of them. Commands that make the server hold the reply are marked, with their
//! timeout, for a connection of their own (see `blocking.rs`).

use alloc::string::String;

use super::blocking::{blocking, Blocking};
use super::Error;
use crate::command::{lookup, routing_positions, CommandSpec, KeyPositions, RequestPolicy};
use crate::{key_slot, Cmd};

/// The routing decision for one command.
///
/// ```
/// use keyslot_core::cluster::{route, Route};
/// use keyslot_core::{command::KeyPositions, key_slot, Cmd};
/// let mut scratch = KeyPositions::new();
/// let mut route_of = |cmd: Cmd| route(&cmd, &mut scratch).unwrap().route;
/// assert_eq!(route_of(Cmd::new("GET").arg("foo")), Route::Slot(key_slot(b"foo")));
/// assert_eq!(route_of(Cmd::new("DBSIZE")), Route::AllPrimaries); // summed over shards
/// assert_eq!(route_of(Cmd::new("CONFIG").arg("SET").arg("a").arg("b")), Route::AllNodes);
/// assert_eq!(route_of(Cmd::new("TIME")), Route::AnyPrimary);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// The primary of this slot.
    Slot(u16),
    /// Any one primary (keyless commands without a fan-out policy).
    AnyPrimary,
    /// Every primary, replies combined by the response policy.
    AllPrimaries,
    /// Every node, replicas included.
    AllNodes,
}

/// The routing facts of one command.
///
/// ```
/// use keyslot_core::cluster::{route, Route};
/// use keyslot_core::{command::KeyPositions, Cmd};
/// let mut scratch = KeyPositions::new();
/// let routed = route(&Cmd::new("GET").arg("foo"), &mut scratch).unwrap();
/// assert_eq!(routed.route, Route::Slot(12182));
/// assert_eq!(routed.spec.map(|s| s.name()), Some("get"));
/// assert!(routed.retry_safe); // read-only
/// assert_eq!(routed.blocking, None);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Routed {
    /// Where it goes.
    pub route: Route,
    /// Its table entry (`None` for a command the table does not know).
    pub spec: Option<&'static CommandSpec>,
    /// Safe to run twice: retried after a connection fails with it in flight.
    pub retry_safe: bool,
    /// The server may hold the reply (blocking pops, `XREAD BLOCK`, `WAIT`).
    pub blocking: Option<Blocking>,
}

/// Route `cmd`, using `scratch` for key positions (kept by the caller to avoid allocation).
///
/// This is the whole decision taken before a command is queued: which slot (or which set of
/// nodes), and whether it may be retried after a lost connection. It is public so that tools
/// (and benchmarks) can ask it without a running machine.
///
/// ```
/// use keyslot_core::cluster::{route, Error, Route};
/// use keyslot_core::{command::KeyPositions, Cmd};
/// let mut scratch = KeyPositions::new(); // reused across calls
/// let set = route(&Cmd::new("SET").arg("{user:1}:name").arg("Ada"), &mut scratch).unwrap();
/// assert_eq!(set.route, Route::Slot(keyslot_core::key_slot(b"user:1")));
/// assert!(!set.retry_safe); // a write is not sent twice
/// let cross = route(&Cmd::new("RENAME").arg("a").arg("b"), &mut scratch);
/// assert_eq!(cross.unwrap_err(), Error::CrossSlot);
/// ```
pub fn route(cmd: &Cmd, scratch: &mut KeyPositions) -> Result<Routed, Error> {
    if cmd.is_empty() {
        return Err(unsupported(cmd, "a command needs a name"));
    }
    let spec = lookup(cmd);
    if let Some(spec) = spec {
        if let Some(reason) = managed_by_client(spec) {
            return Err(unsupported(cmd, reason));
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
    // PUBLISH has no key, and any node relays it to the whole cluster; sending each channel
    // through the node of its hash spreads the load and keeps one publisher's messages to
    // a channel in order (two nodes would race each other over the cluster bus).
    if slot.is_none() && spec.is_some_and(|s| s.name() == "publish") {
        slot = cmd.get(1).map(key_slot);
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
        retry_safe: runs_twice_harmlessly(cmd, spec),
        blocking: spec.and_then(|spec| blocking(cmd, spec)),
    })
}

/// A command that may be sent again after a connection was lost with it unanswered: a
/// read, or `SCRIPT LOAD` (loading a body twice leaves the node as once: the digest is the
/// body's). Anything else that was written may have run.
pub(crate) fn runs_twice_harmlessly(cmd: &Cmd, spec: Option<&'static CommandSpec>) -> bool {
    spec.is_some_and(CommandSpec::is_readonly)
        || (cmd.name().eq_ignore_ascii_case(b"SCRIPT")
            && cmd
                .get(1)
                .is_some_and(|sub| sub.eq_ignore_ascii_case(b"LOAD")))
}

fn unsupported(cmd: &Cmd, reason: &'static str) -> Error {
    Error::Unsupported {
        command: String::from_utf8_lossy(cmd.name()).into_owned(),
        reason,
    }
}

/// Commands whose meaning depends on per-connection state the client owns, or that would
/// break the one-reply-per-command order of a shared connection. Matched on the table's
/// (lower-case) name, so the check costs one string match, not a scan.
///
/// Left alone on purpose, since each gets exactly one reply or ends the connection (and a
/// connection's end fails or retries what it carried, it never misdelivers): `SHUTDOWN` and
/// the crashing `DEBUG` subcommands, `CLIENT KILL` (even of itself: it answers, then
/// closes), `CLIENT PAUSE`, `CLIENT UNBLOCK`, `FAILOVER`, `REPLICAOF`/`SLAVEOF`, `WAIT`, and
/// `CLIENT CACHING` (an error without tracking, which is refused below).
fn managed_by_client(spec: &CommandSpec) -> Option<&'static str> {
    const TRANSACTION: &str = "use the transaction API, which sends MULTI/EXEC on one connection";
    const PUBSUB: &str = "use the client's subscribe calls, which follow the cluster";
    const HANDSHAKE: &str = "the client sends it on every connection; set it in the configuration";
    const READS: &str = "replica reads are chosen with the read-from policy";
    const REPLICATION: &str = "it belongs to the replication protocol between nodes: the server \
        answers it with no reply or with a replication stream; use INFO REPLICATION or \
        ROLE to inspect replication, REPLICAOF or CLUSTER REPLICATE to change it";
    Some(match spec.name() {
        "multi" | "exec" | "discard" | "unwatch" => TRANSACTION,
        "watch" => "WATCH needs one connection across round trips; not supported in cluster mode",
        "select" => "a cluster has only database 0",
        "asking" => "the client sends ASKING itself when a node answers ASK",
        "readonly" | "readwrite" => READS,
        "hello" | "auth" => HANDSHAKE,
        "quit" => "close the client instead",
        "reset" => "it would drop the connection's handshake state",
        "monitor" => {
            "it turns the connection into a stream; run MONITOR from redis-cli on the node"
        }
        "replconf" | "sync" | "psync" => REPLICATION,
        "script|debug" => {
            "a debugging session takes the connection over; debug scripts with redis-cli --ldb"
        }
        "subscribe" | "psubscribe" | "ssubscribe" | "unsubscribe" | "punsubscribe"
        | "sunsubscribe" => PUBSUB,
        "client|reply" | "client|tracking" => {
            "it changes which replies the connection gets, which would desynchronise it"
        }
        _ => return None,
    })
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
    fn client_managed_commands_are_refused_with_a_reason() {
        for cmd in [
            Cmd::new("MULTI"),
            Cmd::new("select").arg(1),
            Cmd::new("SUBSCRIBE").arg("ch"),
            Cmd::new("CLIENT").arg("REPLY").arg("OFF"),
            Cmd::default(),
        ] {
            assert!(
                matches!(r(cmd.clone()), Err(Error::Unsupported { .. })),
                "{cmd:?}"
            );
        }
        assert!(matches!(
            r(Cmd::new("EVAL").arg("x").arg("nope")),
            Err(Error::InvalidCommand(_))
        ));
    }

    #[test]
    fn commands_that_break_reply_order_are_refused_whatever_their_case() {
        for cmd in [
            Cmd::new("REPLCONF").arg("ACK").arg(0),
            Cmd::new("replconf").arg("GETACK").arg("*"),
            Cmd::new("REPLCONF").arg("listening-port").arg(7000),
            Cmd::new("SYNC"),
            Cmd::new("PSYNC").arg("?").arg(-1),
            Cmd::new("MONITOR"),
            Cmd::new("client").arg("reply").arg("skip"),
            Cmd::new("CLIENT").arg("TRACKING").arg("ON"),
            Cmd::new("SCRIPT").arg("DEBUG").arg("YES"),
            Cmd::new("RESET"),
            Cmd::new("QUIT"),
        ] {
            match r(cmd.clone()) {
                Err(Error::Unsupported { command, reason }) => {
                    assert!(command.eq_ignore_ascii_case(core::str::from_utf8(cmd.name()).unwrap()));
                    assert!(!reason.is_empty());
                }
                other => panic!("{cmd:?}: {other:?}"),
            }
        }
        // Each of these gets exactly one reply (or ends the connection): they are sent.
        for cmd in [
            Cmd::new("SHUTDOWN").arg("NOSAVE"),
            Cmd::new("CLIENT").arg("KILL").arg("ID").arg(1),
            Cmd::new("CLIENT").arg("CACHING").arg("YES"),
            Cmd::new("SCRIPT").arg("FLUSH"),
            Cmd::new("REPLICAOF").arg("NO").arg("ONE"),
            Cmd::new("FAILOVER"),
        ] {
            assert!(r(cmd.clone()).is_ok(), "{cmd:?}");
        }
    }

    #[test]
    fn publish_goes_through_the_node_of_its_channel() {
        let got = r(Cmd::new("PUBLISH").arg("news").arg("hi")).unwrap();
        assert_eq!(got.route, Route::Slot(key_slot(b"news")));
    }

    #[test]
    fn blocking_commands_are_routed_by_key_and_marked() {
        let blpop = r(Cmd::new("BLPOP").arg("q").arg(0)).unwrap();
        assert_eq!(blpop.route, Route::Slot(key_slot(b"q")));
        assert!(blpop
            .blocking
            .is_some_and(|b| b.dedicated && b.timeout.is_none()));
        let xread = Cmd::new("XREAD").arg("BLOCK").arg(0).arg("STREAMS");
        let xread = r(xread.arg("s").arg("$")).unwrap();
        assert_eq!(xread.route, Route::Slot(key_slot(b"s")));
        assert!(xread.blocking.is_some());
        let plain = r(Cmd::new("XREAD").arg("STREAMS").arg("s").arg("0")).unwrap();
        assert_eq!(plain.route, Route::Slot(key_slot(b"s")));
        assert!(plain.blocking.is_none());
        let wait = r(Cmd::new("WAIT").arg(1).arg(100)).unwrap();
        assert_eq!(wait.route, Route::AllPrimaries);
        assert!(wait.blocking.is_some_and(|b| !b.dedicated));
    }
}
