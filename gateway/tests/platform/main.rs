//! End-to-end tests of the whole platform over HTTP, as its users meet it.

mod client;
mod harness;

mod bad_input;
mod concurrency;
mod journey;
