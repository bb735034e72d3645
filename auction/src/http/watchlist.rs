//! The caller's watchlist. Adding and removing are idempotent.

use super::views::{views, WatchlistView};
use super::AppState;
use crate::store;
use axum::extract::State;
use axum::http::StatusCode;
use platform_core::{ApiError, ApiJson, ApiPath, ErrorResponse, Identity};
use vocabulary::AuctionId;

/// Watches an auction (watching it again changes nothing).
#[utoipa::path(
    put, path = "/api/me/watchlist/{auctionId}", tag = "watchlist",
    params(("auctionId" = uuid::Uuid, Path, description = "Auction id")),
    responses(
        (status = 204, description = "Watched"),
        (status = 400, description = "Malformed id", body = ErrorResponse),
        (status = 401, description = "Not signed in", body = ErrorResponse),
        (status = 404, description = "Unknown auction", body = ErrorResponse),
    )
)]
pub async fn add(
    State(state): State<AppState>,
    identity: Identity,
    ApiPath(auction_id): ApiPath<AuctionId>,
) -> Result<StatusCode, ApiError> {
    let found =
        store::watchlist::add(&state.pool, identity.user_id, auction_id, store::now()).await?;
    if !found {
        return Err(ApiError::not_found("auction"));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Stops watching an auction (also when it was not watched).
#[utoipa::path(
    delete, path = "/api/me/watchlist/{auctionId}", tag = "watchlist",
    params(("auctionId" = uuid::Uuid, Path, description = "Auction id")),
    responses(
        (status = 204, description = "Not watched any more"),
        (status = 400, description = "Malformed id", body = ErrorResponse),
        (status = 401, description = "Not signed in", body = ErrorResponse),
        (status = 404, description = "Unknown auction", body = ErrorResponse),
    )
)]
pub async fn remove(
    State(state): State<AppState>,
    identity: Identity,
    ApiPath(auction_id): ApiPath<AuctionId>,
) -> Result<StatusCode, ApiError> {
    if !store::auctions::exists(&state.pool, auction_id).await? {
        return Err(ApiError::not_found("auction"));
    }
    store::watchlist::remove(&state.pool, identity.user_id, auction_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's watched auctions, most recently watched first.
#[utoipa::path(
    get, path = "/api/me/watchlist", tag = "watchlist", operation_id = "list_watchlist",
    responses(
        (status = 200, description = "Watched auctions", body = WatchlistView),
        (status = 401, description = "Not signed in", body = ErrorResponse),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    identity: Identity,
) -> Result<ApiJson<WatchlistView>, ApiError> {
    let auctions = store::watchlist::list(&state.pool, identity.user_id).await?;
    Ok(ApiJson(WatchlistView {
        items: views(&auctions, Some(identity.user_id)),
    }))
}
