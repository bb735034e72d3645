//! Postgres access of the bidding service (schema `bidding`).

pub mod analysis;
pub mod bids;
pub mod decisions;
pub mod engine;
pub mod my_bids;
