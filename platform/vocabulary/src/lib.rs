//! The shared vocabulary of the auction platform: plain data with no I/O.
//!
//! * [`ids`] and [`money`]: typed identifiers, amounts in minor units, currencies.
//! * [`auction`]: what a seller offers ([`Terms`], [`Listing`]), the public state the
//!   engine keeps ([`PublicState`], [`AuctionStatus`]), and the one public view made of
//!   them ([`AuctionView`]).
//! * [`commands`]: everything that can change an auction, in the order of
//!   [`topics::COMMANDS`].
//! * [`events`]: everything an auction emits, on [`topics::EVENTS`].
//! * [`errors`]: the table of every API error code and its status.
//!
//! The bid rules and every other pure domain compile against this crate alone; the
//! plumbing (HTTP, SQL, the bus) lives in `platform-core` and `platform-bus`. Records on
//! the logs are JSON in one casing, camelCase field names with snake_case `type` tags; the
//! readers (`wire`) also take the snake_case field names that records written before
//! used, so nothing already on a topic or in an outbox becomes unreadable.

pub mod auction;
pub mod commands;
pub mod errors;
pub mod events;
pub mod ids;
pub mod money;
pub mod topics;
mod wire;

pub use auction::{AuctionStatus, AuctionView, Listing, PublicState, Terms};
pub use commands::Command;
pub use errors::ErrorCode;
pub use events::{Event, EventKind, RejectReason};
pub use ids::{AuctionId, BidId, HoldId, SettlementId, UserId};
pub use money::{Amount, Currency};
