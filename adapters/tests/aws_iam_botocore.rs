//! keyslot's IAM tokens against botocore's, byte for byte.
//!
//! `tests/data/iam_tokens.json` holds tokens botocore (AWS's Python SDK core) signed for
//! fixed credentials, caches, users, regions and times, for ElastiCache, ElastiCache
//! Serverless and MemoryDB, with and without a session token; `scripts/gen-iam-token-vectors`
//! computes them. Every one must come out of `IamTokenRequest::token` unchanged, and a change
//! to any signed input must change the token.
//!
//! Run with `cargo test -p keyslot --features aws-iam --test aws_iam_botocore`.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use keyslot::aws_iam::{
    AwsCredentials, IamService, IamTokenError, IamTokenRequest, IAM_TOKEN_LIFETIME,
};

const VECTORS: &str = include_str!("data/iam_tokens.json");

struct Vector {
    name: String,
    request: IamTokenRequest,
    credentials: AwsCredentials,
    at: SystemTime,
    token: String,
}

fn vectors() -> Vec<Vector> {
    let document = Json::parse(VECTORS);
    assert_eq!(document.get("expires_seconds").number(), 900);
    document
        .get("vectors")
        .array()
        .iter()
        .map(|v| {
            let service = match v.get("service").string() {
                "ElastiCache" => IamService::ElastiCache,
                "ElastiCacheServerless" => IamService::ElastiCacheServerless,
                "MemoryDb" => IamService::MemoryDb,
                other => panic!("unknown service {other}"),
            };
            Vector {
                name: v.get("name").string().to_owned(),
                request: IamTokenRequest {
                    user_id: v.get("user_id").string().to_owned(),
                    cache_name: v.get("cache_name").string().to_owned(),
                    region: v.get("region").string().to_owned(),
                    service,
                },
                credentials: AwsCredentials {
                    access_key_id: v.get("access_key_id").string().to_owned(),
                    secret_access_key: v.get("secret_access_key").string().to_owned(),
                    session_token: v.get("session_token").optional_string().map(str::to_owned),
                },
                at: UNIX_EPOCH + Duration::from_secs(v.get("unix_time").number()),
                token: v.get("token").string().to_owned(),
            }
        })
        .collect()
}

#[test]
fn every_vector_matches_botocore() {
    let vectors = vectors();
    // Every service with both kinds of credentials, over several caches, users and regions.
    let mut seen = BTreeMap::new();
    for v in &vectors {
        let kind = (
            format!("{:?}", v.request.service),
            v.credentials.session_token.is_some(),
        );
        *seen.entry(kind).or_insert(0) += 1;
        let token = v.request.token(&v.credentials, v.at).unwrap();
        assert_eq!(token, v.token, "{}", v.name);
    }
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert!(seen.values().all(|&n| n >= 4), "{seen:?}");
}

#[test]
fn tokens_have_the_documented_shape() {
    for v in vectors() {
        let token = v.request.token(&v.credentials, v.at).unwrap();
        let name = &v.name;
        let host = v.request.cache_name.to_ascii_lowercase();
        assert!(
            token.starts_with(&format!("{host}/?Action=connect&User=")),
            "{name}"
        );
        assert!(!token.contains("://"), "{name}");
        assert!(token.contains("&X-Amz-Expires=900&"), "{name}");
        assert!(token.contains("&X-Amz-SignedHeaders=host&"), "{name}");
        assert!(
            token.contains("&X-Amz-Algorithm=AWS4-HMAC-SHA256&"),
            "{name}"
        );
        let scope = format!(
            "%2F{}%2F{}%2Faws4_request&",
            v.request.region,
            v.request.service.signing_name()
        );
        assert!(token.contains(&scope), "{name}");
        assert_eq!(
            token.contains("&ResourceType=ServerlessCache&"),
            v.request.service == IamService::ElastiCacheServerless,
            "{name}"
        );
        assert_eq!(
            token.contains("&X-Amz-Security-Token="),
            v.credentials.session_token.is_some(),
            "{name}"
        );
        // The signature is last: 64 hex digits.
        let signature = token.rsplit_once("&X-Amz-Signature=").unwrap().1;
        assert_eq!(signature.len(), 64, "{name}");
        assert!(signature.bytes().all(|b| b.is_ascii_hexdigit()), "{name}");
    }
}

