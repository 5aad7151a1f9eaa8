//! Requests as callers see them, and jobs: the pieces sent to single nodes.
//!
//! A request is what one `submit` or `submit_pipeline` call asked for: one command, a
//! pipeline, a transaction, a script call or a command for one node. It has entries (one per
//! pipelined command, or per part of a command split by slot) and a deadline. Each entry is
//! carried out by one job, or by one job per node for commands fanned out to all primaries.
//! A job is what travels: it is routed, written to a connection, redirected and retried on
//! its own, and reports its result to its entry.

use alloc::vec::Vec;
use smallvec::SmallVec;

use super::slab::{Key, Slab};
use super::{Error, Token};
use crate::command::ResponsePolicy;
use crate::resp::Value;
use crate::time::Instant;
use crate::topology::Addr;
use crate::Cmd;

/// Which node a job must reach.
/// Every request the machine holds and the jobs that carry them out: a request is what a
/// caller submitted, a job one command (or transaction) of it bound for one node.
#[derive(Debug)]
pub(crate) struct Requests<T, P> {
    /// The submitted requests still waiting for their reply.
    pub(crate) all: Slab<RequestState<T, P>>,
    pub(crate) jobs: Slab<Job>,
    /// Jobs that wait for a topology (bootstrap, uncovered slot, READONLY).
    pub(crate) unrouted: Vec<Key>,
    /// Requests that ended at their deadline (for `metrics`).
    pub(crate) timed_out: u64,
}

impl<T, P> Default for Requests<T, P> {
    fn default() -> Self {
        Requests {
            all: Slab::default(),
            jobs: Slab::default(),
            unrouted: Vec::new(),
            timed_out: 0,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// The slot's primary.
    Slot(u16),
    /// Any primary (keyless commands).
    AnyPrimary,
    /// This node (one leg of a fan-out).
    Node(usize),
}

#[derive(Debug)]
pub(crate) enum Payload {
    Command(Cmd),
    /// The commands between `MULTI` and `EXEC`.
    Transaction(Vec<Cmd>),
}

#[derive(Debug)]
pub(crate) struct Job {
    pub(crate) request: Key,
    pub(crate) entry: usize,
    /// The job's place among its entry's fan-out legs.
    pub(crate) leg: usize,
    pub(crate) payload: Payload,
    pub(crate) target: Target,
    /// May run twice without harm (read-only): retried after a lost connection.
    pub(crate) retry_safe: bool,
    /// Redirects so far (MOVED, ASK, READONLY), and the nodes visited.
    pub(crate) redirects: u32,
    /// Retries after a pause so far (TRYAGAIN and kin, lost connections): sets the backoff.
    pub(crate) attempts: u32,
    pub(crate) trail: SmallVec<[u32; 4]>,
    /// Send `ASKING` first, to this node.
    pub(crate) ask: Option<usize>,
    /// A redirect named an address outside the cluster's view: the rediscovery round that
    /// must finish before the same again fails the job ([`Error::NotInCluster`]).
    pub(crate) stranger_round: Option<u64>,
    /// Where the job is in flight, if it is.
    pub(crate) conn: Option<Key>,
    /// A transaction's first error among its queued replies.
    pub(crate) queued_error: Option<bytes::Bytes>,
    /// The number of completed rediscoveries when this job found its slot uncovered.
    pub(crate) uncovered_since: Option<u64>,
    /// Waiting out a backoff.
    pub(crate) delayed: bool,
    /// A read the read-from policy may send to a replica.
    pub(crate) replica_read: bool,
    /// Blocks the server side: runs on a connection of its own.
    pub(crate) dedicated: bool,
    /// Makes the server wait before answering (`WAIT`, and every blocking command): its
    /// silence is no stall.
    pub(crate) server_waits: bool,
    /// When the server-side wait of a dedicated blocking command ends; a re-send carries
    /// only what is left of it. `None` for a wait without end.
    pub(crate) wait_until: Option<Instant>,
    /// When the job was last written, for reply-time measurements.
    pub(crate) sent_at: Instant,
    /// An `EVALSHA`'s script body, loaded and retried on `NOSCRIPT`, once per connection.
    pub(crate) script: Option<bytes::Bytes>,
    /// The connection the script was last loaded on.
    pub(crate) script_loaded_on: Option<Key>,
    /// Why the last `SCRIPT LOAD` failed, and on which connection: the `NOSCRIPT` right
    /// behind it there means that, not a missing script.
    pub(crate) script_load_error: Option<(Key, bytes::Bytes)>,
    /// A cacheable read: its reply may fill the client-side cache.
    pub(crate) cache_fill: Option<super::caching::CacheFill>,
}

impl Job {
    pub(crate) fn new(
        request: Key,
        entry: usize,
        leg: usize,
        payload: Payload,
        target: Target,
        retry_safe: bool,
    ) -> Self {
        Job {
            request,
            entry,
            leg,
            payload,
            target,
            retry_safe,
            redirects: 0,
            attempts: 0,
            trail: SmallVec::new(),
            ask: None,
            stranger_round: None,
            conn: None,
            queued_error: None,
            uncovered_since: None,
            delayed: false,
            replica_read: false,
            dedicated: false,
            server_waits: false,
            wait_until: None,
            sent_at: Instant::ZERO,
            script: None,
            script_loaded_on: None,
            script_load_error: None,
            cache_fill: None,
        }
    }
}

/// How an entry's result is formed.
#[derive(Debug)]
pub(crate) enum Collect {
    /// One job's result is the entry's result.
    Single,
    /// One job per node; combined by the policy when all have answered (see
    /// [`super::fanout`]).
    FanOut {
        policy: ResponsePolicy,
        /// Replicas were asked too (to plan again if every node left).
        all_nodes: bool,
        nodes: Vec<Addr>,
        legs: Vec<Leg>,
    },
}

/// One node's part of a fan-out.
#[derive(Debug)]
pub(crate) enum Leg {
    /// Not answered yet.
    Waiting,
    /// The node's answer.
    Done(Result<Value, Error>),
    /// Its node left the cluster before the leg was sent.
    Withdrawn,
}

#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) result: Option<Result<Value, Error>>,
    pub(crate) collect: Collect,
    /// Jobs of this entry still running.
    pub(crate) jobs: SmallVec<[Key; 1]>,
}

/// A submitted request until its reply: the caller's token, its deadline and entries.
#[derive(Debug)]
pub(crate) struct RequestState<T, P> {
    /// What the caller gave to find its reply again; handed back with it. Its kind is the
    /// reply's shape: one result, or a pipeline's list.
    pub(crate) token: Token<T, P>,
    pub(crate) deadline: Instant,
    pub(crate) entries: SmallVec<[Entry; 1]>,
    /// Entries without a result yet.
    pub(crate) open: usize,
    /// A command split by slot: its entries are the parts, combined into one reply.
    pub(crate) split: Option<super::split::Combine>,
    /// Report [`Event::Served`](super::Event::Served) for its commands (a traced request).
    pub(crate) report_served: bool,
}
