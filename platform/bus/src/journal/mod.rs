//! The embedded adapter: the in-process log of [`crate::memory`], journaled in PostgreSQL
//! (schema `bus`), so that the one-process platform keeps the bus port's first promise
//! too: `publish` returns once the record is durable. A process killed with records
//! published but not yet consumed finds them again when it restarts, with the same
//! offsets, and every consumer group resumes at the offset it committed.
//!
//! How:
//! * Publishes go through one writer ([`writer`]) that stores a batch of them in one
//!   insert, then appends them to the in-process log in the same order and only then
//!   answers; consumers read from memory, never from the journal.
//! * Commits are stored with the group's offsets before they return.
//! * At start the journal is read back: topics, committed offsets, and every record some
//!   group has not committed past.
//! * Retention follows the in-process log's: a record is deleted once every group of its
//!   topic committed past it (the newest record of a partition stays, it tells where the
//!   partition ends). A group without members that has not come back for
//!   [`Settings::empty_group_retention`] (ten minutes) is forgotten, as Kafka expires the offsets of an empty
//!   group, so that a group named for one start only does not hold the log for good.
//! * One process owns a journal: it holds a PostgreSQL advisory lock for as long as it
//!   runs, and a second one waits for it, then gives up with an error.

mod headers;
mod subscription;
mod writer;

use crate::memory::MemoryBus;
use crate::{Bus, Pace, StartFrom, Subscription};
use anyhow::Context;
use async_trait::async_trait;
use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// How the journal keeps house.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// How long a consumer group without members keeps its offsets (and the records it
    /// has not read) before it is forgotten.
    pub empty_group_retention: Duration,
    /// How often consumed records are deleted from the journal.
    pub retention_every: Duration,
    /// How long a start waits for another process to let go of the journal.
    pub owner_wait: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            empty_group_retention: Duration::from_secs(10 * 60),
            retention_every: Duration::from_secs(5),
            owner_wait: Duration::from_secs(30),
        }
    }
}
/// Advisory-lock key of the journal's owner ("bus" and a number).
const OWNER_LOCK: i64 = 0x0062_7573_0000_0001;

/// A record as the journal's `records` table returns it: offset, key, payload, headers.
type StoredRecord = (i64, Vec<u8>, Vec<u8>, Option<Vec<u8>>);

/// The journal's schema, for the composition root to run in schema `bus`.
pub fn migrator() -> sqlx::migrate::Migrator {
    sqlx::migrate!("./migrations")
}

/// The in-process log, journaled. Cloning shares the log.
#[derive(Clone)]
pub struct JournalBus {
    memory: MemoryBus,
    pool: PgPool,
    identity: String,
    appends: mpsc::UnboundedSender<writer::Append>,
    /// Ends the writer and the retention task, and lets go of the journal, once the last
    /// clone is dropped.
    _owner: Arc<Owner>,
}

struct Owner {
    stop: CancellationToken,
}

impl Drop for Owner {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

impl JournalBus {
    /// Takes the journal in `pool` (whose connections use the schema [`migrator`] set up),
    /// and reads back what an earlier process left in it.
    pub async fn open(pool: PgPool) -> anyhow::Result<Self> {
        Self::open_with(pool, Settings::default()).await
    }

