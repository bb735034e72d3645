//! The platform as `./scripts/run.sh` starts it (one process, the default embedded bus),
//! SIGKILLed again and again under a stream of bids: no accepted bid is lost or applied
//! twice, and every auction's newest public event reaches every reader of the event topic
//! (the auction page, the live stream and its resume, search), although the process died
//! between the engine publishing an event and its consumers reading it.

use std::path::Path;
use std::time::{Duration, Instant};
use testkit::cluster::{Cluster, ONE_PROCESS};
use testkit::sse::SseClient;
use testkit::User;

const AUCTIONS: usize = 4;
const BIDDERS: usize = 8;

#[tokio::test]
async fn killing_the_one_process_platform_loses_no_bid_and_no_event() {
    let mut cluster = Cluster::one_process(
        env!("CARGO_BIN_EXE_platform"),
        Path::new(env!("CARGO_TARGET_TMPDIR")),
    )
    .await;
    let api = cluster.api.clone();
    let admin = cluster.admin().await;
    let seller = api.signup("seller").await;
    let mut auctions = Vec::new();
    for i in 0..AUCTIONS {
        let title = format!("Crash{i}");
        let id = api
            .open_auction(&admin, &seller, &title, Duration::from_secs(600))
            .await;
        auctions.push((id, title));
    }
    let mut bidders = Vec::new();
    for i in 0..BIDDERS {
        bidders.push(api.signup(&format!("bidder{i}")).await);
    }

    // Each bidder bids on every auction in turn, each bid above the last, while the one
    // process is killed and started again.
    let stop = tokio_util::sync::CancellationToken::new();
    let mut streams = Vec::new();
    for (n, bidder) in bidders.iter().cloned().enumerate() {
        let api = api.clone();
        let ids: Vec<String> = auctions.iter().map(|(id, _)| id.clone()).collect();
        let stop = stop.clone();
        streams.push(tokio::spawn(async move {
            let mut placed: Vec<(User, String)> = Vec::new();
            let mut amount = 1_000 + n as i64 * 10;
            let mut turn = n;
            while !stop.is_cancelled() {
                turn += 1;
                amount += 100 + (n as i64 * 7) % 50;
                let id = &ids[turn % ids.len()];
                let body = serde_json::json!({"amount": amount});
                match api.bid_through_failures(&bidder, id, &body).await {
                    Some(bid_id) => placed.push((bidder.clone(), bid_id)),
                    // No promise was made; the process may not be up yet.
                    None => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
            placed
        }));
    }
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        cluster.kill(ONE_PROCESS);
        cluster.spawn(ONE_PROCESS);
        cluster.wait_ready(ONE_PROCESS).await;
    }
    // The last kill ends the stream: what the engine decided just before it must reach
    // every reader without any later bid to carry the newest state along.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    cluster.kill(ONE_PROCESS);
    stop.cancel();
    let mut placed = Vec::new();
    for s in streams {
        placed.extend(s.await.unwrap());
    }
    cluster.spawn(ONE_PROCESS);
    cluster.wait_ready(ONE_PROCESS).await;
    assert!(placed.len() > 100, "only {} bids got through", placed.len());

    // Every 202 ends in exactly one outcome, and no accepted bid was applied twice.
    let mut accepted = Vec::new();
    for (bidder, bid_id) in &placed {
        let outcome = api.outcome(bidder, bid_id).await;
        if outcome["status"] == "accepted" {
            accepted.push((
                outcome["auctionId"].clone(),
                outcome["seq"].as_i64().unwrap(),
            ));
        }
    }
    let mut distinct = accepted.clone();
    distinct.sort_by_key(|(a, s)| (a.to_string(), *s));
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        accepted.len(),
        "an accepted bid was applied twice"
    );

    // What the engine stored is what every reader of the event topic shows.
    let bidding = platform_core::db::connect(cluster.database_url(), "bidding", 1)
        .await
        .unwrap();
    for (id, title) in &auctions {
        let auction_id: uuid::Uuid = id.parse().unwrap();
        let seq: i64 = sqlx::query_scalar(
            "SELECT (state::json->>'seq')::bigint FROM engine_auctions WHERE auction_id = $1",
        )
        .bind(auction_id)
        .fetch_one(&bidding)
        .await
        .unwrap();
        let page = api
            .wait_auction(
                id,
                Duration::from_secs(30),
                "the read model to catch up",
                |a| a["seq"] == seq,
            )
            .await;
        assert!(page["bidCount"].as_i64().unwrap() > 0, "{page}");

        let url = format!("{}/api/auctions/{id}/events", api.base);
        let mut live = SseClient::connect(&url, &[]).await;
        let snapshot = live.next_named("snapshot").await;
        assert_eq!(snapshot.seq(), seq, "the live snapshot of {title}");
        assert_eq!(snapshot.data["bidCount"], page["bidCount"]);
        let resume = [("last-event-id".to_owned(), (seq - 2).to_string())];
        let mut resumed = SseClient::connect(&url, &resume).await;
        let missed: Vec<i64> = resumed.events(2).await.iter().map(|e| e.seq()).collect();
        assert_eq!(
            missed,
            [seq - 1, seq],
            "a resume of {title} after {}",
            seq - 2
        );

        wait_for_search(&api, title, seq).await;
    }
}

/// Waits until a search for `title` finds its auction at `seq`.
async fn wait_for_search(api: &testkit::Api, title: &str, seq: i64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let res = api
            .send("GET", &format!("/api/search?q={title}"), None, None)
            .await;
        assert_eq!(res.status, 200, "{}", res.body);
        if res.body["hits"][0]["seq"] == seq {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "search shows {title} at {} , the engine at {seq}",
            res.body["hits"][0]["seq"]
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
