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
}

impl std::fmt::Debug for Seed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Seed")
            .field("addr", &self.addr)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

const DEFAULT_PORT: u16 = 6379;

/// Parse one seed. The password never appears in the error.
pub(crate) fn parse_seed(text: &str) -> Result<Seed, Error> {
    let bad = |why: &str| Error::Config(format!("seed {}: {why}", redact(text)));
    let (tls, rest) = if let Some(r) = text.strip_prefix("rediss://") {
        (true, r)
    } else if let Some(r) = text.strip_prefix("redis://") {
        (false, r)
    } else if text.contains("://") {
        return Err(bad("only redis:// and rediss:// URLs are understood"));
    } else {
        (false, text)
    };
    // Anything after the authority (a database path, query) is not for a cluster.
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let (username, password) = match userinfo {
        None => (None, None),
        Some(u) => match u.split_once(':') {
            Some((user, pass)) => {
                let user =
                    percent_decode(user).ok_or_else(|| bad("bad %-escape in the user name"))?;
                let pass =
                    percent_decode(pass).ok_or_else(|| bad("bad %-escape in the password"))?;
                ((!user.is_empty()).then_some(user), Some(pass))
            }
            None => (
                None,
                Some(percent_decode(u).ok_or_else(|| bad("bad %-escape in the password"))?),
            ),
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
    })
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

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The seed with any password replaced, for messages.
pub(crate) fn redact(text: &str) -> String {
    let Some(scheme_end) = text.find("://").map(|i| i + 3) else {
        return text.to_string();
    };
    let rest = &text[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            let user = userinfo.split_once(':').map_or("", |(u, _)| u);
            format!(
                "{}{}:<redacted>@{}",
                &text[..scheme_end],
                user,
                &rest[at + 1..]
            )
        }
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_people_write() {
        let s = parse_seed("cfg.abc.cache.amazonaws.com:6379").unwrap();
        assert_eq!(s.addr, Addr::new("cfg.abc.cache.amazonaws.com", 6379));
        assert!(!s.tls && s.password.is_none());
        let s = parse_seed("redis://app:p%40ss@10.0.0.1:7000/0").unwrap();
        assert_eq!(
            (s.username.as_deref(), s.password.as_deref()),
            (Some("app"), Some("p@ss"))
        );
        assert_eq!(s.addr, Addr::new("10.0.0.1", 7000));
        let s = parse_seed("rediss://:secret@[::1]:7001").unwrap();
        assert!(s.tls);
        assert_eq!((s.username, s.password.as_deref()), (None, Some("secret")));
        assert_eq!(s.addr, Addr::new("::1", 7001));
        assert_eq!(
            parse_seed("redis://host").unwrap().addr,
            Addr::new("host", 6379)
        );
    }

    #[test]
    fn bad_seeds_are_config_errors_that_hide_the_password() {
        for bad in [
            "http://h:1",
            "h:notaport",
            "::1:7000",
            "redis://u:pw@:1",
            "redis://u:%zz@h:1",
        ] {
            let err = parse_seed(bad).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{bad}");
        }
        let err = parse_seed("redis://u:hunter2@h:notaport").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(!format!("{:?}", parse_seed("redis://u:hunter2@h:1").unwrap()).contains("hunter2"));
    }
}
