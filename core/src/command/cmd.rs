//! [`Cmd`]: a command as a list of byte arguments.
//!
//! All arguments live in one buffer with an end offset each (kept inline for up to six
//! arguments), so building a typical command costs one allocation, and encoding it is one
//! pass that copies each argument once into the connection's output buffer.

use alloc::vec::Vec;
use bytes::Bytes;
use smallvec::SmallVec;

use crate::convert::ToArgs;
use crate::resp::encode::{blob, header};

/// A command: its name and arguments, all as bytes.
///
/// ```
/// use keyslot_core::Cmd;
/// let cmd = Cmd::new("SET").arg("greeting").arg(b"hello").arg("EX").arg(60);
/// assert_eq!(cmd.len(), 5);
/// assert_eq!(cmd.get(1), Some(&b"greeting"[..]));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Cmd {
    data: Vec<u8>,
    /// Where each argument ends in `data`; most commands have few arguments, kept inline.
    ends: SmallVec<[usize; 6]>,
}

impl Cmd {
    /// A command whose first argument is `name`.
    ///
    /// ```
    /// use keyslot_core::Cmd;
    /// let cmd = Cmd::new("PING");
    /// assert_eq!(cmd.name(), b"PING");
    /// assert_eq!(cmd.len(), 1);
    /// ```
    pub fn new(name: impl ToArg) -> Self {
        // One allocation for a typical command: names and keys are short.
        let mut cmd = Cmd {
            data: Vec::with_capacity(48),
            ends: SmallVec::new(),
        };
        cmd.push_single(name);
        cmd
    }

    /// Append an argument, or several: a slice, `Vec`, tuple or map adds one per element
    /// (see [`ToArgs`]); bytes (`&[u8]`, `Vec<u8>`, `b"..."`) are one.
    ///
    /// ```
    /// use keyslot_core::Cmd;
    /// // An array adds one argument per element; a byte string is one argument.
    /// let cmd = Cmd::new("MGET").arg(["a", "b"]).arg(b"c");
    /// assert_eq!(cmd.len(), 4);
    /// assert_eq!(cmd.get(3), Some(&b"c"[..]));
    /// ```
    #[must_use]
    pub fn arg(mut self, arg: impl ToArgs) -> Self {
        self.push_arg(arg);
        self
    }

    /// [`arg`](Self::arg) in place.
    ///
    /// ```
    /// use keyslot_core::Cmd;
    /// let mut cmd = Cmd::new("DEL");
    /// for key in ["a", "b", "c"] {
    ///     cmd.push_arg(key);
    /// }
    /// assert_eq!(cmd.len(), 4);
    /// ```
    pub fn push_arg(&mut self, arg: impl ToArgs) {
        arg.write_args(self);
    }

    /// Append exactly one argument: what a [`ToArgs`] impl for a type of one's own calls.
    ///
    /// ```
    /// use keyslot_core::{Cmd, ToArgs};
    ///
    /// struct LonLat(f64, f64);
    ///
    /// impl ToArgs for LonLat {
    ///     fn write_args(&self, cmd: &mut Cmd) {
    ///         cmd.push_single(self.0);
    ///         cmd.push_single(self.1);
    ///     }
    /// }
    ///
    /// let cmd = Cmd::new("GEOADD").arg("places").arg(LonLat(13.4, 52.5)).arg("Berlin");
    /// assert_eq!(cmd.get(2), Some(&b"13.4"[..]));
    /// assert_eq!(cmd.get(3), Some(&b"52.5"[..]));
    /// ```
    pub fn push_single(&mut self, arg: impl ToArg) {
        arg.write_arg(&mut self.data);
        self.ends.push(self.data.len());
    }

    /// The number of arguments, the name included.
    ///
    /// ```
    /// use keyslot_core::Cmd;
    /// assert_eq!(Cmd::new("GET").arg("k").len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when the command has no arguments at all (not even a name).
    ///
    /// ```
    /// use keyslot_core::Cmd;
    /// assert!(Cmd::default().is_empty());
    /// assert!(!Cmd::new("PING").is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Argument `i` (0 is the name).
    ///
    /// ```
    /// use keyslot_core::Cmd;
    /// let cmd = Cmd::new("INCRBY").arg("counter").arg(5);
    /// assert_eq!(cmd.get(0), Some(&b"INCRBY"[..]));
    /// assert_eq!(cmd.get(2), Some(&b"5"[..]));
    /// assert_eq!(cmd.get(3), None);
    /// ```
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.data[start..end])
    }

    /// The command name (argument 0), or empty.
    ///
    /// ```
    /// use keyslot_core::Cmd;
    /// assert_eq!(Cmd::new("get").arg("k").name(), b"get");
    /// assert_eq!(Cmd::default().name(), b"");
    /// ```
    pub fn name(&self) -> &[u8] {
        self.get(0).unwrap_or(&[])
    }

    /// All arguments in order.
    ///
    /// ```
    /// use keyslot_core::Cmd;
    /// let cmd = Cmd::new("HSET").arg("h").arg(("field", 1));
    /// let args: Vec<&[u8]> = cmd.args().collect();
    /// assert_eq!(args, [&b"HSET"[..], b"h", b"field", b"1"]);
    /// ```
    pub fn args(&self) -> impl ExactSizeIterator<Item = &[u8]> + '_ {
        (0..self.ends.len()).map(move |i| self.get(i).unwrap_or(&[]))
    }

    /// Append the command's RESP encoding (an array of bulk strings) to `out`.
    ///
    /// ```
    /// use keyslot_core::Cmd;
    /// let mut out = Vec::new();
    /// Cmd::new("GET").arg("k").encode(&mut out);
    /// assert_eq!(out, b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    /// ```
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.reserve(self.data.len() + 16 * self.ends.len() + 16);
        header(out, b'*', self.ends.len() as i64);
        for arg in self.args() {
            blob(out, b'$', arg);
        }
    }
}

