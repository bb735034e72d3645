//! The bidding service end to end: its read endpoints through the HTTP router and its
//! engine on commands from the in-process bus, a fresh database per test, gateway-style
//! identity headers.

mod support;

mod analysis;
mod my_bids;
// The engine itself, on commands published as the intake and the auction service do.
mod engine;
