//! Everything a request can fail with, as types a caller can match on.

use alloc::string::String;
use alloc::vec::Vec;
use bytes::Bytes;
use core::fmt;

use crate::command::KeyError;
use crate::resp::ProtocolError;
use crate::topology::Addr;

/// Why a request failed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error reply (`WRONGTYPE ...`, `ERR ...`): the command ran
    /// (or was refused) and this is its answer.
    Server(Bytes),
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
            Error::Server(text) => write!(f, "server error: {}", String::from_utf8_lossy(text)),
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
    }
}
