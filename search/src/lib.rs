//! Search service: keeps a search index of auctions current from the event topic and
//! answers queries. This crate currently provides the service's place in the
//! platform (configuration, start-up, routing); search itself is not served yet,
//! so its route answers `404` like any unknown path.

use clap::Args;
use platform_bus::Bus;
use platform_core::config::Common;
use platform_core::service::Started;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

#[derive(Args, Clone, Debug)]
#[group(id = "search")]
pub struct Config {
    /// Port of the standalone `search` role.
    #[arg(long, env = "SEARCH_PORT", default_value_t = 8084)]
    pub search_port: u16,
}

pub async fn start(
    _common: &Common,
    _config: &Config,
    _bus: Arc<dyn Bus>,
    _shutdown: CancellationToken,
) -> anyhow::Result<Started> {
    Ok(Started::new(axum::Router::new()))
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    utoipa::openapi::OpenApiBuilder::new().build()
}
