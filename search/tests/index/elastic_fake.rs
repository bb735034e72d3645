//! The Elasticsearch adapter against a recording stand-in that answers with responses in
//! Elasticsearch's documented formats. It checks what the adapter sends (mappings, bulk
//! NDJSON with conditional writes, query DSL) and how it reads answers; it does not prove
//! that a live cluster accepts them (see README.md).

use axum::body::Bytes;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use parking_lot::Mutex;
use search::adapters::elastic::{dsl, ElasticIndex};
use search::contract::{state, words};
use search::domain::query::{SearchQuery, Sort};
use search::domain::AuctionDoc;
use search::port::{apply, SearchIndex};
use serde_json::{json, Value};
use std::sync::Arc;
use vocabulary::{Amount, AuctionId, AuctionStatus};

#[derive(Default)]
struct Cluster {
    requests: Mutex<Vec<(Method, String, String)>>,
    index_exists: Mutex<bool>,
    /// Stored sources by id with the `_seq_no` of their last write, as the stand-in's
    /// whole memory.
    stored: Mutex<Vec<(String, i64, Value)>>,
    /// The index's last `_seq_no`; every write takes the next one.
    last_seq_no: Mutex<i64>,
    /// A source another writer stores just before the next bulk request is applied.
    racing_write: Mutex<Option<(String, Value)>>,
    search_answer: Mutex<Value>,
}

const PRIMARY_TERM: i64 = 1;

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

fn store(
    cluster: &Cluster,
    stored: &mut Vec<(String, i64, Value)>,
    id: &str,
    source: Value,
) -> i64 {
    let mut last = cluster.last_seq_no.lock();
    *last += 1;
    stored.retain(|(i, _, _)| i != id);
    stored.push((id.to_owned(), *last, source));
    *last
}