#[test]
fn a_wrong_secret_gives_a_different_signature() {
    for v in vectors() {
        let mut wrong = v.credentials.clone();
        wrong.secret_access_key.push('x');
        let token = v.request.token(&wrong, v.at).unwrap();
        assert_ne!(token, v.token, "{}", v.name);
        // Only the signature differs: the secret is not in the URL.
        let unsigned = |t: &str| t.rsplit_once("&X-Amz-Signature=").unwrap().0.to_owned();
        assert_eq!(unsigned(&token), unsigned(&v.token), "{}", v.name);
    }
}

#[test]
fn every_signed_input_changes_the_token() {
    let v = &vectors()[1]; // with a session token
    assert!(v.credentials.session_token.is_some());
    let reference = v.request.token(&v.credentials, v.at).unwrap();
    assert_eq!(reference, v.token);

    let mut variants = Vec::new();
    let mut r = v.request.clone();
    r.user_id.push('x');
    variants.push(("user", r.token(&v.credentials, v.at)));
    let mut r = v.request.clone();
    r.cache_name.push('x');
    variants.push(("cache", r.token(&v.credentials, v.at)));
    let mut r = v.request.clone();
    r.region = "us-west-2".into();
    variants.push(("region", r.token(&v.credentials, v.at)));
    let mut r = v.request.clone();
    r.service = IamService::MemoryDb;
    variants.push(("service", r.token(&v.credentials, v.at)));
    let mut c = v.credentials.clone();
    c.session_token.as_mut().unwrap().push('x');
    variants.push(("session token", v.request.token(&c, v.at)));
    let mut c = v.credentials.clone();
    c.access_key_id.push('X');
    variants.push(("access key", v.request.token(&c, v.at)));
    let later = v.at + Duration::from_secs(1);
    variants.push(("time", v.request.token(&v.credentials, later)));
    for (what, token) in variants {
        assert_ne!(token.unwrap(), reference, "{what}");
    }
}

/// A signature from an independent implementation (a project's test of its ElastiCache
/// Serverless token built with the AWS SDK for Java v2's signer): same inputs, same signature.
#[test]
fn matches_the_aws_sdk_for_java_signature() {
    let request = IamTokenRequest {
        user_id: "user123".into(),
        cache_name: "my-cache".into(),
        region: "eu-west-1".into(),
        service: IamService::ElastiCacheServerless,
    };
    let credentials = AwsCredentials {
        access_key_id: "accessKey".into(),
        secret_access_key: "secretKey".into(),
        session_token: None,
    };
    let at = UNIX_EPOCH + Duration::from_secs(1_722_600_710); // 2024-08-02T12:11:50Z
    let token = request.token(&credentials, at).unwrap();
    assert!(
        token.starts_with("my-cache/?Action=connect&User=user123&ResourceType=ServerlessCache&")
    );
    assert!(token.ends_with(
        "&X-Amz-Signature=5dda5db919b1337db6596b2a608924bc10197fb39289b933b60bdb114d5a70dc"
    ));
}

#[test]
fn the_signing_time_counts_in_whole_seconds() {
    let v = &vectors()[0];
    let within = v.at + Duration::from_millis(999);
    assert_eq!(v.request.token(&v.credentials, within).unwrap(), v.token);
    assert_eq!(IAM_TOKEN_LIFETIME, Duration::from_secs(900));
}

#[test]
fn malformed_inputs_are_refused() {
    let v = &vectors()[0];
    let with = |f: &dyn Fn(&mut IamTokenRequest)| {
        let mut r = v.request.clone();
        f(&mut r);
        r.token(&v.credentials, v.at)
    };
    for bad in [
        "",
        "my-cache.abc123.use1.cache.amazonaws.com",
        "evil/path",
        "a@b",
        "a:6379",
    ] {
        assert_eq!(
            with(&|r| r.cache_name = bad.into()),
            Err(IamTokenError::CacheName),
            "{bad:?}"
        );
    }
    for bad in ["", "user\r\nAUTH", "tab\there"] {
        assert_eq!(
            with(&|r| r.user_id = bad.into()),
            Err(IamTokenError::UserId),
            "{bad:?}"
        );
    }
    for bad in ["", "US-EAST-1", "us-east-1/x"] {
        assert_eq!(
            with(&|r| r.region = bad.into()),
            Err(IamTokenError::Region),
            "{bad:?}"
        );
    }

    let creds = |f: &dyn Fn(&mut AwsCredentials)| {
        let mut c = v.credentials.clone();
        f(&mut c);
        v.request.token(&c, v.at)
    };
    let refused = Err(IamTokenError::Credentials);
    assert_eq!(creds(&|c| c.access_key_id.clear()), refused);
    assert_eq!(creds(&|c| c.access_key_id = "AKID/X".into()), refused);
    assert_eq!(creds(&|c| c.secret_access_key.clear()), refused);
    assert_eq!(creds(&|c| c.session_token = Some(String::new())), refused);
    // The message says what is wrong, not what the secret was.
    let message = creds(&|c| c.session_token = Some(String::new()))
        .unwrap_err()
        .to_string();
    assert!(
        !message.contains(&v.credentials.secret_access_key),
        "{message}"
    );
}

