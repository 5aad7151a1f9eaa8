//! IAM authentication as a credentials source: a fresh token for every ask, signed with
//! AWS credentials from a source of the caller's.
//!
//! The client asks at the start and at three quarters of a token's 15 minutes, so every
//! connection opened presents a token younger than 15 minutes, and every live connection
//! re-authenticates about every 11 minutes: far inside the services' 12-hour limit.
//!
//! Where AWS credentials come from is left to an [`AwsCredentialsSource`]: fixed keys, the
//! environment, or the AWS SDK's default chain (`aws-config`, wrapped in a closure). The
//! SDK is not a dependency here: it would bring an HTTP stack and its own runtime choices to
//! every user of the feature, for what a few lines of the application can bridge.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::{AwsCredentials, IamTokenRequest, IAM_TOKEN_LIFETIME};
use crate::{BoxFuture, Credentials, CredentialsError, CredentialsProvider};

/// Where the AWS credentials that sign tokens come from. Fixed [`AwsCredentials`] are one,
/// and so is any `Fn() -> impl Future<Output = Result<AwsCredentials, CredentialsError>>`
/// (the bridge to `aws-config`'s provider chain, say).
///
/// ```
/// use keyslot::aws_iam::{AwsCredentials, AwsCredentialsSource};
/// let from_env = || async {
///     Ok::<_, keyslot::CredentialsError>(AwsCredentials {
///         access_key_id: std::env::var("AWS_ACCESS_KEY_ID")?,
///         secret_access_key: std::env::var("AWS_SECRET_ACCESS_KEY")?,
///         session_token: std::env::var("AWS_SESSION_TOKEN").ok(),
///     })
/// };
/// fn takes(_: impl AwsCredentialsSource) {}
/// takes(from_env);
/// ```
pub trait AwsCredentialsSource: Send + Sync + 'static {
    /// Credentials to sign with now, and until when they hold (`None`: long-term keys).
    ///
    /// ```
    /// # use keyslot::aws_iam::{AwsCredentials, AwsCredentialsSource};
    /// let keys = AwsCredentials {
    ///     access_key_id: "AKIDEXAMPLE".into(),
    ///     secret_access_key: "secret".into(),
    ///     session_token: None,
    /// };
    /// let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// let (got, until) = rt.block_on(keys.aws_credentials()).unwrap();
    /// assert_eq!((got.access_key_id.as_str(), until), ("AKIDEXAMPLE", None));
    /// ```
    fn aws_credentials(
        &self,
    ) -> BoxFuture<'static, Result<(AwsCredentials, Option<SystemTime>), CredentialsError>>;
}

impl AwsCredentialsSource for AwsCredentials {
    fn aws_credentials(
        &self,
    ) -> BoxFuture<'static, Result<(AwsCredentials, Option<SystemTime>), CredentialsError>> {
        let keys = self.clone();
        Box::pin(async move { Ok((keys, None)) })
    }
}

impl<F, Fut> AwsCredentialsSource for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<AwsCredentials, CredentialsError>> + Send + 'static,
{
    fn aws_credentials(
        &self,
    ) -> BoxFuture<'static, Result<(AwsCredentials, Option<SystemTime>), CredentialsError>> {
        let fetch = self();
        Box::pin(async move { Ok((fetch.await?, None)) })
    }
}

/// ElastiCache or MemoryDB IAM authentication for
/// [`Builder::credentials_provider`](crate::Builder::credentials_provider): each ask signs a
/// token for `request` with the source's AWS credentials, valid 15 minutes (or until those
/// credentials expire, if sooner), presented as `AUTH user-id token`.
///
/// ```no_run
/// # async fn demo() -> Result<(), keyslot::Error> {
/// use keyslot::aws_iam::{AwsCredentials, IamAuth, IamService, IamTokenRequest};
/// let request = IamTokenRequest {
///     user_id: "app-user".into(),
///     cache_name: "my-cluster".into(),
///     region: "us-east-1".into(),
///     service: IamService::ElastiCache,
/// };
/// let keys = AwsCredentials {
///     access_key_id: std::env::var("AWS_ACCESS_KEY_ID").unwrap_or_default(),
///     secret_access_key: std::env::var("AWS_SECRET_ACCESS_KEY").unwrap_or_default(),
///     session_token: std::env::var("AWS_SESSION_TOKEN").ok(),
/// };
/// let client = keyslot::tokio::Client::builder(["rediss://clustercfg.my-cluster.abc123.use1.cache.amazonaws.com:6379"])
///     .credentials_provider(IamAuth::new(request, keys))
///     .connect()
///     .await?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Clone)]
pub struct IamAuth {
    request: Arc<IamTokenRequest>,
    source: Arc<dyn AwsCredentialsSource>,
}

