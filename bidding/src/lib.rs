//! Bidding: the intake that turns HTTP bids into commands on the command topic, and the
//! engine that applies those commands per auction in log order.
//!
//! * [`domain`] — the bid rules, as pure functions over plain data.
//! * [`intake`] — `POST /api/auctions/{id}/bids`, `…/buy-now`, `GET /api/bids/{id}`,
//!   `GET /api/auctions/{id}/bids`, `GET /api/me/bids`, `GET /api/auctions/{id}/analysis`.
//! * [`engine`] — the consumer that owns command-topic partitions, decides, and persists
//!   outcomes, auction state, offsets and outgoing events in one transaction, then relays
//!   the events to the event topic.
//! * [`store`] — the sqlx queries behind both.

pub mod domain;
pub mod engine;
pub mod intake;
pub mod store;

use clap::Args;
use platform_bus::Bus;
use platform_core::config::Common;
use platform_core::service::Started;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;
use vocabulary::{topics::COMMANDS as COMMAND_TOPIC, topics::EVENTS as EVENT_TOPIC};

#[derive(Args, Clone, Debug)]
#[group(id = "bidding")]
pub struct Config {
    /// Bid increments by price band: `from:increment,...` in minor units, first band from 0.
    #[arg(long, env = "BID_INCREMENTS")]
    pub bid_increments: Option<String>,

    /// An accepted bid this close to the end extends the auction (seconds).
    #[arg(long, env = "SOFT_CLOSE_WINDOW_SECS", default_value_t = 60)]
    pub soft_close_window_secs: i64,

    /// How far past the bid a soft-close extension moves the end (seconds).
    #[arg(long, env = "SOFT_CLOSE_EXTENSION_SECS", default_value_t = 60)]
    pub soft_close_extension_secs: i64,

    /// Most an auction's end can move past its scheduled end (seconds).
    #[arg(long, env = "SOFT_CLOSE_MAX_EXTENSION_SECS", default_value_t = 600)]
    pub soft_close_max_extension_secs: i64,

    /// Run the engine in this process (an intake-only instance sets false).
    #[arg(long, env = "BIDDING_ENGINE", default_value_t = true, action = clap::ArgAction::Set)]
    pub bidding_engine: bool,

    /// Engine workers in this process. Each owns its share of the command partitions (they
    /// join the engine's consumer group like separate instances) and stores its own batches,
    /// so one worker's batch is decided and stored while another's commits.
    #[arg(long, env = "BIDDING_ENGINES", default_value_t = 2,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub bidding_engines: u16,

    /// Most commands the engine applies in one transaction.
    #[arg(long, env = "BIDDING_ENGINE_BATCH", default_value_t = 2000)]
    pub bidding_engine_batch: usize,

    /// Port of the standalone `bidding` binary.
    #[arg(long, env = "BIDDING_PORT", default_value_t = 8082)]
    pub bidding_port: u16,
}

impl Config {
    pub fn rules(&self) -> anyhow::Result<domain::Rules> {
        let mut rules = domain::Rules::default();
        if let Some(spec) = &self.bid_increments {
            rules.increments = domain::IncrementTable::parse(spec)
                .map_err(|e| anyhow::anyhow!("BID_INCREMENTS: {e}"))?;
        }
        anyhow::ensure!(
            self.soft_close_window_secs >= 0
                && self.soft_close_extension_secs >= 0
                && self.soft_close_max_extension_secs >= 0,
            "soft-close durations must not be negative"
        );
        rules.soft_close = domain::SoftClose {
            window: chrono::Duration::seconds(self.soft_close_window_secs),
            extension: chrono::Duration::seconds(self.soft_close_extension_secs),
            max_total_extension: chrono::Duration::seconds(self.soft_close_max_extension_secs),
        };
        Ok(rules)
    }

    pub fn for_tests() -> Self {
        Self {
            bid_increments: None,
            soft_close_window_secs: 60,
            soft_close_extension_secs: 60,
            soft_close_max_extension_secs: 600,
            bidding_engine: true,
            bidding_engines: 2,
            bidding_engine_batch: 2000,
            bidding_port: 0,
        }
    }
}

/// Starts the intake routes and (unless disabled) the engine.
pub async fn start(
    common: &Common,
    config: &Config,
    bus: Arc<dyn Bus>,
    shutdown: CancellationToken,
) -> anyhow::Result<Started> {
    let rules = config.rules()?;
    let pool = platform_core::db::open(common, "bidding", sqlx::migrate!("./migrations")).await?;
    bus.ensure_topic(COMMAND_TOPIC, common.command_partitions)
        .await?;
    bus.ensure_topic(EVENT_TOPIC, common.event_partitions)
        .await?;

    let state = intake::IntakeState::new(pool.clone(), bus.clone(), rules.clone());
    intake::republish_pending(&state).await?;
    let mut started = Started::new(intake::router(state));
    started
        .readiness
        .push(platform_core::ops::postgres_check(pool.clone()));
    let ping_bus = bus.clone();
    started.readiness.push(Arc::new(move || {
        let bus = ping_bus.clone();
        Box::pin(async move { bus.ping().await.map_err(|e| format!("bus: {e:#}")) })
    }));
    if config.bidding_engine {
        for _ in 0..config.bidding_engines {
            let engine = engine::Engine::new(
                pool.clone(),
                bus.clone(),
                rules.clone(),
                config.bidding_engine_batch,
            );
            started.spawn(engine.run(shutdown.clone()));
        }
    }
    Ok(started)
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    intake::ApiDoc::openapi()
}
