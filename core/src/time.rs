//! Time as an input: the core never reads a clock.
//!
//! [`Instant`] and [`Duration`] are plain microsecond counts so that they work without `std`
//! and so that a simulator can jump time forward exactly. Adapters convert from their
//! runtime's clock by measuring from an origin of their choosing.
//!
//! ```
//! use keyslot_core::time::{Duration, Instant};
//! let start = Instant::from_micros(1_000);
//! let later = start + Duration::from_millis(5);
//! assert_eq!(later.as_micros(), 6_000);
//! ```

use core::ops::{Add, AddAssign, Sub};

/// A point in time, in microseconds since an origin chosen by whoever drives the core.
///
/// ```
/// use keyslot_core::time::{Duration, Instant};
/// let now = Instant::from_micros(1_000);
/// let deadline = now + Duration::from_millis(5);
/// assert!(deadline > now);
/// assert_eq!(deadline - now, Duration::from_millis(5));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(u64);

/// A span of time in microseconds.
///
/// ```
/// use keyslot_core::time::Duration;
/// let d = Duration::from_secs(1) + Duration::from_millis(250);
/// assert_eq!(d.as_millis(), 1250);
/// assert_eq!(std::time::Duration::from(d), std::time::Duration::from_millis(1250));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(u64);

impl Instant {
    /// The origin.
    ///
    /// ```
    /// use keyslot_core::time::Instant;
    /// assert_eq!(Instant::ZERO.as_micros(), 0);
    /// assert_eq!(Instant::default(), Instant::ZERO);
    /// ```
    pub const ZERO: Instant = Instant(0);

    /// An instant `micros` microseconds after the origin.
    ///
    /// ```
    /// use keyslot_core::time::{Duration, Instant};
    /// // 2.5 ms after the driver's origin.
    /// let t = Instant::from_micros(2_500);
    /// assert_eq!(t - Instant::ZERO, Duration::from_millis(2) + Duration::from_micros(500));
    /// ```
    pub const fn from_micros(micros: u64) -> Self {
        Instant(micros)
    }

    /// Microseconds since the origin.
    ///
    /// ```
    /// use keyslot_core::time::{Duration, Instant};
    /// assert_eq!((Instant::ZERO + Duration::from_millis(3)).as_micros(), 3_000);
    /// ```
    pub const fn as_micros(self) -> u64 {
        self.0
    }

    /// Time from `earlier` to `self`, or zero when `earlier` is later.
    ///
    /// ```
    /// use keyslot_core::time::{Duration, Instant};
    /// let (early, late) = (Instant::from_micros(10), Instant::from_micros(25));
    /// assert_eq!(late.saturating_duration_since(early), Duration::from_micros(15));
    /// assert_eq!(early.saturating_duration_since(late), Duration::ZERO);
    /// ```
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }
}

impl Duration {
    /// No time at all.
    ///
    /// ```
    /// use keyslot_core::time::{Duration, Instant};
    /// assert_eq!(Duration::default(), Duration::ZERO);
    /// assert_eq!(Instant::from_micros(5) + Duration::ZERO, Instant::from_micros(5));
    /// ```
    pub const ZERO: Duration = Duration(0);
    /// The longest representable span; used as "never".
    ///
    /// ```
    /// use keyslot_core::time::{Duration, Instant};
    /// // Adding it saturates instead of overflowing.
    /// assert_eq!((Instant::from_micros(1) + Duration::MAX).as_micros(), u64::MAX);
    /// ```
    pub const MAX: Duration = Duration(u64::MAX);

    /// A span of `micros` microseconds.
    ///
    /// ```
    /// use keyslot_core::time::Duration;
    /// assert_eq!(Duration::from_micros(1_500).as_micros(), 1_500);
    /// assert_eq!(Duration::from_micros(1_500).as_millis(), 1);
    /// ```
    pub const fn from_micros(micros: u64) -> Self {
        Duration(micros)
    }
    /// A span of `millis` milliseconds.
    ///
    /// ```
    /// use keyslot_core::time::Duration;
    /// assert_eq!(Duration::from_millis(2).as_micros(), 2_000);
    /// assert_eq!(Duration::from_millis(u64::MAX), Duration::MAX); // saturates
    /// ```
    pub const fn from_millis(millis: u64) -> Self {
        Duration(millis.saturating_mul(1_000))
    }
    /// A span of `secs` seconds.
    ///
    /// ```
    /// use keyslot_core::time::Duration;
    /// assert_eq!(Duration::from_secs(3), Duration::from_millis(3_000));
    /// ```
    pub const fn from_secs(secs: u64) -> Self {
        Duration(secs.saturating_mul(1_000_000))
    }
    /// The span in microseconds.
    ///
    /// ```
    /// use keyslot_core::time::Duration;
    /// assert_eq!(Duration::from_millis(7).as_micros(), 7_000);
    /// ```
    pub const fn as_micros(self) -> u64 {
        self.0
    }
    /// The span in whole milliseconds.
    ///
    /// ```
    /// use keyslot_core::time::Duration;
    /// assert_eq!(Duration::from_micros(2_999).as_millis(), 2); // whole milliseconds
    /// ```
    pub const fn as_millis(self) -> u64 {
        self.0 / 1_000
    }
    /// The span multiplied by `factor`, saturating.
    ///
    /// ```
    /// use keyslot_core::time::Duration;
    /// assert_eq!(Duration::from_millis(25).saturating_mul(4), Duration::from_millis(100));
    /// assert_eq!(Duration::MAX.saturating_mul(2), Duration::MAX);
    /// ```
    pub const fn saturating_mul(self, factor: u64) -> Self {
        Duration(self.0.saturating_mul(factor))
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, rhs: Duration) -> Instant {
        Instant(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, rhs: Duration) {
        *self = *self + rhs;
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    fn sub(self, rhs: Instant) -> Duration {
        self.saturating_duration_since(rhs)
    }
}

impl Add for Duration {
    type Output = Duration;
    fn add(self, rhs: Duration) -> Duration {
        Duration(self.0.saturating_add(rhs.0))
    }
}

#[cfg(feature = "std")]
impl From<std::time::Duration> for Duration {
    fn from(d: std::time::Duration) -> Self {
        Duration(u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
    }
}

#[cfg(feature = "std")]
impl From<Duration> for std::time::Duration {
    fn from(d: Duration) -> Self {
        std::time::Duration::from_micros(d.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates() {
        let t = Instant::from_micros(10);
        assert_eq!((t + Duration::from_micros(5)).as_micros(), 15);
        assert_eq!(Instant::ZERO - t, Duration::ZERO);
        assert_eq!((t + Duration::MAX).as_micros(), u64::MAX);
        assert_eq!(Duration::from_secs(2).as_millis(), 2000);
    }
}
