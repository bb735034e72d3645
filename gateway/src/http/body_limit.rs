//! The request body limit is tower-http's [`RequestBodyLimitLayer`]: a declared length over
//! the limit is refused before a byte is read; a body without a declared length is cut off
//! where it crosses the limit (an `http_body_util::LengthLimitError`), which the JSON
//! extractors and the proxy turn into the contract's `413`. tower-http's own refusal is
//! plain text, and so is axum's for a handler that reads raw bytes: [`contract_413`] gives
//! every `413` that lacks it the contract's error body.

use axum::response::{IntoResponse, Response};
use http::{header, StatusCode};

pub use tower_http::limit::RequestBodyLimitLayer;

/// Runs just outside [`RequestBodyLimitLayer`].
pub async fn contract_413(res: Response) -> Response {
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_json(&res) {
        return platform_core::ApiError::payload_too_large().into_response();
    }
    res
}

fn is_json(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{to_bytes, Body};
    use axum::routing::post;
    use axum::{middleware, Router};
    use tower::ServiceExt as _;

    fn limited(limit: usize) -> Router {
        Router::new()
            .route(
                "/raw",
                post(|body: axum::body::Bytes| async move { body.len().to_string() }),
            )
            .route("/photo", post(|| async { photo_too_large() }))
            .layer(RequestBodyLimitLayer::new(limit))
            .layer(middleware::map_response(contract_413))
    }

    async fn call(
        router: Router,
        uri: &str,
        body: Body,
        length: Option<usize>,
    ) -> (StatusCode, String) {
        let mut req = http::Request::post(uri);
        if let Some(length) = length {
            req = req.header(header::CONTENT_LENGTH, length);
        }
        let res = router.oneshot(req.body(body).unwrap()).await.unwrap();
        let status = res.status();
        let content_type = res.headers().get(header::CONTENT_TYPE).cloned();
        let body = to_bytes(res.into_body(), usize::MAX).await.unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            assert_eq!(content_type.unwrap(), "application/json", "{body}");
        }
        (status, body)
    }

    fn chunked(chunks: &'static [&'static str]) -> Body {
        Body::from_stream(futures::stream::iter(chunks.iter().map(|c| {
            Ok::<_, std::io::Error>(axum::body::Bytes::from_static(c.as_bytes()))
        })))
    }

    #[tokio::test]
    async fn a_declared_length_over_the_limit_gets_the_contract_body() {
        let (status, body) = call(limited(8), "/raw", Body::from("0123456789"), Some(10)).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(body.contains("\"payload_too_large\""), "{body}");
    }

    #[tokio::test]
    async fn a_chunked_body_is_cut_off_where_it_crosses_the_limit() {
        let (status, body) = call(limited(8), "/raw", chunked(&["0123", "4567", "89"]), None).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(body.contains("\"payload_too_large\""), "{body}");
        let (status, body) = call(limited(8), "/raw", chunked(&["0123", "4567"]), None).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "8"));
    }

    fn photo_too_large() -> platform_core::ApiError {
        platform_core::ApiError::new(
            platform_core::ErrorCode::PayloadTooLarge,
            "a photo is at most 10 MB",
        )
    }

    #[tokio::test]
    async fn a_service_s_own_413_passes_unchanged() {
        let (status, body) = call(limited(8), "/photo", Body::empty(), None).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(body.contains("a photo is at most 10 MB"), "{body}");
    }
}
