//! End-to-end tests of the auction service: a fresh database per test, the in-process
//! bus, and the router called in-process with gateway-style identity headers.

mod support;

mod admin;
mod browse;
mod ending;
mod listings;
mod read_model;
mod relay;
mod scheduler;
mod watchlist;
