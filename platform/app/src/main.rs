//! `platform`: every role of the auction platform in one binary. With no settings it runs
//! the whole platform in this process (in-memory bus) and prints the address to open;
//! `SERVICES` picks the roles of a process when they run apart.

use clap::{Parser, Subcommand};
use platform_app::commands;
use platform_app::roles::{self, PlatformConfig, Role};

/// glibc's allocator spent about a third of the process's CPU under bid load (many
/// short-lived buffers freed across threads); mimalloc handles that pattern far better.
/// It is built without asking for transparent huge pages: with them, every connection's
/// small buffers kept whole 2 MiB pages resident (17 KB per live stream instead of 11).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "platform",
    about = "The auction platform: all services, or the roles SERVICES names"
)]
struct Cli {
    #[command(flatten)]
    platform: PlatformConfig,
    #[command(subcommand)]
    command: Option<Action>,
}

#[derive(Subcommand)]
enum Action {
    /// Serve the roles SERVICES names (the default).
    Serve,
    /// Empty the search index and refill it from the auction catalog (read-only there).
    /// Run it while the search role is stopped.
    RebuildSearch,
    /// Print the OpenAPI document of the whole platform and exit.
    Openapi,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Action::Serve) {
        Action::Serve => serve(&cli.platform).await,
        Action::RebuildSearch => {
            platform_core::telemetry::init("platform");
            let index = cli.platform.search.connect().await?;
            let url = &cli.platform.common.database_url;
            commands::rebuild_search(url, index.as_ref(), true).await?;
            Ok(())
        }
        Action::Openapi => {
            let mut document = commands::openapi_document()?;
            document.push(b'\n');
            std::io::Write::write_all(&mut std::io::stdout(), &document)?;
            Ok(())
        }
    }
}

async fn serve(config: &PlatformConfig) -> anyhow::Result<()> {
    platform_core::telemetry::init("platform");
    let shutdown = platform_core::shutdown::on_signal();
    let (started, address) = roles::start(config, shutdown.clone()).await?;
    let listener = tokio::net::TcpListener::bind(address).await?;
    let bound = listener.local_addr()?;
    tracing::info!(address = %bound, roles = ?config.roles(), "platform listening");
    if config.roles().contains(&Role::Gateway) {
        println!("\n  The auction platform is up: open http://{bound}/\n");
    }
    platform_core::service::serve(listener, started, shutdown).await
}
