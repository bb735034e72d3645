//! End-to-end tests of the live streams: a fresh database per test, the in-process bus
//! carrying events as the engine publishes them, and the service served over real HTTP,
//! read with an SSE client.

mod support;

mod delivery;
mod live;
mod private;
mod resume;
