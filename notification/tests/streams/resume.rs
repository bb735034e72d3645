//! Reconnecting with `Last-Event-ID`: exactly the missed events, across restarts and
//! instances, or a fresh snapshot when the history no longer reaches back.

use crate::support::*;
use std::time::Duration;
use vocabulary::UserId;

fn resume_header(id: i64) -> Vec<(String, String)> {
    vec![("last-event-id".to_owned(), id.to_string())]
}

#[tokio::test]
async fn resuming_with_last_event_id_sends_exactly_the_missed_events() {
    let bus = new_bus();
    let database = fresh_database().await;
    let service = Service::start(database.url(), &bus, config()).await;
    let mut auction = Auction::open(&bus).await;
    let url = service.auction_url(auction.id);
    let mut client = SseClient::connect(&url, &[]).await;
    assert_eq!(client.next_event().await.seq(), 2);
    auction.bids(2).await;
    assert_eq!(client.events(2).await.last().unwrap().seq(), 4);
    drop(client);

    auction.bids(3).await;
    // Header: the events after 4, no snapshot, then live ones.
    let mut resumed = SseClient::get(&url, &resume_header(4)).await;
    assert_eq!(resumed.status, 200);
    let got: Vec<(String, i64)> = resumed
        .events(3)
        .await
        .into_iter()
        .map(|e| (e.name.clone(), e.seq()))
        .collect();
    assert_eq!(
        got,
        [
            ("price".into(), 5),
            ("price".into(), 6),
            ("price".into(), 7)
        ]
    );
    auction.close().await;
    let next = resumed.next_event().await;
    assert_eq!(
        (next.name.as_str(), next.seq()),
        ("closed", 8),
        "nothing twice"
    );

    // Query parameter, for clients that cannot set headers.
    let mut by_query = SseClient::get(&format!("{url}?lastEventId=6"), &[]).await;
    let ids: Vec<i64> = by_query.events(2).await.iter().map(|e| e.seq()).collect();
    assert_eq!(ids, [7, 8]);

    // Up to date: nothing until something new happens, and then only that.
    let mut current = SseClient::get(&url, &resume_header(8)).await;
    assert_eq!(current.status, 200);
    let new = auction.bid(UserId::new(), 99_000).await;
    let next = current.next_event().await;
    assert_eq!(
        (next.name.as_str(), next.seq()),
        ("price", new.seq),
        "{next:?}"
    );
}

#[tokio::test]
async fn resuming_from_before_the_history_gets_a_snapshot() {
    let bus = new_bus();
    let database = fresh_database().await;
    let database_url = database.url();
    let mut cfg = config();
    cfg.notification_history_per_auction = 4;
    cfg.notification_history_keep = 3;
    cfg.notification_upkeep_secs = 1;
    let service = Service::start(database_url, &bus, cfg).await;
    let mut auction = Auction::open(&bus).await;
    let url = service.auction_url(auction.id);
    let mut client = SseClient::connect(&url, &[]).await;
    client.next_event().await;
    let last = auction.bids(10).await;
    assert_eq!(client.events(10).await.last().unwrap().seq(), last);

    // Wait for the pruning to drop the older stored events.
    let pool = platform_core::db::connect(database_url, "notification", 2)
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let oldest: Option<i64> =
            sqlx::query_scalar("SELECT min(seq) FROM auction_events WHERE auction_id = $1")
                .bind(auction.id.0)
                .fetch_one(&pool)
                .await
                .unwrap();
        if oldest == Some(last - 2) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "history not pruned");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // From memory (the last 4) and from the stored history (the last 3): fine.
    let mut recent = SseClient::get(&url, &resume_header(last - 3)).await;
    let ids: Vec<i64> = recent.events(3).await.iter().map(|e| e.seq()).collect();
    assert_eq!(ids, [last - 2, last - 1, last]);
    // Too old for both: a snapshot, then live events.
    let mut stale = SseClient::get(&url, &resume_header(2)).await;
    let snapshot = stale.next_event().await;
    assert_eq!((snapshot.name.as_str(), snapshot.seq()), ("snapshot", last));
    assert_eq!(snapshot.data["seq"], last);
    auction.close().await;
    assert_eq!(stale.next_event().await.seq(), last + 1);
    // An id the auction never reached is not trusted either.
    let mut future = SseClient::get(&url, &resume_header(last + 100)).await;
    assert_eq!(future.next_event().await.name, "snapshot");
}

