//! The auction service's HTTP surface: listings, admin scheduling and cancelling, the
//! watchlist. Every input goes through the `Api*` extractors and the domain checks, so bad
//! input is a 4xx with the contract's error body.

mod admin;
mod auctions;
mod schemas;
pub mod views;
mod watchlist;

use crate::domain::Invalid;
use crate::workers::relay::RelayWaker;
use axum::routing::{get, post, put};
use axum::Router;
use platform_core::ApiError;
use sqlx::PgPool;
use utoipa::OpenApi;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    /// Woken after every commit that enqueued a command.
    pub relay: RelayWaker,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/auctions", post(auctions::create).get(auctions::list))
        .route("/api/auctions/{id}", get(auctions::get_one))
        .route("/api/admin/auctions/{id}/schedule", post(admin::schedule))
        .route("/api/admin/auctions/{id}/cancel", post(admin::cancel))
        .route("/api/me/watchlist", get(watchlist::list))
        .route(
            "/api/me/watchlist/{auctionId}",
            put(watchlist::add).delete(watchlist::remove),
        )
        .with_state(state)
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        ApiError::new(invalid.code, invalid.message)
    }
}

#[derive(OpenApi)]
#[openapi(
    paths(
        auctions::create,
        auctions::list,
        auctions::get_one,
        admin::schedule,
        admin::cancel,
        watchlist::add,
        watchlist::remove,
        watchlist::list,
    ),
    components(schemas(
        views::AuctionView,
        views::AuctionPage,
        views::CreateAuctionRequest,
        views::ScheduleRequest,
        views::WatchlistView,
        platform_core::ErrorResponse,
    )),
    tags(
        (name = "auctions", description = "Listings and their public state"),
        (name = "admin", description = "Scheduling and cancelling (admin role)"),
        (name = "watchlist", description = "Auctions the caller follows"),
    )
)]
pub struct ApiDoc;

pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_names_every_route_and_schema() {
        let doc = openapi();
        let paths: Vec<&str> = doc.paths.paths.keys().map(String::as_str).collect();
        for path in [
            "/api/auctions",
            "/api/auctions/{id}",
            "/api/admin/auctions/{id}/schedule",
            "/api/admin/auctions/{id}/cancel",
            "/api/me/watchlist",
            "/api/me/watchlist/{auctionId}",
        ] {
            assert!(paths.contains(&path), "{path} missing from {paths:?}");
        }
        let json = serde_json::to_value(&doc).unwrap();
        let auction = properties(&json, "AuctionView");
        for field in [
            "sellerId",
            "currentPrice",
            "reserveMet",
            "leadingBidderId",
            "seq",
            "minimumBid",
        ] {
            assert!(auction.contains(&field.to_owned()), "{field} missing");
        }
        let list = &json["paths"]["/api/auctions"]["get"]["parameters"];
        let names: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(names, ["status", "category", "sellerId", "limit", "cursor"]);
    }

    /// The properties of the schema `name`, through its `allOf` parts and their `$ref`s.
    fn properties(doc: &serde_json::Value, name: &str) -> Vec<String> {
        let schema = &doc["components"]["schemas"][name];
        let mut out: Vec<String> = schema["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        for part in schema["allOf"].as_array().into_iter().flatten() {
            match part["$ref"].as_str() {
                Some(r) => out.extend(properties(
                    doc,
                    r.trim_start_matches("#/components/schemas/"),
                )),
                None => out.extend(
                    part["properties"]
                        .as_object()
                        .into_iter()
                        .flat_map(|p| p.keys().cloned()),
                ),
            }
        }
        out
    }
}
