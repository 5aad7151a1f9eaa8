//! Seeds as users write them: `host:port`, `redis://user:pass@host:port`, `rediss://...`.

use keyslot_core::cluster::Error;
use keyslot_core::topology::Addr;

/// One parsed seed.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Seed {
    pub(crate) addr: Addr,
    pub(crate) tls: bool,
    pub(crate) username: Option<String>,
    pub(crate) password: Option<String>,
    /// The database of a `/n` path (Valkey 9's numbered databases in cluster mode).
    pub(crate) database: Option<u32>,
}

impl std::fmt::Debug for Seed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Seed")
            .field("addr", &self.addr)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("database", &self.database)
            .finish()
    }
}

const DEFAULT_PORT: u16 = 6379;

/// Parse one seed, as RFC 3986 reads a URL's authority: `[scheme://][userinfo@]host[:port]`,
/// the authority ending at the first `/`, `?` or `#`. The userinfo is `user:password` (a
/// lone word is a password, as for `AUTH password`), each percent-decoded.
///
/// A `/`, `?` or `#` left unencoded in a password would end the authority early and turn
/// part of the password into a host and port; an `@` after the authority is the sign of
/// that, and is refused rather than read as a different host. An `@` inside the userinfo is
/// taken as part of it (the last `@` ends it, as browsers read such URLs). No error names
/// the password.
pub(crate) fn parse_seed(text: &str) -> Result<Seed, Error> {
    let bad = |why: &str| Error::Config(format!("seed {}: {why}", redact(text)));
    let (tls, rest) = match split_scheme(text) {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("rediss") => (true, rest),
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("redis") => (false, rest),
        Some(_) => return Err(bad("only redis:// and rediss:// URLs are understood")),
        None => (false, text),
    };
    // After the authority: a `/n` database path; a query or fragment is ignored.
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, after) = rest.split_at(end);
    if after.contains('@') {
        return Err(bad(
            "a '/', '?' or '#' in the user name or password must be percent-encoded \
             (%2F, %3F, %23)",
        ));
    }
    let path = after
        .strip_prefix('/')
        .map(|p| p.split(['?', '#']).next().unwrap_or(""));
    let database = match path {
        None | Some("") => None,
        Some(n) => Some(
            n.parse::<u32>()
                .map_err(|_| bad("the path must be a database number (/0, /1, ...)"))?,
        ),
    };
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let decode = |part: &str, what: &str| {
        percent_decode(part).ok_or_else(|| bad(&format!("bad %-escape in the {what}")))
    };
    let (username, password) = match userinfo {
        None => (None, None),
        Some(u) => match u.split_once(':') {
            Some((user, pass)) => {
                let user = decode(user, "user name")?;
                (
                    (!user.is_empty()).then_some(user),
                    Some(decode(pass, "password")?),
                )
            }
            None => (None, Some(decode(u, "password")?)),
        },
    };
    let (host, port) = split_host_port(hostport).ok_or_else(|| bad("expected host:port"))?;
    if host.is_empty() {
        return Err(bad("the host is empty"));
    }
    Ok(Seed {
        addr: Addr::new(host, port),
        tls,
        username,
        password,
        database,
    })
}

/// `scheme` and what follows `scheme://`, when the text starts with a scheme as RFC 3986
/// spells one (a letter, then letters, digits, `+`, `-`, `.`): `user:pa://ss@h` has none.
fn split_scheme(text: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = text.split_once("://")?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some((scheme, rest))
}

/// `host`, `host:port`, `[v6]`, `[v6]:port`.
fn split_host_port(s: &str) -> Option<(String, u16)> {
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if after.is_empty() => DEFAULT_PORT,
            None => return None,
        };
        return Some((host.to_string(), port));
    }
    match s.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => Some((host.to_string(), port.parse().ok()?)),
        Some(_) => None, // a bare IPv6 address needs brackets
        None => Some((s.to_string(), DEFAULT_PORT)),
    }
}

