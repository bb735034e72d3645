//! Records pending bids in batches, then publishes their commands in the order the bids
//! arrived.
//!
//! Under load many requests arrive within the time one insert takes; writing them as one
//! multi-row insert (one statement, one commit, one WAL flush) instead of one transaction
//! each keeps Postgres from being the intake's bottleneck. With no load a batch is one row
//! and adds no delay.
//!
//! Promises:
//! * No `202` without a stored pending row and a command acknowledged by the bus: a
//!   request's answer waits for both.
//! * Arrival order: one writer inserts the batches one after another, and one publisher
//!   issues each batch's commands in the order the requests reached the recorder before it
//!   awaits any acknowledgement (the bus keeps per-key order for records it received in
//!   order). Two bids on one auction that reach this instance one after the other are
//!   therefore decided in that order, and the later, higher bid is not refused as below a
//!   minimum it only missed because the requests overtook each other.

use crate::store::bids::{self, BidKind, PendingBid, StoredBid};
use platform_bus::Bus;
use sqlx::PgPool;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};
use vocabulary::{topics::COMMANDS as COMMAND_TOPIC, Command};

/// What became of a bid handed to the recorder.
pub enum Recorded {
    /// Stored as pending and acknowledged on the command topic.
    Published,
    /// Its idempotency key names this earlier bid; nothing new was stored.
    Earlier(Box<StoredBid>),
}

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("recording the pending bid failed: {0}")]
    Store(#[from] sqlx::Error),
    /// Recorded, but the bus did not take the command; the pending row was removed again.
    #[error("publishing the bid command failed: {0:#}")]
    Publish(anyhow::Error),
}

type Reply = oneshot::Sender<Result<Recorded, RecordError>>;
type Job = (PendingBid, Reply);

const MAX_BATCH: usize = 512;

#[derive(Clone)]
pub struct Recorder {
    jobs: mpsc::Sender<Job>,
}

impl Recorder {
    /// Starts the writer and the publisher; they end when every `Recorder` is dropped.
    pub fn start(pool: PgPool, bus: Arc<dyn Bus>) -> Self {
        let (jobs, rx) = mpsc::channel(4 * MAX_BATCH);
        let (stored_tx, stored_rx) = mpsc::channel(4);
        tokio::spawn(write_batches(pool.clone(), rx, stored_tx));
        tokio::spawn(publish_batches(pool, bus, stored_rx));
        Self { jobs }
    }

    pub async fn record(&self, bid: PendingBid) -> Result<Recorded, RecordError> {
        let (tx, rx) = oneshot::channel();
        if self.jobs.send((bid, tx)).await.is_err() {
            return Err(RecordError::Store(sqlx::Error::PoolClosed));
        }
        rx.await
            .unwrap_or(Err(RecordError::Store(sqlx::Error::PoolClosed)))
    }
}

/// The command the engine receives for a bid.
pub fn command_for(bid: &PendingBid) -> Command {
    match bid.kind {
        BidKind::Bid => Command::PlaceBid {
            auction_id: bid.auction_id,
            bid_id: bid.bid_id,
            bidder_id: bid.bidder_id,
            amount: bid.amount.unwrap_or_default(),
            max_amount: bid.max_amount,
            received_at: bid.received_at,
        },
        BidKind::BuyNow => Command::BuyNow {
            auction_id: bid.auction_id,
            bid_id: bid.bid_id,
            bidder_id: bid.bidder_id,
            received_at: bid.received_at,
        },
    }
}

/// Publishes `bids`' commands, issued in order; one result per bid.
pub async fn publish_in_order(bus: &dyn Bus, bids: &[&PendingBid]) -> Vec<anyhow::Result<()>> {
    let records: Vec<(String, serde_json::Result<Vec<u8>>)> = bids
        .iter()
        .map(|bid| {
            (
                bid.auction_id.to_string(),
                serde_json::to_vec(&command_for(bid)),
            )
        })
        .collect();
    let sends = records.iter().map(|(key, payload)| async move {
        let payload = payload.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
        bus.publish(COMMAND_TOPIC, key.as_bytes(), payload).await?;
        Ok(())
    });
    futures::future::join_all(sends).await
}

async fn write_batches(pool: PgPool, mut rx: mpsc::Receiver<Job>, stored: mpsc::Sender<Vec<Job>>) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let bids: Vec<PendingBid> = batch.iter().map(|(b, _)| b.clone()).collect();
        match bids::insert_pending_batch(&pool, &bids).await {
            Ok(inserted) => {
                let mut to_publish = Vec::with_capacity(batch.len());
                for (bid, reply) in batch.drain(..) {
                    if inserted.contains(&bid.bid_id) {
                        to_publish.push((bid, reply));
                        continue;
                    }
                    // Its idempotency key was taken: by an earlier request, or by another
                    // in this batch. The single-row path tells which bid holds it.
                    let answer = match bids::insert_pending(&pool, &bid).await {
                        Ok(Ok(())) => {
                            to_publish.push((bid, reply));
                            continue;
                        }
                        Ok(Err(earlier)) => Ok(Recorded::Earlier(Box::new(earlier))),
                        Err(e) => Err(RecordError::Store(e)),
                    };
                    let _ = reply.send(answer);
                }
                if !to_publish.is_empty() && stored.send(to_publish).await.is_err() {
                    return;
                }
            }
            Err(e) => {
                tracing::error!(error = %e, count = batch.len(), "recording pending bids failed");
                let message = e.to_string();
                for (_, reply) in batch.drain(..) {
                    let _ = reply.send(Err(RecordError::Store(sqlx::Error::Protocol(format!(
                        "recording failed: {message}"
                    )))));
                }
            }
        }
    }
}

async fn publish_batches(pool: PgPool, bus: Arc<dyn Bus>, mut rx: mpsc::Receiver<Vec<Job>>) {
    let mut batches: Vec<Vec<Job>> = Vec::new();
    while rx.recv_many(&mut batches, 4).await > 0 {
        let jobs: Vec<Job> = batches.drain(..).flatten().collect();
        let bids: Vec<&PendingBid> = jobs.iter().map(|(bid, _)| bid).collect();
        let results = publish_in_order(bus.as_ref(), &bids).await;
        for ((bid, reply), result) in jobs.into_iter().zip(results) {
            let answer = match result {
                Ok(()) => Ok(Recorded::Published),
                Err(e) => {
                    // No 202 goes out, so nothing was promised: the row goes again.
                    bids::delete_unpublished(&pool, bid.bid_id).await.ok();
                    Err(RecordError::Publish(e))
                }
            };
            let _ = reply.send(answer);
        }
    }
}
