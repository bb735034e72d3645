//! Keeps the index current from the logs: the event topic gives the state (group
//! `search-indexer`), the command topic's `List` commands give the words (group
//! `search-catalog`). Each source has its own loop and its own committed position.
//!
//! Promises:
//! * Offsets are committed only after the index has made the records' effects durable
//!   (`flush`), so a restart resumes where the index is; reading a record twice is
//!   harmless because writes are versioned.
//! * A record that cannot be decoded is logged, counted and skipped, never retried.
//! * Never stuck and never ended by a passing fault: a failed poll, index write, flush or
//!   offset commit is logged, counted (`search_index_errors_total`) and tried again after a
//!   pause, as the read model and the notification consumer do. Nothing is committed
//!   until what it covers is flushed.
//! * When records are waiting, their changes are applied and the index flushed at least
//!   every `cadence`, which is how long a change may take to become searchable.
//! * Changes wait for the cadence (or for a poll that finds nothing new) and are applied
//!   together, so a busy auction is re-indexed once per cadence, not once per poll: under
//!   load a poll returns every few milliseconds with a few records of many auctions.

use crate::domain::Change;
use crate::port::{apply, SearchIndex};
use platform_bus::{Bus, Pace, Record, StartFrom, Subscription};
use platform_core::shutdown::pause;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use vocabulary::{topics::COMMANDS as COMMAND_TOPIC, topics::EVENTS as EVENT_TOPIC};
use vocabulary::{Command, Event, EventKind};

