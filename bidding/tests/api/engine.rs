//! The engine against a real PostgreSQL and the in-process bus: commands are published
//! as the intake and the auction service publish them, and what the engine stored and
//! emitted is read back.

use bidding::domain::Rules;
use bidding::engine::Engine;
use chrono::{Duration as Span, Utc};
use platform_bus::memory::{partition_for_key, MemoryBus};
use platform_bus::{Bus, StartFrom};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::{Duration, Instant};
use testkit::TestDatabase;
use tokio_util::sync::CancellationToken;
use vocabulary::{
    topics::COMMANDS as COMMAND_TOPIC, topics::EVENTS as EVENT_TOPIC, Amount, AuctionId, BidId,
    Command, Currency, Event, EventKind, Terms, UserId,
};

const PARTITIONS: i32 = 4;

struct Setup {
    pool: PgPool,
    _database: TestDatabase,
}

async fn database() -> Setup {
    let database = TestDatabase::create("bidding_test").await;
    let pool = platform_core::db::connect(database.url(), "bidding", 4)
        .await
        .unwrap();
    sqlx::migrate!("./migrations").run(&pool).await.unwrap();
    Setup {
        pool,
        _database: database,
    }
}

async fn bus() -> Arc<dyn Bus> {
    let bus: Arc<dyn Bus> = Arc::new(MemoryBus::new());
    bus.ensure_topic(COMMAND_TOPIC, PARTITIONS).await.unwrap();
    bus.ensure_topic(EVENT_TOPIC, PARTITIONS).await.unwrap();
    bus
}

fn engine(
    setup: &Setup,
    bus: &Arc<dyn Bus>,
) -> (
    CancellationToken,
    tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    let stop = CancellationToken::new();
    let engine = Engine::new(setup.pool.clone(), bus.clone(), Rules::default(), 500);
    (stop.clone(), tokio::spawn(engine.run(stop)))
}

async fn send(bus: &dyn Bus, command: &Command) {
    let key = command.auction_id().to_string();
    bus.publish(
        COMMAND_TOPIC,
        key.as_bytes(),
        &serde_json::to_vec(command).unwrap(),
    )
    .await
    .unwrap();
}

/// List, schedule and open an auction that ends in an hour.
async fn open_auction(bus: &dyn Bus, seller: UserId) -> AuctionId {
    let id = AuctionId::new();
    let now = Utc::now();
    let terms = Terms {
        seller_id: seller,
        currency: Currency::default(),
        starting_price: Amount::minor(1_000),
        reserve_price: None,
        buy_now_price: None,
    };
    send(
        bus,
        &Command::List {
            auction_id: id,
            terms,
            listing: Default::default(),
            at: now,
        },
    )
    .await;
    send(
        bus,
        &Command::Schedule {
            auction_id: id,
            starts_at: now,
            ends_at: now + Span::hours(1),
            at: now,
        },
    )
    .await;
    send(
        bus,
        &Command::Open {
            auction_id: id,
            at: now,
        },
    )
    .await;
    id
}

fn bid(auction_id: AuctionId, bidder: UserId, amount: i64) -> Command {
    Command::PlaceBid {
        auction_id,
        bid_id: BidId::new(),
        bidder_id: bidder,
        amount: Amount::minor(amount),
        max_amount: None,
        received_at: Utc::now(),
    }
}

/// Runs an engine until `accepted` bids are accepted in all, then stops it cleanly.
async fn engine_until_accepted(setup: &Setup, bus: &Arc<dyn Bus>, accepted: i64) {
    let (stop, run) = engine(setup, bus);
    wait_count(
        &setup.pool,
        "SELECT count(*) FROM bids WHERE status = 'accepted'",
        accepted,
    )
    .await;
    stop.cancel();
    run.await.unwrap().unwrap();
}

