//! A member of a consumer group on the journaled log: reads from the in-process log, and
//! stores every commit in the journal before it returns.

use crate::{Batch, Subscription};
use anyhow::Context;
use async_trait::async_trait;
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::time::Duration;

pub(super) struct JournalSubscription {
    inner: Box<dyn Subscription>,
    pool: PgPool,
    topic: String,
    group: String,
}

impl JournalSubscription {
    pub fn new(inner: Box<dyn Subscription>, pool: PgPool, topic: &str, group: &str) -> Self {
        Self {
            inner,
            pool,
            topic: topic.to_owned(),
            group: group.to_owned(),
        }
    }
}

#[async_trait]
impl Subscription for JournalSubscription {
    async fn poll(&mut self, max: usize, wait: Duration) -> anyhow::Result<Batch> {
        self.inner.poll(max, wait).await
    }

    async fn seek(&mut self, partition: i32, offset: i64) -> anyhow::Result<()> {
        self.inner.seek(partition, offset).await
    }

    /// The in-process group checks the commit (owned partitions, offsets not negative)
    /// and takes it; the journal then keeps it for the next start.
    async fn commit(&mut self, offsets: &[(i32, i64)]) -> anyhow::Result<()> {
        if offsets.is_empty() {
            return Ok(());
        }
        self.inner.commit(offsets).await?;
        // One row per partition (the last offset given for it wins, as in the group).
        let newest: BTreeMap<i32, i64> = offsets.iter().copied().collect();
        let (partitions, nexts): (Vec<i32>, Vec<i64>) = newest.into_iter().unzip();
        sqlx::query(
            "INSERT INTO committed (topic, grp, partition, next_offset)
             SELECT $1, $2, p, n FROM UNNEST($3::int[], $4::bigint[]) AS t(p, n)
             ON CONFLICT (topic, grp, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset",
        )
        .bind(&self.topic)
        .bind(&self.group)
        .bind(&partitions)
        .bind(&nexts)
        .execute(&self.pool)
        .await
        .context("storing committed offsets in the journal")?;
        Ok(())
    }

    fn assignment(&self) -> Vec<i32> {
        self.inner.assignment()
    }

    async fn close(self: Box<Self>) -> anyhow::Result<()> {
        self.inner.close().await
    }
}
