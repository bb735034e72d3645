//! Creating listings and reading one.

use crate::support::{id_of, listing, spawn_app, user};
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;
use vocabulary::Amount;
use vocabulary::Command;

#[tokio::test]
async fn create_returns_a_pending_auction_and_queues_a_list_command() {
    let app = spawn_app().await;
    let seller = user();
    let auction = app.create(&seller, listing()).await;
    assert_eq!(auction["status"], "pending");
    assert_eq!(auction["sellerId"], seller.user_id.to_string());
    assert_eq!(auction["title"], "Vintage film camera");
    assert_eq!(auction["currency"], "KRW");
    assert_eq!(auction["startingPrice"], 10000);
    assert_eq!(auction["currentPrice"], 10000, "before any bid");
    assert_eq!(auction["bidCount"], 0);
    assert_eq!(auction["seq"], 0);
    assert_eq!(auction["reserveMet"], false);
    assert_eq!(
        auction["reservePrice"], 30000,
        "the seller sees the reserve"
    );
    assert_eq!(auction["buyNowPrice"], 90000);
    assert!(auction["startsAt"].is_null() && auction["winnerId"].is_null());

    let id = id_of(&auction);
    let commands = app.commands_for(&id, 1, Duration::from_secs(5)).await;
    match commands.as_slice() {
        [Command::List {
            auction_id,
            terms,
            listing,
            ..
        }] => {
            assert_eq!(auction_id.to_string(), id);
            assert_eq!(listing.title, "Vintage film camera");
            assert_eq!(listing.category, "electronics");
            assert_eq!(terms.seller_id, seller.user_id);
            assert_eq!(terms.starting_price, Amount::minor(10000));
            assert_eq!(terms.reserve_price, Some(Amount::minor(30000)));
            assert_eq!(terms.buy_now_price, Some(Amount::minor(90000)));
            assert_eq!(terms.currency.as_str(), "KRW");
        }
        other => panic!("expected one List command, got {other:?}"),
    }
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM command_outbox")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "published commands leave the outbox");
}

#[tokio::test]
async fn the_reserve_is_shown_to_the_seller_only() {
    let app = spawn_app().await;
    let seller = user();
    let id = id_of(&app.create(&seller, listing()).await);
    let uri = format!("/api/auctions/{id}");

    let (status, mine) = app.get(&uri, Some(&seller)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine["reservePrice"], 30000);
    for viewer in [Some(user()), None] {
        let (status, theirs) = app.get(&uri, viewer.as_ref()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(theirs.get("reservePrice").is_none(), "{theirs}");
        assert_eq!(theirs["reserveMet"], false);
        let (_, page) = app.get("/api/auctions", viewer.as_ref()).await;
        assert!(page["items"][0].get("reservePrice").is_none());
        assert!(!page.to_string().contains("30000"));
    }
}

#[tokio::test]
async fn invalid_listings_are_refused_with_their_code_and_store_nothing() {
    let app = spawn_app().await;
    let seller = user();
    let with = |field: &str, value: Value| {
        let mut body = listing();
        body[field] = value;
        body
    };
    let cases = [
        (with("title", json!("   ")), "invalid_title"),
        (with("title", json!("x".repeat(201))), "invalid_title"),
        (
            with("description", json!("x".repeat(10_001))),
            "invalid_description",
        ),
        (with("category", json!("weapons")), "invalid_category"),
        (with("startingPrice", json!(0)), "invalid_amount"),
        (with("startingPrice", json!(-100)), "invalid_amount"),
        (
            with("buyNowPrice", json!(10_000_000_000_001_i64)),
            "invalid_amount",
        ),
        (with("reservePrice", json!(9999)), "invalid_reserve_price"),
        (with("buyNowPrice", json!(10000)), "invalid_buy_now_price"),
        (with("buyNowPrice", json!(20000)), "invalid_buy_now_price"),
        (with("currency", json!("krw")), "invalid_currency"),
        (with("startingPrice", json!("10000")), "invalid_body"),
        (with("startingPrice", json!(10.5)), "invalid_body"),
        (with("title", json!(42)), "invalid_body"),
        (with("reservePrice", json!(true)), "invalid_body"),
        (
            json!({"title": "no price", "description": "", "category": "art"}),
            "invalid_body",
        ),
    ];
    let before = app.stored().await;
    for (body, code) in cases {
        let (status, err) = app
            .call(
                Method::POST,
                "/api/auctions",
                Some(&seller),
                Some(body.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {err}");
        assert_eq!(err["error"]["code"], code, "{body}");
        assert!(err["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    let (status, err) = app
        .call_raw(
            Method::POST,
            "/api/auctions",
            Some(&seller),
            Some("{\"title\": ".into()),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"]["code"], "malformed_json");
    assert_eq!(
        app.stored().await,
        before,
        "a refused listing stores nothing"
    );
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM command_outbox")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(queued, 0);
}

#[tokio::test]
async fn listing_needs_a_signed_in_caller_and_ignores_unknown_fields() {
    let app = spawn_app().await;
    let (status, err) = app
        .call(Method::POST, "/api/auctions", None, Some(listing()))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(err["error"]["code"], "unauthorized");

    let mut body = listing();
    body["sellerId"] = json!("00000000-0000-0000-0000-000000000000");
    body["status"] = json!("open");
    body["currency"] = json!("USD");
    body["reservePrice"] = Value::Null;
    let seller = user();
    let auction = app.create(&seller, body).await;
    assert_eq!(auction["sellerId"], seller.user_id.to_string());
    assert_eq!(auction["status"], "pending");
    assert_eq!(auction["currency"], "USD");
    assert!(auction.get("reservePrice").is_none());
    assert_eq!(auction["reserveMet"], true, "no reserve is a met reserve");
}

#[tokio::test]
async fn reading_an_unknown_auction_is_404_and_a_malformed_id_400() {
    let app = spawn_app().await;
    let unknown = uuid::Uuid::now_v7();
    let (status, err) = app.get(&format!("/api/auctions/{unknown}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(err["error"]["code"], "not_found");
    let (status, err) = app.get("/api/auctions/not-a-uuid", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"]["code"], "invalid_path");
}
