//! A server's error reply, with its code read once so callers match on kinds, not text.
//!
//! Redis and Valkey start every error reply with an upper-case code (`WRONGTYPE`, `NOSCRIPT`,
//! `BUSY`, ...; plain `ERR` for the generic case) followed by a message. [`ServerError`] keeps
//! the reply's bytes as they came and tells the code, the message and a [`ServerErrorKind`]
//! apart, so a caller writes `e.kind() == ServerErrorKind::WrongType` instead of parsing.

use bytes::Bytes;
use core::fmt;

/// An error reply from the server (`-WRONGTYPE Operation against a key ...`).
///
/// ```
/// use keyslot_core::cluster::{ServerError, ServerErrorKind};
/// let e = ServerError::new("WRONGTYPE Operation against a key holding the wrong kind of value");
/// assert_eq!(e.kind(), ServerErrorKind::WrongType);
/// assert_eq!(e.code(), "WRONGTYPE");
/// assert_eq!(e.message(), "Operation against a key holding the wrong kind of value");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ServerError(Bytes);

/// The kinds of server error a caller may want to tell apart. New codes servers add are
/// [`ServerErrorKind::Other`] until named here.
///
/// ```
/// use keyslot_core::cluster::{ServerError, ServerErrorKind};
/// let e = ServerError::new("BUSYGROUP Consumer Group name already exists");
/// let created = match e.kind() {
///     ServerErrorKind::BusyGroup => false, // it was there already: fine
///     _ => panic!("{e}"),
/// };
/// assert!(!created);
/// assert_eq!(ServerError::new("NEWCODE from a newer server").kind(), ServerErrorKind::Other);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServerErrorKind {
    /// `ERR`: the generic error (syntax, wrong number of arguments, a script's own error).
    Err,
    /// `WRONGTYPE`: the key holds another type.
    WrongType,
    /// `NOSCRIPT`: no script with that SHA1.
    NoScript,
    /// `BUSY`: a script or function is running; the command was refused.
    Busy,
    /// `OOM`: the server is out of memory and refused a write.
    Oom,
    /// `NOPERM`: the ACL user may not run this command or touch this key.
    NoPerm,
    /// `NOAUTH` / `WRONGPASS`: authentication needed or refused.
    Auth,
    /// `EXECABORT`: the transaction was discarded because a queued command was refused.
    ExecAbort,
    /// `LOADING`: the node is loading its data set.
    Loading,
    /// `READONLY`: a write was sent to a replica.
    ReadOnly,
    /// `CLUSTERDOWN`: the cluster is not serving this slot.
    ClusterDown,
    /// `TRYAGAIN`: keys of a multi-key command are split by a migration in progress.
    TryAgain,
    /// `CROSSSLOT`: the command's keys are in different slots.
    CrossSlot,
    /// `MOVED` / `ASK`: a redirect the client did not follow (the client follows them itself;
    /// seen only in raw replies such as a node-addressed command's).
    Redirect,
    /// `MASTERDOWN`: a replica's link to its primary is down.
    MasterDown,
    /// `NOREPLICAS`: not enough replicas to accept the write (`min-replicas-to-write`).
    NoReplicas,
    /// `BUSYGROUP`: a stream consumer group of that name exists.
    BusyGroup,
    /// `NOGROUP`: no such stream consumer group.
    NoGroup,
    /// `UNBLOCKED`: a blocked client was released by `CLIENT UNBLOCK ... ERROR`.
    Unblocked,
    /// Any other code.
    Other,
}

impl ServerError {
    /// The error reply's text as the server sent it (without the leading `-`).
    ///
    /// ```
    /// use keyslot_core::cluster::ServerError;
    /// let e = ServerError::new("ERR syntax error"); // the reply `-ERR syntax error`
    /// assert_eq!(e.to_string(), "ERR syntax error");
    /// ```
    pub fn new(text: impl Into<Bytes>) -> ServerError {
        ServerError(text.into())
    }

    /// The whole text, code and message.
    ///
    /// ```
    /// use keyslot_core::cluster::ServerError;
    /// let e = ServerError::new("NOSCRIPT No matching script.");
    /// assert_eq!(e.as_bytes(), b"NOSCRIPT No matching script.");
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The whole text, shared.
    ///
    /// ```
    /// use keyslot_core::cluster::ServerError;
    /// let e = ServerError::new("OOM command not allowed");
    /// let kept = e.bytes().clone(); // shares the reply's buffer
    /// assert_eq!(kept, "OOM command not allowed");
    /// ```
    pub fn bytes(&self) -> &Bytes {
        &self.0
    }

    /// The code: the first word when it is upper-case letters (`WRONGTYPE`), else `""`.
    ///
    /// ```
    /// use keyslot_core::cluster::ServerError;
    /// assert_eq!(ServerError::new("NOPERM User x has no permissions").code(), "NOPERM");
    /// assert_eq!(ServerError::new("something odd").code(), ""); // no upper-case first word
    /// ```
    pub fn code(&self) -> &str {
        let word = self.0.split(|&b| b == b' ').next().unwrap_or(&[]);
        let is_code = !word.is_empty() && word.iter().all(|b| b.is_ascii_uppercase());
        match core::str::from_utf8(word) {
            Ok(code) if is_code => code,
            _ => "",
        }
    }

