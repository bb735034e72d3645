//! A consumer-group member on Kafka.
//!
//! Settings and why:
//! * `enable.auto.commit=false`, `enable.auto.offset.store=false`: offsets move only by
//!   [`Subscription::commit`], so whatever was read but not committed is delivered again.
//! * `session.timeout.ms=6000`, `heartbeat.interval.ms=500`: a member that dies is noticed
//!   within seconds and a rebalance reaches the others within half a second.
//! * `max.poll.interval.ms=20000`: the longest a live member may go without polling before
//!   it is put out of the group; it is also the rebalance timeout, so a rebalance waiting
//!   for a stuck member gives up within that time rather than the default five minutes.
//! * `fetch.wait.max.ms`: how long the broker may hold a fetch that finds nothing new.
//!   Kafka answers as soon as a record arrives, but some Kafka-protocol brokers (tansu)
//!   hold every such fetch for the whole time, and every fetch costs them work: 10 ms
//!   ([`Pace::Prompt`]) hands a record over within milliseconds, at about a hundred fetches
//!   per second per member; 200 ms ([`Pace::Relaxed`]) asks twenty times less often.
//! * `partition.assignment.strategy=cooperative-sticky`: a rebalance revokes only the
//!   partitions that move, as the in-process bus does; the eager protocols (`range`,
//!   `roundrobin`) revoke every partition of every member and restart all of them at the
//!   committed offsets, which pauses the whole group and redelivers whatever was in flight.

use crate::{Batch, Pace, Record, StartFrom, Subscription};
use anyhow::Context as _;
use async_trait::async_trait;
use futures::{FutureExt, StreamExt};
use parking_lot::Mutex;
use rdkafka::client::ClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{
    BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance, StreamConsumer,
};
use rdkafka::message::{BorrowedMessage, Headers, Message};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

const SEEK_TIMEOUT: Duration = Duration::from_secs(5);

type GroupConsumer = StreamConsumer<Membership>;

/// What librdkafka's rebalance callbacks told us, read by `poll`.
#[derive(Default)]
struct Assignment {
    /// Partitions librdkafka has assigned right now.
    current: BTreeSet<i32>,
    /// Partitions revoked since the last batch; if one is assigned again, reading restarts
    /// at the committed offset, so it is reported as revoked and assigned.
    lost: BTreeSet<i32>,
}

/// The consumer context: records assignment changes and wakes a waiting `poll`.
struct Membership {
    topic: String,
    assignment: Arc<Mutex<Assignment>>,
    changed: Arc<Notify>,
}

impl ClientContext for Membership {}

impl ConsumerContext for Membership {
    fn pre_rebalance(&self, _: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Revoke(list) = rebalance {
            let mut assignment = self.assignment.lock();
            for element in list.elements_for_topic(&self.topic) {
                assignment.current.remove(&element.partition());
                assignment.lost.insert(element.partition());
            }
            tracing::debug!(topic = %self.topic, revoked = ?list.count(), "partitions revoked");
        }
    }

    fn post_rebalance(&self, _: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(list) => {
                let mut assignment = self.assignment.lock();
                assignment.current.extend(
                    list.elements_for_topic(&self.topic)
                        .iter()
                        .map(|e| e.partition()),
                );
                tracing::debug!(topic = %self.topic, current = ?assignment.current, "partitions assigned");
            }
            Rebalance::Revoke(_) => {}
            Rebalance::Error(e) => {
                tracing::warn!(topic = %self.topic, error = %e, "rebalance failed")
            }
        }
        self.changed.notify_waiters();
    }
}

pub(super) struct KafkaSubscription {
    topic: String,
    /// `None` once closing has taken it.
    consumer: Option<Arc<GroupConsumer>>,
    assignment: Arc<Mutex<Assignment>>,
    changed: Arc<Notify>,
    /// Partitions owned as reported to the caller by the batches so far.
    reported: BTreeSet<i32>,
}

