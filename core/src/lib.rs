//! keyslot-core: the Redis Cluster protocol without I/O.
//!
//! This crate knows the wire format (RESP2 and RESP3), how keys map to the 16384 hash slots,
//! and — in the `cluster` state machine — how a cluster client routes, redirects, retries and
//! rediscovers. It never touches a socket, a clock or a thread: bytes and events go in, and
//! decisions come out. That is what lets one tested brain run under tokio, smol, async-std, a
//! blocking thread, a simulator or an embedded executor alike.
//!
//! The crate is `#![no_std]` with `alloc`; the `std` feature only adds conveniences, so every
//! use of `std` is explicit and a `no_std` build is checked by the test script.
//!
//! # Entry points
//!
//! - [`key_slot`]: the hash slot of a key (CRC16-XMODEM with hash tags).
//! - [`resp`]: [`resp::Value`], the bounded incremental [`resp::Decoder`], one-shot
//!   [`resp::decode`], and [`resp::encode`].
//! - [`Cmd`]: a command under construction; its arguments are bytes ([`ToArgs`]).
//! - [`commands`]: a builder per command (`commands::get(key)`), generated from the server's
//!   `COMMAND DOCS`; the `keyslot` clients have a typed method for each.
//! - [`convert`]: replies into Rust types ([`FromValue`]) and Rust values into arguments.
//! - [`command`]: the command table (generated from a real server's `COMMAND` reply) and key
//!   extraction by key specifications.
//! - [`topology`]: `CLUSTER SHARDS` / `CLUSTER SLOTS` replies parsed into a slot map.
//! - [`Cluster`]: the cluster client as a state machine — see [`cluster`] for the driving
//!   contract.
//! - [`scan`]: a cluster-wide `SCAN` planner that keeps its guarantee through failovers and
//!   resharding.
//!
//! # Embedding the core in any runtime
//!
//! The `keyslot` crate drives [`Cluster`] on tokio, smol, async-std and a blocking thread.
//! Anything else that can open TCP connections can drive it too — glommio or monoio (thread
//! per core: one `Cluster` per core, each with its own connections), embassy or another
//! embedded executor (this crate is `no_std` + `alloc`), or a hand-written epoll loop. The
//! work is always the same, and the `embed_core` example of the `keyslot` crate does it in
//! one page with `std::net`:
//!
//! 1. after every input, drain [`Cluster::poll_output`] until it returns
//!    [`Output::Timeout`]: open connections it asks for (`Connect`; resolve the name anew
//!    each time), close the ones it drops (`Close`), hand replies to their callers (`Reply`,
//!    `PipelineReply`);
//! 2. write [`Cluster::transmit`] for each connection with pending bytes and acknowledge
//!    with [`Cluster::handle_written`];
//! 3. read into [`Cluster::read_buffer`] and call [`Cluster::handle_read`]; report
//!    connection outcomes with `handle_connected`, `handle_connect_failed`, `handle_closed`;
//! 4. call [`Cluster::handle_timeout`] when the instant of the last `Timeout` passes, with
//!    the current time as a [`time::Instant`] measured from any origin you keep.
//! - [`topology`]: `CLUSTER SHARDS` / `CLUSTER SLOTS` replies parsed into a slot map.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod cluster;
pub mod command;
pub mod commands;
pub mod convert;
pub mod resp;
pub mod scan;
mod slot;
pub mod time;
pub mod topology;

pub use cluster::{Cluster, Config, Output};
pub use command::{Cmd, Script, ScriptCall, ToArg};
pub use convert::{FromValue, ToArgs};
pub use slot::{key_slot, SLOT_COUNT};
