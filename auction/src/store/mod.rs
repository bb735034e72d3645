//! The sqlx queries behind the API and the workers. Every query is checked at run time
//! (`sqlx::query`/`query_as`); the tables live in the `auction` schema (see `migrations/`).

pub mod auctions;
pub mod export;
pub mod outbox;
pub mod read_model;
pub mod scheduler;
pub mod watchlist;

use chrono::{DateTime, Utc};

/// The current time at the precision Postgres stores (microseconds), so what a command
/// carries and what the row holds are the same instant.
pub fn now() -> DateTime<Utc> {
    crate::domain::window::to_micros(Utc::now())
}
