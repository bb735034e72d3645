//! One binary, many roles. `SERVICES` names the roles this process runs: `all` (the
//! single-machine default: every service plus the gateway, routing in process), one
//! service on its own (`bidding`, ...), or the gateway alone in front of services that
//! run elsewhere. The code of a role is the same in every combination; only how the
//! gateway reaches the services changes.

use clap::{Args, ValueEnum};
use gateway::{Config as GatewayConfig, Upstream};
use platform_core::config::Common;
use platform_core::service::Started;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use tokio_util::sync::CancellationToken;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Role {
    All,
    Gateway,
    Auction,
    Bidding,
    Notification,
    Search,
}

const SERVICES: [Role; 4] = [
    Role::Auction,
    Role::Bidding,
    Role::Notification,
    Role::Search,
];

#[derive(Args, Clone, Debug)]
pub struct PlatformConfig {
    /// Roles to run, comma separated: `all`, or some of gateway, auction, bidding,
    /// notification, search.
    #[arg(
        long,
        env = "SERVICES",
        value_enum,
        value_delimiter = ',',
        default_value = "all"
    )]
    pub services: Vec<Role>,

    /// Address a service listens on when it runs without the gateway.
    #[arg(long, env = "SERVICE_HOST", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub service_host: IpAddr,

    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub gateway: GatewayConfig,
    #[command(flatten)]
    pub auction: auction::Config,
    #[command(flatten)]
    pub bidding: bidding::Config,
    #[command(flatten)]
    pub notification: notification::Config,
    #[command(flatten)]
    pub search: search::Config,
}

impl PlatformConfig {
    /// The roles to run, with `all` expanded.
    pub fn roles(&self) -> Vec<Role> {
        if self.services.contains(&Role::All) {
            let mut all = vec![Role::Gateway];
            all.extend(SERVICES);
            return all;
        }
        let mut roles = self.services.clone();
        roles.dedup();
        roles
    }
}

/// The OpenAPI documents of every service, for the gateway's `/api/openapi.json`.
pub fn service_docs() -> Vec<utoipa::openapi::OpenApi> {
    vec![
        auction::openapi(),
        bidding::openapi(),
        notification::openapi(),
        search::openapi(),
    ]
}

/// Starts the configured roles and returns them with the address to serve them on.
pub async fn start(
    config: &PlatformConfig,
    shutdown: CancellationToken,
) -> anyhow::Result<(Started, SocketAddr)> {
    let bus = connect_bus(&config.common).await?;
    start_on(config, bus, shutdown).await
}

/// The bus `BUS_URL` names: `embedded://` is the in-process log journaled in the
/// platform's own database (schema `bus`), any other URL goes to [`platform_bus::connect`].
pub async fn connect_bus(common: &Common) -> anyhow::Result<std::sync::Arc<dyn platform_bus::Bus>> {
    if common.bus_url == EMBEDDED_BUS {
        let pool =
            platform_core::db::open(common, "bus", platform_bus::journal::migrator()).await?;
        return Ok(std::sync::Arc::new(
            platform_bus::journal::JournalBus::open(pool).await?,
        ));
    }
    platform_bus::connect(&common.bus_url).await
}

/// `BUS_URL` of the in-process log journaled in PostgreSQL.
pub const EMBEDDED_BUS: &str = "embedded://";

/// [`start`] on a bus the caller already holds (tests read the logs through it).
pub async fn start_on(
    config: &PlatformConfig,
    bus: std::sync::Arc<dyn platform_bus::Bus>,
    shutdown: CancellationToken,
) -> anyhow::Result<(Started, SocketAddr)> {
    let roles = config.roles();
    anyhow::ensure!(!roles.is_empty(), "SERVICES names no role");
    let services: Vec<Role> = roles
        .iter()
        .copied()
        .filter(|r| SERVICES.contains(r))
        .collect();
    let with_gateway = roles.contains(&Role::Gateway);
    if with_gateway && !services.is_empty() && services.len() != SERVICES.len() {
        anyhow::bail!("the gateway runs either alone (services elsewhere) or with every service");
    }
    if services.len() < SERVICES.len()
        && (config.common.bus_url.starts_with("memory:") || config.common.bus_url == EMBEDDED_BUS)
        && !services.is_empty()
    {
        tracing::warn!("an in-process bus is not shared with other processes; use kafka:// when services run apart");
    }

    let mut merged: Option<Started> = None;
    for role in &services {
        let started = start_service(*role, config, bus.clone(), shutdown.clone()).await?;
        merged = Some(match merged {
            None => started,
            Some(m) => m.merge(started),
        });
    }

    if with_gateway {
        let (upstream, rest) = match merged {
            Some(mut services) => {
                let router = std::mem::take(&mut services.router);
                (Upstream::InProcess(router), Some(services))
            }
            None => (Upstream::Remote(config.gateway.remote_services()), None),
        };
        let gateway = gateway::build(
            &config.common,
            &config.gateway,
            upstream,
            service_docs(),
            shutdown,
        )
        .await?;
        let started = match rest {
            Some(services) => gateway.merge(services),
            None => gateway,
        };
        return Ok((started, config.gateway.listen_address()));
    }

    let port = match services[0] {
        Role::Auction => config.auction.auction_port,
        Role::Bidding => config.bidding.bidding_port,
        Role::Notification => config.notification.notification_port,
        _ => config.search.search_port,
    };
    let started = merged.expect("at least one service role");
    Ok((started, SocketAddr::new(config.service_host, port)))
}

async fn start_service(
    role: Role,
    config: &PlatformConfig,
    bus: std::sync::Arc<dyn platform_bus::Bus>,
    shutdown: CancellationToken,
) -> anyhow::Result<Started> {
    let common = &config.common;
    match role {
        Role::Auction => auction::start(common, &config.auction, bus, shutdown).await,
        Role::Bidding => bidding::start(common, &config.bidding, bus, shutdown).await,
        Role::Notification => {
            notification::start(common, &config.notification, bus, shutdown).await
        }
        Role::Search => search::start(common, &config.search, bus, shutdown).await,
        Role::All | Role::Gateway => unreachable!("only service roles are started here"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        platform: PlatformConfig,
    }

    #[test]
    fn every_setting_of_every_role_fits_in_one_command_line() {
        Cli::command().debug_assert();
    }

    #[test]
    fn all_expands_to_the_gateway_and_every_service() {
        let cli = Cli::try_parse_from(["platform", "--services", "all"]).unwrap();
        assert_eq!(cli.platform.roles().len(), 5);
        let cli = Cli::try_parse_from(["platform", "--services", "bidding,auction"]).unwrap();
        assert_eq!(cli.platform.roles(), vec![Role::Bidding, Role::Auction]);
        assert!(Cli::try_parse_from(["platform", "--services", "bogus"]).is_err());
    }
}
