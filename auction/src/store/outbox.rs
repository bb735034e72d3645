//! The outboxes: a command (or an event of this service's own) is written in the same
//! transaction as the row change that caused it, so the change and the message exist
//! together or not at all.
//!
//! Per-auction order: every writer changes (and so locks) the auction row *before* it
//! enqueues, so two transactions about one auction take their outbox ids one after the
//! other, and the relay publishes them in id order.

use sqlx::PgConnection;
use uuid::Uuid;
use vocabulary::{
    topics::COMMANDS as COMMAND_TOPIC, topics::EVENTS as EVENT_TOPIC, Command, Event,
};

/// The two outboxes, each with the topic it feeds and a relay of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outbox {
    /// Lifecycle commands for the engine, to the command topic.
    Commands,
    /// Private events for users (ending notices), to the event topic.
    Events,
}

impl Outbox {
    fn table(self) -> &'static str {
        match self {
            Outbox::Commands => "command_outbox",
            Outbox::Events => "event_outbox",
        }
    }

    pub fn topic(self) -> &'static str {
        match self {
            Outbox::Commands => COMMAND_TOPIC,
            Outbox::Events => EVENT_TOPIC,
        }
    }

    /// What it carries, for logs and metric labels.
    pub fn carries(self) -> &'static str {
        match self {
            Outbox::Commands => "commands",
            Outbox::Events => "events",
        }
    }
}

pub async fn enqueue(conn: &mut PgConnection, command: &Command) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO command_outbox (auction_id, payload) VALUES ($1, $2)")
        .bind(command.auction_id().0)
        .bind(sqlx::types::Json(command))
        .execute(conn)
        .await?;
    Ok(())
}

/// Enqueues events in the order given, in one statement.
pub async fn enqueue_events(conn: &mut PgConnection, events: &[Event]) -> sqlx::Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let payloads = events
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(
        "INSERT INTO event_outbox (auction_id, payload) \
         SELECT a, p FROM UNNEST($1::uuid[], $2::jsonb[]) WITH ORDINALITY AS t(a, p, n) \
         ORDER BY n",
    )
    .bind(events.iter().map(|e| e.auction_id.0).collect::<Vec<_>>())
    .bind(payloads)
    .execute(conn)
    .await?;
    Ok(())
}

/// An enqueued message, with its JSON as it goes on the topic.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Pending {
    pub id: i64,
    pub auction_id: Uuid,
    pub payload: String,
}

/// The oldest enqueued messages of `outbox`, in id order.
pub async fn oldest(
    conn: &mut PgConnection,
    outbox: Outbox,
    limit: i64,
) -> sqlx::Result<Vec<Pending>> {
    let sql = format!(
        "SELECT id, auction_id, payload::text AS payload FROM {} ORDER BY id LIMIT $1",
        outbox.table()
    );
    sqlx::query_as(&sql).bind(limit).fetch_all(conn).await
}

pub async fn remove(conn: &mut PgConnection, outbox: Outbox, ids: &[i64]) -> sqlx::Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let sql = format!("DELETE FROM {} WHERE id = ANY($1)", outbox.table());
    sqlx::query(&sql).bind(ids).execute(conn).await?;
    Ok(())
}
