//! AWS IAM authentication tokens for ElastiCache and MemoryDB (feature `aws-iam`).
//!
//! # Why
//!
//! An ElastiCache or MemoryDB user whose authentication mode is IAM has no password: the
//! client proves who it is with a short-lived token signed by AWS credentials, sent where the
//! password would go (`AUTH user-id token`, or `HELLO 3 AUTH user-id token`). Access is then
//! governed by the IAM policy (`elasticache:Connect` / `memorydb:Connect`), and no long-lived
//! secret sits in the application's configuration.
//!
//! # What a token is
//!
//! The token is an AWS Signature Version 4 presigned URL, the way AWS's own samples and
//! toolkits build it, without its scheme:
//!
//! - the request is `GET http://{cache-name}/?Action=connect&User={user-id}`, plus
//!   `&ResourceType=ServerlessCache` for an ElastiCache Serverless cache; the cache name
//!   (replication group id, serverless cache name or MemoryDB cluster name) stands as the
//!   host, lowercased;
//! - it is signed in the query string (`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`,
//!   `X-Amz-Expires=900`, `X-Amz-SignedHeaders=host`, then `X-Amz-Signature`) for the service
//!   `elasticache` or `memorydb`, in the cache's region;
//! - temporary credentials add their session token as `X-Amz-Security-Token` (signed);
//! - the token is that URL with `http://` taken off.
//!
//! It is valid for [`IAM_TOKEN_LIFETIME`] (15 minutes) from its signing time, for the
//! `AUTH`/`HELLO` that opens a connection. The services end an IAM-authenticated connection
//! after 12 hours unless it re-authenticates with a fresh token.
//!
//! # How
//!
//! The signature is computed by [`aws-sigv4`](https://docs.rs/aws-sigv4), AWS's own SigV4
//! signer for Rust; this module builds the request, checks its parts, and writes the signed
//! parameters in the order botocore writes them. `tests/aws_iam_botocore.rs` checks the
//! tokens byte for byte against botocore's (AWS's Python SDK core) for both services, the
//! serverless variant, and credentials with and without a session token
//! (`scripts/gen-iam-token-vectors` computes them).
//!
//! [`IamAuth`] makes this a credentials source for
//! [`Builder::credentials_provider`](crate::Builder::credentials_provider): a fresh token
//! for the handshakes, re-authentication of every live connection before the token it used
//! gets old. Where the AWS credentials come from (fixed keys, the environment, an instance
//! role through `aws-config`) is an [`AwsCredentialsSource`]. A token given once to
//! [`Builder::password`](crate::Builder::password) would serve only the connections opened
//! within its 15 minutes.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use keyslot::aws_iam::{AwsCredentials, IamService, IamTokenRequest};
//!
//! let request = IamTokenRequest {
//!     user_id: "iam-user".into(),
//!     cache_name: "my-cache".into(),
//!     region: "us-east-1".into(),
//!     service: IamService::ElastiCache,
//! };
//! let credentials = AwsCredentials {
//!     access_key_id: "AKIDEXAMPLE".into(),
//!     secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
//!     session_token: None,
//! };
//! // In an application: std::time::SystemTime::now().
//! let at = UNIX_EPOCH + Duration::from_secs(1_722_600_710); // 2024-08-02T12:11:50Z
//! let token = request.token(&credentials, at)?;
//! assert!(token.starts_with("my-cache/?Action=connect&User=iam-user&"));
//! assert!(token.contains("&X-Amz-Date=20240802T121150Z&X-Amz-Expires=900&"));
//! // Then: AUTH iam-user <token>, e.g. Builder::username("iam-user").password(token).
//! # Ok::<(), keyslot::aws_iam::IamTokenError>(())
//! ```

mod provider;

pub use provider::{AwsCredentialsSource, IamAuth};

