//! The in-process adapter: a partitioned log in memory with Kafka's semantics (keyed
//! partitioning with Kafka's murmur2, consumer groups with range assignment, committed
//! offsets, redelivery of anything uncommitted). The log lives as long as the bus; it is
//! the bus of the single-process platform and of the tests.
//!
//! Retention: a record is kept while it is among the newest [`KEEP_AT_LEAST`] of its
//! partition, or until every consumer group of its topic has committed past it (none of them
//! can read it again: a group resumes at its committed offset, a new one at the oldest record
//! kept, like Kafka's log start offset). A platform that runs for days therefore holds what
//! its consumers have not finished with plus a recent window for groups that join late, not
//! everything ever published. A group that never commits keeps its topic's records.

mod group;
mod partitioner;
mod subscription;

pub use partitioner::{murmur2, partition_for_key};

use crate::{Bus, Headers, Pace, StartFrom, Subscription};
use async_trait::async_trait;
use group::Group;
use parking_lot::{Mutex, RwLock};
use std::collections::{HashMap, VecDeque};
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
    /// Records of each partition kept whatever the groups committed.
    keep_at_least: usize,
}

impl Default for Shared {
    fn default() -> Self {
        Self {
            topics: RwLock::default(),
            next_member: AtomicU64::default(),
            identity: format!("memory-{}", uuid::Uuid::new_v4().simple()),
            keep_at_least: KEEP_AT_LEAST,
        }
    }
}

pub(crate) struct Topic {
    name: String,
    partitions: Box<[Mutex<PartitionLog>]>,
    /// Consumer groups by name, each with its own committed offsets.
    groups: Mutex<HashMap<String, Group>>,
    /// Wakes waiting polls: a record was appended or a partition changed hands.
    changed: Notify,
    /// Records of each partition kept whatever the groups committed.
    keep_at_least: usize,
}

struct Stored {
    key: Vec<u8>,
    payload: Vec<u8>,
    headers: Headers,
}

/// Records of each partition kept whatever the groups committed.
pub const KEEP_AT_LEAST: usize = 10_000;

/// The records of one partition still kept: offsets `start .. start + records.len()`.
#[derive(Default)]
struct PartitionLog {
    start: i64,
    records: VecDeque<Stored>,
}

impl PartitionLog {
    /// The offset the next appended record will get.
    fn end(&self) -> i64 {
        self.start + self.records.len() as i64
    }

    fn append(&mut self, record: Stored) -> i64 {
        self.records.push_back(record);
        self.end() - 1
    }

    /// Forgets the records before `offset`, but never the newest `keep`.
    fn forget_before(&mut self, offset: i64, keep: usize) {
        let spare = self.records.len().saturating_sub(keep) as i64;
        let count = (offset - self.start).clamp(0, spare);
        self.records.drain(..count as usize);
        self.start += count;
    }
}

impl Topic {
    fn partition_count(&self) -> i32 {
        self.partitions.len() as i32
    }

    /// The offset the next appended record of `partition` will get.
    fn end_offset(&self, partition: i32) -> i64 {
        self.partitions[partition as usize].lock().end()
    }

    /// The oldest offset of `partition` still kept.
    fn start_offset(&self, partition: i32) -> i64 {
        self.partitions[partition as usize].lock().start
    }

    /// Forgets the records of `partition` every group has committed past, beyond the
    /// newest `keep_at_least`.
    fn release_consumed(&self, partition: i32) {
        let floor = self
            .groups
            .lock()
            .values()
            .map(|g| g.committed(partition))
            .min()
            .flatten();
        if let Some(floor) = floor {
            self.partitions[partition as usize]
                .lock()
                .forget_before(floor, self.keep_at_least);
        }
    }
}

impl MemoryBus {
    pub fn new() -> Self {
        Self::default()
    }

    /// A bus that keeps only the newest `records` of a partition beyond what its groups
    /// still need.
    #[cfg(test)]
    fn keeping(records: usize) -> Self {
        Self {
            shared: Arc::new(Shared {
                keep_at_least: records,
                ..Shared::default()
            }),
        }
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

/// Headers as a record keeps them.
pub(crate) fn owned(headers: &[(&str, &[u8])]) -> Headers {
    headers
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.to_vec()))
        .collect()
}

