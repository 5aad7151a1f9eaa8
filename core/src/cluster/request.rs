//! Requests as data: everything a caller can ask the machine to run, in one type.
//!
//! A driver hands [`Cluster::submit`] a [`Request`] and a token of its own; the token comes
//! back in the request's [`Output::Reply`](super::Output::Reply), so the driver needs no
//! table of its own to find the caller a reply is for.
//!
//! Every kind of request here has one result. A pipeline has one per command, so it is not
//! a `Request`: [`Cluster::submit_pipeline`] takes it, with a token of the pipeline token
//! type, and its [`Output::PipelineReply`](super::Output::PipelineReply) carries that
//! token and the list. A reply's shape is thereby fixed by its token's type: a driver whose
//! tokens are reply channels gives each caller a channel of the right type, and no reply
//! can arrive in a shape its caller cannot take. [`Token`] is either kind, where the
//! machine hands back tokens of both (cancelling, and looking at those still waiting).

use alloc::vec::Vec;

use crate::topology::Addr;
use crate::{Cmd, ScriptCall};

#[cfg(doc)]
use super::Cluster;

/// What a caller asks the machine to run. `Cmd` and `ScriptCall` convert into it, so the
/// common case reads `cluster.submit(cmd, token, now)`.
///
/// ```
/// use keyslot_core::cluster::Request;
/// use keyslot_core::Cmd;
/// let get: Request = Cmd::new("GET").arg("k").into();
/// assert!(matches!(get, Request::Command(_)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// One command, routed by its keys' slot (a multi-key command whose keys span slots is
    /// split by slot when it can be, and its parts' replies combined).
    ///
    /// ```
    /// # use keyslot_core::cluster::Request;
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
    /// let id = cluster.submit(Cmd::new("GET").arg("k"), (), now);
    /// assert_eq!(cluster.transmit(conn), b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    /// cluster.handle_written(conn, cluster.transmit(conn).len());
    /// cluster.handle_data(conn, b"$1\r\nv\r\n", now); // the node's answer
    /// let reply = loop {
    ///     if let Output::Reply { reply, .. } = cluster.poll_output() { break reply; }
    /// };
    /// assert_eq!(reply, Ok(Value::BulkString("v".into())));
    /// # let _ = id;
    /// ```
    Command(Cmd),
    /// The commands of a MULTI/EXEC transaction, whose keys must all be in one slot. The
    /// reply is an array of the commands' replies; on MOVED or ASK the whole transaction is
    /// sent again to the right node.
    ///
    /// ```
    /// # use keyslot_core::cluster::Request;
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
    /// let visits = Cmd::new("INCR").arg("{user:1}:visits");
    /// let clicks = Cmd::new("INCR").arg("{user:1}:clicks"); // same hash tag: one slot
    /// let cmds = vec![visits, clicks];
    /// cluster.submit(Request::Transaction(cmds), (), now);
    /// assert!(cluster.transmit(conn).starts_with(b"*1\r\n$5\r\nMULTI\r\n"));
    /// cluster.handle_written(conn, cluster.transmit(conn).len());
    /// // MULTI's OK, two QUEUED, then EXEC's array.
    /// cluster.handle_data(conn, b"+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n:1\r\n:7\r\n", now);
    /// let reply = loop {
    ///     if let Output::Reply { reply, .. } = cluster.poll_output() { break reply; }
    /// };
    /// let replies = Value::Array(vec![Value::Integer(1), Value::Integer(7)]);
    /// assert_eq!(reply, Ok(replies));
    /// ```
    Transaction(Vec<Cmd>),
    /// A command for one node, whatever its keys: for node-level commands (`CLUSTER NODES`,
    /// `INFO`, `MEMORY STATS`) and tools. Redirects are not followed — the node's own answer,
    /// MOVED included, is the reply; transient errors are still retried.
    ///
    /// ```
    /// # use keyslot_core::cluster::Request;
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
    /// cluster.submit(Request::ToNode(Addr::new("10.0.0.1", 7000), Cmd::new("DBSIZE")), (), now);
    /// assert_eq!(cluster.transmit(conn), b"*1\r\n$6\r\nDBSIZE\r\n");
    /// cluster.handle_written(conn, cluster.transmit(conn).len());
    /// cluster.handle_data(conn, b":42\r\n", now); // that node's own count
    /// let reply = loop {
    ///     if let Output::Reply { reply, .. } = cluster.poll_output() { break reply; }
    /// };
    /// assert_eq!(reply, Ok(Value::Integer(42)));
    /// ```
    ToNode(Addr, Cmd),
    /// A script call (`EVALSHA`): a node that does not have the script answers `NOSCRIPT`,
    /// and the machine loads it there and runs the call again, once.
    ///
    /// ```
    /// # use keyslot_core::cluster::Request;
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
    /// let script = keyslot_core::Script::new("return 1");
    /// cluster.submit(script.call(), (), now);
    /// assert!(cluster.transmit(conn).starts_with(b"*3\r\n$7\r\nEVALSHA\r\n"));
    /// cluster.handle_written(conn, cluster.transmit(conn).len());
    /// cluster.handle_data(conn, b"-NOSCRIPT No matching script.\r\n", now);
    /// // The machine sent SCRIPT LOAD and EVALSHA again; the node answers both.
    /// let answers = format!("$40\r\n{}\r\n:1\r\n", script.sha1());
    /// cluster.handle_data(conn, answers.as_bytes(), now);
    /// let reply = loop {
    ///     if let Output::Reply { reply, .. } = cluster.poll_output() { break reply; }
    /// };
    /// assert_eq!(reply, Ok(Value::Integer(1)));
    /// ```
    Script(ScriptCall),
}

