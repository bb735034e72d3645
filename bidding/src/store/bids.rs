//! Bids as the intake and the read endpoints see them: the intake writes `bid_requests`,
//! the engine `bid_outcomes`, and the view `bids` shows each request with its outcome
//! (`pending` until there is one).

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use vocabulary::{Amount, AuctionId, BidId, UserId};

/// What the intake records before it publishes a command.
#[derive(Clone, Debug)]
pub struct PendingBid {
    pub bid_id: BidId,
    pub auction_id: AuctionId,
    pub bidder_id: UserId,
    pub kind: BidKind,
    pub amount: Option<Amount>,
    pub max_amount: Option<Amount>,
    pub idempotency_key: Option<String>,
    pub request_hash: Option<String>,
    pub received_at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BidKind {
    Bid,
    BuyNow,
}

impl BidKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BidKind::Bid => "bid",
            BidKind::BuyNow => "buy_now",
        }
    }
}

/// A bid row as `GET /api/bids/{id}` shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredBid {
    pub bid_id: BidId,
    pub auction_id: AuctionId,
    pub bidder_id: UserId,
    pub kind: String,
    pub amount: Option<Amount>,
    pub max_amount: Option<Amount>,
    pub request_hash: Option<String>,
    pub status: String,
    pub reason: Option<String>,
    pub seq: Option<i64>,
    pub received_at: DateTime<Utc>,
}

/// Inserts the pending row. With an idempotency key already used by this bidder, nothing
/// is inserted and the earlier row is returned instead (`Err`).
pub async fn insert_pending(
    pool: &PgPool,
    bid: &PendingBid,
) -> sqlx::Result<Result<(), StoredBid>> {
    let inserted = sqlx::query(
        "INSERT INTO bid_requests (bid_id, auction_id, bidder_id, kind, amount, max_amount,
                                   idempotency_key, request_hash, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (bidder_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING",
    )
    .bind(bid.bid_id)
    .bind(bid.auction_id)
    .bind(bid.bidder_id)
    .bind(bid.kind.as_str())
    .bind(bid.amount)
    .bind(bid.max_amount)
    .bind(&bid.idempotency_key)
    .bind(&bid.request_hash)
    .bind(bid.received_at)
    .execute(pool)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(Ok(()));
    }
    let earlier = sqlx::query_as::<_, StoredBid>(
        "SELECT bid_id, auction_id, bidder_id, kind, amount, max_amount, request_hash, status,
                reason, seq, received_at
         FROM bids WHERE bidder_id = $1 AND idempotency_key = $2",
    )
    .bind(bid.bidder_id)
    .bind(&bid.idempotency_key)
    .fetch_one(pool)
    .await?;
    Ok(Err(earlier))
}

/// Inserts many pending rows in one statement and returns the ids actually inserted (a
/// row whose idempotency key is already taken is skipped).
pub async fn insert_pending_batch(
    pool: &PgPool,
    batch: &[PendingBid],
) -> sqlx::Result<std::collections::HashSet<BidId>> {
    let ids: Vec<BidId> = sqlx::query_scalar(
        "INSERT INTO bid_requests (bid_id, auction_id, bidder_id, kind, amount, max_amount,
                                   idempotency_key, request_hash, received_at)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::int8[],
                              $6::int8[], $7::text[], $8::text[], $9::timestamptz[])
         ON CONFLICT (bidder_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING bid_id",
    )
    .bind(batch.iter().map(|b| b.bid_id.0).collect::<Vec<_>>())
    .bind(batch.iter().map(|b| b.auction_id.0).collect::<Vec<_>>())
    .bind(batch.iter().map(|b| b.bidder_id.0).collect::<Vec<_>>())
    .bind(batch.iter().map(|b| b.kind.as_str()).collect::<Vec<_>>())
    .bind(batch.iter().map(|b| b.amount).collect::<Vec<_>>())
    .bind(batch.iter().map(|b| b.max_amount).collect::<Vec<_>>())
    .bind(
        batch
            .iter()
            .map(|b| b.idempotency_key.clone())
            .collect::<Vec<_>>(),
    )
    .bind(
        batch
            .iter()
            .map(|b| b.request_hash.clone())
            .collect::<Vec<_>>(),
    )
    .bind(batch.iter().map(|b| b.received_at).collect::<Vec<_>>())
    .fetch_all(pool)
    .await?;
    Ok(ids.into_iter().collect())
}

