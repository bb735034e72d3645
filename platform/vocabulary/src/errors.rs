//! Every error code the API answers with, once, with its HTTP status: the table.
//!
//! A non-2xx answer carries `{"error": {"code", "message"}}`; `code` is one of these, in
//! snake_case, and never changes once published (clients branch on it). Services name a
//! code from here, never a string of their own, so the OpenAPI document can list them all
//! and two services cannot give one failure two names. A new failure gets a new row.

use serde::{Serialize, Serializer};

macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident = ($code:literal, $status:literal),)*) => {
        /// An API error code; see the module for the rules.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, in table order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as the API writes it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }

            /// The HTTP status every answer with this code has.
            pub const fn status(self) -> u16 {
                match self {
                    $(ErrorCode::$variant => $status,)*
                }
            }

            /// What the code means, for the API's documentation.
            pub fn describe(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => concat!($($doc),*).trim_start(),)*
                }
            }
        }
    };
}

error_codes! {
    // 400: the request itself is wrong.
    /// The body is not JSON.
    MalformedJson = ("malformed_json", 400),
    /// The body is JSON of the wrong shape: a missing field, a wrong type, an unknown enum.
    InvalidBody = ("invalid_body", 400),
    /// A path parameter is not of its type (an id that is not a UUID).
    InvalidPath = ("invalid_path", 400),
    /// A query parameter is missing, of the wrong type or out of range.
    InvalidQuery = ("invalid_query", 400),
    /// A `cursor` that this API did not hand out.
    InvalidCursor = ("invalid_cursor", 400),
    /// A page `limit` out of its range.
    InvalidLimit = ("invalid_limit", 400),
    /// A `status` filter that is not a status.
    InvalidStatus = ("invalid_status", 400),
    /// A value breaks a rule of its own (an email, a password, a display name, an amount).
    ValidationFailed = ("validation_failed", 400),
    /// A listing's title is empty or too long.
    InvalidTitle = ("invalid_title", 400),
    /// A listing's description is too long.
    InvalidDescription = ("invalid_description", 400),
    /// A category the catalog does not have.
    InvalidCategory = ("invalid_category", 400),
    /// A currency that is not a three-letter ISO 4217 code.
    InvalidCurrency = ("invalid_currency", 400),
    /// An amount that is not positive or is absurdly large.
    InvalidAmount = ("invalid_amount", 400),
    /// A reserve price below the starting price.
    InvalidReservePrice = ("invalid_reserve_price", 400),
    /// A buy-now price not above the starting price and the reserve.
    InvalidBuyNowPrice = ("invalid_buy_now_price", 400),
    /// An auction window that ends before it starts, starts in the past or is too long.
    InvalidWindow = ("invalid_window", 400),
    /// An `Idempotency-Key` that is not 1–128 visible ASCII characters.
    InvalidIdempotencyKey = ("invalid_idempotency_key", 400),
    /// A `Last-Event-ID` that is not a non-negative integer.
    InvalidLastEventId = ("invalid_last_event_id", 400),
    // 401: who is calling is unknown.
    /// The call needs a signed-in user.
    Unauthorized = ("unauthorized", 401),
    /// The access token is not one this platform issued.
    InvalidToken = ("invalid_token", 401),
    /// The access token has expired.
    TokenExpired = ("token_expired", 401),
    /// The email or the password is wrong.
    InvalidCredentials = ("invalid_credentials", 401),
    // 403: the caller is known and not allowed.
    /// The call needs a role the caller does not have.
    Forbidden = ("forbidden", 403),
    /// The seller of an auction bid on it.
    SellerCannotBid = ("seller_cannot_bid", 403),
    // 404, 405
    /// No such resource (or endpoint).
    NotFound = ("not_found", 404),
    /// The endpoint does not take this method.
    MethodNotAllowed = ("method_not_allowed", 405),
    // 409: the request is well formed but clashes with what is stored.
    /// The resource already exists.
    Conflict = ("conflict", 409),
    /// An account with this email exists.
    EmailTaken = ("email_taken", 409),
    /// This `Idempotency-Key` was used for a different request.
    IdempotencyKeyReused = ("idempotency_key_reused", 409),
    /// The resource is in a state that does not allow this.
    InvalidState = ("invalid_state", 409),
    /// The wallet's available balance in the currency does not cover the amount.
    InsufficientFunds = ("insufficient_funds", 409),
    // 413, 415, 429
    /// The body is larger than the platform accepts.
    PayloadTooLarge = ("payload_too_large", 413),
    /// The body is not `application/json`.
    UnsupportedMediaType = ("unsupported_media_type", 415),
    /// Too many requests; `Retry-After` says when to try again.
    RateLimited = ("rate_limited", 429),
    // 5xx: the platform failed; the body says nothing more, the log does.
    /// An unexpected failure.
    Internal = ("internal", 500),
    /// A service answered in a way the gateway could not relay.
    BadGateway = ("bad_gateway", 502),
    /// A dependency is not reachable right now; try again shortly.
    Unavailable = ("unavailable", 503),
    /// A service did not answer in time.
    UpstreamTimeout = ("upstream_timeout", 504),
}

impl ErrorCode {
    /// The code written as `s`, if it is one.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl utoipa::PartialSchema for ErrorCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let codes: Vec<&str> = Self::ALL.iter().map(|c| c.as_str()).collect();
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(codes))
            .description(Some(
                "Stable snake_case error code; every code and its status is in the table of \
                 `platform/vocabulary/src/errors.rs`.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for ErrorCode {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_is_written_once_in_snake_case() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} is in the table twice");
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') && !s.starts_with('_'),
                "{s} is not snake_case"
            );
            assert_eq!(ErrorCode::parse(s), Some(*code));
            assert!(!code.describe().is_empty(), "{s} has no description");
        }
        assert_eq!(ErrorCode::parse("teleported"), None);
    }

    #[test]
    fn every_status_is_an_error_status() {
        for code in ErrorCode::ALL {
            assert!((400..600).contains(&code.status()), "{code}");
        }
        assert_eq!(ErrorCode::EmailTaken.status(), 409);
        assert_eq!(ErrorCode::InsufficientFunds.status(), 409);
        assert_eq!(ErrorCode::RateLimited.status(), 429);
        assert_eq!(ErrorCode::Internal.status(), 500);
    }

    #[test]
    fn codes_serialize_as_their_strings() {
        let json = serde_json::to_string(&ErrorCode::InvalidCursor).unwrap();
        assert_eq!(json, "\"invalid_cursor\"");
    }
}