#[tokio::test]
async fn resuming_after_a_restart_has_no_gap() {
    let bus = new_bus();
    let database = fresh_database().await;
    let database_url = database.url();
    let first = Service::start(database_url, &bus, config()).await;
    let mut auction = Auction::open(&bus).await;
    let mut client = SseClient::connect(&first.auction_url(auction.id), &[]).await;
    client.next_event().await;
    auction.bids(2).await;
    let seen = client.events(2).await.last().unwrap().seq();
    drop(client);
    // Stored by the first instance while nobody listened...
    let stored = auction.bids(2).await;
    wait_until_stored(database_url, auction.id, stored).await;
    first.stop().await;
    // ...and published while no instance ran.
    let last = auction.bids(3).await;

    let second = Service::start(database_url, &bus, config()).await;
    let mut resumed = connect_resuming(&second.auction_url(auction.id), seen).await;
    let ids: Vec<i64> = resumed
        .events((last - seen) as usize)
        .await
        .iter()
        .map(|e| e.seq())
        .collect();
    assert_eq!(ids, ((seen + 1)..=last).collect::<Vec<_>>());
    auction.close().await;
    assert_eq!(resumed.next_event().await.seq(), last + 1, "no duplicates");
}

#[tokio::test]
async fn two_instances_send_the_same_events_with_the_same_ids() {
    let bus = new_bus();
    let database = fresh_database().await;
    let database_url = database.url();
    let a = Service::start(database_url, &bus, config()).await;
    let b = Service::start(database_url, &bus, config()).await;
    let mut auction = Auction::open(&bus).await;
    let mut on_a = SseClient::connect(&a.auction_url(auction.id), &[]).await;
    let mut on_b = SseClient::connect(&b.auction_url(auction.id), &[]).await;
    let (snap_a, snap_b) = (on_a.next_event().await, on_b.next_event().await);
    assert_eq!(snap_a.seq(), snap_b.seq());
    auction.bids(5).await;
    auction.close().await;
    let from_a = on_a.events(6).await;
    let from_b = on_b.events(6).await;
    for (x, y) in from_a.iter().zip(&from_b) {
        assert_eq!((&x.name, x.seq()), (&y.name, y.seq()));
        assert_eq!(x.data["currentPrice"], y.data["currentPrice"]);
        assert_eq!(x.data["at"], y.data["at"]);
    }
    assert_eq!(from_a.last().unwrap().seq(), 8);

    // An id given by one instance resumes on the other.
    let mut moved = SseClient::get(&b.auction_url(auction.id), &resume_header(5)).await;
    let ids: Vec<i64> = moved.events(3).await.iter().map(|e| e.seq()).collect();
    assert_eq!(ids, [6, 7, 8]);
}

/// Opens a resuming stream once the service knows the auction.
async fn connect_resuming(url: &str, last_event_id: i64) -> SseClient {
    SseClient::connect(url, &resume_header(last_event_id)).await
}

#[tokio::test]
async fn an_id_from_an_instance_further_ahead_resumes_without_a_snapshot() {
    let bus = new_bus();
    let database = fresh_database().await;
    let database_url = database.url();
    let service = Service::start(database_url, &bus, config()).await;
    let mut auction = Auction::open(&bus).await;
    let url = service.auction_url(auction.id);
    let mut client = SseClient::connect(&url, &[]).await;
    assert_eq!(client.next_event().await.seq(), 2);
    // Another instance already stored up to 4 while this one is still at 2.
    let pool = platform_core::db::connect(database_url, "notification", 1)
        .await
        .unwrap();
    sqlx::query("UPDATE auction_feeds SET seq = 4 WHERE auction_id = $1")
        .bind(auction.id.0)
        .execute(&pool)
        .await
        .unwrap();

    let mut resumed = SseClient::get(&url, &resume_header(4)).await;
    assert_eq!(resumed.status, 200);
    auction.bids(3).await;
    let next = resumed.next_event().await;
    assert_eq!(
        (next.name.as_str(), next.seq()),
        ("price", 5),
        "no snapshot, and nothing the client had"
    );
}
