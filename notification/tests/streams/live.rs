//! A fresh connection: snapshot first, then the live events, and what bad requests get.

use crate::support::*;
use vocabulary::Amount;
use vocabulary::{AuctionId, EventKind, UserId};

#[tokio::test]
async fn snapshot_first_then_live_events_in_order_with_ids() {
    let bus = new_bus();
    let database = fresh_database().await;
    let service = Service::start(database.url(), &bus, config()).await;
    let mut auction = Auction::open(&bus).await;
    let mut client = SseClient::connect(&service.auction_url(auction.id), &[]).await;

    let snapshot = client.next_event().await;
    assert_eq!(snapshot.name, "snapshot");
    assert_eq!(snapshot.seq(), 2, "listed and opened were seen");
    let s = &snapshot.data;
    assert_eq!(s["id"], auction.id.to_string());
    assert_eq!(s["sellerId"], auction.seller.to_string());
    assert_eq!(s["status"], "open");
    assert_eq!(s["currentPrice"], 10_000);
    assert_eq!(s["startingPrice"], 10_000);
    assert_eq!(s["buyNowPrice"], 90_000);
    assert_eq!(s["seq"], 2);
    assert_eq!(s["watchers"], 1);
    assert!(s.get("reservePrice").is_none(), "the reserve stays secret");

    let bidder = UserId::new();
    auction.bid(bidder, 12_000).await;
    auction.bid(bidder, 31_000).await;
    auction.close().await;
    let events = client.events(3).await;
    let names: Vec<_> = events.iter().map(|e| (e.name.as_str(), e.seq())).collect();
    assert_eq!(names, [("price", 3), ("price", 4), ("closed", 5)]);
    let price = &events[1].data;
    assert_eq!(price["auctionId"], auction.id.to_string());
    assert_eq!(price["seq"], 4);
    assert_eq!(price["currentPrice"], 31_000);
    assert_eq!(price["bidCount"], 2);
    assert_eq!(price["leadingBidderId"], bidder.to_string());
    assert_eq!(price["reserveMet"], true);
    assert_eq!(price["watchers"], 1);
    assert!(price["endsAt"].is_string());
    let closed = &events[2].data;
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["winnerId"], bidder.to_string());
    assert_eq!(closed["finalPrice"], 31_000);
}

#[tokio::test]
async fn streams_send_retry_first_disable_buffering_and_heartbeat() {
    let bus = new_bus();
    let mut cfg = config();
    cfg.notification_heartbeat_secs = 1;
    let database = fresh_database().await;
    let service = Service::start(database.url(), &bus, cfg).await;
    let auction = Auction::open(&bus).await;
    let mut client = SseClient::connect(&service.auction_url(auction.id), &[]).await;

    assert_eq!(client.headers["content-type"], "text/event-stream");
    assert_eq!(client.headers["cache-control"], "no-cache");
    assert_eq!(client.headers["x-accel-buffering"], "no");
    assert_eq!(client.next_event().await.name, "snapshot");
    // What an EventSource does not show: `retry:` first, then heartbeat comments while
    // nothing happens.
    let url = service.auction_url(auction.id);
    let text = text_until(&url, &[], ":heartbeat", WAIT).await;
    assert!(text.starts_with("retry: 3000\n"), "{text:?}");
    assert!(text.contains("event: snapshot"), "{text:?}");
    assert!(
        text.contains(":heartbeat"),
        "a quiet stream sends a comment: {text:?}"
    );

    let me = user();
    let mine_url = service.url("/api/me/events");
    let mine = SseClient::get(&mine_url, &identity_headers(&me)).await;
    assert_eq!(mine.status, 200);
    assert_eq!(mine.headers["x-accel-buffering"], "no");
    let text = text_until(&mine_url, &identity_headers(&me), ":heartbeat", WAIT).await;
    assert!(text.starts_with("retry: 3000\n"), "{text:?}");
    assert!(text.contains(":heartbeat"), "{text:?}");
}

#[tokio::test]
async fn unknown_auctions_are_404_and_malformed_requests_400() {
    let bus = new_bus();
    let database = fresh_database().await;
    let service = Service::start(database.url(), &bus, config()).await;
    let auction = Auction::open(&bus).await;
    SseClient::connect(&service.auction_url(auction.id), &[]).await;

    let http = reqwest::Client::new();
    let res = http
        .get(service.auction_url(AuctionId::new()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");

    let res = http
        .get(service.url("/api/auctions/not-a-uuid/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    for bad in ["-1", "abc", "1e3"] {
        let res = http
            .get(service.auction_url(auction.id))
            .header("last-event-id", bad)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "Last-Event-ID {bad}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_last_event_id");
        let res = http
            .get(format!(
                "{}?lastEventId={bad}",
                service.auction_url(auction.id)
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "lastEventId={bad}");
    }

    let res = http
        .get(service.url("/api/me/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "the private stream needs a user");
}

#[tokio::test]
async fn duplicates_on_the_bus_are_delivered_once() {
    let bus = new_bus();
    let database = fresh_database().await;
    let service = Service::start(database.url(), &bus, config()).await;
    let mut auction = Auction::open(&bus).await;
    let mut client = SseClient::connect(&service.auction_url(auction.id), &[]).await;
    assert_eq!(client.next_event().await.seq(), 2);

    let first = auction.bid(UserId::new(), 11_000).await;
    auction.publish(&first).await;
    let second = auction.bid(UserId::new(), 12_000).await;
    auction.publish(&first).await;
    auction.publish(&second).await;
    auction.close().await;
    let ids: Vec<i64> = client.events(3).await.iter().map(|e| e.seq()).collect();
    assert_eq!(ids, [3, 4, 5], "each event once, in order");
}

#[tokio::test]
async fn malformed_bus_messages_are_skipped() {
    let bus = new_bus();
    let database = fresh_database().await;
    let service = Service::start(database.url(), &bus, config()).await;
    let mut auction = Auction::open(&bus).await;
    let mut client = SseClient::connect(&service.auction_url(auction.id), &[]).await;
    assert_eq!(client.next_event().await.seq(), 2);

    auction.publish_raw(b"not json at all").await;
    auction
        .publish_raw(br#"{"auctionId":"nope","seq":1}"#)
        .await;
    auction
        .notice(EventKind::Outbid {
            bidder_id: UserId::new(),
            current_price: Amount::minor(1),
        })
        .await;
    auction.bid(UserId::new(), 11_000).await;
    let next = client.next_event().await;
    assert_eq!((next.name.as_str(), next.seq()), ("price", 3));

    let metrics = reqwest::get(service.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("notification_skipped_records_total"),
        "skipped records are counted"
    );
}
