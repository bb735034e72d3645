//! Notification service: consumes the auction event topic and pushes events to browsers
//! over Server-Sent Events. This crate currently provides the service's place in the
//! platform (configuration, start-up, routing); the streams themselves are not served yet,
//! so their routes answer `404` like any unknown path.

use clap::Args;
use platform_bus::Bus;
use platform_core::config::Common;
use platform_core::service::Started;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

#[derive(Args, Clone, Debug)]
#[group(id = "notification")]
pub struct Config {
    /// Port of the standalone `notification` role.
    #[arg(long, env = "NOTIFICATION_PORT", default_value_t = 8083)]
    pub notification_port: u16,
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
