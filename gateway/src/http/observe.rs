//! Request ids, the access log and request metrics, outermost first:
//!
//! - tower-http's `SetRequestIdLayer` gives every request an `x-request-id` and
//!   `PropagateRequestIdLayer` copies it onto the response. A client's own id is kept only
//!   when it is a short printable token: tower-http keeps any id a request already carries
//!   (it asks [`FreshRequestId`] only when there is none), so [`forget_untame_request_id`]
//!   drops an unacceptable one just before it.
//! - tower-http's `TraceLayer` opens a `request` span (method, route class, path, request
//!   id) that every log line written while serving the request belongs to, and writes one
//!   `access` line per request (status, latency) inside it.
//! - [`record_metrics`] counts and times requests. Metric labels are the method, the route
//!   class and the status: never a raw path, so the number of series stays fixed whatever
//!   ids clients send. The trace callbacks see the response without its request, so the
//!   labels come from this small middleware instead.

use crate::upstream::routes::RouteClass;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use http::{HeaderName, HeaderValue, Method};
use std::time::{Duration, Instant};
use tower::util::MapRequestLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;
use tracing::Span;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");
const MAX_REQUEST_ID_LEN: usize = 128;

/// Wraps `router` in the request id, trace and metrics layers.
pub fn observed(router: Router) -> Router {
    let trace = TraceLayer::new_for_http()
        .make_span_with(request_span)
        .on_request(())
        .on_response(access_line)
        .on_body_chunk(())
        .on_eos(())
        // The access line already shows a 5xx; one line per request.
        .on_failure(());
    // Layers run outermost last-added.
    router
        .layer(middleware::from_fn(record_metrics))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID_HEADER))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID_HEADER, FreshRequestId))
        .layer(MapRequestLayer::new(forget_untame_request_id))
}

fn forget_untame_request_id(mut req: Request) -> Request {
    let headers = req.headers_mut();
    match headers
        .get(&REQUEST_ID_HEADER)
        .filter(|v| acceptable_request_id(v))
        .cloned()
    {
        // Only the first one counts, and it alone goes onward.
        Some(tame) => headers.insert(REQUEST_ID_HEADER, tame),
        None => headers.remove(&REQUEST_ID_HEADER),
    };
    req
}

fn acceptable_request_id(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_REQUEST_ID_LEN
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
}

/// A UUID v7 for every request that came without an acceptable id of its own.
#[derive(Clone, Copy, Default)]
pub struct FreshRequestId;

impl MakeRequestId for FreshRequestId {
    fn make_request_id<B>(&mut self, _: &http::Request<B>) -> Option<RequestId> {
        let id = HeaderValue::from_str(&uuid::Uuid::now_v7().to_string())
            .expect("a uuid is a valid header value");
        Some(RequestId::new(id))
    }
}

fn request_span<B>(req: &http::Request<B>) -> Span {
    let path = req.uri().path();
    let request_id = req
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %req.method(),
        route = RouteClass::of(path).as_str(),
        path,
        request_id,
    )
}

fn access_line<B>(res: &http::Response<B>, latency: Duration, _span: &Span) {
    tracing::info!(
        target: "access",
        status = res.status().as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        "request"
    );
}

