//! `tracing` spans and events (feature `tracing`): one span per request, named and
//! attributed after the OpenTelemetry database conventions, and one event per thing the
//! machine reports (topology changes, redirects, lost nodes, rediscoveries, credentials).
//!
//! # The request span
//!
//! Every `send`, `send_timeout`, `send_to`, `pipeline`, `transaction` and `script` opens an
//! INFO span named [`REQUEST_SPAN`] (`keyslot.request`) with target [`TARGET`]
//! (`keyslot`), a child of the caller's current span. It lasts from the call until the
//! driver hands the reply over, so the redirects, retries and rediscoveries the request
//! waited for are inside it. Its fields, after the [OpenTelemetry semantic conventions for
//! Redis](https://opentelemetry.io/docs/specs/semconv/db/redis/):
//!
//! | field | when | value |
//! | --- | --- | --- |
//! | `otel.name` | at the call | the span's OpenTelemetry name: `db.operation.name` |
//! | `otel.kind` | at the call | `client` |
//! | `db.system.name` | at the call | `redis` |
//! | `db.operation.name` | at the call | the command name, upper-cased (`GET`); for a pipeline or a transaction of several commands `PIPELINE GET` / `MULTI SET` when they all run the same command, else `PIPELINE` / `MULTI`; a batch of one command is that command |
//! | `db.operation.batch.size` | at the call | the number of commands of a pipeline or transaction (not set for one command) |
//! | `db.namespace` | at the call | the database index, `0` unless [`Builder::database`](crate::Builder::database) or the seed URL chose another: the one every connection selects in its handshake (the client refuses `SELECT`, so it never changes) |
//! | `server.address`, `server.port` | at the call | the first seed as configured (a configuration endpoint, say): the conventions want the configured address here, not the node chosen |
//! | `network.peer.address`, `network.peer.port` | at the reply | the node that answered, when every command of the request was answered by one node (after the redirects it followed) |
//! | `keyslot.slot` | at the reply | the slot the request was routed by, when all its commands share one (none for keyless and node-addressed commands) |
//! | `keyslot.redirects` | at the reply | MOVED, ASK and READONLY redirects followed, summed over the request's commands |
//! | `db.response.status_code` | at the reply | a server error's code (`WRONGTYPE`, `ERR`, `CLUSTERDOWN`) |
//! | `error.type` | at the reply | on failure: the server error's code, else the client's class of error (`timeout`, `outcome_unknown`, `too_many_redirects`, `cross_slot`, `closed`, `cancelled` when the caller stopped waiting, ...; `_OTHER` otherwise) |
//! | `otel.status_code` | at the reply | `error` on failure |
//!
//! A pipeline's span records the first failed command's error. No field holds keys,
//! arguments or values (`db.query.text` is left out: they may be anyone's data), nor an
//! error's message (a server may echo arguments in it).
//!
//! The `otel.*` fields are the ones `tracing-opentelemetry` turns into the OpenTelemetry
//! span's name, kind and status, so that an exported span reads `GET` with kind `CLIENT`,
//! as the conventions ask; every other field becomes an attribute of that name.
//!
//! # Events
//!
//! Each [`Event`](crate::Event) of the machine is also a `tracing` event with target
//! `keyslot` and its data as fields: DEBUG for the routine ones (`NodeConnected`,
//! `Redirected`, `Retrying`, `RefreshStarted`), INFO for `TopologyChanged`,
//! `RefreshFinished` and `CredentialsRotated` (WARN when the rediscovery failed), WARN for
//! `NodeStalled`, `NodeLost`, `CredentialsUnavailable` and `ReauthenticationRefused`, TRACE
//! for `Served` (one per command; its data is on the request's span). A hook given to
//! [`Builder::on_event`](crate::Builder::on_event) still gets the events it got without
//! the feature (`Served` only when its [`Config`](crate::Config) asked for them).
//!
//! # Cost
//!
//! Without the feature none of this is compiled: the request carries a zero-sized
//! placeholder. With it and no subscriber interested in INFO spans of `keyslot`, a request
//! costs the span macro's level and interest check: the fields are not evaluated, nothing
//! is allocated, and the driver skips a disabled span's bookkeeping. The machine reports
//! which node served a command (`Event::Served`) only for traced requests: the driver marks
//! them (`Cluster::report_served_for`).
//!
//! # Example
//!
//! A request inside an application's own span: with a subscriber installed (such as
//! `tracing-subscriber`'s, or `tracing-opentelemetry`'s layer), the `GET` appears as a
//! child of `checkout`, with the node that answered it.
//!
//! ```no_run
//! # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
//! use keyslot::Cmd;
//! use tracing::Instrument;
//! let cart = async { client.send(Cmd::new("GET").arg("cart:42")).await }
//!     .instrument(tracing::info_span!("checkout", user = 42))
//!     .await?;
//! # let _ = cart; Ok(()) }
//! ```

