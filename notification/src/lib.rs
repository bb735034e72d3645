//! Notification: fans the auction event topic out to browsers over Server-Sent Events.
//!
//! * [`hub`] — the in-memory fan-out: one feed per auction (newest state, recent frames,
//!   attached streams) and per user (recent notices, attached streams).
//! * [`history`] — the stored history in Postgres (schema `notification`), so resuming
//!   with `Last-Event-ID` has no gap across instances and restarts.
//! * [`http`] — `GET /api/auctions/{id}/events` and `GET /api/me/events`.
//! * [`workers`] — the event consumer and the upkeep of memory and history.

pub mod history;
pub mod http;
pub mod hub;
pub mod workers;

use clap::Args;
use platform_bus::Bus;
use platform_core::config::Common;
use platform_core::service::Started;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use vocabulary::topics::EVENTS as EVENT_TOPIC;

/// Longest `NOTIFICATION_GROUP` taken (a Kafka group id has room for more; a pod's name
/// has at most 253 characters).
const MAX_GROUP_LEN: usize = 253;

#[derive(Args, Clone, Debug)]
#[group(id = "notification")]
pub struct Config {
    /// Port of the standalone `notification` role.
    #[arg(long, env = "NOTIFICATION_PORT", default_value_t = 8083)]
    pub notification_port: u16,

    /// Seconds of quiet after which a stream sends a comment heartbeat.
    #[arg(long, env = "NOTIFICATION_HEARTBEAT_SECS", default_value_t = 15)]
    pub notification_heartbeat_secs: u64,

    /// Recent events kept in memory per auction for reconnecting clients.
    #[arg(long, env = "NOTIFICATION_HISTORY_PER_AUCTION", default_value_t = 256)]
    pub notification_history_per_auction: usize,

    /// Events kept in Postgres per auction (older ones are pruned).
    #[arg(long, env = "NOTIFICATION_HISTORY_KEEP", default_value_t = 1000)]
    pub notification_history_keep: i64,

    /// Hours an event is kept in Postgres at most.
    #[arg(long, env = "NOTIFICATION_HISTORY_HOURS", default_value_t = 24)]
    pub notification_history_hours: u64,

    /// Recent notices kept in memory per user for reconnecting clients.
    #[arg(long, env = "NOTIFICATION_NOTICES_PER_USER", default_value_t = 64)]
    pub notification_notices_per_user: usize,

    /// Events one stream may have waiting; a client further behind is dropped and
    /// resumes with `Last-Event-ID`.
    #[arg(long, env = "NOTIFICATION_STREAM_BUFFER", default_value_t = 256)]
    pub notification_stream_buffer: usize,

    /// Shortest time in milliseconds between two wake-ups of an auction's streams: a busy
    /// auction's events go out together, at most one write per stream per interval (0:
    /// every event wakes them).
    #[arg(long, env = "NOTIFICATION_WAKE_PACE_MS", default_value_t = 20)]
    pub notification_wake_pace_ms: u64,

    /// Seconds a feed without streams stays in memory.
    #[arg(long, env = "NOTIFICATION_FEED_IDLE_SECS", default_value_t = 600)]
    pub notification_feed_idle_secs: u64,

    /// Seconds between rounds of upkeep (forgetting idle feeds, pruning the history).
    #[arg(long, env = "NOTIFICATION_UPKEEP_SECS", default_value_t = 60)]
    pub notification_upkeep_secs: u64,

    /// Most records the consumer reads (and stores) at once.
    #[arg(long, env = "NOTIFICATION_CONSUMER_BATCH", default_value_t = 1000)]
    pub notification_consumer_batch: usize,

    /// The consumer group this instance reads the event topic in. It must be this
    /// instance's own: instances sharing a group would split the topic between them. When
    /// it stays the same across restarts (the pod's name, say), a restarted instance
    /// resumes after what it has read; unset, every start takes a new group
    /// (`notification-<random>`) and reads the retained topic from its beginning.
    #[arg(long, env = "NOTIFICATION_GROUP")]
    pub notification_group: Option<String>,
}

impl Config {
    /// The defaults, on an ephemeral port.
    pub fn for_tests() -> Self {
        Self {
            notification_port: 0,
            notification_heartbeat_secs: 15,
            notification_history_per_auction: 256,
            notification_history_keep: 1000,
            notification_history_hours: 24,
            notification_notices_per_user: 64,
            notification_stream_buffer: 256,
            notification_wake_pace_ms: 20,
            notification_feed_idle_secs: 600,
            notification_upkeep_secs: 60,
            notification_consumer_batch: 1000,
            notification_group: None,
        }
    }

