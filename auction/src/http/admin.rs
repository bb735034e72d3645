//! What only admins may do: set an auction's window and cancel it. Each change and its
//! command are written in one transaction (see `store::outbox`).

use super::views::{AuctionView, ScheduleRequest};
use super::AppState;
use crate::domain::Window;
use crate::store::{self, outbox};
use axum::extract::State;
use platform_core::ErrorCode;
use platform_core::{ApiError, ApiJson, ApiPath, ErrorResponse, Identity};
use vocabulary::{AuctionId, Command};

/// Sets or moves the window of a `pending` or not-yet-opened `scheduled` auction. The
/// platform opens it at `startsAt` and closes it at `endsAt` (plus any soft-close extension).
#[utoipa::path(
    post, path = "/api/admin/auctions/{id}/schedule", tag = "admin",
    params(("id" = uuid::Uuid, Path, description = "Auction id")),
    request_body = ScheduleRequest,
    responses(
        (status = 200, description = "Scheduled", body = AuctionView),
        (status = 400, description = "Malformed id or invalid window", body = ErrorResponse),
        (status = 401, description = "Not signed in", body = ErrorResponse),
        (status = 403, description = "Not an admin", body = ErrorResponse),
        (status = 404, description = "Unknown auction", body = ErrorResponse),
        (status = 409, description = "Already opened, closed or cancelled (`invalid_state`)", body = ErrorResponse),
        (status = 415, description = "The body is not `application/json`", body = ErrorResponse),
    )
)]
pub async fn schedule(
    State(state): State<AppState>,
    identity: Identity,
    ApiPath(id): ApiPath<AuctionId>,
    body: Result<ApiJson<ScheduleRequest>, ApiError>,
) -> Result<ApiJson<AuctionView>, ApiError> {
    identity.require_admin()?;
    let ApiJson(body) = body?;
    let now = store::now();
    let window = Window::new(body.starts_at, body.ends_at, now)?;
    let mut tx = state.pool.begin().await?;
    let current = store::auctions::lock(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("auction"))?;
    if !current.can_schedule() {
        return Err(invalid_state(&current, "scheduled"));
    }
    let auction = store::auctions::set_window(&mut tx, id, window, now).await?;
    let command = Command::Schedule {
        auction_id: id,
        starts_at: window.starts_at,
        ends_at: window.ends_at,
        at: now,
    };
    outbox::enqueue(&mut tx, &command).await?;
    tx.commit().await?;
    state.relay.wake();
    tracing::info!(auction_id = %id, starts_at = %window.starts_at, ends_at = %window.ends_at, "auction scheduled");
    Ok(ApiJson(auction.view(Some(identity.user_id))))
}

/// Cancels an auction that has not ended; bids on it are refused from then on.
#[utoipa::path(
    post, path = "/api/admin/auctions/{id}/cancel", tag = "admin",
    params(("id" = uuid::Uuid, Path, description = "Auction id")),
    responses(
        (status = 200, description = "Cancelled", body = AuctionView),
        (status = 400, description = "Malformed id", body = ErrorResponse),
        (status = 401, description = "Not signed in", body = ErrorResponse),
        (status = 403, description = "Not an admin", body = ErrorResponse),
        (status = 404, description = "Unknown auction", body = ErrorResponse),
        (status = 409, description = "Already closed or cancelled (`invalid_state`)", body = ErrorResponse),
    )
)]
pub async fn cancel(
    State(state): State<AppState>,
    identity: Identity,
    ApiPath(id): ApiPath<AuctionId>,
) -> Result<ApiJson<AuctionView>, ApiError> {
    identity.require_admin()?;
    let now = store::now();
    let mut tx = state.pool.begin().await?;
    let current = store::auctions::lock(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("auction"))?;
    if !current.can_cancel() {
        return Err(invalid_state(&current, "cancelled"));
    }
    let auction = store::auctions::set_cancelled(&mut tx, id, now).await?;
    outbox::enqueue(
        &mut tx,
        &Command::Cancel {
            auction_id: id,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    state.relay.wake();
    tracing::info!(auction_id = %id, "auction cancelled");
    Ok(ApiJson(auction.view(Some(identity.user_id))))
}

fn invalid_state(current: &crate::domain::Auction, wanted: &str) -> ApiError {
    let is = if current.open_requested && !current.status.is_final() {
        "already opening"
    } else {
        current.status.as_str()
    };
    ApiError::new(
        ErrorCode::InvalidState,
        format!("an auction that is {is} cannot be {wanted}"),
    )
}
