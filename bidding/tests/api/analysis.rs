//! `GET /api/auctions/{id}/analysis` against what the engine actually published.

use crate::support::{spawn_app, terms, user};
use axum::http::StatusCode;
use chrono::{DateTime, Duration as Span, Utc};
use serde_json::{json, Value};
use vocabulary::{Amount, AuctionId, Command, Event, EventKind};

/// The points the analysis must give, read off the published events: the starting price
/// at the opening, then every `price` event that changed the price.
fn points_from(events: &[Event]) -> Vec<Value> {
    let mut points = Vec::new();
    let mut last = None;
    for event in events {
        let Some(state) = event.public_state() else {
            continue;
        };
        let at = match &event.kind {
            EventKind::Opened { .. } => state.starts_at.unwrap(),
            EventKind::Price { .. } if last != Some(state.current_price) => event.at,
            _ => continue,
        };
        last = Some(state.current_price);
        points.push(json!([
            at.timestamp_micros(),
            state.current_price,
            event.seq
        ]));
    }
    points
}

fn points_of(analysis: &Value) -> Vec<Value> {
    analysis["pricePoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let at: DateTime<Utc> = p["at"].as_str().unwrap().parse().unwrap();
            json!([at.timestamp_micros(), p["price"], p["seq"]])
        })
        .collect()
}

/// Every minute one after the other, on the minute, and as many bids as accepted.
fn assert_minutes_add_up(analysis: &Value) {
    let minutes = analysis["bidsPerMinute"].as_array().unwrap();
    let starts: Vec<DateTime<Utc>> = minutes
        .iter()
        .map(|m| m["minute"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(
        starts.iter().all(|m| m.timestamp() % 60 == 0),
        "{minutes:?}"
    );
    assert!(
        starts.windows(2).all(|w| w[1] - w[0] == Span::minutes(1)),
        "{minutes:?}"
    );
    let total: i64 = minutes.iter().map(|m| m["count"].as_i64().unwrap()).sum();
    assert_eq!(total, analysis["bidCount"].as_i64().unwrap(), "{minutes:?}");
}

#[tokio::test]
async fn analysis_follows_every_published_price_and_counts_the_bids() {
    let app = spawn_app().await;
    let (seller, alice, bob) = (user(), user(), user());
    let (id, window) = app.open_auction(&seller, terms(1_000, None)).await;
    let step = |price| app.rules.increments.step_above(price);

    // Alice leads with a hidden maximum; Bob's bid under it pushes her up; Bob's next bid
    // passes her maximum; Alice's low bid is refused and changes nothing.
    let outcomes = [
        app.bid(&alice, id, 1_000, Some(5_000)).await,
        app.bid(&bob, id, 2_000, None).await,
        app.bid(&bob, id, 6_000, None).await,
        app.bid(&alice, id, 1_000, None).await,
    ];
    let statuses: Vec<&str> = outcomes
        .iter()
        .map(|o| o["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["accepted", "accepted", "accepted", "rejected"]);

    let (status, analysis) = app.get(&format!("/api/auctions/{id}/analysis"), None).await;
    assert_eq!(status, StatusCode::OK, "{analysis}");
    assert_eq!(analysis["auctionId"], id.to_string());
    assert_eq!(analysis["status"], "open");
    assert_eq!(analysis["bidCount"], 3);
    assert_eq!(analysis["uniqueBidders"], 2);
    assert_eq!(analysis["startingPrice"], 1_000);
    assert!(analysis["finalPrice"].is_null());
    let prices: Vec<&Value> = analysis["pricePoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["price"])
        .collect();
    assert_eq!(
        prices,
        [
            &json!(1_000),
            &json!(step(Amount::minor(2_000))),
            &json!(6_000)
        ],
        "{analysis}"
    );
    assert_minutes_add_up(&analysis);

    // Listed, scheduled, opened, 3 prices, 3 acceptances, 2 outbids, 1 rejection.
    let events = app.events_of(id, 12).await;
    assert_eq!(points_of(&analysis), points_from(&events));

    // Every public state says what the next bid must be; a closed auction takes none.
    app.send(&Command::Close {
        auction_id: id,
        at: window.ends_at + Span::seconds(1),
    })
    .await;
    let closed = app.wait_analysis(id, |a| a["status"] == "closed").await;
    assert_eq!(closed["finalPrice"], 6_000);
    assert_eq!(
        points_of(&closed),
        points_of(&analysis),
        "closing moves no price"
    );
    let events = app.events_of(id, 13).await;
    for event in &events {
        let Some(state) = event.public_state() else {
            continue;
        };
        let expected = match (state.status.is_final(), state.leading_bidder_id) {
            (true, _) => None,
            (false, None) => Some(Amount::minor(1_000)),
            (false, Some(_)) => Some(step(state.current_price)),
        };
        assert_eq!(state.minimum_bid, expected, "{}: {state:?}", event.name());
    }
    assert!(events
        .iter()
        .any(|e| matches!(e.kind, EventKind::Closed { .. })));
}

#[tokio::test]
async fn a_buy_now_is_the_last_price_and_the_final_one() {
    let app = spawn_app().await;
    let (seller, alice, bob) = (user(), user(), user());
    let (id, _) = app.open_auction(&seller, terms(1_000, Some(10_000))).await;
    app.bid(&alice, id, 2_000, None).await;
    assert_eq!(app.buy_now(&bob, id).await["status"], "accepted");
    let analysis = app.wait_analysis(id, |a| a["status"] == "closed").await;
    assert_eq!(analysis["finalPrice"], 10_000);
    assert_eq!(
        (
            analysis["bidCount"].as_i64(),
            analysis["uniqueBidders"].as_i64()
        ),
        (Some(2), Some(2))
    );
    let prices: Vec<i64> = analysis["pricePoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["price"].as_i64().unwrap())
        .collect();
    assert_eq!(prices, [1_000, 2_000, 10_000]);
    assert_minutes_add_up(&analysis);
}

#[tokio::test]
async fn an_auction_without_bids_starts_at_its_starting_price() {
    let app = spawn_app().await;
    let (id, window) = app.open_auction(&user(), terms(7_500, None)).await;
    let (status, analysis) = app.get(&format!("/api/auctions/{id}/analysis"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(analysis["bidCount"], 0);
    assert_eq!(analysis["uniqueBidders"], 0);
    assert_eq!(analysis["bidsPerMinute"], json!([]));
    let points = analysis["pricePoints"].as_array().unwrap();
    assert_eq!(points.len(), 1, "{analysis}");
    assert_eq!(
        (points[0]["price"].as_i64(), points[0]["seq"].as_i64()),
        (Some(7_500), Some(3))
    );
    let at: DateTime<Utc> = points[0]["at"].as_str().unwrap().parse().unwrap();
    assert_eq!(at.timestamp_micros(), window.starts_at.timestamp_micros());
}

#[tokio::test]
async fn unknown_auctions_are_404_and_malformed_ids_400() {
    let app = spawn_app().await;
    let (status, body) = app
        .get(
            &format!("/api/auctions/{}/analysis", AuctionId::new()),
            None,
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (status, body) = app.get("/api/auctions/not-an-id/analysis", None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_path"))
    );
}
