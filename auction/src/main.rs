//! The standalone auction service.

use clap::Parser;
use platform_core::config::Common;

#[derive(Parser)]
#[command(
    name = "auction",
    about = "Listings, scheduling and the auction read model"
)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    config: auction::Config,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    platform_core::telemetry::init("auction");
    let shutdown = platform_core::shutdown::on_signal();
    let bus = platform_bus::connect(&cli.common.bus_url).await?;
    let started = auction::start(&cli.common, &cli.config, bus, shutdown.clone()).await?;
    let addr = std::net::SocketAddr::from(([0, 0, 0, 0], cli.config.auction_port));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "auction service listening");
    platform_core::service::serve(listener, started, shutdown).await
}
