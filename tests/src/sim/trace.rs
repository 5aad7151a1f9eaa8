//! The run's trace: a hash of everything that happened, and the last events in words.
//!
//! The hash (FNV-1a over a compact record of each step: time, kind, connection, sizes,
//! replies) is what the determinism check compares between two runs of one seed. The ring
//! of recent events, formatted only when a run fails, is what a failure report prints.

use std::collections::VecDeque;
use std::fmt;

use keyslot_core::cluster::{ConnId, Error, Event};
use keyslot_core::resp::Value;
use keyslot_core::time::Instant;
use keyslot_core::topology::Addr;

use super::workload::{Kind, Reply};

/// One remembered event, formatted only when a report needs it.
#[derive(Debug)]
pub enum Line {
    /// Free text.
    Text(String),
    /// A client event.
    Event(Event),
    /// A reply.
    Reply(u64, Reply),
    /// A submission.
    Submit(u64, Kind),
    /// The client opened a connection.
    Connect(ConnId, Addr),
    /// The client closed one.
    Close(ConnId),
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Line::Text(t) => f.write_str(t),
            Line::Event(e) => write!(f, "event {e:?}"),
            Line::Reply(id, r) => write!(f, "reply #{id} {r:?}"),
            Line::Submit(id, k) => write!(f, "submit #{id} {k:?}"),
            Line::Connect(c, a) => write!(f, "connect {c} -> {a}"),
            Line::Close(c) => write!(f, "close {c}"),
        }
    }
}

/// How many recent events a failure report shows.
pub const RING: usize = 60;

/// The trace of one run.
#[derive(Debug)]
pub struct Trace {
    hash: u64,
    ring: VecDeque<(Instant, Line)>,
    /// Keep the ring (off when only the hash matters, e.g. at scale).
    pub keep_ring: bool,
    /// Steps hashed.
    pub steps: u64,
    /// Print every note to stderr as it happens (`KEYSLOT_SIM_LOG=1`).
    pub echo: bool,
}

impl Default for Trace {
    fn default() -> Self {
        Trace {
            hash: 0xcbf2_9ce4_8422_2325,
            ring: VecDeque::new(),
            keep_ring: true,
            steps: 0,
            echo: std::env::var_os("KEYSLOT_SIM_LOG").is_some(),
        }
    }
}

impl Trace {
    /// Mix bytes into the hash.
    pub fn mix(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.hash ^= u64::from(b);
            self.hash = self.hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// Mix a number into the hash.
    pub fn mix_u64(&mut self, v: u64) {
        self.mix(&v.to_le_bytes());
    }

    /// The hash so far.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// Remember a line for the failure report.
    pub fn note(&mut self, at: Instant, line: Line) {
        if !self.keep_ring && !self.echo {
            return;
        }
        if self.echo {
            eprintln!("{:>12}us {line}", at.as_micros());
        }
        if self.ring.len() == RING {
            self.ring.pop_front();
        }
        self.ring.push_back((at, line));
    }

    /// The recent events, oldest first.
    pub fn recent(&self) -> String {
        self.ring
            .iter()
            .map(|(at, line)| format!("  {:>12}us {line}", at.as_micros()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Trace {
    /// Mix a value's structure and bytes.
    pub fn mix_value(&mut self, v: &Value) {
        match v {
            Value::SimpleString(b) => {
                self.mix(b"+");
                self.mix(b);
            }
            Value::Error(b) => {
                self.mix(b"-");
                self.mix(b);
            }
            Value::BulkString(b) => {
                self.mix(b"$");
                self.mix(b);
            }
            Value::Integer(i) => {
                self.mix(b":");
                self.mix_u64(*i as u64);
            }
            Value::Null => self.mix(b"_"),
            Value::Array(items) | Value::Set(items) | Value::Push(items) => {
                self.mix(b"*");
                self.mix_u64(items.len() as u64);
                for i in items {
                    self.mix_value(i);
                }
            }
            other => self.mix(format!("{other:?}").as_bytes()),
        }
    }

    /// Mix a command result.
    pub fn mix_result(&mut self, r: &Result<Value, Error>) {
        match r {
            Ok(v) => self.mix_value(v),
            Err(e) => {
                self.mix(b"!");
                self.mix(e.to_string().as_bytes());
            }
        }
    }

    /// Mix a reply.
    pub fn mix_reply(&mut self, r: &Reply) {
        match r {
            Reply::Single(r) => self.mix_result(r),
            Reply::Pipeline(rs) => {
                self.mix_u64(rs.len() as u64);
                for r in rs {
                    self.mix_result(r);
                }
            }
        }
    }

    /// Mix a client event.
    pub fn mix_event(&mut self, e: &Event) {
        match e {
            Event::TopologyChanged {
                slots_moved,
                primaries_before,
                primaries_after,
            } => {
                self.mix(b"T");
                self.mix_u64(*slots_moved as u64);
                self.mix_u64(*primaries_before as u64);
                self.mix_u64(*primaries_after as u64);
            }
            Event::NodeConnected { addr } | Event::NodeLost { addr } => {
                self.mix(b"N");
                self.mix(addr.host.as_bytes());
                self.mix_u64(u64::from(addr.port));
            }
            Event::Redirected {
                ask,
                slot,
                from,
                to,
            } => {
                self.mix(if *ask { b"A" } else { b"M" });
                self.mix_u64(u64::from(*slot));
                self.mix(from.host.as_bytes());
                self.mix(to.host.as_bytes());
                self.mix_u64(u64::from(to.port));
            }
            Event::Retrying { addr, delay, .. } => {
                self.mix(b"R");
                self.mix(addr.host.as_bytes());
                self.mix_u64(delay.as_micros());
            }
            other => self.mix(format!("{other:?}").as_bytes()),
        }
    }
}