pub const EVENT_GROUP: &str = "search-indexer";
pub const CATALOG_GROUP: &str = "search-catalog";
const BATCH: usize = 1000;
/// Most decoded changes held back before they are applied, whatever the cadence. It bounds
/// one application's fetch and write: at most this many documents in one Elasticsearch
/// `_mget` and `_bulk` (a few MB).
const MAX_WAITING: usize = 5_000;
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// The state an event carries; `None` for private events.
pub fn state_change(payload: &[u8]) -> Result<Option<Change>, serde_json::Error> {
    let event: Event = serde_json::from_slice(payload)?;
    let Some(state) = event.public_state() else {
        return Ok(None);
    };
    let (terms, listing) = match &event.kind {
        EventKind::Listed { terms, listing, .. } => (Some(terms.clone()), listing.clone()),
        _ => (None, None),
    };
    Ok(Some(Change::State {
        auction_id: event.auction_id,
        seq: event.seq,
        at: event.at,
        terms,
        listing,
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
        // Changes read but not applied yet, and the next offset to read per partition,
        // read but not yet committed.
        let mut waiting: Vec<Change> = Vec::new();
        let mut unflushed: BTreeMap<i32, i64> = BTreeMap::new();
        let mut oldest: Option<Instant> = None;
        loop {
            let polled = tokio::select! {
                _ = shutdown.cancelled() => break,
                polled = sub.poll(BATCH, self.cadence) => polled,
            };
            let batch = match polled {
                Ok(batch) => batch,
                Err(e) => {
                    self.failed("poll", &e);
                    if !pause(RETRY_AFTER, &shutdown).await {
                        break;
                    }
                    continue;
                }
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
                waiting.extend(self.decode_all(&batch.records));
                for r in &batch.records {
                    unflushed.insert(r.partition, r.offset + 1);
                }
                oldest.get_or_insert_with(Instant::now);
            }
            let due =
                oldest.is_some_and(|t| t.elapsed() >= self.cadence) || waiting.len() >= MAX_WAITING;
            if due || (batch.records.is_empty() && !unflushed.is_empty()) {
                if !self.apply_until_done(&waiting, &shutdown).await {
                    // Shutdown came first: nothing read since the last checkpoint is
                    // committed, so it is all read again.
                    return sub.close().await;
                }
                waiting.clear();
                if let Err(e) = self.checkpoint(sub.as_mut(), &mut unflushed).await {
                    // What is not committed stays in `unflushed` and is due at once.
                    self.failed("checkpoint", &e);
                    if !pause(RETRY_AFTER, &shutdown).await {
                        break;
                    }
                    continue;
                }
                oldest = None;
            }
        }
        // What was read since the last checkpoint is applied once, without retries; if
        // that fails nothing is committed, and it is all read again after the restart.
        if waiting.is_empty() || apply(self.index.as_ref(), &waiting).await.is_ok() {
            self.checkpoint(sub.as_mut(), &mut unflushed).await?;
        }
        sub.close().await
    }

    fn failed(&self, what: &'static str, error: &anyhow::Error) {
        tracing::warn!(topic = self.topic, what, error = %format!("{error:#}"),
            "search indexing step failed, retrying");
        metrics::counter!("search_index_errors_total", "topic" => self.topic, "step" => what)
            .increment(1);
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
        if changes.is_empty() {
            return true;
        }
        loop {
            match apply(self.index.as_ref(), changes).await {
                Ok(written) => {
                    metrics::counter!("search_documents_written_total", "topic" => self.topic)
                        .increment(written as u64);
                    return true;
                }
                Err(e) => {
                    self.failed("write", &e);
                    if !pause(RETRY_AFTER, shutdown).await {
                        return false;
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
    use crate::adapters::embedded::EmbeddedIndex;
    use crate::domain::query::{SearchPage, SearchQuery};
    use crate::domain::AuctionDoc;
    use platform_bus::memory::MemoryBus;
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use vocabulary::Amount;
    use vocabulary::{AuctionId, AuctionStatus, BidId, PublicState, UserId};

    /// The in-memory index, counting the calls that write documents.
    struct Counting {
        inner: EmbeddedIndex,
        writes: AtomicUsize,
    }

    #[async_trait::async_trait]
    impl SearchIndex for Counting {
        async fn fetch(&self, ids: &[AuctionId]) -> anyhow::Result<HashMap<AuctionId, AuctionDoc>> {
            self.inner.fetch(ids).await
        }
        async fn write(&self, docs: Vec<AuctionDoc>) -> anyhow::Result<Vec<AuctionId>> {
            self.writes.fetch_add(1, Ordering::SeqCst);
            self.inner.write(docs).await
        }
        async fn flush(&self) -> anyhow::Result<()> {
            self.inner.flush().await
        }
        async fn search(&self, query: &SearchQuery) -> anyhow::Result<SearchPage> {
            self.inner.search(query).await
        }
        async fn clear(&self) -> anyhow::Result<()> {
            self.inner.clear().await
        }
        async fn ping(&self) -> anyhow::Result<()> {
            self.inner.ping().await
        }
        fn is_volatile(&self) -> bool {
            self.inner.is_volatile()
        }
    }

    fn price_event(auction_id: AuctionId, seq: i64) -> Vec<u8> {
        let bidder = UserId::new();
        let state = PublicState {
            status: AuctionStatus::Open,
            starts_at: Some(chrono::Utc::now()),
            ends_at: Some(chrono::Utc::now() + chrono::Duration::hours(1)),
            current_price: Amount::minor(1_000 + seq),
            bid_count: seq,
            leading_bidder_id: Some(bidder),
            reserve_met: true,
            winner_id: None,
            final_price: None,
            minimum_bid: Some(Amount::minor(1_100 + seq)),
        };
        let event = Event {
            auction_id,
            seq,
            at: chrono::Utc::now(),
            kind: EventKind::Price {
                bid_id: BidId::new(),
                amount: Amount::minor(1_000 + seq),
                bidder_id: bidder,
                state,
            },
        };
        serde_json::to_vec(&event).unwrap()
    }

    /// Runs an event follower over `sub` into `index` until the token is cancelled.
    fn follow_events(
        sub: Box<dyn Subscription>,
        index: Arc<dyn SearchIndex>,
        cadence: Duration,
    ) -> (
        tokio::task::JoinHandle<anyhow::Result<()>>,
        CancellationToken,
    ) {
        let follower = Follower {
            topic: EVENT_TOPIC,
            index,
            decode: state_change,
            cadence,
        };
        let shutdown = CancellationToken::new();
        (tokio::spawn(follower.run(sub, shutdown.clone())), shutdown)
    }

    /// A subscription whose first polls and first commits fail, as over a broker that is
    /// restarting; `commits` counts every commit tried.
    struct Faulty {
        inner: Box<dyn Subscription>,
        failing_polls: usize,
        failing_commits: usize,
        commits: Arc<AtomicUsize>,
    }

    #[async_trait::async_trait]
    impl Subscription for Faulty {
        async fn poll(
            &mut self,
            max: usize,
            wait: Duration,
        ) -> anyhow::Result<platform_bus::Batch> {
            if self.failing_polls > 0 {
                self.failing_polls -= 1;
                anyhow::bail!("the broker is unreachable");
            }
            self.inner.poll(max, wait).await
        }
        async fn seek(&mut self, partition: i32, offset: i64) -> anyhow::Result<()> {
            self.inner.seek(partition, offset).await
        }
        async fn commit(&mut self, offsets: &[(i32, i64)]) -> anyhow::Result<()> {
            self.commits.fetch_add(1, Ordering::SeqCst);
            if self.failing_commits > 0 {
                self.failing_commits -= 1;
                anyhow::bail!("the coordinator moved");
            }
            self.inner.commit(offsets).await
        }
        fn assignment(&self) -> Vec<i32> {
            self.inner.assignment()
        }
        async fn close(self: Box<Self>) -> anyhow::Result<()> {
            self.inner.close().await
        }
    }

    #[tokio::test]
    async fn failed_polls_and_commits_are_retried_and_the_indexer_goes_on() {
        let bus = MemoryBus::new();
        bus.ensure_topic(EVENT_TOPIC, 1).await.unwrap();
        let id = AuctionId::new();
        bus.publish(EVENT_TOPIC, id.to_string().as_bytes(), &price_event(id, 1))
            .await
            .unwrap();
        let commits = Arc::new(AtomicUsize::new(0));
        let sub = Faulty {
            inner: bus
                .subscribe_at(EVENT_TOPIC, "indexer", StartFrom::Earliest, Pace::Relaxed)
                .await
                .unwrap(),
            failing_polls: 2,
            failing_commits: 1,
            commits: commits.clone(),
        };
        let index = Arc::new(EmbeddedIndex::in_memory().unwrap());
        let (task, shutdown) =
            follow_events(Box::new(sub), index.clone(), Duration::from_millis(50));

        let deadline = Instant::now() + Duration::from_secs(30);
        while commits.load(Ordering::SeqCst) < 2 {
            assert!(!task.is_finished(), "the indexer ended");
            assert!(Instant::now() < deadline, "no second commit");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let found = index.fetch(&[id]).await.unwrap();
        assert_eq!(
            found[&id].state.as_ref().unwrap().current_price,
            Amount::minor(1_001)
        );

        shutdown.cancel();
        task.await.unwrap().unwrap();
        // The retried commit landed: a new member of the group starts after the record.
        let mut again = bus
            .subscribe_at(EVENT_TOPIC, "indexer", StartFrom::Earliest, Pace::Relaxed)
            .await
            .unwrap();
        let batch = again.poll(10, Duration::from_millis(100)).await.unwrap();
        assert!(
            batch.records.is_empty(),
            "{} records again",
            batch.records.len()
        );
    }

    #[tokio::test]
    async fn a_busy_auction_is_written_once_per_cadence_not_once_per_poll() {
        let bus = MemoryBus::new();
        bus.ensure_topic(EVENT_TOPIC, 2).await.unwrap();
        let sub = bus
            .subscribe_at(EVENT_TOPIC, "indexer", StartFrom::Earliest, Pace::Relaxed)
            .await
            .unwrap();
        let index = Arc::new(Counting {
            inner: EmbeddedIndex::in_memory().unwrap(),
            writes: AtomicUsize::new(0),
        });
        let (task, shutdown) = follow_events(sub, index.clone(), Duration::from_secs(2));

        // Twenty prices 10 ms apart: the follower's polls find them one or two at a time.
        let id = AuctionId::new();
        for seq in 1..=20 {
            bus.publish(
                EVENT_TOPIC,
                id.to_string().as_bytes(),
                &price_event(id, seq),
            )
            .await
            .unwrap();
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found = index.fetch(&[id]).await.unwrap();
            if found
                .get(&id)
                .and_then(|d| d.state.as_ref())
                .map(|s| s.current_price)
                == Some(Amount::minor(1_020))
            {
                break;
            }
            assert!(Instant::now() < deadline, "the last price never arrived");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let writes = index.writes.load(Ordering::SeqCst);
        assert!(writes <= 2, "{writes} writes for twenty prices");

        shutdown.cancel();
        task.await.unwrap().unwrap();
    }

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
