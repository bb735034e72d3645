//! Records pending bids in batches. Under load many requests arrive within the time one
//! insert takes; writing them as one multi-row insert (one statement, one commit, one WAL
//! flush) instead of one transaction each is what keeps Postgres from being the intake's
//! bottleneck. A request waits for its own batch to commit before it publishes, so the
//! promise is unchanged: no `202` without a stored pending row. With no load a batch is
//! one row and adds no delay.

use crate::store::bids::{self, PendingBid, StoredBid};
use sqlx::PgPool;
use tokio::sync::{mpsc, oneshot};

/// The answer for one bid: recorded, or the earlier bid its idempotency key names.
pub type Recorded = sqlx::Result<Result<(), StoredBid>>;

type Job = (PendingBid, oneshot::Sender<Recorded>);

const MAX_BATCH: usize = 512;

#[derive(Clone)]
pub struct Recorder {
    jobs: mpsc::Sender<Job>,
}

impl Recorder {
    /// Starts the writer task; it ends when every `Recorder` clone is dropped.
    pub fn start(pool: PgPool) -> Self {
        let (jobs, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(write_batches(pool, rx));
        Self { jobs }
    }

    pub async fn record(&self, bid: PendingBid) -> Recorded {
        let (tx, rx) = oneshot::channel();
        if self.jobs.send((bid, tx)).await.is_err() {
            return Err(sqlx::Error::PoolClosed);
        }
        rx.await.unwrap_or(Err(sqlx::Error::PoolClosed))
    }
}

async fn write_batches(pool: PgPool, mut rx: mpsc::Receiver<Job>) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let bids: Vec<PendingBid> = batch.iter().map(|(b, _)| b.clone()).collect();
        match bids::insert_pending_batch(&pool, &bids).await {
            Ok(inserted) => {
                for (bid, reply) in batch.drain(..) {
                    let answer = if inserted.contains(&bid.bid_id) {
                        Ok(Ok(()))
                    } else {
                        // Its idempotency key was taken: by an earlier request, or by
                        // another in this batch. The single-row path tells which bid won.
                        bids::insert_pending(&pool, &bid).await
                    };
                    let _ = reply.send(answer);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, count = batch.len(), "recording pending bids failed");
                for (_, reply) in batch.drain(..) {
                    let _ =
                        reply.send(Err(sqlx::Error::Protocol(format!("recording failed: {e}"))));
                }
            }
        }
    }
}
