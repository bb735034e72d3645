//! Latency percentiles over an hdrhistogram with microsecond resolution.

use hdrhistogram::Histogram;
use std::fmt;
use std::time::Duration;

/// Highest latency tracked exactly; larger values are clamped to it (and show as `max`).
const HIGHEST_MICROS: u64 = 10 * 60 * 1_000_000;

#[derive(Debug)]
pub struct Latencies {
    histogram: Histogram<u64>,
}

/// The usual cut of a latency distribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    pub count: u64,
    pub p50: Duration,
    pub p90: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl Default for Latencies {
    fn default() -> Self {
        Self::new()
    }
}

impl Latencies {
    pub fn new() -> Self {
        Self {
            histogram: Histogram::new_with_bounds(1, HIGHEST_MICROS, 3)
                .expect("static histogram bounds are valid"),
        }
    }

    pub fn record(&mut self, latency: Duration) {
        self.record_micros(u64::try_from(latency.as_micros()).unwrap_or(u64::MAX));
    }

    /// Negative values (clock steps) count as zero.
    pub fn record_micros(&mut self, micros: u64) {
        self.histogram
            .saturating_record(micros.clamp(1, HIGHEST_MICROS));
    }

    pub fn add(&mut self, other: &Latencies) {
        self.histogram
            .add(&other.histogram)
            .expect("histograms with the same bounds add up");
    }

    pub fn count(&self) -> u64 {
        self.histogram.len()
    }

    pub fn quantile(&self, q: f64) -> Duration {
        Duration::from_micros(self.histogram.value_at_quantile(q))
    }

    pub fn summary(&self) -> Summary {
        Summary {
            count: self.count(),
            p50: self.quantile(0.50),
            p90: self.quantile(0.90),
            p99: self.quantile(0.99),
            max: Duration::from_micros(self.histogram.max()),
        }
    }
}

/// Milliseconds with one decimal, the unit every figure of the bid path is read in.
pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "p50 {}  p90 {}  p99 {}  max {}  (n = {})",
            ms(self.p50),
            ms(self.p90),
            ms(self.p99),
            ms(self.max),
            self.count
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_known_distribution() {
        let mut l = Latencies::new();
        for ms in 1..=100u64 {
            l.record(Duration::from_millis(ms));
        }
        let s = l.summary();
        assert_eq!(s.count, 100);
        // Three significant digits: within 0.1 % of the exact value.
        assert!(
            (49_900..=50_100).contains(&(s.p50.as_micros() as u64)),
            "{s:?}"
        );
        assert!(
            (98_900..=99_100).contains(&(s.p99.as_micros() as u64)),
            "{s:?}"
        );
        assert!(
            (99_900..=100_100).contains(&(s.max.as_micros() as u64)),
            "{s:?}"
        );
    }

    #[test]
    fn histograms_add_up_and_clamp_out_of_range_values() {
        let mut a = Latencies::new();
        a.record_micros(0);
        let mut b = Latencies::new();
        b.record(Duration::from_secs(3600));
        a.add(&b);
        assert_eq!(a.count(), 2);
        assert!(a.summary().max <= Duration::from_micros(HIGHEST_MICROS + HIGHEST_MICROS / 100));
        assert_eq!(ms(Duration::from_micros(12_345)), "12.3 ms");
    }
}
