//! HTTP side of bidding: bids and buy-now in, outcomes and history out.
//!
//! The intake answers `202` only after the bid is recorded as pending and its command is
//! acknowledged by the bus, keyed by auction id. It never decides: the engine does, in
//! log order. `Idempotency-Key` makes retries safe: the same key and body give the same
//! `bidId` (and the command is published again if it may have been lost, which the engine
//! dedupes by `bidId`); the same key with another body is `409`.

mod handlers;
mod recorder;

use axum::routing::{get, post};
use axum::Router;
use dashmap::DashMap;
use platform_bus::Bus;
use platform_core::{AuctionId, UserId};
use sqlx::PgPool;
use std::sync::Arc;

pub use handlers::{BidAccepted, BidHistory, BidHistoryItem, BidView, PlaceBid};

#[derive(Clone)]
pub struct IntakeState {
    pub(crate) pool: PgPool,
    pub(crate) bus: Arc<dyn Bus>,
    pub(crate) recorder: recorder::Recorder,
    /// Seller of each auction seen: immutable once listed, so cached without expiry.
    pub(crate) sellers: Arc<DashMap<AuctionId, UserId>>,
}

impl IntakeState {
    pub fn new(pool: PgPool, bus: Arc<dyn Bus>) -> Self {
        Self {
            recorder: recorder::Recorder::start(pool.clone()),
            pool,
            bus,
            sellers: Arc::new(DashMap::new()),
        }
    }
}

/// Publishes again the command of every bid still pending. An in-process log dies with
/// its process: a bid answered `202` just before a crash is recorded in Postgres but its
/// command is gone, so a new log must hear of it again. The engine applies a bid id once
/// and judges the bid by the time it was received, so a command that was not lost is
/// harmless to repeat. A durable broker still holds them all, so nothing is done there.
pub async fn republish_pending(state: &IntakeState) -> anyhow::Result<usize> {
    use crate::store::bids::{self, BidKind, PendingBid};
    if state.bus.log_identity() == "durable" {
        return Ok(0);
    }
    let pending = bids::all_pending(&state.pool).await?;
    for bid in &pending {
        let kind = if bid.kind == "buy_now" {
            BidKind::BuyNow
        } else {
            BidKind::Bid
        };
        let again = PendingBid {
            bid_id: bid.bid_id,
            auction_id: bid.auction_id,
            bidder_id: bid.bidder_id,
            kind,
            amount: bid.amount,
            max_amount: bid.max_amount,
            idempotency_key: None,
            request_hash: None,
            received_at: bid.received_at,
        };
        handlers::publish(state, &again).await?;
    }
    if !pending.is_empty() {
        tracing::info!(
            count = pending.len(),
            "pending bids published again on a new log"
        );
    }
    Ok(pending.len())
}

pub fn router(state: IntakeState) -> Router {
    Router::new()
        .route(
            "/api/auctions/{id}/bids",
            post(handlers::place_bid).get(handlers::history),
        )
        .route("/api/auctions/{id}/buy-now", post(handlers::buy_now))
        .route("/api/bids/{bid_id}", get(handlers::get_bid))
        .with_state(state)
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(handlers::place_bid, handlers::buy_now, handlers::get_bid, handlers::history),
    components(schemas(PlaceBid, BidAccepted, BidView, BidHistory, BidHistoryItem)),
    tags((name = "bids", description = "Placing bids and reading their outcomes"))
)]
pub struct ApiDoc;
