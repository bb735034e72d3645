//! The test application and helpers shared by every test.

use auction::Config;
use axum::http::{Method, StatusCode};
use platform_bus::memory::MemoryBus;
use platform_bus::Bus;
use platform_core::config::Common;
use platform_core::Identity;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use testkit::{InProcess, ManualClock, TestDatabase};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use vocabulary::{topics::COMMANDS as COMMAND_TOPIC, topics::EVENTS as EVENT_TOPIC, AuctionId};
use vocabulary::{Command, Event, EventKind};

pub use testkit::{admin, user};

/// One instance of the service. Its scheduler reads `clock`, which stands still at the
/// time the instance started until the test moves it.
pub struct TestApp {
    pub client: InProcess,
    pub pool: PgPool,
    pub bus: Arc<MemoryBus>,
    pub clock: ManualClock,
    shutdown: CancellationToken,
    _tasks: JoinSet<anyhow::Result<()>>,
    /// The database of an instance that has one of its own (dropped last).
    _database: Option<TestDatabase>,
}

/// The instance's router, called in process: `app.call(..)`, `app.get(..)`.
impl std::ops::Deref for TestApp {
    type Target = InProcess;

    fn deref(&self) -> &InProcess {
        &self.client
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// An instance with a database and a bus of its own.
pub async fn spawn_app() -> TestApp {
    spawn_app_adjusted(|_| {}).await
}

/// [`spawn_app`] with the test settings changed by `adjust`.
pub async fn spawn_app_adjusted(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let database = fresh_database().await;
    let mut app = spawn_app_with(database.url(), Arc::new(MemoryBus::new()), adjust).await;
    app._database = Some(database);
    app
}

pub async fn fresh_database() -> TestDatabase {
    TestDatabase::create("auction_test").await
}

/// An instance of the service on `database_url` and `bus` (several may share them).
pub async fn spawn_app_on(database_url: &str, bus: Arc<MemoryBus>) -> TestApp {
    spawn_app_with(database_url, bus, |_| {}).await
}

/// [`spawn_app_on`] with the test settings changed by `adjust`.
pub async fn spawn_app_with(
    database_url: &str,
    bus: Arc<MemoryBus>,
    adjust: impl FnOnce(&mut Config),
) -> TestApp {
    let common = Common::for_tests(database_url, "memory://");
    let mut config = Config {
        auction_scheduler_tick_ms: 50,
        auction_outbox_poll_ms: 100,
        ..Config::default()
    };
    adjust(&mut config);
    let shutdown = CancellationToken::new();
    let clock = ManualClock::stopped_now();
    let started = auction::start_with_clock(
        &common,
        &config,
        bus.clone(),
        clock.shared(),
        shutdown.clone(),
    )
    .await
    .expect("auction service starts");
    let pool = platform_core::db::connect(database_url, "auction", 4)
        .await
        .expect("test pool");
    TestApp {
        client: InProcess::new(started.router),
        pool,
        bus,
        clock,
        shutdown,
        _tasks: started.tasks,
        _database: None,
    }
}

pub fn listing() -> Value {
    json!({
        "title": "Vintage film camera",
        "description": "Fully working, with its leather case.",
        "category": "electronics",
        "startingPrice": 10000,
        "reservePrice": 30000,
        "buyNowPrice": 90000
    })
}

impl TestApp {
    /// A scheduler on this instance's database and clock, ticked by the test itself.
    pub fn scheduler(&self) -> auction::workers::scheduler::Scheduler {
        auction::workers::scheduler::Scheduler::new(
            self.pool.clone(),
            auction::workers::relay::RelayWaker::default(),
            Duration::from_secs(3600),
        )
        .clock(self.clock.shared())
    }

    /// Creates a listing and returns the auction JSON.
    pub async fn create(&self, seller: &Identity, body: Value) -> Value {
        let (status, auction) = self
            .call(Method::POST, "/api/auctions", Some(seller), Some(body))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{auction}");
        auction
    }

    pub async fn schedule(&self, id: &str, starts_at: &str, ends_at: &str) -> (StatusCode, Value) {
        let uri = format!("/api/admin/auctions/{id}/schedule");
        let body = json!({ "startsAt": starts_at, "endsAt": ends_at });
        self.call(Method::POST, &uri, Some(&admin()), Some(body))
            .await
    }

    /// Every command on the topic for `auction_id`, in log order, once at least `want`
    /// are there (or `within` has passed).
    pub async fn commands_for(
        &self,
        auction_id: &str,
        want: usize,
        within: Duration,
    ) -> Vec<Command> {
        poll(
            within,
            || self.read_commands(auction_id),
            |c| c.len() >= want,
        )
        .await
    }

    async fn read_commands(&self, auction_id: &str) -> Vec<Command> {
        self.read_topic(COMMAND_TOPIC, auction_id).await
    }

    /// Every event on the event topic for `auction_id` that is an ending notice, in log
    /// order, once at least `want` are there (or `within` has passed).
    pub async fn ending_notices_for(
        &self,
        auction_id: &str,
        want: usize,
        within: Duration,
    ) -> Vec<Event> {
        let notices = || async {
            let events: Vec<Event> = self.read_topic(EVENT_TOPIC, auction_id).await;
            events
                .into_iter()
                .filter(|e| matches!(e.kind, EventKind::Ending { .. }))
                .collect::<Vec<_>>()
        };
        poll(within, notices, |n| n.len() >= want).await
    }

    /// Waits until the relay has published and removed every queued notice.
    pub async fn wait_for_empty_event_outbox(&self) {
        let queued = || async {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM event_outbox")
                .fetch_one(&self.pool)
                .await
                .unwrap()
        };
        let left = poll(Duration::from_secs(10), queued, |&n| n == 0).await;
        assert_eq!(left, 0, "{left} notices still queued");
    }

    /// Every record of `topic` keyed by `key`, decoded, in log order.
    async fn read_topic<T: serde::de::DeserializeOwned>(&self, topic: &str, key: &str) -> Vec<T> {
        platform_bus::contract::read_topic(self.bus.as_ref(), topic, Duration::from_millis(20))
            .await
            .iter()
            .filter(|r| r.key == key.as_bytes())
            .map(|r| serde_json::from_slice(&r.payload).expect("a record of the topic"))
            .collect()
    }

    pub async fn publish_event(&self, event: &Event) {
        self.publish_raw(event.auction_id, &serde_json::to_vec(event).unwrap())
            .await;
    }

    /// Publishes `payload` with `key`'s partition, whatever it contains.
    pub async fn publish_raw(&self, key: AuctionId, payload: &[u8]) {
        self.bus
            .publish(EVENT_TOPIC, key.to_string().as_bytes(), payload)
            .await
            .unwrap();
    }

    /// Fetches the auction until `done` holds for it; panics after `within`.
    pub async fn wait_for_auction(
        &self,
        id: &str,
        within: Duration,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let (_, auction) = self.get(&format!("/api/auctions/{id}"), None).await;
            if done(&auction) {
                return auction;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "auction never reached the expected state: {auction}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Everything this service stores about auctions and watchlists, as text.
    pub async fn stored(&self) -> String {
        let auctions: Option<String> =
            sqlx::query_scalar("SELECT json_agg(a ORDER BY a.id)::text FROM auctions a")
                .fetch_one(&self.pool)
                .await
                .unwrap();
        let watched: Option<String> = sqlx::query_scalar(
            "SELECT json_agg(w ORDER BY w.user_id, w.auction_id)::text FROM watchlist w",
        )
        .fetch_one(&self.pool)
        .await
        .unwrap();
        format!("{auctions:?}\n{watched:?}")
    }
}

pub fn id_of(auction: &Value) -> String {
    auction["id"].as_str().expect("an id").to_owned()
}

pub fn rfc3339(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Reads with `read` every 50 ms until `done` holds for what it read or `within` has
/// passed; returns the last reading either way.
async fn poll<T, F, Fut>(within: Duration, read: F, done: impl Fn(&T) -> bool) -> T
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let got = read().await;
        if done(&got) || tokio::time::Instant::now() >= deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