    /// [`JournalBus::open`] with other [`Settings`].
    pub async fn open_with(pool: PgPool, settings: Settings) -> anyhow::Result<Self> {
        let stop = CancellationToken::new();
        let owner = own(&pool, settings.owner_wait).await?;
        tokio::spawn(hold(owner, stop.clone()));
        // From here on a failed start lets go of the journal again (dropping the owner
        // ends the hold), so a retry in this process can take it.
        let owner = Owner { stop };

        let identity = identity(&pool).await?;
        let memory = MemoryBus::new();
        let restored = restore(&pool, &memory).await?;
        tracing::info!(records = restored, "the embedded log read back its journal");
        let stop = owner.stop.clone();

        let (appends, rx) = mpsc::unbounded_channel();
        tokio::spawn(writer::write_all(pool.clone(), memory.clone(), rx));
        tokio::spawn(retain(pool.clone(), memory.clone(), settings, stop));
        Ok(Self {
            memory,
            pool,
            identity,
            appends,
            _owner: Arc::new(owner),
        })
    }
}

/// A connection of its own holding the owner's lock; waits up to `wait` for another
/// process to let go.
async fn own(pool: &PgPool, wait: Duration) -> anyhow::Result<PgConnection> {
    let mut conn = pool
        .acquire()
        .await
        .context("connecting to the journal")?
        .detach();
    let deadline = Instant::now() + wait;
    loop {
        let owned: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(OWNER_LOCK)
            .fetch_one(&mut conn)
            .await?;
        if owned {
            return Ok(conn);
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "another process holds this database's embedded log (schema bus); one process \
             runs on it at a time (use kafka:// for several)"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Keeps the owner's session open until `stop`; the lock ends with the session (also when
/// the process is killed).
async fn hold(mut conn: PgConnection, stop: CancellationToken) {
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tokio::time::sleep(Duration::from_secs(30)) => {
                if let Err(e) = sqlx::query("SELECT 1").execute(&mut conn).await {
                    tracing::error!(error = %e, "the embedded log lost its hold on the journal");
                    break;
                }
            }
        }
    }
    let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(OWNER_LOCK)
        .execute(&mut conn)
        .await;
}

async fn identity(pool: &PgPool) -> anyhow::Result<String> {
    let fresh = format!("journal-{}", uuid::Uuid::new_v4().simple());
    sqlx::query("INSERT INTO log_identity (identity) VALUES ($1) ON CONFLICT DO NOTHING")
        .bind(&fresh)
        .execute(pool)
        .await?;
    Ok(sqlx::query_scalar("SELECT identity FROM log_identity")
        .fetch_one(pool)
        .await?)
}

/// Rebuilds the in-process log from the journal; returns how many records it read.
async fn restore(pool: &PgPool, memory: &MemoryBus) -> anyhow::Result<usize> {
    let topics: Vec<(String, i32)> = sqlx::query_as("SELECT topic, partitions FROM topics")
        .fetch_all(pool)
        .await
        .context("reading the journal's topics")?;
    for (topic, partitions) in &topics {
        memory.ensure_topic(topic, *partitions).await?;
    }
    let committed: Vec<(String, String, i32, i64)> =
        sqlx::query_as("SELECT topic, grp, partition, next_offset FROM committed")
            .fetch_all(pool)
            .await
            .context("reading the journal's committed offsets")?;
    for (topic, group, partition, next) in &committed {
        if let Err(e) = memory.restore_committed(topic, group, *partition, *next) {
            tracing::warn!(error = %e, topic, group, "a committed offset of the journal was not restored");
        }
    }
    let mut restored = 0;
    for (topic, partition, floor) in memory.floors() {
        // Every group has committed past `floor`; without one, all that is kept.
        let rows: Vec<StoredRecord> = sqlx::query_as(
            r#"SELECT "offset", key, payload, headers FROM records
               WHERE topic = $1 AND partition = $2 AND "offset" >= $3 ORDER BY "offset""#,
        )
        .bind(&topic)
        .bind(partition)
        .bind(floor.unwrap_or(0))
        .fetch_all(pool)
        .await
        .context("reading the journal's records")?;
        let start = match rows.first() {
            Some((first, ..)) => *first,
            // Nothing at or after the floor: the partition ends just after its newest.
            None => {
                let newest: Option<i64> = sqlx::query_scalar(
                    r#"SELECT max("offset") FROM records WHERE topic = $1 AND partition = $2"#,
                )
                .bind(&topic)
                .bind(partition)
                .fetch_one(pool)
                .await?;
                newest.map_or(0, |n| n + 1)
            }
        };
        anyhow::ensure!(
            rows.iter()
                .zip(start..)
                .all(|((offset, ..), want)| *offset == want),
            "the journal of {topic:?} partition {partition} has a gap"
        );
        restored += rows.len();
        let records = rows
            .into_iter()
            .map(|(_, key, payload, headers)| {
                Ok((key, payload, headers::decode(headers.as_deref())?))
            })
            .collect::<anyhow::Result<_>>()
            .with_context(|| format!("reading the headers of {topic:?} partition {partition}"))?;
        memory.restore(&topic, partition, start, records)?;
    }
    Ok(restored)
}

/// Deletes from the journal what every group committed past, every
/// [`Settings::retention_every`].
async fn retain(pool: PgPool, memory: MemoryBus, settings: Settings, stop: CancellationToken) {
    let mut deleted_below: HashMap<(String, i32), i64> = HashMap::new();
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(settings.retention_every) => {}
        }
        for (topic, group) in memory.expire_empty_groups(settings.empty_group_retention) {
            tracing::info!(
                topic,
                group,
                "forgetting a consumer group that has no members"
            );
            if let Err(e) = sqlx::query("DELETE FROM committed WHERE topic = $1 AND grp = $2")
                .bind(&topic)
                .bind(&group)
                .execute(&pool)
                .await
            {
                tracing::warn!(error = %e, "forgetting a consumer group's offsets failed");
            }
        }
        let mut topics = Vec::new();
        let mut partitions = Vec::new();
        let mut below = Vec::new();
        for (topic, partition, floor) in memory.floors() {
            let Some(floor) = floor else { continue };
            if deleted_below.get(&(topic.clone(), partition)) >= Some(&floor) {
                continue;
            }
            topics.push(topic);
            partitions.push(partition);
            below.push(floor);
        }
        if topics.is_empty() {
            continue;
        }
        // The newest record of a partition stays: it tells where the partition ends.
        let done = sqlx::query(
            r#"DELETE FROM records r
               USING UNNEST($1::text[], $2::int[], $3::bigint[]) AS f(topic, partition, below)
               WHERE r.topic = f.topic AND r.partition = f.partition AND r."offset" < f.below
                 AND r."offset" < (SELECT max(n."offset") FROM records n
                                   WHERE n.topic = f.topic AND n.partition = f.partition)"#,
        )
        .bind(&topics)
        .bind(&partitions)
        .bind(&below)
        .execute(&pool)
        .await;
        match done {
            Ok(_) => {
                for ((topic, partition), floor) in topics.into_iter().zip(partitions).zip(below) {
                    deleted_below.insert((topic, partition), floor);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "deleting consumed records from the journal failed")
            }
        }
    }
}

