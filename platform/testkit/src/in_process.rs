//! A service's router called in the test's process, without a socket: what its own
//! integration tests use, with the identity the gateway would have forwarded.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use platform_core::Identity;
use serde_json::Value;
use tower::ServiceExt;

#[derive(Clone)]
pub struct InProcess {
    router: Router,
}

impl InProcess {
    pub fn new(router: Router) -> Self {
        Self { router }
    }

    /// Calls the router with `body` as raw JSON text; returns the status and the parsed
    /// body (`Null` when empty). A 500 fails the test: no input may cause one.
    pub async fn call_raw(
        &self,
        method: Method,
        uri: &str,
        who: Option<&Identity>,
        body: Option<String>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method.clone()).uri(uri);
        if let Some(identity) = who {
            for (name, value) in identity.signed_headers() {
                req = req.header(name, value);
            }
        }
        let req = match body {
            Some(text) => req
                .header("content-type", "application/json")
                .body(Body::from(text)),
            None => req.body(Body::empty()),
        }
        .expect("a well-formed request");
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let bytes = res
            .into_body()
            .collect()
            .await
            .expect("the body is read")
            .to_bytes();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                panic!(
                    "{method} {uri}: a body that is not JSON: {}",
                    String::from_utf8_lossy(&bytes)
                )
            })
        };
        assert_ne!(
            status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{method} {uri}: {value}"
        );
        (status, value)
    }

    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        who: Option<&Identity>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.call_raw(method, uri, who, body.map(|b| b.to_string()))
            .await
    }

    pub async fn get(&self, uri: &str, who: Option<&Identity>) -> (StatusCode, Value) {
        self.call(Method::GET, uri, who, None).await
    }
}
