//! Turning frames into an SSE response: `retry:` first, then what the client missed, then
//! live frames, with comment heartbeats when quiet, until `end` fires, the client goes, or
//! the stream is detached for falling behind.

use crate::hub::{Frame, Subscription};
use axum::http::HeaderName;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::{stream, Stream, StreamExt};
use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// How long a browser waits before reconnecting.
const RETRY: Duration = Duration::from_millis(3000);

pub fn respond(
    missed: Vec<Arc<Frame>>,
    live: Subscription,
    sent: i64,
    end: impl Future<Output = ()> + Send + 'static,
    heartbeat: Duration,
) -> Response {
    let retry = stream::once(async { Event::default().retry(RETRY) });
    let missed = stream::iter(missed).map(|frame| to_event(&frame));
    let events = retry
        .chain(missed)
        .chain(live_frames(live, sent))
        .take_until(end)
        .map(Ok::<_, Infallible>);
    let sse = Sse::new(events).keep_alive(KeepAlive::new().interval(heartbeat).text("heartbeat"));
    // `Sse` sets `Content-Type` and `Cache-Control: no-cache`; nginx and friends must not
    // hold events back either.
    ([(HeaderName::from_static("x-accel-buffering"), "no")], sse).into_response()
}

/// Live frames newer than `sent`: a stream attaches before it reads what it missed, so
/// its buffer may begin with frames it has already sent.
fn live_frames(live: Subscription, sent: i64) -> impl Stream<Item = Event> + Send {
    stream::unfold((live, sent), |(mut live, sent)| async move {
        loop {
            let frame = live.next().await?;
            if frame.id > sent {
                let event = to_event(&frame);
                return Some((event, (live, frame.id)));
            }
        }
    })
}

fn to_event(frame: &Frame) -> Event {
    Event::default()
        .event(frame.name.as_ref())
        .id(frame.id.to_string())
        .data(&frame.data)
}
