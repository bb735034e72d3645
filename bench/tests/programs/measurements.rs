//! The measuring parts against the real things: decisions read back from Postgres, and
//! the raw broker run against the Kafka-protocol broker. Functional checks only; no
//! assertion on how fast anything is.

use bench::broker::{self, BrokerConfig};
use bench::decisions;
use chrono::Utc;
use std::time::Duration;
use vocabulary::Amount;

fn kafka_url() -> String {
    std::env::var("KAFKA_TEST_URL").expect(
        "KAFKA_TEST_URL is not set: this test needs a Kafka-protocol broker \
         (scripts/test.sh starts one and sets it)",
    )
}

/// The bids as the intake and the engine store them, through the bidding service's own
/// functions: what a run reads back must be what they wrote.
#[tokio::test]
async fn decisions_are_read_back_as_the_bidding_service_stored_them() {
    use bidding::store::bids::{insert_pending, BidKind, PendingBid};
    use bidding::store::engine::{persist, BatchWrite, OffsetAdvance, OutcomeRow, Persisted};
    use vocabulary::{AuctionId, BidId, UserId};

    let database = testkit::TestDatabase::create("bench_test").await;
    let url = database.url();
    let pool = platform_core::db::connect(url, "bidding", 2).await.unwrap();
    sqlx::migrate!("../bidding/migrations")
        .run(&pool)
        .await
        .unwrap();
    let auction = AuctionId::new();
    let (x, y) = (UserId::new(), UserId::new());
    let t0 = Utc::now() - chrono::Duration::seconds(2);
    // Three bids: x's accepted, then y's accepted (x is outbid), then y's rejected; and one
    // of x's still pending.
    let bids: Vec<PendingBid> = [(x, 0), (y, 100), (y, 200), (x, 300)]
        .into_iter()
        .map(|(bidder, ms)| PendingBid {
            bid_id: BidId::new(),
            auction_id: auction,
            bidder_id: bidder,
            kind: BidKind::Bid,
            amount: Some(Amount::minor(1_000 + ms)),
            max_amount: None,
            idempotency_key: None,
            request_hash: None,
            received_at: t0 + chrono::Duration::milliseconds(ms),
        })
        .collect();
    for bid in &bids {
        insert_pending(&pool, bid).await.unwrap().unwrap();
    }
    assert_eq!(
        decisions::wait_settled(&pool, Duration::ZERO)
            .await
            .unwrap(),
        4
    );
    let outcome = |bid: &PendingBid, seq: Option<i64>| OutcomeRow {
        bid_id: bid.bid_id,
        auction_id: bid.auction_id,
        bidder_id: bid.bidder_id,
        kind: "bid",
        amount: bid.amount,
        max_amount: None,
        accepted: seq.is_some(),
        reason: seq.is_none().then_some("below_minimum"),
        seq,
        received_at: bid.received_at,
    };
    let batch = BatchWrite {
        outcomes: vec![
            outcome(&bids[1], Some(2)),
            outcome(&bids[0], Some(1)),
            outcome(&bids[2], None),
        ],
        offsets: vec![OffsetAdvance {
            partition: 0,
            from: None,
            to: 3,
        }],
        ..BatchWrite::default()
    };
    let stored = persist(&pool, "bench.commands", "test", &batch)
        .await
        .unwrap();
    assert!(matches!(stored, Persisted::Committed(_)));
    assert_eq!(
        decisions::wait_settled(&pool, Duration::ZERO)
            .await
            .unwrap(),
        1
    );

    let answered: Vec<_> = bids.iter().map(|b| (b.bid_id.0, b.received_at)).collect();
    let stored = decisions::read(&pool, &answered).await.unwrap();
    let d = &stored.decisions;
    assert_eq!((d.total, d.accepted, d.rejected, d.pending), (4, 2, 1, 1));
    assert_eq!(d.reasons, vec![("below_minimum".to_owned(), 1)]);
    assert_eq!(d.latency.count(), 3, "every decided bid");
    assert!(d.window >= Duration::from_secs(1), "{:?}", d.window);
    assert_eq!(d.accepted_per_second.iter().sum::<i64>(), 2);
    assert_eq!(stored.after_202.count(), 3);
    let due = |bidder: UserId| stored.notices[&bidder.to_string()];
    assert_eq!((due(x).accepted, due(x).rejected, due(x).outbid), (1, 0, 1));
    assert_eq!((due(y).accepted, due(y).rejected, due(y).outbid), (1, 1, 0));
    pool.close().await;
}

#[tokio::test]
async fn the_raw_broker_run_produces_and_consumes_every_message() {
    let config = BrokerConfig {
        brokers: kafka_url(),
        messages: 2_000,
        message_bytes: 200,
        partitions: 3,
        keys: 10,
        in_flight: 500,
        time_limit: Duration::from_secs(120),
    };
    let result = broker::run(&config).await.unwrap();
    assert_eq!(result.messages, 2_000);
    assert!(result.produce > Duration::ZERO && result.consume > Duration::ZERO);
    assert!(result.round_trip_per_second() < result.produce_per_second());
}

#[tokio::test]
async fn a_finished_runs_topics_are_deleted_by_prefix() {
    use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
    use rdkafka::client::DefaultClientContext;
    use rdkafka::config::ClientConfig;

    let brokers = kafka_url();
    let prefix = format!("benchtest{}.", uuid::Uuid::new_v4().simple());
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", &brokers)
        .create()
        .unwrap();
    let names = [
        format!("{prefix}auction.commands"),
        format!("{prefix}auction.events"),
    ];
    let topics: Vec<NewTopic<'_>> = names
        .iter()
        .map(|n| NewTopic::new(n, 1, TopicReplication::Fixed(-1)))
        .collect();
    admin
        .create_topics(topics.iter(), &AdminOptions::new())
        .await
        .unwrap();
    assert!(broker::delete_topics_with_prefix(&brokers, "")
        .await
        .is_err());
    // Topic creation shows in the metadata after a moment.
    let mut deleted = 0;
    for _ in 0..50 {
        deleted += broker::delete_topics_with_prefix(&brokers, &prefix)
            .await
            .unwrap();
        if deleted >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(deleted, 2);
}
