//! `GET /api/search`.

use crate::domain::query::{Facets, SearchPage, SearchParams, Sort};
use crate::domain::Hit;
use crate::port::SearchIndex;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use platform_core::{ApiError, ApiQuery, ErrorResponse};
use std::sync::Arc;

pub fn router(index: Arc<dyn SearchIndex>) -> Router {
    Router::new()
        .route("/api/search", get(search))
        .with_state(index)
}

/// Finds auctions by words (Korean and English) in title and description, filtered by
/// category, status and current price, sorted, paged, with facet counts over every match.
/// Pending listings (not yet scheduled) appear only when `status=pending` asks for them.
#[utoipa::path(
    get,
    path = "/api/search",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "A page of matching auctions", body = SearchPage),
        (status = 400, description = "invalid_query: unknown value or out-of-range parameter", body = ErrorResponse),
    )
)]
pub async fn search(
    State(index): State<Arc<dyn SearchIndex>>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<SearchPage>, ApiError> {
    let query = params.validate()?;
    let started = std::time::Instant::now();
    let page = index.search(&query).await?;
    metrics::histogram!("search_query_seconds").record(started.elapsed().as_secs_f64());
    Ok(Json(page))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(search),
    components(schemas(SearchPage, Hit, Facets, Sort, ErrorResponse)),
    tags((name = "search", description = "Finding auctions by words, category, status and price"))
)]
pub struct ApiDoc;

#[cfg(test)]
mod tests {
    #[test]
    fn the_route_and_its_parameters_are_documented() {
        let doc = serde_json::to_value(crate::openapi()).unwrap();
        let op = &doc["paths"]["/api/search"]["get"];
        let names: Vec<&str> = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        for name in [
            "q", "category", "status", "minPrice", "maxPrice", "sort", "page", "size",
        ] {
            assert!(names.contains(&name), "{name} missing from {names:?}");
        }
        assert!(doc["components"]["schemas"]["SearchPage"].is_object());
        assert!(doc["components"]["schemas"]["AuctionView"].is_object());
    }
}