/// What the journaled adapter ([`crate::journal`]) needs of the log it keeps in memory:
/// appending to a chosen partition, restoring what an earlier process left, and the
/// offsets every group has passed.
impl MemoryBus {
    /// The partition `key` lands in.
    pub(crate) fn partition_of(&self, topic: &str, key: &[u8]) -> anyhow::Result<i32> {
        Ok(partition_for_key(key, self.topic(topic)?.partition_count()))
    }

    /// The offset the next record appended to `partition` will get.
    pub(crate) fn end_offset(&self, topic: &str, partition: i32) -> anyhow::Result<i64> {
        Ok(self.topic(topic)?.end_offset(partition))
    }

    /// Appends one record to `partition` (already chosen) and returns its offset.
    pub(crate) fn append(
        &self,
        topic: &str,
        partition: i32,
        key: Vec<u8>,
        payload: Vec<u8>,
        headers: Headers,
    ) -> anyhow::Result<i64> {
        let topic = self.topic(topic)?;
        let log = topic.partitions.get(partition as usize).ok_or_else(|| {
            anyhow::anyhow!("topic {:?} has no partition {partition}", topic.name)
        })?;
        let offset = log.lock().append(Stored {
            key,
            payload,
            headers,
        });
        topic.changed.notify_waiters();
        Ok(offset)
    }

    /// Makes `partition` start at `start` with `records` (their offsets follow `start`).
    /// Only for a partition nothing was appended to yet.
    pub(crate) fn restore(
        &self,
        topic: &str,
        partition: i32,
        start: i64,
        records: Vec<(Vec<u8>, Vec<u8>, Headers)>,
    ) -> anyhow::Result<()> {
        let topic = self.topic(topic)?;
        let mut log = topic.partitions[partition as usize].lock();
        anyhow::ensure!(
            log.records.is_empty() && log.start == 0,
            "partition {partition} of {:?} is not empty",
            topic.name
        );
        log.start = start;
        log.records = records
            .into_iter()
            .map(|(key, payload, headers)| Stored {
                key,
                payload,
                headers,
            })
            .collect();
        Ok(())
    }

    /// Gives `group` the committed offset `next` on `partition`, as a commit would.
    pub(crate) fn restore_committed(
        &self,
        topic: &str,
        group: &str,
        partition: i32,
        next: i64,
    ) -> anyhow::Result<()> {
        let topic = self.topic(topic)?;
        anyhow::ensure!(
            (0..topic.partition_count()).contains(&partition),
            "topic {:?} has no partition {partition}",
            topic.name
        );
        let partitions = topic.partitions.len();
        topic
            .groups
            .lock()
            .entry(group.to_owned())
            .or_insert_with(|| Group::new(partitions))
            .commit(partition, next);
        Ok(())
    }

    /// Per topic and partition, the lowest offset a group of the topic still needs: `None`
    /// while some group has not committed on the partition (it may read from the start).
    pub(crate) fn floors(&self) -> Vec<(String, i32, Option<i64>)> {
        let topics: Vec<Arc<Topic>> = self.shared.topics.read().values().cloned().collect();
        let mut floors = Vec::new();
        for topic in topics {
            let groups = topic.groups.lock();
            for partition in 0..topic.partition_count() {
                let floor = if groups.is_empty() {
                    None
                } else {
                    groups
                        .values()
                        .map(|g| g.committed(partition))
                        .min()
                        .flatten()
                };
                floors.push((topic.name.clone(), partition, floor));
            }
        }
        floors
    }

