//! Commands: building them and, later, knowing where their keys are.

mod cmd;

pub use cmd::{Cmd, ToArg};
