//! Serving connections: HTTP/1.1 with bounded per-connection buffers.
//!
//! A live stream holds its connection for as long as the client listens, so what one
//! connection costs is what the platform pays per watcher. Serving HTTP/1.1 alone (clients
//! reach the services through the gateway or an ingress, neither of which needs HTTP/2 from
//! them) keeps each connection to hyper's HTTP/1 state; and a connection buffers at most
//! [`MAX_BUFFER`] of what its client has not read yet before the response stops being
//! polled, so a slow reader holds back its own stream instead of filling memory.
//!
//! Promises:
//! * Every accepted connection runs on its own task; a failing connection never stops the
//!   accept loop.
//! * On shutdown, no new connection is accepted; each open one finishes the request it is
//!   serving (streams end on the same signal) and then closes, through hyper-util's
//!   [`GracefulShutdown`]. One still open [`DRAIN`] after the signal is closed where it
//!   stands. `serve_connections` returns when no connection is left.

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt as _;

/// Most a connection buffers: the request head while it arrives, and response bytes its
/// client has not taken yet (hyper's smallest allowed setting is 8 KiB).
pub const MAX_BUFFER: usize = 64 * 1024;

/// How long the open connections have to finish once shutdown fires. Requests take
/// milliseconds and live streams end on the signal; what is left after this (a client that
/// stopped reading, a relayed response that does not end) is closed, so a process stops
/// well inside an orchestrator's grace period (30 s by default in Kubernetes).
pub const DRAIN: Duration = Duration::from_secs(10);

/// How long a client may take to send a request's head.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Pause after an accept error that is not about one connection (out of file descriptors,
/// say), so the loop does not spin while the condition lasts.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(250);

/// Serves `app` on every connection `listener` accepts until `shutdown` fires, then gives
/// the open connections [`DRAIN`] to finish. Handlers see the peer address as
/// `ConnectInfo<SocketAddr>`.
pub async fn serve_connections(listener: TcpListener, app: Router, shutdown: CancellationToken) {
    serve_draining(listener, app, shutdown, DRAIN).await;
}

async fn serve_draining(
    listener: TcpListener,
    app: Router,
    shutdown: CancellationToken,
    drain: Duration,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_buf_size(MAX_BUFFER)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    // Owns every connection's task, so the ones still open when the drain is over end with it.
    let mut connections = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = shutdown.cancelled() => break,
        };
        while connections.try_join_next().is_some() {}
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) if is_about_one_connection(&e) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "accepting a connection failed");
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        // Events are small and must not wait for the previous one's acknowledgement.
        let _ = stream.set_nodelay(true);
        let service = app
            .clone()
            .map_request(move |mut req: http::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                req
            });
        // No upgrades: nothing here switches protocols, and hyper-util's graceful shutdown
        // watches plain HTTP/1 connections only.
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        connections.spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(drain, graceful.shutdown())
        .await
        .is_err()
    {
        while connections.try_join_next().is_some() {}
        tracing::warn!(
            open = connections.len(),
            drain_secs = drain.as_secs_f64(),
            "connections still open after the drain, closing them"
        );
    }
    connections.shutdown().await;
}

