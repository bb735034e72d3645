//! Background work: the event consumer that feeds the hub, and the upkeep that forgets
//! idle feeds and prunes the stored history.

pub mod consumer;
pub mod upkeep;

pub(crate) use platform_core::shutdown::pause;