/// Removes a pending row whose command could not be published (the client got an error,
/// not a 202, so nothing was promised).
pub async fn delete_unpublished(pool: &PgPool, bid_id: BidId) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM bid_requests r WHERE bid_id = $1
         AND NOT EXISTS (SELECT 1 FROM bid_outcomes o WHERE o.bid_id = r.bid_id)",
    )
    .bind(bid_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Every bid whose id was made at `since` or later and that still waits for its outcome,
/// oldest first. Bid ids are UUIDv7, ordered by the time they were made, so this reads a
/// range of the primary key instead of the whole table.
pub async fn pending_since(pool: &PgPool, since: DateTime<Utc>) -> sqlx::Result<Vec<StoredBid>> {
    sqlx::query_as::<_, StoredBid>(
        "SELECT bid_id, auction_id, bidder_id, kind, amount, max_amount, request_hash, status,
                reason, seq, received_at
         FROM bids WHERE bid_id >= $1 AND status = 'pending' ORDER BY received_at, bid_id",
    )
    .bind(first_id_at(since))
    .fetch_all(pool)
    .await
}

/// The smallest UUIDv7 made at `at`: its 48-bit millisecond stamp, every other bit zero.
fn first_id_at(at: DateTime<Utc>) -> uuid::Uuid {
    let millis = at.timestamp_millis().max(0) as u64;
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
    uuid::Uuid::from_bytes(bytes)
}

pub async fn find(pool: &PgPool, bid_id: BidId) -> sqlx::Result<Option<StoredBid>> {
    sqlx::query_as::<_, StoredBid>(
        "SELECT bid_id, auction_id, bidder_id, kind, amount, max_amount, request_hash, status,
                reason, seq, received_at
         FROM bids WHERE bid_id = $1",
    )
    .bind(bid_id)
    .fetch_optional(pool)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HistoryRow {
    pub seq: i64,
    pub bid_id: BidId,
    pub amount: Amount,
    pub bidder_id: UserId,
    pub received_at: DateTime<Utc>,
}

/// Accepted bids of an auction in `seq` order, after `after_seq`.
pub async fn history(
    pool: &PgPool,
    auction_id: AuctionId,
    after_seq: i64,
    limit: i64,
) -> sqlx::Result<Vec<HistoryRow>> {
    sqlx::query_as::<_, HistoryRow>(
        "SELECT o.seq, o.bid_id, COALESCE(o.amount, r.amount) AS amount, r.bidder_id,
                r.received_at
         FROM bid_outcomes o JOIN bid_requests r ON r.bid_id = o.bid_id
         WHERE o.auction_id = $1 AND o.status = 'accepted' AND o.seq > $2
         ORDER BY o.seq LIMIT $3",
    )
    .bind(auction_id)
    .bind(after_seq)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// The seller of an auction the engine knows (listed), or `None` for an unknown auction.
pub async fn seller_of(
    pool: &PgPool,
    auction_id: AuctionId,
) -> sqlx::Result<Option<Option<UserId>>> {
    sqlx::query_scalar::<_, Option<UserId>>(
        "SELECT seller_id FROM engine_auctions WHERE auction_id = $1",
    )
    .bind(auction_id)
    .fetch_optional(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::{Timestamp, Uuid};

    fn v7_at(millis: u64) -> Uuid {
        Uuid::new_v7(Timestamp::from_unix_time(
            millis / 1000,
            (millis % 1000) as u32 * 1_000_000,
            0,
            0,
        ))
    }

    #[test]
    fn ids_made_from_a_moment_on_sort_after_its_first_id() {
        let at = DateTime::from_timestamp_millis(1_795_000_000_123).unwrap();
        let first = first_id_at(at);
        assert!(v7_at(1_795_000_000_123) >= first);
        assert!(v7_at(1_795_000_000_124) > first);
        assert!(v7_at(1_795_000_000_122) < first);
        assert!(Uuid::now_v7() > first_id_at(Utc::now() - chrono::Duration::seconds(1)));
    }
}
