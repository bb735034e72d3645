//! The newest-first listing: filters and cursor pages.

use crate::support::{id_of, listing, rfc3339, spawn_app, user};
use axum::http::StatusCode;
use chrono::{Duration as Span, Utc};
use serde_json::json;
use std::collections::HashSet;

#[tokio::test]
async fn filters_and_pages_without_duplicates() {
    let app = spawn_app().await;
    let (alice, bob) = (user(), user());
    let mut alices = Vec::new();
    for i in 0..7 {
        let mut body = listing();
        body["title"] = json!(format!("lot {i}"));
        body["category"] = json!(if i % 2 == 0 { "art" } else { "books" });
        alices.push(id_of(&app.create(&alice, body).await));
    }
    let bobs = id_of(&app.create(&bob, listing()).await);
    let starts = Utc::now() + Span::hours(1);
    let (status, _) = app
        .schedule(
            &alices[0],
            &rfc3339(starts),
            &rfc3339(starts + Span::hours(1)),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Alice's auctions, three at a time.
    let mut seen = Vec::new();
    let mut uri = format!("/api/auctions?sellerId={}&limit=3", alice.user_id);
    let mut pages = 0;
    loop {
        let (status, page) = app.get(&uri, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        pages += 1;
        for item in page["items"].as_array().unwrap() {
            assert_eq!(item["sellerId"], alice.user_id.to_string());
            seen.push(id_of(item));
        }
        match page["nextCursor"].as_str() {
            Some(cursor) => {
                uri = format!(
                    "/api/auctions?sellerId={}&limit=3&cursor={cursor}",
                    alice.user_id
                )
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let newest_first: Vec<String> = alices.iter().rev().cloned().collect();
    assert_eq!(seen, newest_first, "every auction once, newest first");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 7);

    let (_, all) = app.get("/api/auctions", None).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 8);
    assert_eq!(all["items"][0]["id"], bobs.as_str());
    assert!(all["nextCursor"].is_null());

    let (_, art) = app.get("/api/auctions?category=art", None).await;
    assert_eq!(art["items"].as_array().unwrap().len(), 4);
    let (_, scheduled) = app.get("/api/auctions?status=scheduled", None).await;
    let items = scheduled["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], alices[0].as_str());
    let (_, both) = app
        .get(
            &format!(
                "/api/auctions?status=pending&category=books&sellerId={}",
                alice.user_id
            ),
            None,
        )
        .await;
    assert_eq!(both["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn bad_listing_queries_are_400() {
    let app = spawn_app().await;
    let cases = [
        ("status=bogus", "invalid_status"),
        ("category=weapons", "invalid_category"),
        ("sellerId=not-a-uuid", "invalid_query"),
        ("limit=0", "invalid_limit"),
        ("limit=101", "invalid_limit"),
        ("limit=abc", "invalid_query"),
        ("cursor=garbage", "invalid_cursor"),
        ("cursor=00", "invalid_cursor"),
    ];
    for (query, code) in cases {
        let (status, err) = app.get(&format!("/api/auctions?{query}"), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(err["error"]["code"], code, "{query}");
    }
    let (status, _) = app.get("/api/auctions?limit=100&unknown=1", None).await;
    assert_eq!(status, StatusCode::OK);
}
