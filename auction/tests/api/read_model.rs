//! The read model: the engine's public events land in the auction rows, newest seq wins.

use crate::support::{id_of, listing, rfc3339, spawn_app, user};
use axum::http::{Method, StatusCode};
use chrono::{Duration as Span, Utc};
use serde_json::json;
use std::time::Duration;
use vocabulary::Amount;
use vocabulary::{
    AuctionId, AuctionStatus, BidId, Currency, Event, EventKind, PublicState, Terms, UserId,
};

const WITHIN: Duration = Duration::from_secs(10);

fn state(status: AuctionStatus, price: i64, bids: i64, leader: Option<UserId>) -> PublicState {
    let price = Amount::minor(price);
    PublicState {
        status,
        starts_at: None,
        ends_at: None,
        current_price: price,
        bid_count: bids,
        leading_bidder_id: leader,
        reserve_met: price >= Amount::minor(30000),
        winner_id: None,
        final_price: None,
        minimum_bid: match (status.is_final(), leader) {
            (true, _) => None,
            (false, None) => Some(price),
            (false, Some(_)) => Some(price + Amount::minor(1000)),
        },
    }
}

fn event(auction_id: AuctionId, seq: i64, kind: EventKind) -> Event {
    Event {
        auction_id,
        seq,
        at: Utc::now(),
        kind,
    }
}

fn price(bidder: UserId, amount: i64, state: PublicState) -> EventKind {
    EventKind::Price {
        bid_id: BidId::new(),
        amount: Amount::minor(amount),
        bidder_id: bidder,
        state,
    }
}

#[tokio::test]
async fn events_update_the_auction_and_older_ones_are_ignored() {
    let app = spawn_app().await;
    let created = app.create(&user(), listing()).await;
    assert_eq!(created["minimumBid"], created["startingPrice"]);
    let id = id_of(&created);
    let auction: AuctionId = id.parse().unwrap();
    let (alice, bob) = (UserId::new(), UserId::new());

    app.publish_event(&event(
        auction,
        1,
        EventKind::Opened {
            state: state(AuctionStatus::Open, 10000, 0, None),
        },
    ))
    .await;
    app.publish_event(&event(
        auction,
        2,
        price(
            alice,
            20000,
            state(AuctionStatus::Open, 20000, 1, Some(alice)),
        ),
    ))
    .await;
    app.publish_event(&event(
        auction,
        3,
        price(bob, 35000, state(AuctionStatus::Open, 35000, 2, Some(bob))),
    ))
    .await;
    let shown = app.wait_for_auction(&id, WITHIN, |a| a["seq"] == 3).await;
    assert_eq!(shown["status"], "open");
    assert_eq!(shown["currentPrice"], 35000);
    assert_eq!(shown["bidCount"], 2);
    assert_eq!(shown["leadingBidderId"], bob.to_string());
    assert_eq!(shown["reserveMet"], true);
    assert_eq!(shown["minimumBid"], 36000);

    // Replays of older states, a record that is not an event, and a private event change
    // nothing; a marker on the same partition shows they were all read.
    app.publish_event(&event(
        auction,
        2,
        price(
            alice,
            20000,
            state(AuctionStatus::Open, 20000, 1, Some(alice)),
        ),
    ))
    .await;
    app.publish_raw(auction, b"{\"not\": \"an event\"}").await;
    app.publish_raw(auction, b"\xff\xfe garbage").await;
    let private = EventKind::Outbid {
        bidder_id: alice,
        current_price: Amount::minor(99999),
    };
    app.publish_event(&event(auction, 9, private)).await;
    let ending = EventKind::Ending {
        user_id: alice,
        ends_at: Utc::now(),
        title: Some("Vintage film camera".into()),
    };
    app.publish_event(&event(auction, 10, ending)).await;
    let marker_id = id_of(&app.create(&user(), listing()).await);
    let marker: AuctionId = marker_id.parse().unwrap();
    let marker_event = event(
        marker,
        1,
        EventKind::Opened {
            state: state(AuctionStatus::Open, 12345, 0, None),
        },
    );
    app.publish_raw(auction, &serde_json::to_vec(&marker_event).unwrap())
        .await;
    app.wait_for_auction(&marker_id, WITHIN, |a| a["currentPrice"] == 12345)
        .await;
    let (_, still) = app.get(&format!("/api/auctions/{id}"), None).await;
    assert_eq!(still["seq"], 3);
    assert_eq!(still["currentPrice"], 35000);

    // The read model keeps going after the garbage.
    let mut closed = state(AuctionStatus::Closed, 35000, 2, Some(bob));
    closed.winner_id = Some(bob);
    closed.final_price = Some(Amount::minor(35000));
    app.publish_event(&event(auction, 4, EventKind::Closed { state: closed }))
        .await;
    let shown = app.wait_for_auction(&id, WITHIN, |a| a["seq"] == 4).await;
    assert_eq!(shown["status"], "closed");
    assert_eq!(shown["winnerId"], bob.to_string());
    assert_eq!(shown["finalPrice"], 35000);
    assert!(
        shown["minimumBid"].is_null(),
        "a closed auction takes no bid"
    );
    let (_, page) = app.get("/api/auctions?status=closed", None).await;
    assert_eq!(page["items"][0]["id"], id.as_str());
}

