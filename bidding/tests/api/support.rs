//! The test application: the bidding service with its engine, and what the auction
//! service would put on the command topic.

use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration as Span, Utc};
use platform_bus::memory::MemoryBus;
use platform_bus::Bus;
use platform_core::config::Common;
use platform_core::Identity;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use testkit::{InProcess, TestDatabase};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use vocabulary::{
    topics::COMMANDS as COMMAND_TOPIC, topics::EVENTS as EVENT_TOPIC, AuctionId, Currency, UserId,
};
use vocabulary::{Amount, Command, Event, Terms};

pub use testkit::user;

pub struct TestApp {
    pub client: InProcess,
    pub bus: Arc<dyn Bus>,
    pub rules: bidding::domain::Rules,
    shutdown: CancellationToken,
    _tasks: JoinSet<anyhow::Result<()>>,
    _database: TestDatabase,
}

/// The service's router, called in process: `app.call(..)`, `app.get(..)`.
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

pub async fn spawn_app() -> TestApp {
    let database = TestDatabase::create("bidding_test").await;
    let common = Common::for_tests(database.url(), "memory://");
    let config = bidding::Config::for_tests();
    let bus: Arc<dyn Bus> = Arc::new(MemoryBus::new());
    let shutdown = CancellationToken::new();
    let started = bidding::start(&common, &config, bus.clone(), shutdown.clone())
        .await
        .expect("bidding starts");
    TestApp {
        client: InProcess::new(started.router),
        bus,
        rules: config.rules().unwrap(),
        shutdown,
        _tasks: started.tasks,
        _database: database,
    }
}

/// An open auction's window: opened a second ago, ending in an hour.
pub struct Window {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl TestApp {
    pub async fn send(&self, command: &Command) {
        let key = command.auction_id().to_string();
        self.bus
            .publish(
                COMMAND_TOPIC,
                key.as_bytes(),
                &serde_json::to_vec(command).unwrap(),
            )
            .await
            .unwrap();
    }

    /// Lists, schedules and opens an auction as the auction service would, and waits until
    /// the engine has it open.
    pub async fn open_auction(&self, seller: &Identity, terms: Terms) -> (AuctionId, Window) {
        let id = AuctionId::new();
        let now = Utc::now();
        let window = Window {
            starts_at: now - Span::seconds(1),
            ends_at: now + Span::hours(1),
        };
        let terms = Terms {
            seller_id: seller.user_id,
            ..terms
        };
        for command in [
            Command::List {
                auction_id: id,
                terms,
                listing: Default::default(),
                at: now,
            },
            Command::Schedule {
                auction_id: id,
                starts_at: window.starts_at,
                ends_at: window.ends_at,
                at: now,
            },
            Command::Open {
                auction_id: id,
                at: now,
            },
        ] {
            self.send(&command).await;
        }
        self.wait_analysis(id, |a| a["status"] == "open").await;
        (id, window)
    }

    /// Places a bid (202) and waits for its outcome; returns `GET /api/bids/{id}`.
    pub async fn bid(
        &self,
        bidder: &Identity,
        auction: AuctionId,
        amount: i64,
        max: Option<i64>,
    ) -> Value {
        let mut body = json!({ "amount": amount });
        if let Some(max) = max {
            body["maxAmount"] = json!(max);
        }
        let uri = format!("/api/auctions/{auction}/bids");
        let (status, accepted) = self
            .call(Method::POST, &uri, Some(bidder), Some(body))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
        self.outcome(bidder, accepted["bidId"].as_str().unwrap())
            .await
    }

    pub async fn buy_now(&self, buyer: &Identity, auction: AuctionId) -> Value {
        let uri = format!("/api/auctions/{auction}/buy-now");
        let (status, accepted) = self.call(Method::POST, &uri, Some(buyer), None).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
        self.outcome(buyer, accepted["bidId"].as_str().unwrap())
            .await
    }

    async fn outcome(&self, bidder: &Identity, bid_id: &str) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let (status, bid) = self.get(&format!("/api/bids/{bid_id}"), Some(bidder)).await;
            assert_eq!(status, StatusCode::OK, "{bid}");
            if bid["status"] != "pending" {
                return bid;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{bid_id} stayed pending"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Polls the analysis until `done` holds for it.
    pub async fn wait_analysis(&self, id: AuctionId, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let (status, analysis) = self
                .get(&format!("/api/auctions/{id}/analysis"), None)
                .await;
            if status == StatusCode::OK && done(&analysis) {
                return analysis;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "analysis never got there: {status} {analysis}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Every event the engine emitted for `auction`, in order, once at least `want` are
    /// there.
    pub async fn events_of(&self, auction: AuctionId, want: usize) -> Vec<Event> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let events: Vec<Event> = platform_bus::contract::read_topic(
                self.bus.as_ref(),
                EVENT_TOPIC,
                Duration::from_millis(50),
            )
            .await
            .iter()
            .map(|r| serde_json::from_slice::<Event>(&r.payload).unwrap())
            .filter(|e| e.auction_id == auction)
            .collect();
            let events = once_each(events);
            if events.len() >= want || tokio::time::Instant::now() >= deadline {
                return events;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The event topic is delivered at least once: an engine that takes a partition over
/// relays what the outbox still holds, which its last owner may have published already.
/// A repeated event is kept once (a private event shares the `seq` of its public change,
/// so it is the whole event that repeats, not just its `seq`).
fn once_each(events: Vec<Event>) -> Vec<Event> {
    let mut kept: Vec<Event> = Vec::with_capacity(events.len());
    for event in events {
        if !kept.contains(&event) {
            kept.push(event);
        }
    }
    kept
}

pub fn terms(starting_price: i64, buy_now_price: Option<i64>) -> Terms {
    Terms {
        seller_id: UserId::new(),
        currency: Currency::default(),
        starting_price: Amount::minor(starting_price),
        reserve_price: None,
        buy_now_price: buy_now_price.map(Amount::minor),
    }
}
