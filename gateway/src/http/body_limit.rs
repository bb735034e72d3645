//! The request body limit. A declared length over the limit is refused before a byte is
//! read; a body without a declared length is cut off where it crosses the limit, which the
//! JSON extractors (and the proxy) turn into the same `413` answer.

use super::errors::payload_too_large;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header;
use http_body_util::Limited;

pub async fn limit_body(State(limit): State<usize>, req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return payload_too_large().into_response();
    }
    let req = req.map(|body| Body::new(Limited::new(body, limit)));
    next.run(req).await
}
