//! The bus port: a durable, partitioned, keyed log with consumer groups — the shape of
//! Kafka, which is the production adapter. The in-process adapter has the same semantics
//! so the single-process platform and the tests behave like production.
//!
//! Promises every adapter keeps (the contract suite in [`contract`] checks them):
//! * `publish` returns only once the record is durably appended (for Kafka: `acks=all`,
//!   idempotent producer), and records with the same key land in one partition, in
//!   publish order. A record's headers travel with it, in order.
//! * A subscription in a consumer group owns a subset of the partitions; the members of a
//!   group split the partitions between them and a rebalance moves partitions when members
//!   come and go. Assignment changes are reported in [`Batch::assigned`] / [`Batch::revoked`]
//!   before any record of a newly assigned partition.
//! * A new member starts each partition at the group's committed offset (or at the start
//!   the subscription asked for when there is none). Offsets are committed only by
//!   [`Subscription::commit`], so anything read but not committed is delivered again.

use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

pub mod contract;
#[cfg(feature = "journal")]
pub mod journal;
#[cfg(feature = "kafka")]
pub mod kafka;
pub mod memory;
pub mod namespace;

/// A record as stored in the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub key: Vec<u8>,
    pub payload: Vec<u8>,
    /// Named values beside the payload, in the order they were published (Kafka's record
    /// headers): where a record comes from, why it was set aside. Names may repeat.
    pub headers: Headers,
}

/// Record headers: names with their values, in order.
pub type Headers = Vec<(String, Vec<u8>)>;

impl Record {
    /// The value of the first header named `name`.
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }
}

/// Where a consumer group with no committed offset starts reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartFrom {
    Earliest,
    Latest,
}

/// How soon a subscriber must see a record once it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pace {
    /// Within milliseconds: the engine, live streams.
    Prompt,
    /// Within a few hundred milliseconds, for fewer requests to the broker: read models and
    /// indexes.
    Relaxed,
}

/// What one poll of a subscription returned.
#[derive(Debug, Default)]
pub struct Batch {
    /// Partitions this member gained since the previous batch.
    pub assigned: Vec<i32>,
    /// Partitions this member lost since the previous batch. Their records that were read
    /// but not committed will be delivered to the new owner. A rebalance revokes only the
    /// partitions that move; a partition lost and given back meanwhile is in both lists,
    /// and reading it restarts at the committed offset.
    pub revoked: Vec<i32>,
    /// Records in log order per partition.
    pub records: Vec<Record>,
}

#[async_trait]
pub trait Bus: Send + Sync + 'static {
    /// Creates the topic with `partitions` partitions unless it exists.
    async fn ensure_topic(&self, topic: &str, partitions: i32) -> anyhow::Result<()>;

    /// Appends one record; returns `(partition, offset)` once it is durable.
    async fn publish(&self, topic: &str, key: &[u8], payload: &[u8]) -> anyhow::Result<(i32, i64)> {
        self.publish_with_headers(topic, key, payload, &[]).await
    }

    /// [`Bus::publish`] with record headers, kept in order.
    async fn publish_with_headers(
        &self,
        topic: &str,
        key: &[u8],
        payload: &[u8],
        headers: &[(&str, &[u8])],
    ) -> anyhow::Result<(i32, i64)>;

    /// Joins consumer group `group` on `topic`, to see each record promptly.
    async fn subscribe(
        &self,
        topic: &str,
        group: &str,
        start: StartFrom,
    ) -> anyhow::Result<Box<dyn Subscription>> {
        self.subscribe_at(topic, group, start, Pace::Prompt).await
    }

    /// Joins consumer group `group` on `topic`, to see each record at `pace`.
    async fn subscribe_at(
        &self,
        topic: &str,
        group: &str,
        start: StartFrom,
        pace: Pace,
    ) -> anyhow::Result<Box<dyn Subscription>>;

    /// Number of partitions of `topic`.
    async fn partition_count(&self, topic: &str) -> anyhow::Result<i32>;

    /// Whether the bus is reachable (for `/readyz`).
    async fn ping(&self) -> anyhow::Result<()>;

    /// Names the log this bus holds. Offsets stored outside the bus (the engine keeps its
    /// own in Postgres) are only meaningful for the log they were read from: a durable
    /// broker keeps one log for good, while an in-process log is new in every process, so
    /// offsets stored against an earlier one must not be applied to it.
    fn log_identity(&self) -> String {
        "durable".to_owned()
    }
}

#[async_trait]
pub trait Subscription: Send {
    /// Waits up to `wait` for records (returns early as soon as some are there), at most
    /// `max` records. Assignment changes are reported even when no record arrived.
    async fn poll(&mut self, max: usize, wait: Duration) -> anyhow::Result<Batch>;

    /// Moves the read position of an owned partition (next offset to read).
    async fn seek(&mut self, partition: i32, offset: i64) -> anyhow::Result<()>;

    /// Commits, for each partition, the next offset to read.
    async fn commit(&mut self, offsets: &[(i32, i64)]) -> anyhow::Result<()>;

    /// Partitions currently owned.
    fn assignment(&self) -> Vec<i32>;

    /// Leaves the group (the partitions are rebalanced to the other members).
    async fn close(self: Box<Self>) -> anyhow::Result<()>;
}

/// Picks the adapter from a URL: `memory://` or `kafka://host:port[,host:port]`, either
/// with an optional `?namespace=NAME` that prefixes every topic and group name.
/// A scheme whose cargo feature is off is an error, not a silent fallback.
pub async fn connect(url: &str) -> anyhow::Result<Arc<dyn Bus>> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| {
        anyhow::anyhow!("BUS_URL {url:?} is not a URL (use memory:// or kafka://host:9092)")
    })?;
    let (address, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut namespace = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("namespace", value)) => namespace = Some(value.to_owned()),
            _ => anyhow::bail!("BUS_URL parameter {pair:?} is not supported (only namespace=NAME)"),
        }
    }
    let bus: Arc<dyn Bus> = match scheme {
        "memory" => Arc::new(memory::MemoryBus::new()),
        #[cfg(feature = "kafka")]
        "kafka" => {
            let brokers = address.trim_end_matches('/');
            anyhow::ensure!(!brokers.is_empty(), "BUS_URL {url:?} names no broker");
            Arc::new(kafka::KafkaBus::connect(brokers).await?)
        }
        #[cfg(not(feature = "kafka"))]
        "kafka" => anyhow::bail!("BUS_URL uses kafka:// but this build has no `kafka` feature"),
        other => {
            anyhow::bail!("BUS_URL scheme {other:?} is not supported (use memory:// or kafka://)")
        }
    };
    match namespace {
        Some(ns) => Ok(Arc::new(namespace::Namespaced::new(bus, &ns)?)),
        None => Ok(bus),
    }
}
