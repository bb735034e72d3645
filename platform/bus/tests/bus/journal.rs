//! The contract suite against the journaled in-process log (a fresh database each), and
//! what only the journal promises: a new process on the same database finds the records,
//! the committed offsets and the log's identity as the old one left them.

use async_trait::async_trait;
use platform_bus::contract::{
    first_halves, not_committed, publish_many, unique, Deadline, Member, PATIENCE, STEP,
};
use platform_bus::journal::{JournalBus, Settings};
use platform_bus::{Bus, Pace, StartFrom, Subscription};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use testkit::TestDatabase;

/// A journal in a database of its own, which goes when the bus does.
struct Journaled {
    bus: JournalBus,
    _database: TestDatabase,
}

#[async_trait]
impl Bus for Journaled {
    async fn ensure_topic(&self, topic: &str, partitions: i32) -> anyhow::Result<()> {
        self.bus.ensure_topic(topic, partitions).await
    }
    async fn publish_with_headers(
        &self,
        topic: &str,
        key: &[u8],
        payload: &[u8],
        headers: &[(&str, &[u8])],
    ) -> anyhow::Result<(i32, i64)> {
        self.bus
            .publish_with_headers(topic, key, payload, headers)
            .await
    }
    async fn subscribe_at(
        &self,
        topic: &str,
        group: &str,
        start: StartFrom,
        pace: Pace,
    ) -> anyhow::Result<Box<dyn Subscription>> {
        self.bus.subscribe_at(topic, group, start, pace).await
    }
    async fn partition_count(&self, topic: &str) -> anyhow::Result<i32> {
        self.bus.partition_count(topic).await
    }
    async fn ping(&self) -> anyhow::Result<()> {
        self.bus.ping().await
    }
    fn log_identity(&self) -> String {
        self.bus.log_identity()
    }
}

/// Settings whose housekeeping happens within a test's patience.
fn quick() -> Settings {
    Settings {
        empty_group_retention: Duration::from_millis(300),
        retention_every: Duration::from_millis(100),
        owner_wait: Duration::from_secs(5),
    }
}

async fn pool(database: &TestDatabase) -> PgPool {
    let pool = platform_core::db::connect(database.url(), "bus", 4)
        .await
        .expect("connect to the test database");
    platform_bus::journal::migrator()
        .run(&pool)
        .await
        .expect("the journal's migrations");
    pool
}

async fn open(database: &TestDatabase) -> JournalBus {
    JournalBus::open_with(pool(database).await, quick())
        .await
        .expect("open the journal")
}

async fn journaled() -> Arc<dyn Bus> {
    let database = TestDatabase::create("bus").await;
    let bus = open(&database).await;
    Arc::new(Journaled {
        bus,
        _database: database,
    })
}

platform_bus::contract_suite!(journaled());

/// Rows the journal holds for `topic`.
async fn journal_rows(database: &TestDatabase, topic: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM records WHERE topic = $1")
        .bind(topic)
        .fetch_one(&pool(database).await)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_process_finds_the_log_as_the_old_one_left_it() {
    let database = TestDatabase::create("bus").await;
    let first: Arc<dyn Bus> = Arc::new(open(&database).await);
    let identity = first.log_identity();
    let topic = unique("restart");
    first.ensure_topic(&topic, 4).await.unwrap();
    let mut published = publish_many(&first, &topic, 6, 60).await;
    let (partition, offset) = first
        .publish_with_headers(&topic, b"key-0", b"with headers", &[("origin", b"test")])
        .await
        .unwrap();
    published.push(platform_bus::Record {
        topic: topic.clone(),
        partition,
        offset,
        key: b"key-0".to_vec(),
        payload: b"with headers".to_vec(),
        headers: vec![("origin".to_owned(), b"test".to_vec())],
    });

    // One group reads everything and commits each partition's first half; another never
    // joins in this life.
    let group = unique("group");
    let mut reader = Member::join(&first, &topic, &group, StartFrom::Earliest, false).await;
    reader
        .until("all 61 are read", |m| m.records.len() >= 61)
        .await;
    let commits = first_halves(&published);
    reader.sub.commit(&commits).await.unwrap();
    // The process ends without leaving its group: nothing is said to the journal.
    drop(reader);
    drop(first);

    let second: Arc<dyn Bus> = Arc::new(open(&database).await);
    assert_eq!(
        second.log_identity(),
        identity,
        "the same log, not a new one"
    );
    assert_eq!(second.partition_count(&topic).await.unwrap(), 4);
    let rest = not_committed(&published, &commits);
    let mut resumed = Member::join(&second, &topic, &group, StartFrom::Earliest, false).await;
    resumed
        .until("the uncommitted rest is read", |m| {
            m.records.len() >= rest.len()
        })
        .await;
    platform_bus::contract::assert_exactly_once(&resumed.records, &rest);

    // Offsets go on from where the old log ended.
    let more = publish_many(&second, &topic, 6, 12).await;
    for record in &more {
        let before = published
            .iter()
            .filter(|r| r.partition == record.partition)
            .map(|r| r.offset)
            .max();
        assert!(
            before.is_none_or(|b| record.offset > b),
            "offset {} reused",
            record.offset
        );
    }
    resumed
        .until("the new records are read too", |m| {
            m.records.len() >= rest.len() + 12
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_every_group_read_leave_the_journal_and_a_gone_group_is_forgotten() {
    let database = TestDatabase::create("bus").await;
    let bus: Arc<dyn Bus> = Arc::new(open(&database).await);
    let topic = unique("retention");
    bus.ensure_topic(&topic, 1).await.unwrap();
    publish_many(&bus, &topic, 1, 20).await;

    // A group that read everything but left lets the records go only once it is
    // forgotten; the one that stays has committed all.
    let mut gone = Member::join(&bus, &topic, &unique("gone"), StartFrom::Earliest, false).await;
    gone.until("20 read", |m| m.records.len() >= 20).await;
    gone.sub.commit(&[(0, 10)]).await.unwrap();
    gone.close().await;
    let mut staying = Member::join(&bus, &topic, &unique("stay"), StartFrom::Earliest, false).await;
    staying.until("20 read", |m| m.records.len() >= 20).await;
    staying.sub.commit(&[(0, 20)]).await.unwrap();

    let deadline = Deadline::after(PATIENCE, "the journal keeps only the newest record");
    // The newest record stays: it tells where the partition ends.
    while journal_rows(&database, &topic).await > 1 {
        deadline.check();
        tokio::time::sleep(STEP).await;
    }
    drop(staying);
    drop(bus);

    // A restart carries on after the newest record, though the journal kept only it.
    let again: Arc<dyn Bus> = Arc::new(open(&database).await);
    let (_, offset) = again.publish(&topic, b"k", b"after").await.unwrap();
    assert_eq!(offset, 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_process_owns_a_journal_at_a_time() {
    let database = TestDatabase::create("bus").await;
    let first = open(&database).await;
    let settings = Settings {
        owner_wait: Duration::from_millis(300),
        ..quick()
    };
    let refused = JournalBus::open_with(pool(&database).await, settings)
        .await
        .err()
        .expect("a second owner is refused");
    assert!(
        refused.to_string().contains("another process"),
        "{refused:#}"
    );
    drop(first);
    JournalBus::open_with(pool(&database).await, quick())
        .await
        .expect("once the first is gone the journal is free");
}
