//! `gateway`: the public entrance in front of services that run as processes of their own.

use clap::Parser;
use gateway::{Config, Upstream};
use platform_core::config::Common;

#[derive(Parser)]
#[command(name = "gateway", about = "The auction platform's public entrance")]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    gateway: Config,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    platform_core::telemetry::init("gateway");
    let shutdown = platform_core::shutdown::on_signal();
    let upstream = Upstream::Remote(cli.gateway.remote_services());
    let started = gateway::build(
        &cli.common,
        &cli.gateway,
        upstream,
        Vec::new(),
        shutdown.clone(),
    )
    .await?;
    let listener = tokio::net::TcpListener::bind(cli.gateway.listen_address()).await?;
    tracing::info!(address = %listener.local_addr()?, "gateway listening");
    platform_core::service::serve(listener, started, shutdown).await
}
