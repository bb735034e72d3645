use super::resume::{resume_point, ResumeQuery};
use super::sse::respond;
use super::StreamState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use platform_core::{ApiError, ApiQuery, ErrorResponse, Identity};
use std::time::Duration;

const MAX_STREAM: Duration = Duration::from_secs(7 * 24 * 3600);

/// The signed-in user's notices.
///
/// Events (each `data:` is one JSON object: the notice's fields in camelCase plus
/// `auctionId`, `seq` and `at`): `bid.accepted` (`bidId`, `amount`, `currentPrice`,
/// `leading`), `bid.rejected` (`bidId`, `reason`), `outbid` (`currentPrice`), `won`
/// (`finalPrice`), `auction.closed` (`winnerId`, `finalPrice`), all carrying `bidderId`,
/// the user; and `auction.ending` (`endsAt`, `title`, `userId`), once per watched auction
/// when its end comes within the notice window (sent by the auction service, which owns
/// the watchlist). Nobody receives another user's notices. Ids grow with every notice;
/// with `Last-Event-ID` the notices after it are sent again while this instance still
/// holds them. The stream ends when the caller's token expires.
#[utoipa::path(
    get, path = "/api/me/events", tag = "live",
    params(
        ("Last-Event-ID" = Option<String>, Header, pattern = "^[0-9]{0,18}$",
         description = "id of the last notice received: a non-negative integer, or empty for none"),
        ResumeQuery,
    ),
    responses(
        (status = 200, description = "an event stream", content_type = "text/event-stream", body = String),
        (status = 400, description = "malformed Last-Event-ID", body = ErrorResponse),
        (status = 401, description = "not signed in, or the token has expired", body = ErrorResponse),
    )
)]
pub async fn my_events(
    State(state): State<StreamState>,
    identity: Identity,
    ApiQuery(query): ApiQuery<ResumeQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let resume = resume_point(&headers, &query)?;
    let now_ms = chrono::Utc::now().timestamp_millis();
    let left_ms = identity
        .expires_at
        .saturating_mul(1000)
        .saturating_sub(now_ms);
    if left_ms <= 0 {
        return Err(ApiError::unauthorized("the session has expired"));
    }
    // A token lives hours, not years; the cap keeps a forged far-future value harmless.
    let left = Duration::from_millis(left_ms as u64).min(MAX_STREAM);
    let expires = tokio::time::Instant::now() + left;
    let attached = state.hub.attach_user(identity.user_id, resume);
    let shutdown = state.shutdown.clone().cancelled_owned();
    let end = async move {
        tokio::select! {
            () = shutdown => {}
            _ = tokio::time::sleep_until(expires) => {}
        }
    };
    Ok(respond(
        attached.missed,
        attached.subscription,
        attached.sent,
        end,
        state.heartbeat,
    ))
}