impl From<Cmd> for Request {
    /// ```
    /// # use keyslot_core::{cluster::Request, Cmd};
    /// assert_eq!(Request::from(Cmd::new("PING")), Request::Command(Cmd::new("PING")));
    /// ```
    fn from(cmd: Cmd) -> Request {
        Request::Command(cmd)
    }
}

impl From<ScriptCall> for Request {
    /// ```
    /// # use keyslot_core::{cluster::Request, Script};
    /// let call = Script::new("return 1").call();
    /// assert!(matches!(Request::from(call), Request::Script(_)));
    /// ```
    fn from(call: ScriptCall) -> Request {
        Request::Script(call)
    }
}

/// A request's token as the machine hands it back where it may be either kind: `Single` for
/// a [`Request`] (type `T`), `Pipeline` for a pipeline (type `P`; see
/// [`Cluster::submit_pipeline`]).
///
/// ```
/// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config};
/// use keyslot_core::cluster::Token;
/// # let now = Instant::from_micros(0);
/// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
/// let mut cluster: Cluster<&str, (), u32> = Cluster::new(Config::default(), seeds, now);
/// let get = cluster.submit(Cmd::new("GET").arg("k"), "one", now); // all wait for a view
/// let batch = cluster.submit_pipeline(vec![Cmd::new("GET").arg("k")], 7, now);
/// assert_eq!(cluster.cancel(batch, now), Some(Token::Pipeline(7)));
/// assert_eq!(cluster.cancel(get, now), Some(Token::Single("one")));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token<T, P> {
    /// A [`Request`]'s token.
    Single(T),
    /// A pipeline's token.
    Pipeline(P),
}

impl<T, P> Token<T, P> {
    /// The token, borrowed.
    ///
    /// ```
    /// # use keyslot_core::cluster::Token;
    /// let token: Token<String, u8> = Token::Single("caller".into());
    /// assert_eq!(token.as_ref(), Token::Single(&"caller".to_string()));
    /// ```
    pub fn as_ref(&self) -> Token<&T, &P> {
        match self {
            Token::Single(t) => Token::Single(t),
            Token::Pipeline(p) => Token::Pipeline(p),
        }
    }

    /// The token, borrowed mutably.
    ///
    /// ```
    /// # use keyslot_core::cluster::Token;
    /// let mut token: Token<u8, u8> = Token::Pipeline(1);
    /// if let Token::Pipeline(n) = token.as_mut() { *n += 1; }
    /// assert_eq!(token, Token::Pipeline(2));
    /// ```
    pub fn as_mut(&mut self) -> Token<&mut T, &mut P> {
        match self {
            Token::Single(t) => Token::Single(t),
            Token::Pipeline(p) => Token::Pipeline(p),
        }
    }
}

impl<X> Token<X, X> {
    /// The token, whichever kind, when both kinds have one type (`Cluster<T>` gives
    /// pipelines `T` too).
    ///
    /// ```
    /// # use keyslot_core::cluster::Token;
    /// assert_eq!(Token::<u8, u8>::Pipeline(3).into_inner(), 3);
    /// ```
    pub fn into_inner(self) -> X {
        match self {
            Token::Single(x) | Token::Pipeline(x) => x,
        }
    }
}
