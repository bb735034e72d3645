//! Where requests go after the gateway's middleware: into the services' router in this
//! same process, or over HTTP to services running on their own.

mod proxy;
pub mod routes;

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::Router;
use proxy::RemoteProxy;
use reqwest::Url;
use routes::Service;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt as _;

// Made once at start and consumed by `build`; its size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Upstream {
    /// Every service merged into one router, called directly (the all-in-one process).
    InProcess(Router),
    /// Services reached over HTTP.
    Remote(RemoteServices),
}

#[derive(Clone, Debug)]
pub struct RemoteServices {
    pub auction: Url,
    pub bidding: Url,
    pub notification: Url,
    pub search: Url,
}

impl RemoteServices {
    pub fn url(&self, service: Service) -> &Url {
        match service {
            Service::Auction => &self.auction,
            Service::Bidding => &self.bidding,
            Service::Notification => &self.notification,
            Service::Search => &self.search,
        }
    }
}

pub(crate) enum Forwarder {
    InProcess(Router),
    Remote(Box<RemoteProxy>),
}

impl Forwarder {
    /// Relayed event streams end when `shutdown` fires.
    pub fn new(upstream: Upstream, shutdown: &CancellationToken) -> anyhow::Result<Forwarder> {
        Ok(match upstream {
            // A service router knows nothing of the contract's error body for paths and
            // methods it lacks; these fallbacks give it one.
            Upstream::InProcess(router) => Forwarder::InProcess(
                router
                    .method_not_allowed_fallback(crate::http::errors::method_not_allowed)
                    .fallback(crate::http::errors::api_not_found),
            ),
            Upstream::Remote(services) => {
                Forwarder::Remote(Box::new(RemoteProxy::new(services, shutdown.clone())?))
            }
        })
    }

    pub async fn forward(&self, service: Service, req: Request) -> Response {
        match self {
            Forwarder::InProcess(router) => match router.clone().oneshot(req).await {
                Ok(res) => res,
                Err(never) => match never {},
            },
            Forwarder::Remote(proxy) => proxy.forward(service, req).await.into_response(),
        }
    }
}
