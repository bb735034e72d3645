//! Background work, each ending when the shutdown token fires:
//!
//! * [`relay`] — publishes the command outbox to the command topic, and the event outbox
//!   (ending notices) to the event topic, each in order.
//! * [`scheduler`] — queues Open at `startsAt`, Close at `endsAt`, and the ending notices
//!   of watched auctions shortly before.
//! * [`read_model`] — mirrors the engine's public events into the auction rows.

pub mod read_model;
pub mod relay;
pub mod scheduler;

pub(crate) use platform_core::shutdown::pause;
