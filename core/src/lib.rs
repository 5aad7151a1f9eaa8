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
//! - [`Cmd`]: a command under construction; its arguments are bytes.
//! - [`topology`]: `CLUSTER SHARDS` / `CLUSTER SLOTS` replies parsed into a slot map.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod cluster;
pub mod command;
pub mod resp;
mod slot;
pub mod time;
pub mod topology;

pub use cluster::{Cluster, Config, Output};
pub use command::{Cmd, ToArg};
pub use slot::{key_slot, SLOT_COUNT};
