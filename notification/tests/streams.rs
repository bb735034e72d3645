//! End-to-end tests of the live streams: a fresh database per test, the in-process bus
//! carrying events as the engine publishes them, and the service served over real HTTP,
//! read with an SSE client.

#[path = "streams/support.rs"]
mod support;

#[path = "streams/delivery.rs"]
mod delivery;
#[path = "streams/live.rs"]
mod live;
#[path = "streams/private.rs"]
mod private;
#[path = "streams/resume.rs"]
mod resume;