impl IamAuth {
    /// Tokens for `request`, signed with what `source` gives.
    ///
    /// ```
    /// use keyslot::aws_iam::{AwsCredentials, IamAuth, IamService, IamTokenRequest};
    /// use keyslot::CredentialsProvider;
    /// let request = IamTokenRequest {
    ///     user_id: "app-user".into(),
    ///     cache_name: "my-cluster".into(),
    ///     region: "us-east-1".into(),
    ///     service: IamService::ElastiCache,
    /// };
    /// let keys = AwsCredentials {
    ///     access_key_id: "AKIDEXAMPLE".into(),
    ///     secret_access_key: "secret".into(),
    ///     session_token: None,
    /// };
    /// let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// let creds = rt.block_on(IamAuth::new(request, keys).credentials()).unwrap();
    /// assert_eq!(creds.username.as_deref(), Some("app-user"));
    /// assert!(creds.password.starts_with("my-cluster/?Action=connect&User=app-user&"));
    /// assert_eq!(creds.valid_for, Some(std::time::Duration::from_secs(900)));
    /// ```
    pub fn new(request: IamTokenRequest, source: impl AwsCredentialsSource) -> Self {
        IamAuth {
            request: Arc::new(request),
            source: Arc::new(source),
        }
    }
}

impl std::fmt::Debug for IamAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IamAuth")
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

impl CredentialsProvider for IamAuth {
    fn credentials(&self) -> BoxFuture<'static, Result<Credentials, CredentialsError>> {
        let (request, source) = (self.request.clone(), self.source.clone());
        Box::pin(async move {
            let (keys, keys_until) = source.aws_credentials().await?;
            let now = SystemTime::now();
            let token = request.token(&keys, now)?;
            let valid_for = token_validity(keys_until, now)?;
            Ok(Credentials::new(
                Some(request.user_id.clone()),
                token,
                Some(valid_for),
            ))
        })
    }
}

/// How long a token signed at `now` is good for: 15 minutes, or until the keys that signed
/// it expire. Keys already expired are a failure of the source (the client then backs off
/// and asks again), never a token that would be asked for again at once; and a token is
/// never said to last under a second, so a source with keys about to expire is not asked
/// in a loop either.
fn token_validity(
    keys_until: Option<SystemTime>,
    now: SystemTime,
) -> Result<Duration, CredentialsError> {
    let Some(until) = keys_until else {
        return Ok(IAM_TOKEN_LIFETIME);
    };
    match until.duration_since(now) {
        Ok(left) if !left.is_zero() => Ok(left.clamp(Duration::from_secs(1), IAM_TOKEN_LIFETIME)),
        _ => Err("the AWS credentials that sign the token have expired".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_lasts_fifteen_minutes_or_until_its_keys_expire() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(token_validity(None, now).ok(), Some(IAM_TOKEN_LIFETIME));
        let soon = now + Duration::from_secs(120);
        assert_eq!(
            token_validity(Some(soon), now).ok(),
            Some(Duration::from_secs(120))
        );
        let later = now + Duration::from_secs(3600);
        assert_eq!(
            token_validity(Some(later), now).ok(),
            Some(IAM_TOKEN_LIFETIME)
        );
        let almost = now + Duration::from_millis(10);
        assert_eq!(
            token_validity(Some(almost), now).ok(),
            Some(Duration::from_secs(1))
        );
        assert!(
            token_validity(Some(now), now).is_err(),
            "expired keys are a failure"
        );
        assert!(token_validity(Some(now - Duration::from_secs(5)), now).is_err());
    }
}