/// `%XX` escapes decoded (exactly two hex digits each); `None` for a malformed escape or
/// bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The seed with any password replaced, for messages, whatever shape the text has: with or
/// without a scheme, well formed or not. Everything between the user name and the last `@`
/// is hidden (an unencoded `/` or `#` may sit in the password, so the authority's own end
/// is not trusted here).
fn redact(text: &str) -> String {
    let (scheme, rest) = match split_scheme(text) {
        Some((scheme, rest)) => (&text[..scheme.len() + 3], rest),
        None => ("", text),
    };
    match rest.rsplit_once('@') {
        Some((userinfo, hostport)) => {
            let user = userinfo.split_once(':').map_or("", |(user, _)| user);
            format!("{scheme}{user}:<redacted>@{hostport}")
        }
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (seed, host, port, tls, user, password)
    type Parsed = (
        &'static str,
        u16,
        bool,
        Option<&'static str>,
        Option<&'static str>,
    );

    #[test]
    fn forms_people_write() {
        let cases: [(&str, Parsed); 14] = [
            (
                "cfg.abc.cache.amazonaws.com:6379",
                ("cfg.abc.cache.amazonaws.com", 6379, false, None, None),
            ),
            ("host", ("host", 6379, false, None, None)),
            ("redis://host", ("host", 6379, false, None, None)),
            ("REDIS://host:1", ("host", 1, false, None, None)),
            ("rediss://[::1]:7001", ("::1", 7001, true, None, None)),
            ("[::1]", ("::1", 6379, false, None, None)),
            (
                "redis://app:p%40ss@10.0.0.1:7000/0",
                ("10.0.0.1", 7000, false, Some("app"), Some("p@ss")),
            ),
            (
                "rediss://:secret@[::1]:7001",
                ("::1", 7001, true, None, Some("secret")),
            ),
            ("redis://secret@h:1", ("h", 1, false, None, Some("secret"))),
            (
                "u:pw@host:7000",
                ("host", 7000, false, Some("u"), Some("pw")),
            ),
            (
                "redis://u:a%2Fb%3Fc%23d%25@h:1",
                ("h", 1, false, Some("u"), Some("a/b?c#d%")),
            ),
            (
                "redis://u:pa:ss@h:1?db=0#x",
                ("h", 1, false, Some("u"), Some("pa:ss")),
            ),
            // An unencoded `@` in the password: the last `@` ends the userinfo.
            (
                "redis://u:p@ss@h:1",
                ("h", 1, false, Some("u"), Some("p@ss")),
            ),
            (
                "redis://us%C3%A9r:pw@h:1",
                ("h", 1, false, Some("usér"), Some("pw")),
            ),
        ];
        for (text, (host, port, tls, user, password)) in cases {
            let seed = parse_seed(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(seed.addr, Addr::new(host, port), "{text}");
            assert_eq!(seed.tls, tls, "{text}");
            assert_eq!(seed.username.as_deref(), user, "{text}");
            assert_eq!(seed.password.as_deref(), password, "{text}");
        }
    }

    #[test]
    fn bad_seeds_are_config_errors_that_never_show_the_password() {
        // (seed, what the error says); every password here contains "hunter2".
        let cases = [
            ("http://h:1", "only redis://"),
            ("h:notaport", "expected host:port"),
            ("::1:7000", "expected host:port"),
            ("redis://u:hunter2@:1", "the host is empty"),
            ("redis://u:%zz-hunter2@h:1", "bad %-escape in the password"),
            ("redis://u:%+1hunter2@h:1", "bad %-escape in the password"),
            ("redis://u:hunter2%ff@h:1", "bad %-escape in the password"),
            ("redis://%zz:hunter2@h:1", "bad %-escape in the user name"),
            ("redis://u:hunter2@h:notaport", "expected host:port"),
            // Unencoded delimiters in a password: refused, never read as host `u`, port 12.
            ("redis://u:12/hunter2@h:1", "must be percent-encoded"),
            ("redis://u:12?hunter2@h:1", "must be percent-encoded"),
            ("redis://u:12#hunter2@h:1", "must be percent-encoded"),
            ("rediss://u:hunt/er2@h:1/0", "must be percent-encoded"),
            ("u:12/hunter2@h:1", "must be percent-encoded"),
            ("hunter2/x@h:1", "must be percent-encoded"),
            ("u:hunter2@h:bad", "expected host:port"),
            ("ftp://u:hunter2@h:1", "only redis://"),
        ];
        for (text, says) in cases {
            let err = parse_seed(text).expect_err(text);
            assert!(matches!(err, Error::Config(_)), "{text}: {err:?}");
            let shown = err.to_string();
            assert!(shown.contains(says), "{text}: {shown}");
            for output in [shown, format!("{err:?}")] {
                assert!(!output.contains("hunter"), "{text}: {output}");
                assert!(!output.contains("er2"), "{text}: {output}");
            }
        }
    }

    #[test]
    fn redaction_keeps_everything_but_the_password() {
        let cases = [
            ("redis://u:pw@h:1/0", "redis://u:<redacted>@h:1/0"),
            ("rediss://:pw@h:1", "rediss://:<redacted>@h:1"),
            ("redis://pw@h:1", "redis://:<redacted>@h:1"),
            ("u:pw@h:1", "u:<redacted>@h:1"),
            ("pw@h:1", ":<redacted>@h:1"),
            ("redis://u:p/w@h:1", "redis://u:<redacted>@h:1"),
            ("u:p://w@h:1", "u:<redacted>@h:1"),
            ("redis://h:1", "redis://h:1"),
            ("h:1", "h:1"),
        ];
        for (text, redacted) in cases {
            assert_eq!(redact(text), redacted, "{text}");
        }
    }

    #[test]
    fn a_path_names_the_database() {
        let cases = [
            ("redis://h:1/3", Some(3)),
            ("redis://h:1/", None),
            ("redis://h:1", None),
            ("h:1/0", Some(0)),
            ("rediss://u:pw@h:1/12?x=y", Some(12)),
        ];
        for (text, database) in cases {
            assert_eq!(parse_seed(text).unwrap().database, database, "{text}");
        }
        for text in [
            "redis://h:1/x",
            "redis://h:1/-1",
            "redis://u:hunter2@h:1/db0",
        ] {
            let e = parse_seed(text).unwrap_err().to_string();
            assert!(
                e.contains("database number") && !e.contains("hunter2"),
                "{e}"
            );
        }
    }

    #[test]
    fn debug_of_a_seed_hides_its_password() {
        let seed = parse_seed("redis://u:hunter2@h:1").unwrap();
        let shown = format!("{seed:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
}