use std::fmt;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
};
use aws_sigv4::sign::v4;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// How long a token is valid from its signing time: 15 minutes, the validity ElastiCache's
/// and MemoryDB's documentation give IAM tokens, signed into it as `X-Amz-Expires=900`.
///
/// A client that opens connections later than that must sign a new token for them.
///
/// ```
/// use std::time::Duration;
/// assert_eq!(keyslot::aws_iam::IAM_TOKEN_LIFETIME, Duration::from_secs(900));
/// ```
pub const IAM_TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// SigV4's query encoding: everything but RFC 3986's unreserved characters is
/// percent-encoded (what botocore writes, and what the canonical request holds).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The name aws-sigv4 records as the credentials' provider (it is never sent).
const PROVIDER_NAME: &str = "keyslot";

/// Which service the cache belongs to: it picks the SigV4 service name and, for ElastiCache
/// Serverless, the `ResourceType=ServerlessCache` parameter.
///
/// ```
/// use keyslot::aws_iam::IamService;
/// assert_eq!(IamService::ElastiCache.signing_name(), "elasticache");
/// assert_eq!(IamService::ElastiCacheServerless.signing_name(), "elasticache");
/// assert_eq!(IamService::MemoryDb.signing_name(), "memorydb");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IamService {
    /// An ElastiCache (Valkey or Redis OSS) replication group, node-based; the cache name
    /// is its replication group id.
    ElastiCache,
    /// An ElastiCache Serverless cache; the cache name is the serverless cache's name. Its
    /// tokens carry `ResourceType=ServerlessCache`, which node-based caches reject.
    ElastiCacheServerless,
    /// A MemoryDB cluster; the cache name is the cluster's name.
    MemoryDb,
}

impl IamService {
    /// The service name the token is signed for (`elasticache` or `memorydb`): the fourth
    /// part of its `X-Amz-Credential` scope.
    ///
    /// ```
    /// use keyslot::aws_iam::IamService;
    /// assert_eq!(IamService::MemoryDb.signing_name(), "memorydb");
    /// ```
    pub fn signing_name(self) -> &'static str {
        match self {
            IamService::ElastiCache | IamService::ElastiCacheServerless => "elasticache",
            IamService::MemoryDb => "memorydb",
        }
    }
}

/// The AWS credentials a token is signed with: an access key pair, and the session token
/// that comes with temporary credentials (an assumed role, an instance or task role, SSO).
///
/// keyslot takes them as plain strings so that any credential source fits; with
/// `aws-config`, copy the three fields of the `Credentials` its provider returns. Their
/// `Debug` hides the secret and the session token.
///
/// ```
/// use keyslot::aws_iam::AwsCredentials;
/// let credentials = AwsCredentials {
///     access_key_id: "ASIAEXAMPLETEMPORARY".into(),
///     secret_access_key: "very-secret".into(),
///     session_token: Some("session-token".into()),
/// };
/// let shown = format!("{credentials:?}");
/// assert!(shown.contains("ASIAEXAMPLETEMPORARY"));
/// assert!(!shown.contains("very-secret") && !shown.contains("session-token"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct AwsCredentials {
    /// The access key id (`AKIA…` for long-term keys, `ASIA…` for temporary ones).
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The session token of temporary credentials; `None` for a long-term key pair.
    pub session_token: Option<String>,
}

