//! Live updates through the gateway, as a browser's EventSource sees them.

use crate::client::{Api, User};
use crate::harness::Platform;
use futures::StreamExt;
use serde_json::{json, Value};
use std::time::Duration;

#[derive(Debug)]
struct SseEvent {
    name: String,
    id: Option<String>,
    data: Value,
}

/// A minimal SSE reader over a streaming HTTP response.
struct Stream {
    body: std::pin::Pin<Box<dyn futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buffer: String,
}

impl Stream {
    async fn open(api: &Api, path: &str, headers: &[(&str, String)]) -> Stream {
        let mut req = api
            .http
            .get(format!("{}{path}", api.base))
            .timeout(Duration::from_secs(60));
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream"));
        Stream {
            body: Box::pin(res.bytes_stream()),
            buffer: String::new(),
        }
    }

    /// The next event (comments and retry lines skipped), waiting at most 10 s.
    async fn next(&mut self) -> SseEvent {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut name, mut id, mut data) = (String::from("message"), None, String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("id:") {
                        id = Some(v.trim().to_owned());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if data.is_empty() {
                    continue;
                }
                return SseEvent {
                    name,
                    id,
                    data: serde_json::from_str(&data).unwrap(),
                };
            }
            let chunk = tokio::time::timeout(Duration::from_secs(20), self.body.next())
                .await
                .expect("an event within 20 s")
                .expect("the stream stays open")
                .unwrap();
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    async fn next_named(&mut self, name: &str) -> SseEvent {
        loop {
            let e = self.next().await;
            if e.name == name {
                return e;
            }
        }
    }
}

async fn open_auction(platform: &Platform, seller: &User) -> String {
    let admin = platform.admin().await;
    let api = &platform.api;
    let id = api
        .list_item(
            seller,
            json!({"title": "Live", "description": "", "category": "art", "startingPrice": 1_000}),
        )
        .await;
    api.schedule(&admin, &id, Duration::ZERO, Duration::from_secs(120))
        .await;
    api.wait_auction(&id, Duration::from_secs(20), "open", |a| {
        a["status"] == "open"
    })
    .await;
    id
}

#[tokio::test]
async fn watchers_see_every_price_and_resume_without_gaps() {
    let platform = Platform::start().await;
    let api = &platform.api;
    let seller = api.signup("seller").await;
    let alice = api.signup("alice").await;
    let bob = api.signup("bob").await;
    let id = open_auction(&platform, &seller).await;
    let path = format!("/api/auctions/{id}/events");

    let mut watcher = Stream::open(api, &path, &[]).await;
    let snapshot = watcher.next_named("snapshot").await;
    assert_eq!(snapshot.data["status"], "open");
    let seen = snapshot.id.clone().unwrap();

    api.bid(&alice, &id, 1_000, None).await;
    let price = watcher.next_named("price").await;
    assert_eq!(price.data["currentPrice"], 1_000);
    assert_eq!(
        price.id.as_deref(),
        Some(price.data["seq"].to_string().as_str())
    );
    assert_eq!(
        price.id.unwrap().parse::<i64>().unwrap(),
        seen.parse::<i64>().unwrap() + 1
    );
    let last = price.data["seq"].as_i64().unwrap();
    drop(watcher);

    // Two bids while away; the resumed stream brings both, in order, nothing else first.
    api.bid(&bob, &id, 2_000, None).await;
    api.bid(&alice, &id, 3_000, None).await;
    api.wait_auction(&id, Duration::from_secs(20), "both bids", |a| {
        a["currentPrice"] == 3_000
    })
    .await;
    let mut resumed = Stream::open(api, &path, &[("last-event-id", last.to_string())]).await;
    let first = resumed.next().await;
    let second = resumed.next().await;
    assert_eq!(
        (first.name.as_str(), second.name.as_str()),
        ("price", "price")
    );
    assert_eq!(first.data["seq"], last + 1);
    assert_eq!(second.data["seq"], last + 2);
    assert_eq!(second.data["currentPrice"], 3_000);
    platform.stop().await;
}

#[tokio::test]
async fn bidders_hear_about_their_own_bids_only() {
    let platform = Platform::start().await;
    let api = &platform.api;
    let seller = api.signup("seller").await;
    let alice = api.signup("alice").await;
    let bob = api.signup("bob").await;
    let id = open_auction(&platform, &seller).await;

    // The cookie is what a browser's EventSource sends.
    let cookie = |u: &User| vec![("cookie", format!("access_token={}", u.token))];
    let mut alice_stream = Stream::open(api, "/api/me/events", &cookie(&alice)).await;
    let mut bob_stream = Stream::open(api, "/api/me/events", &cookie(&bob)).await;

    let a = api.bid(&alice, &id, 1_000, None).await;
    let accepted = alice_stream.next_named("bid.accepted").await;
    assert_eq!(accepted.data["bidId"], a.as_str());
    api.bid(&bob, &id, 5_000, None).await;
    let outbid = alice_stream.next_named("outbid").await;
    assert_eq!(outbid.data["currentPrice"], 5_000);
    let low = api.bid(&alice, &id, 5_050, None).await;
    let rejected = alice_stream.next_named("bid.rejected").await;
    assert_eq!(rejected.data["bidId"], low.as_str());
    assert_eq!(rejected.data["reason"], "below_minimum");

    // Bob's stream carries Bob's acceptance and nothing of Alice's.
    let mine = bob_stream.next().await;
    assert_eq!(mine.name, "bid.accepted");
    assert_ne!(mine.data["bidId"], a.as_str());

    let anonymous = api.send("GET", "/api/me/events", None, None).await;
    assert_eq!(anonymous.status, 401);
    platform.stop().await;
}
