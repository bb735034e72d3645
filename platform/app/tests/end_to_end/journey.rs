//! A listing's whole life over HTTP: list, schedule, open by itself, bids, close by
//! itself with the right winner and price.

use crate::harness::Platform;
use serde_json::json;
use std::time::Duration;
use testkit::{Api, User};

fn listing(title: &str) -> serde_json::Value {
    json!({
        "title": title,
        "description": "Unworn, in the original box.",
        "category": "fashion",
        "startingPrice": 10_000,
        "currency": "KRW"
    })
}

#[tokio::test]
async fn an_auction_opens_takes_bids_and_closes_with_the_right_winner() {
    let platform = Platform::start().await;
    let admin = platform.admin().await;
    listing_to_winner(&platform.api, &admin).await;
    platform.stop().await;
}

/// The story every deployment must tell the same way: a seller lists, the admin
/// schedules, the auction opens by itself, two bidders outbid each other, and it closes
/// by itself with the right winner and final price.
pub async fn listing_to_winner(api: &Api, admin: &User) {
    let seller = api.signup("seller").await;
    let alice = api.signup("alice").await;
    let bob = api.signup("bob").await;

    let id = api
        .list_item(&seller, listing("Nike Air Force 1 한정판"))
        .await;
    let scheduled = api
        .schedule(
            admin,
            &id,
            Duration::from_millis(500),
            Duration::from_secs(6),
        )
        .await;
    assert_eq!(scheduled.status, 200, "{}", scheduled.body);
    assert_eq!(scheduled.body["status"], "scheduled");

    api.wait_auction(&id, Duration::from_secs(20), "the auction to open", |a| {
        a["status"] == "open"
    })
    .await;

    let first = api.bid(&alice, &id, 10_000, None).await;
    let first = api.outcome(&alice, &first).await;
    assert_eq!(first["status"], "accepted", "{first}");

    // 10,000 is in the 250 band: the next bid must be at least 10,250.
    let low = api.bid(&bob, &id, 10_100, None).await;
    let low = api.outcome(&bob, &low).await;
    assert_eq!(low["status"], "rejected");
    assert_eq!(low["reason"], "below_minimum");

    let second = api.bid(&bob, &id, 12_000, None).await;
    assert_eq!(api.outcome(&bob, &second).await["status"], "accepted");

    let live = api
        .wait_auction(&id, Duration::from_secs(20), "the price to move", |a| {
            a["currentPrice"] == 12_000
        })
        .await;
    assert_eq!(live["leadingBidderId"], bob.id.as_str());
    assert_eq!(live["bidCount"], 2);

    let closed = api
        .wait_auction(&id, Duration::from_secs(20), "the auction to close", |a| {
            a["status"] == "closed"
        })
        .await;
    assert_eq!(closed["winnerId"], bob.id.as_str());
    assert_eq!(closed["finalPrice"], 12_000);

    let late = api.bid(&alice, &id, 20_000, None).await;
    let late = api.outcome(&alice, &late).await;
    assert_eq!(late["status"], "rejected");
    assert_eq!(late["reason"], "auction_closed");

    let history = api
        .send("GET", &format!("/api/auctions/{id}/bids"), None, None)
        .await;
    let items = history.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items[0]["seq"].as_i64() < items[1]["seq"].as_i64());
    assert_eq!(items[1]["amount"], 12_000);
    assert!(
        !items[1]["bidder"].as_str().unwrap().contains(&bob.id),
        "bidders are masked"
    );
}

