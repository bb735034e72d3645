//! Request ids, the access log and request metrics.
//!
//! Every request carries an `x-request-id` onward and back: the client's own when it is a
//! short printable token, a fresh one otherwise. One JSON log line per request. Metric
//! labels are the method, the route class and the status: never a raw path, so the number
//! of series stays fixed whatever ids clients send.

use crate::upstream::routes::RouteClass;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderName, HeaderValue, Method};
use std::time::Instant;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");
const MAX_REQUEST_ID_LEN: usize = 128;

pub async fn observe(mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = req
        .headers()
        .get(&REQUEST_ID_HEADER)
        .filter(|v| acceptable_request_id(v))
        .cloned()
        .unwrap_or_else(fresh_request_id);
    req.headers_mut()
        .insert(REQUEST_ID_HEADER, request_id.clone());
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let class = RouteClass::of(&path);

    let mut res = next.run(req).await;

    res.headers_mut()
        .insert(REQUEST_ID_HEADER, request_id.clone());
    let elapsed = started.elapsed();
    let status = res.status().as_u16();
    tracing::info!(
        target: "access",
        method = %method,
        path = %path,
        route = class.as_str(),
        status,
        latency_ms = elapsed.as_secs_f64() * 1000.0,
        request_id = request_id.to_str().unwrap_or_default(),
        "request"
    );
    let labels = [
        ("method", method_label(&method)),
        ("route", class.as_str()),
        ("status", status_label(status)),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(elapsed.as_secs_f64());
    res
}

fn acceptable_request_id(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_REQUEST_ID_LEN
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
}

fn fresh_request_id() -> HeaderValue {
    HeaderValue::from_str(&uuid::Uuid::now_v7().to_string())
        .expect("a uuid is a valid header value")
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