#[async_trait]
impl Bus for JournalBus {
    async fn ensure_topic(&self, topic: &str, partitions: i32) -> anyhow::Result<()> {
        self.memory.ensure_topic(topic, partitions).await?;
        let count = self.memory.partition_count(topic).await?;
        sqlx::query(
            "INSERT INTO topics (topic, partitions) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(topic)
        .bind(count)
        .execute(&self.pool)
        .await
        .context("storing a topic in the journal")?;
        Ok(())
    }

    async fn publish_with_headers(
        &self,
        topic: &str,
        key: &[u8],
        payload: &[u8],
        headers: &[(&str, &[u8])],
    ) -> anyhow::Result<(i32, i64)> {
        let partition = self.memory.partition_of(topic, key)?;
        let owned = crate::memory::owned(headers);
        let (done, answer) = tokio::sync::oneshot::channel();
        self.appends
            .send(writer::Append {
                topic: topic.to_owned(),
                partition,
                key: key.to_vec(),
                payload: payload.to_vec(),
                stored_headers: headers::encode(&owned)?,
                headers: owned,
                done,
            })
            .map_err(|_| anyhow::anyhow!("the embedded log's writer stopped"))?;
        let offset = answer
            .await
            .map_err(|_| anyhow::anyhow!("the embedded log's writer stopped"))??;
        Ok((partition, offset))
    }

    async fn subscribe_at(
        &self,
        topic: &str,
        group: &str,
        start: StartFrom,
        pace: Pace,
    ) -> anyhow::Result<Box<dyn Subscription>> {
        let inner = self.memory.subscribe_at(topic, group, start, pace).await?;
        Ok(Box::new(subscription::JournalSubscription::new(
            inner,
            self.pool.clone(),
            topic,
            group,
        )))
    }

    async fn partition_count(&self, topic: &str) -> anyhow::Result<i32> {
        self.memory.partition_count(topic).await
    }

    async fn ping(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .context("the embedded log's journal does not answer")?;
        Ok(())
    }

    fn log_identity(&self) -> String {
        self.identity.clone()
    }
}
