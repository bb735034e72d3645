use crate::helpers::*;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use gateway::{RemoteServices, Upstream};
use platform_core::Identity;
use reqwest::{StatusCode, Url};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// A service on a port of its own: the echo routes, a bid lookup that demands a user, and
/// an event stream whose chunks the test releases one at a time.
async fn spawn_service(events: mpsc::Receiver<&'static str>) -> SocketAddr {
    let events = Arc::new(Mutex::new(Some(events)));
    let router = echo_service()
        .route(
            "/api/bids/{id}",
            get(|identity: Identity| async move {
                axum::Json(json!({"bidder": identity.user_id.to_string()}))
            }),
        )
        .route(
            "/api/auctions/{id}/events",
            get(move || {
                let rx = events.lock().unwrap().take().expect("one stream per test");
                async move {
                    (
                        [
                            (header::CONTENT_TYPE, "text/event-stream"),
                            (header::CACHE_CONTROL, "no-cache"),
                        ],
                        body_from_channel(rx),
                    )
                        .into_response()
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

fn everything_at(addr: SocketAddr) -> Upstream {
    let url: Url = format!("http://{addr}").parse().unwrap();
    Upstream::Remote(RemoteServices {
        auction: url.clone(),
        bidding: url.clone(),
        notification: url.clone(),
        search: url,
    })
}

async fn next_chunk(res: &mut reqwest::Response) -> Option<String> {
    tokio::time::timeout(Duration::from_secs(5), res.chunk())
        .await
        .expect("the chunk arrives while the stream is still open")
        .unwrap()
        .map(|b| String::from_utf8(b.to_vec()).unwrap())
}

#[tokio::test]
async fn remote_services_get_identity_and_stream_both_ways() {
    let (tx, rx) = mpsc::channel(4);
    let service = spawn_service(rx).await;
    let config = gateway::Config {
        max_body_bytes: 1024,
        ..test_config()
    };
    let app = spawn_fresh(config, everything_at(service)).await;
    let (id, token) = app.signup("ada@example.com").await;

    // Identity travels with the internal token; the service's own answers come back as is.
    let res = app.get_with_token("/api/bids/42", &token).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"bidder": id}));
    let anonymous = app.http.get(app.url("/api/bids/42")).send().await.unwrap();
    assert_error(anonymous, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let forged = app
        .http
        .get(app.url("/api/bids/42"))
        .header("x-auction-user", &id)
        .header("x-auction-roles", "user")
        .header("x-auction-token-expires", "9999999999")
        .header(
            "x-auction-internal-token",
            platform_core::identity::internal_token(),
        )
        .send()
        .await
        .unwrap();
    assert_error(forged, StatusCode::UNAUTHORIZED, "unauthorized").await;

    // Path and query arrive unchanged.
    let seen: Value = app
        .get_with_token("/api/search?q=lamp&sort=newest", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["uri"], "/api/search?q=lamp&sort=newest");
    assert_eq!(seen["userId"], id.as_str());

    // A streamed upload goes up; an oversized one is refused with the contract body.
    let res = app
        .http
        .post(app.url("/api/auctions"))
        .header("content-type", "application/json")
        .body(streamed(vec!["{\"title\": ", "\"lamp\"}"]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"title": "lamp"}));
    let res = app
        .http
        .post(app.url("/api/auctions"))
        .header("content-type", "application/json")
        .body(streamed(vec![
            "{\"title\": \"",
            Box::leak("x".repeat(4000).into_boxed_str()),
            "\"}",
        ]))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    // Events come down one by one, while the stream stays open.
    let mut stream = app.get_with_token("/api/auctions/7/events", &token).await;
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    tx.send("event: snapshot\ndata: {\"seq\":1}\n\n")
        .await
        .unwrap();
    assert_eq!(
        next_chunk(&mut stream).await.as_deref(),
        Some("event: snapshot\ndata: {\"seq\":1}\n\n")
    );
    tx.send("event: price\ndata: {\"seq\":2}\n\n")
        .await
        .unwrap();
    assert_eq!(
        next_chunk(&mut stream).await.as_deref(),
        Some("event: price\ndata: {\"seq\":2}\n\n")
    );
    drop(tx);
    assert_eq!(next_chunk(&mut stream).await, None);
}

#[tokio::test]
async fn an_unreachable_service_is_503() {
    let app = spawn_fresh(test_config(), everything_at(unused_address())).await;
    let res = app.http.get(app.url("/api/auctions")).send().await.unwrap();
    assert_error(res, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    // The gateway's own endpoints do not depend on the services.
    let (_, token) = app.signup("ada@example.com").await;
    assert_eq!(
        app.get_with_token("/api/me", &token).await.status(),
        StatusCode::OK
    );
}
