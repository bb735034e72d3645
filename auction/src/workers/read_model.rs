//! The read model: keeps each auction row's public state (price, bids, leader, status,
//! end, result) in step with the engine's events on the event topic.
//!
//! Promises:
//! * At least once, idempotent: offsets are committed only after the batch is stored, and
//!   a row only takes a state with a newer `seq` (see `store::read_model`), so anything
//!   delivered again changes nothing.
//! * Never stuck: a record that is not an `Event` is logged with its partition and offset,
//!   counted in `auction_read_model_skipped_total` and skipped; a state the database
//!   refuses is skipped the same way. Only an unreachable database holds the batch back
//!   (retried until it lands or shutdown).

use super::pause;
use crate::store::read_model::{self, Update};
use platform_bus::{Bus, Pace, Record, StartFrom, Subscription};
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use vocabulary::{topics::EVENTS as EVENT_TOPIC, AuctionId, Event};

/// Consumer group of the read model on the event topic.
pub const GROUP: &str = "auction-read-model";
const POLL_WAIT: Duration = Duration::from_millis(500);
const RETRY: Duration = Duration::from_secs(1);

pub struct ReadModel {
    pool: PgPool,
    bus: Arc<dyn Bus>,
    /// Most records per poll (and per transaction).
    batch: usize,
}

impl ReadModel {
    pub fn new(pool: PgPool, bus: Arc<dyn Bus>, batch: usize) -> Self {
        Self {
            pool,
            bus,
            batch: batch.max(1),
        }
    }

    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let mut sub = self
            .bus
            .subscribe_at(EVENT_TOPIC, GROUP, StartFrom::Earliest, Pace::Relaxed)
            .await?;
        while let Some(records) = self.next_records(sub.as_mut(), &shutdown).await {
            if records.is_empty() {
                continue;
            }
            let updates = newest_per_auction(&records);
            if !self.store(&updates, &shutdown).await {
                break;
            }
            let owned = sub.assignment();
            let offsets: Vec<(i32, i64)> = next_offsets(&records)
                .into_iter()
                .filter(|(partition, _)| owned.contains(partition))
                .collect();
            // A failed commit only means these records come again; applying them is a no-op.
            if let Err(e) = sub.commit(&offsets).await {
                tracing::warn!(error = %format!("{e:#}"), "read model offset commit failed");
            }
        }
        sub.close().await
    }

    /// The next polled records; `None` at shutdown. Poll failures are retried.
    async fn next_records(
        &self,
        sub: &mut dyn Subscription,
        shutdown: &CancellationToken,
    ) -> Option<Vec<Record>> {
        loop {
            let polled = tokio::select! {
                _ = shutdown.cancelled() => return None,
                polled = sub.poll(self.batch, POLL_WAIT) => polled,
            };
            match polled {
                Ok(batch) => return Some(batch.records),
                Err(e) => {
                    tracing::warn!(error = %format!("{e:#}"), "read model poll failed");
                    if !pause(RETRY, shutdown).await {
                        return None;
                    }
                }
            }
        }
    }

    /// Stores the batch, retrying while the database is unreachable; `false` at shutdown.
    async fn store(&self, updates: &[Update], shutdown: &CancellationToken) -> bool {
        loop {
            match self.apply(updates).await {
                Ok(changed) => {
                    metrics::counter!("auction_read_model_rows_updated_total").increment(changed);
                    return true;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "read model write failed, retrying");
                    if !pause(RETRY, shutdown).await {
                        return false;
                    }
                }
            }
        }
    }

    /// One transaction for the whole batch. When the database refuses the batch because of
    /// one state (a constraint), each update is applied alone and the refused ones skipped.
    async fn apply(&self, updates: &[Update]) -> sqlx::Result<u64> {
        let mut tx = self.pool.begin().await?;
        match read_model::apply(&mut tx, updates).await {
            Ok(changed) => {
                tx.commit().await?;
                Ok(changed)
            }
            Err(sqlx::Error::Database(_)) => {
                tx.rollback().await?;
                let mut changed = 0;
                let mut conn = self.pool.acquire().await?;
                for update in updates {
                    match read_model::apply(&mut conn, std::slice::from_ref(update)).await {
                        Ok(n) => changed += n,
                        Err(sqlx::Error::Database(e)) => {
                            tracing::warn!(auction_id = %update.auction_id, seq = update.seq, error = %e, "read model skipped a state the database refused");
                            metrics::counter!("auction_read_model_skipped_total", "reason" => "refused").increment(1);
                        }
                        Err(e) => return Err(e),
                    }
                }
                Ok(changed)
            }
            Err(e) => Err(e),
        }
    }
}

/// The newest public state per auction in the batch. Each public event carries the whole
/// state, so only the highest `seq` matters. Private events carry nothing for this model.
fn newest_per_auction(records: &[Record]) -> Vec<Update> {
    let mut newest: HashMap<AuctionId, Update> = HashMap::new();
    for record in records {
        let event: Event = match serde_json::from_slice(&record.payload) {
            Ok(event) => event,
            Err(e) => {
                tracing::warn!(partition = record.partition, offset = record.offset, error = %e, "read model skipped a record that is not an event");
                metrics::counter!("auction_read_model_skipped_total", "reason" => "malformed")
                    .increment(1);
                continue;
            }
        };
        let Some(state) = event.public_state() else {
            continue;
        };
        let update = Update {
            auction_id: event.auction_id,
            seq: event.seq,
            state: state.clone(),
        };
        match newest.get(&event.auction_id) {
            Some(seen) if seen.seq >= update.seq => {}
            _ => {
                newest.insert(event.auction_id, update);
            }
        }
    }
    newest.into_values().collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use vocabulary::{Amount, AuctionStatus, EventKind, PublicState};

    fn record(partition: i32, offset: i64, payload: Vec<u8>) -> Record {
        Record {
            headers: Vec::new(),
            topic: EVENT_TOPIC.into(),
            partition,
            offset,
            key: Vec::new(),
            payload,
        }
    }

    fn price_event(auction_id: AuctionId, seq: i64, price: i64) -> Vec<u8> {
        let state = PublicState {
            status: AuctionStatus::Open,
            starts_at: None,
            ends_at: None,
            current_price: Amount::minor(price),
            bid_count: seq,
            leading_bidder_id: None,
            reserve_met: false,
            winner_id: None,
            final_price: None,
            minimum_bid: None,
        };
        let event = Event {
            auction_id,
            seq,
            at: Utc::now(),
            kind: EventKind::Opened { state },
        };
        serde_json::to_vec(&event).unwrap()
    }

    #[test]
    fn keeps_the_newest_state_per_auction_and_skips_garbage() {
        let a = AuctionId::new();
        let b = AuctionId::new();
        let records = vec![
            record(0, 10, price_event(a, 2, 200)),
            record(0, 11, b"not json".to_vec()),
            record(0, 12, price_event(a, 1, 100)),
            record(1, 5, price_event(b, 7, 700)),
            record(0, 13, price_event(a, 3, 300)),
        ];
        let mut updates = newest_per_auction(&records);
        updates.sort_by_key(|u| u.seq);
        assert_eq!(updates.len(), 2);
        assert_eq!(
            (updates[0].auction_id, updates[0].state.current_price.get()),
            (a, 300)
        );
        assert_eq!((updates[1].auction_id, updates[1].seq), (b, 7));
        let mut offsets = next_offsets(&records);
        offsets.sort();
        assert_eq!(offsets, vec![(0, 14), (1, 6)]);
    }
}
