//! Many bidders at once on one auction: one total order decides, exactly one leader wins,
//! the price is what the rules give for that order, and `seq` has no gaps.

use crate::harness::Platform;
use std::collections::HashSet;
use std::time::Duration;

#[tokio::test]
async fn five_hundred_simultaneous_bids_leave_one_consistent_leader() {
    let platform = Platform::start().await;
    let api = &platform.api;
    let admin = platform.admin().await;
    let seller = api.signup("seller").await;
    let id = api
        .open_auction(&admin, &seller, "Crowded", Duration::from_secs(120))
        .await;

    let mut bidders = Vec::new();
    for i in 0..100 {
        bidders.push(api.signup(&format!("bidder{i}")).await);
    }
    // 500 bids fired together: amounts overlap on purpose, some carry maximums.
    let mut sends = Vec::new();
    for n in 0..500usize {
        let bidder = bidders[n % bidders.len()].clone();
        let api = api.clone();
        let id = id.clone();
        let amount = 1_000 + (n as i64 * 37 % 400) * 25;
        let max = (n % 7 == 0).then_some(amount + 5_000);
        sends.push(tokio::spawn(async move {
            let bid_id = api.bid(&bidder, &id, amount, max).await;
            (bidder, bid_id)
        }));
    }
    let mut placed = Vec::new();
    for s in sends {
        placed.push(s.await.unwrap());
    }

    let mut accepted_seqs = Vec::new();
    let mut accepted = 0;
    for (bidder, bid_id) in &placed {
        let outcome = api.outcome(bidder, bid_id).await;
        match outcome["status"].as_str().unwrap() {
            "accepted" => {
                accepted += 1;
                accepted_seqs.push(outcome["seq"].as_i64().unwrap());
            }
            "rejected" => assert_eq!(outcome["reason"], "below_minimum", "{outcome}"),
            other => panic!("bid ended {other}"),
        }
    }
    assert!(accepted >= 1);
    let unique: HashSet<_> = accepted_seqs.iter().collect();
    assert_eq!(
        unique.len(),
        accepted_seqs.len(),
        "every accepted bid has its own seq"
    );

    let auction = api
        .wait_auction(
            &id,
            Duration::from_secs(20),
            "every bid in the read model",
            |a| a["bidCount"] == accepted,
        )
        .await;
    // Lifecycle events (listed, scheduled, opened) come first; every accepted bid adds one.
    assert_eq!(
        auction["seq"],
        accepted_seqs.iter().max().unwrap().to_owned()
    );
    let mut sorted = accepted_seqs.clone();
    sorted.sort_unstable();
    let first = sorted[0];
    assert_eq!(
        sorted,
        (first..first + sorted.len() as i64).collect::<Vec<_>>(),
        "seq has no gaps"
    );

    let history = api
        .send(
            "GET",
            &format!("/api/auctions/{id}/bids?limit=200&afterSeq={}", first + 300),
            None,
            None,
        )
        .await;
    assert!(history.status == 200);
    let leader = auction["leadingBidderId"].as_str().unwrap();
    assert!(bidders.iter().any(|b| b.id == leader));
    let top_accepted = placed.iter().filter(|(b, _)| b.id == leader).count();
    assert!(top_accepted > 0, "the leader placed bids");
    assert!(auction["currentPrice"].as_i64().unwrap() >= 1_000);
    crate::harness::assert_matches_serial_replay(
        platform.bus.as_ref(),
        platform.database_url(),
        &platform.rules,
        &id,
    )
    .await;
    platform.stop().await;
}
