//! The private stream: each user gets their own notices, and nothing after the token
//! expires.

use crate::support::*;
use notification::Config;
use platform_core::Identity;
use std::time::Duration;
use vocabulary::Amount;
use vocabulary::BidId;
use vocabulary::{Event, EventKind, RejectReason};

async fn my_stream(service: &Service, who: &Identity, resume: Option<i64>) -> SseClient {
    let mut headers = identity_headers(who);
    if let Some(id) = resume {
        headers.push(("last-event-id".to_owned(), id.to_string()));
    }
    let client = SseClient::get(&service.url("/api/me/events"), &headers).await;
    assert_eq!(client.status, 200);
    client
}

#[tokio::test]
async fn notices_reach_only_their_recipient() {
    let bus = new_bus();
    let database = fresh_database().await;
    let service = Service::start(database.url(), &bus, config()).await;
    let (alice, bob) = (user(), user());
    let mut to_alice = my_stream(&service, &alice, None).await;
    let mut to_bob = my_stream(&service, &bob, None).await;
    let mut auction = Auction::open(&bus).await;

    let bid_id = BidId::new();
    auction.bid(alice.user_id, 12_000).await;
    auction
        .notice(EventKind::BidAccepted {
            bid_id,
            bidder_id: alice.user_id,
            amount: Amount::minor(12_000),
            current_price: Amount::minor(12_000),
            leading: true,
        })
        .await;
    auction
        .notice(EventKind::Outbid {
            bidder_id: bob.user_id,
            current_price: Amount::minor(12_000),
        })
        .await;
    auction
        .notice(EventKind::BidRejected {
            bid_id: BidId::new(),
            bidder_id: alice.user_id,
            reason: RejectReason::BelowMinimum,
        })
        .await;
    auction.close().await;
    auction
        .notice(EventKind::Won {
            bidder_id: alice.user_id,
            final_price: Amount::minor(12_000),
        })
        .await;
    auction
        .notice(EventKind::AuctionClosedFor {
            bidder_id: bob.user_id,
            winner_id: Some(alice.user_id),
            final_price: Some(Amount::minor(12_000)),
        })
        .await;

    let for_alice = to_alice.events(3).await;
    let names: Vec<&str> = for_alice.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["bid.accepted", "bid.rejected", "won"]);
    let accepted = &for_alice[0].data;
    assert_eq!(accepted["bidId"], bid_id.to_string());
    assert_eq!(accepted["auctionId"], auction.id.to_string());
    assert_eq!(accepted["currentPrice"], 12_000);
    assert_eq!(accepted["leading"], true);
    assert_eq!(for_alice[1].data["reason"], "below_minimum");
    assert!(
        for_alice.windows(2).all(|w| w[0].seq() < w[1].seq()),
        "ids grow"
    );
    for e in &for_alice {
        assert_eq!(e.data["bidderId"], alice.user_id.to_string());
    }

    let for_bob = to_bob.events(2).await;
    let names: Vec<&str> = for_bob.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["outbid", "auction.closed"]);
    assert_eq!(for_bob[1].data["winnerId"], alice.user_id.to_string());
    // Nothing else, least of all alice's notices.
    next_is_the_barrier(&mut to_bob, &auction, &bob).await;
}

/// True when no event arrives within `within`.
/// The price of the barrier notice: no other notice in these tests carries it.
const BARRIER_PRICE: i64 = 999_999;

/// Shows that `stream` has nothing more to deliver to `who` of what was published before:
/// a notice to `who` published now, after everything else on the auction's key, must be
/// the very next event (the bus keeps one key's order, the service delivers in it).
async fn next_is_the_barrier(stream: &mut SseClient, auction: &Auction, who: &Identity) {
    outbid_dated_ahead(auction, who, BARRIER_PRICE).await;
    let next = stream.next_event().await;
    assert_eq!(
        (next.name.as_str(), next.data["currentPrice"].as_i64()),
        ("outbid", Some(BARRIER_PRICE)),
        "something arrived before the barrier: {next:?}"
    );
}

#[tokio::test]
async fn ending_notices_reach_their_watcher_and_leave_the_public_feed_alone() {
    let bus = new_bus();
    let database = fresh_database().await;
    let database_url = database.url();
    let service = Service::start(database_url, &bus, config()).await;
    let (alice, bob) = (user(), user());
    let mut to_alice = my_stream(&service, &alice, None).await;
    let mut to_bob = my_stream(&service, &bob, None).await;
    let mut auction = Auction::open(&bus).await;
    let ends_at = chrono::Utc::now() + chrono::Duration::minutes(5);
    let notice = auction
        .notice(EventKind::Ending {
            user_id: alice.user_id,
            ends_at,
            title: Some("Leica M6".into()),
        })
        .await;
    // Delivered twice by the bus (the relay is at least once): sent once.
    auction.publish(&notice).await;

    let ending = to_alice.next_event().await;
    assert_eq!(ending.name, "auction.ending");
    assert_eq!(ending.data["auctionId"], auction.id.to_string());
    assert_eq!(ending.data["title"], "Leica M6");
    let told: chrono::DateTime<chrono::Utc> =
        ending.data["endsAt"].as_str().unwrap().parse().unwrap();
    assert_eq!(told, ends_at);
    next_is_the_barrier(&mut to_alice, &auction, &alice).await;
    next_is_the_barrier(&mut to_bob, &auction, &bob).await;

    // The history keeps public events only: the notice is not among them, and the next
    // public event follows on from the last one.
    let price = auction.bid(bob.user_id, 12_000).await;
    wait_until_stored(database_url, auction.id, price.seq).await;
    let pool = platform_core::db::connect(database_url, "notification", 1)
        .await
        .unwrap();
    let stored: Vec<(i64, String)> =
        sqlx::query_as("SELECT seq, name FROM auction_events WHERE auction_id = $1 ORDER BY seq")
            .bind(auction.id.0)
            .fetch_all(&pool)
            .await
            .unwrap();
    let names: Vec<&str> = stored.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["listed", "opened", "price"]);
    assert!(stored.iter().zip(1..).all(|((seq, _), want)| *seq == want));
}

