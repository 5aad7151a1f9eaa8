//! Options written by hand: the ones whose shape a generated parameter list cannot show
//! (flags that exclude each other, a trim strategy with its threshold, a limit that needs a
//! range query). Each options type writes its words with [`ToArgs`](crate::ToArgs), so a
//! hand-written command is an entry of the same list shape as the generated ones
//! (`commands/hand_written.rs`) and every client gets it as a method.

mod expire;
mod set;
mod sorted_set;
mod stream;

pub use expire::ExpireCondition;
pub use set::{Expiry, SetCondition, SetOptions};
pub use sorted_set::{ZAddOptions, ZRangeOptions};
pub use stream::{Trim, XAddOptions, XReadGroupOptions, XReadOptions};