impl core::fmt::Debug for Cmd {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut list = f.debug_list();
        for arg in self.args() {
            match core::str::from_utf8(arg) {
                Ok(s) => list.entry(&s),
                Err(_) => list.entry(&arg),
            };
        }
        list.finish()
    }
}

/// Something that can be a command argument: it writes its bytes.
///
/// An argument type of one's own: a key written as `user:<id>`.
///
/// ```
/// use keyslot_core::{Cmd, ToArg};
///
/// struct UserKey(u32);
///
/// impl ToArg for UserKey {
///     fn write_arg(&self, out: &mut Vec<u8>) {
///         out.extend_from_slice(b"user:");
///         self.0.write_arg(out);
///     }
/// }
///
/// let mut cmd = Cmd::new("GET");
/// cmd.push_single(UserKey(7));
/// assert_eq!(cmd.get(1), Some(&b"user:7"[..]));
/// ```
pub trait ToArg {
    /// Append this argument's bytes to `out`.
    ///
    /// ```
    /// use keyslot_core::ToArg;
    /// let mut out = b"n=".to_vec();
    /// (-42i64).write_arg(&mut out);
    /// assert_eq!(out, b"n=-42");
    /// let mut inf = Vec::new();
    /// f64::INFINITY.write_arg(&mut inf);
    /// assert_eq!(inf, b"inf");
    /// ```
    fn write_arg(&self, out: &mut Vec<u8>);
}

impl<T: ToArg + ?Sized> ToArg for &T {
    fn write_arg(&self, out: &mut Vec<u8>) {
        (**self).write_arg(out)
    }
}

impl ToArg for [u8] {
    fn write_arg(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
}

impl<const N: usize> ToArg for [u8; N] {
    fn write_arg(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
}

impl ToArg for str {
    fn write_arg(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_bytes());
    }
}

impl ToArg for alloc::string::String {
    fn write_arg(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_bytes());
    }
}

impl ToArg for Vec<u8> {
    fn write_arg(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
}

impl ToArg for Bytes {
    fn write_arg(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
}

macro_rules! integer_args {
    ($($t:ty),*) => {$(
        impl ToArg for $t {
            fn write_arg(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(itoa::Buffer::new().format(*self).as_bytes());
            }
        }
    )*};
}

integer_args!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

/// Floats: the shortest form that parses back to the same number; Redis accepts `inf` and
/// `-inf`.
macro_rules! float_args {
    ($($t:ty),*) => {$(
        impl ToArg for $t {
            fn write_arg(&self, out: &mut Vec<u8>) {
                if self.is_infinite() {
                    out.extend_from_slice(if *self > 0.0 { b"inf" } else { b"-inf" });
                } else {
                    let mut text = alloc::string::String::new();
                    let _ = core::fmt::write(&mut text, format_args!("{self:?}"));
                    out.extend_from_slice(text.as_bytes());
                }
            }
        }
    )*};
}

float_args!(f32, f64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_as_an_array_of_bulks() {
        let mut out = Vec::new();
        Cmd::new("SET")
            .arg("k")
            .arg(&b"v\r\n"[..])
            .arg(-3i64)
            .encode(&mut out);
        assert_eq!(
            out,
            b"*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nv\r\n\r\n$2\r\n-3\r\n"
        );
    }

    #[test]
    fn arguments_are_addressable() {
        let cmd = Cmd::new("MSET")
            .arg("a")
            .arg("")
            .arg(2.5f64)
            .arg(f64::NEG_INFINITY);
        let args: Vec<&[u8]> = cmd.args().collect();
        assert_eq!(args, [&b"MSET"[..], b"a", b"", b"2.5", b"-inf"]);
        assert_eq!(cmd.get(5), None);
        assert_eq!(cmd.name(), b"MSET");
        assert_eq!(
            alloc::format!("{cmd:?}"),
            r#"["MSET", "a", "", "2.5", "-inf"]"#
        );
    }
}
