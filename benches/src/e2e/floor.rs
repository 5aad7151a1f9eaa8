//! The floor: what one round trip per operation costs on this machine with no client at all.
//!
//! One blocking `std::net::TcpStream` to the seed node, keys hash-tagged to a slot that node
//! serves, commands written as literal RESP and replies read until complete: no runtime, no
//! routing, no parsing beyond finding the reply's end. Its CPU time per operation is the
//! kernel's share (loopback TCP both ways, one sleep and wake-up per reply), which no client
//! can go below; the e2e table shows it next to the clients at concurrency 1.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use super::clients::TaskResult;
use super::measure::record;
use super::value;

/// A connection to one node and a hash tag that node serves.
pub struct Floor {
    stream: TcpStream,
    tag: String,
    buf: Vec<u8>,
}

impl Floor {
    /// Connect to `seed` and find a hash tag whose slot it serves (others answer MOVED).
    pub fn connect(seed: &str) -> Result<Floor, String> {
        let stream = TcpStream::connect(seed).map_err(|e| e.to_string())?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        let mut floor = Floor {
            stream,
            tag: String::new(),
            buf: Vec::with_capacity(4096),
        };
        for n in 0..1000 {
            let tag = format!("{{floor{n}}}");
            let reply = floor.round_trip(&["SET", &format!("{tag}probe"), "1"])?;
            if reply == b"+OK\r\n" {
                floor.tag = tag;
                return Ok(floor);
            }
        }
        Err("no hash tag found on the seed node".into())
    }

    /// Write one command, read its whole reply (a simple string or a bulk string).
    fn round_trip(&mut self, args: &[&str]) -> Result<Vec<u8>, String> {
        let mut out = String::new();
        encode(&mut out, args);
        self.stream
            .write_all(out.as_bytes())
            .map_err(|e| e.to_string())?;
        self.buf.clear();
        let ends = read_replies(&mut self.stream, &mut self.buf, 1)?;
        Ok(self.buf[..ends[0]].to_vec())
    }

    /// SET then GET of this task's keys until `deadline`, checking every value.
    pub fn run(&mut self, deadline: Instant) -> TaskResult {
        let mut r = TaskResult::default();
        let mut i = 0u64;
        while Instant::now() < deadline {
            i += 1;
            let (k, v) = (format!("{}{}", self.tag, i % 1024), value(0, i));
            let t = Instant::now();
            let set = self.round_trip(&["SET", &k, &v]);
            record(t.elapsed().as_micros() as u64);
            let t = Instant::now();
            let got = self.round_trip(&["GET", &k]);
            record(t.elapsed().as_micros() as u64);
            let expected = format!("${}\r\n{v}\r\n", v.len());
            match (set, got) {
                (Ok(s), Ok(g)) if s == b"+OK\r\n" && g == expected.as_bytes() => r.ops += 2,
                (Ok(_), Ok(_)) => r.wrong += 1,
                (Err(e), _) | (_, Err(e)) => r.error(e),
            }
        }
        r
    }
}

/// Append one command to `out` as literal RESP.
pub(crate) fn encode(out: &mut String, args: &[&str]) {
    out.push_str(&format!("*{}\r\n", args.len()));
    for a in args {
        out.push_str(&format!("${}\r\n{a}\r\n", a.len()));
    }
}

/// Read from `stream` into `buf` until it holds `count` complete replies; the offsets where
/// each ends.
pub(crate) fn read_replies(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    count: usize,
) -> Result<Vec<usize>, String> {
    let mut ends = Vec::with_capacity(count);
    let mut chunk = [0u8; 16384];
    loop {
        while ends.len() < count {
            let at = ends.last().copied().unwrap_or(0);
            match reply_end(&buf[at..]) {
                Some(len) => ends.push(at + len),
                None => break,
            }
        }
        if ends.len() == count {
            return Ok(ends);
        }
        let n = stream.read(&mut chunk).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("the node closed the connection".into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Where the first complete `+...` or `$len` reply in `buf` ends, if it is all there.
pub(crate) fn reply_end(buf: &[u8]) -> Option<usize> {
    let line = buf.windows(2).position(|w| w == b"\r\n")? + 2;
    match buf.first()? {
        b'$' => {
            let len: i64 = std::str::from_utf8(&buf[1..line - 2]).ok()?.parse().ok()?;
            let end = if len < 0 {
                line
            } else {
                line + len as usize + 2
            };
            (buf.len() >= end).then_some(end)
        }
        _ => Some(line),
    }
}

#[cfg(test)]
mod tests {
    use super::reply_end;

    #[test]
    fn replies_end_where_their_framing_says() {
        assert_eq!(reply_end(b"+OK\r\n"), Some(5));
        assert_eq!(reply_end(b"+OK\r"), None);
        assert_eq!(reply_end(b"$5\r\nhello\r\n"), Some(11));
        assert_eq!(reply_end(b"$5\r\nhel"), None, "a partial bulk waits");
        assert_eq!(reply_end(b"$-1\r\n"), Some(5));
        assert_eq!(reply_end(b"-MOVED 1 a:1\r\n"), Some(14));
    }
}
