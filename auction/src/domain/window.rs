//! When an auction runs: the rules of `POST /api/admin/auctions/{id}/schedule`.

use super::Invalid;
use chrono::{DateTime, Duration, Utc};
use vocabulary::ErrorCode;

/// Longest an auction may run.
pub const MAX_DURATION: Duration = Duration::days(30);
/// Furthest ahead an auction may be scheduled to start.
pub const MAX_LEAD: Duration = Duration::days(365);

/// A window that ends after it starts, ends in the future, lasts at most 30 days and
/// starts within a year. A start in the past is allowed: the auction opens at once.
/// Both times are kept to the microsecond, the precision the store keeps, so the engine
/// and the scheduler see exactly the same instants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl Window {
    pub fn new(
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Self, Invalid> {
        if ends_at <= starts_at {
            return Err(Invalid::new(
                ErrorCode::InvalidWindow,
                "endsAt must be after startsAt",
            ));
        }
        if ends_at <= now {
            return Err(Invalid::new(
                ErrorCode::InvalidWindow,
                "endsAt must be in the future",
            ));
        }
        if ends_at - starts_at > MAX_DURATION {
            return Err(Invalid::new(
                ErrorCode::InvalidWindow,
                "an auction may run at most 30 days",
            ));
        }
        if starts_at - now > MAX_LEAD {
            return Err(Invalid::new(
                ErrorCode::InvalidWindow,
                "startsAt must be within 365 days",
            ));
        }
        Ok(Self {
            starts_at: to_micros(starts_at),
            ends_at: to_micros(ends_at),
        })
    }
}

/// `at` without its sub-microsecond part.
pub fn to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_checked() {
        let now = Utc::now();
        let h = Duration::hours(1);
        assert!(Window::new(now + h, now + h * 2, now).is_ok());
        assert!(
            Window::new(now - h, now + h, now).is_ok(),
            "a past start opens at once"
        );
        assert!(Window::new(now + h, now + h, now).is_err());
        assert!(Window::new(now + h * 2, now + h, now).is_err());
        assert!(Window::new(now - h * 2, now - h, now).is_err());
        assert!(Window::new(now, now + MAX_DURATION, now).is_ok());
        assert!(Window::new(now, now + MAX_DURATION + Duration::seconds(1), now).is_err());
        assert!(Window::new(now + Duration::days(400), now + Duration::days(401), now).is_err());
        let base = DateTime::from_timestamp(1_900_000_000, 0).unwrap();
        let w = Window::new(base, base + h + Duration::nanoseconds(1_999), base).unwrap();
        assert_eq!(w.ends_at, base + h + Duration::microseconds(1));
    }
}
