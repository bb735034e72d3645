//! Turning frames into an SSE response: `retry:` first, then what the client missed, then
//! live frames, with comment heartbeats when quiet, until `end` fires, the client goes, or
//! the stream is detached for falling behind.
//!
//! Frames are already encoded and shared: the body hands each to the connection as it is
//! (the connection writes the frames it has queued together). A stream takes the frames
//! that arrived while it was busy in one go, a bounded number at a time.

use crate::hub::{Frame, Subscription};
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
const MAX_BATCH: usize = 32;

/// `end` is polled every time the body is, several times per batch of frames on every
/// stream: it must be cheap to poll (see [`super::ends`]).
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
    batch: Vec<Arc<Frame>>,
    /// The next frame of `batch` to send.
    next: usize,
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
        batch: Vec::new(),
        next: 0,
        quiet: Box::pin(tokio::time::sleep_until(now + heartbeat)),
        last_write: now,
        heartbeat,
    };
    stream::unfold(live, |mut live| async move {
        loop {
            while let Some(frame) = live.batch.get(live.next) {
                live.next += 1;
                if frame.id > live.sent {
                    live.sent = frame.id;
                    let wire = frame.wire.clone();
                    return Some((wire, live));
                }
            }
            live.batch.clear();
            live.next = 0;
            tokio::select! {
                more = live.frames.next_frames(&mut live.batch, MAX_BATCH) => {
                    if !more {
                        return None;
                    }
                    live.last_write = Instant::now();
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

/// The pieces as one buffer (a single piece is passed on without copying).
fn joined(pieces: impl Iterator<Item = Bytes>) -> Bytes {
    let mut pieces = pieces.peekable();
    let Some(first) = pieces.next() else {
        return Bytes::new();
    };
    if pieces.peek().is_none() {
        return first;
    }
    let mut all = first.to_vec();
    for piece in pieces {
        all.extend_from_slice(&piece);
    }
    Bytes::from(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_join_in_order() {
        let parts = [b"a".as_slice(), b"bc", b"", b"d"].map(Bytes::from_static);
        assert_eq!(
            joined(parts.clone().into_iter()),
            Bytes::from_static(b"abcd")
        );
        assert_eq!(
            joined(parts[1..2].iter().cloned()),
            Bytes::from_static(b"bc")
        );
        assert!(joined(std::iter::empty()).is_empty());
    }
}
