//! The terminal's one source of wall-clock time.
//!
//! Every "now" that decides something (when a sale was journaled, whether
//! its in-flight window has passed, a capture deadline) is read here, so a
//! test can run the money path on a simulated clock: with the `test-hooks`
//! feature, [`simulate`] fixes the time and [`advance`] moves it. Without
//! the feature these are plain reads of the system clock.

use time::OffsetDateTime;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    #[cfg(feature = "test-hooks")]
    if let Some(ms) = sim::now() {
        return ms;
    }
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// The current time as a date-time (UTC).
pub fn now_utc() -> OffsetDateTime {
    #[cfg(feature = "test-hooks")]
    if let Some(ms) = sim::now() {
        return OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    }
    OffsetDateTime::now_utc()
}

#[cfg(feature = "test-hooks")]
pub use sim::{advance, simulate};

#[cfg(feature = "test-hooks")]
mod sim {
    use std::sync::atomic::{AtomicI64, Ordering};

    /// 0: the system clock; anything else: the simulated time in ms.
    static SIMULATED_MS: AtomicI64 = AtomicI64::new(0);

    pub(super) fn now() -> Option<i64> {
        match SIMULATED_MS.load(Ordering::SeqCst) {
            0 => None,
            ms => Some(ms),
        }
    }

    /// Fixes the clock of this whole process at `ms` (`None`: the system
    /// clock again).
    pub fn simulate(ms: Option<i64>) {
        SIMULATED_MS.store(ms.unwrap_or(0).max(0), Ordering::SeqCst);
    }

    /// Moves the simulated clock forward.
    pub fn advance(ms: i64) {
        SIMULATED_MS.fetch_add(ms.max(0), Ordering::SeqCst);
    }
}
