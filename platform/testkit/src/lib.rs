//! What the tests of every crate share, so that each suite reads as what it checks:
//!
//! - [`database`]: a fresh PostgreSQL database per test, dropped when the test passes and
//!   kept (its name printed) when it fails;
//! - [`identities`]: the verified identities the gateway would forward to a service;
//! - [`in_process`]: calls into a service's router without a socket;
//! - [`api`]: the public API over HTTP, as a browser or a script uses it;
//! - [`sse`]: one event-stream client, parsing as a browser's `EventSource` does;
//! - [`clock`]: a clock the test sets, for workers that act on time (the scheduler);
//! - [`cluster`]: the platform as separate processes over a real broker.

pub mod api;
pub mod clock;
pub mod cluster;
pub mod database;
pub mod identities;
pub mod in_process;
pub mod sse;

pub use api::{Api, Response, User};
pub use clock::ManualClock;
pub use database::TestDatabase;
pub use identities::{admin, user};
pub use in_process::InProcess;
pub use sse::{SseClient, SseEvent};

/// How long a test waits for something the platform does on its own (an event to arrive,
/// a stream to open) before it fails.
pub const WAIT: std::time::Duration = std::time::Duration::from_secs(10);
