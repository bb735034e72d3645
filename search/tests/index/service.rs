//! The service in process: MemoryBus, the embedded index, the route; records published as
//! the auction service and the engine publish them.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{Duration as Minutes, Utc};
use http_body_util::BodyExt;
use platform_bus::memory::MemoryBus;
use platform_bus::Bus;
use platform_core::config::Common;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;
use vocabulary::{
    topics::COMMANDS as COMMAND_TOPIC, topics::EVENTS as EVENT_TOPIC, Amount, AuctionId,
    AuctionStatus, BidId, Command, Event, EventKind, Listing, PublicState, UserId,
};

struct Service {
    started: platform_core::service::Started,
    shutdown: CancellationToken,
}

async fn start(bus: Arc<dyn Bus>, dir: &Path) -> Service {
    start_with(bus, search::Config::for_tests(dir.to_path_buf())).await
}

async fn start_with(bus: Arc<dyn Bus>, config: search::Config) -> Service {
    let common = Common::for_tests("postgres://unused", "memory://");
    let shutdown = CancellationToken::new();
    let started = search::start(&common, &config, bus, shutdown.clone())
        .await
        .unwrap();
    Service { started, shutdown }
}

impl Service {
    async fn get(&self, uri: &str) -> (StatusCode, Value) {
        let res = self
            .started
            .router
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    /// Polls until `check` holds on the answer to `uri`. The bound is generous on purpose:
    /// how fast changes become searchable is measured by benchmarks, not asserted here,
    /// where other tests share the machine.
    async fn eventually(&self, uri: &str, check: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let (status, body) = self.get(uri).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            if check(&body) {
                return body;
            }
            assert!(Instant::now() < deadline, "not within 15 s: {uri} → {body}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn stop(mut self) {
        self.shutdown.cancel();
        while let Some(res) = self.started.tasks.join_next().await {
            res.unwrap().unwrap();
        }
    }
}

struct Seller {
    bus: Arc<dyn Bus>,
    id: AuctionId,
    seq: i64,
    state: PublicState,
}

impl Seller {
    async fn list(bus: Arc<dyn Bus>, title: &str, price: i64) -> Self {
        let id = AuctionId::new();
        let terms = search::contract::terms(price);
        let cmd = Command::List {
            auction_id: id,
            terms: terms.clone(),
            listing: Listing {
                title: title.into(),
                description: "상태 좋음".into(),
                category: "shoes".into(),
            },
            at: Utc::now(),
        };
        let key = id.to_string();
        bus.publish(
            COMMAND_TOPIC,
            key.as_bytes(),
            &serde_json::to_vec(&cmd).unwrap(),
        )
        .await
        .unwrap();
        let state = PublicState {
            status: AuctionStatus::Pending,
            starts_at: None,
            ends_at: None,
            current_price: Amount::minor(price),
            bid_count: 0,
            leading_bidder_id: None,
            reserve_met: false,
            winner_id: None,
            final_price: None,
            minimum_bid: None,
        };
        let mut seller = Self {
            bus,
            id,
            seq: 0,
            state,
        };
        seller
            .emit(|s| EventKind::Listed {
                terms,
                state: s,
                listing: None,
            })
            .await;
        seller
    }

    async fn emit(&mut self, kind: impl FnOnce(PublicState) -> EventKind) {
        self.seq += 1;
        let event = Event {
            auction_id: self.id,
            seq: self.seq,
            at: Utc::now(),
            kind: kind(self.state.clone()),
        };
        let key = self.id.to_string();
        self.bus
            .publish(
                EVENT_TOPIC,
                key.as_bytes(),
                &serde_json::to_vec(&event).unwrap(),
            )
            .await
            .unwrap();
    }

    async fn schedule(&mut self) {
        self.state.status = AuctionStatus::Scheduled;
        self.state.starts_at = Some(Utc::now());
        self.state.ends_at = Some(Utc::now() + Minutes::hours(1));
        self.emit(|state| EventKind::Scheduled { state }).await;
    }

    async fn bid(&mut self, amount: i64) {
        let bidder = UserId::new();
        let amount = Amount::minor(amount);
        self.state.status = AuctionStatus::Open;
        self.state.current_price = amount;
        self.state.bid_count += 1;
        self.state.leading_bidder_id = Some(bidder);
        self.emit(|state| EventKind::Price {
            bid_id: BidId::new(),
            amount,
            bidder_id: bidder,
            state,
        })
        .await;
    }

    async fn close(&mut self) {
        self.state.status = AuctionStatus::Closed;
        self.state.winner_id = self.state.leading_bidder_id;
        self.state.final_price = Some(self.state.current_price);
        self.emit(|state| EventKind::Closed { state }).await;
    }
}

fn ids(body: &Value) -> Vec<String> {
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect()
}

fn temp_dir() -> PathBuf {
    std::env::temp_dir().join(format!("search-e2e-{}", uuid::Uuid::new_v4()))
}

#[tokio::test]
async fn follows_listings_prices_and_closing_and_resumes_after_restart() {
    let bus: Arc<dyn Bus> = Arc::new(MemoryBus::new());
    let dir = temp_dir();
    let service = start(bus.clone(), &dir).await;

    let mut nike = Seller::list(bus.clone(), "나이키 에어포스 1 한정판", 100_000).await;
    let mut adidas = Seller::list(bus.clone(), "Adidas Samba OG", 120_000).await;
    // Malformed records are skipped, not retried forever.
    bus.publish(EVENT_TOPIC, b"x", b"{not json").await.unwrap();
    bus.publish(COMMAND_TOPIC, b"x", b"[]").await.unwrap();
    nike.schedule().await;
    adidas.schedule().await;
    let found = service
        .eventually("/api/search?q=%EB%82%98%EC%9D%B4%ED%82%A4", |b| {
            b["total"] == 1
        })
        .await;
    assert_eq!(found["hits"][0]["status"], "scheduled");
    assert_eq!(found["hits"][0]["id"], nike.id.to_string());

    nike.bid(150_000).await;
    let asc = "/api/search?sort=price_asc";
    let body = service
        .eventually(asc, |b| b["hits"][0]["currentPrice"] == 120_000)
        .await;
    assert_eq!(ids(&body), [adidas.id.to_string(), nike.id.to_string()]);
    service
        .eventually("/api/search?minPrice=140000", |b| {
            ids(b) == [nike.id.to_string()]
        })
        .await;

    nike.close().await;
    let closed = service
        .eventually("/api/search?status=closed", |b| b["total"] == 1)
        .await;
    assert_eq!(closed["hits"][0]["finalPrice"], 150_000);
    assert_eq!(closed["facets"]["status"]["closed"], 1);
    service.stop().await;

    // Restart on the same directory and bus: nothing is lost, new records still flow.
    let service = start(bus.clone(), &dir).await;
    let (_, all) = service.get("/api/search").await;
    assert_eq!(all["total"], 2, "{all}");
    adidas.bid(200_000).await;
    service
        .eventually("/api/search?sort=price_desc", |b| {
            b["hits"][0]["currentPrice"] == 200_000
        })
        .await;
    service.stop().await;
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn an_index_in_memory_reads_the_logs_from_the_start_on_every_start() {
    let bus: Arc<dyn Bus> = Arc::new(MemoryBus::new());
    let mut config = search::Config::for_tests(temp_dir());
    config.search_url = "memory://".into();
    let service = start_with(bus.clone(), config.clone()).await;
    let mut lego = Seller::list(bus.clone(), "레고 스타워즈 Millennium Falcon", 300_000).await;
    lego.schedule().await;
    service
        .eventually("/api/search?q=falcon", |b| b["total"] == 1)
        .await;
    service.stop().await;
    assert!(!config.search_data_dir.exists(), "nothing written to disk");

    let service = start_with(bus.clone(), config).await;
    service
        .eventually("/api/search?q=%EB%A0%88%EA%B3%A0", |b| b["total"] == 1)
        .await;
    service.stop().await;
}

#[tokio::test]
async fn bad_queries_are_400_invalid_query() {
    let dir = temp_dir();
    let service = start(Arc::new(MemoryBus::new()), &dir).await;
    for uri in [
        "/api/search?sort=cheapest",
        "/api/search?status=sold",
        "/api/search?page=0",
        "/api/search?size=101",
        "/api/search?minPrice=5&maxPrice=1",
        "/api/search?size=abc",
    ] {
        let (status, body) = service.get(uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(body["error"]["code"], "invalid_query", "{uri}");
    }
    let (status, body) = service
        .get("/api/search?q=&sort=newest&page=1&size=100")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total"], 0);
    service.stop().await;
    std::fs::remove_dir_all(dir).ok();
}
