//! The search service on its own: `search` serves the role (indexer + route);
//! `search rebuild` refills the index from the auction table (operator tool, read-only
//! on the auction schema; run it while the service is stopped).

use clap::{Parser, Subcommand};
use platform_core::config::Common;

#[derive(Parser)]
#[command(
    name = "search",
    about = "Search index of auctions and the search route"
)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    search: search::Config,
    #[command(subcommand)]
    command: Option<Action>,
}

#[derive(Subcommand)]
enum Action {
    /// Empty the index and rebuild it from `auction.auctions` (read-only).
    Rebuild,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    platform_core::telemetry::init("search");
    if let Some(Action::Rebuild) = cli.command {
        let index = cli.search.connect().await?;
        search::rebuild::rebuild(&cli.common.database_url, index.as_ref()).await?;
        return Ok(());
    }
    let shutdown = platform_core::shutdown::on_signal();
    let bus = platform_bus::connect(&cli.common.bus_url).await?;
    let started = search::start(&cli.common, &cli.search, bus, shutdown.clone()).await?;
    let listener = tokio::net::TcpListener::bind(("0.0.0.0", cli.search.search_port)).await?;
    tracing::info!(addr = %listener.local_addr()?, "search listening");
    platform_core::service::serve(listener, started, shutdown).await
}