impl fmt::Debug for AwsCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// The cache and user a token is for.
///
/// ```
/// use std::time::SystemTime;
/// use keyslot::aws_iam::{AwsCredentials, IamService, IamTokenRequest};
///
/// let request = IamTokenRequest {
///     user_id: "iam-user".into(),
///     cache_name: "sessions".into(),
///     region: "eu-west-1".into(),
///     service: IamService::ElastiCacheServerless,
/// };
/// let credentials = AwsCredentials {
///     access_key_id: "AKIDEXAMPLE".into(),
///     secret_access_key: "secret".into(),
///     session_token: None,
/// };
/// let token = request.token(&credentials, SystemTime::now())?;
/// assert!(token.starts_with("sessions/?Action=connect&User=iam-user&ResourceType=ServerlessCache&"));
/// assert!(token.contains("%2Feu-west-1%2Felasticache%2Faws4_request&"));
/// # Ok::<(), keyslot::aws_iam::IamTokenError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IamTokenRequest {
    /// The ElastiCache user id or MemoryDB user name, signed as `User`. The same string is
    /// the username of the `AUTH` the token goes with (ElastiCache requires an IAM user's id
    /// and name to be equal, and stores both lowercase). Any non-empty string without control
    /// characters; it is percent-encoded.
    pub user_id: String,
    /// The ElastiCache replication group id or serverless cache name, or the MemoryDB
    /// cluster name: not the endpoint's DNS name. Letters, digits and hyphens; signed
    /// lowercase, as the services store it.
    pub cache_name: String,
    /// The cache's AWS region, such as `us-east-1`: lowercase letters, digits and hyphens.
    pub region: String,
    /// The service the cache belongs to.
    pub service: IamService,
}

impl IamTokenRequest {
    /// Signs a token with `credentials` as of `at` (normally `SystemTime::now()`): valid
    /// until `at` + [`IAM_TOKEN_LIFETIME`]. Signing is local and immediate: no request is
    /// sent anywhere.
    ///
    /// Fails, without signing, if a part of the request or of the credentials could not
    /// make a valid token (see [`IamTokenError`]).
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use keyslot::aws_iam::{AwsCredentials, IamService, IamTokenRequest};
    ///
    /// let request = IamTokenRequest {
    ///     user_id: "iam-user".into(),
    ///     cache_name: "my-cache".into(),
    ///     region: "us-east-1".into(),
    ///     service: IamService::ElastiCache,
    /// };
    /// let credentials = AwsCredentials {
    ///     access_key_id: "AKIDEXAMPLE".into(),
    ///     secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
    ///     session_token: None,
    /// };
    /// let at = UNIX_EPOCH + Duration::from_secs(1_722_600_710);
    /// // botocore's token for the same request, credentials and time.
    /// assert_eq!(
    ///     request.token(&credentials, at)?,
    ///     "my-cache/?Action=connect&User=iam-user&X-Amz-Algorithm=AWS4-HMAC-SHA256\
    ///      &X-Amz-Credential=AKIDEXAMPLE%2F20240802%2Fus-east-1%2Felasticache%2Faws4_request\
    ///      &X-Amz-Date=20240802T121150Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host\
    ///      &X-Amz-Signature=6fe96dcd7dae388b988bf44e08f801b42bbb100fc700388cd4321c797f032392"
    /// );
    /// # Ok::<(), keyslot::aws_iam::IamTokenError>(())
    /// ```
    pub fn token(
        &self,
        credentials: &AwsCredentials,
        at: SystemTime,
    ) -> Result<String, IamTokenError> {
        self.check()?;
        check_credentials(credentials)?;

        let host = self.cache_name.to_ascii_lowercase();
        let mut query = format!(
            "Action=connect&User={}",
            utf8_percent_encode(&self.user_id, QUERY_VALUE)
        );
        if self.service == IamService::ElastiCacheServerless {
            query.push_str("&ResourceType=ServerlessCache");
        }
        let url = format!("http://{host}/?{query}");

        let identity = Credentials::new(
            credentials.access_key_id.as_str(),
            credentials.secret_access_key.as_str(),
            credentials.session_token.clone(),
            None,
            PROVIDER_NAME,
        )
        .into();
        let mut settings = SigningSettings::default();
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(IAM_TOKEN_LIFETIME);
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(self.service.signing_name())
            .time(at)
            .settings(settings)
            .build()
            .map_err(|e| IamTokenError::Signing(e.to_string()))?
            .into();
        let signable = SignableRequest::new(
            "GET",
            url.as_str(),
            std::iter::empty(),
            SignableBody::Bytes(&[]),
        )
        .map_err(|e| IamTokenError::Signing(e.to_string()))?;
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|e| IamTokenError::Signing(e.to_string()))?
            .into_parts();
        let (_headers, signed) = instructions.into_parts();