impl KafkaSubscription {
    pub fn join(
        brokers: &str,
        topic: &str,
        group: &str,
        start: StartFrom,
        pace: Pace,
    ) -> anyhow::Result<Self> {
        let assignment = Arc::new(Mutex::new(Assignment::default()));
        let changed = Arc::new(Notify::new());
        let context = Membership {
            topic: topic.to_owned(),
            assignment: assignment.clone(),
            changed: changed.clone(),
        };
        let consumer: GroupConsumer = ClientConfig::new()
            .set("bootstrap.servers", brokers)
            .set("group.id", group)
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set(
                "auto.offset.reset",
                match start {
                    StartFrom::Earliest => "earliest",
                    StartFrom::Latest => "latest",
                },
            )
            .set("session.timeout.ms", "6000")
            .set("heartbeat.interval.ms", "500")
            .set("max.poll.interval.ms", "20000")
            .set(
                "fetch.wait.max.ms",
                match pace {
                    Pace::Prompt => "10",
                    Pace::Relaxed => "200",
                },
            )
            .set("partition.assignment.strategy", "cooperative-sticky")
            .set("enable.partition.eof", "false")
            .create_with_context(context)
            .context("creating the Kafka consumer")?;
        consumer
            .subscribe(&[topic])
            .with_context(|| format!("subscribing to {topic:?}"))?;
        Ok(KafkaSubscription {
            topic: topic.to_owned(),
            consumer: Some(Arc::new(consumer)),
            assignment,
            changed,
            reported: BTreeSet::new(),
        })
    }

    fn consumer(&self) -> anyhow::Result<&Arc<GroupConsumer>> {
        self.consumer
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("the subscription has left its group"))
    }

    /// Moves the assignment changes since the last batch into `batch`; drops records of
    /// partitions that were revoked meanwhile (the next owner reads them again).
    fn report_changes(&mut self, batch: &mut Batch) {
        let mut assignment = self.assignment.lock();
        let lost = std::mem::take(&mut assignment.lost);
        let revoked: Vec<i32> = self
            .reported
            .iter()
            .copied()
            .filter(|p| lost.contains(p) || !assignment.current.contains(p))
            .collect();
        let assigned: Vec<i32> = assignment
            .current
            .iter()
            .copied()
            .filter(|p| !self.reported.contains(p) || lost.contains(p))
            .collect();
        self.reported.clone_from(&assignment.current);
        drop(assignment);
        if !revoked.is_empty() {
            batch.records.retain(|r| !revoked.contains(&r.partition));
        }
        batch.revoked.extend(revoked);
        batch.assigned.extend(assigned);
    }

    /// Owned partitions as the caller knows them and librdkafka still has them.
    fn check_owned(&self, partition: i32) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.reported.contains(&partition)
                && self.assignment.lock().current.contains(&partition),
            "partition {partition} of {:?} is not assigned to this member",
            self.topic
        );
        Ok(())
    }
}

