//! The JSON Elasticsearch is sent and answers, as pure functions (tested without a
//! cluster): index settings and mappings, the document source, the query DSL, and the
//! parsing of search, bulk and mget responses.

use crate::domain::query::{Facets, SearchPage, SearchQuery, Sort};
use crate::domain::AuctionDoc;
use crate::port::Revision;
use anyhow::Context;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use vocabulary::AuctionId;

/// Text analysed for Korean and English together: the standard tokenizer, width and case
/// folding, and bigrams of CJK runs (the analysis of the built-in `cjk` analyzer, without
/// its English stop words so that every word can be searched). Each text field also has
/// an `english` sub-field (stemmed) for English word forms.
pub fn index_definition() -> Value {
    let text = json!({
        "type": "text",
        "analyzer": "auction_text",
        "fields": {"english": {"type": "text", "analyzer": "english"}}
    });
    json!({
        "settings": {
            "index": {"refresh_interval": "500ms"},
            "analysis": {
                "filter": {
                    "auction_bigram": {"type": "cjk_bigram", "output_unigrams": false}
                },
                "analyzer": {
                    "auction_text": {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": ["cjk_width", "lowercase", "auction_bigram"]
                    }
                }
            }
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "title": text,
                "description": text,
                "category": {"type": "keyword"},
                "status": {"type": "keyword"},
                "sellerId": {"type": "keyword"},
                "currentPrice": {"type": "long"},
                "endingKey": {"type": "long"},
                "listedAt": {"type": "date"},
                "hasWords": {"type": "boolean"},
                // The whole merged document, kept for fetching and for hits.
                "doc": {"type": "object", "enabled": false}
            }
        }
    })
}

/// What is stored for one auction.
pub fn source(doc: &AuctionDoc) -> anyhow::Result<Value> {
    Ok(json!({
        "title": doc.title(),
        "description": doc.description(),
        "category": doc.category(),
        "status": doc.status().as_str(),
        "sellerId": doc.terms.as_ref().map(|t| t.seller_id.to_string()),
        "currentPrice": doc.current_price(),
        "endingKey": doc.ending_key(),
        "listedAt": doc.listed_at,
        "hasWords": doc.listing.is_some(),
        "doc": serde_json::to_value(doc)?,
    }))
}

pub fn search_body(q: &SearchQuery) -> Value {
    let mut must = Vec::new();
    if let Some(text) = &q.text {
        must.push(json!({"multi_match": {
            "query": text,
            "fields": ["title^2", "title.english^2", "description", "description.english"],
            "type": "most_fields",
            "operator": "and"
        }}));
    }
    let statuses: Vec<&str> = q.statuses().into_iter().map(|s| s.as_str()).collect();
    let mut filter = vec![
        json!({"term": {"hasWords": true}}),
        json!({"terms": {"status": statuses}}),
    ];
    if let Some(category) = &q.category {
        filter.push(json!({"term": {"category": category}}));
    }
    if q.min_price.is_some() || q.max_price.is_some() {
        let mut range = serde_json::Map::new();
        if let Some(min) = q.min_price {
            range.insert("gte".into(), min.get().into());
        }
        if let Some(max) = q.max_price {
            range.insert("lte".into(), max.get().into());
        }
        filter.push(json!({"range": {"currentPrice": range}}));
    }
    let sort = match q.sort {
        Sort::Relevance => json!(["_score", {"listedAt": "desc"}]),
        Sort::EndingSoon => json!([{"endingKey": "asc"}]),
        Sort::PriceAsc => json!([{"currentPrice": "asc"}]),
        Sort::PriceDesc => json!([{"currentPrice": "desc"}]),
        Sort::Newest => json!([{"listedAt": "desc"}]),
    };
    json!({
        "from": q.offset(),
        "size": q.size,
        "track_total_hits": true,
        "query": {"bool": {"must": must, "filter": filter}},
        "sort": sort,
        "aggs": {
            "category": {"terms": {"field": "category", "size": 200}},
            "status": {"terms": {"field": "status", "size": 10}}
        }
    })
}

fn doc_of(hit: &Value) -> anyhow::Result<AuctionDoc> {
    serde_json::from_value(hit["_source"]["doc"].clone()).context("document without its source")
}

pub fn parse_search(body: &Value) -> anyhow::Result<SearchPage> {
    let total = body["hits"]["total"]["value"]
        .as_u64()
        .context("search response without hits.total.value")?;
    let docs = body["hits"]["hits"]
        .as_array()
        .context("search response without hits.hits")?
        .iter()
        .map(doc_of)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let hits = docs.iter().filter_map(|d| d.hit()).collect();
    let buckets = |name: &str| -> BTreeMap<String, u64> {
        body["aggregations"][name]["buckets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|b| Some((b["key"].as_str()?.to_owned(), b["doc_count"].as_u64()?)))
            .collect()
    };
    Ok(SearchPage {
        total,
        hits,
        facets: Facets {
            category: buckets("category"),
            status: buckets("status"),
        },
    })
}

/// The ids a bulk request did not write because the stored document changed since it was
/// read, or one was stored where none had been (`409 version_conflict_engine_exception`);
/// any other failed item is an error.
pub fn parse_bulk(body: &Value) -> anyhow::Result<Vec<AuctionId>> {
    let mut refused = Vec::new();
    for item in body["items"]
        .as_array()
        .context("bulk response without items")?
    {
        let result = item
            .as_object()
            .and_then(|o| o.values().next())
            .context("empty bulk item")?;
        let status = result["status"].as_u64().unwrap_or(0);
        if (200..300).contains(&status) {
            continue;
        }
        let kind = result["error"]["type"].as_str().unwrap_or("");
        let id = result["_id"].as_str().unwrap_or("");
        if status == 409 && kind == "version_conflict_engine_exception" {
            refused.push(id.parse().context("bulk item id is not an auction id")?);
        } else {
            anyhow::bail!("bulk item {id} failed with {status}: {}", result["error"]);
        }
    }
    Ok(refused)
}

/// The stored documents of an `_mget` answer, each with its [`Revision`].
pub fn parse_mget_revisions(
    body: &Value,
) -> anyhow::Result<HashMap<AuctionId, (AuctionDoc, Revision)>> {
    let mut found = HashMap::new();
    for d in body["docs"]
        .as_array()
        .context("mget response without docs")?
    {
        if d["found"].as_bool() == Some(true) {
            let doc = doc_of(d)?;
            let revision = Revision {
                seq_no: d["_seq_no"].as_i64().context("mget doc without _seq_no")?,
                primary_term: d["_primary_term"]
                    .as_i64()
                    .context("mget doc without _primary_term")?,
            };
            found.insert(doc.id, (doc, revision));
        }
    }
    Ok(found)
}

pub fn parse_mget(body: &Value) -> anyhow::Result<HashMap<AuctionId, AuctionDoc>> {
    Ok(parse_mget_revisions(body)?
        .into_iter()
        .map(|(id, (doc, _))| (id, doc))
        .collect())
}
