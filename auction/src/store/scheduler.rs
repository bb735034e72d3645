//! What the scheduler claims each tick: auctions due to open, to close, and to have their
//! watchers told they are ending. `FOR UPDATE SKIP LOCKED` lets several instances tick at
//! once: each claims different rows, and a row an admin is changing right now is left for
//! the next tick.
//!
//! An Open or Close that has not taken effect [`RESEND_AFTER`] after it was queued is
//! queued again: the engine ignores a repeated one, and a lost one (an in-process log
//! dies with its process) would otherwise leave the auction waiting for good.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;
use vocabulary::AuctionId;

/// How long an Open or Close may go without effect before it is queued again.
pub const RESEND_AFTER: chrono::Duration = chrono::Duration::seconds(10);

fn seconds(d: chrono::Duration) -> f64 {
    d.num_milliseconds() as f64 / 1000.0
}

/// Marks scheduled auctions whose start has come as open-requested; returns them.
pub async fn claim_due_opens(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    limit: i64,
    resend_after: chrono::Duration,
) -> sqlx::Result<Vec<AuctionId>> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "UPDATE auctions a SET open_requested_at = $1, updated_at = $1 \
         FROM (SELECT id FROM auctions \
               WHERE status = 'scheduled' AND starts_at <= $1 \
                 AND (open_requested_at IS NULL OR open_requested_at < $1 - $3 * interval '1 second') \
               ORDER BY starts_at LIMIT $2 FOR UPDATE SKIP LOCKED) due \
         WHERE a.id = due.id RETURNING a.id",
    )
    .bind(now)
    .bind(limit)
    .bind(seconds(resend_after))
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(AuctionId::from).collect())
}

/// Marks opened (or open-requested) auctions whose current end has come, and for which
/// no Close was queued for that end yet; returns them. A soft-close extension moves
/// `ends_at` past `close_requested_for`, so the auction is claimed again at its new end.
///
/// `ends_at < now` is strict on purpose: the row keeps the engine's end truncated to the
/// microsecond, so only a `now` past the stored end is sure to be at or past the real one
/// (a Close stamped before the engine's end would be ignored).
pub async fn claim_due_closes(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    limit: i64,
    resend_after: chrono::Duration,
) -> sqlx::Result<Vec<AuctionId>> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "UPDATE auctions a SET close_requested_for = a.ends_at, close_requested_at = $1, \
             updated_at = $1 \
         FROM (SELECT id FROM auctions \
               WHERE status IN ('scheduled', 'open') AND open_requested_at IS NOT NULL \
                 AND ends_at < $1 \
                 AND (close_requested_for IS DISTINCT FROM ends_at \
                      OR close_requested_at < $1 - $3 * interval '1 second') \
               ORDER BY ends_at LIMIT $2 FOR UPDATE SKIP LOCKED) due \
         WHERE a.id = due.id RETURNING a.id",
    )
    .bind(now)
    .bind(limit)
    .bind(seconds(resend_after))
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(AuctionId::from).collect())
}

/// An open auction whose end has come within the notice window.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Ending {
    pub id: Uuid,
    pub title: String,
    pub ends_at: DateTime<Utc>,
    /// The newest public `seq` the read model has, which the notices carry.
    pub seq: i64,
}

/// Marks open auctions that end within `window` from `now` (and have not ended) as
/// noticed; returns them. Marked once and never unmarked, so each auction's watchers are
/// told once, whatever soft close does to its end afterwards.
pub async fn claim_due_endings(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    window: chrono::Duration,
    limit: i64,
) -> sqlx::Result<Vec<Ending>> {
    sqlx::query_as(
        "UPDATE auctions a SET ending_noticed_at = $1, updated_at = $1 \
         FROM (SELECT id FROM auctions \
               WHERE status = 'open' AND ending_noticed_at IS NULL \
                 AND ends_at > $1 AND ends_at <= $1 + $2 * interval '1 second' \
               ORDER BY ends_at LIMIT $3 FOR UPDATE SKIP LOCKED) due \
         WHERE a.id = due.id RETURNING a.id, a.title, a.ends_at, a.seq",
    )
    .bind(now)
    .bind(seconds(window))
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// `(auction, watcher)` pairs of the given auctions, in a stable order.
pub async fn watchers_of(
    conn: &mut PgConnection,
    auctions: &[Uuid],
) -> sqlx::Result<Vec<(Uuid, Uuid)>> {
    if auctions.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as(
        "SELECT auction_id, user_id FROM watchlist WHERE auction_id = ANY($1) \
         ORDER BY auction_id, user_id",
    )
    .bind(auctions)
    .fetch_all(conn)
    .await
}
