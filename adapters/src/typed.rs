//! Typed commands on every client: `client.get::<String>(key)`, `client.incr::<i64>(key)`.
//!
//! Each method builds its command with [`keyslot_core::commands`] (one builder per command,
//! generated from the server's `COMMAND DOCS`), sends it like [`Client::send`] — routing,
//! fan-out of multi-key commands across slots, retries and cancellation are the same — and
//! converts the reply with [`FromValue`]. The methods are written once, from the core's list,
//! for the async [`Client`] (tokio, smol, async-std) and for [`blocking::Client`](crate::blocking::Client). Options a
//! generated method leaves to the server's defaults go through the `*_with` methods, whose
//! options types are written by hand ([`Client::set_with`], [`Client::zrange_with`],
//! [`Client::xadd_with`], [`Client::xread_with`], [`Client::expire_with`], ...), or through
//! [`Client::query`] with a [`Cmd`].
//!
//! ```no_run
//! # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
//! use keyslot::commands::{ZAddOptions, ZRangeOptions};
//! let added: u64 = client.zadd_with("board", [(12.5, "ada")], ZAddOptions::new().if_greater()).await?;
//! let top: Vec<(String, f64)> = client
//!     .zrange_with("board", "+inf", "-inf", ZRangeOptions::new().by_score().rev().limit(0, 3).with_scores())
//!     .await?;
//! # let _ = (added, top); Ok(()) }
//! ```

use keyslot_core::commands;
use keyslot_core::{Cmd, FromValue};

use crate::runtime::Runtime;
use crate::{Client, Error};

/// Emits an async method per generated command.
macro_rules! async_methods {
    ($(
        $(#[$doc:meta])*
        $name:ident($($param:ident: $ty:ty),*) => [$($part:tt),*]
            example $example:literal wire $wire:literal;
    )*) => {
        /// Typed commands (generated from the server's `COMMAND DOCS`; see [`crate::typed`]).
        impl<R: Runtime> Client<R> {$(
            $(#[$doc])*
            ///
            #[doc = concat!(
                "```no_run\n",
                "# async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {\n",
                "# use keyslot::commands;\n",
                "let reply: keyslot::Value = client.", stringify!($name), "(", $example, ").await?;\n",
                "# let _ = reply; Ok(()) }\n",
                "```",
            )]
            pub async fn $name<T: FromValue>(&self, $($param: $ty),*) -> Result<T, Error> {
                self.query(commands::$name($($param),*)).await
            }
        )*}
    };
}

keyslot_core::__each_typed_command!(async_methods);
keyslot_core::__each_hand_written_command!(async_methods);

impl<R: Runtime> Client<R> {
    /// Send `cmd` and convert its reply: [`send`](Self::send) for any command, typed.
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
    /// use keyslot::Cmd;
    /// let n: u64 = client.query(Cmd::new("HSTRLEN").arg("user:1").arg("name")).await?;
    /// # let _ = n; Ok(()) }
    /// ```
    pub async fn query<T: FromValue>(&self, cmd: Cmd) -> Result<T, Error> {
        T::from_value(self.send(cmd).await?)
    }
}

#[cfg(feature = "blocking")]
mod blocking_methods {
    use super::*;
    use crate::blocking;

    /// Emits a blocking method per generated command.
    macro_rules! blocking_methods {
        ($(
            $(#[$doc:meta])*
            $name:ident($($param:ident: $ty:ty),*) => [$($part:tt),*]
                example $example:literal wire $wire:literal;
        )*) => {
            /// Typed commands (generated from the server's `COMMAND DOCS`; see
            /// [`crate::typed`]).
            impl blocking::Client {$(
                $(#[$doc])*
                ///
                #[doc = concat!(
                    "```no_run\n",
                    "# fn demo(client: keyslot::blocking::Client) -> Result<(), keyslot::Error> {\n",
                    "# use keyslot::commands;\n",
                    "let reply: keyslot::Value = client.", stringify!($name), "(", $example, ")?;\n",
                    "# let _ = reply; Ok(()) }\n",
                    "```",
                )]
                pub fn $name<T: FromValue>(&self, $($param: $ty),*) -> Result<T, Error> {
                    self.query(commands::$name($($param),*))
                }
            )*}
        };
    }

    keyslot_core::__each_typed_command!(blocking_methods);
    keyslot_core::__each_hand_written_command!(blocking_methods);

    impl blocking::Client {
        /// Send `cmd` and convert its reply (see [`crate::Client::query`]).
        ///
        /// ```no_run
        /// # fn demo(client: keyslot::blocking::Client) -> Result<(), keyslot::Error> {
        /// use keyslot::Cmd;
        /// let n: u64 = client.query(Cmd::new("HSTRLEN").arg("user:1").arg("name"))?;
        /// # let _ = n; Ok(()) }
        /// ```
        pub fn query<T: FromValue>(&self, cmd: Cmd) -> Result<T, Error> {
            T::from_value(self.send(cmd)?)
        }
    }
}
