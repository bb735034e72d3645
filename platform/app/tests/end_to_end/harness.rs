//! The whole platform in this test process (the single-machine default: every role, the
//! in-memory bus) on a fresh database, served on a free port.

use clap::Parser;
use platform_app::roles::PlatformConfig;
use std::sync::Arc;
use testkit::api::{ADMIN_EMAIL, ADMIN_PASSWORD};
use testkit::{Api, TestDatabase, User};
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    platform: PlatformConfig,
}

/// Settings of a test platform, from the command-line defaults with test values on top.
pub fn config(database_url: &str, bus_url: &str) -> PlatformConfig {
    let mut c = Cli::try_parse_from(["platform"]).unwrap().platform;
    c.common.database_url = database_url.to_owned();
    c.common.bus_url = bus_url.to_owned();
    c.common.command_partitions = 4;
    c.common.event_partitions = 4;
    c.common.database_max_connections = 6;
    c.gateway.gateway_host = [127, 0, 0, 1].into();
    c.gateway.gateway_port = 0;
    c.gateway.jwt_secret = Some("a-test-secret-of-at-least-thirty-two-bytes".to_owned());
    c.gateway.admin_email = Some(ADMIN_EMAIL.to_owned());
    c.gateway.admin_password = Some(ADMIN_PASSWORD.to_owned());
    c.gateway.auth_rate_per_minute = 100_000;
    c.gateway.auth_rate_burst = 10_000;
    c.gateway.bid_rate_per_second = 100_000;
    c.gateway.bid_rate_burst = 10_000;
    c.auction.auction_scheduler_tick_ms = 50;
    // An index of this test's own, in memory: tests run side by side.
    c.search.search_url = "memory://".into();
    // No soft close unless a test asks for it: short auctions would keep extending.
    c.bidding.soft_close_window_secs = 0;
    c
}

pub struct Platform {
    pub api: Api,
    pub bus: std::sync::Arc<dyn platform_bus::Bus>,
    pub rules: bidding::domain::Rules,
    /// Shared with the platforms started again on it (a restart).
    pub database: Arc<TestDatabase>,
    shutdown: CancellationToken,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl Platform {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut PlatformConfig)) -> Self {
        let database = Arc::new(TestDatabase::create("platform_test").await);
        Self::start_on(database, adjust).await
    }

    /// A platform process on an existing database: what a restart looks like.
    pub async fn start_on(
        database: Arc<TestDatabase>,
        adjust: impl FnOnce(&mut PlatformConfig),
    ) -> Self {
        let mut config = config(database.url(), "memory://");
        adjust(&mut config);
        let rules = config.bidding.rules().unwrap();
        let shutdown = CancellationToken::new();
        let bus = platform_bus::connect(&config.common.bus_url).await.unwrap();
        let (started, address) =
            platform_app::roles::start_on(&config, bus.clone(), shutdown.clone())
                .await
                .expect("the platform starts");
        let listener = tokio::net::TcpListener::bind(address).await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(platform_core::service::serve(
            listener,
            started,
            shutdown.clone(),
        ));
        Self {
            api: Api::new(base),
            bus,
            rules,
            database,
            shutdown,
            server: Some(server),
        }
    }

    pub async fn admin(&self) -> User {
        self.api.admin().await
    }

    pub fn database_url(&self) -> &str {
        self.database.url()
    }

    /// Stops the platform gracefully and reports how its workers ended.
    pub async fn stop(mut self) {
        self.shutdown.cancel();
        if let Some(server) = self.server.take() {
            server.await.unwrap().expect("the platform stops cleanly");
        }
    }
}

