//! A clock that moves only when the test moves it, for the workers that act on time (the
//! auction scheduler): a test sets it past a start or an end instead of sleeping until
//! the real one gets there.

use chrono::{DateTime, Duration, Utc};
use parking_lot::Mutex;
use platform_core::clock::Clock;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    /// Stopped at `at`.
    pub fn at(at: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(at)))
    }

    /// Stopped at the real time of the call.
    pub fn stopped_now() -> Self {
        Self::at(Utc::now())
    }

    /// What the clock shows.
    pub fn now(&self) -> DateTime<Utc> {
        *self.0.lock()
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock() = at;
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock() += by;
    }

    /// The clock as the workers take it.
    pub fn shared(&self) -> Arc<dyn Clock> {
        Arc::new(self.clone())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        ManualClock::now(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_only_when_told() {
        let start = Utc::now();
        let clock = ManualClock::at(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::seconds(90));
        assert_eq!(clock.shared().now(), start + Duration::seconds(90));
        clock.set(start);
        assert_eq!(clock.now(), start);
    }
}