pub async fn record_metrics(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(req.method());
    let route = RouteClass::of(req.uri().path()).as_str();
    let res = next.run(req).await;
    let labels = [
        ("method", method),
        ("route", route),
        ("status", status_label(res.status().as_u16())),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    res
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

fn status_label(status: u16) -> &'static str {
    // Every status a response can have is in 100..=999; keep the label set closed anyway.
    const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];
    match status {
        200 => "200",
        201 => "201",
        202 => "202",
        204 => "204",
        304 => "304",
        400 => "400",
        401 => "401",
        403 => "403",
        404 => "404",
        405 => "405",
        409 => "409",
        413 => "413",
        415 => "415",
        429 => "429",
        500 => "500",
        502 => "502",
        503 => "503",
        504 => "504",
        s => CLASSES[usize::from((s / 100).clamp(1, 5) - 1)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_request_ids_are_kept_only_when_tame() {
        assert!(acceptable_request_id(&HeaderValue::from_static(
            "abc-123_x.y:z"
        )));
        assert!(!acceptable_request_id(&HeaderValue::from_static("")));
        assert!(!acceptable_request_id(&HeaderValue::from_static("a b")));
        let long = "a".repeat(129);
        assert!(!acceptable_request_id(
            &HeaderValue::from_str(&long).unwrap()
        ));
    }

    async fn ids_seen(sent: &[&str]) -> (String, String) {
        use tower::ServiceExt as _;
        let router = observed(Router::new().route(
            "/api/auctions/{id}",
            axum::routing::get(|headers: http::HeaderMap| async move {
                headers[&REQUEST_ID_HEADER].to_str().unwrap().to_owned()
            }),
        ));
        let mut req = http::Request::get("/api/auctions/7");
        for id in sent {
            req = req.header(&REQUEST_ID_HEADER, *id);
        }
        let res = router
            .oneshot(req.body(axum::body::Body::empty()).unwrap())
            .await
            .unwrap();
        let answered = res.headers()[&REQUEST_ID_HEADER]
            .to_str()
            .unwrap()
            .to_owned();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        (String::from_utf8(body.to_vec()).unwrap(), answered)
    }

    #[tokio::test]
    async fn a_tame_client_id_is_kept_onward_and_back() {
        let (seen, answered) = ids_seen(&["client-chosen-42", "second"]).await;
        assert_eq!(seen, "client-chosen-42");
        assert_eq!(answered, "client-chosen-42");
    }

    #[tokio::test]
    async fn an_untame_or_missing_id_is_replaced_by_a_fresh_one() {
        let long = "a".repeat(129);
        for sent in [
            vec![],
            vec!["has space"],
            vec![long.as_str()],
            vec!["", "tame"],
        ] {
            let (seen, answered) = ids_seen(&sent).await;
            assert_eq!(seen, answered, "{sent:?}");
            let id: uuid::Uuid = seen.parse().unwrap();
            assert_eq!(id.get_version_num(), 7, "{sent:?}");
        }
    }

    /// Log lines as platform-core's telemetry writes them (JSON, span fields in `spans`).
    #[derive(Clone, Default)]
    struct Lines(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn one_access_line_per_request_even_for_a_server_error() {
        use tower::ServiceExt as _;
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_writer(move || writer.clone())
            .finish();
        let _default = tracing::subscriber::set_default(subscriber);
        // Tests on other threads may have met the access log's callsite first, with no
        // subscriber, and cached that nobody is interested: ask every callsite again now
        // that this thread has one.
        tracing::callsite::rebuild_interest_cache();
        let router = observed(Router::new().route(
            "/api/auctions/{id}",
            axum::routing::get(|| async { http::StatusCode::BAD_GATEWAY }),
        ));
        let req = http::Request::get("/api/auctions/7?secret=1")
            .header(&REQUEST_ID_HEADER, "trace-me-1")
            .body(axum::body::Body::empty())
            .unwrap();
        let res = router.oneshot(req).await.unwrap();
        assert_eq!(res.status(), http::StatusCode::BAD_GATEWAY);

        let written = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        let logged: Vec<serde_json::Value> = written
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(logged.len(), 1, "{written}");
        let line = &logged[0];
        assert_eq!(line["target"], "access");
        assert_eq!(line["message"], "request");
        assert_eq!(line["status"], 502);
        assert!(line["latency_ms"].as_f64().is_some(), "{line}");
        let span = &line["spans"][0];
        assert_eq!(span["method"], "GET");
        assert_eq!(span["route"], RouteClass::Auctions.as_str());
        assert_eq!(
            span["path"], "/api/auctions/7",
            "no query string in the log"
        );
        assert_eq!(span["request_id"], "trace-me-1");
    }

    #[test]
    fn labels_stay_in_a_closed_set() {
        assert_eq!(status_label(418), "4xx");
        assert_eq!(status_label(599), "5xx");
        assert_eq!(status_label(101), "1xx");
        assert_eq!(
            method_label(&Method::from_bytes(b"PURGE").unwrap()),
            "other"
        );
    }
}
