//! `GET /api/me/bids`: the caller's own bids, newest first, in pages.

use super::handlers::BidView;
use super::IntakeState;
use crate::store::my_bids;
use axum::extract::State;
use platform_core::cursor::{next_page, page_limit, Cursor};
use platform_core::{ApiError, ApiJson, ApiQuery, ErrorResponse, Identity};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

const DEFAULT_PAGE: i64 = 20;
const MAX_PAGE: i64 = 100;

#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct MyBidsQuery {
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    #[param(value_type = Option<Cursor>, inline)]
    pub cursor: Option<String>,
}

/// One page of the caller's bids, newest received first; `nextCursor` is `null` on the
/// last page.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyBidsPage {
    pub items: Vec<BidView>,
    pub next_cursor: Option<String>,
}

#[utoipa::path(
    get, path = "/api/me/bids", tag = "bids",
    params(MyBidsQuery),
    responses(
        (status = 200, description = "one page", body = MyBidsPage),
        (status = 400, description = "limit out of range or a cursor this API did not return", body = ErrorResponse),
        (status = 401, description = "not signed in", body = ErrorResponse),
    )
)]
pub async fn my_bids(
    State(state): State<IntakeState>,
    identity: Identity,
    ApiQuery(query): ApiQuery<MyBidsQuery>,
) -> Result<ApiJson<MyBidsPage>, ApiError> {
    let limit = page_limit(query.limit, DEFAULT_PAGE, MAX_PAGE)?;
    let after = query
        .cursor
        .as_deref()
        .map(Cursor::from_param)
        .transpose()?;
    // One more than asked tells whether another page follows.
    let mut bids = my_bids::page(&state.pool, identity.user_id, after, limit + 1).await?;
    let next_cursor = next_page(&mut bids, limit, |b| Cursor {
        at: b.received_at,
        id: b.bid_id.0,
    });
    Ok(ApiJson(MyBidsPage {
        items: bids.into_iter().map(BidView::from).collect(),
        next_cursor,
    }))
}