#[tokio::test]
async fn proxy_bids_reserve_and_buy_now_follow_the_rules() {
    let platform = Platform::start().await;
    let api = &platform.api;
    let admin = platform.admin().await;
    let seller = api.signup("seller").await;
    let alice = api.signup("alice").await;
    let bob = api.signup("bob").await;

    let mut body = listing("Vintage camera");
    body["reservePrice"] = json!(50_000);
    body["buyNowPrice"] = json!(90_000);
    let id = api.list_item(&seller, body).await;
    assert_eq!(
        api.auction(&id).await.get("reservePrice"),
        None,
        "the reserve stays hidden"
    );
    api.schedule(&admin, &id, Duration::ZERO, Duration::from_secs(60))
        .await;
    api.wait_auction(&id, Duration::from_secs(20), "open", |a| {
        a["status"] == "open"
    })
    .await;

    // Alice leaves a maximum of 40,000; Bob's 20,000 is beaten by her proxy one
    // increment (250 in the 10,000–25,000 band) above it.
    let a = api.bid(&alice, &id, 10_000, Some(40_000)).await;
    assert_eq!(api.outcome(&alice, &a).await["status"], "accepted");
    let b = api.bid(&bob, &id, 20_000, None).await;
    assert_eq!(api.outcome(&bob, &b).await["status"], "accepted");
    let now = api
        .wait_auction(&id, Duration::from_secs(20), "the proxy answer", |a| {
            a["bidCount"] == 2
        })
        .await;
    assert_eq!(now["leadingBidderId"], alice.id.as_str());
    assert_eq!(now["currentPrice"], 20_250);
    assert_eq!(now["reserveMet"], false);

    // The seller may not bid; buy-now ends the auction at its price.
    let own = api
        .send(
            "POST",
            &format!("/api/auctions/{id}/bids"),
            Some(&seller.token),
            Some(json!({"amount": 60_000})),
        )
        .await;
    assert_eq!((own.status, own.code()), (403, "seller_cannot_bid"));
    let buy = api
        .send(
            "POST",
            &format!("/api/auctions/{id}/buy-now"),
            Some(&bob.token),
            None,
        )
        .await;
    assert_eq!(buy.status, 202, "{}", buy.body);
    let bought = api.outcome(&bob, buy.body["bidId"].as_str().unwrap()).await;
    assert_eq!(bought["status"], "accepted");
    assert_eq!(bought["amount"], 90_000);
    let closed = api
        .wait_auction(&id, Duration::from_secs(20), "buy-now to close", |a| {
            a["status"] == "closed"
        })
        .await;
    assert_eq!(closed["winnerId"], bob.id.as_str());
    assert_eq!(closed["finalPrice"], 90_000);
    platform.stop().await;
}

#[tokio::test]
async fn an_auction_below_its_reserve_closes_without_a_winner() {
    let platform = Platform::start().await;
    let api = &platform.api;
    let admin = platform.admin().await;
    let seller = api.signup("seller").await;
    let alice = api.signup("alice").await;
    let mut body = listing("Rare stamp");
    body["reservePrice"] = json!(100_000);
    let id = api.list_item(&seller, body).await;
    api.schedule(&admin, &id, Duration::ZERO, Duration::from_secs(4))
        .await;
    api.wait_auction(&id, Duration::from_secs(20), "open", |a| {
        a["status"] == "open"
    })
    .await;
    let bid = api.bid(&alice, &id, 20_000, None).await;
    assert_eq!(api.outcome(&alice, &bid).await["status"], "accepted");
    let closed = api
        .wait_auction(&id, Duration::from_secs(20), "close", |a| {
            a["status"] == "closed"
        })
        .await;
    assert_eq!(closed["winnerId"], serde_json::Value::Null);
    assert_eq!(closed["finalPrice"], serde_json::Value::Null);
    assert_eq!(closed["reserveMet"], false);
    platform.stop().await;
}

#[tokio::test]
async fn a_late_bid_extends_the_end_and_the_auction_closes_after_it() {
    let platform = Platform::start_with(|c| {
        c.bidding.soft_close_window_secs = 2;
        c.bidding.soft_close_extension_secs = 3;
        c.bidding.soft_close_max_extension_secs = 5;
    })
    .await;
    let api = &platform.api;
    let admin = platform.admin().await;
    let seller = api.signup("seller").await;
    let alice = api.signup("alice").await;
    let id = api.list_item(&seller, listing("Soft close")).await;
    api.schedule(&admin, &id, Duration::ZERO, Duration::from_secs(3))
        .await;
    let open = api
        .wait_auction(&id, Duration::from_secs(20), "open", |a| {
            a["status"] == "open"
        })
        .await;
    let scheduled_end: chrono::DateTime<chrono::Utc> =
        open["endsAt"].as_str().unwrap().parse().unwrap();

    // Bid inside the last two seconds.
    let wait = scheduled_end - chrono::Utc::now() - chrono::Duration::milliseconds(1500);
    tokio::time::sleep(wait.to_std().unwrap_or_default()).await;
    let bid = api.bid(&alice, &id, 10_000, None).await;
    let decided = api.outcome(&alice, &bid).await;
    assert_eq!(decided["status"], "accepted", "{decided}");

    let extended = api
        .wait_auction(&id, Duration::from_secs(20), "the end to move", |a| {
            a["endsAt"]
                .as_str()
                .unwrap()
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap()
                > scheduled_end
        })
        .await;
    assert_eq!(
        extended["status"], "open",
        "still open past the scheduled end"
    );
    let closed = api
        .wait_auction(
            &id,
            Duration::from_secs(20),
            "close after the extension",
            |a| a["status"] == "closed",
        )
        .await;
    assert_eq!(closed["winnerId"], alice.id.as_str());
    platform.stop().await;
}

