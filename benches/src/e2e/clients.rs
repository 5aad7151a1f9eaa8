//! The clients under test behind one small interface, and the task loop they all run.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use super::measure::record;
use super::{key, value};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One operation of a pipeline.
#[derive(Clone, Debug)]
pub enum Op {
    Set(String, String),
    Get(String),
}

/// What every client under test can do. Errors are strings: the bench only counts them.
pub trait KvClient: Clone + Send + Sync + 'static {
    fn set(&self, k: String, v: String) -> BoxFuture<'_, Result<(), String>>;
    fn get(&self, k: String) -> BoxFuture<'_, Result<Option<String>, String>>;
    /// Run `ops` as one pipeline; GETs yield values, SETs `None`.
    fn pipeline(&self, ops: Vec<Op>) -> BoxFuture<'_, Result<Vec<Option<String>>, String>>;
}

fn text(v: keyslot::Value) -> Result<Option<String>, String> {
    match v {
        keyslot::Value::Null => Ok(None),
        keyslot::Value::BulkString(b) | keyslot::Value::SimpleString(b) => {
            Ok(Some(String::from_utf8_lossy(&b).into_owned()))
        }
        other => Err(format!("unexpected reply {other:?}")),
    }
}

fn keyslot_cmd(op: &Op) -> keyslot::Cmd {
    match op {
        Op::Set(k, v) => keyslot::Cmd::new("SET").arg(k.as_str()).arg(v.as_str()),
        Op::Get(k) => keyslot::Cmd::new("GET").arg(k.as_str()),
    }
}

macro_rules! keyslot_client {
    ($ty:ty) => {
        impl KvClient for $ty {
            fn set(&self, k: String, v: String) -> BoxFuture<'_, Result<(), String>> {
                Box::pin(async move {
                    self.send(keyslot::Cmd::new("SET").arg(k).arg(v))
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                })
            }
            fn get(&self, k: String) -> BoxFuture<'_, Result<Option<String>, String>> {
                Box::pin(async move {
                    text(
                        self.send(keyslot::Cmd::new("GET").arg(k))
                            .await
                            .map_err(|e| e.to_string())?,
                    )
                })
            }
            fn pipeline(&self, ops: Vec<Op>) -> BoxFuture<'_, Result<Vec<Option<String>>, String>> {
                Box::pin(async move {
                    let cmds = ops.iter().map(keyslot_cmd).collect();
                    let results = Client::pipeline(self, cmds)
                        .await
                        .map_err(|e| e.to_string())?;
                    results
                        .into_iter()
                        .map(|r| text(r.map_err(|e| e.to_string())?))
                        .collect()
                })
            }
        }
    };
}

use keyslot::Client;
keyslot_client!(keyslot::tokio::Client);
keyslot_client!(keyslot::smol::Client);

/// keyslot on tokio through its typed methods (`set::<()>`, `get::<Option<String>>`), to
/// measure what the conversions cost against the raw `send` path.
#[derive(Clone)]
pub struct Typed(pub keyslot::tokio::Client);

impl KvClient for Typed {
    fn set(&self, k: String, v: String) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move { self.0.set::<()>(k, v).await.map_err(|e| e.to_string()) })
    }
    fn get(&self, k: String) -> BoxFuture<'_, Result<Option<String>, String>> {
        Box::pin(async move {
            self.0
                .get::<Option<String>>(k)
                .await
                .map_err(|e| e.to_string())
        })
    }
    fn pipeline(&self, ops: Vec<Op>) -> BoxFuture<'_, Result<Vec<Option<String>>, String>> {
        KvClient::pipeline(&self.0, ops)
    }
}

impl KvClient for redis::cluster_async::ClusterConnection {
    fn set(&self, k: String, v: String) -> BoxFuture<'_, Result<(), String>> {
        let mut conn = self.clone();
        Box::pin(async move {
            redis::cmd("SET")
                .arg(k)
                .arg(v)
                .query_async::<()>(&mut conn)
                .await
                .map_err(|e| e.to_string())
        })
    }
    fn get(&self, k: String) -> BoxFuture<'_, Result<Option<String>, String>> {
        let mut conn = self.clone();
        Box::pin(async move {
            redis::cmd("GET")
                .arg(k)
                .query_async::<Option<String>>(&mut conn)
                .await
                .map_err(|e| e.to_string())
        })
    }
    fn pipeline(&self, ops: Vec<Op>) -> BoxFuture<'_, Result<Vec<Option<String>>, String>> {
        let mut conn = self.clone();
        Box::pin(async move {
            let mut pipe = redis::pipe();
            for op in &ops {
                match op {
                    Op::Set(k, v) => pipe.cmd("SET").arg(k).arg(v),
                    Op::Get(k) => pipe.cmd("GET").arg(k),
                };
            }
            let values: Vec<redis::Value> = pipe
                .query_async(&mut conn)
                .await
                .map_err(|e| e.to_string())?;
            values
                .into_iter()
                .map(|v| match v {
                    redis::Value::Nil => Ok(None),
                    redis::Value::Okay => Ok(None),
                    redis::Value::BulkString(b) => {
                        Ok(Some(String::from_utf8_lossy(&b).into_owned()))
                    }
                    redis::Value::SimpleString(s) => Ok(Some(s)),
                    other => Err(format!("unexpected {other:?}")),
                })
                .collect()
        })
    }
}