        // The signer lists X-Amz-Signature before X-Amz-Security-Token; botocore (like the
        // SigV4 documentation's examples) ends the URL with the signature. The order is not
        // signed, so either is accepted; this one makes the token botocore's byte for byte.
        let mut token = format!("{host}/?{query}");
        let (signature, rest): (Vec<_>, Vec<_>) = signed
            .iter()
            .partition(|(name, _)| *name == "X-Amz-Signature");
        for (name, value) in rest.into_iter().chain(signature) {
            token.push('&');
            token.push_str(name);
            token.push('=');
            token.extend(utf8_percent_encode(value, QUERY_VALUE));
        }
        Ok(token)
    }

    fn check(&self) -> Result<(), IamTokenError> {
        let cache_name_ok = !self.cache_name.is_empty()
            && self
                .cache_name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !cache_name_ok {
            return Err(IamTokenError::CacheName);
        }
        if self.user_id.is_empty() || self.user_id.chars().any(char::is_control) {
            return Err(IamTokenError::UserId);
        }
        let region_ok = !self.region.is_empty()
            && self
                .region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !region_ok {
            return Err(IamTokenError::Region);
        }
        Ok(())
    }
}

fn check_credentials(credentials: &AwsCredentials) -> Result<(), IamTokenError> {
    // The access key id is written into the credential scope, between slashes.
    let key_ok = !credentials.access_key_id.is_empty()
        && credentials
            .access_key_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric());
    let token_ok = credentials
        .session_token
        .as_ref()
        .is_none_or(|t| !t.is_empty());
    if key_ok && !credentials.secret_access_key.is_empty() && token_ok {
        Ok(())
    } else {
        Err(IamTokenError::Credentials)
    }
}

/// Why a token could not be signed. The messages name the part at fault and its rule,
/// never its value (a credential must not reach a log).
///
/// ```
/// use std::time::SystemTime;
/// use keyslot::aws_iam::{AwsCredentials, IamService, IamTokenError, IamTokenRequest};
///
/// let request = IamTokenRequest {
///     user_id: "iam-user".into(),
///     // An endpoint, not the cache's name.
///     cache_name: "my-cache.abc123.clustercfg.use1.cache.amazonaws.com".into(),
///     region: "us-east-1".into(),
///     service: IamService::ElastiCache,
/// };
/// let credentials = AwsCredentials {
///     access_key_id: "AKIDEXAMPLE".into(),
///     secret_access_key: "secret".into(),
///     session_token: None,
/// };
/// assert_eq!(request.token(&credentials, SystemTime::now()), Err(IamTokenError::CacheName));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IamTokenError {
    /// The cache name is empty or has a character other than a letter, digit or hyphen (an
    /// endpoint's DNS name is not a cache name).
    CacheName,
    /// The user id is empty or has a control character.
    UserId,
    /// The region is empty or has a character other than a lowercase letter, digit or
    /// hyphen.
    Region,
    /// The access key id is empty or not alphanumeric, the secret access key is empty, or
    /// the session token is `Some("")`.
    Credentials,
    /// The signer refused the request (its message).
    Signing(String),
}

impl fmt::Display for IamTokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IamTokenError::CacheName => f.write_str(
                "IAM token: the cache name must be letters, digits and hyphens \
                 (the replication group id, serverless cache name or MemoryDB cluster name)",
            ),
            IamTokenError::UserId => {
                f.write_str("IAM token: the user id must be non-empty, without control characters")
            }
            IamTokenError::Region => {
                f.write_str("IAM token: the region must be lowercase letters, digits and hyphens")
            }
            IamTokenError::Credentials => f.write_str(
                "IAM token: the credentials need an alphanumeric access key id, a secret \
                 access key, and a session token that is absent or non-empty",
            ),
            IamTokenError::Signing(message) => write!(f, "IAM token: signing failed: {message}"),
        }
    }
}

impl std::error::Error for IamTokenError {}
