//! What the `platform` binary does besides serving: operator commands that need more than
//! one service, which is why they live in the composition root.

use crate::roles::service_docs;
use search::domain::AuctionDoc;
use search::port::SearchIndex;
use search::rebuild::Rebuild;
use std::io::Write;

/// Auctions read from the catalog and written to the index at a time.
const REBUILD_BATCH: usize = 1000;

/// The whole platform's OpenAPI document, as the gateway serves it at `/api/openapi.json`.
pub fn openapi_document() -> anyhow::Result<Vec<u8>> {
    Ok(gateway::openapi::document(service_docs())?.to_vec())
}

/// Empties `index` and refills it from the auction service's catalog export (a read-only
/// transaction in the auction schema), printing progress on stderr when `progress` is
/// set. Returns the number of auctions indexed.
pub async fn rebuild_search(
    database_url: &str,
    index: &dyn SearchIndex,
    progress: bool,
) -> anyhow::Result<u64> {
    let mut catalog = auction::store::export::Catalog::open(database_url, REBUILD_BATCH).await?;
    let mut rebuild = Rebuild::start(index).await?;
    let mut read = 0;
    loop {
        let entries = catalog.next_batch().await?;
        if entries.is_empty() {
            break;
        }
        read += entries.len() as u64;
        rebuild
            .write(entries.into_iter().map(doc_of).collect())
            .await?;
        if progress {
            print_progress(read, catalog.total);
        }
    }
    let written = rebuild.finish().await?;
    if progress {
        eprintln!("\nindexed {written} auctions");
    }
    Ok(written)
}

fn doc_of(entry: auction::store::export::CatalogEntry) -> AuctionDoc {
    AuctionDoc {
        id: entry.id,
        terms: Some(entry.terms),
        listing: Some(entry.listing),
        listed_at: Some(entry.listed_at),
        seq: entry.seq,
        state: Some(entry.state),
    }
}

fn print_progress(done: u64, total: u64) {
    let total = total.max(1);
    let width = 30;
    let filled = (done.min(total) * width / total) as usize;
    eprint!(
        "\r[{}{}] {done}/{total}",
        "#".repeat(filled),
        "-".repeat(width as usize - filled)
    );
    std::io::stderr().flush().ok();
}
