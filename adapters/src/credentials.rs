//! Credentials that rotate, from a source of the caller's: IAM tokens (see `aws_iam`), a
//! vault, a file an operator rewrites.
//!
//! The core decides when the source is asked (at the start, then at three quarters of each
//! credential's lifetime), holds handshakes until credentials are valid, and re-authenticates
//! every live connection when they change (see `keyslot_core::cluster::Credentials`). The
//! driver only runs the source's future and hands over its answer.

use std::future::Future;
use std::time::Duration;

use crate::BoxFuture;

/// What a [`CredentialsProvider`] may fail with; its text is reported in
/// `Event::CredentialsUnavailable` and, when no valid credentials are left, in the
/// `Error::Auth` of connections that wait for them.
///
/// ```
/// let e: keyslot::CredentialsError = "the vault is sealed".into();
/// assert_eq!(e.to_string(), "the vault is sealed");
/// ```
pub type CredentialsError = Box<dyn std::error::Error + Send + Sync>;

/// A user name, a password or token, and how long new connections accept it.
///
/// ```
/// use std::time::Duration;
/// let token = keyslot::Credentials::new(Some("app".into()), "t0k3n", Some(Duration::from_secs(900)));
/// assert_eq!(token.valid_for, Some(Duration::from_secs(900)));
/// assert!(!format!("{token:?}").contains("t0k3n"), "Debug hides it");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The ACL user (`None`: `default`).
    pub username: Option<String>,
    /// The password, or a token standing for one.
    pub password: String,
    /// How long from now new connections accept it (`None`: until the next rotation).
    pub valid_for: Option<Duration>,
}

impl Credentials {
    /// Credentials from their parts.
    ///
    /// ```
    /// let forever = keyslot::Credentials::new(None, "s3cret", None);
    /// assert_eq!(forever.username, None);
    /// ```
    pub fn new(
        username: Option<String>,
        password: impl Into<String>,
        valid_for: Option<Duration>,
    ) -> Self {
        Credentials {
            username,
            password: password.into(),
            valid_for,
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("valid_for", &self.valid_for)
            .finish()
    }
}

/// A source of credentials that change; give it to
/// [`Builder::credentials_provider`](crate::Builder::credentials_provider).
///
/// Asked at the start and again well before the credentials it gave expire; a failure keeps
/// the earlier credentials while they are valid and is asked again after a backoff (1 s
/// doubling to 30 s). Any `Fn() -> impl Future<Output = Result<Credentials,
/// CredentialsError>>` is one.
///
/// ```
/// use std::time::Duration;
/// use keyslot::{Credentials, CredentialsProvider};
/// struct Vault;
/// impl CredentialsProvider for Vault {
///     fn credentials(&self) -> keyslot::BoxFuture<'static, Result<Credentials, keyslot::CredentialsError>> {
///         Box::pin(async { Ok(Credentials::new(Some("app".into()), "from-vault", Some(Duration::from_secs(60)))) })
///     }
/// }
/// let builder = keyslot::tokio::Client::builder(["127.0.0.1:7000"]).credentials_provider(Vault);
/// ```
pub trait CredentialsProvider: Send + Sync + 'static {
    /// Fresh credentials.
    ///
    /// ```
    /// # use keyslot::{Credentials, CredentialsProvider};
    /// let source = || async { Ok::<_, keyslot::CredentialsError>(Credentials::new(None, "pw", None)) };
    /// let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// let got = runtime.block_on(source.credentials()).unwrap();
    /// assert_eq!(got.password, "pw");
    /// ```
    fn credentials(&self) -> BoxFuture<'static, Result<Credentials, CredentialsError>>;
}

impl<F, Fut> CredentialsProvider for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Credentials, CredentialsError>> + Send + 'static,
{
    fn credentials(&self) -> BoxFuture<'static, Result<Credentials, CredentialsError>> {
        Box::pin(self())
    }
}
