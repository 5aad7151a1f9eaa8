//! Everything a request can fail with, as types a caller can match on.

use alloc::string::String;
use alloc::vec::Vec;
use bytes::Bytes;
use core::fmt;

use super::ServerError;
use crate::command::KeyError;
use crate::resp::{ProtocolError, ValueKind};
use crate::topology::Addr;

/// Why a request failed.
///
/// ```
/// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
/// # let now = Instant::from_micros(0);
/// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
/// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
/// # use keyslot_core::cluster::Error;
/// cluster.submit(Cmd::new("RENAME").arg("a").arg("b"), (), now); // keys in two slots
/// let reply = loop {
///     if let Output::Reply { reply, .. } = cluster.poll_output() { break reply; }
/// };
/// let Err(error) = reply else { panic!() };
/// assert_eq!(error, Error::CrossSlot);
/// assert!(error.retry_is_safe()); // nothing was sent
/// assert_eq!(error.to_string(), "CROSSSLOT: the command's keys map to different slots");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error reply (`WRONGTYPE ...`, `ERR ...`): the command ran
    /// (or was refused) and this is its answer. [`ServerError::kind`] tells the kinds apart.
    Server(ServerError),
    /// The reply arrived but does not convert to the type asked for (a typed command or
    /// [`FromValue`](crate::convert::FromValue)): `expected` names the type, `got` the
    /// reply's kind. The command ran.
    Type {
        /// What the conversion needed (`"integer"`, `"string"`, `"array of 2"`, ...).
        expected: &'static str,
        /// What the reply was.
        got: ValueKind,
    },
    /// The command's keys map to more than one slot; nothing was sent.
    CrossSlot,
    /// The command's arguments cannot be routed (bad `numkeys`, too few arguments).
    InvalidCommand(KeyError),
    /// The command is empty, one the client manages itself (`SELECT`, `MULTI` outside a
    /// transaction, `ASKING`, `READONLY`, `HELLO`, `AUTH`, `QUIT`, `RESET`, subscriptions), or
    /// one that gets no reply or takes the connection over and so would hand later callers
    /// each other's replies (`REPLCONF`, `SYNC`, `PSYNC`, `MONITOR`, `CLIENT REPLY`,
    /// `CLIENT TRACKING`, `SCRIPT DEBUG`). Nothing was sent; the reason says which way to go
    /// instead.
    Unsupported {
        /// The command name.
        command: String,
        /// What to do instead.
        reason: &'static str,
    },
    /// No seed could be reached or asked for the topology; each attempt and why it failed.
    NoReachableSeed {
        /// One entry per seed tried in the last round.
        attempts: Vec<SeedFailure>,
    },
    /// The server refused the credentials (or requires some). Never retried.
    Auth {
        /// The node that refused.
        addr: Addr,
        /// The server's message.
        message: Bytes,
    },
    /// Redirects and retries went on past the limit; the nodes visited, in order.
    TooManyRedirects {
        /// Each node the command was sent to.
        trail: Vec<Addr>,
    },
    /// A node redirected the command (MOVED or ASK) to an address that is neither a seed
    /// nor a node of the cluster's own view, and still did so after a rediscovery begun
    /// after its first such redirect. The client never connects to such an address —
    /// credentials go only to seeds and members — so nothing was sent there, and the
    /// redirecting node did not run the command.
    NotInCluster {
        /// The node that redirected.
        from: Addr,
        /// Where it pointed.
        to: Addr,
    },
    /// The command may write, it was written (wholly or in part), and then its connection
    /// failed or its deadline passed before the answer came: it may or may not have run.
    /// Running it again could run it twice; check first (read the key) or make it
    /// idempotent.
    OutcomeUnknown {
        /// The node the connection went to.
        addr: Addr,
    },
    /// The request's deadline passed and the command did not run: none of its bytes had
    /// left the client (they were taken back out of the connection's buffer), so retrying
    /// cannot run it twice. A read-only command may also have been sent and not answered
    /// (running a read twice is harmless); a write in that case is [`Error::OutcomeUnknown`].
    Timeout,
    /// No node serves the slot, and a fresh rediscovery confirmed it.
    UncoveredSlot(u16),
    /// A node sent bytes that are not valid RESP; its connection was closed.
    Protocol {
        /// The node.
        addr: Addr,
        /// What was wrong.
        error: ProtocolError,
    },
    /// A transaction whose commands are not all on one slot, or that the server aborted.
    Transaction(&'static str),
    /// The client was shut down before the request completed.
    Closed,
    /// The client's configuration is unusable (a malformed seed URL, a TLS setting); raised
    /// by the adapters before anything connects.
    Config(String),
}

