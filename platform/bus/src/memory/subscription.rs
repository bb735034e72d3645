//! One member of a consumer group on the in-process log.

use super::group::{Group, MemberId, Moves};
use super::Topic;
use crate::{Batch, Record, StartFrom, Subscription};
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

pub(super) struct MemorySubscription {
    topic: Arc<Topic>,
    group: String,
    member: MemberId,
    start: StartFrom,
    /// Owned partitions with the next offset to read.
    positions: BTreeMap<i32, i64>,
    /// Where the next poll starts reading, so one busy partition cannot starve the rest.
    cursor: usize,
    left: bool,
}

impl MemorySubscription {
    pub fn join(topic: Arc<Topic>, group: String, member: MemberId, start: StartFrom) -> Self {
        let partitions = topic.partitions.len();
        topic
            .groups
            .lock()
            .entry(group.clone())
            .or_insert_with(|| Group::new(partitions))
            .join(member);
        // The other members must poll to give partitions up to the newcomer.
        topic.changed.notify_waiters();
        MemorySubscription {
            topic,
            group,
            member,
            start,
            positions: BTreeMap::new(),
            cursor: 0,
            left: false,
        }
    }

    fn with_group<T>(&self, f: impl FnOnce(&mut Group) -> T) -> T {
        let mut groups = self.topic.groups.lock();
        let group = groups
            .get_mut(&self.group)
            .expect("a member's group outlives the member");
        f(group)
    }

    /// Applies the moves the group decided since the previous poll to this member.
    fn catch_up(&mut self, batch: &mut Batch) {
        let mut moves = Moves::default();
        let released = self.with_group(|g| g.catch_up(self.member, &mut moves));
        if released {
            self.topic.changed.notify_waiters();
        }
        for p in moves.revoked {
            self.positions.remove(&p);
            batch.revoked.push(p);
        }
        for (p, committed) in moves.acquired {
            let position = committed.unwrap_or_else(|| match self.start {
                StartFrom::Earliest => self.topic.start_offset(p),
                StartFrom::Latest => self.topic.end_offset(p),
            });
            self.positions.insert(p, position);
            batch.assigned.push(p);
        }
    }

    /// Reads up to `max` records from the owned partitions, round-robin between polls.
    fn read(&mut self, max: usize, batch: &mut Batch) {
        let owned: Vec<i32> = self.positions.keys().copied().collect();
        if owned.is_empty() {
            return;
        }
        let first = self.cursor % owned.len();
        self.cursor = self.cursor.wrapping_add(1);
        for &p in owned[first..].iter().chain(&owned[..first]) {
            let remaining = max - batch.records.len();
            if remaining == 0 {
                break;
            }
            let position = self
                .positions
                .get_mut(&p)
                .expect("owned partition has a position");
            let log = self.topic.partitions[p as usize].lock();
            // Records before the oldest kept are gone: reading resumes at the oldest.
            let from = (*position).clamp(log.start, log.end());
            let to = log.end().min(from + remaining as i64);
            let kept = (from - log.start) as usize..(to - log.start) as usize;
            batch
                .records
                .extend(
                    log.records
                        .range(kept)
                        .zip(from..)
                        .map(|(stored, offset)| Record {
                            topic: self.topic.name.clone(),
                            partition: p,
                            offset,
                            key: stored.key.clone(),
                            payload: stored.payload.clone(),
                            headers: stored.headers.clone(),
                        }),
                );
            *position = (*position).max(to);
        }
    }

    fn leave(&mut self) {
        if !self.left {
            self.left = true;
            self.with_group(|g| g.leave(self.member));
            self.topic.changed.notify_waiters();
        }
    }
}

fn is_empty(batch: &Batch) -> bool {
    batch.assigned.is_empty() && batch.revoked.is_empty() && batch.records.is_empty()
}

#[async_trait]
impl Subscription for MemorySubscription {
    async fn poll(&mut self, max: usize, wait: Duration) -> anyhow::Result<Batch> {
        anyhow::ensure!(!self.left, "the subscription has left its group");
        let deadline = tokio::time::Instant::now() + wait;
        let mut batch = Batch::default();
        let topic = self.topic.clone();
        loop {
            // Registered before looking, so a publish between the look and the wait wakes us.
            let changed = topic.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();

            self.catch_up(&mut batch);
            self.read(max, &mut batch);
            if !is_empty(&batch) || tokio::time::timeout_at(deadline, changed).await.is_err() {
                return Ok(batch);
            }
        }
    }

    async fn seek(&mut self, partition: i32, offset: i64) -> anyhow::Result<()> {
        anyhow::ensure!(
            offset >= 0,
            "cannot seek partition {partition} to negative offset {offset}"
        );
        let position = self.positions.get_mut(&partition).ok_or_else(|| {
            anyhow::anyhow!("partition {partition} is not assigned to this member")
        })?;
        *position = offset;
        Ok(())
    }

    async fn commit(&mut self, offsets: &[(i32, i64)]) -> anyhow::Result<()> {
        let member = self.member;
        self.with_group(|g| -> anyhow::Result<()> {
            // Checked before any is stored, so a refused commit changes nothing.
            for &(p, offset) in offsets {
                anyhow::ensure!(
                    g.holds(member, p),
                    "partition {p} is not assigned to this member"
                );
                anyhow::ensure!(
                    offset >= 0,
                    "cannot commit negative offset {offset} for partition {p}"
                );
            }
            for &(p, offset) in offsets {
                g.commit(p, offset);
            }
            Ok(())
        })?;
        for &(p, _) in offsets {
            self.topic.release_consumed(p);
        }
        Ok(())
    }

    fn assignment(&self) -> Vec<i32> {
        self.positions.keys().copied().collect()
    }

    async fn close(mut self: Box<Self>) -> anyhow::Result<()> {
        self.leave();
        Ok(())
    }
}

impl Drop for MemorySubscription {
    fn drop(&mut self) {
        self.leave();
    }
}
