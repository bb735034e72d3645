//! Auction service: listings, admin scheduling and cancelling, the open/close scheduler,
//! the read model of every auction page, and the watchlist.
//!
//! Who owns what: this service owns the catalog (what is sold, by whom, when it runs).
//! The bid engine owns prices, bids and results; it learns about auctions only from the
//! commands this service puts on [`vocabulary::topics::COMMANDS`] and reports every change
//! on [`vocabulary::topics::EVENTS`], which the read model mirrors back into the rows.
//! The one event this service puts on that topic itself is private: `auction.ending`, to
//! the watchers of an auction about to end (the watchlist lives here).
//!
//! * [`domain`] — listing, window and state rules (pure).
//! * [`http`] — the `/api/auctions`, `/api/admin/auctions`, `/api/me/watchlist` routes.
//! * [`store`] — the sqlx queries (schema `auction`, `migrations/`).
//! * [`workers`] — relays (commands, ending notices), scheduler, read model.

pub mod domain;
pub mod http;
pub mod store;
pub mod workers;

use clap::Args;
use platform_bus::Bus;
use platform_core::config::Common;
use platform_core::service::Started;
use std::sync::Arc;
use std::time::Duration;
use store::outbox::Outbox;
use tokio_util::sync::CancellationToken;
use vocabulary::{topics::COMMANDS as COMMAND_TOPIC, topics::EVENTS as EVENT_TOPIC};
use workers::read_model::ReadModel;
use workers::relay::{Relay, RelayWaker};
use workers::scheduler::Scheduler;

const DEFAULT_SCHEDULER_TICK_MS: u64 = 200;
const DEFAULT_OUTBOX_POLL_MS: u64 = 500;
const DEFAULT_READ_MODEL_BATCH: usize = 1000;
const DEFAULT_ENDING_NOTICE_SECS: u64 = 300;
const DEFAULT_PORT: u16 = 8081;

#[derive(Args, Clone, Debug)]
#[group(id = "auction")]
pub struct Config {
    /// How often the scheduler looks for auctions due to open or close (milliseconds).
    #[arg(long, env = "AUCTION_SCHEDULER_TICK_MS", default_value_t = DEFAULT_SCHEDULER_TICK_MS)]
    pub auction_scheduler_tick_ms: u64,

    /// How often the relays check their outboxes without being woken (milliseconds).
    #[arg(long, env = "AUCTION_OUTBOX_POLL_MS", default_value_t = DEFAULT_OUTBOX_POLL_MS)]
    pub auction_outbox_poll_ms: u64,

    /// Most events the read model applies in one transaction.
    #[arg(long, env = "AUCTION_READ_MODEL_BATCH", default_value_t = DEFAULT_READ_MODEL_BATCH)]
    pub auction_read_model_batch: usize,

    /// How long before an auction ends its watchers are told (`auction.ending`, seconds;
    /// 0 sends no notices).
    #[arg(long, env = "AUCTION_ENDING_NOTICE_SECS", default_value_t = DEFAULT_ENDING_NOTICE_SECS)]
    pub auction_ending_notice_secs: u64,

    /// Port of the standalone `auction` binary.
    #[arg(long, env = "AUCTION_PORT", default_value_t = DEFAULT_PORT)]
    pub auction_port: u16,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            auction_scheduler_tick_ms: DEFAULT_SCHEDULER_TICK_MS,
            auction_outbox_poll_ms: DEFAULT_OUTBOX_POLL_MS,
            auction_read_model_batch: DEFAULT_READ_MODEL_BATCH,
            auction_ending_notice_secs: DEFAULT_ENDING_NOTICE_SECS,
            auction_port: DEFAULT_PORT,
        }
    }
}

/// Connects to the schema `auction`, runs its migrations, makes sure both topics exist,
/// and spawns the two relays (commands, ending notices), the scheduler and the read model
/// (each ends when `shutdown` fires). Returns the routes and a Postgres readiness check.
pub async fn start(
    common: &Common,
    config: &Config,
    bus: Arc<dyn Bus>,
    shutdown: CancellationToken,
) -> anyhow::Result<Started> {
    start_with_clock(
        common,
        config,
        bus,
        platform_core::clock::system(),
        shutdown,
    )
    .await
}

/// [`start`] with the scheduler reading the time from `clock` (tests move theirs).
pub async fn start_with_clock(
    common: &Common,
    config: &Config,
    bus: Arc<dyn Bus>,
    clock: Arc<dyn platform_core::clock::Clock>,
    shutdown: CancellationToken,
) -> anyhow::Result<Started> {
    anyhow::ensure!(
        config.auction_scheduler_tick_ms > 0 && config.auction_outbox_poll_ms > 0,
        "AUCTION_SCHEDULER_TICK_MS and AUCTION_OUTBOX_POLL_MS must be positive"
    );
    // No auction runs longer than a window allows; a longer notice means nothing.
    let longest = domain::window::MAX_DURATION.num_seconds() as u64;
    anyhow::ensure!(
        config.auction_ending_notice_secs <= longest,
        "AUCTION_ENDING_NOTICE_SECS must be at most {longest} (the longest auction)"
    );
    let pool = platform_core::db::open(common, "auction", sqlx::migrate!("./migrations")).await?;
    bus.ensure_topic(COMMAND_TOPIC, common.command_partitions)
        .await?;
    bus.ensure_topic(EVENT_TOPIC, common.event_partitions)
        .await?;

    let waker = RelayWaker::default();
    let state = http::AppState {
        pool: pool.clone(),
        relay: waker.clone(),
    };
    let mut started = Started::new(http::router(state));
    started
        .readiness
        .push(platform_core::ops::postgres_check(pool.clone()));

    let poll = Duration::from_millis(config.auction_outbox_poll_ms);
    let relay = Relay::new(
        Outbox::Commands,
        pool.clone(),
        bus.clone(),
        waker.clone(),
        poll,
    );
    started.spawn(relay.run(shutdown.clone()));
    let notices = RelayWaker::default();
    let relay = Relay::new(
        Outbox::Events,
        pool.clone(),
        bus.clone(),
        notices.clone(),
        poll,
    );
    started.spawn(relay.run(shutdown.clone()));
    let tick = Duration::from_millis(config.auction_scheduler_tick_ms);
    let mut scheduler = Scheduler::new(pool.clone(), waker, tick).clock(clock);
    if config.auction_ending_notice_secs > 0 {
        let window = chrono::Duration::seconds(config.auction_ending_notice_secs as i64);
        scheduler = scheduler.ending_notices(window, notices);
    }
    started.spawn(scheduler.run(shutdown.clone()));
    let read_model = ReadModel::new(pool, bus, config.auction_read_model_batch);
    started.spawn(read_model.run(shutdown));
    Ok(started)
}

/// The OpenAPI document of this service's routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    http::openapi()
}
