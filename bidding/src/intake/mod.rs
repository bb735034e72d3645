//! HTTP side of bidding: bids and buy-now in; outcomes, history, the caller's bids and
//! the analysis of an auction out.
//!
//! The intake answers `202` only after the bid is recorded as pending and its command is
//! acknowledged by the bus, keyed by auction id. It never decides: the engine does, in
//! log order. `Idempotency-Key` makes retries safe: the same key and body give the same
//! `bidId` (and the command is published again if it may have been lost, which the engine
//! dedupes by `bidId`); the same key with another body is `409`.

mod analysis;
mod handlers;
mod my_bids;
mod recorder;

use crate::domain::Rules;
use axum::routing::{get, post};
use axum::Router;
use dashmap::DashMap;
use platform_bus::Bus;
use sqlx::PgPool;
use std::sync::Arc;
use vocabulary::{AuctionId, UserId};

pub use analysis::{AuctionAnalysis, MinuteCount, PricePoint};
pub use handlers::{BidAccepted, BidHistory, BidHistoryItem, BidView, PlaceBid};
pub use my_bids::MyBidsPage;

#[derive(Clone)]
pub struct IntakeState {
    pub(crate) pool: PgPool,
    pub(crate) bus: Arc<dyn Bus>,
    pub(crate) recorder: recorder::Recorder,
    /// Seller of each auction seen: immutable once listed, so cached without expiry.
    pub(crate) sellers: Arc<DashMap<AuctionId, UserId>>,
    /// The engine's rules, which the analysis applies again to the accepted bids.
    pub(crate) rules: Arc<Rules>,
}

impl IntakeState {
    pub fn new(pool: PgPool, bus: Arc<dyn Bus>, rules: Rules) -> Self {
        Self {
            recorder: recorder::Recorder::start(pool.clone(), bus.clone()),
            pool,
            bus,
            sellers: Arc::new(DashMap::new()),
            rules: Arc::new(rules),
        }
    }
}

/// How far back [`republish_pending`] looks. A pending row is left by a crash, and the
/// restart that follows a crash comes within minutes; a day leaves room for a long outage
/// without reading the whole table at every start.
const REPUBLISH_WITHIN_HOURS: i64 = 24;

/// Publishes again the command of every bid of the last [`REPUBLISH_WITHIN_HOURS`] still
/// pending, at start-up. Two ways a
/// pending row can outlive its command:
/// * an in-process log dies with its process: a bid answered `202` just before a crash is
///   recorded in Postgres but its command is gone, so a new log must hear of it again;
/// * an intake killed between recording a bid and publishing it leaves a row whose
///   command never reached any log. Its client got no `202`, but the row would stay
///   `pending` in the bidder's list forever.
///
/// The engine applies a bid id once and judges the bid by the time it was received, so a
/// command that was not lost is harmless to repeat: of the two copies on the log, the
/// first decides and the second is skipped. (Another replica's bids in flight are pending
/// too, and are repeated the same way.)
pub async fn republish_pending(state: &IntakeState) -> anyhow::Result<usize> {
    use crate::store::bids::{self, BidKind, PendingBid};
    let since = chrono::Utc::now() - chrono::Duration::hours(REPUBLISH_WITHIN_HOURS);
    let pending: Vec<PendingBid> = bids::pending_since(&state.pool, since)
        .await?
        .into_iter()
        .map(|bid| PendingBid {
            kind: if bid.kind == "buy_now" {
                BidKind::BuyNow
            } else {
                BidKind::Bid
            },
            bid_id: bid.bid_id,
            auction_id: bid.auction_id,
            bidder_id: bid.bidder_id,
            amount: bid.amount,
            max_amount: bid.max_amount,
            idempotency_key: None,
            request_hash: None,
            received_at: bid.received_at,
        })
        .collect();
    // Oldest first, a chunk's commands issued together: a durable broker's acknowledgement
    // takes a round trip, and a long backlog must not hold the start-up for one each.
    for chunk in pending.chunks(512) {
        let chunk: Vec<&PendingBid> = chunk.iter().collect();
        for result in recorder::publish_in_order(state.bus.as_ref(), &chunk).await {
            result?;
        }
    }
    if !pending.is_empty() {
        tracing::info!(count = pending.len(), "pending bids published again");
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
        .route("/api/me/bids", get(my_bids::my_bids))
        .route("/api/auctions/{id}/analysis", get(analysis::analysis))
        .with_state(state)
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        handlers::place_bid,
        handlers::buy_now,
        handlers::get_bid,
        handlers::history,
        my_bids::my_bids,
        analysis::analysis
    ),
    components(schemas(
        PlaceBid,
        BidAccepted,
        BidView,
        BidHistory,
        BidHistoryItem,
        MyBidsPage,
        AuctionAnalysis,
        PricePoint,
        MinuteCount,
        platform_core::ErrorResponse
    )),
    tags(
        (name = "bids", description = "Placing bids and reading their outcomes"),
        (name = "analysis", description = "How an auction went: its prices over time and its bidding activity")
    )
)]
pub struct ApiDoc;

#[cfg(test)]
mod tests {
    use utoipa::OpenApi;

    #[test]
    fn the_document_names_the_read_endpoints_and_their_shapes() {
        let json = serde_json::to_value(super::ApiDoc::openapi()).unwrap();
        for path in ["/api/me/bids", "/api/auctions/{id}/analysis"] {
            assert!(json["paths"][path]["get"].is_object(), "{path} missing");
        }
        let analysis = &json["components"]["schemas"]["AuctionAnalysis"]["properties"];
        for field in [
            "auctionId",
            "status",
            "bidCount",
            "uniqueBidders",
            "startingPrice",
            "finalPrice",
            "pricePoints",
            "bidsPerMinute",
        ] {
            assert!(analysis.get(field).is_some(), "{field} missing");
        }
        let page = &json["components"]["schemas"]["MyBidsPage"]["properties"];
        assert!(page.get("items").is_some() && page.get("nextCursor").is_some());
    }
}
