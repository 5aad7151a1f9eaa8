//! redis-rs compatibility (feature `redis-compat`): keyslot's clients as redis-rs
//! connections.
//!
//! [`RedisConnection`] (from [`Client::redis_connection`]) implements
//! `redis::aio::ConnectionLike`, and [`BlockingRedisConnection`] (from
//! `blocking::Client::redis_connection`) `redis::ConnectionLike`, so code written against
//! redis-rs — `redis::AsyncCommands` / `redis::Commands`, `redis::cmd`, `redis::pipe()`
//! (atomic or not), `redis::Script`, `FromRedisValue` types — runs on keyslot by changing
//! only how the connection is made. (They are handles of their own, not the clients: the
//! clients' typed methods share redis-rs's names with other signatures, and an inherent
//! method would win over the trait's.)
//!
//! ```no_run
//! # async fn demo() -> redis::RedisResult<()> {
//! use redis::AsyncCommands;
//! let client = keyslot::tokio::Client::connect(["127.0.0.1:7000"]).await.unwrap();
//! let mut con = client.redis_connection();
//! let () = con.set("greeting", "hello").await?;
//! let n: i64 = con.incr("visits", 5).await?;
//! # let _ = n; Ok(()) }
//! ```
//!
//! A keyless `SCAN` (redis-rs's `scan`, `scan_match` and their iterators) is a cluster-wide
//! scan: every primary's keys, through failovers and resharding, behind a cursor of
//! keyslot's own (see [`MAX_OPEN_SCANS`]); `HSCAN`, `SSCAN` and `ZSCAN` go to their key's
//! node.
//!
//! Each command is routed, redirected and retried by keyslot as if sent with
//! [`Client::send`]; a non-atomic pipeline runs as [`Client::pipeline`] (each command on its
//! own slot), an atomic one as [`Client::transaction`]. Replies are handed over in redis-rs's
//! own form (RESP is re-encoded and parsed by redis-rs itself, so every value kind comes out
//! as redis-rs would build it); keyslot's errors become redis-rs errors with the text of
//! keyslot's.

use keyslot_core::resp::{self, Protocol, Value};
use keyslot_core::Cmd;

use crate::runtime::Runtime;
use crate::{Client, Error};

mod scan;

pub use scan::MAX_OPEN as MAX_OPEN_SCANS;

/// A redis-rs command as a keyslot one.
fn command(cmd: &redis::Cmd) -> redis::RedisResult<Cmd> {
    let mut out = Cmd::default();
    for arg in cmd.args_iter() {
        match arg {
            redis::Arg::Simple(bytes) => out.push_single(bytes),
            // A scan iterator's cursor, which only redis-rs's own encoding writes in.
            _ => return only(packed_commands(&cmd.get_packed_command())?),
        }
    }
    if out.is_empty() {
        return Err(unsupported("an empty command"));
    }
    Ok(out)
}

/// The one command of a packed request.
fn only(mut cmds: Vec<Cmd>) -> redis::RedisResult<Cmd> {
    match (cmds.pop(), cmds.is_empty()) {
        (Some(one), true) => Ok(one),
        _ => Err(unsupported("several commands in one packed command")),
    }
}

/// The commands of a packed (RESP-encoded) request, as the blocking trait receives them.
fn packed_commands(mut bytes: &[u8]) -> redis::RedisResult<Vec<Cmd>> {
    let mut cmds = Vec::new();
    while !bytes.is_empty() {
        let Ok(Some((value, used))) = resp::decode(bytes) else {
            return Err(unsupported(
                "a packed command that is not a complete RESP array",
            ));
        };
        bytes = &bytes[used..];
        let Value::Array(args) = value else {
            return Err(unsupported("a packed command that is not an array"));
        };
        let mut cmd = Cmd::default();
        for arg in args {
            match arg.as_bytes() {
                Some(b) => cmd.push_single(b),
                None => return Err(unsupported("a packed argument that is not a string")),
            }
        }
        cmds.push(cmd);
    }
    Ok(cmds)
}

