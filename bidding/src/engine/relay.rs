//! Outbox → event topic, off the engine's critical path.
//!
//! Once a batch is stored, the engine hands its events to the [`Relay`] and goes on to
//! decide the next batch while they are published. The relay publishes deliveries in the
//! order it received them (so each auction's events keep their order on the topic), retries
//! a failed publish until it goes through, then deletes the delivered outbox rows and
//! reports the command offsets the engine may commit to the bus. Whatever it could not
//! deliver stays in the outbox, and whoever owns the partition next relays it first
//! ([`flush_leftovers`]).

use crate::store::engine as store;
use platform_bus::Bus;
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use vocabulary::{topics::EVENTS as EVENT_TOPIC, AuctionId};

/// Stored batches whose events may wait for the relay at once. When the bus is slower
/// than the engine, the engine waits here instead of piling up events in memory.
const QUEUED_DELIVERIES: usize = 8;

/// The events of one stored batch, the outbox rows holding them, and the command offsets
/// the batch advanced to.
pub(crate) struct Delivery {
    pub events: Vec<(AuctionId, Vec<u8>)>,
    pub outbox_ids: Vec<i64>,
    pub offsets: Vec<(i32, i64)>,
}

enum Job {
    Deliver(Delivery),
    /// Answered once every delivery queued before it went out.
    Barrier(oneshot::Sender<()>),
}

pub(crate) struct Relay {
    jobs: mpsc::Sender<Job>,
    delivered: mpsc::UnboundedReceiver<Vec<(i32, i64)>>,
}

impl Relay {
    /// Starts the relay task; it ends when the `Relay` is dropped or `shutdown` fires.
    pub fn start(pool: PgPool, bus: Arc<dyn Bus>, shutdown: CancellationToken) -> Self {
        let (jobs, rx) = mpsc::channel(QUEUED_DELIVERIES);
        let (delivered_tx, delivered) = mpsc::unbounded_channel();
        tokio::spawn(deliver_all(pool, bus, rx, delivered_tx, shutdown));
        Self { jobs, delivered }
    }

    /// Queues a stored batch's events; waits while the relay is `QUEUED_DELIVERIES` behind.
    pub async fn send(&self, delivery: Delivery) -> anyhow::Result<()> {
        self.jobs
            .send(Job::Deliver(delivery))
            .await
            .map_err(|_| anyhow::anyhow!("the event relay stopped"))
    }

    /// Waits until everything queued so far is published (or the relay stopped).
    pub async fn drain(&self) {
        let (tx, rx) = oneshot::channel();
        if self.jobs.send(Job::Barrier(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }

    /// The highest delivered offset per partition since the last call.
    pub fn delivered_offsets(&mut self) -> Vec<(i32, i64)> {
        let mut highest: BTreeMap<i32, i64> = BTreeMap::new();
        while let Ok(offsets) = self.delivered.try_recv() {
            for (partition, next) in offsets {
                let entry = highest.entry(partition).or_insert(next);
                *entry = (*entry).max(next);
            }
        }
        highest.into_iter().collect()
    }
}

async fn deliver_all(
    pool: PgPool,
    bus: Arc<dyn Bus>,
    mut jobs: mpsc::Receiver<Job>,
    delivered: mpsc::UnboundedSender<Vec<(i32, i64)>>,
    shutdown: CancellationToken,
) {
    let mut queued = Vec::with_capacity(QUEUED_DELIVERIES);
    while jobs.recv_many(&mut queued, QUEUED_DELIVERIES).await > 0 {
        // Everything queued goes out as one run of publishes, issued in order.
        let mut barriers = Vec::new();
        let mut deliveries = Vec::new();
        for job in queued.drain(..) {
            match job {
                Job::Deliver(d) => deliveries.push(d),
                Job::Barrier(done) => barriers.push(done),
            }
        }
        let events: Vec<&(AuctionId, Vec<u8>)> =
            deliveries.iter().flat_map(|d| &d.events).collect();
        let mut wait = Duration::from_millis(50);
        while let Err(e) = publish_in_order(bus.as_ref(), events.iter().copied()).await {
            tracing::warn!(error = %format!("{e:#}"), "relaying events failed, retrying");
            metrics::counter!("engine_relay_failures_total").increment(1);
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(wait) => {}
            }
            wait = (wait * 2).min(Duration::from_secs(2));
        }
        let ids: Vec<i64> = deliveries
            .iter()
            .flat_map(|d| d.outbox_ids.iter().copied())
            .collect();
        // A row left behind is only published again (consumers drop repeats by `seq`).
        if let Err(e) = store::delete_outbox(&pool, &ids).await {
            tracing::warn!(error = %e, "deleting relayed outbox rows failed");
        }
        for d in deliveries {
            let _ = delivered.send(d.offsets);
        }
        for done in barriers {
            let _ = done.send(());
        }
    }
}

/// Publishes `events` in order and waits for all acknowledgements. The publishes are
/// issued in order before any is awaited: the bus keeps per-key order for records it
/// received in order, so this is as ordered as awaiting them one by one, and much faster.
pub async fn publish_in_order<'a>(
    bus: &dyn Bus,
    events: impl IntoIterator<Item = &'a (AuctionId, Vec<u8>)>,
) -> anyhow::Result<()> {
    let events: Vec<(String, &[u8])> = events
        .into_iter()
        .map(|(auction, payload)| (auction.to_string(), payload.as_slice()))
        .collect();
    let sends = events
        .iter()
        .map(|(key, payload)| bus.publish(EVENT_TOPIC, key.as_bytes(), payload));
    futures::future::try_join_all(sends).await?;
    Ok(())
}

/// Relays what a previous owner of `partition` stored but did not confirm as published.
pub async fn flush_leftovers(pool: &PgPool, bus: &dyn Bus, partition: i32) -> anyhow::Result<()> {
    let (ids, stored) = store::pending_outbox(pool, partition).await?;
    if ids.is_empty() {
        return Ok(());
    }
    let mut events = Vec::with_capacity(stored.len());
    for json in stored {
        let event: vocabulary::Event = serde_json::from_value(json)?;
        events.push((event.auction_id, serde_json::to_vec(&event)?));
    }
    publish_in_order(bus, &events).await?;
    store::delete_outbox(pool, &ids).await?;
    tracing::info!(partition, count = events.len(), "relayed leftover events");
    Ok(())
}
