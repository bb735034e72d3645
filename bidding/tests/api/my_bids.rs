//! `GET /api/me/bids`: the caller's bids only, newest first, page by page.

use crate::support::{spawn_app, terms, user};
use axum::http::StatusCode;
use serde_json::Value;

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["bidId"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_bidder_pages_through_their_own_bids_newest_first() {
    let app = spawn_app().await;
    let (seller, alice, bob) = (user(), user(), user());
    let (first, _) = app.open_auction(&seller, terms(1_000, None)).await;
    let (second, _) = app.open_auction(&seller, terms(1_000, Some(9_000))).await;
    let mut placed = vec![
        app.bid(&alice, first, 1_000, Some(3_000)).await,
        app.bid(&alice, first, 10, None).await,
        app.bid(&alice, second, 2_000, None).await,
    ];
    let bobs = app.bid(&bob, first, 5_000, None).await;
    placed.push(app.bid(&alice, first, 6_000, None).await);
    placed.push(app.buy_now(&alice, second).await);
    placed.reverse();
    let newest_first: Vec<String> = placed
        .iter()
        .map(|b| b["bidId"].as_str().unwrap().to_owned())
        .collect();

    let (status, page) = app.get("/api/me/bids?limit=2", Some(&alice)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(ids(&page), newest_first[..2]);
    let buy = &page["items"][0];
    assert_eq!(
        (
            buy["kind"].as_str(),
            buy["status"].as_str(),
            buy["amount"].as_i64()
        ),
        (Some("buy_now"), Some("accepted"), Some(9_000))
    );
    assert!(buy["seq"].is_i64() && buy.get("reason").is_none(), "{buy}");
    let cursor = page["nextCursor"].as_str().unwrap().to_owned();

    let (_, rest) = app
        .get(
            &format!("/api/me/bids?limit=2&cursor={cursor}"),
            Some(&alice),
        )
        .await;
    assert_eq!(ids(&rest), newest_first[2..4]);
    let refused = &rest["items"][1];
    assert_eq!(
        (refused["status"].as_str(), refused["reason"].as_str()),
        (Some("rejected"), Some("below_minimum"))
    );
    assert!(refused.get("seq").is_none(), "{refused}");
    let (_, last) = app
        .get(
            &format!(
                "/api/me/bids?limit=2&cursor={}",
                rest["nextCursor"].as_str().unwrap()
            ),
            Some(&alice),
        )
        .await;
    assert_eq!(ids(&last), newest_first[4..]);
    assert!(last["nextCursor"].is_null());
    let accepted = &last["items"][0];
    assert_eq!(
        (accepted["amount"].as_i64(), accepted["maxAmount"].as_i64()),
        (Some(1_000), Some(3_000))
    );
    assert_eq!(accepted["auctionId"], first.to_string());

    let (_, all) = app.get("/api/me/bids", Some(&alice)).await;
    assert_eq!(ids(&all), newest_first, "default page holds all five");
    let (_, theirs) = app.get("/api/me/bids", Some(&bob)).await;
    assert_eq!(ids(&theirs), [bobs["bidId"].as_str().unwrap()]);
    let (_, nobody) = app.get("/api/me/bids", Some(&user())).await;
    assert_eq!(nobody["items"].as_array().unwrap().len(), 0);
    assert!(nobody["nextCursor"].is_null());
}

#[tokio::test]
async fn anonymous_callers_and_bad_pages_are_refused() {
    let app = spawn_app().await;
    let (status, body) = app.get("/api/me/bids", None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    let alice = user();
    for (query, code) in [
        ("limit=0", "invalid_limit"),
        ("limit=101", "invalid_limit"),
        ("limit=-3", "invalid_limit"),
        ("limit=ten", "invalid_query"),
        ("cursor=zz", "invalid_cursor"),
        ("cursor=", "invalid_cursor"),
        ("cursor=0123456789abcdef", "invalid_cursor"),
    ] {
        let (status, body) = app
            .get(&format!("/api/me/bids?{query}"), Some(&alice))
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some(code)),
            "{query}"
        );
    }
    let (status, _) = app.get("/api/me/bids?limit=100", Some(&alice)).await;
    assert_eq!(status, StatusCode::OK);
}
