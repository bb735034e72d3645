//! `GET /api/openapi.json`: the gateway's own endpoints merged with the documents the
//! services hand in, rendered once at start.

use crate::accounts;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Auction platform API",
        version = "1.0.0",
        description = "Every endpoint of the platform, served through the gateway on one origin. \
            Errors carry `{\"error\": {\"code\", \"message\"}}`. Authenticate with \
            `Authorization: Bearer <accessToken>` or the `access_token` cookie."
    ),
    paths(
        accounts::http::signup,
        accounts::http::login,
        accounts::http::logout,
        accounts::http::me,
        openapi_document,
    ),
    components(schemas(
        accounts::http::SignupRequest,
        accounts::http::LoginRequest,
        accounts::http::Session,
        accounts::domain::UserView,
        ErrorDoc,
        ErrorDetailDoc,
    )),
    modifiers(&SecuritySchemes),
    tags(
        (name = "accounts", description = "Sign-up, login, logout and the signed-in account"),
        (name = "meta", description = "This document"),
    )
)]
struct GatewayApi;

/// The error body every non-2xx answer carries.
#[derive(Serialize, ToSchema)]
pub struct ErrorDoc {
    pub error: ErrorDetailDoc,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetailDoc {
    /// Stable snake_case code, e.g. `email_taken`, `invalid_token`, `rate_limited`.
    pub code: String,
    pub message: String,
}

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("access_token"))),
        );
    }
}

/// The whole platform's document as JSON bytes.
pub fn document(service_docs: Vec<utoipa::openapi::OpenApi>) -> anyhow::Result<Bytes> {
    let mut doc = GatewayApi::openapi();
    for service_doc in service_docs {
        doc.merge(service_doc);
    }
    Ok(Bytes::from(serde_json::to_vec(&doc)?))
}

/// The rendered document, shared by every request.
#[derive(Clone)]
struct Rendered(Bytes);

pub fn router(document: Bytes) -> Router {
    Router::new()
        .route("/api/openapi.json", get(openapi_document))
        .with_state(Rendered(document))
}

/// The OpenAPI 3 document of the whole platform.
#[utoipa::path(
    get, path = "/api/openapi.json", tag = "meta",
    responses((status = 200, description = "this document", content_type = "application/json"))
)]
async fn openapi_document(State(document): State<Rendered>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], document.0).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::openapi::path::{HttpMethod, PathItem};
    use utoipa::openapi::{OpenApiBuilder, PathsBuilder};

    #[test]
    fn service_documents_are_merged_in() {
        let service = OpenApiBuilder::new()
            .paths(PathsBuilder::new().path(
                "/api/search",
                PathItem::new(HttpMethod::Get, utoipa::openapi::path::Operation::new()),
            ))
            .build();
        let bytes = document(vec![service]).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        for path in [
            "/api/auth/signup",
            "/api/me",
            "/api/search",
            "/api/openapi.json",
        ] {
            assert!(v["paths"][path].is_object(), "{path} missing");
        }
        assert!(v["components"]["securitySchemes"]["bearer"].is_object());
        assert!(v["components"]["schemas"]["Session"].is_object());
    }
}
