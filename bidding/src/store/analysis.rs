//! What `GET /api/auctions/{id}/analysis` reads: the engine's state of the auction and its
//! accepted bids in `seq` order, both from one snapshot so that they agree (the engine
//! writes outcomes and state in one transaction).

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use vocabulary::{Amount, AuctionId, BidId, UserId};

/// An accepted bid, with everything needed to apply its command again.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AcceptedBid {
    pub seq: i64,
    pub bid_id: BidId,
    pub bidder_id: UserId,
    /// `bid` or `buy_now`.
    pub kind: String,
    pub amount: Option<Amount>,
    pub max_amount: Option<Amount>,
    pub received_at: DateTime<Utc>,
}

/// The engine's stored state of the auction (`None` when the engine never heard of it)
/// and its accepted bids in `seq` order. The bids come from the index `bids_history`.
pub async fn auction_record(
    pool: &PgPool,
    auction_id: AuctionId,
) -> sqlx::Result<Option<(serde_json::Value, Vec<AcceptedBid>)>> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let state: Option<serde_json::Value> =
        sqlx::query_scalar("SELECT state::json FROM engine_auctions WHERE auction_id = $1")
            .bind(auction_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(state) = state else {
        return Ok(None);
    };
    let bids = sqlx::query_as::<_, AcceptedBid>(
        "SELECT o.seq, o.bid_id, r.bidder_id, r.kind, COALESCE(o.amount, r.amount) AS amount,
                r.max_amount, r.received_at
         FROM bid_outcomes o JOIN bid_requests r ON r.bid_id = o.bid_id
         WHERE o.auction_id = $1 AND o.status = 'accepted' ORDER BY o.seq",
    )
    .bind(auction_id)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some((state, bids)))
}
