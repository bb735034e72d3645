//! Turning frames into an SSE response: `retry:` first, then what the client missed, then
//! live frames, with comment heartbeats when quiet, until `end` fires, the client goes, or
//! the stream is detached for falling behind.
//!
//! Frames are already encoded and shared. A stream takes the frames that arrived while it
//! was busy in one go, a bounded number at a time, and hands them to the connection as one
//! piece: one chunk and one write, however many events it holds.

use crate::hub::{joined, Frame, Subscription};
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderName, HeaderValue};
use axum::response::Response;
use futures::{stream, Stream, StreamExt};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::{Instant, Sleep};

/// How long a browser waits before reconnecting (`retry:` in milliseconds).
const RETRY: &[u8] = b"retry: 3000\n\n";
const HEARTBEAT: &[u8] = b":heartbeat\n\n";
/// Most frames a stream takes from its feed at once.
const MAX_BATCH: usize = 64;

/// `end` is polled every time the body is, several times per batch of frames on every
/// stream. The services pass `CancellationToken::cancelled_owned()`, which takes the token's
/// lock at each poll: measured with `bench --bin end_poll` (10,000 tasks on two workers) at
/// 0–0.2 µs per poll more than a oneshot receiver, against the 12–25 µs each write to a
/// stream costs (BENCHMARKS.md, "What waiting for shutdown costs a stream").
pub fn respond(
    missed: Vec<Arc<Frame>>,
    live: Subscription,
    sent: i64,
    end: impl Future<Output = ()> + Send + 'static,
    heartbeat: Duration,
) -> Response {
    let first = joined(
        std::iter::once(Bytes::from_static(RETRY)).chain(missed.iter().map(|f| f.wire.clone())),
    );
    let events = stream::once(async { first })
        .chain(live_frames(live, sent, heartbeat))
        .take_until(end)
        .map(Ok::<_, Infallible>);
    let mut response = Response::new(Body::from_stream(events));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // nginx and friends must not hold events back.
    headers.insert(
        HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    );
    response
}

struct Live {
    frames: Subscription,
    /// The newest id the client has: a stream attaches before it reads what it missed,
    /// so its first live frames may be ones it has already sent.
    sent: i64,
    /// Fires at the latest when a heartbeat may be due; re-armed lazily, not per frame.
    quiet: Pin<Box<Sleep>>,
    last_write: Instant,
    heartbeat: Duration,
}

fn live_frames(frames: Subscription, sent: i64, heartbeat: Duration) -> impl Stream<Item = Bytes> {
    let now = Instant::now();
    let live = Live {
        frames,
        sent,
        quiet: Box::pin(tokio::time::sleep_until(now + heartbeat)),
        last_write: now,
        heartbeat,
    };
    stream::unfold(live, |mut live| async move {
        loop {
            tokio::select! {
                wire = live.frames.next_wire(&mut live.sent, MAX_BATCH) => {
                    let wire = wire?;
                    live.last_write = Instant::now();
                    return Some((wire, live));
                }
                () = &mut live.quiet => {
                    let due = live.last_write + live.heartbeat;
                    let now = Instant::now();
                    if now >= due {
                        live.last_write = now;
                        live.quiet.as_mut().reset(now + live.heartbeat);
                        return Some((Bytes::from_static(HEARTBEAT), live));
                    }
                    live.quiet.as_mut().reset(due);
                }
            }
        }
    })
}
