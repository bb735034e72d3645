//! The measuring parts against the real things: decisions read back from Postgres, and
//! the raw broker run against the Kafka-protocol broker. Functional checks only; no
//! assertion on how fast anything is.

use bench::broker::{self, BrokerConfig};
use bench::decisions;
use chrono::{TimeZone, Utc};
use std::time::Duration;

fn base_database_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn kafka_url() -> String {
    std::env::var("KAFKA_TEST_URL").expect(
        "KAFKA_TEST_URL is not set: this test needs a Kafka-protocol broker \
         (scripts/test.sh starts one and sets it)",
    )
}

#[tokio::test]
async fn decisions_are_counted_and_timed_from_the_bids_table() {
    let url = platform_core::db::create_fresh_database(&base_database_url(), "bench_test")
        .await
        .unwrap();
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::query("CREATE SCHEMA bidding")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "CREATE TABLE bidding.bids (status text NOT NULL, reason text,
         received_at timestamptz NOT NULL, decided_at timestamptz)",
    )
    .execute(&pool)
    .await
    .unwrap();
    let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
    let at = |ms: i64| t0 + chrono::Duration::milliseconds(ms);
    // 10 accepted bids decided 10..100 ms after intake over ~2.1 s, 2 rejected.
    let mut rows: Vec<(&str, Option<&str>, _, _)> = (0..10)
        .map(|i| {
            (
                "accepted",
                None,
                at(i * 200),
                Some(at(i * 200 + (i + 1) * 10)),
            )
        })
        .collect();
    rows.push(("rejected", Some("below_minimum"), at(50), Some(at(70))));
    rows.push(("rejected", Some("below_minimum"), at(60), Some(at(80))));
    for (status, reason, received, decided) in &rows {
        sqlx::query("INSERT INTO bidding.bids VALUES ($1, $2, $3, $4)")
            .bind(status)
            .bind(reason)
            .bind(received)
            .bind(decided)
            .execute(&pool)
            .await
            .unwrap();
    }
    assert_eq!(
        decisions::wait_settled(&pool, Duration::ZERO)
            .await
            .unwrap(),
        0
    );

    let d = decisions::measure(&pool).await.unwrap();
    assert_eq!((d.total, d.accepted, d.rejected, d.pending), (12, 10, 2, 0));
    assert_eq!(d.reasons, vec![("below_minimum".to_owned(), 2)]);
    // First intake at 0 ms, last decision at 1800 + 100 ms.
    assert_eq!(d.window, Duration::from_millis(1_900));
    assert!((d.sustained_accepted_per_second() - 10.0 / 1.9).abs() < 1e-9);
    let s = d.latency.summary();
    assert_eq!(s.count, 12);
    assert!(
        (99_000..=100_100).contains(&(s.max.as_micros() as u64)),
        "{s:?}"
    );
    // Sorted: 10, 20, 20, 20, 30, 40, ...: the 6th of 12 is the median.
    assert!(
        (39_900..=40_100).contains(&(s.p50.as_micros() as u64)),
        "{s:?}"
    );
    // Accepted decisions at 10, 220, 430, 640, 850 | 1060, 1270, 1480, 1690, 1900 ms.
    assert_eq!(d.accepted_per_second, vec![5, 5]);

    sqlx::query("INSERT INTO bidding.bids VALUES ('pending', NULL, now(), NULL)")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        decisions::wait_settled(&pool, Duration::ZERO)
            .await
            .unwrap(),
        1
    );
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