pub(crate) fn unsupported(what: &'static str) -> redis::RedisError {
    redis::RedisError::from((
        redis::ErrorKind::Client,
        "not supported by keyslot",
        what.to_string(),
    ))
}

/// A keyslot value in redis-rs's form, through RESP so that redis-rs builds it itself.
fn value(v: &Value) -> redis::RedisResult<redis::Value> {
    let mut bytes = Vec::new();
    resp::encode_as(v, Protocol::Resp3, &mut bytes);
    redis::parse_redis_value(&bytes)
}

/// A keyslot error as a redis-rs one: a server error keeps its code and message.
fn error(e: Error) -> redis::RedisError {
    match e {
        Error::Server(text) => match value(&Value::Error(text.bytes().clone())) {
            Ok(redis::Value::ServerError(server)) => server.into(),
            _ => redis::RedisError::from((
                redis::ErrorKind::Client,
                "server error",
                text.to_string(),
            )),
        },
        other => {
            let kind = match &other {
                Error::Auth { .. } => redis::ErrorKind::AuthenticationFailed,
                Error::Type { .. } => redis::ErrorKind::UnexpectedReturnType,
                Error::Config(_) => redis::ErrorKind::InvalidClientConfig,
                _ => redis::ErrorKind::Io,
            };
            redis::RedisError::from((kind, "keyslot", other.to_string()))
        }
    }
}

/// One command's reply.
fn reply(r: Result<Value, Error>) -> redis::RedisResult<redis::Value> {
    value(&r.map_err(error)?)
}

/// The `count` replies from `offset` that redis-rs reads of a non-atomic pipeline.
fn pipeline_replies(
    results: Result<Vec<Result<Value, Error>>, Error>,
    offset: usize,
    count: usize,
) -> redis::RedisResult<Vec<redis::Value>> {
    results
        .map_err(error)?
        .into_iter()
        .skip(offset)
        .take(count)
        .map(entry)
        .collect()
}

/// A pipeline entry's result: a server error stays in the list (redis-rs decides what to do
/// with it); any other failure fails the whole pipeline.
fn entry(r: Result<Value, Error>) -> redis::RedisResult<redis::Value> {
    match r {
        Ok(v) => value(&v),
        Err(Error::Server(text)) => value(&Value::Error(text.bytes().clone())),
        Err(e) => Err(error(e)),
    }
}

/// An async [`Client`] as a redis-rs connection (see the [module docs](self)). Cloning it
/// is cheap; every clone shares the client.
///
/// ```no_run
/// # async fn demo(client: keyslot::tokio::Client) -> redis::RedisResult<()> {
/// let mut con = client.redis_connection();
/// // A non-atomic pipeline: each command goes to its own slot's node.
/// let (a, b): (i64, i64) = redis::pipe().incr("a", 1).incr("b", 1).query_async(&mut con).await?;
/// # let _ = (a, b); Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct RedisConnection<R> {
    client: Client<R>,
    scans: scan::Scans<crate::Scan<R>>,
}

