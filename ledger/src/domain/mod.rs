//! The money rules, as plain data and pure functions: a [`Ledger`] and an [`Operation`]
//! (under a caller-chosen [`OperationId`]) in, an [`Outcome`] (the [`Entry`] values it
//! posted) or a [`LedgerError`] out. No I/O, no clock, no randomness: time comes from the
//! operations, so applying the same operations in the same order to [`Ledger::new`] gives
//! the same ledger and the same results, which is what lets a store persist the entries
//! and rebuild the balances from them.
//!
//! What is promised, and checked by the property tests in `tests/properties.rs`:
//! * every operation's entries sum to zero in its currency (double entry), and the entries
//!   of an account sum to its balance;
//! * no balance but `clearing`'s ever goes below zero, and a refused operation changes
//!   nothing: every check comes before the first change;
//! * a hold ends exactly once (captured, released, expired or forfeited as a penalty);
//! * an operation id names one operation: a retry with the same body returns the first
//!   outcome and changes nothing, one with another body is refused;
//! * arithmetic is checked: an amount that would overflow a balance is refused, never
//!   wrapped.

mod accounts;
mod change;
mod decide;
mod entries;
mod error;
mod holds;
mod ledger;
mod operations;

#[cfg(test)]
mod tests;

pub use accounts::{Account, Balance};
pub use entries::{Entry, EntryKind, Reference};
pub use error::LedgerError;
pub use holds::{Escrow, Hold, HoldKind, HoldState};
pub use ledger::{Ledger, Outcome};
pub use operations::{Operation, OperationId, MAX_OPERATION_ID_CHARS};