#[tokio::test]
async fn a_retried_idempotency_key_returns_the_first_bid() {
    let platform = Platform::start().await;
    let api = &platform.api;
    let admin = platform.admin().await;
    let seller = api.signup("seller").await;
    let alice = api.signup("alice").await;
    let id = api.list_item(&seller, listing("Idempotent")).await;
    api.schedule(&admin, &id, Duration::ZERO, Duration::from_secs(60))
        .await;
    api.wait_auction(&id, Duration::from_secs(20), "open", |a| {
        a["status"] == "open"
    })
    .await;

    let path = format!("/api/auctions/{id}/bids");
    let key = [("idempotency-key", "retry-1")];
    let first = api
        .send_with(
            "POST",
            &path,
            Some(&alice.token),
            Some(json!({"amount": 10_000})),
            &key,
        )
        .await;
    let again = api
        .send_with(
            "POST",
            &path,
            Some(&alice.token),
            Some(json!({"amount": 10_000})),
            &key,
        )
        .await;
    assert_eq!((first.status, again.status), (202, 202));
    assert_eq!(first.body["bidId"], again.body["bidId"]);
    let other = api
        .send_with(
            "POST",
            &path,
            Some(&alice.token),
            Some(json!({"amount": 11_000})),
            &key,
        )
        .await;
    assert_eq!(
        (other.status, other.code()),
        (409, "idempotency_key_reused")
    );

    api.outcome(&alice, first.body["bidId"].as_str().unwrap())
        .await;

    // The same key sent many times at once (a client retrying over flaky connections).
    let mut sends = Vec::new();
    for _ in 0..20 {
        let (api, token, path) = (api.clone(), alice.token.clone(), path.clone());
        sends.push(tokio::spawn(async move {
            let key = [("idempotency-key", "burst-1")];
            api.send_with(
                "POST",
                &path,
                Some(&token),
                Some(json!({"amount": 20_000})),
                &key,
            )
            .await
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for s in sends {
        let res = s.await.unwrap();
        assert_eq!(res.status, 202, "{}", res.body);
        ids.insert(res.body["bidId"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1, "one bid id for one key: {ids:?}");
    api.outcome(&alice, ids.iter().next().unwrap()).await;
    // Two keys, two bids, however often each was sent. The barrier: a third bid under a
    // new key, sent after every retry was answered. The engine decides one auction's
    // commands in log order, so once the barrier shows, any duplicate a retry had let
    // through would show too: the count is exactly 3.
    let shown = api.barrier_bid(&id, 30_000).await;
    assert_eq!(
        (shown["bidCount"].as_i64(), shown["currentPrice"].as_i64()),
        (Some(3), Some(30_000)),
        "{shown}"
    );
    platform.stop().await;
}

#[tokio::test]
async fn the_openapi_document_names_every_endpoint_of_the_contract() {
    let platform = Platform::start().await;
    let doc = platform
        .api
        .send("GET", "/api/openapi.json", None, None)
        .await;
    assert_eq!(doc.status, 200);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc.body["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/auth/signup", "post"),
        ("/api/auth/login", "post"),
        ("/api/auth/logout", "post"),
        ("/api/me", "get"),
        ("/api/auctions", "post"),
        ("/api/auctions", "get"),
        ("/api/auctions/{id}", "get"),
        ("/api/admin/auctions/{id}/schedule", "post"),
        ("/api/admin/auctions/{id}/cancel", "post"),
        ("/api/auctions/{id}/bids", "post"),
        ("/api/auctions/{id}/bids", "get"),
        ("/api/auctions/{id}/buy-now", "post"),
        ("/api/bids/{bid_id}", "get"),
        ("/api/me/watchlist", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing from the OpenAPI document; it has {:?}",
            paths.keys().collect::<Vec<_>>()
        );
    }
    platform.stop().await;
}
