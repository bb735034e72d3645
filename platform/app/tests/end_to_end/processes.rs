//! The platform as separate processes — gateway, auction, bidding, notification+search —
//! talking through a real Kafka-protocol broker and PostgreSQL, as it runs in production.
//! Each run gets its own database and its own bus namespace, so runs share the broker
//! without seeing each other.

use crate::harness;
use std::path::Path;
use std::time::{Duration, Instant};
use testkit::cluster::Cluster;
use testkit::User;

/// The four roles from this build's `platform` binary, each in a process of its own.
pub async fn start_cluster() -> Cluster {
    Cluster::start(
        env!("CARGO_BIN_EXE_platform"),
        Path::new(env!("CARGO_TARGET_TMPDIR")),
    )
    .await
}

#[tokio::test]
async fn separate_processes_over_kafka_tell_the_same_story() {
    let cluster = start_cluster().await;
    let admin = cluster.admin().await;
    crate::journey::listing_to_winner(&cluster.api, &admin).await;
}

#[tokio::test]
async fn killing_the_bidding_process_loses_no_bid_and_applies_none_twice() {
    let mut cluster = start_cluster().await;
    let api = cluster.api.clone();
    let admin = cluster.admin().await;
    let seller = api.signup("seller").await;
    let id = api
        .open_auction(&admin, &seller, "Under fire", Duration::from_secs(600))
        .await;
    let mut bidders = Vec::new();
    for i in 0..8 {
        bidders.push(api.signup(&format!("bidder{i}")).await);
    }

    // A steady stream of bids from 8 bidders while bidding is killed and restarted.
    let stop = tokio_util::sync::CancellationToken::new();
    let mut streams = Vec::new();
    for (n, bidder) in bidders.iter().cloned().enumerate() {
        let api = api.clone();
        let id = id.clone();
        let stop = stop.clone();
        streams.push(tokio::spawn(async move {
            let mut placed: Vec<(User, String)> = Vec::new();
            let mut amount = 1_000 + n as i64 * 10;
            while !stop.is_cancelled() {
                amount += 300 + (n as i64 * 7) % 50;
                let body = serde_json::json!({"amount": amount, "maxAmount": amount + 200});
                if let Some(bid_id) = api.bid_through_failures(&bidder, &id, &body).await {
                    placed.push((bidder.clone(), bid_id));
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            placed
        }));
    }

    let bidding = platform_core::db::connect(cluster.database_url(), "bidding", 1)
        .await
        .unwrap();
    let mut orphans = Vec::new();
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(2500)).await;
        cluster.kill("bidding");
        // What a kill between recording a bid and publishing its command leaves behind: a
        // pending row whose command no log holds. Its client got no 202. (Its amount is
        // below any minimum, so it does not stop the other bids from being accepted.)
        orphans.push(harness::leave_pending_bid(&bidding, &id, &bidders[0], 1).await);
        tokio::time::sleep(Duration::from_millis(500)).await;
        cluster.spawn("bidding");
        cluster.wait_ready("bidding").await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.cancel();
    let mut placed = Vec::new();
    for s in streams {
        placed.extend(s.await.unwrap());
    }
    assert!(placed.len() > 50, "only {} bids got through", placed.len());

    // Every 202 ends in exactly one outcome.
    let mut accepted_seqs = Vec::new();
    for (bidder, bid_id) in &placed {
        let outcome = api.outcome(bidder, bid_id).await;
        if outcome["status"] == "accepted" {
            accepted_seqs.push(outcome["seq"].as_i64().unwrap());
        }
    }
    let mut sorted = accepted_seqs.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(
        sorted.len(),
        accepted_seqs.len(),
        "an accepted bid was applied twice"
    );

    // No row stays pending: the orphans, and any a kill left, were published again when
    // bidding restarted, and decided.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let pending: Vec<uuid::Uuid> =
            sqlx::query_scalar("SELECT bid_id FROM bids WHERE status = 'pending'")
                .fetch_all(&bidding)
                .await
                .unwrap();
        if pending.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "bids left pending: {pending:?} (orphans {orphans:?})"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let decided: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM bids WHERE bid_id = ANY($1) AND reason = 'below_minimum'",
    )
    .bind(&orphans)
    .fetch_one(&bidding)
    .await
    .unwrap();
    assert_eq!(decided, orphans.len() as i64);

    let bus = platform_bus::connect(&cluster.bus_url).await.unwrap();
    let rules = bidding::Config {
        soft_close_window_secs: 0,
        ..bidding::Config::for_tests()
    }
    .rules()
    .unwrap();
    let state =
        harness::assert_matches_serial_replay(bus.as_ref(), cluster.database_url(), &rules, &id)
            .await;
    assert!(state.public().bid_count >= accepted_seqs.len() as i64);

    // The read model catches up with the engine (a 202 lost with a killed connection may
    // still have been applied: the engine's count can exceed what the clients saw).
    let seq = state.seq();
    let auction = api
        .wait_auction(
            &id,
            Duration::from_secs(20),
            "the read model to catch up",
            |a| a["seq"] == seq,
        )
        .await;
    assert_eq!(auction["bidCount"], state.public().bid_count);
    assert_eq!(auction["currentPrice"], state.public().current_price.get());
}