    /// Forgets consumer groups without members that have not committed for `idle`, as
    /// Kafka expires the offsets of an empty group: a group named for one process's life
    /// must not hold the log's records for good.
    pub(crate) fn expire_empty_groups(&self, idle: std::time::Duration) -> Vec<(String, String)> {
        let topics: Vec<Arc<Topic>> = self.shared.topics.read().values().cloned().collect();
        let mut expired = Vec::new();
        for topic in topics {
            let mut groups = topic.groups.lock();
            groups.retain(|name, group| {
                let keep = !group.is_empty_for(idle);
                if !keep {
                    expired.push((topic.name.clone(), name.clone()));
                }
                keep
            });
            drop(groups);
            for partition in 0..topic.partition_count() {
                topic.release_consumed(partition);
            }
        }
        expired
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
                    partitions: (0..partitions)
                        .map(|_| Mutex::new(PartitionLog::default()))
                        .collect(),
                    groups: Mutex::new(HashMap::new()),
                    changed: Notify::new(),
                    keep_at_least: self.shared.keep_at_least,
                })
            });
        Ok(())
    }

    async fn publish_with_headers(
        &self,
        topic: &str,
        key: &[u8],
        payload: &[u8],
        headers: &[(&str, &[u8])],
    ) -> anyhow::Result<(i32, i64)> {
        let topic = self.topic(topic)?;
        let partition = partition_for_key(key, topic.partition_count());
        let offset = topic.partitions[partition as usize].lock().append(Stored {
            key: key.to_vec(),
            payload: payload.to_vec(),
            headers: owned(headers),
        });
        topic.changed.notify_waiters();
        Ok((partition, offset))
    }

    /// Every record is handed over as it is appended, whatever the pace.
    async fn subscribe_at(
        &self,
        topic: &str,
        group: &str,
        start: StartFrom,
        _pace: Pace,
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const WAIT: Duration = Duration::from_millis(50);

    /// Ten records on one partition, of which the bus keeps at least the newest two.
    async fn one_partition_topic() -> (MemoryBus, Arc<Topic>) {
        let bus = MemoryBus::keeping(2);
        bus.ensure_topic("t", 1).await.unwrap();
        for i in 0..10u8 {
            bus.publish("t", b"k", &[i]).await.unwrap();
        }
        let topic = bus.topic("t").unwrap();
        (bus, topic)
    }

    /// Offsets and payloads of one poll.
    async fn read(sub: &mut Box<dyn Subscription>) -> Vec<(i64, u8)> {
        let batch = sub.poll(100, WAIT).await.unwrap();
        batch
            .records
            .iter()
            .map(|r| (r.offset, r.payload[0]))
            .collect()
    }

    #[tokio::test]
    async fn records_every_group_committed_past_are_forgotten() {
        let (bus, topic) = one_partition_topic().await;
        let mut a = bus.subscribe("t", "a", StartFrom::Earliest).await.unwrap();
        let mut b = bus.subscribe("t", "b", StartFrom::Earliest).await.unwrap();
        assert_eq!(read(&mut a).await.len(), 10);
        assert_eq!(read(&mut b).await.len(), 10);

        a.commit(&[(0, 7)]).await.unwrap();
        assert_eq!(topic.start_offset(0), 0, "group b has not committed");
        b.commit(&[(0, 4)]).await.unwrap();
        assert_eq!(topic.start_offset(0), 4, "kept from the lowest commit");
        b.commit(&[(0, 10)]).await.unwrap();
        assert_eq!(topic.start_offset(0), 7);
        a.commit(&[(0, 10)]).await.unwrap();
        assert_eq!(topic.start_offset(0), 8, "the newest two stay");
        assert_eq!(topic.end_offset(0), 10, "offsets do not move");

        // A new group starts at the oldest record kept, with its original offset.
        let mut c = bus.subscribe("t", "c", StartFrom::Earliest).await.unwrap();
        assert_eq!(read(&mut c).await, vec![(8, 8), (9, 9)]);
        // New records carry on from the end.
        assert_eq!(bus.publish("t", b"k", &[10]).await.unwrap(), (0, 10));
        assert_eq!(read(&mut a).await, vec![(10, 10)]);
    }

    #[tokio::test]
    async fn a_group_resumes_where_it_committed_and_a_seek_below_the_oldest_reads_from_it() {
        let (bus, topic) = one_partition_topic().await;
        let mut a = bus.subscribe("t", "a", StartFrom::Earliest).await.unwrap();
        assert_eq!(read(&mut a).await.len(), 10);
        a.commit(&[(0, 6)]).await.unwrap();
        assert_eq!(topic.start_offset(0), 6);
        a.close().await.unwrap();

        let mut again = bus.subscribe("t", "a", StartFrom::Earliest).await.unwrap();
        assert_eq!(read(&mut again).await, vec![(6, 6), (7, 7), (8, 8), (9, 9)]);
        again.seek(0, 2).await.unwrap();
        assert_eq!(read(&mut again).await, vec![(6, 6), (7, 7), (8, 8), (9, 9)]);
    }
}
