//! Newest-first pages of lists ordered by a time and an id (auctions by creation, bids by
//! receipt): the `limit` a client may ask for, and the position after a page's last item.
//! Clients treat the position as an opaque string; it is the hex of the time
//! (microseconds) and the id, which together order the items strictly.

use crate::ApiError;
use crate::ErrorCode;
use chrono::{DateTime, Utc};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use uuid::Uuid;

/// 9999-12-31T23:59:59.999999Z in microseconds since the Unix epoch.
const MAX_MICROS: i64 = 253_402_300_799_999_999;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        let mut bytes = Vec::with_capacity(24);
        bytes.extend_from_slice(&self.at.timestamp_micros().to_be_bytes());
        bytes.extend_from_slice(self.id.as_bytes());
        hex::encode(bytes)
    }

    /// `None` for anything [`Self::encode`] cannot have written.
    pub fn decode(s: &str) -> Option<Self> {
        let bytes = hex::decode(s).ok()?;
        if bytes.len() != 24 {
            return None;
        }
        let (micros, id) = bytes.split_at(8);
        let micros = i64::from_be_bytes(micros.try_into().ok()?);
        // Only times a service can have stored (1970 to 9999) can be a position.
        if !(0..=MAX_MICROS).contains(&micros) {
            return None;
        }
        Some(Self {
            at: DateTime::from_timestamp_micros(micros)?,
            id: Uuid::from_slice(id).ok()?,
        })
    }

    /// A `cursor` query parameter; anything this API did not hand out is
    /// `400 invalid_cursor`.
    pub fn from_param(s: &str) -> Result<Self, ApiError> {
        Self::decode(s).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidCursor,
                "cursor is not one this API returned",
            )
        })
    }
}

/// The strings [`Cursor::decode`] accepts, as a pattern: 48 hex digits whose first 16 are
/// a time from 1970 up to the 9980s (the last years before 9999 are left out to keep the
/// pattern short; no stored time is anywhere near them).
pub const CURSOR_PATTERN: &str = "^(0[0-2][0-9a-fA-F]{46}|03[0-7][0-9a-fA-F]{45})$";

/// A `cursor` parameter in the OpenAPI documents: the string, not what it decodes to.
impl utoipa::PartialSchema for Cursor {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(CURSOR_PATTERN))
            .description(Some(
                "`nextCursor` of the previous page; opaque, anything else is `400 invalid_cursor`.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Cursor {}

/// The `limit` of a page: `default` when absent, otherwise 1 to `max`
/// (`400 invalid_limit`).
pub fn page_limit(asked: Option<i64>, default: i64, max: i64) -> Result<i64, ApiError> {
    match asked {
        None => Ok(default),
        Some(l) if (1..=max).contains(&l) => Ok(l),
        Some(_) => Err(ApiError::new(
            ErrorCode::InvalidLimit,
            format!("limit must be between 1 and {max}"),
        )),
    }
}

/// Cuts `items`, read with one more than `limit` to learn whether another page follows,
/// to `limit`; returns the position after the last one kept when another page follows.
pub fn next_page<T>(
    items: &mut Vec<T>,
    limit: i64,
    position: impl Fn(&T) -> Cursor,
) -> Option<String> {
    if items.len() as i64 <= limit {
        return None;
    }
    items.truncate(limit as usize);
    items.last().map(|item| position(item).encode())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = Cursor {
            at: DateTime::from_timestamp_micros(1_763_700_000_123_456).unwrap(),
            id: Uuid::now_v7(),
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert!(Cursor::decode("zz").is_none());
        assert!(Cursor::decode("").is_none());
        assert!(Cursor::decode(&c.encode()[2..]).is_none());
        assert!(
            Cursor::decode(&"f".repeat(48)).is_none(),
            "time out of range"
        );
        assert_eq!(
            Cursor::from_param("zz").unwrap_err().code.as_str(),
            "invalid_cursor"
        );
    }

    #[test]
    fn the_documented_pattern_covers_what_the_api_hands_out() {
        // The ends of the pattern's range decode; so does a cursor of today.
        for s in ["0".repeat(48), format!("037{}", "f".repeat(45))] {
            assert!(Cursor::decode(&s).is_some(), "{s}");
        }
        let now = Cursor {
            at: Utc::now(),
            id: Uuid::now_v7(),
        }
        .encode();
        assert!(now.starts_with("000") && now.len() == 48, "{now}");
    }

    #[test]
    fn limits_and_pages() {
        assert_eq!(page_limit(None, 20, 100).unwrap(), 20);
        assert_eq!(page_limit(Some(100), 20, 100).unwrap(), 100);
        for bad in [0, -1, 101] {
            assert_eq!(
                page_limit(Some(bad), 20, 100).unwrap_err().code.as_str(),
                "invalid_limit"
            );
        }
        let at = |i: &i64| Cursor {
            at: DateTime::from_timestamp(*i, 0).unwrap(),
            id: Uuid::nil(),
        };
        let mut items = vec![3, 2, 1];
        let next = next_page(&mut items, 2, at);
        assert_eq!(
            (items.as_slice(), next),
            (&[3, 2][..], Some(at(&2).encode()))
        );
        let mut last = vec![1];
        assert_eq!(next_page(&mut last, 2, at), None);
        assert_eq!(last, [1]);
    }
}
