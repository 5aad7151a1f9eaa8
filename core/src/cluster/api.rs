//! The public methods of [`Cluster`], all in one place and in the order of the type doc's
//! method groups. Each is short: where the work is long it is done by the part of the
//! machine that owns the state (`submit.rs`, `read.rs`, `pubsub.rs`, ...).

use bytes::Bytes;

use super::conn::ConnState;
use super::*;
use crate::Cmd;

impl<T, S, P> Cluster<T, S, P> {
    // Construction.

    /// A machine that will discover the cluster from `seeds` (any one reachable seed is
    /// enough). Discovery starts at once: drain [`Cluster::poll_output`] next.
    ///
    /// ```
    /// use keyslot_core::{time::Instant, topology::Addr, Cluster, Config, Output};
    /// let seeds = vec![Addr::new("10.0.0.1", 7000), Addr::new("10.0.0.2", 7000)];
    /// let mut cluster: Cluster = Cluster::new(Config::default(), seeds, Instant::from_micros(0));
    /// assert!(!cluster.is_ready()); // no view yet, but discovery has begun:
    /// let first = loop {
    ///     if let Output::Connect { addr, .. } = cluster.poll_output() { break addr; }
    /// };
    /// assert_eq!(first, Addr::new("10.0.0.1", 7000));
    /// ```
    pub fn new(config: Config, seeds: Vec<Addr>, now: Instant) -> Self {
        let mut cluster = Cluster {
            rng: Rng::new(config.rng_seed),
            cache: config.cache.map(super::cache::Cache::new),
            config,
            seeds,
            conns: super::connections::Connections::default(),
            routing: Routing::new(),
            requests: job::Requests::default(),
            timers: Timers::default(),
            outputs: VecDeque::new(),
            refresh: refresh::RefreshState::default(),
            scratch: KeyPositions::new(),
            pubsub: pubsub::Subscriptions::default(),
            credentials: credentials::CredentialState::default(),
            topology_changes: 0,
        };
        cluster.request_refresh(RefreshTrigger::Bootstrap, now);
        cluster.start_credentials(now);
        cluster
    }

    // Requests.

    /// Submit a request; `token` comes back with its [`Output::Reply`], which arrives by the
    /// request's deadline at the latest (the configured request timeout, or a blocking
    /// command's own timeout plus it). An invalid request (cross-slot keys, a client-managed
    /// command) is answered at once without sending anything. See [`Request`] for each kind,
    /// with an example.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// let mut cluster: Cluster<&str> = Cluster::new(Config::default(), seeds, now);
    /// let id = cluster.submit(Cmd::new("RENAME").arg("a").arg("b"), "caller 7", now);
    /// let (replied, token) = loop {
    ///     if let Output::Reply { id, token, .. } = cluster.poll_output() { break (id, token); }
    /// };
    /// assert_eq!((replied, token), (id, "caller 7")); // cross-slot: refused at once
    /// ```
    pub fn submit(&mut self, request: impl Into<Request>, token: T, now: Instant) -> RequestId {
        match request.into() {
            Request::Command(cmd) => self.submit_command(cmd, token, now),
            Request::Transaction(cmds) => self.submit_transaction(cmds, token, now),
            Request::ToNode(addr, cmd) => self.submit_to(&addr, cmd, token, now),
            Request::Script(call) => self.submit_script(call, token, now),
        }
    }

    /// Submit commands for any slots as one pipeline: each is routed, redirected and retried
    /// on its own, and the [`Output::PipelineReply`] that brings `token` back lists their
    /// results in the order given, by the pipeline's deadline at the latest.
    ///
    /// ```
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
    /// cluster.submit_pipeline(vec![Cmd::new("GET").arg("a"), Cmd::new("GET").arg("b")], (), now);
    /// cluster.handle_written(conn, cluster.transmit(conn).len());
    /// cluster.handle_data(conn, b"$1\r\n1\r\n$-1\r\n", now); // "1", and no value for b
    /// let results = loop {
    ///     if let Output::PipelineReply { results, .. } = cluster.poll_output() { break results; }
    /// };
    /// assert_eq!(results, vec![Ok(Value::BulkString("1".into())), Ok(Value::Null)]);
    /// ```
    pub fn submit_pipeline(&mut self, cmds: Vec<Cmd>, token: P, now: Instant) -> RequestId {
        self.new_pipeline(cmds, token, now)
    }

