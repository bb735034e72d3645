//! A gateway on port 0 with a database of its own, in front of a tiny echo service that
//! answers with the identity it received.

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures::StreamExt as _;
use gateway::{Config, Upstream};
use platform_core::config::Common;
use platform_core::identity::MaybeIdentity;
use platform_core::ApiJson;
use reqwest::Response;
use serde_json::{json, Value};
use std::net::SocketAddr;
use testkit::TestDatabase;
use tokio_util::sync::CancellationToken;

pub const SECRET: &str = "test-secret-that-is-long-enough-for-hs256";
pub const ISSUER: &str = "auction-gateway-test";
pub const ADMIN_EMAIL: &str = "root@auction.test";
pub const ADMIN_PASSWORD: &str = "root-password-1";

pub struct TestGateway {
    pub base: String,
    pub database_url: String,
    pub http: reqwest::Client,
    shutdown: CancellationToken,
    /// The database of a gateway that has one of its own (dropped last).
    _database: Option<TestDatabase>,
}

impl Drop for TestGateway {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

pub fn test_config() -> Config {
    Config {
        jwt_secret: Some(SECRET.to_owned()),
        jwt_issuer: ISSUER.to_owned(),
        admin_email: Some(ADMIN_EMAIL.to_owned()),
        admin_password: Some(ADMIN_PASSWORD.to_owned()),
        // Generous, so that only the tests about limits meet them.
        auth_rate_per_minute: 6000,
        auth_rate_burst: 1000,
        bid_rate_per_second: 1000,
        bid_rate_burst: 1000,
        web_dir: "/nonexistent/web/dist".into(),
        ..Config::default()
    }
}

pub async fn fresh_database() -> TestDatabase {
    TestDatabase::create("gateway_test").await
}

pub async fn spawn() -> TestGateway {
    spawn_with(test_config()).await
}

pub async fn spawn_with(config: Config) -> TestGateway {
    spawn_fresh(config, Upstream::InProcess(echo_service())).await
}

/// A gateway in front of `upstream` with a database of its own.
pub async fn spawn_fresh(config: Config, upstream: Upstream) -> TestGateway {
    let database = fresh_database().await;
    let mut gateway = spawn_on(database.url(), config, upstream).await;
    gateway._database = Some(database);
    gateway
}

pub async fn spawn_on(database_url: &str, config: Config, upstream: Upstream) -> TestGateway {
    let common = Common::for_tests(database_url, "memory://");
    let shutdown = CancellationToken::new();
    let started = gateway::build(&common, &config, upstream, vec![], shutdown.clone())
        .await
        .expect("building the gateway");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(platform_core::service::serve(
        listener,
        started,
        shutdown.clone(),
    ));
    TestGateway {
        base: format!("http://{addr}"),
        database_url: database_url.to_owned(),
        http: reqwest::Client::new(),
        shutdown,
        _database: None,
    }
}

/// Answers with what a service can see of the caller: the verified identity, and the raw
/// identity headers as they arrived.
pub async fn echo_identity(
    uri: axum::http::Uri,
    headers: HeaderMap,
    MaybeIdentity(identity): MaybeIdentity,
) -> Json<Value> {
    let raw = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    Json(json!({
        "userId": identity.as_ref().map(|i| i.user_id.to_string()),
        "roles": identity.as_ref().map(|i| i.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>()),
        "rawUser": raw("x-auction-user"),
        "rawRoles": raw("x-auction-roles"),
        "requestId": raw("x-request-id"),
        "uri": uri.to_string(),
    }))
}

pub async fn echo_body(ApiJson(body): ApiJson<Value>) -> (StatusCode, Json<Value>) {
    (StatusCode::CREATED, Json(body))
}

pub fn echo_service() -> Router {
    Router::new()
        .route("/api/auctions", post(echo_body).get(echo_identity))
        .route("/api/auctions/{id}", get(echo_identity))
        .route(
            "/api/auctions/{id}/bids",
            post(|u, h, i| async move { (StatusCode::ACCEPTED, echo_identity(u, h, i).await) })
                .get(echo_identity),
        )
        .route("/api/search", get(echo_identity))
        .route("/api/me/watchlist", get(echo_identity))
}

impl TestGateway {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.http
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_with_token(&self, path: &str, token: &str) -> Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// Signs a new account up and returns `(user id, access token)`.
    pub async fn signup(&self, email: &str) -> (String, String) {
        let res = self
            .post_json(
                "/api/auth/signup",
                &json!({"email": email, "password": "password-123", "displayName": "Bidder"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        (
            body["user"]["id"].as_str().unwrap().to_owned(),
            body["accessToken"].as_str().unwrap().to_owned(),
        )
    }
}

/// Asserts the status and the contract error code of a response.
pub async fn assert_error(res: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(res.status(), status);
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["message"].is_string());
    body
}

pub fn set_cookie(res: &Response) -> String {
    res.headers()
        .get("set-cookie")
        .expect("a Set-Cookie header")
        .to_str()
        .unwrap()
        .to_owned()
}

pub fn streamed(chunks: Vec<&'static str>) -> reqwest::Body {
    let stream = futures::stream::iter(
        chunks
            .into_iter()
            .map(|c| Ok::<_, std::io::Error>(bytes::Bytes::from_static(c.as_bytes()))),
    );
    reqwest::Body::wrap_stream(stream)
}

pub fn body_from_channel(rx: tokio::sync::mpsc::Receiver<&'static str>) -> Body {
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx).map(|chunk| {
        Ok::<_, std::convert::Infallible>(bytes::Bytes::from_static(chunk.as_bytes()))
    });
    Body::from_stream(stream)
}

pub fn unused_address() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}