/// Just enough JSON for the vectors file: objects, arrays, strings, integers and null.
#[derive(Debug)]
enum Json {
    Null,
    Number(u64),
    String(String),
    Array(Vec<Json>),
    Object(BTreeMap<String, Json>),
}

impl Json {
    fn parse(text: &str) -> Json {
        let mut chars = text.chars().peekable();
        let value = Self::value(&mut chars);
        Self::skip_space(&mut chars);
        assert!(chars.next().is_none(), "trailing text after the JSON value");
        value
    }

    fn skip_space(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
    }

    fn value(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Json {
        Self::skip_space(chars);
        match chars.peek().copied() {
            Some('{') => {
                chars.next();
                let mut map = BTreeMap::new();
                loop {
                    Self::skip_space(chars);
                    if chars.peek() == Some(&'}') {
                        chars.next();
                        break;
                    }
                    let Json::String(key) = Self::value(chars) else {
                        panic!("object key is not a string");
                    };
                    Self::skip_space(chars);
                    assert_eq!(chars.next(), Some(':'));
                    map.insert(key, Self::value(chars));
                    Self::skip_space(chars);
                    match chars.next() {
                        Some(',') => {}
                        Some('}') => break,
                        other => panic!("unexpected {other:?} in an object"),
                    }
                }
                Json::Object(map)
            }
            Some('[') => {
                chars.next();
                let mut items = Vec::new();
                loop {
                    Self::skip_space(chars);
                    if chars.peek() == Some(&']') {
                        chars.next();
                        break;
                    }
                    items.push(Self::value(chars));
                    Self::skip_space(chars);
                    match chars.next() {
                        Some(',') => {}
                        Some(']') => break,
                        other => panic!("unexpected {other:?} in an array"),
                    }
                }
                Json::Array(items)
            }
            Some('"') => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next().expect("unterminated string") {
                        '"' => break,
                        '\\' => match chars.next().expect("unterminated escape") {
                            '"' => s.push('"'),
                            '\\' => s.push('\\'),
                            '/' => s.push('/'),
                            'n' => s.push('\n'),
                            't' => s.push('\t'),
                            'r' => s.push('\r'),
                            'u' => {
                                let hex: String = chars.by_ref().take(4).collect();
                                let code = u32::from_str_radix(&hex, 16).expect("\\u escape");
                                s.push(char::from_u32(code).expect("a BMP scalar value"));
                            }
                            other => panic!("unsupported escape \\{other}"),
                        },
                        c => s.push(c),
                    }
                }
                Json::String(s)
            }
            Some('n') => {
                let word: String = chars.by_ref().take(4).collect();
                assert_eq!(word, "null");
                Json::Null
            }
            Some(c) if c.is_ascii_digit() => {
                let mut n = 0u64;
                while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                    n = n * 10 + u64::from(d);
                    chars.next();
                }
                Json::Number(n)
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    fn get(&self, key: &str) -> &Json {
        match self {
            Json::Object(map) => map.get(key).unwrap_or_else(|| panic!("no {key:?}")),
            _ => panic!("not an object"),
        }
    }

    fn array(&self) -> &[Json] {
        match self {
            Json::Array(items) => items,
            _ => panic!("not an array"),
        }
    }

    fn string(&self) -> &str {
        match self {
            Json::String(s) => s,
            _ => panic!("not a string: {self:?}"),
        }
    }

    fn optional_string(&self) -> Option<&str> {
        match self {
            Json::Null => None,
            _ => Some(self.string()),
        }
    }

    fn number(&self) -> u64 {
        match self {
            Json::Number(n) => *n,
            _ => panic!("not a number: {self:?}"),
        }
    }
}
