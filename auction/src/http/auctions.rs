//! Creating listings and reading auctions.

use super::views::{views, AuctionPage, AuctionView, CreateAuctionRequest, ListQuery};
use super::AppState;
use crate::domain::{Category, Cursor, ListingDraft};
use crate::store::{self, auctions::ListFilter, outbox};
use axum::extract::State;
use axum::http::StatusCode;
use platform_core::cursor::{next_page, page_limit};
use platform_core::identity::MaybeIdentity;
use platform_core::ErrorCode;
use platform_core::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorResponse, Identity};
use vocabulary::{AuctionId, AuctionStatus, Command};

const DEFAULT_PAGE: i64 = 20;
const MAX_PAGE: i64 = 100;

/// Lists an item for sale; the caller is the seller. The auction starts `pending` until an
/// admin schedules it. The bid engine learns of it from a `List` command.
#[utoipa::path(
    post, path = "/api/auctions", tag = "auctions",
    request_body = CreateAuctionRequest,
    responses(
        (status = 201, description = "Listed, status `pending`", body = AuctionView),
        (status = 400, description = "Invalid listing", body = ErrorResponse),
        (status = 401, description = "Not signed in", body = ErrorResponse),
        (status = 415, description = "The body is not `application/json`", body = ErrorResponse),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    identity: Identity,
    ApiJson(body): ApiJson<CreateAuctionRequest>,
) -> Result<(StatusCode, ApiJson<AuctionView>), ApiError> {
    let listing = ListingDraft::from(body).validate()?;
    let now = store::now();
    let id = AuctionId::new();
    let mut tx = state.pool.begin().await?;
    let auction = store::auctions::insert(&mut tx, id, identity.user_id, &listing, now).await?;
    let list = Command::List {
        auction_id: id,
        terms: auction.terms(),
        listing: auction.listing(),
        at: now,
    };
    outbox::enqueue(&mut tx, &list).await?;
    tx.commit().await?;
    state.relay.wake();
    tracing::info!(auction_id = %id, seller_id = %identity.user_id, "auction listed");
    let view = auction.view(Some(identity.user_id));
    Ok((StatusCode::CREATED, ApiJson(view)))
}

/// Auctions newest first, optionally filtered; follow `nextCursor` for the next page.
#[utoipa::path(
    get, path = "/api/auctions", tag = "auctions",
    params(ListQuery),
    responses(
        (status = 200, description = "One page", body = AuctionPage),
        (status = 400, description = "Unknown status or category, bad seller id, limit or cursor", body = ErrorResponse),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    MaybeIdentity(viewer): MaybeIdentity,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<ApiJson<AuctionPage>, ApiError> {
    let limit = page_limit(query.limit, DEFAULT_PAGE, MAX_PAGE)?;
    let status = match query.status.as_deref() {
        None => None,
        Some(s) => Some(AuctionStatus::parse(s).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidStatus,
                "status must be one of pending, scheduled, open, closed, cancelled",
            )
        })?),
    };
    let filter = ListFilter {
        status,
        category: query.category.as_deref().map(Category::parse).transpose()?,
        seller_id: query.seller_id.map(Into::into),
        after: query
            .cursor
            .as_deref()
            .map(Cursor::from_param)
            .transpose()?,
    };
    // One more than asked tells whether another page follows.
    let mut auctions = store::auctions::list(&state.pool, &filter, limit + 1).await?;
    let next_cursor = next_page(&mut auctions, limit, |a| Cursor {
        at: a.created_at,
        id: a.id.0,
    });
    let viewer = viewer.map(|v| v.user_id);
    Ok(ApiJson(AuctionPage {
        items: views(&auctions, viewer),
        next_cursor,
    }))
}

/// One auction.
#[utoipa::path(
    get, path = "/api/auctions/{id}", tag = "auctions",
    params(("id" = uuid::Uuid, Path, description = "Auction id")),
    responses(
        (status = 200, description = "The auction", body = AuctionView),
        (status = 400, description = "Malformed id", body = ErrorResponse),
        (status = 404, description = "Unknown auction", body = ErrorResponse),
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    MaybeIdentity(viewer): MaybeIdentity,
    ApiPath(id): ApiPath<AuctionId>,
) -> Result<ApiJson<AuctionView>, ApiError> {
    let auction = store::auctions::get(&state.pool, id)
        .await?
        .ok_or_else(|| ApiError::not_found("auction"))?;
    Ok(ApiJson(auction.view(viewer.map(|v| v.user_id))))
}
