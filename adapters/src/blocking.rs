//! The blocking client: the same driver on a thread of its own.
//!
//! [`Client::connect`] starts one thread that runs the async driver on the async-io reactor
//! (plain `std::net` sockets underneath) and owns the state machine; [`Client`] handles send
//! to it over a channel and block until the reply. Clones are cheap and can be used from
//! many threads at once — their commands are pipelined together like the async clients'.
//! Do not call it from inside an async runtime's task: it blocks the thread.

use std::collections::VecDeque;

use bytes::Bytes;
use keyslot_core::cluster::Error;
use keyslot_core::resp::Value;
use keyslot_core::scan::{ScanError, ScanOptions, ScanStats};
use keyslot_core::topology::{Addr, Topology};
use keyslot_core::{Cmd, ScriptCall};

use crate::client::{pipeline, single};
use crate::driver::Msg;
use crate::runtime::async_io::async_io_runtime;
use crate::subscription::Subscription;

async_io_runtime!(
    Blocking,
    "A dedicated thread running the driver on async-io.",
    |f| {
        let spawned = std::thread::Builder::new()
            .name("keyslot-driver".into())
            .spawn(move || async_io::block_on(f));
        if let Err(e) = spawned {
            // Without the thread every request fails with Closed; say why once.
            eprintln!("keyslot: cannot start the driver thread: {e}");
        }
    }
);

/// Its builder: every knob of the async builders; [`crate::Builder::connect_blocking`] connects.
pub type Builder = crate::Builder<Blocking>;

/// A blocking Redis Cluster client. See the [module docs](self).
#[derive(Clone, Debug)]
pub struct Client {
    inner: crate::Client<Blocking>,
}

impl crate::Builder<Blocking> {
    /// Start the driver thread and wait until the cluster's topology is known.
    pub fn connect_blocking(self) -> Result<Client, Error> {
        let inner = self.start()?;
        match inner.ready()?.blocking_recv() {
            Ok(result) => result.map(|()| Client { inner }),
            Err(_) => Err(Error::Closed),
        }
    }
}

impl Client {
    /// Connect with default settings (see [`crate::Client::connect`] for seeds).
    pub fn connect<I, S>(seeds: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self::builder(seeds).connect_blocking()
    }

    /// A builder with every knob.
    pub fn builder<I, S>(seeds: I) -> Builder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        crate::Client::<Blocking>::builder(seeds)
    }

    /// Run one command and wait for its reply.
    pub fn send(&self, cmd: Cmd) -> Result<Value, Error> {
        single(self.inner.blocking_request(|tx| Msg::Send(cmd, None, tx))?)
    }

    /// [`send`](Self::send) with a deadline of its own (see [`crate::Client::send_timeout`]):
    /// the way a blocking caller gives up on a command, a blocking pop included.
    pub fn send_timeout(&self, cmd: Cmd, timeout: std::time::Duration) -> Result<Value, Error> {
        single(
            self.inner
                .blocking_request(|tx| Msg::Send(cmd, Some(timeout), tx))?,
        )
    }

    /// Run commands for any slots; results in order.
    pub fn pipeline(&self, cmds: Vec<Cmd>) -> Result<Vec<Result<Value, Error>>, Error> {
        pipeline(self.inner.blocking_request(|tx| Msg::Pipeline(cmds, tx))?)
    }

    /// Run a command on one node; its own answer is the reply (no redirects followed).
    pub fn send_to(&self, node: &Addr, cmd: Cmd) -> Result<Value, Error> {
        let node = node.clone();
        single(
            self.inner
                .blocking_request(|tx| Msg::SendTo(node, cmd, tx))?,
        )
    }

    /// Run a script by its digest, loading it where a node lacks it.
    pub fn script(&self, call: ScriptCall) -> Result<Value, Error> {
        single(self.inner.blocking_request(|tx| Msg::Script(call, tx))?)
    }

    /// Subscribe to channels; read the items with [`Subscription::blocking_next`].
    pub fn subscribe<I, C>(&self, channels: I) -> Result<Subscription, Error>
    where
        I: IntoIterator<Item = C>,
        C: AsRef<[u8]>,
    {
        self.inner.subscribe(channels)
    }

    /// Subscribe to channel patterns.
    pub fn psubscribe<I, C>(&self, patterns: I) -> Result<Subscription, Error>
    where
        I: IntoIterator<Item = C>,
        C: AsRef<[u8]>,
    {
        self.inner.psubscribe(patterns)
    }

    /// Subscribe to shard channels, each on its slot's primary.
    pub fn ssubscribe<I, C>(&self, channels: I) -> Result<Subscription, Error>
    where
        I: IntoIterator<Item = C>,
        C: AsRef<[u8]>,
    {
        self.inner.ssubscribe(channels)
    }

    /// The client's current view of the cluster.
    pub fn topology(&self) -> Result<Option<Topology>, Error> {
        self.inner
            .topology_request()?
            .blocking_recv()
            .map_err(|_| Error::Closed)
    }

    /// Scan every key of the cluster; see [`crate::Client::scan`] for the guarantee. The
    /// iterator yields keys one by one and ends after an error.
    pub fn scan(&self, opts: ScanOptions) -> Scan {
        Scan {
            inner: self.inner.scan(opts),
            ready: VecDeque::new(),
        }
    }

    /// Run commands as one MULTI/EXEC transaction on one slot.
    pub fn transaction(&self, cmds: Vec<Cmd>) -> Result<Value, Error> {
        single(
            self.inner
                .blocking_request(|tx| Msg::Transaction(cmds, tx))?,
        )
    }
}

/// A blocking cluster-wide scan: an iterator over keys. See [`crate::Scan`].
#[derive(Debug)]
pub struct Scan {
    inner: crate::Scan<Blocking>,
    ready: VecDeque<Bytes>,
}

impl Scan {
    /// The next batch of keys as one node returned it, `None` once the scan is complete
    /// (keys already taken one by one through the iterator are not repeated).
    pub fn next_batch(&mut self) -> Option<Result<Vec<Bytes>, ScanError>> {
        if !self.ready.is_empty() {
            return Some(Ok(self.ready.drain(..).collect()));
        }
        async_io::block_on(self.inner.next_batch())
    }

    /// What the scan has done so far.
    pub fn stats(&self) -> ScanStats {
        self.inner.stats()
    }
}

impl Iterator for Scan {
    type Item = Result<Bytes, ScanError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(key) = self.ready.pop_front() {
                return Some(Ok(key));
            }
            match self.next_batch()? {
                Ok(keys) => self.ready.extend(keys),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}
