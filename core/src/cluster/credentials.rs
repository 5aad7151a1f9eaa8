//! Credentials that rotate: tokens with an expiry (ElastiCache and MemoryDB IAM, Entra ID,
//! Memorystore IAM), or passwords an operator changes.
//!
//! Static credentials sit in [`Config`](super::Config) and never change. A rotating source
//! is the driver's to ask, since asking may do I/O (sign a token, read a vault); the machine
//! decides when it is asked and what follows, so every driver and embedder behaves alike:
//!
//! - With [`Config::credentials_from_source`](super::Config), a connection's handshake waits
//!   until credentials are held and unexpired: no handshake presents expired credentials.
//! - [`Output::NeedCredentials`](super::Output) asks the driver for fresh ones: at the start,
//!   and again once three quarters of the held ones' lifetime has passed, well before they
//!   expire. The driver answers with [`Cluster::set_credentials`] or
//!   [`Cluster::credentials_failed`].
//! - New credentials go to every connection made after, and every live connection
//!   re-authenticates: `AUTH user password` is queued behind what the connection already
//!   carries, so requests in flight are not disturbed. Dedicated blocking connections do the
//!   same (a parked pop is answered first, then the `AUTH`). A RESP2 connection in subscribed
//!   mode cannot run `AUTH`: it is closed, and its subscriptions are placed again on a
//!   connection that handshakes with the new credentials.
//! - A source that fails: the held credentials stay in use while they are valid,
//!   [`Event::CredentialsUnavailable`] reports it, and the source is asked again after a
//!   backoff (1 s doubling to 30 s, each wait jittered in its upper half as every retry of
//!   the machine is, so that clients sharing a failed source do not ask it together).
//!   Without valid credentials, connections waiting for
//!   them fail with [`Error::Auth`] carrying the source's reason.
//! - The server refusing the new credentials on a live connection leaves that connection as
//!   it was (a refused `AUTH` does not log out) and reports
//!   [`Event::ReauthenticationRefused`]; a handshake they fail is [`Error::Auth`], never
//!   retried in a loop.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::backoff::backoff;
use super::conn::{ConnState, Expect};
use super::slab::Key;
use super::timers::Timer;
use super::{Cluster, Error, Event, Output};
use crate::time::{Duration, Instant};

/// A user name and a password or token, and when they stop being accepted.
///
/// ```
/// use keyslot_core::cluster::Credentials;
/// use keyslot_core::time::Instant;
/// let creds = Credentials::new(Some("app".into()), "token".into(), Some(Instant::from_micros(900)));
/// assert!(!format!("{creds:?}").contains("token"), "Debug hides the secret");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The ACL user (`None`: `default`).
    pub username: Option<String>,
    /// The password, or a token standing for one.
    pub password: String,
    /// When new connections stop accepting them (`None`: never).
    pub expires: Option<Instant>,
}

impl Credentials {
    /// Credentials from their parts.
    ///
    /// ```
    /// use keyslot_core::cluster::Credentials;
    /// let forever = Credentials::new(None, "s3cret".into(), None);
    /// assert_eq!(forever.expires, None);
    /// ```
    pub fn new(username: Option<String>, password: String, expires: Option<Instant>) -> Self {
        Credentials {
            username,
            password,
            expires,
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("expires", &self.expires)
            .finish()
    }
}

/// First wait after a source failed; doubles per failure in a row.
const FIRST_RETRY: Duration = Duration::from_secs(1);
/// The longest wait between two asks of a failing source.
const MAX_RETRY: Duration = Duration::from_secs(30);

/// What the machine knows of a rotating source.
#[derive(Debug, Default)]
pub(crate) struct CredentialState {
    /// Credentials were received at least once.
    received: bool,
    /// When the held ones expire.
    expires: Option<Instant>,
    /// When the source is to be asked next.
    ask_at: Option<Instant>,
    /// Failures of the source in a row.
    failures: u32,
    /// Connections whose handshake waits for credentials.
    waiting: Vec<Key>,
}

impl<T, S, P> Cluster<T, S, P> {
    /// [`Cluster::set_credentials`]'s work.
    pub(super) fn apply_credentials(&mut self, credentials: Credentials, now: Instant) {
        let Credentials {
            username,
            password,
            expires,
        } = credentials;
        self.config.username = username;
        self.config.password = Some(password);
        let state = &mut self.credentials;
        state.received = true;
        state.expires = expires;
        state.failures = 0;
        state.ask_at = None;
        if let Some(expires) = expires {
            let lifetime = expires.saturating_duration_since(now);
            let at = now + Duration::from_micros(lifetime.as_micros() / 4 * 3);
            self.schedule_credentials_ask(at.max(now));
        }
        let waiting = core::mem::take(&mut self.credentials.waiting);
        let mut renewed = 0;
        let live: Vec<Key> = self.conns.iter().map(|(key, _)| key).collect();
        for key in live {
            if waiting.contains(&key) {
                continue;
            }
            renewed += usize::from(self.reauthenticate(key, now));
        }
        for key in waiting {
            if self
                .conns
                .get(key)
                .is_some_and(|c| c.state == ConnState::Handshaking)
            {
                self.begin_handshake(key, now);
            }
        }
        self.event(Event::CredentialsRotated {
            connections: renewed,
        });
    }