    /// Give request `id` a deadline of its own (a caller's per-call timeout), earlier or
    /// later than the one it was given at submission (the request timeout, or a blocking
    /// command's own timeout plus it). At that instant it ends as every deadline does:
    /// `Timeout` when nothing of it was written, `OutcomeUnknown` for a write that was.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// # use keyslot_core::{cluster::Error, time::Duration};
    /// let id = cluster.submit(Cmd::new("GET").arg("k"), (), now); // waits for the cluster's view
    /// let deadline = now + Duration::from_millis(100); // instead of the 5 s request timeout
    /// cluster.set_deadline(id, deadline);
    /// cluster.handle_timeout(deadline);
    /// let reply = loop {
    ///     if let Output::Reply { reply, .. } = cluster.poll_output() { break reply; }
    /// };
    /// assert_eq!(reply, Err(Error::Timeout)); // nothing of it was sent
    /// ```
    pub fn set_deadline(&mut self, id: RequestId, deadline: Instant) {
        self.set_deadline_of(id, deadline)
    }

    /// Report [`Event::Served`] for request `id`'s commands as they
    /// complete, as [`Config::report_served`](super::Config::report_served) does for all:
    /// for a driver that traces some requests only.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config};
    /// # let now = Instant::from_micros(0);
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), vec![Addr::new("10.0.0.1", 7000)], now);
    /// let id = cluster.submit(Cmd::new("GET").arg("k"), (), now);
    /// cluster.report_served_for(id); // this one is traced: say which node answers it
    /// ```
    pub fn report_served_for(&mut self, id: RequestId) {
        if let Some(r) = self.requests.all.get_mut(id.0) {
            r.report_served = true;
        }
    }

    /// The caller stopped waiting for request `id` (its future was dropped): forget it, with
    /// no reply; returns its token. What has not started leaving is withdrawn, so it never runs; a
    /// blocking command parked on a connection of its own has that connection closed, which
    /// unblocks it on the server before it can take anything. A command already (partly)
    /// written may still run; its reply is read and discarded. Unknown or finished ids are
    /// ignored (a reply already queued is still handed out).
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// let id = cluster.submit(Cmd::new("GET").arg("k"), (), now);
    /// assert_eq!(cluster.pending_requests(), 1);
    /// cluster.cancel(id, now); // the caller went away
    /// assert_eq!(cluster.pending_requests(), 0);
    /// let mut replies = 0;
    /// loop {
    ///     match cluster.poll_output() {
    ///         Output::Reply { .. } => replies += 1,
    ///         Output::Timeout(_) => break,
    ///         _ => {}
    ///     }
    /// }
    /// assert_eq!(replies, 0); // a cancelled request gets none
    /// ```
    pub fn cancel(&mut self, id: RequestId, now: Instant) -> Option<Token<T, P>> {
        let _ = now;
        let req = self.requests.all.remove(id.0)?;
        let (token, _) = self.close_request(req, None);
        Some(token)
    }

    /// Cancel every request whose token `abandoned` says its caller has stopped waiting
    /// for (a driver's closed reply channels), as [`Cluster::cancel`] does each; returns
    /// their tokens. One pass however many callers gave up.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # use keyslot_core::cluster::Token;
    /// let mut cluster: Cluster<u32> = Cluster::new(Config::default(), seeds, now);
    /// for caller in 0..4 {
    ///     cluster.submit(Cmd::new("GET").arg("k"), caller, now); // all wait for a view
    /// }
    /// let gone = cluster.cancel_where(|caller| *caller.into_inner() % 2 == 1, now);
    /// assert_eq!(gone, vec![Token::Single(1), Token::Single(3)]);
    /// assert_eq!(cluster.pending_requests(), 2);
    /// ```
    pub fn cancel_where(
        &mut self,
        mut abandoned: impl FnMut(Token<&T, &P>) -> bool,
        now: Instant,
    ) -> Vec<Token<T, P>> {
        let gone = self
            .requests
            .all
            .keys_where(|r| abandoned(r.token.as_ref()));
        gone.into_iter()
            .filter_map(|key| self.cancel(RequestId(key), now))
            .collect()
    }

    /// The token of a request (or pipeline: [`Token`] says which) still waiting for its
    /// reply.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// let mut cluster: Cluster<Vec<&str>> = Cluster::new(Config::default(), seeds, now);
    /// let id = cluster.submit(Cmd::new("GET").arg("k"), vec![], now);
    /// if let Some(notes) = cluster.token_mut(id) {
    ///     notes.into_inner().push("served by 10.0.0.1:7000"); // e.g. what an `Event::Served` said
    /// }
    /// assert_eq!(cluster.token_mut(id).map(|n| n.into_inner().len()), Some(1));
    /// ```
    pub fn token_mut(&mut self, id: RequestId) -> Option<Token<&mut T, &mut P>> {
        self.requests.all.get_mut(id.0).map(|r| r.token.as_mut())
    }

    /// The tokens of every request and pipeline still waiting for its reply.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// let mut cluster: Cluster<char> = Cluster::new(Config::default(), seeds, now);
    /// cluster.submit(Cmd::new("GET").arg("k"), 'a', now); // waits for a view
    /// cluster.submit(Cmd::new("SELECT").arg("1"), 'b', now); // refused at once
    /// assert_eq!(cluster.tokens().map(|t| *t.into_inner()).collect::<Vec<_>>(), ['a']);
    /// ```
    pub fn tokens(&self) -> impl Iterator<Item = Token<&T, &P>> {
        self.requests.all.iter().map(|(_, r)| r.token.as_ref())
    }

    // Subscriptions.

    /// A new subscriber of `channels` (or patterns) of `kind`, with its caller's token.
    /// Confirmations and messages come as [`Output::PubSub`] for it, and the subscriptions
    /// follow the cluster until [`Cluster::unsubscribe`]. Subscribers of the same channel
    /// share one subscription on the server and each get every item; one joining a channel
    /// already confirmed is told so at once, with no gap.
    ///
    /// ```
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
    /// # use keyslot_core::cluster::SubscriptionKind;
    /// cluster.subscribe(SubscriptionKind::Channel, vec!["news".into()], (), now);
    /// // With RESP2 the node gets a connection for subscriptions; it sends SUBSCRIBE once open.
    /// let sub = loop {
    ///     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// };
    /// cluster.handle_connected(sub, now);
    /// assert_eq!(cluster.transmit(sub), b"*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nnews\r\n");
    /// ```
    pub fn subscribe(
        &mut self,
        kind: SubscriptionKind,
        channels: Vec<Bytes>,
        token: S,
        now: Instant,
    ) -> SubscriberId {
        self.add_subscriber(kind, channels, token, now)
    }

    /// Subscriber `id` leaves: no more items for it, and the channels nobody else holds are
    /// unsubscribed. Returns its token (`None` for an unknown or departed subscriber).
    /// (`_now` keeps the shape every input has; nothing here waits on time.)
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster<(), u8> = Cluster::new(Config::default(), seeds, now);
    /// # use keyslot_core::cluster::SubscriptionKind;
    /// let events = vec!["{user:1}:events".into()];
    /// let first = cluster.subscribe(SubscriptionKind::Shard, events.clone(), 1, now);
    /// let second = cluster.subscribe(SubscriptionKind::Shard, events, 2, now);
    /// assert_eq!(cluster.unsubscribe(first, now), Some(1));
    /// assert_eq!(cluster.subscription_count(), 1); // the second still holds it
    /// assert_eq!(cluster.unsubscribe(second, now), Some(2));
    /// assert_eq!(cluster.subscription_count(), 0);
    /// ```
    pub fn unsubscribe(&mut self, id: SubscriberId, now: Instant) -> Option<S> {
        self.remove_subscriber(id, now)
    }

    /// Every subscriber whose token `gone` says its holder went away (a driver's closed
    /// item streams) leaves, as [`Cluster::unsubscribe`] does each; returns their tokens.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # use keyslot_core::cluster::SubscriptionKind;
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// let mut cluster: Cluster<(), bool> = Cluster::new(Config::default(), seeds, now);
    /// cluster.subscribe(SubscriptionKind::Channel, vec!["a".into()], false, now);
    /// cluster.subscribe(SubscriptionKind::Channel, vec!["b".into()], true, now); // dropped
    /// assert_eq!(cluster.unsubscribe_where(|dropped| *dropped, now), vec![true]);
    /// assert_eq!(cluster.subscription_count(), 1); // "b" is unsubscribed
    /// ```
    pub fn unsubscribe_where(&mut self, gone: impl FnMut(&S) -> bool, now: Instant) -> Vec<S> {
        let ids = self.pubsub.subscribers_where(gone);
        ids.into_iter()
            .filter_map(|id| self.unsubscribe(id, now))
            .collect()
    }

    /// The token subscriber `id` was created with, while it holds its subscriptions.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # use keyslot_core::cluster::SubscriptionKind;
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// let mut cluster: Cluster<(), String> = Cluster::new(Config::default(), seeds, now);
    /// let id = cluster.subscribe(SubscriptionKind::Pattern, vec!["log.*".into()], "tail".into(), now);
    /// assert_eq!(cluster.subscriber(id).map(String::as_str), Some("tail"));
    /// cluster.unsubscribe(id, now);
    /// assert_eq!(cluster.subscriber(id), None);
    /// ```
    pub fn subscriber(&self, id: SubscriberId) -> Option<&S> {
        self.pubsub.token(id)
    }

    /// The subscriptions wanted (placed or not).
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// # use keyslot_core::cluster::SubscriptionKind;
    /// assert_eq!(cluster.subscription_count(), 0);
    /// cluster.subscribe(SubscriptionKind::Channel, vec!["a".into(), "b".into()], (), now);
    /// assert_eq!(cluster.subscription_count(), 2); // wanted, though not placed yet
    /// ```
    pub fn subscription_count(&self) -> usize {
        self.pubsub.subs.len()
    }

    // I/O inputs.

    /// The driver connected `conn`; the handshake starts.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// let config = Config { client_name: Some("app".into()), ..Config::default() };
    /// let mut cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// cluster.handle_connected(conn, now); // the driver's socket is open
    /// assert_eq!(cluster.poll_output(), Output::Transmit { conn });
    /// let hello = b"*4\r\n$5\r\nHELLO\r\n$1\r\n3\r\n$7\r\nSETNAME\r\n$3\r\napp\r\n";
    /// assert_eq!(cluster.transmit(conn), hello);
    /// ```
    pub fn handle_connected(&mut self, conn: ConnId, now: Instant) {
        let Some(c) = self.conns.get_mut(conn.0) else {
            return;
        };
        if c.state != ConnState::Connecting {
            return;
        }
        c.state = ConnState::Handshaking;
        if self.handshake_may_begin(conn.0, now) {
            self.begin_handshake(conn.0, now);
        }
    }

    /// The driver could not connect `conn` (refused, unreachable, DNS failure, TLS failure).
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// # use keyslot_core::cluster::Error;
    /// cluster.submit(Cmd::new("GET").arg("k"), (), now); // waits for the cluster's view
    /// cluster.handle_connect_failed(conn, "connection refused", now); // the only seed
    /// let reply = loop {
    ///     if let Output::Reply { reply, .. } = cluster.poll_output() { break reply; }
    /// };
    /// let Err(Error::NoReachableSeed { attempts }) = reply else { panic!() };
    /// assert_eq!(attempts[0].reason, "connection refused");
    /// ```
    pub fn handle_connect_failed(&mut self, conn: ConnId, reason: &str, now: Instant) {
        if self.conns.get(conn.0).is_none() {
            return;
        }
        self.note_seed_failure(conn.0, reason);
        self.count_failure_of(conn.0);
        self.lose_conn(conn.0, None, false, now);
    }

    /// Bytes were appended to `conn`'s [`read_buffer`](Cluster::read_buffer): process every
    /// complete reply.
    ///
    /// ```
    /// # use keyslot_core::{resp::Protocol, time::Instant, topology::Addr, Cluster, Cmd, Config};
    /// # use keyslot_core::Output;
    /// # let now = Instant::from_micros(0);
    /// # let config = Config { protocol: Protocol::Resp2, ..Config::default() };
    /// # let mut cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// # // The seed's CLUSTER SHARDS reply: one shard, every slot, its primary at 10.0.0.1:7000.
    /// # const SHARDS: &[u8] = b"*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n\
    /// # *1\r\n*6\r\n$8\r\nendpoint\r\n$8\r\n10.0.0.1\r\n$4\r\nport\r\n:7000\r\n$4\r\nrole\r\n\
    /// # $6\r\nmaster\r\n";
    /// cluster.handle_connected(conn, now); // RESP2: CLUSTER SHARDS goes out at once
    /// cluster.handle_written(conn, cluster.transmit(conn).len());
    /// let (head, tail) = SHARDS.split_at(20); // the reply arrives in two reads
    /// cluster.read_buffer(conn).unwrap().extend_from_slice(head);
    /// cluster.handle_read(conn, now);
    /// assert!(!cluster.is_ready()); // an incomplete reply waits for the rest
    /// cluster.read_buffer(conn).unwrap().extend_from_slice(tail);
    /// cluster.handle_read(conn, now);
    /// assert!(cluster.is_ready());
    /// ```
    pub fn handle_read(&mut self, conn: ConnId, now: Instant) {
        self.read_received(conn, now)
    }

    /// Bytes arrived on `conn`: append them and process them.
    ///
    /// ```
    /// # use keyslot_core::{resp::Protocol, time::Instant, topology::Addr, Cluster, Cmd, Config};
    /// # use keyslot_core::Output;
    /// # let now = Instant::from_micros(0);
    /// # let config = Config { protocol: Protocol::Resp2, ..Config::default() };
    /// # let mut cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// # // The seed's CLUSTER SHARDS reply: one shard, every slot, its primary at 10.0.0.1:7000.
    /// # const SHARDS: &[u8] = b"*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n\
    /// # *1\r\n*6\r\n$8\r\nendpoint\r\n$8\r\n10.0.0.1\r\n$4\r\nport\r\n:7000\r\n$4\r\nrole\r\n\
    /// # $6\r\nmaster\r\n";
    /// cluster.handle_connected(conn, now); // RESP2: CLUSTER SHARDS goes out at once
    /// cluster.handle_written(conn, cluster.transmit(conn).len());
    /// cluster.handle_data(conn, SHARDS, now); // the seed's reply, as read from its socket
    /// assert!(cluster.is_ready());
    /// assert_eq!(cluster.slot_owner(0), Some(&Addr::new("10.0.0.1", 7000)));
    /// ```
    pub fn handle_data(&mut self, conn: ConnId, data: &[u8], now: Instant) {
        if let Some(buf) = self.read_buffer(conn) {
            buf.extend_from_slice(data);
        }
        self.handle_read(conn, now);
    }

    /// `n` bytes of [`Cluster::transmit`] were written.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// cluster.handle_connected(conn, now);
    /// let pending = cluster.transmit(conn).len();
    /// cluster.handle_written(conn, 4); // the socket took only 4 bytes
    /// assert_eq!(cluster.transmit(conn).len(), pending - 4);
    /// cluster.handle_written(conn, pending - 4);
    /// assert!(cluster.transmit(conn).is_empty());
    /// ```
    pub fn handle_written(&mut self, conn: ConnId, n: usize) {
        if let Some(c) = self.conns.get_mut(conn.0) {
            c.written(n);
        }
    }

    /// The connection closed or failed (reset, EOF, write error).
    ///
    /// ```
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
    /// # use keyslot_core::cluster::Error;
    /// cluster.submit(Cmd::new("SET").arg("k").arg("v"), (), now);
    /// cluster.handle_written(conn, cluster.transmit(conn).len()); // the SET left
    /// cluster.handle_closed(conn, now); // and the connection was reset before its answer
    /// let reply = loop {
    ///     if let Output::Reply { reply, .. } = cluster.poll_output() { break reply; }
    /// };
    /// let addr = Addr::new("10.0.0.1", 7000);
    /// assert_eq!(reply, Err(Error::OutcomeUnknown { addr })); // may have run
    /// ```
    pub fn handle_closed(&mut self, conn: ConnId, now: Instant) {
        if self.conns.get(conn.0).is_none() {
            return;
        }
        self.note_seed_failure(conn.0, "connection closed");
        self.count_failure_of(conn.0);
        self.lose_conn(conn.0, None, false, now);
    }

    /// Time passed: fire every timer due at `now`.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// // The seed's socket never opens. Drained, the machine names the instant to wake it at.
    /// let at = loop {
    ///     if let Output::Timeout(at) = cluster.poll_output() { break at; }
    /// };
    /// cluster.handle_timeout(at.expect("a timer is set")); // that instant has come
    /// assert_eq!(cluster.poll_output(), Output::Close { conn }); // the seed attempt is given up
    /// assert!(cluster.bootstrap_error().is_some());
    /// ```
    pub fn handle_timeout(&mut self, now: Instant) {
        self.fire_timers(now)
    }

    // Credentials.

    /// Fresh credentials from the source (see [`Credentials`] for the rules): connections made
    /// from now on present them, connections waiting for them start their handshake, and
    /// every live connection re-authenticates with them.
    ///
    /// ```
    /// # use keyslot_core::{resp::Protocol, time::{Duration, Instant}, topology::Addr};
    /// # use keyslot_core::{Cluster, Config, Output};
    /// use keyslot_core::cluster::Credentials;
    /// let now = Instant::from_micros(0);
    /// let config = Config { credentials_from_source: true, protocol: Protocol::Resp2, ..Config::default() };
    /// let mut cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], now);
    /// let mut outputs = core::iter::from_fn(|| match cluster.poll_output() {
    ///     Output::Timeout(_) => None,
    ///     other => Some(other),
    /// }).collect::<Vec<_>>();
    /// assert!(outputs.contains(&Output::NeedCredentials));
    /// # let conn = outputs.iter().find_map(|o| match o { Output::Connect { conn, .. } => Some(*conn), _ => None }).unwrap();
    /// cluster.handle_connected(conn, now);
    /// assert!(cluster.transmit(conn).is_empty(), "the handshake waits for credentials");
    /// let expires = now + Duration::from_secs(900);
    /// cluster.set_credentials(Credentials::new(Some("app".into()), "tok".into(), Some(expires)), now);
    /// assert_eq!(cluster.transmit(conn), b"*3\r\n$4\r\nAUTH\r\n$3\r\napp\r\n$3\r\ntok\r\n");
    /// ```
    pub fn set_credentials(&mut self, credentials: Credentials, now: Instant) {
        self.apply_credentials(credentials, now)
    }

    /// The source could not give credentials (`reason` says why): the held ones stay in
    /// use while valid, and the source is asked again after a backoff.
    ///
    /// ```
    /// # use keyslot_core::{time::{Duration, Instant}, topology::Addr, Cluster, Config, Output};
    /// # use keyslot_core::cluster::Event;
    /// let now = Instant::from_micros(0);
    /// let config = Config { credentials_from_source: true, ..Config::default() };
    /// let mut cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], now);
    /// # while !matches!(cluster.poll_output(), Output::Timeout(_)) {}
    /// cluster.credentials_failed("the vault is down", now);
    /// let event = Event::CredentialsUnavailable { reason: "the vault is down".into(), failures: 1 };
    /// assert_eq!(cluster.poll_output(), Output::Event(event));
    /// # while !matches!(cluster.poll_output(), Output::Timeout(_)) {}
    /// cluster.handle_timeout(now + Duration::from_secs(1));
    /// let asked = core::iter::from_fn(|| match cluster.poll_output() {
    ///     Output::Timeout(_) => None,
    ///     other => Some(other),
    /// });
    /// assert!(asked.into_iter().any(|o| o == Output::NeedCredentials), "asked again after 1 s");
    /// ```
    pub fn credentials_failed(&mut self, reason: &str, now: Instant) {
        self.note_credentials_failure(reason, now)
    }

    // Outputs.

    /// The next thing to do. Call until it returns [`Output::Timeout`].
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// # use keyslot_core::cluster::{Event, RefreshTrigger};
    /// let started = Event::RefreshStarted { trigger: RefreshTrigger::Bootstrap };
    /// assert_eq!(cluster.poll_output(), Output::Event(started));
    /// assert!(matches!(cluster.poll_output(), Output::Connect { .. }));
    /// // Drained: the instant to call `handle_timeout` at, unless I/O comes first.
    /// assert!(matches!(cluster.poll_output(), Output::Timeout(Some(at)) if at > now));
    /// ```
    pub fn poll_output(&mut self) -> Output<T, P> {
        match self.outputs.pop_front() {
            Some(output) => output,
            None => {
                self.skip_dead_timers();
                Output::Timeout(self.timers.next())
            }
        }
    }

    /// The bytes waiting to be written on `conn` (empty for an unknown connection).
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// cluster.handle_connected(conn, now);
    /// // A new connection's handshake: RESP3 is asked for first.
    /// assert_eq!(cluster.transmit(conn), b"*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n");
    /// cluster.handle_written(conn, cluster.transmit(conn).len());
    /// assert!(cluster.transmit(conn).is_empty());
    /// ```
    pub fn transmit(&self, conn: ConnId) -> &[u8] {
        self.conns.get(conn.0).map_or(&[], |c| c.pending_output())
    }

    /// The buffer to read `conn`'s bytes into; call [`Cluster::handle_read`] after appending.
    ///
    /// ```
    /// # use keyslot_core::{resp::Protocol, time::Instant, topology::Addr, Cluster, Cmd, Config};
    /// # use keyslot_core::Output;
    /// # let now = Instant::from_micros(0);
    /// # let config = Config { protocol: Protocol::Resp2, ..Config::default() };
    /// # let mut cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// cluster.handle_connected(conn, now); // RESP2: the topology query goes out at once
    /// cluster.handle_written(conn, cluster.transmit(conn).len());
    /// // An old server refuses CLUSTER SHARDS; a socket read appends its answer here.
    /// let buffer = cluster.read_buffer(conn).expect("an open connection");
    /// buffer.extend_from_slice(b"-ERR unknown subcommand 'SHARDS'. Try CLUSTER HELP.\r\n");
    /// cluster.handle_read(conn, now);
    /// assert_eq!(cluster.transmit(conn), b"*2\r\n$7\r\nCLUSTER\r\n$5\r\nSLOTS\r\n");
    /// ```
    pub fn read_buffer(&mut self, conn: ConnId) -> Option<&mut BytesMut> {
        self.conns.get_mut(conn.0).map(|c| &mut *c.read)
    }

    // State.

    /// True once a view of the cluster exists.
    ///
    /// ```
    /// # use keyslot_core::{resp::Protocol, time::Instant, topology::Addr, Cluster, Cmd, Config};
    /// # use keyslot_core::Output;
    /// # let now = Instant::from_micros(0);
    /// # let config = Config { protocol: Protocol::Resp2, ..Config::default() };
    /// # let mut cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// # // The seed's CLUSTER SHARDS reply: one shard, every slot, its primary at 10.0.0.1:7000.
    /// # const SHARDS: &[u8] = b"*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n\
    /// # *1\r\n*6\r\n$8\r\nendpoint\r\n$8\r\n10.0.0.1\r\n$4\r\nport\r\n:7000\r\n$4\r\nrole\r\n\
    /// # $6\r\nmaster\r\n";
    /// assert!(!cluster.is_ready());
    /// cluster.handle_connected(conn, now);
    /// cluster.handle_written(conn, cluster.transmit(conn).len());
    /// cluster.handle_data(conn, SHARDS, now); // the seed's CLUSTER SHARDS reply
    /// assert!(cluster.is_ready());
    /// ```
    pub fn is_ready(&self) -> bool {
        self.routing.topology.is_some()
    }

    /// While no view exists: why the last discovery round failed (every seed's reason, or
    /// the authentication error). `None` once a view exists or before any round failed.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// # use keyslot_core::cluster::Error;
    /// assert_eq!(cluster.bootstrap_error(), None); // the first round is still running
    /// cluster.handle_connect_failed(conn, "connection refused", now);
    /// let Some(Error::NoReachableSeed { attempts }) = cluster.bootstrap_error() else { panic!() };
    /// assert_eq!(attempts[0].addr, Addr::new("10.0.0.1", 7000));
    /// assert_eq!(attempts[0].reason, "connection refused");
    /// ```
    pub fn bootstrap_error(&self) -> Option<&Error> {
        self.refresh.bootstrap_error.as_ref()
    }

    /// The current view of the cluster, once discovered.
    ///
    /// ```
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
    /// let topology = cluster.topology().expect("discovered");
    /// assert_eq!(topology.shards().len(), 1);
    /// assert_eq!(topology.uncovered_slots(), 0);
    /// assert_eq!(topology.primary_of_slot(42).unwrap().addr, Addr::new("10.0.0.1", 7000));
    /// ```
    pub fn topology(&self) -> Option<&Topology> {
        self.routing.topology.as_ref()
    }

    /// Where the machine would send a command for `slot` now (after MOVED updates).
    ///
    /// ```
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
    /// let slot = keyslot_core::key_slot(b"greeting");
    /// assert_eq!(cluster.slot_owner(slot), Some(&Addr::new("10.0.0.1", 7000)));
    /// assert_eq!(cluster.slot_owner(16384), None); // not a slot
    /// ```
    pub fn slot_owner(&self, slot: u16) -> Option<&Addr> {
        let node = *self.routing.slots.get(slot as usize)?;
        self.routing.nodes.get(node as usize).map(|n| &n.addr)
    }

    /// A number that changes whenever the slot map ([`slot_owner`](Self::slot_owner)) may
    /// have changed: an observer comparing the map against something can skip the
    /// comparison while neither side changed.
    ///
    /// ```
    /// # use keyslot_core::{resp::Protocol, time::Instant, topology::Addr, Cluster, Cmd, Config};
    /// # use keyslot_core::Output;
    /// # let now = Instant::from_micros(0);
    /// # let config = Config { protocol: Protocol::Resp2, ..Config::default() };
    /// # let mut cluster: Cluster = Cluster::new(config, vec![Addr::new("10.0.0.1", 7000)], now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// # // The seed's CLUSTER SHARDS reply: one shard, every slot, its primary at 10.0.0.1:7000.
    /// # const SHARDS: &[u8] = b"*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n\
    /// # *1\r\n*6\r\n$8\r\nendpoint\r\n$8\r\n10.0.0.1\r\n$4\r\nport\r\n:7000\r\n$4\r\nrole\r\n\
    /// # $6\r\nmaster\r\n";
    /// let before = cluster.slot_map_generation();
    /// cluster.handle_connected(conn, now);
    /// cluster.handle_written(conn, cluster.transmit(conn).len());
    /// cluster.handle_data(conn, SHARDS, now); // the first view fills the slot map
    /// let after = cluster.slot_map_generation();
    /// assert_ne!(before, after);
    /// assert_eq!(cluster.slot_map_generation(), after); // unchanged while the map is
    /// ```
    pub fn slot_map_generation(&self) -> u64 {
        self.routing.slots_generation
    }

    /// Requests submitted and not yet replied to.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// cluster.submit(Cmd::new("GET").arg("k"), (), now); // waits for the cluster's view
    /// cluster.submit(Cmd::new("RENAME").arg("a").arg("b"), (), now); // cross-slot: answered at once
    /// assert_eq!(cluster.pending_requests(), 1);
    /// ```
    pub fn pending_requests(&self) -> usize {
        self.requests.all.len()
    }

    /// Connections currently open or opening.
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// assert_eq!(cluster.connection_count(), 1); // the seed's, still opening
    /// cluster.handle_connect_failed(conn, "connection refused", now);
    /// assert_eq!(cluster.connection_count(), 0);
    /// ```
    pub fn connection_count(&self) -> usize {
        self.conns.len()
    }

    /// Bytes held in connection buffers (output not yet written, input not yet decoded).
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// # let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// # let conn = loop {
    /// #     if let Output::Connect { conn, .. } = cluster.poll_output() { break conn; }
    /// # };
    /// cluster.handle_connected(conn, now); // the handshake is queued for writing
    /// assert_eq!(cluster.buffered_bytes(), cluster.transmit(conn).len());
    /// cluster.handle_written(conn, cluster.transmit(conn).len());
    /// assert_eq!(cluster.buffered_bytes(), 0);
    /// ```
    pub fn buffered_bytes(&self) -> usize {
        self.conns
            .iter()
            .map(|(_, c)| c.pending_output().len() + c.read.len())
            .sum()
    }

    /// Nothing is under way: no request waits, no subscription is held, and every
    /// connection is established, has written all it had and expects no reply. A driver may
    /// then stop watching its sockets until the next deadline or input: nothing it could
    /// read would be awaited (the blocking client's driver thread does, see its `lead.rs`).
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Cmd, Config, Output};
    /// # let now = Instant::from_micros(0);
    /// # let seeds = vec![Addr::new("10.0.0.1", 7000)];
    /// let mut cluster: Cluster = Cluster::new(Config::default(), seeds, now);
    /// assert!(!cluster.is_quiet()); // discovery is under way
    /// ```
    pub fn is_quiet(&self) -> bool {
        self.requests.all.len() == 0
            && self.pubsub.subs.is_empty()
            && self.conns.iter().all(|(_, c)| {
                c.state == conn::ConnState::Ready
                    && c.inflight.is_empty()
                    && c.pending_output().is_empty()
            })
    }

    /// A snapshot of what the machine saw of each node (see [`Metrics`]).
    ///
    /// ```
    /// # use keyslot_core::{time::Instant, topology::Addr, Cluster, Config};
    /// let cluster: Cluster = Cluster::new(Config::default(), vec![Addr::new("10.0.0.1", 7000)], Instant::ZERO);
    /// assert_eq!(cluster.metrics().requests_in_flight, 0);
    /// ```
    pub fn metrics(&self) -> Metrics {
        self.snapshot_metrics()
    }
}
