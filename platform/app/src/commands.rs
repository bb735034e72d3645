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

#[cfg(test)]
mod tests {
    use super::*;

    /// The document `/api/openapi.json` serves when every service runs.
    fn platform_document() -> serde_json::Value {
        serde_json::from_slice(&openapi_document().unwrap()).unwrap()
    }

    fn collect_refs<'a>(value: &'a serde_json::Value, refs: &mut Vec<&'a str>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(r)) = map.get("$ref") {
                    refs.push(r);
                }
                map.values().for_each(|v| collect_refs(v, refs));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, refs)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_in_the_platform_document_resolves() {
        let doc = platform_document();
        let mut refs = Vec::new();
        collect_refs(&doc, &mut refs);
        assert!(refs.contains(&"#/components/schemas/Sort"));
        for r in refs {
            let pointer = r.strip_prefix('#').unwrap_or(r);
            assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
        }
    }

    #[test]
    fn every_error_response_carries_the_error_body() {
        let doc = platform_document();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                for (status, response) in operation["responses"].as_object().unwrap() {
                    if status.starts_with('2') {
                        continue;
                    }
                    let schema = &response["content"]["application/json"]["schema"]["$ref"];
                    assert_eq!(
                        schema, "#/components/schemas/ErrorResponse",
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_gateways_own_answers_are_on_every_operation_they_apply_to() {
        let doc = platform_document();
        let statuses = |path: &str, method: &str| -> Vec<String> {
            doc["paths"][path][method]["responses"]
                .as_object()
                .unwrap_or_else(|| panic!("{method} {path} missing"))
                .keys()
                .cloned()
                .collect()
        };
        let create = statuses("/api/auctions", "post");
        assert!(create.contains(&"401".into()) && create.contains(&"413".into()));
        let bid = statuses("/api/auctions/{id}/bids", "post");
        assert!(bid.contains(&"429".into()) && bid.contains(&"413".into()));
        assert!(statuses("/api/search", "get").contains(&"401".into()));
        let signup = statuses("/api/auth/signup", "post");
        assert!(signup.contains(&"429".into()) && !signup.contains(&"401".into()));
        assert!(!statuses("/api/auctions/{id}/bids", "get").contains(&"429".into()));
    }
}