impl<R: Runtime> Client<R> {
    /// This client as a redis-rs `aio::ConnectionLike`, for code written against redis-rs.
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> redis::RedisResult<()> {
    /// use redis::AsyncCommands;
    /// let mut con = client.redis_connection();
    /// let name: Option<String> = con.get("user:1:name").await?;
    /// # let _ = name; Ok(()) }
    /// ```
    pub fn redis_connection(&self) -> RedisConnection<R> {
        RedisConnection {
            client: self.clone(),
            scans: scan::Scans::default(),
        }
    }
}

impl<R: Runtime> redis::aio::ConnectionLike for RedisConnection<R> {
    fn req_packed_command<'a>(
        &'a mut self,
        cmd: &'a redis::Cmd,
    ) -> redis::RedisFuture<'a, redis::Value> {
        Box::pin(async move {
            let cmd = command(cmd)?;
            let Some(request) = scan::request(&cmd) else {
                return reply(self.client.send(cmd).await);
            };
            let mut scan = match request? {
                scan::Request::Start(opts) => self.client.scan(opts),
                scan::Request::Resume(cursor) => self.scans.take(cursor)?,
            };
            let batch = scan.next_batch().await;
            value(&self.scans.reply(scan, batch)?)
        })
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> redis::RedisFuture<'a, Vec<redis::Value>> {
        Box::pin(async move {
            let cmds = pipeline
                .cmd_iter()
                .map(command)
                .collect::<Result<Vec<_>, _>>()?;
            if pipeline.is_transaction() {
                // redis-rs skips MULTI's OK and each QUEUED, and reads EXEC's array.
                return Ok(vec![reply(self.client.transaction(cmds).await)?]);
            }
            pipeline_replies(self.client.pipeline(cmds).await, offset, count)
        })
    }

    fn get_db(&self) -> i64 {
        0
    }
}

/// A blocking client as a redis-rs connection (see the [module docs](self)).
///
/// ```no_run
/// # fn demo(client: keyslot::blocking::Client) -> redis::RedisResult<()> {
/// let mut con = client.redis_connection();
/// let n: i64 = redis::cmd("INCR").arg("visits").query(&mut con)?;
/// # let _ = n; Ok(()) }
/// ```
#[cfg(feature = "blocking")]
#[derive(Clone, Debug)]
pub struct BlockingRedisConnection {
    client: crate::blocking::Client,
    scans: scan::Scans<crate::blocking::Scan>,
}

#[cfg(feature = "blocking")]
impl crate::blocking::Client {
    /// This client as a redis-rs `ConnectionLike`, for code written against redis-rs.
    ///
    /// ```no_run
    /// # fn demo(client: keyslot::blocking::Client) -> redis::RedisResult<()> {
    /// use redis::Commands;
    /// let mut con = client.redis_connection();
    /// let () = con.set("greeting", "hello")?;
    /// # Ok(()) }
    /// ```
    pub fn redis_connection(&self) -> BlockingRedisConnection {
        BlockingRedisConnection {
            client: self.clone(),
            scans: scan::Scans::default(),
        }
    }
}

#[cfg(feature = "blocking")]
impl redis::ConnectionLike for BlockingRedisConnection {
    fn req_packed_command(&mut self, cmd: &[u8]) -> redis::RedisResult<redis::Value> {
        let cmd = only(packed_commands(cmd)?)?;
        let Some(request) = scan::request(&cmd) else {
            return reply(self.client.send(cmd));
        };
        let mut scan = match request? {
            scan::Request::Start(opts) => self.client.scan(opts),
            scan::Request::Resume(cursor) => self.scans.take(cursor)?,
        };
        let batch = scan.next_batch();
        value(&self.scans.reply(scan, batch)?)
    }

    fn req_packed_commands(
        &mut self,
        cmd: &[u8],
        offset: usize,
        count: usize,
    ) -> redis::RedisResult<Vec<redis::Value>> {
        let mut cmds = packed_commands(cmd)?;
        let is =
            |c: Option<&Cmd>, name: &[u8]| c.is_some_and(|c| c.name().eq_ignore_ascii_case(name));
        if is(cmds.first(), b"MULTI") && is(cmds.last(), b"EXEC") {
            cmds.pop();
            cmds.remove(0);
            return Ok(vec![reply(self.client.transaction(cmds))?]);
        }
        pipeline_replies(self.client.pipeline(cmds), offset, count)
    }

    fn get_db(&self) -> i64 {
        0
    }

    fn check_connection(&mut self) -> bool {
        self.client.send(Cmd::new("PING")).is_ok()
    }

    fn is_open(&self) -> bool {
        true
    }
}
