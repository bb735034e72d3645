//! Helpers of the contract suite: a group member that remembers what it saw and checks the
//! per-batch promises, and deadlines so a broken adapter fails instead of hanging.

use crate::{Bus, Record, StartFrom, Subscription};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// How long any one expectation may take; generous, a real broker rebalances in seconds.
pub const PATIENCE: Duration = Duration::from_secs(40);
/// How long one poll waits.
pub const STEP: Duration = Duration::from_millis(200);

/// A name no other test run uses, so tests can share one broker.
pub fn unique(what: &str) -> String {
    format!("contract-{what}-{}", uuid::Uuid::new_v4().simple())
}

pub struct Deadline {
    at: Instant,
    what: &'static str,
}

impl Deadline {
    pub fn after(patience: Duration, what: &'static str) -> Self {
        Deadline {
            at: Instant::now() + patience,
            what,
        }
    }

    /// Panics once the deadline has passed.
    #[track_caller]
    pub fn check(&self) {
        assert!(
            Instant::now() < self.at,
            "timed out waiting until {}",
            self.what
        );
    }
}

/// One subscription plus everything it has seen.
pub struct Member {
    pub sub: Box<dyn Subscription>,
    /// Commit after every batch the next offset of each partition read.
    pub commit: bool,
    pub records: Vec<Record>,
    /// Every partition reported in `assigned`, in order.
    pub assigned: Vec<i32>,
    pub revoked: Vec<i32>,
    /// Owned partitions according to the batches seen so far.
    owned: BTreeSet<i32>,
}

impl Member {
    pub async fn join(
        bus: &Arc<dyn Bus>,
        topic: &str,
        group: &str,
        start: StartFrom,
        commit: bool,
    ) -> Self {
        let sub = bus.subscribe(topic, group, start).await.expect("subscribe");
        Member {
            sub,
            commit,
            records: Vec::new(),
            assigned: Vec::new(),
            revoked: Vec::new(),
            owned: BTreeSet::new(),
        }
    }

    /// Polls once and checks what every batch promises: assignment changes come before
    /// records of a partition, records are in log order per partition.
    pub async fn step(&mut self) {
        let batch = self.sub.poll(500, STEP).await.expect("poll");
        for p in &batch.revoked {
            self.owned.remove(p);
        }
        self.owned.extend(&batch.assigned);
        self.assigned.extend(&batch.assigned);
        self.revoked.extend(&batch.revoked);
        assert_eq!(
            self.owned.iter().copied().collect::<Vec<_>>(),
            sorted(self.sub.assignment()),
            "assignment() agrees with the reported assigned/revoked partitions"
        );
        let mut next: BTreeMap<i32, i64> = BTreeMap::new();
        for record in &batch.records {
            assert!(
                self.owned.contains(&record.partition),
                "record of partition {} before it was reported assigned",
                record.partition
            );
            if let Some(&expected_above) = next.get(&record.partition) {
                assert!(
                    record.offset >= expected_above,
                    "records of a partition in log order"
                );
            }
            next.insert(record.partition, record.offset + 1);
        }
        self.records.extend(batch.records);
        if self.commit && !next.is_empty() {
            let offsets: Vec<(i32, i64)> = next.into_iter().collect();
            self.sub.commit(&offsets).await.expect("commit");
        }
    }

    /// Polls until `done` holds for this member.
    pub async fn until(&mut self, what: &'static str, done: impl Fn(&Member) -> bool) {
        let deadline = Deadline::after(PATIENCE, what);
        while !done(self) {
            deadline.check();
            self.step().await;
        }
    }

    /// Keeps polling for `quiet` and returns what arrived meanwhile.
    pub async fn idle(&mut self, quiet: Duration) -> Vec<Record> {
        let before = self.records.len();
        let end = Instant::now() + quiet;
        while Instant::now() < end {
            self.step().await;
        }
        self.records[before..].to_vec()
    }

    pub fn owned(&self) -> Vec<i32> {
        self.owned.iter().copied().collect()
    }

    pub fn positions(&self) -> BTreeSet<(i32, i64)> {
        self.records
            .iter()
            .map(|r| (r.partition, r.offset))
            .collect()
    }

    pub async fn close(self) {
        self.sub.close().await.expect("close");
    }
}

pub fn sorted(mut v: Vec<i32>) -> Vec<i32> {
    v.sort_unstable();
    v
}

/// Publishes `count` records over `keys` keys; returns them as the log stores them.
pub async fn publish_many(
    bus: &Arc<dyn Bus>,
    topic: &str,
    keys: usize,
    count: usize,
) -> Vec<Record> {
    let mut published = Vec::with_capacity(count);
    for i in 0..count {
        let key = format!("key-{}", i % keys).into_bytes();
        let payload = format!("payload-{i}").into_bytes();
        let (partition, offset) = bus.publish(topic, &key, &payload).await.expect("publish");
        published.push(Record {
            topic: topic.to_owned(),
            partition,
            offset,
            key,
            payload,
            headers: Vec::new(),
        });
    }
    published
}

/// For each partition `published` touched, the offset of its middle record: a commit there
/// leaves the second half of each partition unread.
pub fn first_halves(published: &[Record]) -> Vec<(i32, i64)> {
    let mut per_partition: BTreeMap<i32, Vec<i64>> = BTreeMap::new();
    for record in published {
        per_partition
            .entry(record.partition)
            .or_default()
            .push(record.offset);
    }
    per_partition
        .iter()
        .map(|(p, offsets)| (*p, offsets[offsets.len() / 2]))
        .collect()
}

/// The records of `published` at or after the committed offset of their partition.
pub fn not_committed(published: &[Record], commits: &[(i32, i64)]) -> Vec<Record> {
    published
        .iter()
        .filter(|r| {
            commits
                .iter()
                .any(|&(p, next)| p == r.partition && r.offset >= next)
        })
        .cloned()
        .collect()
}

/// Every record `topic` holds now, read from the start by a group of its own until a poll
/// that waited `wait` finds nothing more.
pub async fn read_topic(bus: &dyn Bus, topic: &str, wait: Duration) -> Vec<Record> {
    let mut sub = bus
        .subscribe(topic, &unique("reader"), StartFrom::Earliest)
        .await
        .expect("subscribe");
    let mut records = Vec::new();
    loop {
        let batch = sub.poll(1_000, wait).await.expect("poll");
        if batch.records.is_empty() {
            break;
        }
        records.extend(batch.records);
    }
    sub.close().await.expect("close");
    records
}

pub fn positions(records: &[Record]) -> BTreeSet<(i32, i64)> {
    records.iter().map(|r| (r.partition, r.offset)).collect()
}

/// Asserts each published record was seen exactly once, with its key and payload.
#[track_caller]
pub fn assert_exactly_once(seen: &[Record], published: &[Record]) {
    let mut by_position: BTreeMap<(i32, i64), &Record> = BTreeMap::new();
    for record in seen {
        let previous = by_position.insert((record.partition, record.offset), record);
        assert!(
            previous.is_none(),
            "record {}:{} delivered twice",
            record.partition,
            record.offset
        );
    }
    assert_eq!(by_position.len(), published.len(), "every record delivered");
    for record in published {
        let got = by_position
            .get(&(record.partition, record.offset))
            .unwrap_or_else(|| {
                panic!(
                    "record {}:{} not delivered",
                    record.partition, record.offset
                )
            });
        assert_eq!(*got, record, "delivered as published");
    }
}
