//! [`ToArgs`]: values that become one or more command arguments.
//!
//! A scalar (`&str`, `String`, bytes, a number, `bool`) is one argument; a slice, `Vec`, array,
//! set or tuple is one argument per element; a map is its keys and values in turn; `None` is
//! none. Byte containers stay one argument: `Vec<u8>`, `&[u8]` and `b"..."` are a binary
//! string, not a list of numbers.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;
use bytes::Bytes;

use crate::command::Cmd;

/// A value that appends itself to a command as arguments.
///
/// ```
/// use keyslot_core::Cmd;
/// let keys = ["{user:1}:a", "{user:1}:b"];
/// let cmd = Cmd::new("DEL").arg(&keys[..]);
/// assert_eq!(cmd.len(), 3);
/// let cmd = Cmd::new("SET").arg("k").arg(b"\x00\x01").arg(("EX", 60));
/// assert_eq!(cmd.get(2), Some(&b"\x00\x01"[..]));
/// assert_eq!(cmd.get(4), Some(&b"60"[..]));
/// ```
pub trait ToArgs {
    /// Append this value's arguments to `cmd`.
    ///
    /// ```
    /// use keyslot_core::{Cmd, ToArgs};
    /// let mut cmd = Cmd::new("RPUSH").arg("list");
    /// vec![1, 2, 3].write_args(&mut cmd);
    /// None::<&str>.write_args(&mut cmd); // adds nothing
    /// assert_eq!(cmd.len(), 5);
    /// ```
    fn write_args(&self, cmd: &mut Cmd);

    /// Append a slice of this type: one argument per element, except for `u8`, whose slice
    /// is one binary argument.
    #[doc(hidden)]
    fn write_slice(items: &[Self], cmd: &mut Cmd)
    where
        Self: Sized,
    {
        for item in items {
            item.write_args(cmd);
        }
    }
}

impl<T: ToArgs + ?Sized> ToArgs for &T {
    fn write_args(&self, cmd: &mut Cmd) {
        (**self).write_args(cmd);
    }
}

/// Scalars: one argument each, written by their [`ToArg`](crate::ToArg).
macro_rules! single {
    ($($t:ty),*) => {$(
        impl ToArgs for $t {
            fn write_args(&self, cmd: &mut Cmd) {
                cmd.push_single(self);
            }
        }
    )*};
}

single!(str, String, Bytes, i8, i16, i32, i64, i128, isize, u16, u32, u64, u128, usize, f32, f64);

impl ToArgs for u8 {
    fn write_args(&self, cmd: &mut Cmd) {
        cmd.push_single(self);
    }

    fn write_slice(items: &[u8], cmd: &mut Cmd) {
        cmd.push_single(items);
    }
}

impl ToArgs for bool {
    /// `1` or `0`, as the server reads flags.
    fn write_args(&self, cmd: &mut Cmd) {
        cmd.push_single(if *self { "1" } else { "0" });
    }
}

impl<T: ToArgs> ToArgs for [T] {
    fn write_args(&self, cmd: &mut Cmd) {
        T::write_slice(self, cmd);
    }
}

impl<T: ToArgs, const N: usize> ToArgs for [T; N] {
    fn write_args(&self, cmd: &mut Cmd) {
        T::write_slice(self, cmd);
    }
}

impl<T: ToArgs> ToArgs for Vec<T> {
    fn write_args(&self, cmd: &mut Cmd) {
        T::write_slice(self, cmd);
    }
}

impl<T: ToArgs> ToArgs for Option<T> {
    fn write_args(&self, cmd: &mut Cmd) {
        if let Some(v) = self {
            v.write_args(cmd);
        }
    }
}

impl<T: ToArgs> ToArgs for BTreeSet<T> {
    fn write_args(&self, cmd: &mut Cmd) {
        for item in self {
            item.write_args(cmd);
        }
    }
}

impl<K: ToArgs, V: ToArgs> ToArgs for BTreeMap<K, V> {
    fn write_args(&self, cmd: &mut Cmd) {
        for (k, v) in self {
            k.write_args(cmd);
            v.write_args(cmd);
        }
    }
}

#[cfg(feature = "std")]
impl<T: ToArgs, S> ToArgs for std::collections::HashSet<T, S> {
    fn write_args(&self, cmd: &mut Cmd) {
        for item in self {
            item.write_args(cmd);
        }
    }
}

#[cfg(feature = "std")]
impl<K: ToArgs, V: ToArgs, S> ToArgs for std::collections::HashMap<K, V, S> {
    fn write_args(&self, cmd: &mut Cmd) {
        for (k, v) in self {
            k.write_args(cmd);
            v.write_args(cmd);
        }
    }
}

/// Tuples: each element's arguments in turn.
macro_rules! tuple {
    ($($t:ident),+) => {
        impl<$($t: ToArgs),+> ToArgs for ($($t,)+) {
            #[allow(non_snake_case)]
            fn write_args(&self, cmd: &mut Cmd) {
                let ($($t,)+) = self;
                $($t.write_args(cmd);)+
            }
        }
    };
}

tuple!(A);
tuple!(A, B);
tuple!(A, B, C);
tuple!(A, B, C, D);
tuple!(A, B, C, D, E);
tuple!(A, B, C, D, E, F);
tuple!(A, B, C, D, E, F, G);
tuple!(A, B, C, D, E, F, G, H);
tuple!(A, B, C, D, E, F, G, H, I);
tuple!(A, B, C, D, E, F, G, H, I, J);
tuple!(A, B, C, D, E, F, G, H, I, J, K);
tuple!(A, B, C, D, E, F, G, H, I, J, K, L);
