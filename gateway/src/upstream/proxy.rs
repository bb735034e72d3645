//! The reverse proxy used when the services run as processes of their own. Bodies are
//! streamed both ways and never buffered: an upload goes up as it arrives, and a response
//! (an SSE stream in particular) comes down chunk by chunk as the service writes it. A
//! relayed event stream ends when the gateway shuts down, as the service's own would.

use super::routes::Service;
use super::RemoteServices;
use axum::body::{Body, HttpBody as _};
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use futures::StreamExt as _;
use http::{header, HeaderMap, HeaderName};
use platform_core::ApiError;
use platform_core::ErrorCode;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub struct RemoteProxy {
    client: reqwest::Client,
    services: RemoteServices,
    shutdown: CancellationToken,
}

/// Headers that describe one connection rather than the message (RFC 9110 §7.6.1).
const HOP_BY_HOP: [HeaderName; 8] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
];

impl RemoteProxy {
    pub fn new(services: RemoteServices, shutdown: CancellationToken) -> anyhow::Result<Self> {
        // No overall timeout: event streams stay open for as long as the client listens.
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(Duration::from_secs(60))
            .build()?;
        Ok(Self {
            client,
            services,
            shutdown,
        })
    }

    pub async fn forward(&self, service: Service, req: Request) -> Response {
        let (parts, body) = req.into_parts();
        let base = self.services.url(service).as_str().trim_end_matches('/');
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let url = format!("{base}{path}");
        let mut headers = parts.headers;
        strip_hop_by_hop(&mut headers);
        headers.remove(header::HOST);
        let mut upstream = self.client.request(parts.method, url).headers(headers);
        if !body.is_end_stream() {
            upstream = upstream.body(reqwest::Body::wrap_stream(body.into_data_stream()));
        }
        match upstream.send().await {
            Ok(answer) => {
                let status = answer.status();
                let mut headers = answer.headers().clone();
                strip_hop_by_hop(&mut headers);
                let body = if is_event_stream(&headers) {
                    let end = self.shutdown.clone().cancelled_owned();
                    Body::from_stream(answer.bytes_stream().take_until(end))
                } else {
                    Body::from_stream(answer.bytes_stream())
                };
                let mut res = Response::new(body);
                *res.status_mut() = status;
                *res.headers_mut() = headers;
                res
            }
            Err(err) => failure(service, &err).into_response(),
        }
    }
}

/// Only an event stream may end early: the client resumes it from its last event id,
/// where any other body cut short would be a broken answer.
fn is_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"))
}

fn strip_hop_by_hop(headers: &mut HeaderMap) {
    // Headers the Connection header names are hop-by-hop too.
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in named.iter().chain(HOP_BY_HOP.iter()) {
        headers.remove(name);
    }
}

fn failure(service: Service, err: &reqwest::Error) -> ApiError {
    if caused_by_body_limit(err) {
        return ApiError::payload_too_large();
    }
    tracing::warn!(?service, error = %error_chain(err), "service call failed");
    if err.is_connect() {
        ApiError::unavailable("the service is not reachable, try again shortly")
    } else if err.is_timeout() {
        ApiError::new(
            ErrorCode::UpstreamTimeout,
            "the service did not answer in time",
        )
    } else {
        ApiError::new(
            ErrorCode::BadGateway,
            "the service answered in a way the gateway could not relay",
        )
    }
}

fn caused_by_body_limit(err: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}

fn error_chain(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_headers_and_those_connection_names_are_dropped() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONNECTION, "keep-alive, x-private".parse().unwrap());
        headers.insert("keep-alive", "timeout=5".parse().unwrap());
        headers.insert("x-private", "1".parse().unwrap());
        headers.insert(header::TRANSFER_ENCODING, "chunked".parse().unwrap());
        headers.insert(header::CONTENT_TYPE, "text/event-stream".parse().unwrap());
        strip_hop_by_hop(&mut headers);
        assert_eq!(headers.len(), 1);
        assert_eq!(headers[header::CONTENT_TYPE], "text/event-stream");
    }
}
