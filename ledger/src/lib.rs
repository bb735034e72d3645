//! The ledger service: every unit of money on the platform, kept as a double-entry ledger
//! per currency.
//!
//! Each user has one wallet per currency with two balances, `available` (what they may
//! spend or withdraw) and `held` (what is set aside behind their bids, orders and sellers'
//! bonds). The platform has three accounts per currency: `escrow` (money captured from
//! buyers until its settlement pays the seller or refunds the buyer), `fees`, and
//! `clearing`, the payment provider's side of every deposit and withdrawal. Every movement
//! of money is a set of entries that sum to zero in its currency, so the sum of every
//! account is always zero and `deposited − withdrawn` is always exactly what users, escrow
//! and fees hold between them (what `GET /api/admin/reconciliation` checks).
//!
//! The crate holds the rules as a pure domain ([`domain`]): plain data in, entries out, no
//! I/O, no clock. The service's wallet and settlement endpoints, its store and the workers
//! that feed it holds, captures and payouts from the platform's logs are to be built on
//! top of it and keep no money rule of their own.

pub mod domain;
