//! Lua scripts run by digest, loaded where missing.
//!
//! `EVALSHA` sends 40 bytes instead of the script, but each node has its own script cache:
//! a node that restarted, a replica promoted after a failover, a primary added by scaling
//! out, or one whose cache was flushed answers `NOSCRIPT`. A [`Script`] keeps its body next
//! to its digest so that the cluster machine can answer that itself: it sends `SCRIPT LOAD`
//! and the `EVALSHA` again on the same connection, once, and the caller never sees it.

use alloc::vec::Vec;
use bytes::Bytes;

use super::{Cmd, ToArg};

/// A Lua script and its SHA1 digest.
///
/// ```
/// use keyslot_core::Script;
/// let script = Script::new("return redis.call('GET', KEYS[1])");
/// let (cmd, body) = script.call().key("greeting").into_parts();
/// assert_eq!(cmd.name(), b"EVALSHA");
/// assert_eq!(cmd.get(1), Some(script.sha1().as_bytes()));
/// // The body goes along, for the `SCRIPT LOAD` that a `NOSCRIPT` answer calls for.
/// assert_eq!(&body, script.body());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script {
    body: Bytes,
    sha1: [u8; 40],
}

impl Script {
    /// A script from its source text.
    ///
    /// ```
    /// use keyslot_core::Script;
    /// let script = Script::new("return 1");
    /// // The digest `SCRIPT LOAD "return 1"` returns.
    /// assert_eq!(script.sha1(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
    /// assert_eq!(Script::new(String::from("return 1")), script);
    /// ```
    pub fn new(body: impl Into<Bytes>) -> Script {
        let body = body.into();
        let digest = sha1_smol::Sha1::from(&body[..]).digest().bytes();
        let mut sha1 = [0u8; 40];
        for (i, byte) in digest.iter().enumerate() {
            sha1[2 * i] = hex(byte >> 4);
            sha1[2 * i + 1] = hex(byte & 0xf);
        }
        Script { body, sha1 }
    }

    /// The lower-case hex digest, as `SCRIPT LOAD` returns it.
    ///
    /// ```
    /// use keyslot_core::Script;
    /// let sha1 = Script::new("return 1").sha1().to_owned();
    /// assert_eq!(sha1.len(), 40);
    /// assert!(sha1.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    /// ```
    pub fn sha1(&self) -> &str {
        // Only ASCII hex digits are ever written into it.
        core::str::from_utf8(&self.sha1).unwrap_or("")
    }

    /// The source text.
    ///
    /// ```
    /// use keyslot_core::Script;
    /// assert_eq!(Script::new("return 1").body(), "return 1");
    /// ```
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// A call of the script; add its keys and arguments.
    ///
    /// ```
    /// use keyslot_core::Script;
    /// let (cmd, _) = Script::new("return ARGV[1]").call().arg("hi").into_parts();
    /// // EVALSHA <sha1> 0 hi: no keys, one argument.
    /// assert_eq!(cmd.get(2), Some(&b"0"[..]));
    /// assert_eq!(cmd.get(3), Some(&b"hi"[..]));
    /// ```
    pub fn call(&self) -> ScriptCall {
        ScriptCall {
            script: self.clone(),
            keys: Vec::new(),
            args: Vec::new(),
            read_only: false,
        }
    }
}

fn hex(nibble: u8) -> u8 {
    if nibble < 10 {
        b'0' + nibble
    } else {
        b'a' + nibble - 10
    }
}

/// One invocation of a [`Script`]: `EVALSHA` (or `EVALSHA_RO`) with keys and arguments.
///
/// ```
/// use keyslot_core::Script;
/// let call = Script::new("return redis.call('INCRBY', KEYS[1], ARGV[1])")
///     .call()
///     .key("{user:1}:visits")
///     .arg(1);
/// let (cmd, _) = call.into_parts();
/// let args: Vec<&[u8]> = cmd.args().skip(2).collect();
/// assert_eq!(args, [&b"1"[..], b"{user:1}:visits", b"1"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptCall {
    script: Script,
    keys: Vec<Vec<u8>>,
    args: Vec<Vec<u8>>,
    read_only: bool,
}