fn to_record(message: &BorrowedMessage<'_>) -> Record {
    Record {
        topic: message.topic().to_owned(),
        partition: message.partition(),
        offset: message.offset(),
        key: message.key().unwrap_or_default().to_vec(),
        payload: message.payload().unwrap_or_default().to_vec(),
        headers: message
            .headers()
            .map(|headers| {
                headers
                    .iter()
                    .map(|h| (h.key.to_owned(), h.value.unwrap_or_default().to_vec()))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// How many empty non-blocking reads end a batch: a read that handled a rebalance or
/// commit event returns nothing although records may follow.
const EMPTY_READS_TO_STOP: usize = 3;

#[async_trait]
impl Subscription for KafkaSubscription {
    async fn poll(&mut self, max: usize, wait: Duration) -> anyhow::Result<Batch> {
        let consumer = self.consumer()?.clone();
        let deadline = tokio::time::Instant::now() + wait;
        let mut batch = Batch::default();
        let mut stream = consumer.stream();
        let mut empty_reads = 0;
        let changes = self.changed.clone();
        while batch.records.len() < max {
            let changed = changes.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            self.report_changes(&mut batch);

            let message = if batch.records.is_empty()
                && batch.assigned.is_empty()
                && batch.revoked.is_empty()
            {
                // Nothing to hand over yet: wait for a record, a rebalance or the deadline.
                tokio::select! {
                    message = stream.next() => message,
                    _ = &mut changed => continue,
                    _ = tokio::time::sleep_until(deadline) => break,
                }
            } else {
                // Something to hand over: take only what is already there.
                match stream.next().now_or_never() {
                    Some(message) => message,
                    None if empty_reads + 1 < EMPTY_READS_TO_STOP => {
                        empty_reads += 1;
                        tokio::task::yield_now().await;
                        continue;
                    }
                    None => break,
                }
            };
            empty_reads = 0;
            match message {
                Some(Ok(message)) => {
                    // The rebalance that assigned its partition may have run inside this
                    // very read: report it before the record.
                    if !self.reported.contains(&message.partition()) {
                        self.report_changes(&mut batch);
                    }
                    if self.reported.contains(&message.partition()) {
                        batch.records.push(to_record(&message));
                    } else {
                        tracing::debug!(topic = %self.topic, partition = message.partition(), "record of a partition not owned dropped");
                    }
                }
                Some(Err(e)) => {
                    tracing::warn!(topic = %self.topic, error = %e, "kafka consumer error")
                }
                None => anyhow::bail!("the Kafka consumer stream ended"),
            }
        }
        drop(stream);
        self.report_changes(&mut batch);
        Ok(batch)
    }

    async fn seek(&mut self, partition: i32, offset: i64) -> anyhow::Result<()> {
        anyhow::ensure!(
            offset >= 0,
            "cannot seek partition {partition} to negative offset {offset}"
        );
        self.check_owned(partition)?;
        let consumer = self.consumer()?.clone();
        let topic = self.topic.clone();
        tokio::task::spawn_blocking(move || {
            // Right after an assignment librdkafka may still be fetching the start offset
            // and refuses to seek ("erroneous state"); that settles within moments.
            let mut attempts = 0;
            loop {
                match consumer.seek(&topic, partition, Offset::Offset(offset), SEEK_TIMEOUT) {
                    Ok(()) => return Ok(()),
                    Err(e) if attempts < 50 => {
                        tracing::debug!(%topic, partition, error = %e, "seek retried");
                        attempts += 1;
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    Err(e) => return Err(e),
                }
            }
        })
        .await?
        .with_context(|| format!("seeking {:?} partition {partition} to {offset}", self.topic))
    }

    async fn commit(&mut self, offsets: &[(i32, i64)]) -> anyhow::Result<()> {
        if offsets.is_empty() {
            return Ok(());
        }
        let mut list = TopicPartitionList::with_capacity(offsets.len());
        for &(partition, offset) in offsets {
            anyhow::ensure!(
                offset >= 0,
                "cannot commit negative offset {offset} for partition {partition}"
            );
            self.check_owned(partition)?;
            list.add_partition_offset(&self.topic, partition, Offset::Offset(offset))?;
        }
        let consumer = self.consumer()?.clone();
        tokio::task::spawn_blocking(move || consumer.commit(&list, CommitMode::Sync))
            .await?
            .with_context(|| format!("committing offsets of {:?}", self.topic))
    }

    fn assignment(&self) -> Vec<i32> {
        self.reported.iter().copied().collect()
    }

    async fn close(mut self: Box<Self>) -> anyhow::Result<()> {
        if let Some(consumer) = self.consumer.take() {
            tokio::task::spawn_blocking(move || leave(consumer)).await?;
        }
        Ok(())
    }
}

/// Leaves the group: unsubscribing starts it, dropping the last handle closes the
/// consumer, which waits for the group to let go (librdkafka blocks meanwhile).
fn leave(consumer: Arc<GroupConsumer>) {
    consumer.unsubscribe();
    drop(consumer);
}

impl Drop for KafkaSubscription {
    fn drop(&mut self) {
        if let Some(consumer) = self.consumer.take() {
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => drop(runtime.spawn_blocking(move || leave(consumer))),
                Err(_) => leave(consumer),
            }
        }
    }
}