/// Waits until `sql` (a count) returns `expected`.
async fn wait_count(pool: &PgPool, sql: &str, expected: i64) {
    let start = Instant::now();
    loop {
        let n: i64 = sqlx::query_scalar(sql).fetch_one(pool).await.unwrap();
        if n == expected {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{sql} stayed at {n}, expected {expected}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn bid_count(pool: &PgPool, id: AuctionId) -> i64 {
    let state: serde_json::Value =
        sqlx::query_scalar("SELECT state::json FROM engine_auctions WHERE auction_id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap();
    let state: bidding::domain::AuctionState = serde_json::from_value(state).unwrap();
    state.public().bid_count
}

#[tokio::test]
async fn a_command_seen_twice_is_applied_once() {
    let setup = database().await;
    let bus = bus().await;
    let id = open_auction(bus.as_ref(), UserId::new()).await;
    let twice = bid(id, UserId::new(), 1_000);
    send(bus.as_ref(), &twice).await;
    send(bus.as_ref(), &twice).await;
    send(bus.as_ref(), &bid(id, UserId::new(), 2_000)).await;
    engine_until_accepted(&setup, &bus, 2).await;
    assert_eq!(bid_count(&setup.pool, id).await, 2);
}

#[tokio::test]
async fn a_command_seen_again_after_its_decision_leaves_the_rest_of_its_batch_applied() {
    let setup = database().await;
    let bus = bus().await;
    let id = open_auction(bus.as_ref(), UserId::new()).await;
    let other = open_auction(bus.as_ref(), UserId::new()).await;
    let again = bid(id, UserId::new(), 1_000);
    send(bus.as_ref(), &again).await;
    engine_until_accepted(&setup, &bus, 1).await;

    // The copy arrives between new commands of both auctions, all read as one batch.
    send(bus.as_ref(), &bid(other, UserId::new(), 1_000)).await;
    send(bus.as_ref(), &again).await;
    send(bus.as_ref(), &bid(id, UserId::new(), 2_000)).await;
    engine_until_accepted(&setup, &bus, 3).await;
    assert_eq!(bid_count(&setup.pool, id).await, 2);
    assert_eq!(bid_count(&setup.pool, other).await, 1);
    let seqs: Vec<i64> = sqlx::query_scalar(
        "SELECT seq FROM bids WHERE auction_id = $1 AND status = 'accepted' ORDER BY seq",
    )
    .bind(id)
    .fetch_all(&setup.pool)
    .await
    .unwrap();
    assert_eq!(seqs.len(), 2);
    assert_eq!(seqs[1], seqs[0] + 1, "the copy took no seq");
    // Its bidder heard of it once: no second answer (a rejection of an accepted bid).
    let Command::PlaceBid { bid_id, .. } = again else {
        unreachable!()
    };
    let answers: Vec<EventKind> = all_events(bus.as_ref())
        .await
        .into_iter()
        .map(|e| e.kind)
        .filter(|k| {
            matches!(k, EventKind::BidAccepted { bid_id: b, .. }
                     | EventKind::BidRejected { bid_id: b, .. } if *b == bid_id)
        })
        .collect();
    assert_eq!(answers.len(), 1, "{answers:?}");
    assert!(matches!(answers[0], EventKind::BidAccepted { .. }));
}

/// Every event on the event topic so far, each once: the topic is delivered at least once
/// (a partition's new owner relays what the outbox still holds), so an event may repeat.
async fn all_events(bus: &dyn Bus) -> Vec<Event> {
    let mut events: Vec<Event> = Vec::new();
    for record in
        platform_bus::contract::read_topic(bus, EVENT_TOPIC, Duration::from_millis(300)).await
    {
        let event: Event = serde_json::from_slice(&record.payload).unwrap();
        if !events.contains(&event) {
            events.push(event);
        }
    }
    events
}

#[tokio::test]
async fn a_malformed_command_is_skipped_and_its_partition_moves_on() {
    let setup = database().await;
    let bus = bus().await;
    let id = open_auction(bus.as_ref(), UserId::new()).await;
    let key = id.to_string();
    bus.publish(COMMAND_TOPIC, key.as_bytes(), b"{not json")
        .await
        .unwrap();
    bus.publish(
        COMMAND_TOPIC,
        key.as_bytes(),
        br#"{"type":"place_bid","amount":"lots"}"#,
    )
    .await
    .unwrap();
    // A valid command whose key names another auction is not trusted either.
    let misrouted = bid(AuctionId::new(), UserId::new(), 5_000);
    bus.publish(
        COMMAND_TOPIC,
        key.as_bytes(),
        &serde_json::to_vec(&misrouted).unwrap(),
    )
    .await
    .unwrap();
    send(bus.as_ref(), &bid(id, UserId::new(), 1_000)).await;
    engine_until_accepted(&setup, &bus, 1).await;
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM bids")
        .fetch_one(&setup.pool)
        .await
        .unwrap();
    assert_eq!(total, 1, "nothing came of the bad records");
}

#[tokio::test]
async fn events_left_in_the_outbox_are_relayed_when_a_partition_is_taken_over() {
    let setup = database().await;
    let bus = bus().await;
    let id = AuctionId::new();
    let partition = partition_for_key(id.to_string().as_bytes(), PARTITIONS);
    let leftover = Event {
        auction_id: id,
        seq: 7,
        at: Utc::now(),
        kind: vocabulary::EventKind::Outbid {
            bidder_id: UserId::new(),
            current_price: Amount::minor(1_250),
        },
    };
    sqlx::query("INSERT INTO outbox_batches (partition, events) VALUES ($1, $2)")
        .bind(partition)
        .bind(serde_json::to_vec(&[&leftover]).unwrap())
        .execute(&setup.pool)
        .await
        .unwrap();
    let mut events = bus
        .subscribe(EVENT_TOPIC, "observer", StartFrom::Earliest)
        .await
        .unwrap();
    let (stop, run) = engine(&setup, &bus);
    let mut seen = Vec::new();
    let start = Instant::now();
    while seen.is_empty() && start.elapsed() < Duration::from_secs(10) {
        seen.extend(
            events
                .poll(10, Duration::from_millis(200))
                .await
                .unwrap()
                .records,
        );
    }
    stop.cancel();
    run.await.unwrap().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        serde_json::from_slice::<Event>(&seen[0].payload).unwrap(),
        leftover
    );
    wait_count(&setup.pool, "SELECT count(*) FROM outbox_batches", 0).await;
}

#[tokio::test]
async fn a_restarted_engine_applies_only_what_is_new() {
    let setup = database().await;
    let bus = bus().await;
    let id = open_auction(bus.as_ref(), UserId::new()).await;
    for amount in [1_000, 2_000] {
        send(bus.as_ref(), &bid(id, UserId::new(), amount)).await;
    }
    engine_until_accepted(&setup, &bus, 2).await;

    // A new engine on the same log resumes where Postgres says: nothing twice.
    send(bus.as_ref(), &bid(id, UserId::new(), 3_000)).await;
    engine_until_accepted(&setup, &bus, 3).await;
    assert_eq!(bid_count(&setup.pool, id).await, 3);
}

#[tokio::test]
async fn a_new_in_process_log_is_read_from_its_start_after_a_restart() {
    let setup = database().await;
    let before = bus().await;
    let id = open_auction(before.as_ref(), UserId::new()).await;
    for amount in [1_000, 2_000, 3_000] {
        send(before.as_ref(), &bid(id, UserId::new(), amount)).await;
    }
    engine_until_accepted(&setup, &before, 3).await;

    // The process restarts: its in-process log is new and empty, while Postgres still
    // holds the offsets of the old one. The first command of the new log sits at offset
    // 0, far below them, and must be applied, not skipped.
    let after = bus().await;
    send(after.as_ref(), &bid(id, UserId::new(), 4_000)).await;
    engine_until_accepted(&setup, &after, 4).await;
    assert_eq!(bid_count(&setup.pool, id).await, 4);
}

#[tokio::test]
async fn two_engines_share_the_partitions_and_apply_every_command_once() {
    let setup = database().await;
    let bus = bus().await;
    let mut auctions = Vec::new();
    for _ in 0..8 {
        auctions.push(open_auction(bus.as_ref(), UserId::new()).await);
    }
    let (stop_a, run_a) = engine(&setup, &bus);
    let (stop_b, run_b) = engine(&setup, &bus);
    for round in 0..25i64 {
        for id in &auctions {
            send(
                bus.as_ref(),
                &bid(*id, UserId::new(), 1_000 + round * 1_000),
            )
            .await;
        }
    }
    wait_count(
        &setup.pool,
        "SELECT count(*) FROM bids WHERE status = 'accepted'",
        200,
    )
    .await;
    // One engine leaves; the other takes its partitions and carries on.
    stop_a.cancel();
    run_a.await.unwrap().unwrap();
    for id in &auctions {
        send(bus.as_ref(), &bid(*id, UserId::new(), 100_000)).await;
    }
    wait_count(
        &setup.pool,
        "SELECT count(*) FROM bids WHERE status = 'accepted'",
        208,
    )
    .await;
    stop_b.cancel();
    run_b.await.unwrap().unwrap();
    for id in &auctions {
        assert_eq!(bid_count(&setup.pool, *id).await, 26);
    }
}

mod batch_write {
    //! `store::engine::persist` on its own: a batch is stored whole, or not at all when
    //! another engine moved one of its partitions.
    use super::*;
    use bidding::store::engine::{persist, BatchWrite, OffsetAdvance, OutcomeRow, Persisted};

    const LOG: &str = "log-a";

    fn write(offsets: &[(i32, Option<i64>, i64)]) -> BatchWrite {
        let auction_id = AuctionId::new();
        BatchWrite {
            outcomes: vec![OutcomeRow {
                bid_id: BidId::new(),
                auction_id,
                bidder_id: UserId::new(),
                kind: "bid",
                amount: Some(Amount::minor(1_000)),
                max_amount: None,
                accepted: true,
                reason: None,
                seq: Some(2),
                received_at: Utc::now(),
            }],
            states: vec![(
                auction_id,
                Some(UserId::new()),
                serde_json::json!({"seq": 2}).to_string(),
            )],
            offsets: offsets
                .iter()
                .map(|&(partition, from, to)| OffsetAdvance {
                    partition,
                    from,
                    to,
                })
                .collect(),
            events: vec![
                (offsets[0].0, auction_id, br#"{"n":1}"#.to_vec()),
                (offsets[0].0, auction_id, br#"{"n":2}"#.to_vec()),
            ],
        }
    }

    async fn stored(pool: &PgPool) -> (Vec<(i32, i64, String)>, i64, i64, i64) {
        let offsets = sqlx::query_as(
            "SELECT partition, next_offset, log_identity FROM engine_offsets ORDER BY partition",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let count = |table: &'static str| async move {
            sqlx::query_scalar::<_, i64>(&format!("SELECT count(*) FROM {table}"))
                .fetch_one(pool)
                .await
                .unwrap()
        };
        (
            offsets,
            count("bids").await,
            count("engine_auctions").await,
            count("outbox_batches").await,
        )
    }

    async fn persisted(pool: &PgPool, batch: &BatchWrite, log: &str) -> Persisted {
        persist(pool, COMMAND_TOPIC, log, batch).await.unwrap()
    }

    #[tokio::test]
    async fn a_batch_is_stored_whole_and_moves_every_offset() {
        let setup = database().await;
        let first = write(&[(0, None, 5), (1, None, 3)]);
        let Persisted::Committed(ids) = persisted(&setup.pool, &first, LOG).await else {
            panic!("a first batch is stored");
        };
        assert_eq!(ids.len(), 1, "one outbox row per partition with events");
        let next = write(&[(0, Some(5), 9), (2, None, 1)]);
        assert!(matches!(
            persisted(&setup.pool, &next, LOG).await,
            Persisted::Committed(_)
        ));
        let (offsets, bids, states, outbox) = stored(&setup.pool).await;
        assert_eq!(
            offsets,
            vec![
                (0, 9, LOG.to_owned()),
                (1, 3, LOG.to_owned()),
                (2, 1, LOG.to_owned())
            ]
        );
        assert_eq!((bids, states, outbox), (2, 2, 2));
        let events: Vec<u8> = sqlx::query_scalar("SELECT events FROM outbox_batches WHERE id = $1")
            .bind(ids[0])
            .fetch_one(&setup.pool)
            .await
            .unwrap();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&events).unwrap(),
            serde_json::json!([{"n": 1}, {"n": 2}])
        );
    }

    #[tokio::test]
    async fn a_moved_partition_fences_the_whole_batch_off() {
        let setup = database().await;
        let first = write(&[(0, None, 5), (1, None, 3)]);
        assert!(matches!(
            persisted(&setup.pool, &first, LOG).await,
            Persisted::Committed(_)
        ));
        let before = stored(&setup.pool).await;

        // Partition 0 is where this engine left it, partition 1 is not: nothing moves.
        let stale = write(&[(0, Some(5), 8), (1, Some(2), 4)]);
        assert!(matches!(
            persisted(&setup.pool, &stale, LOG).await,
            Persisted::Fenced(1)
        ));
        assert_eq!(stored(&setup.pool).await, before);

        // A first offset for a partition this log already stored is another engine's.
        let late = write(&[(0, Some(5), 8), (1, None, 4)]);
        assert!(matches!(
            persisted(&setup.pool, &late, LOG).await,
            Persisted::Fenced(1)
        ));
        assert_eq!(stored(&setup.pool).await, before);
    }

    #[tokio::test]
    async fn offsets_of_another_log_are_replaced_by_a_first_batch() {
        let setup = database().await;
        let old = write(&[(0, None, 50)]);
        assert!(matches!(
            persisted(&setup.pool, &old, "log-old").await,
            Persisted::Committed(_)
        ));
        let new = write(&[(0, None, 2)]);
        assert!(matches!(
            persisted(&setup.pool, &new, LOG).await,
            Persisted::Committed(_)
        ));
        let (offsets, bids, _, _) = stored(&setup.pool).await;
        assert_eq!(offsets, vec![(0, 2, LOG.to_owned())]);
        assert_eq!(bids, 2);
    }
}
