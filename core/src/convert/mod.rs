//! Conversions between Rust types and RESP: [`FromValue`] for replies, [`ToArgs`] for
//! arguments.
//!
//! A reply's shape depends on the command and on the protocol (RESP3 sends a map where RESP2
//! sends a flat array of keys and values, a double where RESP2 sends its text). The
//! conversions here accept both forms wherever a Rust type has one meaning, so the same
//! `HashMap<String, String>` reads `HGETALL` on either protocol. A reply that does not fit is
//! [`Error::Type`](crate::cluster::Error::Type), naming the type wanted and the reply's kind;
//! an error reply nested in an array (a transaction's or a pipeline's element) is
//! [`Error::Server`](crate::cluster::Error::Server). Nothing here panics on what a server
//! sends.
//!
//! ```
//! use keyslot_core::convert::FromValue;
//! use keyslot_core::resp::Value;
//! use std::collections::HashMap;
//!
//! // HGETALL over RESP2: a flat array of field, value, field, value.
//! let reply = Value::Array(vec![
//!     Value::BulkString("name".into()),
//!     Value::BulkString("ada".into()),
//!     Value::BulkString("born".into()),
//!     Value::BulkString("1815".into()),
//! ]);
//! let fields: HashMap<String, String> = FromValue::from_value(reply.clone()).unwrap();
//! assert_eq!(fields["born"], "1815");
//! // "name" is not a number: a typed error, not a panic.
//! let wrong: Result<HashMap<String, u32>, _> = FromValue::from_value(reply);
//! assert!(wrong.is_err());
//! ```

mod collections;
mod from_value;
mod to_args;

#[cfg(test)]
mod tests;

pub use from_value::FromValue;
pub use to_args::ToArgs;
