//! Live updates through the gateway, as a browser's EventSource sees them.

use crate::harness::Platform;
use serde_json::{json, Value};
use std::time::Duration;
use testkit::{Api, SseClient, SseEvent, User};

/// Opens `path` on the platform's public address.
pub(crate) async fn open(api: &Api, path: &str, headers: &[(String, String)]) -> SseClient {
    SseClient::open(&format!("{}{path}", api.base), headers).await
}

/// Reads the snapshot and, when the live feed had not yet seen the auction open (it
/// follows the bus on its own, so it may trail the read model by a moment, by one event
/// or more), the `opened` event after it. Returns the id of the event that showed it open.
pub(crate) async fn snapshot_then_open(stream: &mut SseClient) -> String {
    let snapshot = stream.next_named("snapshot").await;
    let shown = match snapshot.data["status"].as_str() {
        Some("open") => snapshot,
        // The feed may trail by more than one event on a busy machine: `opened` follows
        // whichever of `listed` and `scheduled` it had reached.
        Some("pending" | "scheduled") => {
            let opened = stream.next_named("opened").await;
            assert_eq!(opened.data["status"], "open");
            opened
        }
        other => panic!("snapshot of an opening auction shows {other:?}"),
    };
    shown.id.expect("live events carry an id")
}

/// The cookie a browser's EventSource sends.
fn cookie(user: &User) -> Vec<(String, String)> {
    vec![("cookie".into(), format!("access_token={}", user.token))]
}

async fn open_auction(platform: &Platform, seller: &User) -> String {
    let admin = platform.admin().await;
    platform
        .api
        .open_auction(&admin, seller, "Live", Duration::from_secs(120))
        .await
}

#[tokio::test]
async fn watchers_see_every_price_and_resume_without_gaps() {
    let platform = Platform::start().await;
    let api = &platform.api;
    let seller = api.signup("seller").await;
    let alice = api.signup("alice").await;
    let bob = api.signup("bob").await;
    let id = open_auction(&platform, &seller).await;
    let path = format!("/api/auctions/{id}/events");

    let mut watcher = open(api, &path, &[]).await;
    let seen = snapshot_then_open(&mut watcher).await;

    api.bid(&alice, &id, 1_000, None).await;
    let price = watcher.next_named("price").await;
    assert_eq!(price.data["currentPrice"], 1_000);
    assert_eq!(
        price.id.as_deref(),
        Some(price.data["seq"].to_string().as_str())
    );
    assert_eq!(
        price.id.unwrap().parse::<i64>().unwrap(),
        seen.parse::<i64>().unwrap() + 1
    );
    let last = price.data["seq"].as_i64().unwrap();
    drop(watcher);

    // Two bids while away; the resumed stream brings both, in order, nothing else first.
    api.bid(&bob, &id, 2_000, None).await;
    api.bid(&alice, &id, 3_000, None).await;
    api.wait_auction(&id, Duration::from_secs(20), "both bids", |a| {
        a["currentPrice"] == 3_000
    })
    .await;
    let mut resumed = open(api, &path, &[("last-event-id".into(), last.to_string())]).await;
    let first = resumed.next_event().await;
    let second = resumed.next_event().await;
    assert_eq!(
        (first.name.as_str(), second.name.as_str()),
        ("price", "price")
    );
    assert_eq!(first.data["seq"], last + 1);
    assert_eq!(second.data["seq"], last + 2);
    assert_eq!(second.data["currentPrice"], 3_000);
    platform.stop().await;
}

#[tokio::test]
async fn bidders_hear_about_their_own_bids_only() {
    let platform = Platform::start().await;
    let api = &platform.api;
    let seller = api.signup("seller").await;
    let alice = api.signup("alice").await;
    let bob = api.signup("bob").await;
    let id = open_auction(&platform, &seller).await;

    let mut alice_stream = open(api, "/api/me/events", &cookie(&alice)).await;
    let mut bob_stream = open(api, "/api/me/events", &cookie(&bob)).await;

    let a = api.bid(&alice, &id, 1_000, None).await;
    let accepted = alice_stream.next_named("bid.accepted").await;
    assert_eq!(accepted.data["bidId"], a.as_str());
    api.bid(&bob, &id, 5_000, None).await;
    let outbid = alice_stream.next_named("outbid").await;
    assert_eq!(outbid.data["currentPrice"], 5_000);
    let low = api.bid(&alice, &id, 5_050, None).await;
    let rejected = alice_stream.next_named("bid.rejected").await;
    assert_eq!(rejected.data["bidId"], low.as_str());
    assert_eq!(rejected.data["reason"], "below_minimum");

    // Bob's stream carries Bob's acceptance and nothing of Alice's.
    let mine = bob_stream.next_event().await;
    assert_eq!(mine.name, "bid.accepted");
    assert_ne!(mine.data["bidId"], a.as_str());

    let anonymous = api.send("GET", "/api/me/events", None, None).await;
    assert_eq!(anonymous.status, 401);
    platform.stop().await;
}

