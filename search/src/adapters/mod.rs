//! Adapters of the search port, chosen by `SEARCH_URL`.

pub mod elastic;
pub mod embedded;

use crate::port::SearchIndex;
use std::path::Path;
use std::sync::Arc;

/// `embedded://` (tantivy under `data_dir`), `memory://` (tantivy in memory, starts
/// empty: the indexer reads the logs from their start) or `http(s)://host:9200` (Elasticsearch,
/// index `index_name`).
pub async fn connect(
    url: &str,
    data_dir: &Path,
    index_name: &str,
    credentials: Option<(String, String)>,
) -> anyhow::Result<Arc<dyn SearchIndex>> {
    let (scheme, _) = url.split_once("://").ok_or_else(|| {
        anyhow::anyhow!("SEARCH_URL {url:?} is not a URL (use embedded:// or http://host:9200)")
    })?;
    match scheme {
        "embedded" => Ok(Arc::new(embedded::EmbeddedIndex::open(data_dir)?)),
        "memory" => Ok(Arc::new(embedded::EmbeddedIndex::in_memory()?)),
        "http" | "https" => Ok(Arc::new(
            elastic::ElasticIndex::connect_as(url, index_name, credentials).await?,
        )),
        other => anyhow::bail!(
            "SEARCH_URL scheme {other:?} is not supported (use embedded://, memory:// or http(s)://)"
        ),
    }
}
