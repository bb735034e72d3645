//! Per-client rate limits: governor's keyed GCRA limiter, one state per client key. A
//! quota lets `burst` requests through at once and replenishes them at the given rate; a
//! refused request is told how long until one would pass.
//!
//! Memory stays bounded: a key whose state has replenished completely is
//! indistinguishable from a new one, so [`RateLimiter::sweep`] drops it (governor's
//! `retain_recent`) without changing any future answer, and gives the freed room back
//! (`shrink_to_fit`). Only clients seen within about one refill period keep a state.

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::Quota;
use std::hash::Hash;
use std::num::NonZeroU32;
use std::time::Duration;

/// `requests` a second, up to `burst` at once.
pub fn per_second(requests: u32, burst: u32) -> anyhow::Result<Quota> {
    Ok(Quota::per_second(allowed(requests)?).allow_burst(burst_size(burst)?))
}

/// `requests` a minute, up to `burst` at once.
pub fn per_minute(requests: u32, burst: u32) -> anyhow::Result<Quota> {
    Ok(Quota::per_minute(allowed(requests)?).allow_burst(burst_size(burst)?))
}

fn allowed(requests: u32) -> anyhow::Result<NonZeroU32> {
    NonZeroU32::new(requests)
        .ok_or_else(|| anyhow::anyhow!("a rate limit must allow some requests"))
}

fn burst_size(burst: u32) -> anyhow::Result<NonZeroU32> {
    NonZeroU32::new(burst).ok_or_else(|| anyhow::anyhow!("a rate limit burst must be at least 1"))
}

/// Time an exhausted client takes to get its whole burst back.
pub fn refill_time(quota: &Quota) -> Duration {
    quota.replenish_interval() * quota.burst_size().get()
}

pub struct RateLimiter<K: Hash + Eq + Clone, C: Clock = DefaultClock> {
    quota: Quota,
    inner: governor::RateLimiter<K, DefaultKeyedStateStore<K>, C, NoOpMiddleware<C::Instant>>,
}

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    pub fn new(quota: Quota) -> Self {
        Self::with_clock(quota, DefaultClock::default())
    }
}

impl<K: Hash + Eq + Clone, C: Clock> RateLimiter<K, C> {
    pub fn with_clock(quota: Quota, clock: C) -> Self {
        Self {
            quota,
            inner: governor::RateLimiter::new(quota, DefaultKeyedStateStore::default(), clock),
        }
    }

    pub fn quota(&self) -> Quota {
        self.quota
    }

    /// Lets a request of `key` through, or answers how long until one would pass.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        self.inner
            .check_key(key)
            .map_err(|not_until| not_until.wait_time_from(self.inner.clock().now()))
    }

    /// Forgets every client whose state has replenished completely.
    pub fn sweep(&self) {
        self.inner.retain_recent();
        self.inner.shrink_to_fit();
    }

    pub fn tracked_clients(&self) -> usize {
        self.inner.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    fn limiter<K: Hash + Eq + Clone>(
        quota: Quota,
    ) -> (RateLimiter<K, FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        (RateLimiter::with_clock(quota, clock.clone()), clock)
    }

    #[test]
    fn a_burst_passes_then_the_rate_applies() {
        let (limiter, clock) = limiter(per_second(2, 3).unwrap());
        for _ in 0..3 {
            assert!(limiter.check(&"ada").is_ok());
        }
        assert_eq!(limiter.check(&"ada"), Err(Duration::from_millis(500)));
        assert!(limiter.check(&"grace").is_ok(), "keys are independent");
        clock.advance(Duration::from_millis(200));
        assert_eq!(
            limiter.check(&"ada"),
            Err(Duration::from_millis(300)),
            "the wait counts down from now"
        );
        clock.advance(Duration::from_millis(300));
        assert!(limiter.check(&"ada").is_ok());
        assert!(limiter.check(&"ada").is_err());
    }

    #[test]
    fn a_long_pause_refills_no_more_than_the_burst() {
        let (limiter, clock) = limiter(per_minute(60, 2).unwrap());
        clock.advance(Duration::from_secs(3600));
        assert!(limiter.check(&1).is_ok());
        assert!(limiter.check(&1).is_ok());
        assert_eq!(limiter.check(&1), Err(Duration::from_secs(1)));
    }

    #[test]
    fn sweeping_forgets_only_replenished_clients() {
        let (limiter, clock) = limiter(per_second(1, 2).unwrap());
        limiter.check(&"old").unwrap();
        clock.advance(Duration::from_secs(2));
        limiter.check(&"recent").unwrap();
        limiter.check(&"recent").unwrap();
        clock.advance(Duration::from_millis(500));
        limiter.sweep();
        assert_eq!(limiter.tracked_clients(), 1);
        // The recent client kept its state: both requests spent, half of one back.
        assert_eq!(limiter.check(&"recent"), Err(Duration::from_millis(500)));
    }

    #[test]
    fn memory_stays_bounded_by_the_recent_clients() {
        let (limiter, clock) = limiter(per_minute(20, 10).unwrap());
        for client in 0..10_000u32 {
            limiter.check(&client).unwrap();
        }
        assert_eq!(limiter.tracked_clients(), 10_000);
        clock.advance(refill_time(&limiter.quota()));
        for _ in 0..10 {
            limiter.check(&u32::MAX).unwrap();
        }
        limiter.sweep();
        assert_eq!(
            limiter.tracked_clients(),
            1,
            "only the exhausted client stays"
        );
        assert!(limiter.check(&u32::MAX).is_err(), "and stays limited");
        assert!(limiter.check(&0).is_ok());
    }

    #[test]
    fn a_rate_that_allows_nothing_is_refused() {
        assert!(per_second(0, 5).is_err());
        assert!(per_minute(5, 0).is_err());
        assert_eq!(
            refill_time(&per_minute(20, 10).unwrap()),
            Duration::from_secs(30)
        );
    }
}
