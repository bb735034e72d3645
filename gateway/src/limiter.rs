//! Token buckets in memory, one per client key. A bucket holds up to `burst` tokens and
//! refills at `per_second`; a request takes one token or is told how long to wait.
//!
//! Memory stays bounded: a bucket that has refilled completely is indistinguishable from
//! a new one, so [`RateLimiter::sweep`] drops it without changing any future answer. Only
//! clients seen within the last refill period keep a bucket.

use dashmap::DashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    per_second: f64,
    burst: f64,
}

impl Rate {
    pub fn per_second(requests: u32, burst: u32) -> anyhow::Result<Rate> {
        Self::new(f64::from(requests), burst)
    }

    pub fn per_minute(requests: u32, burst: u32) -> anyhow::Result<Rate> {
        Self::new(f64::from(requests) / 60.0, burst)
    }

    fn new(per_second: f64, burst: u32) -> anyhow::Result<Rate> {
        anyhow::ensure!(per_second > 0.0, "a rate limit must allow some requests");
        anyhow::ensure!(burst >= 1, "a rate limit burst must be at least 1");
        Ok(Rate {
            per_second,
            burst: f64::from(burst),
        })
    }

    /// Time an empty bucket takes to fill up.
    pub fn refill_time(&self) -> Duration {
        Duration::from_secs_f64(self.burst / self.per_second)
    }
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

pub struct RateLimiter<K> {
    rate: Rate,
    buckets: DashMap<K, Bucket>,
}

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    pub fn new(rate: Rate) -> Self {
        Self {
            rate,
            buckets: DashMap::new(),
        }
    }

    pub fn rate(&self) -> Rate {
        self.rate
    }

    /// Takes a token for `key`, or answers how long until one is available.
    pub fn check(&self, key: K) -> Result<(), Duration> {
        self.check_at(key, Instant::now())
    }

    pub fn check_at(&self, key: K, now: Instant) -> Result<(), Duration> {
        let mut bucket = self.buckets.entry(key).or_insert(Bucket {
            tokens: self.rate.burst,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.rate.per_second).min(self.rate.burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - bucket.tokens) / self.rate.per_second,
            ))
        }
    }

    /// Drops every bucket that is full again by `now`.
    pub fn sweep_at(&self, now: Instant) {
        let refill = self.rate.refill_time();
        self.buckets
            .retain(|_, b| now.saturating_duration_since(b.updated) < refill);
    }

    pub fn sweep(&self) {
        self.sweep_at(Instant::now());
    }

    pub fn tracked_clients(&self) -> usize {
        self.buckets.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_rate_applies() {
        let limiter = RateLimiter::new(Rate::per_second(2, 3).unwrap());
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check_at("ada", t0).is_ok());
        }
        let wait = limiter.check_at("ada", t0).unwrap_err();
        assert!((wait.as_secs_f64() - 0.5).abs() < 1e-6, "{wait:?}");
        assert!(
            limiter.check_at("grace", t0).is_ok(),
            "keys are independent"
        );
        assert!(limiter
            .check_at("ada", t0 + Duration::from_millis(500))
            .is_ok());
        assert!(limiter
            .check_at("ada", t0 + Duration::from_millis(500))
            .is_err());
    }

    #[test]
    fn a_long_pause_refills_no_more_than_the_burst() {
        let limiter = RateLimiter::new(Rate::per_minute(60, 2).unwrap());
        let t0 = Instant::now();
        let later = t0 + Duration::from_secs(3600);
        assert!(limiter.check_at(1, later).is_ok());
        assert!(limiter.check_at(1, later).is_ok());
        assert!(limiter.check_at(1, later).is_err());
    }

    #[test]
    fn sweeping_forgets_only_full_buckets() {
        let limiter = RateLimiter::new(Rate::per_second(1, 2).unwrap());
        let t0 = Instant::now();
        limiter.check_at("old", t0).unwrap();
        limiter
            .check_at("recent", t0 + Duration::from_secs(2))
            .unwrap();
        limiter.sweep_at(t0 + Duration::from_millis(2500));
        assert_eq!(limiter.tracked_clients(), 1);
        // The recent client's bucket kept its state: one token taken, half refilled.
        assert!(limiter
            .check_at("recent", t0 + Duration::from_millis(2500))
            .is_ok());
    }

    #[test]
    fn a_rate_that_allows_nothing_is_refused() {
        assert!(Rate::per_second(0, 5).is_err());
        assert!(Rate::per_minute(5, 0).is_err());
    }
}
