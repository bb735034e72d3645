//! The notification service on its own: the live streams and their event consumer.

use clap::Parser;
use platform_core::config::Common;

#[derive(Parser)]
#[command(
    name = "notification",
    about = "Live auction updates over Server-Sent Events"
)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    notification: notification::Config,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    platform_core::telemetry::init("notification");
    let shutdown = platform_core::shutdown::on_signal();
    let bus = platform_bus::connect(&cli.common.bus_url).await?;
    let started =
        notification::start(&cli.common, &cli.notification, bus, shutdown.clone()).await?;
    let listener =
        tokio::net::TcpListener::bind(("0.0.0.0", cli.notification.notification_port)).await?;
    tracing::info!(addr = %listener.local_addr()?, "notification listening");
    platform_core::service::serve(listener, started, shutdown).await
}
