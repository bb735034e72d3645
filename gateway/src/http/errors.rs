//! Contract error bodies for the answers axum would otherwise give as empty responses.

use axum::http::StatusCode;
use platform_core::ApiError;

pub async fn api_not_found() -> ApiError {
    ApiError::not_found("endpoint")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not accept that method",
    )
}

pub fn payload_too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "request body too large",
    )
}