impl ScriptCall {
    /// Add a key (all keys must share a slot, as for any command).
    ///
    /// ```
    /// use keyslot_core::Script;
    /// let (cmd, _) = Script::new("return 1").call().key("{u}:a").key("{u}:b").into_parts();
    /// assert_eq!(cmd.get(2), Some(&b"2"[..])); // numkeys
    /// assert_eq!(cmd.get(3), Some(&b"{u}:a"[..]));
    /// ```
    pub fn key(mut self, key: impl ToArg) -> Self {
        let mut bytes = Vec::new();
        key.write_arg(&mut bytes);
        self.keys.push(bytes);
        self
    }

    /// Add an argument.
    ///
    /// ```
    /// use keyslot_core::Script;
    /// // Arguments follow the keys, whatever the order of the calls.
    /// let (cmd, _) = Script::new("return 1").call().arg(10).key("k").into_parts();
    /// assert_eq!(cmd.get(3), Some(&b"k"[..]));
    /// assert_eq!(cmd.get(4), Some(&b"10"[..]));
    /// ```
    pub fn arg(mut self, arg: impl ToArg) -> Self {
        let mut bytes = Vec::new();
        arg.write_arg(&mut bytes);
        self.args.push(bytes);
        self
    }

    /// Run as `EVALSHA_RO` (Redis 7+): the script only reads, so it may be retried after a
    /// lost connection and, with a read-from policy, may run on a replica.
    ///
    /// ```
    /// use keyslot_core::command::lookup;
    /// use keyslot_core::Script;
    /// let (cmd, _) = Script::new("return 1").call().read_only().into_parts();
    /// assert_eq!(cmd.name(), b"EVALSHA_RO");
    /// assert!(lookup(&cmd).unwrap().is_readonly());
    /// ```
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// The `EVALSHA` command and the body to load on `NOSCRIPT`.
    ///
    /// ```
    /// use keyslot_core::Script;
    /// let script = Script::new("return 1");
    /// let (cmd, body) = script.call().key("k").into_parts();
    /// let args: Vec<&[u8]> = cmd.args().collect();
    /// assert_eq!(args[0], b"EVALSHA");
    /// assert_eq!(args[1], script.sha1().as_bytes());
    /// assert_eq!(&args[2..], [&b"1"[..], b"k"]);
    /// assert_eq!(body, "return 1");
    /// ```
    pub fn into_parts(self) -> (Cmd, Bytes) {
        let name = if self.read_only {
            "EVALSHA_RO"
        } else {
            "EVALSHA"
        };
        let mut cmd = Cmd::new(name)
            .arg(&self.script.sha1[..])
            .arg(self.keys.len());
        for key in self.keys {
            cmd = cmd.arg(key);
        }
        for arg in self.args {
            cmd = cmd.arg(arg);
        }
        (cmd, self.script.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_matches_redis() {
        // `SCRIPT LOAD "return 1"` on a real server returns this digest.
        let script = Script::new("return 1");
        assert_eq!(script.sha1(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
    }

    #[test]
    fn a_call_is_evalsha_with_numkeys() {
        let call = Script::new("return 1").call().key("k1").key("k2").arg(7);
        let (cmd, body) = call.into_parts();
        let args: Vec<&[u8]> = cmd.args().collect();
        assert_eq!(cmd.name(), b"EVALSHA");
        assert_eq!(args[1], b"e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
        assert_eq!(&args[2..], [&b"2"[..], b"k1", b"k2", b"7"]);
        assert_eq!(&body[..], b"return 1");
        let (ro, _) = Script::new("return 1").call().read_only().into_parts();
        assert_eq!(ro.name(), b"EVALSHA_RO");
    }
}
