//! The Elasticsearch adapter against a recording stand-in that answers with responses in
//! Elasticsearch's documented formats. It checks what the adapter sends (mappings, bulk
//! NDJSON with external versions, query DSL) and how it reads answers; it does not prove
//! that a live cluster accepts them (see README.md).

use axum::body::Bytes;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use parking_lot::Mutex;
use platform_core::log::AuctionStatus;
use platform_core::AuctionId;
use search::adapters::elastic::{dsl, ElasticIndex};
use search::contract::{state, words};
use search::domain::query::{SearchQuery, Sort};
use search::domain::AuctionDoc;
use search::port::{apply, SearchIndex};
use serde_json::{json, Value};
use std::sync::Arc;

#[derive(Default)]
struct Cluster {
    requests: Mutex<Vec<(Method, String, String)>>,
    index_exists: Mutex<bool>,
    /// Stored sources by id, as the stand-in's whole memory.
    stored: Mutex<Vec<(String, i64, Value)>>,
    search_answer: Mutex<Value>,
}

fn es(status: StatusCode, body: Value) -> Response {
    (
        status,
        [
            ("content-type", "application/json"),
            ("x-elastic-product", "Elasticsearch"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// Bulk: applies `version_type=external` like Elasticsearch does (strictly greater wins,
/// otherwise a 409 `version_conflict_engine_exception` item).
fn bulk(cluster: &Cluster, body: &str) -> Value {
    let lines: Vec<Value> = body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut items = Vec::new();
    let mut stored = cluster.stored.lock();
    for pair in lines.chunks(2) {
        let meta = &pair[0]["index"];
        let id = meta["_id"].as_str().unwrap().to_owned();
        let version = meta["version"].as_i64().unwrap();
        let current = stored.iter().position(|(i, _, _)| *i == id);
        let conflict = current.is_some_and(|p| stored[p].1 >= version);
        if conflict {
            items.push(json!({"index": {"_index": "auctions", "_id": id, "status": 409,
                "error": {"type": "version_conflict_engine_exception",
                    "reason": format!("[{id}]: version conflict, current version [{}] is higher or equal to the one provided [{version}]", stored[current.unwrap()].1),
                    "index": "auctions", "shard": "0"}}}));
            continue;
        }
        if let Some(p) = current {
            stored.remove(p);
        }
        stored.push((id.clone(), version, pair[1].clone()));
        items.push(
            json!({"index": {"_index": "auctions", "_id": id, "_version": version,
            "result": "created", "_shards": {"total": 2, "successful": 1, "failed": 0},
            "_seq_no": 0, "_primary_term": 1, "status": 201}}),
        );
    }
    let errors = items.iter().any(|i| i["index"]["status"] == 409);
    json!({"took": 3, "errors": errors, "items": items})
}

fn mget(cluster: &Cluster, body: &str) -> Value {
    let ids: Value = serde_json::from_str(body).unwrap();
    let stored = cluster.stored.lock();
    let docs: Vec<Value> = ids["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| {
            match stored
                .iter()
                .find(|(i, _, _)| Some(i.as_str()) == id.as_str())
            {
                Some((i, v, src)) => json!({"_index": "auctions", "_id": i, "_version": v,
                "_seq_no": 0, "_primary_term": 1, "found": true, "_source": src}),
                None => json!({"_index": "auctions", "_id": id, "found": false}),
            }
        })
        .collect();
    json!({"docs": docs})
}

async fn start() -> (Arc<Cluster>, String) {
    let cluster = Arc::new(Cluster::default());
    let c = cluster.clone();
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri, body: Bytes| {
        let c = c.clone();
        async move {
            let body = String::from_utf8_lossy(&body).into_owned();
            let path = uri.path().to_owned();
            c.requests.lock().push((method.clone(), uri.to_string(), body.clone()));
            match (method.as_str(), path.as_str()) {
                ("HEAD", "/auctions") => {
                    let status = if *c.index_exists.lock() { StatusCode::OK } else { StatusCode::NOT_FOUND };
                    es(status, json!({}))
                }
                ("PUT", "/auctions") => {
                    *c.index_exists.lock() = true;
                    es(StatusCode::OK, json!({"acknowledged": true, "shards_acknowledged": true, "index": "auctions"}))
                }
                (_, "/auctions/_bulk") => es(StatusCode::OK, bulk(&c, &body)),
                (_, "/auctions/_mget") => es(StatusCode::OK, mget(&c, &body)),
                (_, "/auctions/_search") => es(StatusCode::OK, c.search_answer.lock().clone()),
                _ => es(StatusCode::BAD_REQUEST, json!({"error": {"type": "unexpected"}, "status": 400})),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (cluster, url)
}

#[tokio::test]
async fn creates_the_index_with_korean_and_english_mappings() {
    let (cluster, url) = start().await;
    ElasticIndex::connect(&url, "auctions").await.unwrap();
    let requests = cluster.requests.lock().clone();
    assert_eq!(requests[0].0, Method::HEAD);
    let (method, path, body) = &requests[1];
    assert_eq!((method, path.as_str()), (&Method::PUT, "/auctions"));
    let def: Value = serde_json::from_str(body).unwrap();
    let analyzer = &def["settings"]["analysis"]["analyzer"]["auction_text"];
    assert_eq!(analyzer["tokenizer"], "standard");
    assert_eq!(
        analyzer["filter"],
        json!(["cjk_width", "lowercase", "auction_bigram"])
    );
    assert_eq!(
        def["settings"]["analysis"]["filter"]["auction_bigram"]["type"],
        "cjk_bigram"
    );
    let props = &def["mappings"]["properties"];
    for text in ["title", "description"] {
        assert_eq!(props[text]["type"], "text");
        assert_eq!(props[text]["analyzer"], "auction_text");
        assert_eq!(props[text]["fields"]["english"]["analyzer"], "english");
    }
    for (field, kind) in [
        ("category", "keyword"),
        ("status", "keyword"),
        ("currentPrice", "long"),
        ("endingKey", "long"),
        ("listedAt", "date"),
        ("hasWords", "boolean"),
    ] {
        assert_eq!(props[field]["type"], kind, "{field}");
    }
    assert_eq!(props["doc"]["enabled"], false);
    // A second start finds the index and leaves it alone.
    ElasticIndex::connect(&url, "auctions").await.unwrap();
    assert_eq!(cluster.requests.lock().len(), 3);
}

#[tokio::test]
async fn writes_bulk_with_external_versions_and_treats_conflicts_as_older() {
    let (cluster, url) = start().await;
    let index = ElasticIndex::connect(&url, "auctions").await.unwrap();
    let id = AuctionId::new();
    apply(
        &index,
        &[
            words(id, "나이키 에어포스", "shoes", 1000, 0),
            state(id, 4, AuctionStatus::Open, 5000, 10),
        ],
    )
    .await
    .unwrap();
    let bulk = cluster
        .requests
        .lock()
        .iter()
        .find(|r| r.1.ends_with("/_bulk"))
        .cloned()
        .unwrap();
    let lines: Vec<Value> = bulk
        .2
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "one action line and one source line");
    assert_eq!(lines[0]["index"]["_id"], id.to_string());
    assert_eq!(lines[0]["index"]["version"], 9);
    assert_eq!(lines[0]["index"]["version_type"], "external");
    assert_eq!(lines[1]["status"], "open");
    assert_eq!(lines[1]["currentPrice"], 5000);
    assert_eq!(lines[1]["title"], "나이키 에어포스");

    // An older event: the adapter's write is refused with a 409 item, reported as refused;
    // the merge loop then sees the stored newer state and is done without an error.
    let mut stale: AuctionDoc = index.fetch(&[id]).await.unwrap().remove(&id).unwrap();
    stale.seq = 2;
    assert_eq!(index.write(vec![stale]).await.unwrap(), [id]);
    assert_eq!(
        apply(&index, &[state(id, 3, AuctionStatus::Open, 4000, 10)])
            .await
            .unwrap(),
        0
    );
    let stored = index.fetch(&[id]).await.unwrap().remove(&id).unwrap();
    assert_eq!((stored.seq, stored.current_price()), (4, 5000));
}

#[test]
fn bulk_items_other_than_version_conflicts_are_errors() {
    let body = json!({"errors": true, "items": [{"index": {"_id": "x", "status": 400,
        "error": {"type": "mapper_parsing_exception", "reason": "failed to parse"}}}]});
    assert!(dsl::parse_bulk(&body).is_err());
}

#[tokio::test]
async fn sends_text_filters_sorts_and_aggs_and_reads_hits_and_facets() {
    let (cluster, url) = start().await;
    let index = ElasticIndex::connect(&url, "auctions").await.unwrap();
    let id = AuctionId::new();
    let mut doc = AuctionDoc::empty(id);
    doc.merge(&words(id, "Nike Air Force 1", "shoes", 1000, 0));
    doc.merge(&state(id, 3, AuctionStatus::Open, 7000, 10));
    *cluster.search_answer.lock() = json!({
        "took": 4, "timed_out": false,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {"total": {"value": 42, "relation": "eq"}, "max_score": 1.7,
            "hits": [{"_index": "auctions", "_id": id.to_string(), "_score": 1.7,
                "_source": dsl::source(&doc).unwrap()}]},
        "aggregations": {
            "category": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                "buckets": [{"key": "shoes", "doc_count": 40}, {"key": "bags", "doc_count": 2}]},
            "status": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                "buckets": [{"key": "open", "doc_count": 42}]}
        }
    });
    let q = SearchQuery {
        text: Some("air force".into()),
        category: Some("shoes".into()),
        min_price: Some(100),
        max_price: Some(9000),
        sort: Sort::PriceAsc,
        page: 3,
        size: 10,
        ..Default::default()
    };
    let page = index.search(&q).await.unwrap();
    assert_eq!(page.total, 42);
    assert_eq!(page.hits[0].id, id);
    assert_eq!(
        (page.hits[0].status.as_str(), page.hits[0].current_price),
        ("open", 7000)
    );
    assert_eq!(page.facets.category["shoes"], 40);
    assert_eq!(page.facets.status["open"], 42);

    let sent = cluster
        .requests
        .lock()
        .iter()
        .find(|r| r.1.contains("/_search"))
        .cloned()
        .unwrap();
    let body: Value = serde_json::from_str(&sent.2).unwrap();
    assert_eq!(
        (body["from"].as_u64(), body["size"].as_u64()),
        (Some(20), Some(10))
    );
    let mm = &body["query"]["bool"]["must"][0]["multi_match"];
    assert_eq!(mm["query"], "air force");
    assert_eq!(mm["operator"], "and");
    assert!(mm["fields"]
        .as_array()
        .unwrap()
        .contains(&json!("title.english^2")));
    let filter = body["query"]["bool"]["filter"].as_array().unwrap();
    assert!(filter.contains(&json!({"term": {"hasWords": true}})));
    assert!(filter
        .contains(&json!({"terms": {"status": ["scheduled", "open", "closed", "cancelled"]}})));
    assert!(filter.contains(&json!({"term": {"category": "shoes"}})));
    assert!(filter.contains(&json!({"range": {"currentPrice": {"gte": 100, "lte": 9000}}})));
    assert_eq!(body["sort"], json!([{"currentPrice": "asc"}]));
    assert_eq!(body["aggs"]["category"]["terms"]["field"], "category");
    assert_eq!(body["aggs"]["status"]["terms"]["field"], "status");
}

#[test]
fn every_sort_has_its_dsl() {
    let sort = |sort| {
        dsl::search_body(&SearchQuery {
            sort,
            ..Default::default()
        })["sort"]
            .clone()
    };
    assert_eq!(
        sort(Sort::Relevance),
        json!(["_score", {"listedAt": "desc"}])
    );
    assert_eq!(sort(Sort::EndingSoon), json!([{"endingKey": "asc"}]));
    assert_eq!(sort(Sort::PriceDesc), json!([{"currentPrice": "desc"}]));
    assert_eq!(sort(Sort::Newest), json!([{"listedAt": "desc"}]));
    let pending = dsl::search_body(&SearchQuery {
        status: Some(AuctionStatus::Pending),
        ..Default::default()
    });
    assert!(pending["query"]["bool"]["filter"]
        .as_array()
        .unwrap()
        .contains(&json!({"terms": {"status": ["pending"]}})));
}

#[tokio::test]
async fn credentials_go_out_as_basic_authentication() {
    let seen: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let record = seen.clone();
    let app = axum::Router::new().fallback(move |headers: axum::http::HeaderMap| {
        let record = record.clone();
        async move {
            let auth = headers
                .get("authorization")
                .map(|v| v.to_str().unwrap().to_owned());
            record.lock().push(auth);
            es(StatusCode::OK, json!({}))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let credentials = Some(("elastic".to_owned(), "s3cret".to_owned()));
    ElasticIndex::connect_as(&url, "auctions", credentials)
        .await
        .unwrap();
    // base64("elastic:s3cret")
    assert_eq!(
        seen.lock().first().cloned().flatten().as_deref(),
        Some("Basic ZWxhc3RpYzpzM2NyZXQ=")
    );
}
