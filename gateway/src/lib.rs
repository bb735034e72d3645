//! The gateway: the platform's one public entrance.
//!
//! It owns accounts (argon2id passwords, HS256 access tokens as bearer or cookie), turns a
//! token into the identity headers the services trust, enforces body and rate limits,
//! stamps request ids, logs and measures every request, serves the OpenAPI document and
//! the front end, and routes the rest of `/api` to the services, in this process
//! ([`Upstream::InProcess`]) or over HTTP ([`Upstream::Remote`]).

pub mod accounts;
mod app;
mod config;
pub mod http;
pub mod limiter;
pub mod openapi;
pub mod tokens;
pub mod upstream;
pub mod web;

pub use config::Config;
pub use upstream::{RemoteServices, Upstream};

use accounts::bootstrap::bootstrap_admin;
use accounts::http::Accounts;
use accounts::password::PasswordHasher;
use accounts::store::UserStore;
use anyhow::Context;
use http::identify::Authenticator;
use http::rate_limit::{sweep_until_shutdown, RateLimits};
use limiter::RateLimiter;
use platform_core::config::Common;
use platform_core::service::Started;
use std::sync::Arc;
use tokens::TokenKeys;
use tokio_util::sync::CancellationToken;

/// Connects to Postgres (schema `gateway`), runs the migrations, makes sure the configured
/// administrator exists, and returns the complete gateway router (own endpoints,
/// middleware, and `upstream` behind them) with its readiness check and workers. Serve it
/// with [`platform_core::service::serve`], which provides the client address the rate
/// limits need.
pub async fn build(
    common: &Common,
    config: &Config,
    upstream: Upstream,
    service_docs: Vec<utoipa::openapi::OpenApi>,
    shutdown: CancellationToken,
) -> anyhow::Result<Started> {
    let pool = platform_core::db::open(common, "gateway", sqlx::migrate!("./migrations")).await?;

    let tokens = Arc::new(TokenKeys::from_config(
        config.jwt_secret.as_deref(),
        &config.jwt_issuer,
        config.token_ttl_secs,
    )?);
    let hasher = PasswordHasher::new().await?;
    let store = UserStore::new(pool.clone());
    bootstrap_admin(&store, &hasher, config).await?;

    anyhow::ensure!(config.max_body_bytes > 0, "MAX_BODY_BYTES must be positive");
    let limits = Arc::new(RateLimits {
        sign_in: RateLimiter::new(
            limiter::per_minute(config.auth_rate_per_minute, config.auth_rate_burst)
                .context("AUTH_RATE_PER_MINUTE / AUTH_RATE_BURST")?,
        ),
        bids: RateLimiter::new(
            limiter::per_second(config.bid_rate_per_second, config.bid_rate_burst)
                .context("BID_RATE_PER_SECOND / BID_RATE_BURST")?,
        ),
        trust_forwarded_for: config.trust_forwarded_for,
    });

    if matches!(upstream, Upstream::Remote(_)) && std::env::var_os("INTERNAL_TOKEN").is_none() {
        tracing::warn!(
            "INTERNAL_TOKEN is not set: services in other processes will not trust the identities the gateway passes"
        );
    }

    let router = app::router(app::Gateway {
        accounts: Accounts {
            store,
            hasher,
            tokens: tokens.clone(),
            cookie_secure: config.cookie_secure,
        },
        authenticator: Authenticator {
            tokens,
            cookie_secure: config.cookie_secure,
        },
        limits: limits.clone(),
        max_body_bytes: config.max_body_bytes,
        openapi: openapi::document(service_docs)?,
        forwarder: upstream::Forwarder::new(upstream, &shutdown)?,
        web: web::WebFiles::new(&config.web_dir),
    });

    let mut started = Started::new(router);
    started
        .readiness
        .push(platform_core::ops::postgres_check(pool));
    started.spawn(sweep_until_shutdown(limits, shutdown));
    Ok(started)
}
