//! The gateway's router: its own endpoints, everything else sent onward, and the
//! middleware around all of it.

use crate::accounts::http::Accounts;
use crate::http::body_limit::{contract_413, RequestBodyLimitLayer};
use crate::http::errors::{api_not_found, method_not_allowed};
use crate::http::identify::{identify, Authenticator};
use crate::http::observe::observed;
use crate::http::rate_limit::{rate_limit, RateLimits};
use crate::upstream::routes::RouteClass;
use crate::upstream::Forwarder;
use crate::web::WebFiles;
use axum::body::Bytes;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::{middleware, Router};
use std::sync::Arc;

pub(crate) struct Gateway {
    pub accounts: Accounts,
    pub authenticator: Authenticator,
    pub limits: Arc<RateLimits>,
    pub max_body_bytes: usize,
    pub openapi: Bytes,
    pub forwarder: Forwarder,
    pub web: WebFiles,
}

/// Paths the gateway does not answer itself.
struct Onward {
    forwarder: Forwarder,
    web: WebFiles,
}

impl Onward {
    async fn dispatch(&self, req: Request) -> Response {
        let class = RouteClass::of(req.uri().path());
        if class == RouteClass::Web {
            return self.web.serve(req).await;
        }
        match class.service() {
            Some(service) => self.forwarder.forward(service, req).await,
            None => api_not_found().await.into_response(),
        }
    }
}

pub(crate) fn router(gateway: Gateway) -> Router {
    let onward = Arc::new(Onward {
        forwarder: gateway.forwarder,
        web: gateway.web,
    });
    // Layers run outermost last-added: observe → body limit → identify → rate limit.
    let router = Router::new()
        .merge(crate::accounts::http::router(gateway.accounts))
        .merge(crate::openapi::router(gateway.openapi))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(move |req: Request| {
            let onward = onward.clone();
            async move { onward.dispatch(req).await }
        })
        .layer(middleware::from_fn_with_state(gateway.limits, rate_limit))
        .layer(middleware::from_fn_with_state(
            gateway.authenticator,
            identify,
        ))
        .layer(RequestBodyLimitLayer::new(gateway.max_body_bytes))
        .layer(middleware::map_response(contract_413));
    observed(router)
}