    /// The text after the code (all of it when there is no code), lossily as UTF-8.
    ///
    /// ```
    /// use keyslot_core::cluster::ServerError;
    /// let e = ServerError::new("ERR unknown command 'FOO'");
    /// assert_eq!(e.message(), "unknown command 'FOO'");
    /// assert_eq!(ServerError::new("something odd").message(), "something odd");
    /// ```
    pub fn message(&self) -> alloc::borrow::Cow<'_, str> {
        let code = self.code().len();
        let rest = self.0.get(code..).unwrap_or(&[]);
        let rest = if code > 0 {
            rest.strip_prefix(b" ").unwrap_or(rest)
        } else {
            rest
        };
        alloc::string::String::from_utf8_lossy(rest)
    }

    /// What kind of error this is.
    ///
    /// ```
    /// use keyslot_core::cluster::{ServerError, ServerErrorKind};
    /// assert_eq!(ServerError::new("WRONGPASS invalid password").kind(), ServerErrorKind::Auth);
    /// assert_eq!(ServerError::new("MOVED 3999 10.0.0.2:7000").kind(), ServerErrorKind::Redirect);
    /// ```
    pub fn kind(&self) -> ServerErrorKind {
        use ServerErrorKind as K;
        match self.code() {
            "ERR" => K::Err,
            "WRONGTYPE" => K::WrongType,
            "NOSCRIPT" => K::NoScript,
            "BUSY" => K::Busy,
            "OOM" => K::Oom,
            "NOPERM" => K::NoPerm,
            "NOAUTH" | "WRONGPASS" => K::Auth,
            "EXECABORT" => K::ExecAbort,
            "LOADING" => K::Loading,
            "READONLY" => K::ReadOnly,
            "CLUSTERDOWN" => K::ClusterDown,
            "TRYAGAIN" => K::TryAgain,
            "CROSSSLOT" => K::CrossSlot,
            "MOVED" | "ASK" => K::Redirect,
            "MASTERDOWN" => K::MasterDown,
            "NOREPLICAS" => K::NoReplicas,
            "BUSYGROUP" => K::BusyGroup,
            "NOGROUP" => K::NoGroup,
            "UNBLOCKED" => K::Unblocked,
            _ => K::Other,
        }
    }

    /// True when the server refused the command before running it, so sending it again
    /// cannot apply it twice. False for `ERR` and unknown codes: a script that failed half
    /// way, or a module's own error, may have written first.
    ///
    /// ```
    /// use keyslot_core::cluster::ServerError;
    /// assert!(ServerError::new("BUSY Redis is busy running a script").refused_before_running());
    /// // A script's own error: it may have written before it failed.
    /// assert!(!ServerError::new("ERR Error running script: oops").refused_before_running());
    /// ```
    pub fn refused_before_running(&self) -> bool {
        use ServerErrorKind as K;
        matches!(
            self.kind(),
            K::WrongType
                | K::NoScript
                | K::Busy
                | K::Oom
                | K::NoPerm
                | K::Auth
                | K::ExecAbort
                | K::Loading
                | K::ReadOnly
                | K::ClusterDown
                | K::TryAgain
                | K::CrossSlot
                | K::Redirect
                | K::MasterDown
                | K::NoReplicas
                | K::BusyGroup
                | K::NoGroup
        )
    }
}

impl fmt::Debug for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ServerError({:?})",
            alloc::string::String::from_utf8_lossy(&self.0)
        )
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&alloc::string::String::from_utf8_lossy(&self.0))
    }
}

impl From<Bytes> for ServerError {
    fn from(b: Bytes) -> ServerError {
        ServerError(b)
    }
}

impl From<&'static str> for ServerError {
    fn from(s: &'static str) -> ServerError {
        ServerError(Bytes::from_static(s.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn code_message_and_kind_come_from_the_text() {
        let e =
            ServerError::from("WRONGTYPE Operation against a key holding the wrong kind of value");
        assert_eq!(e.code(), "WRONGTYPE");
        assert_eq!(e.kind(), ServerErrorKind::WrongType);
        assert_eq!(
            e.message(),
            "Operation against a key holding the wrong kind of value"
        );
        assert!(e.refused_before_running());
        let e = ServerError::from("ERR Error running script (call to f_1): @user_script:1: oops");
        assert_eq!(e.kind(), ServerErrorKind::Err);
        assert!(
            !e.refused_before_running(),
            "a script may have written first"
        );
        let e = ServerError::from("BUSYGROUP Consumer Group name already exists");
        assert_eq!(e.kind(), ServerErrorKind::BusyGroup);
        for (text, kind) in [
            ("NOSCRIPT No matching script.", ServerErrorKind::NoScript),
            ("OOM command not allowed", ServerErrorKind::Oom),
            ("NOPERM User x has no permissions", ServerErrorKind::NoPerm),
            (
                "WRONGPASS invalid username-password pair",
                ServerErrorKind::Auth,
            ),
            (
                "EXECABORT Transaction discarded",
                ServerErrorKind::ExecAbort,
            ),
            (
                "LOADING Redis is loading the dataset",
                ServerErrorKind::Loading,
            ),
            ("MOVED 3999 127.0.0.1:6381", ServerErrorKind::Redirect),
            ("UNBLOCKED client unblocked", ServerErrorKind::Unblocked),
            ("SOMENEWCODE what", ServerErrorKind::Other),
        ] {
            assert_eq!(ServerError::from(text).kind(), kind, "{text}");
        }
    }

    #[test]
    fn text_without_a_code_is_all_message() {
        let e = ServerError::from("something odd");
        assert_eq!((e.code(), e.kind()), ("", ServerErrorKind::Other));
        assert_eq!(e.message(), "something odd");
        let e = ServerError::from("");
        assert_eq!((e.code(), e.message().to_string()), ("", "".to_string()));
        assert_eq!(e.to_string(), "");
        let e = ServerError::from("ERR");
        assert_eq!((e.code(), e.message().to_string()), ("ERR", "".to_string()));
    }
}
