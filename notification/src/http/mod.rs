//! The two live streams, as Server-Sent Events.
//!
//! * `GET /api/auctions/{id}/events` — anyone: a `snapshot`, then every public event of
//!   the auction, each with `id:` = its `seq`; `Last-Event-ID` resumes.
//! * `GET /api/me/events` — the signed-in user: the notices addressed to them, until their
//!   token expires.
//!
//! Every stream starts with `retry:`, sends a comment heartbeat when quiet, disables proxy
//! buffering, and ends when the service shuts down or the client falls too far behind.

mod auction_events;
mod my_events;
mod resume;
mod sse;

use crate::history::History;
use crate::hub::Hub;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

#[derive(Clone)]
pub struct StreamState {
    pub hub: Arc<Hub>,
    pub history: History,
    pub heartbeat: Duration,
    /// Ends the streams when the service shuts down.
    pub shutdown: CancellationToken,
}

pub fn router(state: StreamState) -> Router {
    Router::new()
        .route(
            "/api/auctions/{id}/events",
            get(auction_events::auction_events),
        )
        .route("/api/me/events", get(my_events::my_events))
        .with_state(state)
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(auction_events::auction_events, my_events::my_events),
    components(schemas(
        crate::hub::views::AuctionSnapshot,
        crate::hub::views::AuctionUpdate,
        platform_core::ErrorResponse
    )),
    tags((name = "live", description = "Live streams (Server-Sent Events)"))
)]
pub struct ApiDoc;