#[tokio::test]
async fn an_event_never_moves_the_status_back() {
    let app = spawn_app().await;
    let seller = user();
    let id = id_of(&app.create(&seller, listing()).await);
    let auction: AuctionId = id.parse().unwrap();
    let starts = Utc::now() + Span::hours(1);
    let (status, _) = app
        .schedule(&id, &rfc3339(starts), &rfc3339(starts + Span::hours(1)))
        .await;
    assert_eq!(status, StatusCode::OK);

    // The engine's `listed` event arrives after the admin scheduled: still scheduled.
    let terms = Terms {
        seller_id: seller.user_id,
        currency: Currency::default(),
        starting_price: Amount::minor(10000),
        reserve_price: Some(Amount::minor(30000)),
        buy_now_price: Some(Amount::minor(90000)),
    };
    let listed = EventKind::Listed {
        terms,
        state: state(AuctionStatus::Pending, 10000, 0, None),
        listing: None,
    };
    app.publish_event(&event(auction, 1, listed)).await;
    let shown = app.wait_for_auction(&id, WITHIN, |a| a["seq"] == 1).await;
    assert_eq!(shown["status"], "scheduled");
    assert_eq!(
        shown["endsAt"]
            .as_str()
            .map(|s| s.parse::<chrono::DateTime<Utc>>().unwrap())
            .map(rfc3339),
        Some(rfc3339(starts + Span::hours(1)))
    );

    // Cancelled by an admin: an `opened` emitted before the cancel does not reopen it.
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/api/admin/auctions/{id}/cancel"),
            Some(&crate::support::admin()),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    app.publish_event(&event(
        auction,
        2,
        EventKind::Opened {
            state: state(AuctionStatus::Open, 10000, 0, None),
        },
    ))
    .await;
    let shown = app.wait_for_auction(&id, WITHIN, |a| a["seq"] == 2).await;
    assert_eq!(shown["status"], "cancelled");
    assert!(shown["minimumBid"].is_null(), "{shown}");
}

#[tokio::test]
async fn a_state_the_database_refuses_is_skipped() {
    let app = spawn_app().await;
    let id = id_of(&app.create(&user(), listing()).await);
    let auction: AuctionId = id.parse().unwrap();
    let marker_id = id_of(&app.create(&user(), listing()).await);
    let marker: AuctionId = marker_id.parse().unwrap();
    // A zero price breaks the table's checks. Published on one partition with a good state
    // of another auction, so both are likely in one batch: the good one must still land.
    let broken = event(
        auction,
        1,
        EventKind::Opened {
            state: state(AuctionStatus::Open, 0, 0, None),
        },
    );
    app.publish_event(&broken).await;
    let mut bad_seq = serde_json::to_value(&broken).unwrap();
    bad_seq["seq"] = json!("one");
    app.publish_raw(auction, bad_seq.to_string().as_bytes())
        .await;
    let good = event(
        marker,
        1,
        EventKind::Opened {
            state: state(AuctionStatus::Open, 12345, 0, None),
        },
    );
    app.publish_raw(auction, &serde_json::to_vec(&good).unwrap())
        .await;
    app.wait_for_auction(&marker_id, WITHIN, |a| a["currentPrice"] == 12345)
        .await;
    let (_, untouched) = app.get(&format!("/api/auctions/{id}"), None).await;
    assert_eq!(
        (untouched["seq"].clone(), untouched["status"].clone()),
        (json!(0), json!("pending"))
    );

    app.publish_event(&event(
        auction,
        2,
        EventKind::Opened {
            state: state(AuctionStatus::Open, 10000, 0, None),
        },
    ))
    .await;
    let shown = app.wait_for_auction(&id, WITHIN, |a| a["seq"] == 2).await;
    assert_eq!(shown["status"], "open");
}
