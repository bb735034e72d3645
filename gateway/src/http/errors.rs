//! Contract error bodies for the answers axum would otherwise give as empty responses.

use platform_core::ApiError;
use platform_core::ErrorCode;

pub async fn api_not_found() -> ApiError {
    ApiError::not_found("endpoint")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        "this endpoint does not accept that method",
    )
}