impl KvClient for fred::clients::Client {
    fn set(&self, k: String, v: String) -> BoxFuture<'_, Result<(), String>> {
        use fred::interfaces::KeysInterface;
        Box::pin(async move {
            KeysInterface::set::<(), _, _>(self, k, v, None, None, false)
                .await
                .map_err(|e| e.to_string())
        })
    }
    fn get(&self, k: String) -> BoxFuture<'_, Result<Option<String>, String>> {
        use fred::interfaces::KeysInterface;
        Box::pin(async move {
            KeysInterface::get::<Option<String>, _>(self, k)
                .await
                .map_err(|e| e.to_string())
        })
    }
    fn pipeline(&self, ops: Vec<Op>) -> BoxFuture<'_, Result<Vec<Option<String>>, String>> {
        use fred::interfaces::KeysInterface;
        Box::pin(async move {
            let pipe = self.pipeline();
            for op in &ops {
                let queued: Result<(), _> = match op {
                    Op::Set(k, v) => pipe.set(k.as_str(), v.as_str(), None, None, false).await,
                    Op::Get(k) => pipe.get(k.as_str()).await,
                };
                queued.map_err(|e| e.to_string())?;
            }
            let values: Vec<fred::types::Value> = pipe.all().await.map_err(|e| e.to_string())?;
            values
                .into_iter()
                .map(|v| match v {
                    fred::types::Value::Null => Ok(None),
                    fred::types::Value::String(s) if s == "OK" => Ok(None),
                    fred::types::Value::String(s) => Ok(Some(s.to_string())),
                    fred::types::Value::Bytes(b) => {
                        Ok(Some(String::from_utf8_lossy(&b).into_owned()))
                    }
                    other => Err(format!("unexpected {other:?}")),
                })
                .collect()
        })
    }
}

/// What one task counted (latencies go to [`record`]).
#[derive(Default)]
pub struct TaskResult {
    pub ops: u64,
    pub errors: u64,
    pub wrong: u64,
    /// The first error, for the report.
    pub first_error: Option<String>,
}

impl TaskResult {
    pub(crate) fn error(&mut self, e: String) {
        self.errors += 1;
        self.first_error.get_or_insert(e);
    }
}

/// One task: until `deadline`, either SET then GET (checking the value) of its own keys, or
/// 100-command cross-slot pipelines of 50 SETs and the 50 GETs that read them back.
pub async fn task_loop<C: KvClient>(
    client: C,
    task: usize,
    pipeline: bool,
    deadline: Instant,
) -> TaskResult {
    let mut r = TaskResult::default();
    let mut i = 0u64;
    while Instant::now() < deadline {
        i += 1;
        if pipeline {
            let mut ops = Vec::with_capacity(100);
            for j in 0..50 {
                ops.push(Op::Set(key(task, i * 50 + j), value(task, i * 50 + j)));
            }
            for j in 0..50 {
                ops.push(Op::Get(key(task, i * 50 + j)));
            }
            let t = Instant::now();
            match client.pipeline(ops).await {
                Ok(values) => {
                    for (j, v) in values[50..].iter().enumerate() {
                        if v.as_deref() != Some(value(task, i * 50 + j as u64).as_str()) {
                            r.wrong += 1;
                        }
                    }
                    r.ops += 100;
                }
                Err(e) => r.error(e),
            }
            record(t.elapsed().as_micros() as u64);
        } else {
            let (k, v) = (key(task, i), value(task, i));
            let t = Instant::now();
            let set = client.set(k.clone(), v.clone()).await;
            record(t.elapsed().as_micros() as u64);
            let t = Instant::now();
            let got = client.get(k).await;
            record(t.elapsed().as_micros() as u64);
            match (set, got) {
                (Ok(()), Ok(Some(got))) if got == v => r.ops += 2,
                (Ok(()), Ok(_)) => r.wrong += 1,
                (Err(e), _) | (_, Err(e)) => r.error(e),
            }
        }
    }
    r
}

/// The blocking client's loop: one thread per task.
pub fn blocking_loop(
    client: keyslot::blocking::Client,
    task: usize,
    deadline: Instant,
) -> TaskResult {
    let mut r = TaskResult::default();
    let mut i = 0u64;
    while Instant::now() < deadline {
        i += 1;
        let (k, v) = (key(task, i), value(task, i));
        let t = Instant::now();
        let set = client.send(keyslot::Cmd::new("SET").arg(k.as_str()).arg(v.as_str()));
        record(t.elapsed().as_micros() as u64);
        let t = Instant::now();
        let got = client
            .send(keyslot::Cmd::new("GET").arg(k.as_str()))
            .map(text);
        record(t.elapsed().as_micros() as u64);
        match (set, got) {
            (Ok(_), Ok(Ok(Some(got)))) if got == v => r.ops += 2,
            (Ok(_), Ok(Ok(_))) => r.wrong += 1,
            (Err(e), _) | (_, Err(e)) => r.error(e.to_string()),
            (_, Ok(Err(e))) => r.error(e),
        }
    }
    r
}

/// A short pause so connections settle before measuring.
pub const WARMUP: Duration = Duration::from_millis(300);
