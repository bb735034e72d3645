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
//!   serving (streams end on the same signal) and then closes; `serve_connections` returns
//!   when they all have.
//! * With a stream lane ([`Lanes`]), a connection whose first request opens a live stream
//!   is served on the stream runtime, every other one here.

use crate::lanes::{opens_a_stream, Lanes};
use crate::shutdown::{End, Ends};
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt as _;

/// Most a connection buffers: the request head while it arrives, and response bytes its
/// client has not taken yet (hyper's smallest allowed setting is 8 KiB).
pub const MAX_BUFFER: usize = 64 * 1024;

/// How long a client may take to send a request's head.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Pause after an accept error that is not about one connection (out of file descriptors,
/// say), so the loop does not spin while the condition lasts.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(250);

/// Serves `app` on every connection `listener` accepts until `shutdown` fires, then waits
/// for the open connections to finish. Handlers see the peer address as
/// `ConnectInfo<SocketAddr>`. Live streams go to the stream lane when `lanes` has one.
pub async fn serve_connections(
    listener: TcpListener,
    app: Router,
    shutdown: CancellationToken,
    lanes: &Lanes,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_buf_size(MAX_BUFFER)
        .keep_alive(true);
    let connections = TaskTracker::new();
    let ends = Ends::new(shutdown.clone());
    let streams = lanes.streams();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = shutdown.cancelled() => break,
        };
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
        let served = Connection {
            http: http.clone(),
            app: app.clone(),
            peer,
            end: ends.register(),
        };
        let Some(streams) = streams.clone() else {
            connections.spawn(served.serve(stream));
            continue;
        };
        let (tracker, shutdown) = (connections.clone(), shutdown.clone());
        connections.spawn(async move {
            match opens_a_stream(&stream, HEADER_READ_TIMEOUT, &shutdown).await {
                None => {}
                Some(false) => served.serve(stream).await,
                // A socket belongs to the runtime whose driver it is registered with: it
                // leaves this one here and joins the stream runtime's over there.
                Some(true) => {
                    let leaving = stream.into_std();
                    let moved = async move {
                        match leaving.and_then(TcpStream::from_std) {
                            Ok(stream) => served.serve(stream).await,
                            Err(e) => tracing::debug!(error = %e, "moving a stream failed"),
                        }
                    };
                    tracker.spawn_on(moved, &streams);
                }
            }
        });
    }
    connections.close();
    connections.wait().await;
}

/// One accepted connection, ready to be served.
struct Connection {
    http: hyper::server::conn::http1::Builder,
    app: Router,
    peer: SocketAddr,
    /// Polled with the connection every time it is: an end of its own, not the token.
    end: End,
}

impl Connection {
    async fn serve(self, stream: TcpStream) {
        let Self {
            http,
            app,
            peer,
            end,
        } = self;
        let service = app.map_request(move |mut req: http::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        });
        let connection = http
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
            .with_upgrades();
        let mut connection = std::pin::pin!(connection);
        let result = tokio::select! {
            result = connection.as_mut() => result,
            () = end => {
                connection.as_mut().graceful_shutdown();
                connection.await
            }
        };
        if let Err(e) = result {
            tracing::debug!(error = %e, %peer, "connection ended with an error");
        }
    }
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
    use axum::routing::get;
    use std::net::SocketAddr;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    async fn started(app: Router) -> (SocketAddr, CancellationToken, tokio::task::JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shutdown = CancellationToken::new();
        let token = shutdown.clone();
        let served = tokio::spawn(async move {
            serve_connections(listener, app, token, &Lanes::one()).await;
        });
        (addr, shutdown, served)
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

    #[tokio::test]
    async fn handlers_see_the_peer_and_connections_are_kept_alive() {
        let app = Router::new().route(
            "/peer",
            get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.to_string() }),
        );
        let (addr, shutdown, served) = started(app).await;
        let mut stream = TcpStream::connect(addr).await.unwrap();
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
        shutdown.cancel();
        assert_eq!(read_all(&mut stream).await, "");
        served.await.unwrap();
    }

    #[tokio::test]
    async fn live_streams_are_served_on_the_stream_lane_and_the_rest_here() {
        fn thread() -> String {
            std::thread::current().name().unwrap_or_default().to_owned()
        }
        let app = Router::new()
            .route("/api/me/events", get(|| async { thread() }))
            .route("/api/me", get(|| async { thread() }));
        let here = tokio::spawn(async { thread() }).await.unwrap();
        assert_ne!(here, "streams");
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shutdown = CancellationToken::new();
        let lanes = Lanes::with_stream_threads(1).unwrap();
        let token = shutdown.clone();
        let served = tokio::spawn(async move {
            serve_connections(listener, app, token, &lanes).await;
        });
        let served_on = |path: &'static str| async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            let head = format!("GET {path} HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n");
            stream.write_all(head.as_bytes()).await.unwrap();
            let answer = read_all(&mut stream).await;
            assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
            answer.rsplit("\r\n\r\n").next().unwrap().to_owned()
        };
        assert_eq!(served_on("/api/me/events").await, "streams");
        assert_eq!(served_on("/api/me").await, here);
        shutdown.cancel();
        served.await.unwrap();
    }

    #[tokio::test]
    async fn shutdown_lets_a_request_in_flight_finish() {
        let app = Router::new().route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                "finished"
            }),
        );
        let (addr, shutdown, served) = started(app).await;
        let mut stream = TcpStream::connect(addr).await.unwrap();
        send(&mut stream, "/slow").await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        shutdown.cancel();
        let answer = read_all(&mut stream).await;
        assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
        assert!(answer.ends_with("finished"), "{answer}");
        served.await.unwrap();
        // Nothing is accepted any more.
        assert!(TcpStream::connect(addr).await.is_err());
    }

    #[tokio::test]
    async fn an_oversized_request_head_is_refused_without_harm_to_others() {
        let app = Router::new().route("/", get(|| async { "ok" }));
        let (addr, shutdown, served) = started(app).await;
        let mut big = TcpStream::connect(addr).await.unwrap();
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
        let mut other = TcpStream::connect(addr).await.unwrap();
        send(&mut other, "/").await;
        let mut buf = [0u8; 256];
        let n = other.read(&mut buf).await.unwrap();
        assert!(std::str::from_utf8(&buf[..n])
            .unwrap()
            .starts_with("HTTP/1.1 200 OK"));
        shutdown.cancel();
        served.await.unwrap();
    }
}
