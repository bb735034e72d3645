//! The consumer: reads the event topic, stores public events, and advances the feeds.
//!
//! Design (the same for one instance or many, first start or restart):
//! * Every instance reads every partition: its consumer group is its own
//!   (`NOTIFICATION_GROUP`, or `notification-<uuid>` at every start), so instances never
//!   split the topic between them.
//! * A group reads from the earliest retained record the first time, and afterwards from
//!   what it committed: a restart in the same group resumes where the instance stopped,
//!   an added instance (or a restart in a new group) re-reads the topic. Reading again
//!   what is stored costs nothing, because a feed is loaded from the history (newest
//!   `seq`) before its first event, and an event at or below the feed's `seq` is dropped
//!   before it is stored or sent. This is also how redeliveries and duplicates published
//!   twice are dropped. An instance that comes back in its group within the broker's
//!   session timeout of a crash shares the group with its dead self until the broker
//!   notices (6 s): events of the partitions still given to the dead member arrive that
//!   much later, none is lost.
//! * Offsets are committed only after their batch is stored and sent.
//! * A batch is stored (one transaction, retried until the database takes it) before any
//!   of it is sent, so any id a client is given can be resumed from the history.
//! * A `seq` that jumps (events missing on this instance's path) is filled from the
//!   history, which another instance may have stored; if that cannot fill it, streams get
//!   a fresh `snapshot` and the hole is logged and counted.
//! * Private notices are live only: while the consumer is catching up with the topic
//!   (before its first empty poll) a notice emitted before this instance started is
//!   history and is not sent again.
//! * A record that is not an `Event` is logged, counted and skipped; it never stops
//!   the consumer.

use super::pause;
use crate::history::History;
use crate::hub::views::AuctionUpdate;
use crate::hub::{AuctionFeed, Hub};
use chrono::{DateTime, Utc};
use platform_bus::{Bus, Record, StartFrom};
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use vocabulary::{topics::EVENTS as EVENT_TOPIC, AuctionId, Event};

const POLL_WAIT: Duration = Duration::from_millis(500);
const RETRY: Duration = Duration::from_secs(1);
const YIELD_EVERY: usize = 32;

pub struct Consumer {
    pub hub: Arc<Hub>,
    pub history: History,
    pub bus: Arc<dyn Bus>,
    /// Most records per poll (and per transaction).
    pub batch: usize,
    /// The consumer group (this instance's own).
    pub group: String,
}

/// A public event this instance has not applied yet.
struct Fresh<'a> {
    feed: Arc<AuctionFeed>,
    event: Event,
    /// The event as the topic carried it, which the history keeps.
    record: &'a str,
    update: AuctionUpdate,
}

