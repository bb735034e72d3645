//! The plumbing every service shares: the error type that every HTTP handler returns and
//! the extractors that turn bad input into 4xx, the identity the gateway passes down,
//! pagination cursors, and the start-up plumbing (configuration, telemetry, database,
//! serving, shutdown). The words the services speak (ids, money, the commands and events
//! of the logs) are in the `vocabulary` crate, which has no I/O.

pub mod clock;
pub mod config;
pub mod cursor;
pub mod db;
pub mod error;
pub mod identity;
pub mod ops;
pub mod server;
pub mod service;
pub mod shutdown;
pub mod telemetry;

pub use error::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorCode, ErrorResponse};
pub use identity::{Identity, Role};
