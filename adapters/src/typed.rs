//! Typed commands on every client: `client.get::<String>(key)`, `client.incr::<i64>(key)`.
//!
//! Each method builds its command with [`keyslot_core::commands`] (one builder per command,
//! generated from the server's `COMMAND DOCS`), sends it like [`Client::send`] — routing,
//! fan-out of multi-key commands across slots, retries and cancellation are the same — and
//! converts the reply with [`FromValue`]. The methods are written once, from the core's list,
//! for the async [`Client`] (tokio, smol, async-std) and for [`blocking::Client`]. Options a
//! generated method leaves to the server's defaults go through [`Client::query`] with a
//! [`Cmd`], or through the hand-written `*_with` methods ([`Client::set_with`]).

use keyslot_core::commands::{self, Expiry, SetOptions};
use keyslot_core::{Cmd, FromValue, ToArgs};

use crate::runtime::Runtime;
use crate::{Client, Error};

/// Emits an async method per generated command.
macro_rules! async_methods {
    ($(
        $(#[$doc:meta])*
        $name:ident($($param:ident),*) => [$($part:tt),*]
            example $example:literal wire $wire:literal;
    )*) => {
        /// Typed commands (generated from the server's `COMMAND DOCS`; see [`crate::typed`]).
        impl<R: Runtime> Client<R> {$(
            $(#[$doc])*
            ///
            #[doc = concat!(
                "```no_run\n",
                "# async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {\n",
                "let reply: keyslot::Value = client.", stringify!($name), "(", $example, ").await?;\n",
                "# let _ = reply; Ok(()) }\n",
                "```",
            )]
            pub async fn $name<T: FromValue>(&self, $($param: impl ToArgs),*) -> Result<T, Error> {
                self.query(commands::$name($($param),*)).await
            }
        )*}
    };
}

keyslot_core::__each_typed_command!(async_methods);

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

    /// `SET key value` with a condition, an expiry or `GET` ([`SetOptions`]). With a
    /// condition the reply is null when it did not hold (ask for `Option<String>`: `None`
    /// means not written); with `GET` it is the old value.
    ///
    /// ```no_run
    /// # async fn demo(client: keyslot::tokio::Client) -> Result<(), keyslot::Error> {
    /// use keyslot::commands::{Expiry, SetOptions};
    /// let opts = SetOptions::new().if_missing().expiry(Expiry::Seconds(30));
    /// let won: Option<String> = client.set_with("lock:job", "me", opts).await?;
    /// # let _ = won; Ok(()) }
    /// ```
    pub async fn set_with<T: FromValue>(
        &self,
        key: impl ToArgs,
        value: impl ToArgs,
        options: SetOptions,
    ) -> Result<T, Error> {
        self.query(commands::set_with(key, value, options)).await
    }

    /// `GETEX key` setting an expiry (or `PERSIST`) as it reads.
    pub async fn getex_with<T: FromValue>(
        &self,
        key: impl ToArgs,
        expiry: Expiry,
    ) -> Result<T, Error> {
        self.query(commands::getex_with(key, expiry)).await
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
            $name:ident($($param:ident),*) => [$($part:tt),*]
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
                    "let reply: keyslot::Value = client.", stringify!($name), "(", $example, ")?;\n",
                    "# let _ = reply; Ok(()) }\n",
                    "```",
                )]
                pub fn $name<T: FromValue>(&self, $($param: impl ToArgs),*) -> Result<T, Error> {
                    self.query(commands::$name($($param),*))
                }
            )*}
        };
    }

    keyslot_core::__each_typed_command!(blocking_methods);

    impl blocking::Client {
        /// Send `cmd` and convert its reply (see [`crate::Client::query`]).
        pub fn query<T: FromValue>(&self, cmd: Cmd) -> Result<T, Error> {
            T::from_value(self.send(cmd)?)
        }

        /// `SET key value` with options (see [`crate::Client::set_with`]).
        pub fn set_with<T: FromValue>(
            &self,
            key: impl ToArgs,
            value: impl ToArgs,
            options: SetOptions,
        ) -> Result<T, Error> {
            self.query(commands::set_with(key, value, options))
        }

        /// `GETEX key` setting an expiry (see [`crate::Client::getex_with`]).
        pub fn getex_with<T: FromValue>(
            &self,
            key: impl ToArgs,
            expiry: Expiry,
        ) -> Result<T, Error> {
            self.query(commands::getex_with(key, expiry))
        }
    }
}