fn is_about_one_connection(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{Body, Bytes};
    use axum::routing::get;
    use futures::StreamExt as _;
    use std::convert::Infallible;
    use std::net::SocketAddr;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;
    use tokio::task::JoinHandle;
    use tokio::time::Instant;

    struct Served {
        addr: SocketAddr,
        shutdown: CancellationToken,
        done: JoinHandle<()>,
    }

    /// `app` served on a port of its own; `app` gets the shutdown token, as services do.
    async fn started(app: impl FnOnce(CancellationToken) -> Router, drain: Duration) -> Served {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shutdown = CancellationToken::new();
        let app = app(shutdown.clone());
        let token = shutdown.clone();
        let done = tokio::spawn(serve_draining(listener, app, token, drain));
        Served {
            addr,
            shutdown,
            done,
        }
    }

    async fn send(stream: &mut TcpStream, path: &str) {
        let head = format!("GET {path} HTTP/1.1\r\nhost: test\r\n\r\n");
        stream.write_all(head.as_bytes()).await.unwrap();
    }

    /// Reads until the connection closes.
    async fn read_all(stream: &mut TcpStream) -> String {
        let mut out = Vec::new();
        stream.read_to_end(&mut out).await.unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Reads until `seen` holds `what`.
    async fn read_until(stream: &mut TcpStream, what: &str) -> String {
        let mut seen = String::new();
        while !seen.contains(what) {
            let mut buf = [0u8; 1024];
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "connection closed early: {seen}");
            seen.push_str(std::str::from_utf8(&buf[..n]).unwrap());
        }
        seen
    }

    /// A response that sends `first`, then nothing until `end` (if ever).
    fn open_stream(end: impl std::future::Future<Output = ()> + Send + 'static) -> Body {
        let frames = futures::stream::once(async { Bytes::from_static(b"data: first\n\n") })
            .chain(futures::stream::pending())
            .take_until(end)
            .map(Ok::<_, Infallible>);
        Body::from_stream(frames)
    }

    #[tokio::test]
    async fn handlers_see_the_peer_and_connections_are_kept_alive() {
        let app = |_| {
            Router::new().route(
                "/peer",
                get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.to_string() }),
            )
        };
        let served = started(app, DRAIN).await;
        let mut stream = TcpStream::connect(served.addr).await.unwrap();
        let local = stream.local_addr().unwrap().to_string();
        send(&mut stream, "/peer").await;
        send(&mut stream, "/peer").await;
        // Both answers come back on the one connection; shutdown then closes it.
        let mut seen = String::new();
        while seen.matches(&local).count() < 2 {
            let mut buf = [0u8; 1024];
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "connection closed early: {seen}");
            seen.push_str(std::str::from_utf8(&buf[..n]).unwrap());
        }
        assert_eq!(seen.matches("HTTP/1.1 200 OK").count(), 2, "{seen}");
        served.shutdown.cancel();
        assert_eq!(read_all(&mut stream).await, "");
        served.done.await.unwrap();
    }

    #[tokio::test]
    async fn shutdown_lets_a_request_in_flight_finish() {
        let app = |_| {
            Router::new().route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    "finished"
                }),
            )
        };
        let served = started(app, DRAIN).await;
        let mut stream = TcpStream::connect(served.addr).await.unwrap();
        send(&mut stream, "/slow").await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        served.shutdown.cancel();
        let answer = read_all(&mut stream).await;
        assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
        assert!(answer.ends_with("finished"), "{answer}");
        served.done.await.unwrap();
        // Nothing is accepted any more.
        assert!(TcpStream::connect(served.addr).await.is_err());
    }

    #[tokio::test]
    async fn a_stream_that_ends_on_the_signal_ends_its_response_and_connection() {
        let app = |shutdown: CancellationToken| {
            Router::new().route(
                "/events",
                get(move || async move { open_stream(shutdown.cancelled_owned()) }),
            )
        };
        let served = started(app, DRAIN).await;
        let mut stream = TcpStream::connect(served.addr).await.unwrap();
        send(&mut stream, "/events").await;
        read_until(&mut stream, "data: first").await;
        let fired = Instant::now();
        served.shutdown.cancel();
        let rest = read_all(&mut stream).await;
        // The last chunk, not a cut: the client sees the stream end and may resume it.
        assert!(rest.ends_with("0\r\n\r\n"), "{rest:?}");
        served.done.await.unwrap();
        assert!(
            fired.elapsed() < Duration::from_secs(2),
            "{:?}",
            fired.elapsed()
        );
    }

    #[tokio::test]
    async fn a_response_that_does_not_end_is_closed_when_the_drain_is_over() {
        let drain = Duration::from_millis(300);
        let app = |_| {
            Router::new()
                .route(
                    "/endless",
                    get(|| async { open_stream(std::future::pending()) }),
                )
                .route("/", get(|| async { "ok" }))
        };
        let served = started(app, drain).await;
        let mut endless = TcpStream::connect(served.addr).await.unwrap();
        send(&mut endless, "/endless").await;
        read_until(&mut endless, "data: first").await;
        let mut idle = TcpStream::connect(served.addr).await.unwrap();
        send(&mut idle, "/").await;
        read_until(&mut idle, "ok").await;
        let fired = Instant::now();
        served.shutdown.cancel();
        // The idle connection closes at once; the endless one when the drain is over.
        assert_eq!(read_all(&mut idle).await, "");
        assert!(fired.elapsed() < drain, "{:?}", fired.elapsed());
        let mut rest = Vec::new();
        let _ = endless.read_to_end(&mut rest).await;
        served.done.await.unwrap();
        let took = fired.elapsed();
        assert!(took >= drain, "{took:?}");
        assert!(took < drain + Duration::from_secs(2), "{took:?}");
    }

    #[tokio::test]
    async fn an_oversized_request_head_is_refused_without_harm_to_others() {
        let app = |_| Router::new().route("/", get(|| async { "ok" }));
        let served = started(app, DRAIN).await;
        let mut big = TcpStream::connect(served.addr).await.unwrap();
        let head = format!(
            "GET / HTTP/1.1\r\nhost: test\r\nx-big: {}\r\n\r\n",
            "a".repeat(4 * MAX_BUFFER)
        );
        // The server may close before it has read everything.
        let _ = big.write_all(head.as_bytes()).await;
        let mut answer = Vec::new();
        let _ = big.read_to_end(&mut answer).await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
            "{answer}"
        );
        let mut other = TcpStream::connect(served.addr).await.unwrap();
        send(&mut other, "/").await;
        let answer = read_until(&mut other, "ok").await;
        assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
        served.shutdown.cancel();
        served.done.await.unwrap();
    }
}
