//! Search as a visitor uses it, through the gateway, kept current by the platform's logs.
//! How soon a change is searchable is printed, not asserted: timing is for benchmarks,
//! and these tests share the machine with many others.

use crate::harness::Platform;
use serde_json::json;
use std::time::{Duration, Instant};

async fn wait_search(
    api: &testkit::Api,
    query: &str,
    what: &str,
    pred: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let start = Instant::now();
    loop {
        let res = api
            .send("GET", &format!("/api/search?{query}"), None, None)
            .await;
        assert_eq!(res.status, 200, "{}", res.body);
        if pred(&res.body) {
            eprintln!("search: {what} after {} ms", start.elapsed().as_millis());
            return res.body;
        }
        if start.elapsed() >= Duration::from_secs(30) {
            // Whether the auctions reached the read model tells a stalled search index
            // from a stalled event path.
            panic!(
                "{what} not within 30 s: {}; the catalog lists {:?}",
                res.body,
                catalog(api).await
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Each auction the auction service lists, as `id status`.
async fn catalog(api: &testkit::Api) -> Vec<String> {
    let res = api.send("GET", "/api/auctions?limit=100", None, None).await;
    res.body["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|a| format!("{} {}", a["id"], a["status"]))
                .collect()
        })
        .unwrap_or_else(|| vec![res.body.to_string()])
}

#[tokio::test]
async fn scheduled_auctions_are_found_and_follow_price_and_close() {
    let platform = Platform::start().await;
    let api = &platform.api;
    let admin = platform.admin().await;
    let seller = api.signup("seller").await;
    let bidder = api.signup("bidder").await;
    let shoe = api
        .list_item(
            &seller,
            json!({"title": "나이키 에어포스 1 한정판", "description": "Nike Air Force 1, limited",
                   "category": "fashion", "startingPrice": 50_000}),
        )
        .await;
    let lamp = api
        .list_item(
            &seller,
            json!({"title": "Desk lamp", "description": "brass", "category": "home", "startingPrice": 60_000}),
        )
        .await;
    for id in [&shoe, &lamp] {
        api.schedule(&admin, id, Duration::ZERO, Duration::from_secs(6))
            .await;
    }
    wait_search(
        api,
        "q=%EB%82%98%EC%9D%B4%ED%82%A4",
        "the Korean title",
        |b| {
            b["hits"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["id"] == shoe.as_str())
        },
    )
    .await;
    wait_search(api, "q=air%20force", "the English words", |b| {
        b["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["id"] == shoe.as_str())
    })
    .await;

    api.wait_auction(&shoe, Duration::from_secs(20), "open", |a| {
        a["status"] == "open"
    })
    .await;
    let bid = api.bid(&bidder, &shoe, 70_000, None).await;
    assert_eq!(api.outcome(&bidder, &bid).await["status"], "accepted");
    // The shoe now costs more than the lamp: price_asc puts the lamp first, and a price
    // filter sees the new price.
    let ordered = wait_search(
        api,
        "sort=price_asc&status=open",
        "the new price order",
        |b| {
            let hits = b["hits"].as_array().unwrap();
            hits.len() == 2 && hits[0]["id"] == lamp.as_str() && hits[1]["currentPrice"] == 70_000
        },
    )
    .await;
    assert_eq!(ordered["total"], 2);
    wait_search(api, "minPrice=65000", "the price filter", |b| {
        let hits = b["hits"].as_array().unwrap();
        hits.len() == 1 && hits[0]["id"] == shoe.as_str()
    })
    .await;

    api.wait_auction(&shoe, Duration::from_secs(20), "close", |a| {
        a["status"] == "closed"
    })
    .await;
    let closed = wait_search(
        api,
        "q=%EB%82%98%EC%9D%B4%ED%82%A4",
        "the closed status",
        |b| b["hits"][0]["status"] == "closed",
    )
    .await;
    assert_eq!(closed["facets"]["status"]["closed"], 1);
    let bad = api
        .send("GET", "/api/search?sort=cheapest", None, None)
        .await;
    assert_eq!((bad.status, bad.code()), (400, "invalid_query"));
    platform.stop().await;
}
