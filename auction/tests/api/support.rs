//! The test application and helpers shared by every test.

use auction::Config;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use platform_bus::memory::MemoryBus;
use platform_bus::Bus;
use platform_core::config::Common;
use platform_core::{Identity, Role};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;
use vocabulary::{
    topics::COMMANDS as COMMAND_TOPIC, topics::EVENTS as EVENT_TOPIC, AuctionId, UserId,
};
use vocabulary::{Command, Event, EventKind};

pub struct TestApp {
    pub router: Router,
    pub pool: PgPool,
    pub bus: Arc<MemoryBus>,
    shutdown: CancellationToken,
    _tasks: JoinSet<anyhow::Result<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_on(&fresh_database().await, Arc::new(MemoryBus::new())).await
}

pub async fn fresh_database() -> String {
    let base = std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    platform_core::db::create_fresh_database(&base, "auction_test")
        .await
        .expect("test database")
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
    let started = auction::start(&common, &config, bus.clone(), shutdown.clone())
        .await
        .expect("auction service starts");
    let pool = platform_core::db::connect(database_url, "auction", 4)
        .await
        .expect("test pool");
    TestApp {
        router: started.router,
        pool,
        bus,
        shutdown,
        _tasks: started.tasks,
    }
}

pub fn user() -> Identity {
    Identity {
        user_id: UserId::new(),
        roles: vec![Role::User],
        expires_at: 4_000_000_000,
    }
}

pub fn admin() -> Identity {
    Identity {
        roles: vec![Role::User, Role::Admin],
        ..user()
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
    /// Calls the router with `body` as raw JSON text; returns status and parsed body
    /// (`Null` when empty).
    pub async fn call_raw(
        &self,
        method: Method,
        uri: &str,
        who: Option<&Identity>,
        body: Option<String>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(identity) = who {
            for (name, value) in identity.signed_headers() {
                req = req.header(name, value);
            }
        }
        let req = match body {
            Some(text) => req
                .header("content-type", "application/json")
                .body(Body::from(text)),
            None => req.body(Body::empty()),
        }
        .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| panic!("non-JSON body: {}", String::from_utf8_lossy(&bytes)))
        };
        (status, value)
    }

    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        who: Option<&Identity>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.call_raw(method, uri, who, body.map(|b| b.to_string()))
            .await
    }

    pub async fn get(&self, uri: &str, who: Option<&Identity>) -> (StatusCode, Value) {
        self.call(Method::GET, uri, who, None).await
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
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let commands = self.read_commands(auction_id).await;
            if commands.len() >= want || tokio::time::Instant::now() >= deadline {
                return commands;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
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
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let events: Vec<Event> = self.read_topic(EVENT_TOPIC, auction_id).await;
            let notices: Vec<Event> = events
                .into_iter()
                .filter(|e| matches!(e.kind, EventKind::Ending { .. }))
                .collect();
            if notices.len() >= want || tokio::time::Instant::now() >= deadline {
                return notices;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
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