    fn validate(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.notification_heartbeat_secs > 0,
            "NOTIFICATION_HEARTBEAT_SECS must be at least 1"
        );
        anyhow::ensure!(
            self.notification_history_per_auction > 0
                && self.notification_history_keep > 0
                && self.notification_notices_per_user > 0
                && self.notification_stream_buffer > 0
                && self.notification_consumer_batch > 0,
            "notification history, buffer and batch sizes must be at least 1"
        );
        anyhow::ensure!(
            self.notification_wake_pace_ms <= 1000,
            "NOTIFICATION_WAKE_PACE_MS must be at most 1000"
        );
        anyhow::ensure!(
            self.notification_upkeep_secs > 0,
            "NOTIFICATION_UPKEEP_SECS must be at least 1"
        );
        if let Some(group) = &self.notification_group {
            anyhow::ensure!(
                !group.is_empty()
                    && group.len() <= MAX_GROUP_LEN
                    && group
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')),
                "NOTIFICATION_GROUP must be 1 to {MAX_GROUP_LEN} letters, digits, '.', '_' or '-'"
            );
        }
        Ok(())
    }

    /// The consumer group of this start (see `NOTIFICATION_GROUP`).
    fn consumer_group(&self) -> String {
        self.notification_group
            .clone()
            .unwrap_or_else(|| format!("notification-{}", uuid::Uuid::new_v4()))
    }
}

/// Starts the stream routes, the event consumer and the upkeep.
pub async fn start(
    common: &Common,
    config: &Config,
    bus: Arc<dyn Bus>,
    shutdown: CancellationToken,
) -> anyhow::Result<Started> {
    config.validate()?;
    let pool =
        platform_core::db::open(common, "notification", sqlx::migrate!("./migrations")).await?;
    bus.ensure_topic(EVENT_TOPIC, common.event_partitions)
        .await?;

    let history = history::History::new(pool.clone());
    let hub = Arc::new(hub::Hub::new(
        history.clone(),
        hub::HubSettings {
            recent_per_auction: config.notification_history_per_auction,
            recent_per_user: config.notification_notices_per_user,
            stream_buffer: config.notification_stream_buffer,
            wake_pace: Duration::from_millis(config.notification_wake_pace_ms),
        },
    ));
    let mut started = Started::new(http::router(http::StreamState {
        hub: hub.clone(),
        history: history.clone(),
        heartbeat: Duration::from_secs(config.notification_heartbeat_secs),
        shutdown: shutdown.clone(),
    }));
    started
        .readiness
        .push(platform_core::ops::postgres_check(pool));
    let ping_bus = bus.clone();
    started.readiness.push(Arc::new(move || {
        let bus = ping_bus.clone();
        Box::pin(async move { bus.ping().await.map_err(|e| format!("bus: {e:#}")) })
    }));
    let consumer = workers::consumer::Consumer {
        hub: hub.clone(),
        history: history.clone(),
        bus,
        batch: config.notification_consumer_batch,
        group: config.consumer_group(),
    };
    started.spawn(consumer.run(shutdown.clone()));
    let upkeep = workers::upkeep::Upkeep {
        hub,
        history,
        every: Duration::from_secs(config.notification_upkeep_secs),
        idle: Duration::from_secs(config.notification_feed_idle_secs),
        keep: config.notification_history_keep,
        max_age: Duration::from_secs(config.notification_history_hours * 3600),
    };
    started.spawn(upkeep.run(shutdown));
    Ok(started)
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    http::ApiDoc::openapi()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        notification: Config,
    }

    #[test]
    fn the_document_names_both_streams() {
        let doc = openapi();
        assert!(doc.paths.paths.contains_key("/api/auctions/{id}/events"));
        assert!(doc.paths.paths.contains_key("/api/me/events"));
    }

    #[test]
    fn defaults_are_valid_and_zero_sizes_are_refused() {
        let cli = Cli::parse_from(["notification"]);
        assert_eq!(cli.notification.notification_heartbeat_secs, 15);
        assert!(cli.notification.validate().is_ok());
        let mut config = Config::for_tests();
        config.notification_stream_buffer = 0;
        assert!(config.validate().is_err());
        let mut config = Config::for_tests();
        config.notification_wake_pace_ms = 1001;
        assert!(config.validate().is_err());
    }

    #[test]
    fn the_group_is_the_one_set_or_new_at_every_start() {
        let cli = Cli::parse_from([
            "notification",
            "--notification-group",
            "notification-7d9f8-x2k4q",
        ]);
        assert!(cli.notification.validate().is_ok());
        assert_eq!(
            cli.notification.consumer_group(),
            "notification-7d9f8-x2k4q"
        );
        let unset = Config::for_tests();
        let (one, two) = (unset.consumer_group(), unset.consumer_group());
        assert!(one.starts_with("notification-") && two.starts_with("notification-"));
        assert_ne!(one, two);
        for bad in ["", "two words", "a/b", &"x".repeat(MAX_GROUP_LEN + 1)] {
            let config = Config {
                notification_group: Some(bad.to_owned()),
                ..Config::for_tests()
            };
            assert!(config.validate().is_err(), "{bad:?}");
        }
    }
}
