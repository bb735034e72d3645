//! The engine's batch counters, read from the Prometheus text of the process that runs
//! it: how many batches it stored, how many commands each held, how long each took.

use std::time::Duration;

#[derive(Clone, Debug, PartialEq)]
pub struct EngineMetrics {
    pub batches: u64,
    pub commands: u64,
    pub batch_seconds: f64,
}

impl EngineMetrics {
    pub fn commands_per_batch(&self) -> f64 {
        self.commands as f64 / (self.batches.max(1)) as f64
    }

    pub fn mean_batch_time(&self) -> Duration {
        Duration::from_secs_f64(self.batch_seconds / (self.batches.max(1)) as f64)
    }

    /// What happened between `earlier` and this reading.
    pub fn since(&self, earlier: &EngineMetrics) -> Self {
        Self {
            batches: self.batches.saturating_sub(earlier.batches),
            commands: self.commands.saturating_sub(earlier.commands),
            batch_seconds: (self.batch_seconds - earlier.batch_seconds).max(0.0),
        }
    }

    /// Reads `engine_batch_seconds_{sum,count}` and `engine_commands_total`.
    pub fn parse(text: &str) -> Option<Self> {
        let value = |name: &str| -> Option<f64> {
            text.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
                let (metric, v) = l.rsplit_once(' ')?;
                let bare = metric.split('{').next()?;
                (bare == name).then(|| v.trim().parse().ok())?
            })
        };
        Some(Self {
            batches: value("engine_batch_seconds_count")? as u64,
            commands: value("engine_commands_total")? as u64,
            batch_seconds: value("engine_batch_seconds_sum")?,
        })
    }

    /// Fetches and reads `url` (a `/metrics` endpoint); `None` when it cannot.
    pub async fn fetch(http: &reqwest::Client, url: &str) -> Option<Self> {
        let text = http.get(url).send().await.ok()?.text().await.ok()?;
        Self::parse(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_batch_counters_from_prometheus_text() {
        let text = "# TYPE engine_commands_total counter\nengine_commands_total 12000\n\
                    # TYPE engine_batch_seconds histogram\n\
                    engine_batch_seconds_bucket{le=\"0.01\"} 3\n\
                    engine_batch_seconds_sum 6.5\nengine_batch_seconds_count 130\n";
        let m = EngineMetrics::parse(text).unwrap();
        assert_eq!(m.batches, 130);
        assert_eq!(m.commands, 12_000);
        assert!((m.commands_per_batch() - 92.3).abs() < 0.1);
        assert_eq!(m.mean_batch_time(), Duration::from_millis(50));
        assert_eq!(EngineMetrics::parse("engine_commands_total 5\n"), None);
        let before = EngineMetrics {
            batches: 30,
            commands: 2_000,
            batch_seconds: 1.5,
        };
        assert_eq!(
            m.since(&before),
            EngineMetrics {
                batches: 100,
                commands: 10_000,
                batch_seconds: 5.0
            }
        );
    }
}
