//! Search service: keeps a search index of auctions current from the two logs and answers
//! `GET /api/search`.
//!
//! * `domain/`: the indexed document, how words and state merge, the query, text terms.
//! * `port`: the search port ([`port::SearchIndex`]) and the merge-and-write loop.
//! * `adapters/`: the embedded tantivy index (default) and Elasticsearch.
//! * `workers/`: the indexer following the event and command topics.
//! * `http/`: the search route.
//! * `rebuild`: the operator's full rebuild from the auction table.

pub mod adapters;
pub mod contract;
pub mod domain;
pub mod http;
pub mod port;
pub mod rebuild;
pub mod workers;

use clap::Args;
use platform_bus::Bus;
use platform_core::config::Common;
use platform_core::service::Started;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use vocabulary::{topics::COMMANDS as COMMAND_TOPIC, topics::EVENTS as EVENT_TOPIC};

#[derive(Args, Clone, Debug)]
#[group(id = "search")]
pub struct Config {
    /// Port of the standalone `search` role.
    #[arg(long, env = "SEARCH_PORT", default_value_t = 8084)]
    pub search_port: u16,

    /// Index adapter: `embedded://` (tantivy on local disk, one process per
    /// `SEARCH_DATA_DIR`), `memory://` (tantivy in memory, for tests) or
    /// `http(s)://host:9200` (Elasticsearch).
    #[arg(long, env = "SEARCH_URL", default_value = "embedded://")]
    pub search_url: String,

    /// Directory of the embedded index.
    #[arg(long, env = "SEARCH_DATA_DIR", default_value = ".data/search")]
    pub search_data_dir: PathBuf,

    /// Elasticsearch index name.
    #[arg(long, env = "SEARCH_INDEX", default_value = "auctions")]
    pub search_index: String,

    /// Elasticsearch user for HTTP basic authentication (with `SEARCH_PASSWORD`).
    #[arg(long, env = "SEARCH_USERNAME")]
    pub search_username: Option<String>,

    #[arg(long, env = "SEARCH_PASSWORD", hide_env_values = true)]
    pub search_password: Option<String>,

    /// Longest time a change waits before it is made searchable, in milliseconds.
    #[arg(long, env = "SEARCH_REFRESH_MS", default_value_t = 300)]
    pub search_refresh_ms: u64,
}

impl Config {
    pub fn for_tests(data_dir: PathBuf) -> Self {
        Self {
            search_port: 0,
            search_url: "embedded://".into(),
            search_data_dir: data_dir,
            search_index: "auctions".into(),
            search_username: None,
            search_password: None,
            search_refresh_ms: 100,
        }
    }

    pub async fn connect(&self) -> anyhow::Result<Arc<dyn port::SearchIndex>> {
        let credentials = match (&self.search_username, &self.search_password) {
            (Some(user), Some(password)) => Some((user.clone(), password.clone())),
            (None, None) => None,
            _ => anyhow::bail!("SEARCH_USERNAME and SEARCH_PASSWORD go together"),
        };
        adapters::connect(
            &self.search_url,
            &self.search_data_dir,
            &self.search_index,
            credentials,
        )
        .await
    }
}

pub async fn start(
    common: &Common,
    config: &Config,
    bus: Arc<dyn Bus>,
    shutdown: CancellationToken,
) -> anyhow::Result<Started> {
    anyhow::ensure!(
        (10..=60_000).contains(&config.search_refresh_ms),
        "SEARCH_REFRESH_MS must be between 10 and 60000"
    );
    let index = config.connect().await?;
    bus.ensure_topic(COMMAND_TOPIC, common.command_partitions)
        .await?;
    bus.ensure_topic(EVENT_TOPIC, common.event_partitions)
        .await?;
    let mut started = Started::new(http::router(index.clone()));
    let ping = index.clone();
    started.readiness.push(Arc::new(move || {
        let index = ping.clone();
        Box::pin(async move {
            index
                .ping()
                .await
                .map_err(|e| format!("search index: {e:#}"))
        })
    }));
    let cadence = Duration::from_millis(config.search_refresh_ms);
    let identity = index_identity(config)?;
    workers::indexer::spawn(
        &mut started,
        index,
        bus,
        cadence,
        identity.as_deref(),
        shutdown,
    )
    .await?;
    Ok(started)
}

/// Who owns the index this instance feeds. An on-disk embedded index belongs to this
/// instance alone and keeps its identity in its directory, so a restart resumes the same
/// consumer groups; an in-memory one is new every start; Elasticsearch is shared.
fn index_identity(config: &Config) -> anyhow::Result<Option<String>> {
    let scheme = config.search_url.split("://").next().unwrap_or_default();
    match scheme {
        "embedded" => {
            std::fs::create_dir_all(&config.search_data_dir)?;
            let file = config.search_data_dir.join("indexer-identity");
            match std::fs::read_to_string(&file) {
                Ok(id) if !id.trim().is_empty() => Ok(Some(id.trim().to_owned())),
                _ => {
                    let id = uuid::Uuid::new_v4().simple().to_string();
                    std::fs::write(&file, &id)?;
                    Ok(Some(id))
                }
            }
        }
        "memory" => Ok(Some(uuid::Uuid::new_v4().simple().to_string())),
        _ => Ok(None),
    }
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    http::ApiDoc::openapi()
}
