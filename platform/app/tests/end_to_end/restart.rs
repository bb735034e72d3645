//! The single-process platform restarted on the same database: its in-process log is new,
//! Postgres remembers everything else.

use crate::harness::Platform;
use std::time::Duration;

#[tokio::test]
async fn a_restarted_platform_keeps_taking_bids_and_decides_those_it_had_accepted() {
    let first = Platform::start().await;
    let api = first.api.clone();
    let admin = first.admin().await;
    let seller = api.signup("seller").await;
    let alice = api.signup("alice").await;
    let id = api
        .open_auction(&admin, &seller, "Restart", Duration::from_secs(120))
        .await;
    let before = api.bid(&alice, &id, 1_000, None).await;
    assert_eq!(api.outcome(&alice, &before).await["status"], "accepted");
    let database = first.database.clone();
    first.stop().await;

    // A bid answered 202 whose command died with the old process's in-process log.
    let bidding = platform_core::db::connect(database.url(), "bidding", 1)
        .await
        .unwrap();
    let lost = crate::harness::leave_pending_bid(&bidding, &id, &alice, 5000).await;

    let second = Platform::start_on(database, |_| {}).await;
    let api = &second.api;
    // Tokens survive: the platforms share one JWT secret, as replicas of one deployment do.
    let decided = api.outcome(&alice, &lost.to_string()).await;
    assert_eq!(decided["status"], "accepted", "{decided}");

    let bob = api.signup("bob").await;
    let after = api.bid(&bob, &id, 10_000, None).await;
    assert_eq!(api.outcome(&bob, &after).await["status"], "accepted");
    let auction = api
        .wait_auction(&id, Duration::from_secs(20), "the new bid", |a| {
            a["bidCount"] == 3
        })
        .await;
    assert_eq!(auction["leadingBidderId"], bob.id.as_str());
    second.stop().await;
}
