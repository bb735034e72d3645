//! Postgres access of the bidding service (schema `bidding`).

pub mod bids;
pub mod engine;
