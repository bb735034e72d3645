//! Shared vocabulary of the auction platform.
//!
//! Everything here is used by more than one service: the identifiers and money type, the
//! commands that flow on the bid command topic and the events on the auction event topic,
//! the error type that every HTTP handler returns, the identity the gateway passes down,
//! and the start-up plumbing (configuration, telemetry, database, shutdown).

pub mod config;
pub mod cursor;
pub mod db;
pub mod error;
pub mod identity;
pub mod ids;
pub mod log;
pub mod money;
pub mod ops;
pub mod server;
pub mod service;
pub mod shutdown;
pub mod telemetry;

pub use error::{ApiError, ApiJson, ApiPath, ApiQuery};
pub use identity::{Identity, Role};
pub use ids::{AuctionId, BidId, UserId};
pub use money::{Amount, Currency};

/// Topic that carries every command that can change an auction, keyed by auction id.
pub const COMMAND_TOPIC: &str = "auction.commands";
/// Topic that carries every event an auction emits, keyed by auction id.
pub const EVENT_TOPIC: &str = "auction.events";
