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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script {
    body: Bytes,
    sha1: [u8; 40],
}

impl Script {
    /// A script from its source text.
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
    pub fn sha1(&self) -> &str {
        // Only ASCII hex digits are ever written into it.
        core::str::from_utf8(&self.sha1).unwrap_or("")
    }

    /// The source text.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// A call of the script; add its keys and arguments.
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptCall {
    script: Script,
    keys: Vec<Vec<u8>>,
    args: Vec<Vec<u8>>,
    read_only: bool,
}

impl ScriptCall {
    /// Add a key (all keys must share a slot, as for any command).
    pub fn key(mut self, key: impl ToArg) -> Self {
        let mut bytes = Vec::new();
        key.write_arg(&mut bytes);
        self.keys.push(bytes);
        self
    }

    /// Add an argument.
    pub fn arg(mut self, arg: impl ToArg) -> Self {
        let mut bytes = Vec::new();
        arg.write_arg(&mut bytes);
        self.args.push(bytes);
        self
    }

    /// Run as `EVALSHA_RO` (Redis 7+): the script only reads, so it may be retried after a
    /// lost connection and, with a read-from policy, may run on a replica.
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// The `EVALSHA` command and the body to load on `NOSCRIPT`.
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