    /// [`Cluster::credentials_failed`]'s work.
    pub(super) fn note_credentials_failure(&mut self, reason: &str, now: Instant) {
        let state = &mut self.credentials;
        state.failures = state.failures.saturating_add(1);
        let failures = state.failures;
        let backoff = backoff(FIRST_RETRY, MAX_RETRY, failures - 1, &mut self.rng);
        self.event(Event::CredentialsUnavailable {
            reason: reason.into(),
            failures,
        });
        self.schedule_credentials_ask(now + backoff);
        if self.credentials_usable(now) {
            return;
        }
        for key in core::mem::take(&mut self.credentials.waiting) {
            let Some(c) = self.conns.get(key) else {
                continue;
            };
            let error = Error::Auth {
                addr: c.addr.clone(),
                message: alloc::format!("no credentials: {reason}")
                    .into_bytes()
                    .into(),
            };
            self.note_seed_failure(
                key,
                &alloc::format!("no credentials from the source: {reason}"),
            );
            self.drop_conn(key, Some(error), now);
        }
    }

    /// Set up a rotating source at start: ask it at once.
    pub(crate) fn start_credentials(&mut self, now: Instant) {
        if self.config.credentials_from_source {
            self.credentials.ask_at = Some(now);
            self.outputs.push_back(Output::NeedCredentials);
        }
    }

    /// Held, unexpired credentials (always, without a rotating source).
    fn credentials_usable(&self, now: Instant) -> bool {
        !self.config.credentials_from_source
            || (self.credentials.received && self.credentials.expires.is_none_or(|e| e > now))
    }

    /// A new connection's handshake may begin (else it waits for credentials, and the
    /// source is asked if no ask is due).
    pub(crate) fn handshake_may_begin(&mut self, conn: Key, now: Instant) -> bool {
        if self.credentials_usable(now) {
            return true;
        }
        self.credentials.waiting.push(conn);
        if self.credentials.ask_at.is_none_or(|at| at > now) && self.credentials.failures == 0 {
            self.credentials.ask_at = Some(now);
            self.outputs.push_back(Output::NeedCredentials);
        }
        false
    }

    fn schedule_credentials_ask(&mut self, at: Instant) {
        self.credentials.ask_at = Some(at);
        self.timers.schedule(at, Timer::Credentials);
    }

    /// `Timer::Credentials` fired: ask the source if this is the ask still planned.
    pub(crate) fn credentials_timer(&mut self, now: Instant) {
        if self.credentials.ask_at.is_some_and(|at| at <= now) {
            self.credentials.ask_at = None;
            self.outputs.push_back(Output::NeedCredentials);
        }
    }

    /// Send the current credentials on a live connection; true when it will
    /// re-authenticate. A RESP2 subscription connection is closed instead.
    fn reauthenticate(&mut self, key: Key, now: Instant) -> bool {
        let Some(c) = self.conns.get(key) else {
            return false;
        };
        if !matches!(c.state, ConnState::Handshaking | ConnState::Ready) {
            return false;
        }
        // A RESP2 connection in subscribed mode takes no AUTH.
        if c.pubsub {
            self.drop_conn(key, None, now);
            return false;
        }
        let Some(auth) = self.auth_command() else {
            return false;
        };
        let Some(c) = self.conns.get_mut(key) else {
            return false;
        };
        c.send(Expect::Reauth, |out| auth.encode(out));
        self.signal_transmit(key);
        true
    }

    /// The reply to a re-authentication.
    pub(crate) fn on_reauth_reply(&mut self, conn: Key, error: Option<&[u8]>) {
        let (Some(message), Some(c)) = (error, self.conns.get(conn)) else {
            return;
        };
        let addr = c.addr.clone();
        let message = String::from_utf8_lossy(message).into_owned();
        self.event(Event::ReauthenticationRefused { addr, message });
    }
}
