//! `GET /api/openapi.json`: the gateway's own endpoints merged with the documents the
//! services hand in, rendered once at start. The gateway then adds to every operation the
//! answers its own middleware gives in front of the services (a rejected token, a body
//! over the limit, a rate limit), so each operation lists every status it can return.

use crate::accounts;
use crate::upstream::routes::RouteClass;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use platform_core::ErrorResponse;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
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
        ErrorResponse,
    )),
    modifiers(&SecuritySchemes),
    tags(
        (name = "accounts", description = "Sign-up, login, logout and the signed-in account"),
        (name = "meta", description = "This document"),
    )
)]
struct GatewayApi;

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
    add_gateway_answers(&mut doc);
    Ok(Bytes::from(serde_json::to_vec(&doc)?))
}

/// Adds to each operation what the gateway's middleware may answer before a service sees
/// the request, unless the operation already documents that status: `401` for a token
/// that is invalid or expired (everywhere but the credential endpoints, which ignore
/// tokens), `413` for a body over `MAX_BODY_BYTES`, `429` where a rate limit applies.
fn add_gateway_answers(doc: &mut utoipa::openapi::OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let class = RouteClass::of(path);
        let operations = [
            (Method::GET, &mut item.get),
            (Method::PUT, &mut item.put),
            (Method::POST, &mut item.post),
            (Method::DELETE, &mut item.delete),
            (Method::PATCH, &mut item.patch),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation.as_mut() else {
                continue;
            };
            if !class.is_credentials_endpoint() {
                add_error(operation, "401", "`invalid_token` or `token_expired`: the bearer token or cookie sent is not valid");
            }
            if operation.request_body.is_some() {
                add_error(
                    operation,
                    "413",
                    "`payload_too_large`: the body is over the size limit",
                );
            }
            if class.is_sign_in() || class.is_bid(&method) {
                add_error(
                    operation,
                    "429",
                    "`rate_limited`: too many requests; `Retry-After` says when to try again",
                );
            }
        }
    }
}

fn add_error(operation: &mut Operation, status: &str, description: &str) {
    if operation.responses.responses.contains_key(status) {
        return;
    }
    let mut response = ResponseBuilder::new().description(description).content(
        "application/json",
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name(ErrorResponse::name())))
            .build(),
    );
    if status == "429" {
        response = response.header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(1)),
                )
                .description(Some("seconds to wait"))
                .build(),
        );
    }
    operation
        .responses
        .responses
        .insert(status.to_owned(), response.build().into());
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