/// Bulk: applies `create` and `index` with `if_seq_no`/`if_primary_term` as Elasticsearch
/// does: a `create` of a stored id, or an `index` whose condition no longer holds, is a
/// 409 `version_conflict_engine_exception` item.
fn bulk(cluster: &Cluster, body: &str) -> Value {
    let lines: Vec<Value> = body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut items = Vec::new();
    let mut stored = cluster.stored.lock();
    if let Some((id, source)) = cluster.racing_write.lock().take() {
        store(cluster, &mut stored, &id, source);
    }
    for pair in lines.chunks(2) {
        let (action, meta) = pair[0].as_object().unwrap().iter().next().unwrap();
        let id = meta["_id"].as_str().unwrap().to_owned();
        let current = stored.iter().find(|(i, _, _)| *i == id).map(|(_, s, _)| *s);
        let conflict = match (action.as_str(), current) {
            ("create", None) => None,
            ("create", Some(_)) => Some(format!(
                "[{id}]: version conflict, document already exists (current version [1])"
            )),
            ("index", current) => {
                let required = (meta["if_seq_no"].as_i64(), meta["if_primary_term"].as_i64());
                match (required, current) {
                    ((Some(seq_no), Some(PRIMARY_TERM)), Some(now)) if seq_no == now => None,
                    ((Some(seq_no), Some(term)), now) => Some(format!(
                        "[{id}]: version conflict, required seqNo [{seq_no}], primary term [{term}]. \
                         current document has seqNo [{}] and primary term [{PRIMARY_TERM}]",
                        now.unwrap_or(-1)
                    )),
                    _ => panic!("an unconditional index of {id}: {meta}"),
                }
            }
            (other, _) => panic!("unexpected bulk action {other}"),
        };
        if let Some(reason) = conflict {
            items.push(
                json!({action: {"_index": "auctions", "_id": id, "status": 409,
                "error": {"type": "version_conflict_engine_exception", "reason": reason,
                    "index": "auctions", "shard": "0"}}}),
            );
            continue;
        }
        let seq_no = store(cluster, &mut stored, &id, pair[1].clone());
        items.push(
            json!({action: {"_index": "auctions", "_id": id, "_version": 1,
            "result": if current.is_some() { "updated" } else { "created" },
            "_shards": {"total": 2, "successful": 1, "failed": 0},
            "_seq_no": seq_no, "_primary_term": PRIMARY_TERM,
            "status": if current.is_some() { 200 } else { 201 }}}),
        );
    }
    let errors = items
        .iter()
        .any(|i| i.as_object().unwrap().values().next().unwrap()["status"] == 409);
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
                Some((i, seq_no, src)) => json!({"_index": "auctions", "_id": i, "_version": 1,
                "_seq_no": seq_no, "_primary_term": PRIMARY_TERM, "found": true, "_source": src}),
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

fn bulks(cluster: &Cluster) -> Vec<Vec<Value>> {
    cluster
        .requests
        .lock()
        .iter()
        .filter(|r| r.1.ends_with("/_bulk"))
        .map(|r| {
            r.2.lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn writes_on_condition_and_treats_conflicts_as_refusals() {
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
    let lines = bulks(&cluster).remove(0);
    assert_eq!(lines.len(), 2, "one action line and one source line");
    assert_eq!(
        lines[0],
        json!({"create": {"_id": id.to_string()}}),
        "none stored yet"
    );
    assert_eq!(lines[1]["status"], "open");
    assert_eq!(lines[1]["currentPrice"], 5000);
    assert_eq!(lines[1]["title"], "나이키 에어포스");

    // A newer state: written on condition that the stored document is still the one read.
    apply(&index, &[state(id, 5, AuctionStatus::Open, 6000, 10)])
        .await
        .unwrap();
    let lines = bulks(&cluster).remove(1);
    assert_eq!(
        lines[0],
        json!({"index": {"_id": id.to_string(), "if_seq_no": 1, "if_primary_term": 1}})
    );

    // An older state: refused without a request, and the merge loop then sees the stored
    // newer state and is done without an error.
    let mut stale: AuctionDoc = index.fetch(&[id]).await.unwrap().remove(&id).unwrap();
    stale.seq = 2;
    assert_eq!(index.write(vec![stale]).await.unwrap(), [id]);
    assert_eq!(
        apply(&index, &[state(id, 3, AuctionStatus::Open, 4000, 10)])
            .await
            .unwrap(),
        0
    );
    assert_eq!(bulks(&cluster).len(), 2);
    let stored = index.fetch(&[id]).await.unwrap().remove(&id).unwrap();
    assert_eq!((stored.seq, stored.current_price().get()), (5, 6000));
}

/// The race that external versions could not see: the words and a newer state, each merged
/// into a stale copy by two writers. Whichever lands second is refused, merged again and
/// written with both.
#[tokio::test]
async fn a_write_landing_between_the_read_and_the_bulk_is_never_overwritten() {
    let (cluster, url) = start().await;
    let index = ElasticIndex::connect(&url, "auctions").await.unwrap();
    let id = AuctionId::new();
    apply(
        &index,
        &[state(id, 2, AuctionStatus::Scheduled, 500_000, 60)],
    )
    .await
    .unwrap();

    // Another writer stores the words just after this one has read the document.
    let mut with_words = index.fetch(&[id]).await.unwrap().remove(&id).unwrap();
    with_words.merge(&words(id, "Leica M6 카메라", "cameras", 500_000, 0));
    *cluster.racing_write.lock() = Some((id.to_string(), dsl::source(&with_words).unwrap()));
    apply(&index, &[state(id, 3, AuctionStatus::Open, 500_000, 60)])
        .await
        .unwrap();

    let stored = index.fetch(&[id]).await.unwrap().remove(&id).unwrap();
    assert_eq!(stored.seq, 3, "the state was merged again and written");
    assert_eq!(stored.title(), "Leica M6 카메라", "the words were kept");
    let conflicts = bulks(&cluster)
        .iter()
        .filter(|lines| lines[0]["index"]["if_seq_no"] == 1)
        .count();
    assert_eq!(
        conflicts, 1,
        "the first attempt was conditioned on the read"
    );
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
        min_price: Some(Amount::minor(100)),
        max_price: Some(Amount::minor(9000)),
        sort: Sort::PriceAsc,
        page: 3,
        size: 10,
        ..Default::default()
    };
    let page = index.search(&q).await.unwrap();
    assert_eq!(page.total, 42);
    assert_eq!(page.hits[0].id, id);
    assert_eq!(
        (
            page.hits[0].state.status.as_str(),
            page.hits[0].state.current_price.get()
        ),
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