/// One failed seed of a bootstrap round.
///
/// ```
/// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
/// # let now = Instant::from_micros(0);
/// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
/// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
/// # let conn = loop {
/// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
/// # };
/// # use keyslot_core::cluster::{Error, SeedFailure};
/// cluster.handle_connect_failed(conn, "connection refused", now);
/// let Some(Error::NoReachableSeed { attempts }) = cluster.bootstrap_error() else { panic!() };
/// let addr = Addr::new("10.0.0.1", 7000);
/// let failure = SeedFailure { addr, reason: "connection refused".into() };
/// assert_eq!(attempts, &[failure]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedFailure {
    /// The seed as given.
    pub addr: Addr,
    /// Why it failed.
    pub reason: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Server(e) => write!(f, "server error: {e}"),
            Error::Type { expected, got } => {
                write!(
                    f,
                    "the reply is {got}, which does not convert to {expected}"
                )
            }
            Error::CrossSlot => f.write_str("CROSSSLOT: the command's keys map to different slots"),
            Error::InvalidCommand(e) => write!(f, "invalid command: {e}"),
            Error::Unsupported { command, reason } => {
                write!(f, "{command} is not supported here: {reason}")
            }
            Error::NoReachableSeed { attempts } => {
                f.write_str("no seed could be reached")?;
                for (i, a) in attempts.iter().enumerate() {
                    write!(
                        f,
                        "{} {}: {}",
                        if i == 0 { ":" } else { ";" },
                        a.addr,
                        a.reason
                    )?;
                }
                Ok(())
            }
            Error::Auth { addr, message } => {
                write!(
                    f,
                    "authentication failed at {addr}: {}",
                    String::from_utf8_lossy(message)
                )
            }
            Error::TooManyRedirects { trail } => {
                f.write_str("too many redirects:")?;
                for a in trail {
                    write!(f, " {a}")?;
                }
                Ok(())
            }
            Error::NotInCluster { from, to } => write!(
                f,
                "{from} redirected to {to}, which the cluster's view does not list; not connected"
            ),
            Error::OutcomeUnknown { addr } => write!(
                f,
                "connection to {addr} failed after the command was sent; it may or may not have run"
            ),
            Error::Timeout => f.write_str("the request's deadline passed"),
            Error::UncoveredSlot(slot) => write!(f, "no node serves slot {slot}"),
            Error::Protocol { addr, error } => write!(f, "{addr} sent invalid data: {error}"),
            Error::Transaction(why) => write!(f, "transaction failed: {why}"),
            Error::Closed => f.write_str("the client was closed"),
            Error::Config(why) => write!(f, "invalid configuration: {why}"),
        }
    }
}

impl core::error::Error for Error {}

