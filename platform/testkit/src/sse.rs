//! One client for event streams, parsing as a browser's `EventSource` does
//! (eventsource-stream): events with their name, their id (the last one the stream set,
//! as `lastEventId` is) and their JSON data. Comments and `retry:` are not events; the
//! few tests about the stream's framing itself read its text with [`text_until`].

use crate::WAIT;
use eventsource_stream::{EventStreamError, Eventsource};
use futures::{Stream, StreamExt};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::Value;
use std::pin::Pin;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq)]
pub struct SseEvent {
    /// `message` when the stream named none.
    pub name: String,
    /// The last id the stream set; `None` while it has set none.
    pub id: Option<String>,
    pub data: Value,
}

impl SseEvent {
    /// The id as the number the platform's streams use (the auction's `seq`, or the
    /// notice's position).
    pub fn seq(&self) -> i64 {
        let id = self.id.as_deref().expect("the event has an id");
        id.parse()
            .unwrap_or_else(|_| panic!("the id {id:?} is not a number"))
    }
}

type Events = Pin<
    Box<
        dyn Stream<Item = Result<eventsource_stream::Event, EventStreamError<reqwest::Error>>>
            + Send,
    >,
>;

pub struct SseClient {
    pub status: StatusCode,
    pub headers: HeaderMap,
    events: Events,
    ended: bool,
}

/// A request of its own, on a client without a timeout: a stream lasts as long as the
/// test reads it.
fn request(url: &str, headers: &[(String, String)]) -> reqwest::RequestBuilder {
    let mut req = reqwest::Client::new()
        .get(url)
        .header("accept", "text/event-stream");
    for (name, value) in headers {
        req = req.header(name, value);
    }
    req
}

impl SseClient {
    /// Sends the request and keeps whatever answered (see `status`).
    pub async fn get(url: &str, headers: &[(String, String)]) -> SseClient {
        let res = request(url, headers)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {url}: {e}"));
        SseClient {
            status: res.status(),
            headers: res.headers().clone(),
            events: Box::pin(res.bytes_stream().eventsource()),
            ended: false,
        }
    }

    /// Opens the stream; it must answer 200 with `text/event-stream`.
    pub async fn open(url: &str, headers: &[(String, String)]) -> SseClient {
        Self::get(url, headers).await.opened(url)
    }

    fn opened(self, url: &str) -> SseClient {
        assert_eq!(self.status, StatusCode::OK, "GET {url}");
        let content_type = self.headers.get("content-type").map(|v| v.to_str());
        assert!(
            matches!(content_type, Some(Ok(t)) if t.starts_with("text/event-stream")),
            "GET {url}: content-type {content_type:?}"
        );
        self
    }

    /// Opens the stream once the service knows what it streams: a 404 is asked again for
    /// up to 30 s (a consumer of the event topic may still be on its way to the auction).
    pub async fn connect(url: &str, headers: &[(String, String)]) -> SseClient {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let client = Self::get(url, headers).await;
            if client.status != StatusCode::NOT_FOUND {
                return client.opened(url);
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{url} stays unknown"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The next event; `None` when the stream ended or none came within `within`.
    pub async fn next_within(&mut self, within: Duration) -> Option<SseEvent> {
        if self.ended {
            return None;
        }
        match tokio::time::timeout(within, self.events.next()).await {
            Err(_) => None,
            Ok(Some(Ok(event))) => Some(SseEvent {
                name: event.event,
                id: (!event.id.is_empty()).then_some(event.id),
                data: serde_json::from_str(&event.data).unwrap_or_else(|e| {
                    panic!("the data is not one JSON value ({e}): {:?}", event.data)
                }),
            }),
            Ok(Some(Err(_)) | None) => {
                self.ended = true;
                None
            }
        }
    }

    /// The next event; fails the test when none comes within [`WAIT`].
    pub async fn next_event(&mut self) -> SseEvent {
        match self.next_within(WAIT).await {
            Some(event) => event,
            None => panic!("no event arrived (the stream ended: {})", self.ended),
        }
    }

    /// The next event named `name`, past any other.
    pub async fn next_named(&mut self, name: &str) -> SseEvent {
        loop {
            let event = self.next_event().await;
            if event.name == name {
                return event;
            }
        }
    }

    /// The next `n` events.
    pub async fn events(&mut self, n: usize) -> Vec<SseEvent> {
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(self.next_event().await);
        }
        out
    }

    /// Whether the server ends the stream within `within` (events still arriving are
    /// read past).
    pub async fn ends_within(&mut self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            if self.next_within(left).await.is_none() {
                return self.ended;
            }
        }
    }
}

/// The stream's text from its first byte until it holds `until` (or `within` passed, or
/// the stream ended): for the tests of its framing, such as `retry:` and the heartbeat
/// comments an `EventSource` does not show.
pub async fn text_until(
    url: &str,
    headers: &[(String, String)],
    until: &str,
    within: Duration,
) -> String {
    let res = request(url, headers)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let mut body = res.bytes_stream();
    let mut text = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    while !String::from_utf8_lossy(&text).contains(until) {
        match tokio::time::timeout_at(deadline, body.next()).await {
            Ok(Some(Ok(chunk))) => text.extend_from_slice(&chunk),
            Ok(_) | Err(_) => break,
        }
    }
    String::from_utf8_lossy(&text).into_owned()
}
