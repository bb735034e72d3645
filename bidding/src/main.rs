//! The bidding service on its own: intake routes plus the engine.

use clap::Parser;
use platform_core::config::Common;

#[derive(Parser)]
#[command(name = "bidding", about = "Bid intake and the per-auction bid engine")]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    bidding: bidding::Config,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    platform_core::telemetry::init("bidding");
    let shutdown = platform_core::shutdown::on_signal();
    let bus = platform_bus::connect(&cli.common.bus_url).await?;
    let started = bidding::start(&cli.common, &cli.bidding, bus, shutdown.clone()).await?;
    let listener = tokio::net::TcpListener::bind(("0.0.0.0", cli.bidding.bidding_port)).await?;
    tracing::info!(addr = %listener.local_addr()?, "bidding listening");
    platform_core::service::serve(listener, started, shutdown).await
}
