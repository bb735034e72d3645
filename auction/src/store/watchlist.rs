//! The `watchlist` table: which auctions each user follows.

use super::auctions::{into_auctions, AuctionRow, COLUMNS};
use crate::domain::Auction;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use vocabulary::{AuctionId, UserId};

/// Most auctions a watchlist page returns (newest watched first).
pub const MAX_WATCHLIST_ITEMS: i64 = 1000;

/// Adds the auction; `false` when no such auction exists. Watching twice is one watch.
pub async fn add(
    pool: &PgPool,
    user: UserId,
    auction: AuctionId,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO watchlist (user_id, auction_id, created_at) \
         SELECT $1, id, $3 FROM auctions WHERE id = $2 \
         ON CONFLICT (user_id, auction_id) DO NOTHING",
    )
    .bind(user.0)
    .bind(auction.0)
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(inserted == 1 || super::auctions::exists(pool, auction).await?)
}

pub async fn remove(pool: &PgPool, user: UserId, auction: AuctionId) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM watchlist WHERE user_id = $1 AND auction_id = $2")
        .bind(user.0)
        .bind(auction.0)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn list(pool: &PgPool, user: UserId) -> sqlx::Result<Vec<Auction>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM watchlist w JOIN auctions a ON a.id = w.auction_id \
         WHERE w.user_id = $1 ORDER BY w.created_at DESC, a.id DESC LIMIT $2"
    );
    let rows: Vec<AuctionRow> = sqlx::query_as(&sql)
        .bind(user.0)
        .bind(MAX_WATCHLIST_ITEMS)
        .fetch_all(pool)
        .await?;
    into_auctions(rows)
}