#[tokio::test]
async fn private_streams_resume_and_drop_duplicates() {
    let bus = new_bus();
    let database = fresh_database().await;
    let service = Service::start(database.url(), &bus, config()).await;
    let alice = user();
    let mut stream = my_stream(&service, &alice, None).await;
    let auction = Auction::open(&bus).await;
    let outbid = |price| EventKind::Outbid {
        bidder_id: alice.user_id,
        current_price: price,
    };
    let first = auction.notice(outbid(Amount::minor(11_000))).await;
    auction.publish(&first).await;
    let got = stream.next_event().await;
    assert_eq!(got.data["currentPrice"], 11_000);
    drop(stream);

    auction.notice(outbid(Amount::minor(12_000))).await;
    auction.notice(outbid(Amount::minor(13_000))).await;
    let mut resumed = my_stream(&service, &alice, Some(got.seq())).await;
    let prices: Vec<i64> = resumed
        .events(2)
        .await
        .iter()
        .map(|e| e.data["currentPrice"].as_i64().unwrap())
        .collect();
    assert_eq!(
        prices,
        [12_000, 13_000],
        "the missed ones, the duplicate once"
    );
    next_is_the_barrier(&mut resumed, &auction, &alice).await;
}

#[tokio::test]
async fn the_private_stream_ends_when_the_token_expires() {
    let bus = new_bus();
    let database = fresh_database().await;
    let service = Service::start(database.url(), &bus, config()).await;
    let mut short = user();
    short.expires_at = chrono::Utc::now().timestamp() + 2;
    let mut stream = my_stream(&service, &short, None).await;
    let auction = Auction::open(&bus).await;
    auction
        .notice(EventKind::Outbid {
            bidder_id: short.user_id,
            current_price: Amount::minor(11_000),
        })
        .await;
    assert_eq!(stream.next_event().await.name, "outbid");
    assert!(
        stream.ends_within(Duration::from_secs(4)).await,
        "the stream ends at expiry"
    );

    let mut expired = user();
    expired.expires_at = chrono::Utc::now().timestamp() - 1;
    let res = SseClient::get(&service.url("/api/me/events"), &identity_headers(&expired)).await;
    assert_eq!(res.status, 401);
}

/// A notice for `who`, dated an hour ahead: an instance that reads it again, even while
/// catching up with the topic, sends it again.
async fn outbid_dated_ahead(auction: &Auction, who: &Identity, current_price: i64) {
    let event = Event {
        auction_id: auction.id,
        seq: auction.seq,
        at: chrono::Utc::now() + chrono::Duration::hours(1),
        kind: EventKind::Outbid {
            bidder_id: who.user_id,
            current_price: Amount::minor(current_price),
        },
    };
    auction.publish(&event).await;
}

#[tokio::test]
async fn a_restart_in_the_same_group_resumes_after_what_the_instance_read() {
    let bus = new_bus();
    let database = fresh_database().await;
    let database_url = database.url();
    let in_group = || Config {
        notification_group: Some("notification-restarted".to_owned()),
        ..config()
    };
    let alice = user();
    let auction = Auction::open(&bus).await;

    let first = Service::start(database_url, &bus, in_group()).await;
    let mut to_alice = my_stream(&first, &alice, None).await;
    outbid_dated_ahead(&auction, &alice, 11_000).await;
    assert_eq!(to_alice.events(1).await[0].data["currentPrice"], 11_000);
    first.stop().await;

    // Same group: what the first start read is not read again.
    let second = Service::start(database_url, &bus, in_group()).await;
    let mut to_alice = my_stream(&second, &alice, None).await;
    outbid_dated_ahead(&auction, &alice, 12_000).await;
    let next = to_alice.events(1).await;
    assert_eq!(next[0].data["currentPrice"], 12_000, "{next:?}");
    next_is_the_barrier(&mut to_alice, &auction, &alice).await;
    second.stop().await;

    // A new group reads the retained topic from its beginning, both notices included.
    let third = Service::start(database_url, &bus, config()).await;
    let mut to_alice = my_stream(&third, &alice, None).await;
    let again: Vec<_> = to_alice
        .events(2)
        .await
        .iter()
        .map(|e| e.data["currentPrice"].clone())
        .collect();
    assert_eq!(again, [11_000, 12_000]);
}
