//! The command outbox: a command is written in the same transaction as the row change
//! that caused it, so the change and the command exist together or not at all.
//!
//! Per-auction order: every writer changes (and so locks) the auction row *before* it
//! enqueues, so two transactions about one auction take their outbox ids one after the
//! other, and the relay publishes them in id order.

use platform_core::log::Command;
use sqlx::PgConnection;
use uuid::Uuid;

pub async fn enqueue(conn: &mut PgConnection, command: &Command) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO command_outbox (auction_id, payload) VALUES ($1, $2)")
        .bind(command.auction_id().0)
        .bind(sqlx::types::Json(command))
        .execute(conn)
        .await?;
    Ok(())
}

/// An enqueued command, with its JSON as it goes on the topic.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Pending {
    pub id: i64,
    pub auction_id: Uuid,
    pub payload: String,
}

/// The oldest enqueued commands, in id order.
pub async fn oldest(conn: &mut PgConnection, limit: i64) -> sqlx::Result<Vec<Pending>> {
    sqlx::query_as(
        "SELECT id, auction_id, payload::text AS payload FROM command_outbox \
         ORDER BY id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await
}

pub async fn remove(conn: &mut PgConnection, ids: &[i64]) -> sqlx::Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query("DELETE FROM command_outbox WHERE id = ANY($1)")
        .bind(ids)
        .execute(conn)
        .await?;
    Ok(())
}