impl Drop for Platform {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Reads every command of `auction_id` from the command topic, applies them one by one to
/// a fresh state with the platform's rules, and checks that the engine stored exactly
/// that state and exactly those outcomes. This is what "no bid lost, none applied twice,
/// the same decisions on every replay" means.
pub async fn assert_matches_serial_replay(
    bus: &dyn platform_bus::Bus,
    database_url: &str,
    rules: &bidding::domain::Rules,
    auction_id: &str,
) -> bidding::domain::AuctionState {
    use bidding::domain::{apply, AuctionState, BidOutcome};
    use std::collections::HashMap;
    use std::time::{Duration, Instant};
    use vocabulary::Command;

    let id: vocabulary::AuctionId = auction_id.parse().unwrap();
    let pool = platform_core::db::connect(database_url, "bidding", 2)
        .await
        .unwrap();
    let stored: serde_json::Value =
        sqlx::query_scalar("SELECT state::json FROM engine_auctions WHERE auction_id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    let stored: AuctionState = serde_json::from_value(stored).unwrap();

    let group = format!("replay-{}", uuid::Uuid::new_v4().simple());
    let mut sub = bus
        .subscribe(
            vocabulary::topics::COMMANDS,
            &group,
            platform_bus::StartFrom::Earliest,
        )
        .await
        .unwrap();
    let mut state = AuctionState::new(id);
    let mut outcomes: HashMap<String, (String, Option<i64>)> = HashMap::new();
    let key = auction_id.as_bytes();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        assert!(
            Instant::now() < deadline,
            "replay never reached the stored state"
        );
        let batch = sub.poll(10_000, Duration::from_millis(500)).await.unwrap();
        if batch.records.is_empty() && state == stored {
            break;
        }
        for record in batch.records.iter().filter(|r| r.key == key) {
            let command: Command = serde_json::from_slice(&record.payload).unwrap();
            let bid_id = match &command {
                Command::PlaceBid { bid_id, .. } | Command::BuyNow { bid_id, .. } => Some(*bid_id),
                _ => None,
            };
            if let Some(b) = bid_id {
                if outcomes.contains_key(&b.to_string()) {
                    continue; // a repeated command is applied once
                }
            }
            if let Some(outcome) = apply(&mut state, &command, rules).outcome {
                let (bid, status, seq) = match outcome {
                    BidOutcome::Accepted { bid_id, seq } => (bid_id, "accepted", Some(seq)),
                    BidOutcome::Rejected { bid_id, .. } => (bid_id, "rejected", None),
                };
                outcomes.insert(bid.to_string(), (status.to_owned(), seq));
            }
        }
    }
    sub.close().await.ok();

    let rows: Vec<(uuid::Uuid, String, Option<i64>)> =
        sqlx::query_as("SELECT bid_id, status, seq FROM bids WHERE auction_id = $1")
            .bind(id)
            .fetch_all(&pool)
            .await
            .unwrap();
    for (bid_id, status, seq) in rows {
        let replayed = outcomes.get(&bid_id.to_string());
        if status == "pending" && replayed.is_none() {
            // Recorded by an intake that died before publishing: that request got no
            // 202, its command is not in the log, and no outcome is owed.
            continue;
        }
        assert_eq!(
            replayed,
            Some(&(status.clone(), seq)),
            "bid {bid_id}: stored {status} {seq:?}, replay says {replayed:?}"
        );
    }
    state
}

/// Stores a pending bid straight into bidding's table, as an intake that recorded it and
/// then died (or lost its in-process log) leaves it: no command for it is on any log.
pub async fn leave_pending_bid(
    bidding: &sqlx::PgPool,
    auction_id: &str,
    bidder: &User,
    amount: i64,
) -> uuid::Uuid {
    let bid_id = uuid::Uuid::now_v7();
    sqlx::query(
        "INSERT INTO bid_requests (bid_id, auction_id, bidder_id, kind, amount, received_at)
         VALUES ($1, $2, $3, 'bid', $4, now())",
    )
    .bind(bid_id)
    .bind(auction_id.parse::<uuid::Uuid>().unwrap())
    .bind(bidder.id.parse::<uuid::Uuid>().unwrap())
    .bind(amount)
    .execute(bidding)
    .await
    .unwrap();
    bid_id
}