impl Error {
    /// True when the request certainly did not take effect, so sending it again cannot apply
    /// it twice: nothing was sent (`CrossSlot`, `Unsupported`, `InvalidCommand`, `Config`,
    /// `NotInCluster`, `NoReachableSeed`, `UncoveredSlot`, `Auth`), every attempt was redirected
    /// (`TooManyRedirects`), its bytes were taken
    /// back before leaving (`Timeout`), or the server refused it before running it
    /// ([`ServerError::refused_before_running`]). False where it may have run:
    /// `OutcomeUnknown`, a generic `ERR` (a script may have written before failing), a reply
    /// that did not convert (`Type`: it ran), an aborted or failed transaction, `Protocol`
    /// (the node's answer was unreadable) and `Closed` (shut down with it perhaps written). Safe is not the same as useful: a
    /// `WRONGTYPE` will fail again.
    ///
    /// ```
    /// use keyslot_core::cluster::{Error, ServerError};
    /// use keyslot_core::topology::Addr;
    /// assert!(Error::Timeout.retry_is_safe()); // its bytes never left
    /// assert!(Error::Server(ServerError::new("LOADING Redis is loading")).retry_is_safe());
    /// assert!(!Error::Server(ServerError::new("ERR Error running script")).retry_is_safe());
    /// assert!(!Error::OutcomeUnknown { addr: Addr::new("10.0.0.1", 7000) }.retry_is_safe());
    /// ```
    pub fn retry_is_safe(&self) -> bool {
        match self {
            Error::Server(e) => e.refused_before_running(),
            Error::CrossSlot
            | Error::InvalidCommand(_)
            | Error::Unsupported { .. }
            | Error::NoReachableSeed { .. }
            | Error::Auth { .. }
            | Error::TooManyRedirects { .. }
            | Error::NotInCluster { .. }
            | Error::Timeout
            | Error::UncoveredSlot(_)
            | Error::Config(_) => true,
            // Shut down with the request perhaps written.
            Error::Closed
            | Error::Type { .. }
            | Error::OutcomeUnknown { .. }
            | Error::Protocol { .. }
            | Error::Transaction(_) => false,
        }
    }

    /// The server error, when this is one.
    ///
    /// ```
    /// use keyslot_core::cluster::{Error, ServerError, ServerErrorKind};
    /// let error = Error::Server(ServerError::new("WRONGTYPE Operation against a key"));
    /// assert_eq!(error.server_error().map(|e| e.kind()), Some(ServerErrorKind::WrongType));
    /// assert_eq!(Error::Timeout.server_error(), None);
    /// ```
    pub fn server_error(&self) -> Option<&ServerError> {
        match self {
            Error::Server(e) => Some(e),
            _ => None,
        }
    }
}

impl From<KeyError> for Error {
    fn from(e: KeyError) -> Self {
        Error::InvalidCommand(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn messages_name_what_matters() {
        let e = Error::NoReachableSeed {
            attempts: alloc::vec![
                SeedFailure {
                    addr: Addr::new("a", 1),
                    reason: "connection refused".into()
                },
                SeedFailure {
                    addr: Addr::new("b", 2),
                    reason: "timed out".into()
                },
            ],
        };
        assert_eq!(
            e.to_string(),
            "no seed could be reached: a:1: connection refused; b:2: timed out"
        );
        let e = Error::TooManyRedirects {
            trail: alloc::vec![Addr::new("x", 1), Addr::new("y", 2)],
        };
        assert_eq!(e.to_string(), "too many redirects: x:1 y:2");
        let e = Error::Type {
            expected: "i64",
            got: crate::resp::ValueKind::Array(3),
        };
        assert_eq!(
            e.to_string(),
            "the reply is an array of 3, which does not convert to i64"
        );
    }

    #[test]
    fn retry_is_safe_only_where_the_command_cannot_have_run() {
        let server = |t: &'static str| Error::Server(ServerError::from(t));
        assert!(Error::Timeout.retry_is_safe());
        assert!(Error::CrossSlot.retry_is_safe());
        assert!(server("LOADING Redis is loading").retry_is_safe());
        assert!(server("WRONGTYPE Operation against a key").retry_is_safe());
        assert!(!server("ERR Error running script").retry_is_safe());
        assert!(!Error::OutcomeUnknown {
            addr: Addr::new("a", 1)
        }
        .retry_is_safe());
        assert!(!Error::Closed.retry_is_safe());
        assert!(!Error::Type {
            expected: "i64",
            got: crate::resp::ValueKind::Null
        }
        .retry_is_safe());
    }
}
