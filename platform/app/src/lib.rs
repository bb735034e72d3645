//! The composition root of the auction platform: the one place that knows every service.
//!
//! [`roles`] decides which services a process runs and wires them together (in process
//! behind the gateway, or one role per process over the bus); [`commands`] holds the
//! operator commands of the `platform` binary. The service crates know nothing of each
//! other; only this crate depends on all of them.

pub mod commands;
pub mod roles;