impl Consumer {
    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let group = self.group.clone();
        let started_at = Utc::now();
        let mut sub = self
            .bus
            .subscribe(EVENT_TOPIC, &group, StartFrom::Earliest)
            .await?;
        tracing::info!(group, "event consumer started");
        let mut caught_up = false;
        loop {
            let polled = tokio::select! {
                _ = shutdown.cancelled() => break,
                polled = sub.poll(self.batch.max(1), POLL_WAIT) => polled,
            };
            let records = match polled {
                Ok(batch) => batch.records,
                Err(e) => {
                    tracing::warn!(error = %format!("{e:#}"), "event poll failed");
                    if !pause(RETRY, &shutdown).await {
                        break;
                    }
                    continue;
                }
            };
            if records.is_empty() {
                if !caught_up {
                    tracing::info!(group, "event consumer caught up");
                }
                caught_up = true;
                continue;
            }
            let events = decode(&records);
            if !self.apply(events, caught_up, started_at, &shutdown).await {
                break;
            }
            // Nobody else reads with this group; committing keeps its lag visible and
            // lets a restart in the same group resume after this batch.
            if let Err(e) = sub.commit(&next_offsets(&records)).await {
                tracing::debug!(error = %format!("{e:#}"), "event offset commit failed");
            }
        }
        sub.close().await
    }

    /// Applies one batch; `false` at shutdown.
    async fn apply(
        &self,
        events: Vec<(Event, &str)>,
        caught_up: bool,
        started_at: DateTime<Utc>,
        shutdown: &CancellationToken,
    ) -> bool {
        let (public, notices): (Vec<_>, Vec<_>) =
            events.into_iter().partition(|(event, _)| event.is_public());
        let Some(fresh) = self.fresh(public, shutdown).await else {
            return false;
        };
        let rows: Vec<(&Event, &str)> = fresh.iter().map(|f| (&f.event, f.record)).collect();
        loop {
            match self.history.record(&rows).await {
                Ok(()) => break,
                Err(e) => {
                    tracing::warn!(error = %format!("{e:#}"), "storing events failed, retrying");
                    if !pause(RETRY, shutdown).await {
                        return false;
                    }
                }
            }
        }
        for (i, f) in fresh.into_iter().enumerate() {
            self.advance(f).await;
            // A burst for one auction must not fill healthy streams' buffers before their
            // tasks get to run: let them drain now and then.
            if i % YIELD_EVERY == YIELD_EVERY - 1 {
                tokio::task::yield_now().await;
            }
        }
        for (notice, _) in notices {
            if caught_up || notice.at >= started_at {
                self.hub.deliver_notice(&notice);
            }
        }
        true
    }

    /// The public events of the batch above their feed's `seq`, in order; `None` at
    /// shutdown.
    async fn fresh<'a>(
        &self,
        public: Vec<(Event, &'a str)>,
        shutdown: &CancellationToken,
    ) -> Option<Vec<Fresh<'a>>> {
        let mut last: HashMap<AuctionId, (Arc<AuctionFeed>, i64)> = HashMap::new();
        let mut fresh = Vec::with_capacity(public.len());
        for (event, record) in public {
            let (feed, seq) = match last.entry(event.auction_id) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(new) => {
                    let feed = self.feed(event.auction_id, shutdown).await?;
                    let seq = feed.seq();
                    new.insert((feed, seq))
                }
            };
            if event.seq <= *seq {
                metrics::counter!("notification_duplicates_total", "stream" => "auction")
                    .increment(1);
                continue;
            }
            *seq = event.seq;
            let Some(update) = AuctionUpdate::of(&event) else {
                continue;
            };
            fresh.push(Fresh {
                feed: feed.clone(),
                event,
                record,
                update,
            });
        }
        Some(fresh)
    }

    /// The feed of an auction, retrying while the database is unreachable.
    async fn feed(
        &self,
        auction_id: AuctionId,
        shutdown: &CancellationToken,
    ) -> Option<Arc<AuctionFeed>> {
        loop {
            match self.hub.feed_for_event(auction_id).await {
                Ok(feed) => return Some(feed),
                Err(e) => {
                    tracing::warn!(error = %format!("{e:#}"), %auction_id, "loading a feed failed, retrying");
                    if !pause(RETRY, shutdown).await {
                        return None;
                    }
                }
            }
        }
    }

    async fn advance(&self, f: Fresh<'_>) {
        let Fresh {
            mut feed,
            event,
            update,
            ..
        } = f;
        // A feed forgotten since the batch began is loaded again (it already has the
        // event stored, so the reload may be at or past it).
        if feed.is_evicted() {
            match self.hub.feed_for_event(event.auction_id).await {
                Ok(reloaded) => feed = reloaded,
                Err(e) => {
                    tracing::warn!(error = %format!("{e:#}"), auction_id = %event.auction_id, "reloading a feed failed");
                    return;
                }
            }
        }
        let current = feed.seq();
        if event.seq <= current {
            return;
        }
        if event.seq > current + 1 {
            self.fill_gap(&feed, &event, current).await;
        }
        feed.advance(&event, update);
    }

    /// Sends the stored events between the feed's `seq` and `event`, when the history
    /// holds all of them.
    async fn fill_gap(&self, feed: &Arc<AuctionFeed>, event: &Event, current: i64) {
        let auction_id = event.auction_id;
        match self
            .history
            .events_between(auction_id, current, event.seq - 1)
            .await
        {
            Ok(Some(stored)) => feed.fill(stored),
            Ok(None) => {
                tracing::warn!(%auction_id, from = current + 1, to = event.seq - 1, "events missing, streams get a snapshot");
                metrics::counter!("notification_gaps_total").increment(1);
            }
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), %auction_id, "reading events to fill a gap failed, streams get a snapshot");
                metrics::counter!("notification_gaps_total").increment(1);
            }
        }
    }
}

/// The events of a batch, each with its record's text; records that are not events are
/// logged, counted and skipped.
fn decode(records: &[Record]) -> Vec<(Event, &str)> {
    records
        .iter()
        .filter_map(|record| {
            // A record that is JSON is UTF-8 text.
            let decoded = std::str::from_utf8(&record.payload)
                .map_err(|e| e.to_string())
                .and_then(|text| {
                    serde_json::from_str::<Event>(text)
                        .map(|event| (event, text))
                        .map_err(|e| e.to_string())
                });
            match decoded {
                Ok(event) => Some(event),
                Err(e) => {
                    tracing::warn!(partition = record.partition, offset = record.offset, error = %e, "skipped a record that is not an event");
                    metrics::counter!("notification_skipped_records_total", "reason" => "malformed")
                        .increment(1);
                    None
                }
            }
        })
        .collect()
}

/// For each partition, the offset after the last record of the batch.
fn next_offsets(records: &[Record]) -> Vec<(i32, i64)> {
    let mut next: HashMap<i32, i64> = HashMap::new();
    for r in records {
        let entry = next.entry(r.partition).or_insert(r.offset + 1);
        *entry = (*entry).max(r.offset + 1);
    }
    next.into_iter().collect()
}
