//! End-to-end tests of the auction service: a fresh database per test, the in-process
//! bus, and the router called in-process with gateway-style identity headers.

#[path = "api/support.rs"]
mod support;

#[path = "api/admin.rs"]
mod admin;
#[path = "api/browse.rs"]
mod browse;
#[path = "api/ending.rs"]
mod ending;
#[path = "api/listings.rs"]
mod listings;
#[path = "api/read_model.rs"]
mod read_model;
#[path = "api/relay.rs"]
mod relay;
#[path = "api/scheduler.rs"]
mod scheduler;
#[path = "api/watchlist.rs"]
mod watchlist;