/// The events of a private stream up to and including the first named `last`.
async fn events_until(stream: &mut SseClient, last: &str) -> Vec<SseEvent> {
    let mut seen = Vec::new();
    loop {
        let event = stream.next_event().await;
        let done = event.name == last;
        seen.push(event);
        if done {
            return seen;
        }
    }
}

#[tokio::test]
async fn watchers_hear_once_that_an_auction_ends_and_bidders_review_it() {
    let platform = Platform::start_with(|c| c.auction.auction_ending_notice_secs = 4).await;
    let api = &platform.api;
    let step = |price| platform.rules.increments.step_above(price);
    let (seller, alice, bob) = (
        api.signup("seller").await,
        api.signup("alice").await,
        api.signup("bob").await,
    );
    let admin = platform.admin().await;
    let mut alice_stream = open(api, "/api/me/events", &cookie(&alice)).await;
    let mut bob_stream = open(api, "/api/me/events", &cookie(&bob)).await;
    let id = api
        .list_item(
            &seller,
            json!({"title": "Ending soon", "description": "", "category": "art", "startingPrice": 1_000}),
        )
        .await;
    let watch = api
        .send(
            "PUT",
            &format!("/api/me/watchlist/{id}"),
            Some(&alice.token),
            None,
        )
        .await;
    assert_eq!(watch.status, 204);
    api.schedule(&admin, &id, Duration::ZERO, Duration::from_secs(12))
        .await;
    let opened = api
        .wait_auction(&id, Duration::from_secs(20), "open", |a| {
            a["status"] == "open"
        })
        .await;
    assert_eq!(
        opened["minimumBid"], 1_000,
        "the starting price before any bid"
    );

    // Bids move the minimum; a bid under it is refused.
    let first = api.bid(&alice, &id, 1_000, None).await;
    api.bid(&bob, &id, 2_000, None).await;
    api.wait_auction(&id, Duration::from_secs(20), "the minimum to move", |a| {
        a["minimumBid"] == step(vocabulary::Amount::minor(2_000)).get()
    })
    .await;
    let low = api.bid(&alice, &id, 1_500, None).await;
    assert_eq!(api.outcome(&alice, &low).await["reason"], "below_minimum");

    // Each bidder's own bids, newest first, and nobody else's.
    let mine = api
        .send("GET", "/api/me/bids", Some(&alice.token), None)
        .await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    let ids: Vec<&str> = mine.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["bidId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [low.as_str(), first.as_str()]);
    let theirs = api
        .send("GET", "/api/me/bids", Some(&bob.token), None)
        .await;
    assert_eq!(theirs.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(theirs.body["items"][0]["amount"], 2_000);

    // The analysis counts the accepted bids and follows the price.
    let analysis = api
        .send("GET", &format!("/api/auctions/{id}/analysis"), None, None)
        .await;
    assert_eq!(analysis.status, 200, "{}", analysis.body);
    assert_eq!(analysis.body["status"], "open");
    assert_eq!(analysis.body["bidCount"], 2);
    assert_eq!(analysis.body["uniqueBidders"], 2);
    assert_eq!(analysis.body["startingPrice"], 1_000);
    assert!(analysis.body["finalPrice"].is_null());
    let prices: Vec<&Value> = analysis.body["pricePoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["price"])
        .collect();
    assert_eq!(prices, [&json!(1_000), &json!(2_000)]);
    let counted: i64 = analysis.body["bidsPerMinute"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["count"].as_i64().unwrap())
        .sum();
    assert_eq!(counted, 2);

    // Alice watches: one `auction.ending`, then the close. Bob only bid: no notice.
    let to_alice = events_until(&mut alice_stream, "auction.closed").await;
    let endings: Vec<&SseEvent> = to_alice
        .iter()
        .filter(|e| e.name == "auction.ending")
        .collect();
    assert_eq!(endings.len(), 1, "{to_alice:?}");
    assert_eq!(endings[0].data["auctionId"], id.as_str());
    assert_eq!(endings[0].data["title"], "Ending soon");
    assert_eq!(endings[0].data["endsAt"], opened["endsAt"]);
    let to_bob = events_until(&mut bob_stream, "won").await;
    assert!(
        to_bob.iter().all(|e| e.name != "auction.ending"),
        "{to_bob:?}"
    );
    let closed = api
        .send("GET", &format!("/api/auctions/{id}/analysis"), None, None)
        .await;
    assert_eq!(closed.body["status"], "closed");
    assert_eq!(closed.body["finalPrice"], 2_000);
    platform.stop().await;
}
