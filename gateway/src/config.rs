//! Gateway settings. Every field name is prefixed or specific enough to sit next to the
//! other services' settings when the all-in-one binary flattens them side by side; the
//! database URL and bus come from [`platform_core::config::Common`].

use clap::Args;
use reqwest::Url;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

pub const DEFAULT_GATEWAY_PORT: u16 = 8080;
pub const DEFAULT_TOKEN_TTL_SECS: u64 = 3600;
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;
/// Sign-ups and logins per client address: 20 a minute, bursts of 10. Enough for a person
/// who mistypes a password, far too few for guessing one.
pub const DEFAULT_AUTH_RATE_PER_MINUTE: u32 = 20;
pub const DEFAULT_AUTH_RATE_BURST: u32 = 10;
/// Bids and buy-now requests per user: 10 a second, bursts of 20. A person bidding in the
/// last seconds of an auction never reaches it; a script hammering the intake does.
pub const DEFAULT_BID_RATE_PER_SECOND: u32 = 10;
pub const DEFAULT_BID_RATE_BURST: u32 = 20;

#[derive(Args, Clone, Debug)]
#[group(id = "gateway")]
pub struct Config {
    /// Address the gateway listens on.
    #[arg(long, env = "GATEWAY_HOST", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub gateway_host: IpAddr,

    /// Port the gateway listens on (0 picks a free one).
    #[arg(long, env = "GATEWAY_PORT", default_value_t = DEFAULT_GATEWAY_PORT)]
    pub gateway_port: u16,

    /// HS256 secret for access tokens, at least 32 bytes. When unset a random one is made
    /// at start, and tokens do not survive a restart.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// `iss` claim written into, and demanded from, every access token.
    #[arg(long, env = "JWT_ISSUER", default_value = "auction-gateway")]
    pub jwt_issuer: String,

    /// Lifetime of an access token (and of its cookie), in seconds.
    #[arg(long, env = "TOKEN_TTL_SECS", default_value_t = DEFAULT_TOKEN_TTL_SECS)]
    pub token_ttl_secs: u64,

    /// Mark the `access_token` cookie `Secure` (set it when served over HTTPS).
    #[arg(long, env = "COOKIE_SECURE")]
    pub cookie_secure: bool,

    /// Bootstrap administrator: created, or promoted and given this password, at start.
    #[arg(long, env = "ADMIN_EMAIL")]
    pub admin_email: Option<String>,

    #[arg(long, env = "ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    #[arg(long, env = "ADMIN_DISPLAY_NAME", default_value = "Administrator")]
    pub admin_display_name: String,

    /// Largest request body accepted, in bytes; larger ones are answered `413`.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,

    #[arg(long, env = "AUTH_RATE_PER_MINUTE", default_value_t = DEFAULT_AUTH_RATE_PER_MINUTE)]
    pub auth_rate_per_minute: u32,

    #[arg(long, env = "AUTH_RATE_BURST", default_value_t = DEFAULT_AUTH_RATE_BURST)]
    pub auth_rate_burst: u32,

    #[arg(long, env = "BID_RATE_PER_SECOND", default_value_t = DEFAULT_BID_RATE_PER_SECOND)]
    pub bid_rate_per_second: u32,

    #[arg(long, env = "BID_RATE_BURST", default_value_t = DEFAULT_BID_RATE_BURST)]
    pub bid_rate_burst: u32,

    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    #[arg(long, env = "TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,

    /// Built front end, served for every path outside `/api` (SPA fallback to index.html).
    #[arg(long, env = "WEB_DIR", default_value = "web/dist")]
    pub web_dir: PathBuf,

    /// Where the services listen when the gateway runs as a separate process.
    #[arg(
        long,
        env = "AUCTION_SERVICE_URL",
        default_value = "http://127.0.0.1:8081"
    )]
    pub auction_service_url: Url,

    #[arg(
        long,
        env = "BIDDING_SERVICE_URL",
        default_value = "http://127.0.0.1:8082"
    )]
    pub bidding_service_url: Url,

    #[arg(
        long,
        env = "NOTIFICATION_SERVICE_URL",
        default_value = "http://127.0.0.1:8083"
    )]
    pub notification_service_url: Url,

    #[arg(
        long,
        env = "SEARCH_SERVICE_URL",
        default_value = "http://127.0.0.1:8084"
    )]
    pub search_service_url: Url,
}

impl Config {
    pub fn listen_address(&self) -> SocketAddr {
        SocketAddr::new(self.gateway_host, self.gateway_port)
    }

    /// The service addresses, for [`crate::Upstream::Remote`].
    pub fn remote_services(&self) -> crate::RemoteServices {
        crate::RemoteServices {
            auction: self.auction_service_url.clone(),
            bidding: self.bidding_service_url.clone(),
            notification: self.notification_service_url.clone(),
            search: self.search_service_url.clone(),
        }
    }
}

impl Default for Config {
    /// The same values the command line defaults to, without reading the environment.
    fn default() -> Self {
        let local = |port: u16| -> Url {
            format!("http://127.0.0.1:{port}")
                .parse()
                .expect("a literal URL parses")
        };
        Self {
            gateway_host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            gateway_port: DEFAULT_GATEWAY_PORT,
            jwt_secret: None,
            jwt_issuer: "auction-gateway".to_owned(),
            token_ttl_secs: DEFAULT_TOKEN_TTL_SECS,
            cookie_secure: false,
            admin_email: None,
            admin_password: None,
            admin_display_name: "Administrator".to_owned(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            auth_rate_per_minute: DEFAULT_AUTH_RATE_PER_MINUTE,
            auth_rate_burst: DEFAULT_AUTH_RATE_BURST,
            bid_rate_per_second: DEFAULT_BID_RATE_PER_SECOND,
            bid_rate_burst: DEFAULT_BID_RATE_BURST,
            trust_forwarded_for: false,
            web_dir: PathBuf::from("web/dist"),
            auction_service_url: local(8081),
            bidding_service_url: local(8082),
            notification_service_url: local(8083),
            search_service_url: local(8084),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        config: Config,
    }

    #[test]
    fn command_line_defaults_match_the_default_impl() {
        let parsed = Cli::try_parse_from(["gateway"]).unwrap().config;
        let default = Config::default();
        // The environment of whoever runs the tests may set some; compare the rest.
        if std::env::var_os("GATEWAY_PORT").is_none() {
            assert_eq!(parsed.gateway_port, default.gateway_port);
        }
        if std::env::var_os("MAX_BODY_BYTES").is_none() {
            assert_eq!(parsed.max_body_bytes, default.max_body_bytes);
        }
        if std::env::var_os("AUCTION_SERVICE_URL").is_none() {
            assert_eq!(parsed.auction_service_url, default.auction_service_url);
        }
        if std::env::var_os("BID_RATE_BURST").is_none() {
            assert_eq!(parsed.bid_rate_burst, default.bid_rate_burst);
        }
    }
}
