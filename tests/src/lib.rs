//! test harnesses
pub mod fuzz_targets;
