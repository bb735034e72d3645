//! Topic and group names under a prefix, so several platforms (or test runs) can share one
//! broker without seeing each other's records: `kafka://host:9092?namespace=staging` puts
//! `auction.commands` at `staging.auction.commands` and the group `bidding-engine` at
//! `staging.bidding-engine`. Services keep using the plain names.

use crate::{Batch, Bus, Pace, StartFrom, Subscription};
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

pub struct Namespaced {
    inner: Arc<dyn Bus>,
    prefix: String,
}

impl Namespaced {
    pub fn new(inner: Arc<dyn Bus>, namespace: &str) -> anyhow::Result<Self> {
        anyhow::ensure!(
            !namespace.is_empty()
                && namespace
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "bus namespace {namespace:?} must be letters, digits, '-' or '_'"
        );
        Ok(Self {
            inner,
            prefix: format!("{namespace}."),
        })
    }

    fn name(&self, plain: &str) -> String {
        format!("{}{plain}", self.prefix)
    }
}

#[async_trait]
impl Bus for Namespaced {
    async fn ensure_topic(&self, topic: &str, partitions: i32) -> anyhow::Result<()> {
        self.inner.ensure_topic(&self.name(topic), partitions).await
    }

    async fn publish_with_headers(
        &self,
        topic: &str,
        key: &[u8],
        payload: &[u8],
        headers: &[(&str, &[u8])],
    ) -> anyhow::Result<(i32, i64)> {
        self.inner
            .publish_with_headers(&self.name(topic), key, payload, headers)
            .await
    }

    async fn subscribe_at(
        &self,
        topic: &str,
        group: &str,
        start: StartFrom,
        pace: Pace,
    ) -> anyhow::Result<Box<dyn Subscription>> {
        let inner = self
            .inner
            .subscribe_at(&self.name(topic), &self.name(group), start, pace)
            .await?;
        Ok(Box::new(NamespacedSubscription {
            inner,
            prefix_len: self.prefix.len(),
        }))
    }

    async fn partition_count(&self, topic: &str) -> anyhow::Result<i32> {
        self.inner.partition_count(&self.name(topic)).await
    }

    async fn ping(&self) -> anyhow::Result<()> {
        self.inner.ping().await
    }

    fn log_identity(&self) -> String {
        self.inner.log_identity()
    }
}

struct NamespacedSubscription {
    inner: Box<dyn Subscription>,
    prefix_len: usize,
}

#[async_trait]
impl Subscription for NamespacedSubscription {
    async fn poll(&mut self, max: usize, wait: Duration) -> anyhow::Result<Batch> {
        let mut batch = self.inner.poll(max, wait).await?;
        for record in &mut batch.records {
            record
                .topic
                .drain(..self.prefix_len.min(record.topic.len()));
        }
        Ok(batch)
    }

    async fn seek(&mut self, partition: i32, offset: i64) -> anyhow::Result<()> {
        self.inner.seek(partition, offset).await
    }

    async fn commit(&mut self, offsets: &[(i32, i64)]) -> anyhow::Result<()> {
        self.inner.commit(offsets).await
    }

    fn assignment(&self) -> Vec<i32> {
        self.inner.assignment()
    }

    async fn close(self: Box<Self>) -> anyhow::Result<()> {
        self.inner.close().await
    }
}
