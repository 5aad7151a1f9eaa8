//! A reference for keyslot on tokio: a multiplexing tokio client with next to no work of
//! its own, serving the callers every client has.
//!
//! `raw-pipelined` keeps each primary's callers in lock step, and their keys on that
//! primary: no client serving independent callers can batch like that. `raw-tokio` serves
//! the same callers as the clients do (`task_loop`'s tasks on the multi-thread runtime, each
//! SET then GET of its own keys over all slots), with little more than the multiplexing:
//!
//! - each key goes by its slot to the primary the seed's `CLUSTER SLOTS` names;
//! - a primary has one connection, with a writer task that, woken by a command, steps aside
//!   once (so that the callers woken with the first queue theirs too) and then writes every
//!   command queued at once, and a reader task that finds each reply's end and hands it to
//!   the caller next in line;
//! - no redirects, retries, deadlines or topology changes, and no parsing beyond a reply's
//!   end (it does format each command and copy each reply, as the bench's floors do).
//!
//! So what it costs is mostly the runtime's tasks and wake-ups and the sockets at the batch
//! depth that independent callers give: what keyslot does beyond that is the difference.
//! (Holding a connection's next write until its last one is answered was tried too, and
//! left out: it made the servers' batches no deeper and the figures no better.)

use std::sync::Arc;

use keyslot_core::resp::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};

use super::clients::{BoxFuture, KvClient, Op};
use super::floor::{encode, reply_end};

/// A command's bytes and where its reply goes.
type Job = (Vec<u8>, oneshot::Sender<Vec<u8>>);

/// The minimal multiplexing client: a slot table and one queue per primary.
#[derive(Clone)]
pub struct RawTokio {
    /// The index in `primaries` of each slot's primary.
    slots: Arc<Vec<usize>>,
    primaries: Arc<Vec<mpsc::UnboundedSender<Job>>>,
}

