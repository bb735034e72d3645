use super::resume::{resume_point, ResumeQuery};
use super::sse::respond;
use super::StreamState;
use crate::hub::{Catchup, Frame};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use platform_core::{ApiError, ApiPath, ApiQuery, ErrorResponse};
use std::sync::Arc;
use vocabulary::AuctionId;

/// Live events of one auction.
///
/// Events (each `data:` is one JSON object, each `id:` the auction's `seq`):
/// `snapshot` (an `AuctionSnapshot`, first on a fresh connect), then `listed`, `scheduled`,
/// `opened`, `price`, `extended`, `closed`, `cancelled` (each an `AuctionUpdate`, with the
/// live `watchers` count). With `Last-Event-ID: N` (or `?lastEventId=N`) the stream sends
/// every event with `seq > N` in order instead of the snapshot, or a fresh `snapshot` when
/// the history no longer reaches back to N. `retry:` comes first; a comment heartbeat
/// comes when nothing was sent for a while.
#[utoipa::path(
    get, path = "/api/auctions/{id}/events", tag = "live",
    params(
        ("id" = uuid::Uuid, Path, description = "auction id"),
        ("Last-Event-ID" = Option<String>, Header, pattern = "^[0-9]{0,18}$",
         description = "id (`seq`) of the last event received: a non-negative integer, or empty for none"),
        ResumeQuery,
    ),
    responses(
        (status = 200, description = "an event stream", content_type = "text/event-stream", body = String),
        (status = 400, description = "malformed auction id or Last-Event-ID", body = ErrorResponse),
        (status = 404, description = "no such auction", body = ErrorResponse),
    )
)]
pub async fn auction_events(
    State(state): State<StreamState>,
    ApiPath(auction_id): ApiPath<AuctionId>,
    ApiQuery(query): ApiQuery<ResumeQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let resume = resume_point(&headers, &query)?;
    let attached = state
        .hub
        .attach_auction(auction_id, resume)
        .await?
        .ok_or_else(|| ApiError::not_found("auction"))?;
    let missed = match attached.catchup {
        Catchup::UpToDate => Vec::new(),
        Catchup::Frames(frames) => frames,
        Catchup::Snapshot => vec![attached.snapshot],
        Catchup::Ahead => {
            let resume = resume.unwrap_or(0);
            match state.history.feed(auction_id).await {
                Ok(Some(stored)) if stored.seq >= resume => Vec::new(),
                Ok(_) => vec![attached.snapshot],
                Err(e) => {
                    tracing::warn!(error = %format!("{e:#}"), %auction_id, "reading the stored feed failed, sending a snapshot");
                    vec![attached.snapshot]
                }
            }
        }
        Catchup::FromHistory { after, upto } => {
            match state.history.events_between(auction_id, after, upto).await {
                Ok(Some(stored)) => stored
                    .into_iter()
                    .map(|s| {
                        let seq = s.update.seq;
                        let data = s.update.render(attached.watchers);
                        Arc::new(Frame::new(seq, s.name, &data))
                    })
                    .collect(),
                Ok(None) => vec![attached.snapshot],
                Err(e) => {
                    tracing::warn!(error = %format!("{e:#}"), %auction_id, "reading stored events failed, sending a snapshot");
                    vec![attached.snapshot]
                }
            }
        }
    };
    // What the client has once `missed` is sent: live frames up to it are not sent again.
    let sent = missed.last().map(|f| f.id).or(resume).unwrap_or(0);
    Ok(respond(
        missed,
        attached.subscription,
        sent,
        state.shutdown.clone().cancelled_owned(),
        state.heartbeat,
    ))
}
