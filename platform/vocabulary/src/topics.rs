//! The two logs every auction lives in. Both are keyed by auction id, so each auction has
//! one total order on each.

/// Every command that can change an auction ([`crate::Command`]).
pub const COMMANDS: &str = "auction.commands";
/// Every event an auction emits ([`crate::Event`]), written by the engine's outbox.
pub const EVENTS: &str = "auction.events";