impl RawTokio {
    /// Read the slot table from `seed` and connect to every primary.
    pub async fn connect(seed: &str) -> Result<RawTokio, String> {
        let seed_host = seed.rsplit_once(':').map_or(seed, |(h, _)| h);
        let mut stream = TcpStream::connect(seed).await.map_err(|e| e.to_string())?;
        let mut out = String::new();
        encode(&mut out, &["CLUSTER", "SLOTS"]);
        stream
            .write_all(out.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let mut buf = Vec::new();
        let reply = loop {
            if let Some((value, _)) = keyslot_core::resp::decode(&buf).map_err(|e| e.to_string())? {
                break value;
            }
            let mut chunk = [0u8; 16384];
            let n = stream.read(&mut chunk).await.map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("the seed closed the connection".into());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let mut slots = vec![usize::MAX; usize::from(keyslot_core::SLOT_COUNT)];
        let mut addrs: Vec<String> = Vec::new();
        let Value::Array(ranges) = reply else {
            return Err(format!("CLUSTER SLOTS answered {reply:?}"));
        };
        for range in ranges {
            let (start, end, addr) = slot_range(&range, seed_host)?;
            let index = match addrs.iter().position(|a| *a == addr) {
                Some(i) => i,
                None => {
                    addrs.push(addr);
                    addrs.len() - 1
                }
            };
            for slot in &mut slots[start..=end] {
                *slot = index;
            }
        }
        if slots.contains(&usize::MAX) {
            return Err("some slots have no primary".into());
        }
        let mut primaries = Vec::new();
        for addr in addrs {
            let stream = TcpStream::connect(&addr).await.map_err(|e| e.to_string())?;
            stream.set_nodelay(true).map_err(|e| e.to_string())?;
            let (read, write) = stream.into_split();
            let (jobs, queued) = mpsc::unbounded_channel();
            let (in_line, waiting) = mpsc::unbounded_channel();
            tokio::spawn(writer(write, queued, in_line));
            tokio::spawn(reader(read, waiting));
            primaries.push(jobs);
        }
        Ok(RawTokio {
            slots: Arc::new(slots),
            primaries: Arc::new(primaries),
        })
    }

    /// Send one command for `key` and wait for its reply's bytes.
    async fn call(&self, key: &str, args: &[&str]) -> Result<Vec<u8>, String> {
        let mut out = String::new();
        encode(&mut out, args);
        let slot = usize::from(keyslot_core::key_slot(key.as_bytes()));
        let (tx, rx) = oneshot::channel();
        self.primaries[self.slots[slot]]
            .send((out.into_bytes(), tx))
            .map_err(|_| "the connection is gone".to_string())?;
        rx.await.map_err(|_| "the connection is gone".to_string())
    }
}

/// One entry of `CLUSTER SLOTS`: its first and last slot and its primary's address.
fn slot_range(range: &Value, seed_host: &str) -> Result<(usize, usize, String), String> {
    let malformed = || format!("unexpected CLUSTER SLOTS entry {range:?}");
    let Value::Array(fields) = range else {
        return Err(malformed());
    };
    let (Some(Value::Integer(start)), Some(Value::Integer(end)), Some(Value::Array(primary))) =
        (fields.first(), fields.get(1), fields.get(2))
    else {
        return Err(malformed());
    };
    let (Some(Value::BulkString(host)), Some(Value::Integer(port))) =
        (primary.first(), primary.get(1))
    else {
        return Err(malformed());
    };
    // An empty host means the node that answered.
    let host = match std::str::from_utf8(host).map_err(|_| malformed())? {
        "" => seed_host,
        h => h,
    };
    let slot = |n: i64| usize::try_from(n).ok().filter(|s| *s < 16384);
    match (slot(*start), slot(*end)) {
        (Some(s), Some(e)) if s <= e && host.contains(':') => {
            Ok((s, e, format!("[{host}]:{port}")))
        }
        (Some(s), Some(e)) if s <= e => Ok((s, e, format!("{host}:{port}"))),
        _ => Err(malformed()),
    }
}

/// Write every command queued since the last write in one write; each command's reply
/// channel goes in line for the reader first.
async fn writer(
    mut socket: OwnedWriteHalf,
    mut queued: mpsc::UnboundedReceiver<Job>,
    in_line: mpsc::UnboundedSender<oneshot::Sender<Vec<u8>>>,
) {
    let mut out = Vec::with_capacity(64 * 1024);
    while let Some((cmd, tx)) = queued.recv().await {
        out.clear();
        out.extend_from_slice(&cmd);
        let _ = in_line.send(tx);
        // Step aside once: callers woken with this one queue their commands meanwhile.
        tokio::task::yield_now().await;
        while let Ok((cmd, tx)) = queued.try_recv() {
            out.extend_from_slice(&cmd);
            let _ = in_line.send(tx);
        }
        if socket.write_all(&out).await.is_err() {
            return;
        }
    }
}

/// Hand each reply, in order, to the caller next in line.
async fn reader(
    mut socket: OwnedReadHalf,
    mut waiting: mpsc::UnboundedReceiver<oneshot::Sender<Vec<u8>>>,
) {
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        buf.extend_from_slice(&chunk[..n]);
        let mut at = 0;
        while let Some(len) = reply_end(&buf[at..]) {
            // A command's channel is in line before its bytes are written.
            let Some(tx) = waiting.recv().await else {
                return;
            };
            let _ = tx.send(buf[at..at + len].to_vec());
            at += len;
        }
        buf.drain(..at);
    }
}

/// A GET's value: `None` for a nil reply.
fn bulk_text(reply: &[u8]) -> Result<Option<String>, String> {
    let text = String::from_utf8_lossy(reply);
    if text.starts_with("$-1") {
        return Ok(None);
    }
    match text
        .strip_prefix('$')
        .and_then(|rest| rest.split_once("\r\n"))
    {
        Some((_, body)) => Ok(Some(body.trim_end_matches("\r\n").to_string())),
        None => Err(format!("unexpected reply {text:?}")),
    }
}

impl KvClient for RawTokio {
    fn set(&self, k: String, v: String) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            match self.call(&k, &["SET", &k, &v]).await? {
                reply if reply == b"+OK\r\n" => Ok(()),
                other => Err(format!(
                    "SET answered {:?}",
                    String::from_utf8_lossy(&other)
                )),
            }
        })
    }
    fn get(&self, k: String) -> BoxFuture<'_, Result<Option<String>, String>> {
        Box::pin(async move { bulk_text(&self.call(&k, &["GET", &k]).await?) })
    }
    fn pipeline(&self, _ops: Vec<Op>) -> BoxFuture<'_, Result<Vec<Option<String>>, String>> {
        Box::pin(async { Err("raw-tokio runs setget only".to_string()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_get_reply_is_its_value_or_none() {
        assert_eq!(bulk_text(b"$2\r\nhi\r\n"), Ok(Some("hi".into())));
        assert_eq!(bulk_text(b"$-1\r\n"), Ok(None));
        assert!(bulk_text(b"-ERR no\r\n").is_err());
    }

    #[test]
    fn a_slot_range_names_its_primary_and_an_empty_host_is_the_seed() {
        let entry = Value::Array(vec![
            Value::Integer(0),
            Value::Integer(5460),
            Value::Array(vec![Value::from(""), Value::Integer(7100)]),
        ]);
        assert_eq!(
            slot_range(&entry, "127.0.0.1"),
            Ok((0, 5460, "127.0.0.1:7100".to_string()))
        );
        let reversed = Value::Array(vec![
            Value::Integer(9),
            Value::Integer(3),
            Value::Array(vec![Value::from("h"), Value::Integer(1)]),
        ]);
        assert!(slot_range(&reversed, "x").is_err());
        let v6 = Value::Array(vec![
            Value::Integer(0),
            Value::Integer(1),
            Value::Array(vec![Value::from("::1"), Value::Integer(7000)]),
        ]);
        assert_eq!(slot_range(&v6, "x"), Ok((0, 1, "[::1]:7000".to_string())));
    }
}