use keyslot_core::Cmd;

#[cfg(feature = "tracing")]
pub(crate) use enabled::{event, RequestSpan, Spans};

#[cfg(not(feature = "tracing"))]
pub(crate) use disabled::{RequestSpan, Spans};

/// The target of every span and event of the client: what a filter names.
///
/// ```
/// // For instance `RUST_LOG=keyslot=debug` with tracing-subscriber's `EnvFilter`.
/// let directive = format!("{}=debug", keyslot::trace::TARGET);
/// assert_eq!(directive, "keyslot=debug");
/// ```
#[cfg(feature = "tracing")]
pub const TARGET: &str = "keyslot";

/// The `tracing` name of the request span (its OpenTelemetry name, `otel.name`, is the
/// operation: `GET`).
///
/// ```
/// assert_eq!(keyslot::trace::REQUEST_SPAN, "keyslot.request");
/// ```
#[cfg(feature = "tracing")]
pub const REQUEST_SPAN: &str = "keyslot.request";

/// What a request runs, as the span names it.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub(crate) enum Op<'a> {
    /// One command (`send`, `send_timeout`, `send_to`).
    Command(&'a Cmd),
    /// A pipeline's commands.
    Pipeline(&'a [Cmd]),
    /// A transaction's commands.
    Transaction(&'a [Cmd]),
    /// A script call (`EVALSHA`; `ScriptCall` does not tell its digest or whether it is
    /// `EVALSHA_RO`).
    Script,
}

#[cfg(feature = "tracing")]
mod enabled {
    use std::fmt;
    use std::sync::Arc;

    use keyslot_core::cluster::{Error, Event, RefreshOutcome};
    use keyslot_core::topology::Addr;
    use tracing::field::Empty;
    use tracing::Span;

    use super::{Op, REQUEST_SPAN, TARGET};

    /// What a client's spans say of where they go: the database index and the configured
    /// address. Shared by the client's clones.
    #[derive(Clone)]
    pub(crate) struct Spans(Arc<Configured>);

    struct Configured {
        database: u32,
        server: Addr,
    }

    impl Spans {
        pub(crate) fn new(database: u32, server: &Addr) -> Spans {
            Spans(Arc::new(Configured {
                database,
                server: server.clone(),
            }))
        }

        /// The span of a request about to be submitted, a child of the caller's current
        /// span; disabled (and free) when no subscriber wants it.
        pub(crate) fn open(&self, op: Op<'_>) -> RequestSpan {
            let configured = &*self.0;
            // The field values are evaluated only when the span is enabled.
            let span = tracing::info_span!(
                target: TARGET,
                REQUEST_SPAN,
                otel.name = %op,
                otel.kind = "client",
                otel.status_code = Empty,
                db.system.name = "redis",
                db.operation.name = %op,
                db.operation.batch.size = op.batch_size(),
                db.namespace = %configured.database,
                server.address = configured.server.host.as_str(),
                server.port = configured.server.port,
                network.peer.address = Empty,
                network.peer.port = Empty,
                db.response.status_code = Empty,
                error.type = Empty,
                keyslot.slot = Empty,
                keyslot.redirects = Empty,
            );
            if span.is_disabled() {
                return RequestSpan(None);
            }
            RequestSpan(Some(Box::new(Active {
                span,
                node: Agreed::Unknown,
                slot: Agreed::Unknown,
                redirects: 0,
                parts: 0,
            })))
        }
    }

    impl Op<'_> {
        /// `db.operation.batch.size`: set for batches of other than one command.
        fn batch_size(&self) -> Option<usize> {
            match self {
                Op::Pipeline(cmds) | Op::Transaction(cmds) if cmds.len() != 1 => Some(cmds.len()),
                _ => None,
            }
        }
    }

    /// `db.operation.name`, written without allocating.
    impl fmt::Display for Op<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let (kind, cmds) = match self {
                Op::Command(cmd) => return upper(f, cmd.name()),
                Op::Script => return f.write_str("EVALSHA"),
                Op::Pipeline(cmds) => ("PIPELINE", cmds),
                Op::Transaction(cmds) => ("MULTI", cmds),
            };
            match cmds {
                [one] => upper(f, one.name()),
                [first, rest @ ..]
                    if rest
                        .iter()
                        .all(|c| c.name().eq_ignore_ascii_case(first.name())) =>
                {
                    f.write_str(kind)?;
                    f.write_str(" ")?;
                    upper(f, first.name())
                }
                _ => f.write_str(kind),
            }
        }
    }

    /// A command name upper-cased (Redis reads names in any case: `get` is `GET`).
    fn upper(f: &mut fmt::Formatter<'_>, name: &[u8]) -> fmt::Result {
        use fmt::Write;
        for &b in name {
            let c = if b.is_ascii() {
                char::from(b.to_ascii_uppercase())
            } else {
                char::REPLACEMENT_CHARACTER
            };
            f.write_char(c)?;
        }
        Ok(())
    }

    /// A request's span, carried with it to the driver; `None` when disabled.
    pub(crate) struct RequestSpan(Option<Box<Active>>);

    /// An enabled span and what the machine said of the request's commands so far.
    struct Active {
        span: Span,
        /// The node that answered, while every command's answer came from the same one.
        node: Agreed<Option<Addr>>,
        /// The slot, while every command was routed by the same one.
        slot: Agreed<Option<u16>>,
        redirects: u32,
        /// `Served` events seen (one per command, or per part of a split command).
        parts: u32,
    }

    /// A value every part of a request agrees on, until one differs.
    enum Agreed<T> {
        Unknown,
        Same(T),
        Mixed,
    }

    impl<T: PartialEq> Agreed<T> {
        fn add(&mut self, value: T) {
            match self {
                Agreed::Unknown => *self = Agreed::Same(value),
                Agreed::Same(v) if *v == value => {}
                _ => *self = Agreed::Mixed,
            }
        }
        fn get(&self) -> Option<&T> {
            match self {
                Agreed::Same(v) => Some(v),
                _ => None,
            }
        }
    }

    impl RequestSpan {
        /// A subscriber wants this span.
        pub(crate) fn is_enabled(&self) -> bool {
            self.0.is_some()
        }

        /// A command of the request got its final answer (`Event::Served`).
        pub(crate) fn served(&mut self, addr: Option<&Addr>, slot: Option<u16>, redirects: u32) {
            let Some(active) = &mut self.0 else {
                return;
            };
            active.node.add(addr.cloned());
            active.slot.add(slot);
            active.redirects = active.redirects.saturating_add(redirects);
            active.parts += 1;
        }

        /// The reply is about to be handed over: record the outcome and close the span.
        /// `failure`: the request's error, or a pipeline's first.
        pub(crate) fn finish(self, failure: Option<&Error>) {
            let Some(active) = self.0 else {
                return;
            };
            let span = &active.span;
            if let Some(Some(addr)) = active.node.get() {
                span.record("network.peer.address", addr.host.as_str());
                span.record("network.peer.port", addr.port);
            }
            if let Some(Some(slot)) = active.slot.get() {
                span.record("keyslot.slot", *slot);
            }
            if active.parts > 0 {
                span.record("keyslot.redirects", active.redirects);
            }
            if let Some(e) = failure {
                if let Error::Server(server) = e {
                    if !server.code().is_empty() {
                        span.record("db.response.status_code", server.code());
                    }
                }
                failed(span, error_type(e));
            }
        }

        /// The caller stopped waiting: the request was cancelled.
        pub(crate) fn cancelled(self) {
            if let Some(active) = self.0 {
                failed(&active.span, "cancelled");
            }
        }
    }

    fn failed(span: &Span, error_type: &str) {
        span.record("error.type", error_type);
        span.record("otel.status_code", "error");
    }

    /// `error.type`: a server error's code (as `db.response.status_code`), else the client's
    /// class of failure.
    fn error_type(e: &Error) -> &str {
        match e {
            Error::Server(server) if !server.code().is_empty() => server.code(),
            Error::Timeout => "timeout",
            Error::OutcomeUnknown { .. } => "outcome_unknown",
            Error::TooManyRedirects { .. } => "too_many_redirects",
            Error::NotInCluster { .. } => "not_in_cluster",
            Error::UncoveredSlot(_) => "uncovered_slot",
            Error::CrossSlot => "cross_slot",
            Error::InvalidCommand(_) => "invalid_command",
            Error::Unsupported { .. } => "unsupported",
            Error::Transaction(_) => "transaction",
            Error::Type { .. } => "type",
            Error::Protocol { .. } => "protocol",
            Error::Auth { .. } => "auth",
            Error::NoReachableSeed { .. } => "no_reachable_seed",
            Error::Closed => "closed",
            Error::Config(_) => "config",
            _ => "_OTHER",
        }
    }

    /// The machine's event as a `tracing` event.
    pub(crate) fn event(event: &Event) {
        match event {
            Event::TopologyChanged {
                slots_moved,
                primaries_before,
                primaries_after,
            } => tracing::info!(
                target: TARGET,
                slots_moved,
                primaries_before,
                primaries_after,
                "topology changed"
            ),
            Event::NodeConnected { addr } => {
                tracing::debug!(target: TARGET, node = %addr, "node connected")
            }
            Event::NodeStalled { addr } => tracing::warn!(
                target: TARGET,
                node = %addr,
                "node stalled: nothing read for the stall timeout with replies due"
            ),
            Event::NodeLost { addr } => {
                tracing::warn!(target: TARGET, node = %addr, "connection to node lost")
            }
            Event::Redirected {
                ask,
                slot,
                from,
                to,
            } => tracing::debug!(
                target: TARGET,
                redirect = if *ask { "ASK" } else { "MOVED" },
                slot,
                from = %from,
                to = %to,
                "redirected"
            ),
            Event::Retrying {
                reason,
                addr,
                delay,
            } => tracing::debug!(
                target: TARGET,
                reason = ?reason,
                node = %addr,
                delay = ?std::time::Duration::from(*delay),
                "retrying"
            ),
            Event::CredentialsRotated { connections } => tracing::info!(
                target: TARGET,
                connections,
                "credentials rotated"
            ),
            Event::CredentialsUnavailable { reason, failures } => tracing::warn!(
                target: TARGET,
                reason = reason.as_str(),
                failures,
                "credentials source failed; the held credentials stay in use while valid"
            ),
            Event::ReauthenticationRefused { addr, message } => tracing::warn!(
                target: TARGET,
                node = %addr,
                message = message.as_str(),
                "node refused the rotated credentials"
            ),
            Event::Served {
                request,
                addr,
                slot,
                redirects,
            } => tracing::trace!(
                target: TARGET,
                request = ?request,
                node = addr.as_ref().map(tracing::field::display),
                slot,
                redirects,
                "served"
            ),
            Event::RefreshStarted { trigger } => tracing::debug!(
                target: TARGET,
                trigger = ?trigger,
                "topology refresh started"
            ),
            Event::RefreshFinished {
                trigger,
                outcome: RefreshOutcome::Failed,
            } => tracing::warn!(
                target: TARGET,
                trigger = ?trigger,
                outcome = "failed",
                "topology refresh failed: no node answered"
            ),
            Event::RefreshFinished { trigger, outcome } => tracing::info!(
                target: TARGET,
                trigger = ?trigger,
                outcome = ?outcome,
                "topology refresh finished"
            ),
            other => tracing::debug!(target: TARGET, event = ?other, "event"),
        }
    }
}

/// The feature is off: zero-sized stand-ins the compiler removes.
#[cfg(not(feature = "tracing"))]
mod disabled {
    use keyslot_core::topology::Addr;

    use super::Op;

    #[derive(Clone)]
    pub(crate) struct Spans;

    impl Spans {
        #[inline(always)]
        pub(crate) fn new(_database: u32, _server: &Addr) -> Spans {
            Spans
        }

        #[inline(always)]
        pub(crate) fn open(&self, _op: Op<'_>) -> RequestSpan {
            RequestSpan
        }
    }

    pub(crate) struct RequestSpan;

    impl RequestSpan {
        #[inline(always)]
        pub(crate) fn finish(self, _failure: Option<&keyslot_core::cluster::Error>) {}

        #[inline(always)]
        pub(crate) fn is_enabled(&self) -> bool {
            false
        }

        #[inline(always)]
        pub(crate) fn cancelled(self) {}
    }
}
