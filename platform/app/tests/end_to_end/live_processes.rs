//! Live streams when the platform runs as separate processes over the Kafka-protocol
//! broker: two notification instances, each reading the whole event topic in a consumer
//! group of its own, deliver the same events with the same ids; a stream resumed after its
//! notification process was killed gets exactly what it missed.

use crate::processes::start_cluster;
use serde_json::Value;
use std::time::Duration;
use testkit::{Api, SseClient, SseEvent, User};

/// What two instances must agree on: name, id and data, except the per-instance
/// `watchers` count.
fn comparable(event: &SseEvent) -> (String, Option<String>, Value) {
    let mut data = event.data.clone();
    if let Some(fields) = data.as_object_mut() {
        fields.remove("watchers");
    }
    (event.name.clone(), event.id.clone(), data)
}

/// Events up to and including the one with id `last`.
async fn until(stream: &mut SseClient, last: i64) -> Vec<SseEvent> {
    let mut events = Vec::new();
    loop {
        let event = stream.next_event().await;
        let id = event.seq();
        events.push(event);
        if id >= last {
            return events;
        }
    }
}

/// Opens a stream once the instance has read the auction from the topic: each instance
/// follows the topic at its own pace, and one that has not reached a new auction yet
/// answers 404 for it.
async fn open_when_known(api: &Api, path: &str, headers: &[(String, String)]) -> SseClient {
    SseClient::connect(&format!("{}{path}", api.base), headers).await
}

/// Places accepted bids, one increment apart; returns the seq of the last one's `price`.
async fn place(api: &Api, bidders: &[User], id: &str, from: i64, count: usize) -> i64 {
    let mut seq = 0;
    for n in 0..count {
        let bidder = &bidders[n % bidders.len()];
        let bid = api.bid(bidder, id, from + n as i64 * 100, None).await;
        let outcome = api.outcome(bidder, &bid).await;
        assert_eq!(outcome["status"], "accepted", "{outcome}");
        seq = outcome["seq"].as_i64().unwrap();
    }
    seq
}

#[tokio::test]
async fn two_notification_instances_over_kafka_agree_and_a_killed_one_resumes_without_gaps() {
    let mut cluster = start_cluster().await;
    let second = Api::new(
        cluster
            .add_process("notification-2", "notification", "NOTIFICATION_PORT")
            .await,
    );
    let api = cluster.api.clone();
    let admin = cluster.admin().await;
    let seller = api.signup("seller").await;
    let bidders = vec![api.signup("ann").await, api.signup("bob").await];
    let id = api
        .open_auction(&admin, &seller, "Twice told", Duration::from_secs(600))
        .await;

    let path = format!("/api/auctions/{id}/events");
    let mut through_gateway = open_when_known(&api, &path, &[]).await;
    let mut direct = open_when_known(&second, &path, &[]).await;
    // Each instance follows the topic at its own pace, so their snapshots may be taken at
    // different seqs; from the later of the two on, they must agree event by event.
    let snapshot_seq = |e: SseEvent| -> i64 { e.seq() };
    let common = snapshot_seq(through_gateway.next_named("snapshot").await)
        .max(snapshot_seq(direct.next_named("snapshot").await));
    let after_common = |events: &[SseEvent]| -> Vec<(String, Option<String>, Value)> {
        events
            .iter()
            .filter(|e| e.seq() > common)
            .map(comparable)
            .collect()
    };

    let last = place(&api, &bidders, &id, 1_000, 6).await;
    let seen = until(&mut through_gateway, last).await;
    let seen_elsewhere = until(&mut direct, last).await;
    assert_eq!(
        after_common(&seen),
        after_common(&seen_elsewhere),
        "two instances deliver the same events with the same ids"
    );
    assert_eq!(seen.iter().filter(|e| e.name == "price").count(), 6);

    // The gateway's notification process dies; bids go on; it comes back and the stream
    // resumes from the last id it delivered.
    let resume_from = seen.last().unwrap().id.clone().unwrap();
    drop(through_gateway);
    cluster.kill("notification,search");
    let last = place(&api, &bidders, &id, 1_600, 4).await;
    cluster.spawn("notification,search");
    cluster.wait_ready("notification,search").await;
    let mut resumed = open_when_known(
        &api,
        &path,
        &[("last-event-id".into(), resume_from.clone())],
    )
    .await;
    let missed = until(&mut resumed, last).await;
    let ids: Vec<i64> = missed.iter().map(SseEvent::seq).collect();
    let from: i64 = resume_from.parse().unwrap();
    assert_eq!(
        ids,
        (from + 1..=last).collect::<Vec<_>>(),
        "every missed event once, in order: {missed:?}"
    );
    assert!(missed.iter().all(|e| e.name == "price"), "{missed:?}");

    // The instance that stayed up saw the same events live.
    let live = until(&mut direct, last).await;
    assert_eq!(
        live.iter().map(comparable).collect::<Vec<_>>(),
        missed.iter().map(comparable).collect::<Vec<_>>()
    );
}
