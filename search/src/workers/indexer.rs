//! Keeps the index current from the logs: the event topic gives the state (group
//! `search-indexer`), the command topic's `List` commands give the words (group
//! `search-catalog`). Each source has its own loop and its own committed position.
//!
//! Promises:
//! * Offsets are committed only after the index has made the records' effects durable
//!   (`flush`), so a restart resumes where the index is; reading a record twice is
//!   harmless because writes are versioned.
//! * A record that cannot be decoded is logged, counted and skipped, never retried.
//! * When records are waiting, the index is flushed at least every `cadence`, which is
//!   how long a change may take to become searchable.

use crate::domain::Change;
use crate::port::{apply, SearchIndex};
use platform_bus::{Bus, Pace, Record, StartFrom, Subscription};
use platform_core::log::{Command, Event, EventKind};
use platform_core::{COMMAND_TOPIC, EVENT_TOPIC};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

pub const EVENT_GROUP: &str = "search-indexer";
pub const CATALOG_GROUP: &str = "search-catalog";
const BATCH: usize = 1000;
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// The state an event carries; `None` for private events.
pub fn state_change(payload: &[u8]) -> Result<Option<Change>, serde_json::Error> {
    let event: Event = serde_json::from_slice(payload)?;
    let Some(state) = event.public_state() else {
        return Ok(None);
    };
    let terms = match &event.kind {
        EventKind::Listed { terms, .. } => Some(terms.clone()),
        _ => None,
    };
    Ok(Some(Change::State {
        auction_id: event.auction_id,
        seq: event.seq,
        at: event.at,
        terms,
        state: state.clone(),
    }))
}

/// The words a `List` command carries; `None` for every other command.
pub fn words_change(payload: &[u8]) -> Result<Option<Change>, serde_json::Error> {
    match serde_json::from_slice::<Command>(payload)? {
        Command::List {
            auction_id,
            terms,
            listing,
            at,
        } => Ok(Some(Change::Words {
            auction_id,
            terms,
            listing,
            at,
        })),
        _ => Ok(None),
    }
}

type Decode = fn(&[u8]) -> Result<Option<Change>, serde_json::Error>;

/// Starts both loops as tasks. `index_identity` names the index these loops feed: indexes
/// shared by every instance (Elasticsearch) pass `None` and the instances split the
/// partitions in one group; an index of this instance's own (embedded) passes its
/// identity, so its groups read every partition for it alone.
pub async fn spawn(
    started: &mut platform_core::service::Started,
    index: Arc<dyn SearchIndex>,
    bus: Arc<dyn Bus>,
    cadence: Duration,
    index_identity: Option<&str>,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let sources: [(&str, &str, Decode); 2] = [
        (EVENT_TOPIC, EVENT_GROUP, state_change),
        (COMMAND_TOPIC, CATALOG_GROUP, words_change),
    ];
    for (topic, group, decode) in sources {
        let group = match index_identity {
            Some(identity) => format!("{group}.{identity}"),
            None => group.to_owned(),
        };
        let sub = bus
            .subscribe_at(topic, &group, StartFrom::Earliest, Pace::Relaxed)
            .await?;
        let follower = Follower {
            topic,
            index: index.clone(),
            decode,
            cadence,
        };
        started.spawn(follower.run(sub, shutdown.clone()));
    }
    Ok(())
}

struct Follower {
    topic: &'static str,
    index: Arc<dyn SearchIndex>,
    decode: Decode,
    cadence: Duration,
}

impl Follower {
    async fn run(
        self,
        mut sub: Box<dyn Subscription>,
        shutdown: CancellationToken,
    ) -> anyhow::Result<()> {
        // Next offset to read per partition, applied to the index but not yet committed.
        let mut unflushed: BTreeMap<i32, i64> = BTreeMap::new();
        let mut oldest: Option<Instant> = None;
        loop {
            let batch = tokio::select! {
                _ = shutdown.cancelled() => break,
                batch = sub.poll(BATCH, self.cadence) => batch?,
            };
            for p in &batch.revoked {
                unflushed.remove(p);
            }
            if self.index.is_volatile() {
                // Records of these partitions in this batch come again after the seek;
                // applying them twice is harmless.
                for p in &batch.assigned {
                    sub.seek(*p, 0).await?;
                }
            }
            if !batch.records.is_empty() {
                let changes = self.decode_all(&batch.records);
                if !self.apply_until_done(&changes, &shutdown).await {
                    break;
                }
                for r in &batch.records {
                    unflushed.insert(r.partition, r.offset + 1);
                }
                oldest.get_or_insert_with(Instant::now);
            }
            let due = oldest.is_some_and(|t| t.elapsed() >= self.cadence);
            if due || (batch.records.is_empty() && !unflushed.is_empty()) {
                self.checkpoint(sub.as_mut(), &mut unflushed).await?;
                oldest = None;
            }
        }
        self.checkpoint(sub.as_mut(), &mut unflushed).await?;
        sub.close().await
    }

    fn decode_all(&self, records: &[Record]) -> Vec<Change> {
        let mut changes = Vec::new();
        for r in records {
            match (self.decode)(&r.payload) {
                Ok(Some(c)) => changes.push(c),
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(topic = self.topic, partition = r.partition, offset = r.offset,
                        error = %e, "skipping malformed record");
                    metrics::counter!("search_malformed_records_total", "topic" => self.topic)
                        .increment(1);
                }
            }
        }
        changes
    }

    /// Applies the changes, retrying while the store is unreachable. Returns false when
    /// shutdown came first (the records stay uncommitted and are read again).
    async fn apply_until_done(&self, changes: &[Change], shutdown: &CancellationToken) -> bool {
        loop {
            match apply(self.index.as_ref(), changes).await {
                Ok(written) => {
                    metrics::counter!("search_documents_written_total", "topic" => self.topic)
                        .increment(written as u64);
                    return true;
                }
                Err(e) => {
                    tracing::warn!(topic = self.topic, error = %format!("{e:#}"),
                        "index write failed, retrying");
                    metrics::counter!("search_index_errors_total", "topic" => self.topic)
                        .increment(1);
                    tokio::select! {
                        _ = shutdown.cancelled() => return false,
                        _ = tokio::time::sleep(RETRY_AFTER) => {}
                    }
                }
            }
        }
    }

    async fn checkpoint(
        &self,
        sub: &mut dyn Subscription,
        unflushed: &mut BTreeMap<i32, i64>,
    ) -> anyhow::Result<()> {
        if unflushed.is_empty() {
            return Ok(());
        }
        self.index.flush().await?;
        let offsets: Vec<(i32, i64)> = unflushed.iter().map(|(p, o)| (*p, *o)).collect();
        sub.commit(&offsets).await?;
        unflushed.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use platform_core::{AuctionId, UserId};

    #[test]
    fn private_events_change_nothing_and_unknown_kinds_are_malformed() {
        let ending = Event {
            auction_id: AuctionId::new(),
            seq: 4,
            at: chrono::Utc::now(),
            kind: EventKind::Ending {
                user_id: UserId::new(),
                ends_at: chrono::Utc::now(),
                title: Some("Leica".into()),
            },
        };
        let payload = serde_json::to_vec(&ending).unwrap();
        assert_eq!(state_change(&payload).unwrap(), None);
        // A kind this version does not know is skipped as malformed, never applied.
        let unknown = String::from_utf8(payload)
            .unwrap()
            .replace("\"ending\"", "\"future\"");
        assert!(state_change(unknown.as_bytes()).is_err());
    }
}
