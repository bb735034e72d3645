//! Where a reconnecting client left off: the `Last-Event-ID` header that `EventSource`
//! sends by itself, or the `lastEventId` query parameter for clients that cannot set
//! headers. The header wins: a browser reconnecting keeps the URL it first used.

use axum::http::HeaderMap;
use platform_core::ApiError;
use platform_core::ErrorCode;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct ResumeQuery {
    /// The id of the last event received, for clients that cannot send `Last-Event-ID`:
    /// a non-negative integer, or empty for none.
    #[param(pattern = "^[0-9]{0,18}$")]
    pub last_event_id: Option<String>,
}

/// The id to resume after; `None` for a fresh start. An empty value means no id (as
/// `EventSource` treats it); anything else but a non-negative integer is `400`.
pub fn resume_point(headers: &HeaderMap, query: &ResumeQuery) -> Result<Option<i64>, ApiError> {
    let raw = match headers.get("last-event-id") {
        Some(value) => Some(value.to_str().map_err(|_| invalid())?),
        None => query.last_event_id.as_deref(),
    };
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    raw.parse::<i64>().map(Some).map_err(|_| invalid())
}

fn invalid() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidLastEventId,
        "Last-Event-ID must be a non-negative integer",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(header: Option<&str>, query: Option<&str>) -> Result<Option<i64>, ApiError> {
        let mut headers = HeaderMap::new();
        if let Some(h) = header {
            headers.insert("last-event-id", h.parse().unwrap());
        }
        let query = ResumeQuery {
            last_event_id: query.map(str::to_owned),
        };
        resume_point(&headers, &query)
    }

    #[test]
    fn reads_the_header_first_then_the_query() {
        assert_eq!(parse(Some("7"), Some("3")).unwrap(), Some(7));
        assert_eq!(parse(None, Some("3")).unwrap(), Some(3));
        assert_eq!(parse(None, None).unwrap(), None);
        assert_eq!(parse(Some(""), None).unwrap(), None);
    }

    #[test]
    fn refuses_anything_but_a_non_negative_integer() {
        for bad in ["-1", "abc", "1.5", "99999999999999999999", "+3"] {
            assert!(parse(Some(bad), None).is_err(), "{bad}");
            assert!(parse(None, Some(bad)).is_err(), "{bad}");
        }
    }
}
