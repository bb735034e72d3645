//! Bad input of every kind gets the contract's status and error body, never a 500, and
//! changes nothing that is stored.

use crate::harness::Platform;
use serde_json::json;
use std::time::Duration;

/// method, path, token, content type, body, expected status, expected error code
type Case<'a> = (
    &'a str,
    String,
    Option<&'a str>,
    &'a str,
    Vec<u8>,
    u16,
    &'a str,
);

#[tokio::test]
async fn bad_requests_are_refused_and_change_nothing() {
    let platform = Platform::start().await;
    let api = &platform.api;
    let admin = platform.admin().await;
    let seller = api.signup("seller").await;
    let bidder = api.signup("bidder").await;
    let id = api
        .list_item(
            &seller,
            json!({"title": "Guitar", "description": "", "category": "other", "startingPrice": 5_000}),
        )
        .await;
    api.schedule(&admin, &id, Duration::ZERO, Duration::from_secs(60))
        .await;
    api.wait_auction(&id, Duration::from_secs(20), "open", |a| {
        a["status"] == "open"
    })
    .await;
    let ok = api.bid(&bidder, &id, 5_000, None).await;
    api.outcome(&bidder, &ok).await;
    api.wait_auction(
        &id,
        Duration::from_secs(20),
        "the bid in the read model",
        |a| a["bidCount"] == 1,
    )
    .await;
    let before = (api.auction(&id).await, history(api, &id).await);

    let bids = format!("/api/auctions/{id}/bids");
    let t = Some(bidder.token.as_str());
    let cases: Vec<Case> = vec![
        (
            "POST",
            bids.clone(),
            t,
            "application/json",
            b"{\"amount\": 6000".to_vec(),
            400,
            "malformed_json",
        ),
        (
            "POST",
            bids.clone(),
            t,
            "application/json",
            br#"{"amount": "6000"}"#.to_vec(),
            400,
            "invalid_body",
        ),
        (
            "POST",
            bids.clone(),
            t,
            "application/json",
            br#"{"amount": 6000.5}"#.to_vec(),
            400,
            "invalid_body",
        ),
        (
            "POST",
            bids.clone(),
            t,
            "application/json",
            br#"{"amount": -6000}"#.to_vec(),
            400,
            "validation_failed",
        ),
        (
            "POST",
            bids.clone(),
            t,
            "application/json",
            br#"{"amount": 0}"#.to_vec(),
            400,
            "validation_failed",
        ),
        (
            "POST",
            bids.clone(),
            t,
            "application/json",
            br#"{"amount": 99999999999999999}"#.to_vec(),
            400,
            "validation_failed",
        ),
        (
            "POST",
            bids.clone(),
            t,
            "application/json",
            br#"{"amount": 99999999999999999999999}"#.to_vec(),
            400,
            "invalid_body",
        ),
        (
            "POST",
            bids.clone(),
            t,
            "application/json",
            br#"{"amount": 7000, "maxAmount": 6000}"#.to_vec(),
            400,
            "validation_failed",
        ),
        (
            "POST",
            bids.clone(),
            t,
            "application/json",
            br#"[]"#.to_vec(),
            400,
            "invalid_body",
        ),
        (
            "POST",
            bids.clone(),
            t,
            "text/plain",
            br#"{"amount": 6000}"#.to_vec(),
            415,
            "unsupported_media_type",
        ),
        (
            "POST",
            bids.clone(),
            None,
            "application/json",
            br#"{"amount": 6000}"#.to_vec(),
            401,
            "unauthorized",
        ),
        (
            "POST",
            bids.clone(),
            Some("not.a.token"),
            "application/json",
            br#"{"amount": 6000}"#.to_vec(),
            401,
            "invalid_token",
        ),
        (
            "POST",
            bids.clone(),
            t,
            "application/json",
            vec![b' '; 200 * 1024],
            413,
            "payload_too_large",
        ),
        (
            "POST",
            "/api/auctions/not-a-uuid/bids".into(),
            t,
            "application/json",
            br#"{"amount": 6000}"#.to_vec(),
            400,
            "invalid_path",
        ),
        (
            "POST",
            format!("/api/auctions/{}/bids", uuid::Uuid::now_v7()),
            t,
            "application/json",
            br#"{"amount": 6000}"#.to_vec(),
            404,
            "not_found",
        ),
        (
            "GET",
            format!("/api/bids/{}", uuid::Uuid::now_v7()),
            t,
            "application/json",
            vec![],
            404,
            "not_found",
        ),
        (
            "GET",
            format!("{bids}?limit=0"),
            None,
            "application/json",
            vec![],
            400,
            "invalid_query",
        ),
        (
            "GET",
            format!("{bids}?afterSeq=minus"),
            None,
            "application/json",
            vec![],
            400,
            "invalid_query",
        ),
        (
            "POST",
            format!("/api/admin/auctions/{id}/cancel"),
            t,
            "application/json",
            vec![],
            403,
            "forbidden",
        ),
        (
            "POST",
            format!("/api/admin/auctions/{id}/schedule"),
            t,
            "application/json",
            br#"{"startsAt": "2030-01-01T00:00:00Z", "endsAt": "2030-01-02T00:00:00Z"}"#.to_vec(),
            403,
            "forbidden",
        ),
        (
            "POST",
            "/api/auctions".into(),
            t,
            "application/json",
            br#"{"title": "x", "description": "", "category": "spaceships", "startingPrice": 5}"#
                .to_vec(),
            400,
            "invalid_category",
        ),
    ];
    for (method, path, token, content_type, body, status, code) in cases {
        let res = api.raw(method, &path, token, content_type, body).await;
        assert_eq!(
            (res.status, res.code()),
            (status, code),
            "{method} {path}: {}",
            res.body
        );
    }

    // Another user cannot read this bidder's bid.
    let stranger = api.signup("stranger").await;
    let peek = api
        .send(
            "GET",
            &format!("/api/bids/{ok}"),
            Some(&stranger.token),
            None,
        )
        .await;
    assert_eq!((peek.status, peek.code()), (404, "not_found"));

    // Nothing changed at once; and nothing later: a barrier bid goes the whole way (the
    // engine decides one auction's commands in log order, the read model follows the
    // events in order), so whatever a refused request had set off would show by then.
    assert_eq!(
        (api.auction(&id).await, history(api, &id).await),
        before,
        "refused requests changed stored state"
    );
    let (auction, bids) = &before;
    let barrier_amount = auction["minimumBid"].as_i64().expect("a minimum bid");
    let after = api.barrier_bid(&id, barrier_amount).await;
    assert_eq!(
        after["seq"].as_i64(),
        auction["seq"].as_i64().map(|s| s + 1),
        "nothing but the barrier was decided after the refused requests: {after}"
    );
    assert_eq!(
        (after["bidCount"].as_i64(), after["currentPrice"].as_i64()),
        (Some(2), Some(barrier_amount)),
        "the barrier is the only change: {after}"
    );
    let items = history(api, &id).await["items"].as_array().unwrap().clone();
    let before_items = bids["items"].as_array().unwrap();
    assert_eq!(items.len(), before_items.len() + 1, "{items:?}");
    assert!(
        before_items.iter().all(|b| items.contains(b)),
        "the earlier bid is kept as it was: {items:?}"
    );
    platform.stop().await;
}

async fn history(api: &testkit::Api, id: &str) -> serde_json::Value {
    api.send("GET", &format!("/api/auctions/{id}/bids"), None, None)
        .await
        .body
}
