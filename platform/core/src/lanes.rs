//! Lanes: live streams served on a runtime of their own, apart from every other request.
//!
//! A busy auction wakes thousands of stream tasks at every pace tick. On one runtime, a
//! bid's request waits behind those wake-ups at each of its steps (reading the request,
//! storing the pending row, answering), so the bid path's latency grows with the number
//! of watchers. With a stream lane, each accepted connection is looked at before it is
//! served: one whose first request is `GET .../events` moves to the stream runtime, and
//! every other connection stays where the services' workers and the bid path run.
//!
//! Promises:
//! * Where a connection runs never changes what it is served: the choice is made from
//!   bytes peeked (not read) from the socket, and a connection whose request line is not
//!   all there yet stays on the request lane. One that sends nothing within the time a
//!   request's head is given is closed, as hyper would close it.
//! * The stream runtime lives as long as its [`Lanes`]; dropping them ends it without
//!   waiting, from any context.

use std::time::Duration;
use tokio::net::TcpStream;
use tokio::runtime::{Handle, Runtime};
use tokio_util::sync::CancellationToken;

/// Where connections are served.
#[derive(Default)]
pub struct Lanes {
    streams: Option<Runtime>,
}

impl Lanes {
    /// Every connection on the caller's runtime.
    pub fn one() -> Self {
        Self::default()
    }

    /// Live streams on a runtime of `threads` workers; 0 means [`Lanes::one`].
    pub fn with_stream_threads(threads: u16) -> std::io::Result<Self> {
        if threads == 0 {
            return Ok(Self::one());
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.into())
            .thread_name("streams")
            .enable_all()
            .build()?;
        Ok(Self {
            streams: Some(runtime),
        })
    }

    /// The stream runtime, when there is one.
    pub fn streams(&self) -> Option<Handle> {
        self.streams.as_ref().map(|r| r.handle().clone())
    }
}

impl Drop for Lanes {
    fn drop(&mut self) {
        // A runtime dropped inside another one's task would panic; this never blocks.
        if let Some(runtime) = self.streams.take() {
            runtime.shutdown_background();
        }
    }
}

/// Most bytes looked at to find the request line.
const PEEK: usize = 512;

/// Whether the connection's first request opens a live stream. Waits for its first bytes
/// at most `patience` (the time a client has to send a request's head), and not past
/// `shutdown`; `None` when the connection should be dropped: it sent nothing in time,
/// closed, failed, or shutdown came first.
pub(crate) async fn opens_a_stream(
    stream: &TcpStream,
    patience: Duration,
    shutdown: &CancellationToken,
) -> Option<bool> {
    let mut head = [0u8; PEEK];
    let peeked = tokio::select! {
        peeked = tokio::time::timeout(patience, stream.peek(&mut head)) => peeked,
        () = shutdown.cancelled() => return None,
    };
    match peeked {
        Ok(Ok(0)) | Ok(Err(_)) | Err(_) => None,
        Ok(Ok(n)) => Some(is_stream_request(&head[..n])),
    }
}

/// Whether `head` starts with a whole request line `GET <path>[?query] ` whose path ends
/// in `/events` (the public and the private live streams).
pub(crate) fn is_stream_request(head: &[u8]) -> bool {
    let Some(rest) = head.strip_prefix(b"GET ") else {
        return false;
    };
    let Some(end) = rest.iter().position(|&b| b == b' ') else {
        return false;
    };
    let target = &rest[..end];
    let path = match target.iter().position(|&b| b == b'?') {
        Some(q) => &target[..q],
        None => target,
    };
    path.ends_with(b"/events")
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;
    use tokio::net::TcpListener;

    #[test]
    fn live_streams_are_told_from_other_requests() {
        for stream in [
            &b"GET /api/auctions/0190c2a4-7e1b-7000-8000-000000000001/events HTTP/1.1\r\n"[..],
            b"GET /api/me/events HTTP/1.1\r\nhost: x\r\n\r\n",
            b"GET /api/auctions/7/events?lastEventId=12 HTTP/1.1\r\n",
        ] {
            assert!(
                is_stream_request(stream),
                "{}",
                String::from_utf8_lossy(stream)
            );
        }
        for other in [
            &b"POST /api/auctions/7/bids HTTP/1.1\r\n"[..],
            b"GET /api/auctions/7 HTTP/1.1\r\n",
            b"GET /api/auctions/7/events/old HTTP/1.1\r\n",
            b"HEAD /api/me/events HTTP/1.1\r\n",
            b"GET /api/me/events",
            b"GET /api/me/eve",
            b"",
        ] {
            assert!(
                !is_stream_request(other),
                "{}",
                String::from_utf8_lossy(other)
            );
        }
    }

    #[tokio::test]
    async fn peeking_leaves_the_request_to_be_read() {
        use tokio::io::AsyncReadExt;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut served, _) = listener.accept().await.unwrap();
        let request = b"GET /api/me/events HTTP/1.1\r\nhost: x\r\n\r\n";
        client.write_all(request).await.unwrap();
        let never = CancellationToken::new();
        let patience = Duration::from_secs(5);
        assert_eq!(opens_a_stream(&served, patience, &never).await, Some(true));
        let mut read = vec![0u8; request.len()];
        served.read_exact(&mut read).await.unwrap();
        assert_eq!(read, request);
    }

    #[tokio::test]
    async fn a_silent_connection_is_dropped_after_its_time_or_on_shutdown() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (served, _) = listener.accept().await.unwrap();
        let never = CancellationToken::new();
        let short = Duration::from_millis(20);
        assert_eq!(opens_a_stream(&served, short, &never).await, None);
        let shutdown = CancellationToken::new();
        shutdown.cancel();
        let long = Duration::from_secs(30);
        assert_eq!(opens_a_stream(&served, long, &shutdown).await, None);
        drop(client);
        assert_eq!(opens_a_stream(&served, long, &never).await, None);
    }

    #[tokio::test]
    async fn lanes_end_without_blocking_inside_a_runtime() {
        let lanes = Lanes::with_stream_threads(1).unwrap();
        let ran = lanes.streams().unwrap().spawn(async { 7 }).await.unwrap();
        assert_eq!(ran, 7);
        drop(lanes);
        assert!(Lanes::with_stream_threads(0).unwrap().streams().is_none());
    }
}
