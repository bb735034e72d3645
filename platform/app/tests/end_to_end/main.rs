//! End-to-end tests of the whole platform over HTTP, as its users meet it: in one
//! process on the in-memory bus, and as separate processes over a Kafka-protocol broker.

mod harness;

mod golden;

mod bad_input;
mod concurrency;
mod constraints;
mod crash;
mod journey;
mod live;
mod live_processes;
mod processes;
mod rebuild;
mod restart;
mod search;
