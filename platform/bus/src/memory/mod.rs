//! The in-process adapter: a partitioned log in memory with Kafka's semantics (keyed
//! partitioning with Kafka's murmur2, consumer groups with range assignment, committed
//! offsets, redelivery of anything uncommitted). The log lives as long as the bus; it is
//! the bus of the single-process platform and of the tests.

mod group;
mod partitioner;
mod subscription;

pub use partitioner::{murmur2, partition_for_key};

use crate::{Bus, StartFrom, Subscription};
use async_trait::async_trait;
use group::Group;
use parking_lot::{Mutex, RwLock};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use subscription::MemorySubscription;
use tokio::sync::Notify;

/// The in-process bus. Cloning is cheap and every clone shares the same log.
#[derive(Clone, Default)]
pub struct MemoryBus {
    shared: Arc<Shared>,
}

struct Shared {
    topics: RwLock<HashMap<String, Arc<Topic>>>,
    next_member: AtomicU64,
    /// Different for every log: a new process has a new, empty one.
    identity: String,
}

impl Default for Shared {
    fn default() -> Self {
        Self {
            topics: RwLock::default(),
            next_member: AtomicU64::default(),
            identity: format!("memory-{}", uuid::Uuid::new_v4().simple()),
        }
    }
}

pub(crate) struct Topic {
    name: String,
    partitions: Box<[Mutex<Vec<Stored>>]>,
    /// Consumer groups by name, each with its own committed offsets.
    groups: Mutex<HashMap<String, Group>>,
    /// Wakes waiting polls: a record was appended or a partition changed hands.
    changed: Notify,
}

struct Stored {
    key: Vec<u8>,
    payload: Vec<u8>,
}

impl Topic {
    fn partition_count(&self) -> i32 {
        self.partitions.len() as i32
    }

    /// The offset the next appended record of `partition` will get.
    fn end_offset(&self, partition: i32) -> i64 {
        self.partitions[partition as usize].lock().len() as i64
    }
}

impl MemoryBus {
    pub fn new() -> Self {
        Self::default()
    }

    fn topic(&self, topic: &str) -> anyhow::Result<Arc<Topic>> {
        self.shared
            .topics
            .read()
            .get(topic)
            .cloned()
            .ok_or_else(|| {
                anyhow::anyhow!("topic {topic:?} does not exist (ensure_topic creates it)")
            })
    }
}

#[async_trait]
impl Bus for MemoryBus {
    async fn ensure_topic(&self, topic: &str, partitions: i32) -> anyhow::Result<()> {
        anyhow::ensure!(!topic.is_empty(), "a topic needs a name");
        anyhow::ensure!(
            partitions > 0,
            "topic {topic:?} needs at least one partition, not {partitions}"
        );
        // Like Kafka's CreateTopics, an existing topic keeps its partition count.
        self.shared
            .topics
            .write()
            .entry(topic.to_owned())
            .or_insert_with(|| {
                Arc::new(Topic {
                    name: topic.to_owned(),
                    partitions: (0..partitions).map(|_| Mutex::new(Vec::new())).collect(),
                    groups: Mutex::new(HashMap::new()),
                    changed: Notify::new(),
                })
            });
        Ok(())
    }

    async fn publish(&self, topic: &str, key: &[u8], payload: &[u8]) -> anyhow::Result<(i32, i64)> {
        let topic = self.topic(topic)?;
        let partition = partition_for_key(key, topic.partition_count());
        let offset = {
            let mut log = topic.partitions[partition as usize].lock();
            log.push(Stored {
                key: key.to_vec(),
                payload: payload.to_vec(),
            });
            log.len() as i64 - 1
        };
        topic.changed.notify_waiters();
        Ok((partition, offset))
    }

    async fn subscribe(
        &self,
        topic: &str,
        group: &str,
        start: StartFrom,
    ) -> anyhow::Result<Box<dyn Subscription>> {
        anyhow::ensure!(!group.is_empty(), "a consumer group needs a name");
        let topic = self.topic(topic)?;
        let member = self.shared.next_member.fetch_add(1, Ordering::Relaxed);
        Ok(Box::new(MemorySubscription::join(
            topic,
            group.to_owned(),
            member,
            start,
        )))
    }

    async fn partition_count(&self, topic: &str) -> anyhow::Result<i32> {
        Ok(self.topic(topic)?.partition_count())
    }

    async fn ping(&self) -> anyhow::Result<()> {
        Ok(())
    }

    fn log_identity(&self) -> String {
        self.shared.identity.clone()
    }
}
