//! The engine: the single writer of every auction on the partitions it owns.
//!
//! It consumes the command topic in consumer group [`GROUP`]. Per batch it applies each
//! command to its auction in log order ([`crate::domain::apply`]), then stores outcomes,
//! auction states, the partitions' next offsets and the outgoing events in one
//! transaction ([`crate::store::engine::persist`]). Only then are the events handed to the
//! [`relay::Relay`], which publishes them to the event topic while the engine decides the
//! next batch; the command offsets are committed to the bus once their events are out.
//!
//! Recovery: Postgres, not the bus, says where each partition resumes. On assignment the
//! engine seeks to the stored offset and first relays any events of that partition still
//! in the outbox. A command is therefore applied exactly once however often the process
//! dies; its events are published at least once, in order, and carry `seq` so consumers
//! drop repeats.

mod apply;
mod relay;

use crate::domain::{AuctionState, Rules};
use crate::store::engine as store;
use platform_bus::{Bus, StartFrom, Subscription};
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use vocabulary::{topics::COMMANDS as COMMAND_TOPIC, AuctionId};

use apply::apply_batch;
use relay::Relay;

/// Consumer group of all engine instances.
pub const GROUP: &str = "bidding-engine";

pub struct Engine {
    pool: PgPool,
    bus: Arc<dyn Bus>,
    rules: Rules,
    batch_max: usize,
}

/// What the engine holds in memory between batches.
#[derive(Default)]
pub(crate) struct Owned {
    /// Next offset stored in Postgres for each owned partition (`None`: never stored).
    pub stored: HashMap<i32, Option<i64>>,
    /// States of the auctions seen recently, with the partition they live in.
    pub auctions: HashMap<AuctionId, (i32, AuctionState)>,
}

impl Owned {
    fn forget_partition(&mut self, partition: i32) {
        self.stored.remove(&partition);
        self.auctions.retain(|_, (p, _)| *p != partition);
    }
}

impl Engine {
    pub fn new(pool: PgPool, bus: Arc<dyn Bus>, rules: Rules, batch_max: usize) -> Self {
        Self {
            pool,
            bus,
            rules,
            batch_max: batch_max.max(1),
        }
    }

    /// Runs until `shutdown` fires; the batch in hand is finished, its events relayed and
    /// its offsets committed first.
    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let mut sub = self
            .bus
            .subscribe(COMMAND_TOPIC, GROUP, StartFrom::Earliest)
            .await?;
        let log_identity = self.bus.log_identity();
        let mut relay = Relay::start(self.pool.clone(), self.bus.clone(), shutdown.clone());
        let mut owned = Owned::default();
        tracing::info!("bid engine started");
        while !shutdown.is_cancelled() {
            commit_delivered(sub.as_mut(), &mut relay).await;
            let batch = tokio::select! {
                _ = shutdown.cancelled() => break,
                batch = sub.poll(self.batch_max, Duration::from_millis(200)) => batch?,
            };
            if !batch.revoked.is_empty() {
                // The next owner relays what is left in the outbox first; what is queued
                // here goes out before it looks, as far as this instance can help it.
                relay.drain().await;
                for p in &batch.revoked {
                    owned.forget_partition(*p);
                }
            }
            if !batch.assigned.is_empty() {
                self.take_over(sub.as_mut(), &relay, &batch.assigned, &mut owned)
                    .await?;
            }
            if batch.records.is_empty() {
                continue;
            }
            let partitions: Vec<i32> = {
                let mut ps: Vec<i32> = batch.records.iter().map(|r| r.partition).collect();
                ps.sort_unstable();
                ps.dedup();
                ps
            };
            match apply_batch(
                &self.pool,
                &log_identity,
                &self.rules,
                &mut owned,
                &batch.records,
            )
            .await
            {
                Ok(Some(delivery)) => relay.send(delivery).await?,
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "batch not stored, rewinding");
                    metrics::counter!("engine_batch_failures_total").increment(1);
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    self.rewind(sub.as_mut(), &relay, &partitions, &mut owned)
                        .await?;
                }
            }
        }
        tracing::info!("bid engine stopping");
        relay.drain().await;
        commit_delivered(sub.as_mut(), &mut relay).await;
        sub.close().await
    }

    /// Starts owning `partitions`: resume where Postgres says, after relaying leftovers.
    async fn take_over(
        &self,
        sub: &mut dyn Subscription,
        relay: &Relay,
        partitions: &[i32],
        owned: &mut Owned,
    ) -> anyhow::Result<()> {
        // Leftovers are read from the outbox: whatever this instance still has queued must
        // be out first, or it could follow newer events of the same auctions.
        relay.drain().await;
        let stored = store::load_offsets(
            &self.pool,
            COMMAND_TOPIC,
            &self.bus.log_identity(),
            partitions,
        )
        .await?;
        for &p in partitions {
            owned.auctions.retain(|_, (ap, _)| *ap != p);
            let next = stored.get(&p).copied();
            owned.stored.insert(p, next);
            sub.seek(p, next.unwrap_or(0)).await?;
            relay::flush_leftovers(&self.pool, self.bus.as_ref(), p).await?;
        }
        tracing::info!(?partitions, "engine took over partitions");
        Ok(())
    }

    /// Forgets what memory holds for `partitions` and goes back to what Postgres stored.
    async fn rewind(
        &self,
        sub: &mut dyn Subscription,
        relay: &Relay,
        partitions: &[i32],
        owned: &mut Owned,
    ) -> anyhow::Result<()> {
        let still_owned: Vec<i32> = partitions
            .iter()
            .copied()
            .filter(|p| owned.stored.contains_key(p))
            .collect();
        for &p in &still_owned {
            owned.forget_partition(p);
        }
        self.take_over(sub, relay, &still_owned, owned).await
    }
}

/// Commits to the bus the offsets whose events are out. Postgres holds the truth; a failed
/// bus commit only costs re-reading records the engine then skips.
async fn commit_delivered(sub: &mut dyn Subscription, relay: &mut Relay) {
    let owned = sub.assignment();
    let offsets: Vec<(i32, i64)> = relay
        .delivered_offsets()
        .into_iter()
        .filter(|(p, _)| owned.contains(p))
        .collect();
    if offsets.is_empty() {
        return;
    }
    if let Err(e) = sub.commit(&offsets).await {
        tracing::warn!(error = %format!("{e:#}"), "committing offsets to the bus failed");
    }
}
