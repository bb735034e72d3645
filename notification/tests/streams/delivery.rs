//! Delivery under pressure: a client that stops reading is dropped without holding the
//! others back, and shutdown ends every stream.

use crate::support::*;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;

#[tokio::test]
async fn a_stalled_client_is_dropped_while_others_keep_receiving() {
    let bus = new_bus();
    let mut cfg = config();
    cfg.notification_stream_buffer = 32;
    // Small socket buffers, so a client that does not read backs up quickly.
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_send_buffer_size(4096).unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(64).unwrap();
    let database = fresh_database().await;
    let service = Service::start_on(listener, database.url(), &bus, cfg).await;
    let mut auction = Auction::open(&bus).await;
    let mut healthy = SseClient::connect(&service.auction_url(auction.id), &[]).await;
    healthy.next_event().await;

    let stalled = TcpSocket::new_v4().unwrap();
    stalled.set_recv_buffer_size(4096).unwrap();
    let mut stalled = stalled.connect(service.addr).await.unwrap();
    let request = format!(
        "GET /api/auctions/{}/events HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n",
        auction.id
    );
    stalled.write_all(request.as_bytes()).await.unwrap();

    // Bursts the healthy client keeps up with; the stalled one never reads.
    let mut watchers = Vec::new();
    for _ in 0..40 {
        auction.bids(16).await;
        for e in healthy.events(16).await {
            assert_eq!(e.seq(), e.data["seq"].as_i64().unwrap());
            watchers.push(e.data["watchers"].as_i64().unwrap());
        }
    }
    assert_eq!(
        next_event_id_after_close(&mut healthy, &mut auction).await,
        auction.seq
    );
    assert!(watchers.contains(&2), "both streams were attached");
    assert_eq!(
        *watchers.last().unwrap(),
        1,
        "the stalled stream was detached"
    );

    // When it reads again it gets what it had buffered, then the end of the stream.
    let mut received = Vec::new();
    tokio::time::timeout(WAIT, stalled.read_to_end(&mut received))
        .await
        .expect("the stalled stream ends")
        .unwrap();
    let text = String::from_utf8_lossy(&received);
    let prices = text.matches("event: price").count();
    assert!(
        prices < 640,
        "the stalled client did not get everything ({prices})"
    );
}

#[tokio::test]
async fn shutdown_ends_every_stream() {
    let bus = new_bus();
    let database = fresh_database().await;
    let service = Service::start(database.url(), &bus, config()).await;
    let auction = Auction::open(&bus).await;
    let mut public = SseClient::connect(&service.auction_url(auction.id), &[]).await;
    public.next_event().await;
    let mut private =
        SseClient::get(&service.url("/api/me/events"), &identity_headers(&user())).await;
    assert_eq!(private.status, 200);

    service.shutdown_token().cancel();
    assert!(public.ends_within(Duration::from_secs(3)).await);
    assert!(private.ends_within(Duration::from_secs(3)).await);
    service.stop().await;
}

/// Closes the auction and returns the id of the `closed` event `client` gets.
async fn next_event_id_after_close(client: &mut SseClient, auction: &mut Auction) -> i64 {
    auction.close().await;
    let e = client.next_event().await;
    assert_eq!(e.name, "closed");
    e.seq()
}
