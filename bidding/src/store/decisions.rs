//! Every bid with its outcome, for whoever measures the bid path after a run (the load
//! generators in `bench`): they read what the engine decided through these functions, not
//! through this schema's tables.

use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use sqlx::PgPool;
use vocabulary::{AuctionId, BidId, UserId};

/// One bid request and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Decision {
    pub bid_id: BidId,
    pub auction_id: AuctionId,
    pub bidder_id: UserId,
    /// `pending`, `accepted` or `rejected`.
    pub status: String,
    /// Why a rejected bid was rejected (`below_minimum`, ...).
    pub reason: Option<String>,
    /// The auction's `seq` of an accepted bid.
    pub seq: Option<i64>,
    /// Stamped by the intake before it stored and published the bid.
    pub received_at: DateTime<Utc>,
    /// Stamped by the engine as it wrote the decision, a moment before its batch commits.
    pub decided_at: Option<DateTime<Utc>>,
}

/// Bids still waiting for their outcome.
pub async fn pending(pool: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM bids WHERE status = 'pending'")
        .fetch_one(pool)
        .await
}

/// Every bid, read as a stream (a run may hold millions), ordered by auction, then by `seq`
/// (bids without one last).
pub fn decisions(pool: &PgPool) -> BoxStream<'_, sqlx::Result<Decision>> {
    sqlx::query_as::<_, Decision>(
        "SELECT bid_id, auction_id, bidder_id, status, reason, seq, received_at, decided_at
         FROM bids ORDER BY auction_id, seq NULLS LAST",
    )
    .fetch(pool)
}
