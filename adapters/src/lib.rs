//! keyslot: the Redis Cluster client users depend on.
//!
//! The runtime adapters are not built yet; today this crate re-exports the protocol layer
//! of [`keyslot_core`] so that dependents have one name to use.

pub use keyslot_core::{key_slot, resp, Cmd};
