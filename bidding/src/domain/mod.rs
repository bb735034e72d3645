//! The bid rules, as pure functions over plain data: an [`AuctionState`] and a
//! [`Command`](vocabulary::Command) in, a [`Decision`] (bid outcome and events)
//! out. No I/O, no clock, no randomness: the engine persists the state and publishes the
//! events; replaying the command log reproduces both exactly.

mod apply;
mod bids;
mod increments;
mod proxy;
mod rules;
mod state;

#[cfg(test)]
mod tests;

pub use apply::{apply, BidOutcome, Decision};
pub use increments::IncrementTable;
pub use rules::{Rules, SoftClose};
pub use state::{AuctionState, Leader};
