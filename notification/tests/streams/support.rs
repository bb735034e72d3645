//! The service on a real socket, and an auction that publishes events the way the engine
//! does. The SSE client, the identities and the databases are testkit's.

use chrono::Utc;
use notification::Config;
use platform_bus::memory::MemoryBus;
use platform_bus::Bus;
use platform_core::config::Common;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use testkit::TestDatabase;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use vocabulary::Amount;

pub use testkit::identities::headers as identity_headers;
pub use testkit::sse::{text_until, SseClient};
pub use testkit::{user, WAIT};
use vocabulary::{topics::EVENTS as EVENT_TOPIC, AuctionId, BidId, Currency, UserId};
use vocabulary::{AuctionStatus, Event, EventKind, PublicState, Terms};

pub async fn fresh_database() -> TestDatabase {
    TestDatabase::create("notification_test").await
}

/// Waits until the stored history of `auction_id` reaches `seq`.
pub async fn wait_until_stored(database_url: &str, auction_id: AuctionId, seq: i64) {
    let pool = platform_core::db::connect(database_url, "notification", 1)
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let newest: Option<i64> =
            sqlx::query_scalar("SELECT max(seq) FROM auction_events WHERE auction_id = $1")
                .bind(auction_id.0)
                .fetch_one(&pool)
                .await
                .unwrap();
        if newest >= Some(seq) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "seq {seq} never stored"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub fn new_bus() -> Arc<MemoryBus> {
    Arc::new(MemoryBus::new())
}

/// One running instance of the service.
pub struct Service {
    pub addr: SocketAddr,
    shutdown: CancellationToken,
    served: Option<JoinHandle<anyhow::Result<()>>>,
}

impl Service {
    pub async fn start(database_url: &str, bus: &Arc<MemoryBus>, config: Config) -> Service {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::start_on(listener, database_url, bus, config).await
    }

    pub async fn start_on(
        listener: TcpListener,
        database_url: &str,
        bus: &Arc<MemoryBus>,
        config: Config,
    ) -> Service {
        let common = Common::for_tests(database_url, "memory://");
        let shutdown = CancellationToken::new();
        let bus: Arc<dyn Bus> = bus.clone();
        let started = notification::start(&common, &config, bus, shutdown.clone())
            .await
            .expect("notification starts");
        let addr = listener.local_addr().unwrap();
        let served = tokio::spawn(platform_core::service::serve(
            listener,
            started,
            shutdown.clone(),
        ));
        Service {
            addr,
            shutdown,
            served: Some(served),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn auction_url(&self, auction_id: AuctionId) -> String {
        self.url(&format!("/api/auctions/{auction_id}/events"))
    }

    /// Fires the shutdown token and waits for the service to finish.
    pub async fn stop(mut self) {
        self.shutdown.cancel();
        if let Some(served) = self.served.take() {
            tokio::time::timeout(WAIT, served)
                .await
                .expect("service stops promptly")
                .unwrap()
                .unwrap();
        }
    }

    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

pub fn config() -> Config {
    Config::for_tests()
}

/// An auction whose events are published on the bus as the engine would: public events
/// carry the whole state and advance `seq` by one; notices carry the current `seq`.
pub struct Auction {
    pub id: AuctionId,
    pub seq: i64,
    pub seller: UserId,
    state: PublicState,
    bus: Arc<MemoryBus>,
}

impl Auction {
    /// A new auction, with its `listed` event published.
    pub async fn listed(bus: &Arc<MemoryBus>) -> Auction {
        bus.ensure_topic(EVENT_TOPIC, 4).await.unwrap();
        let mut auction = Auction {
            id: AuctionId::new(),
            seq: 0,
            seller: UserId::new(),
            state: PublicState {
                status: AuctionStatus::Pending,
                starts_at: None,
                ends_at: None,
                current_price: Amount::minor(10_000),
                bid_count: 0,
                leading_bidder_id: None,
                reserve_met: false,
                winner_id: None,
                final_price: None,
                minimum_bid: None,
            },
            bus: bus.clone(),
        };
        let terms = Terms {
            seller_id: auction.seller,
            currency: Currency::default(),
            starting_price: Amount::minor(10_000),
            reserve_price: Some(Amount::minor(30_000)),
            buy_now_price: Some(Amount::minor(90_000)),
        };
        let state = auction.state.clone();
        auction
            .public(EventKind::Listed {
                terms,
                state,
                listing: None,
            })
            .await;
        auction
    }

    /// A listed auction that is open.
    pub async fn open(bus: &Arc<MemoryBus>) -> Auction {
        let mut auction = Self::listed(bus).await;
        auction.state.status = AuctionStatus::Open;
        auction.state.starts_at = Some(Utc::now());
        auction.state.ends_at = Some(Utc::now() + chrono::Duration::hours(1));
        let state = auction.state.clone();
        auction.public(EventKind::Opened { state }).await;
        auction
    }

    /// An accepted bid: a `price` event.
    pub async fn bid(&mut self, bidder: UserId, amount: i64) -> Event {
        let amount = Amount::minor(amount);
        self.state.current_price = amount;
        self.state.bid_count += 1;
        self.state.leading_bidder_id = Some(bidder);
        self.state.reserve_met = amount >= Amount::minor(30_000);
        let state = self.state.clone();
        self.public(EventKind::Price {
            bid_id: BidId::new(),
            amount,
            bidder_id: bidder,
            state,
        })
        .await
    }

    /// `n` accepted bids by one bidder, 100 apart; returns the last `seq`.
    pub async fn bids(&mut self, n: usize) -> i64 {
        let bidder = UserId::new();
        for _ in 0..n {
            let amount = (self.state.current_price + Amount::minor(100)).get();
            self.bid(bidder, amount).await;
        }
        self.seq
    }

    pub async fn close(&mut self) -> Event {
        self.state.status = AuctionStatus::Closed;
        self.state.winner_id = self.state.leading_bidder_id;
        self.state.final_price = self.state.winner_id.map(|_| self.state.current_price);
        let state = self.state.clone();
        self.public(EventKind::Closed { state }).await
    }

    async fn public(&mut self, kind: EventKind) -> Event {
        self.seq += 1;
        let event = Event {
            auction_id: self.id,
            seq: self.seq,
            at: Utc::now(),
            kind,
        };
        self.publish(&event).await;
        event
    }

    /// A private notice at the current `seq`.
    pub async fn notice(&self, kind: EventKind) -> Event {
        let event = Event {
            auction_id: self.id,
            seq: self.seq,
            at: Utc::now(),
            kind,
        };
        self.publish(&event).await;
        event
    }

    /// Publishes `event` again, or any event, as is.
    pub async fn publish(&self, event: &Event) {
        let payload = serde_json::to_vec(event).unwrap();
        self.publish_raw(&payload).await;
    }

    pub async fn publish_raw(&self, payload: &[u8]) {
        self.bus
            .publish(EVENT_TOPIC, self.id.to_string().as_bytes(), payload)
            .await
            .unwrap();
    }
}
