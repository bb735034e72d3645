//! The one writer of the journal. Publishes arrive in the order they were issued; the
//! writer takes whatever is waiting (up to [`MAX_BATCH`]), gives each record the next
//! offset of its partition, stores them all in one insert, appends them to the in-process
//! log in the same order, and only then answers each publish. One insert per batch keeps
//! the journal cheap under load (one statement, one commit, one WAL flush for hundreds of
//! records) and adds no wait when there is no load.
//!
//! When an insert fails its records are not acknowledged, but it may have committed all
//! the same (the answer was lost): before the next batch the writer reads back what the
//! journal holds beyond the in-process log, so the two never disagree about an offset.

use crate::memory::MemoryBus;
use anyhow::Context;
use sqlx::PgPool;
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};
use tokio::sync::{mpsc, oneshot};

/// Most records stored in one insert.
const MAX_BATCH: usize = 1024;

pub(super) struct Append {
    pub topic: String,
    pub partition: i32,
    pub key: Vec<u8>,
    pub payload: Vec<u8>,
    pub headers: crate::Headers,
    /// `headers` as the journal stores them.
    pub stored_headers: Option<Vec<u8>>,
    pub done: oneshot::Sender<anyhow::Result<i64>>,
}

pub(super) async fn write_all(
    pool: PgPool,
    memory: MemoryBus,
    mut appends: mpsc::UnboundedReceiver<Append>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut unsure: BTreeSet<(String, i32)> = BTreeSet::new();
    while appends.recv_many(&mut batch, MAX_BATCH).await > 0 {
        if !unsure.is_empty() {
            match catch_up(&pool, &memory, &unsure).await {
                Ok(()) => unsure.clear(),
                Err(e) => {
                    let message = format!("{e:#}");
                    tracing::warn!(error = %message, "reading back the journal failed");
                    for append in batch.drain(..) {
                        let _ = append.done.send(Err(anyhow::anyhow!("{message}")));
                    }
                    continue;
                }
            }
        }
        match write(&pool, &memory, &batch).await {
            Ok(offsets) => {
                for (append, offset) in batch.drain(..).zip(offsets) {
                    let appended = memory.append(
                        &append.topic,
                        append.partition,
                        append.key,
                        append.payload,
                        append.headers,
                    );
                    let answer = match appended {
                        Ok(got) if got == offset => Ok(offset),
                        Ok(got) => Err(anyhow::anyhow!(
                            "the journal stored offset {offset} but the log appended {got}"
                        )),
                        Err(e) => Err(e),
                    };
                    let _ = append.done.send(answer);
                }
            }
            Err(e) => {
                let message = format!("{e:#}");
                tracing::warn!(error = %message, "storing records in the journal failed");
                for append in batch.drain(..) {
                    unsure.insert((append.topic.clone(), append.partition));
                    let _ = append.done.send(Err(anyhow::anyhow!("{message}")));
                }
            }
        }
    }
}

/// Stores `batch` in one insert; returns each record's offset, in order.
async fn write(pool: &PgPool, memory: &MemoryBus, batch: &[Append]) -> anyhow::Result<Vec<i64>> {
    let mut next: HashMap<(&str, i32), i64> = HashMap::new();
    let mut topics = Vec::with_capacity(batch.len());
    let mut partitions = Vec::with_capacity(batch.len());
    let mut offsets = Vec::with_capacity(batch.len());
    let mut keys = Vec::with_capacity(batch.len());
    let mut payloads = Vec::with_capacity(batch.len());
    let mut headers = Vec::with_capacity(batch.len());
    for append in batch {
        let slot = (append.topic.as_str(), append.partition);
        let offset = match next.entry(slot) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(first) => {
                first.insert(memory.end_offset(&append.topic, append.partition)?)
            }
        };
        offsets.push(*offset);
        *offset += 1;
        topics.push(append.topic.as_str());
        partitions.push(append.partition);
        keys.push(append.key.as_slice());
        payloads.push(append.payload.as_slice());
        headers.push(append.stored_headers.as_deref());
    }
    sqlx::query(
        r#"INSERT INTO records (topic, partition, "offset", key, payload, headers)
           SELECT * FROM UNNEST($1::text[], $2::int[], $3::bigint[], $4::bytea[], $5::bytea[],
                                $6::bytea[])"#,
    )
    .bind(&topics)
    .bind(&partitions)
    .bind(&offsets)
    .bind(&keys)
    .bind(&payloads)
    .bind(&headers)
    .execute(pool)
    .await
    .context("storing records in the journal")?;
    Ok(offsets)
}

/// Appends to the in-process log what the journal holds beyond it on `partitions`.
async fn catch_up(
    pool: &PgPool,
    memory: &MemoryBus,
    partitions: &BTreeSet<(String, i32)>,
) -> anyhow::Result<()> {
    for (topic, partition) in partitions {
        let end = memory.end_offset(topic, *partition)?;
        let rows: Vec<super::StoredRecord> = sqlx::query_as(
            r#"SELECT "offset", key, payload, headers FROM records
               WHERE topic = $1 AND partition = $2 AND "offset" >= $3 ORDER BY "offset""#,
        )
        .bind(topic)
        .bind(partition)
        .bind(end)
        .fetch_all(pool)
        .await?;
        for (offset, key, payload, headers) in rows {
            let headers = super::headers::decode(headers.as_deref())?;
            let got = memory.append(topic, *partition, key, payload, headers)?;
            anyhow::ensure!(
                got == offset,
                "the journal and the log disagree at {offset}"
            );
        }
    }
    Ok(())
}
