//! A bidder's own bids, newest first, for `GET /api/me/bids` (index `bids_by_bidder`).

use super::bids::StoredBid;
use platform_core::cursor::Cursor;
use sqlx::PgPool;
use vocabulary::UserId;

/// Up to `limit` bids of `bidder`, newest received first, strictly after `after` (a
/// position `(received_at, bid_id)` of an earlier page).
pub async fn page(
    pool: &PgPool,
    bidder: UserId,
    after: Option<Cursor>,
    limit: i64,
) -> sqlx::Result<Vec<StoredBid>> {
    const SELECT: &str = "SELECT bid_id, auction_id, bidder_id, kind, amount, max_amount,
        request_hash, status, reason, seq, received_at FROM bids WHERE bidder_id = $1";
    match after {
        None => {
            sqlx::query_as(&format!(
                "{SELECT} ORDER BY received_at DESC, bid_id DESC LIMIT $2"
            ))
            .bind(bidder)
            .bind(limit)
            .fetch_all(pool)
            .await
        }
        Some(after) => {
            sqlx::query_as(&format!(
                "{SELECT} AND (received_at, bid_id) < ($2, $3)
                 ORDER BY received_at DESC, bid_id DESC LIMIT $4"
            ))
            .bind(bidder)
            .bind(after.at)
            .bind(after.id)
            .bind(limit)
            .fetch_all(pool)
            .await
        }
    }
}
