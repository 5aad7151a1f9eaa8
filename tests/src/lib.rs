//! test harnesses
