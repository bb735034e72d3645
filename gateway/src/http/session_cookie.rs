//! The `access_token` cookie: set at signup and login, cleared at logout (and when it
//! carries a token that no longer verifies). HttpOnly so scripts cannot read it, SameSite
//! Lax so other sites cannot post with it, Path=/ so `EventSource` streams carry it.

use cookie::{Cookie, SameSite};
use http::{header, HeaderMap, HeaderValue};

pub const ACCESS_TOKEN_COOKIE: &str = "access_token";

pub fn session_cookie(token: &str, max_age_secs: u64, secure: bool) -> HeaderValue {
    let max_age = i64::try_from(max_age_secs).unwrap_or(i64::MAX);
    let cookie = base(token.to_owned(), secure)
        .max_age(cookie::time::Duration::seconds(max_age))
        .build();
    header_value(&cookie)
}

pub fn cleared_cookie(secure: bool) -> HeaderValue {
    let mut cookie = base(String::new(), secure).build();
    cookie.make_removal();
    header_value(&cookie)
}

/// The token in the `access_token` cookie, if the request carries a non-empty one.
pub fn token_from_cookies(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == ACCESS_TOKEN_COOKIE && !c.value().is_empty())
        .map(|c| c.value().to_owned())
}

fn base(value: String, secure: bool) -> cookie::CookieBuilder<'static> {
    Cookie::build((ACCESS_TOKEN_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
}

fn header_value(cookie: &Cookie<'_>) -> HeaderValue {
    // Tokens are base64url and dots, so the rendered cookie is always a valid header value.
    HeaderValue::from_str(&cookie.to_string()).expect("cookie renders as a header value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_carries_the_promised_attributes() {
        let v = session_cookie("abc.def.ghi", 3600, false);
        let s = v.to_str().unwrap();
        assert!(s.starts_with("access_token=abc.def.ghi"));
        for attr in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=3600"] {
            assert!(s.contains(attr), "{s} lacks {attr}");
        }
        assert!(!s.contains("Secure"));
        assert!(session_cookie("t", 1, true)
            .to_str()
            .unwrap()
            .contains("Secure"));
    }

    #[test]
    fn a_cleared_cookie_expires_at_once() {
        let s = cleared_cookie(false).to_str().unwrap().to_owned();
        assert!(s.starts_with("access_token=;"), "{s}");
        assert!(s.contains("Max-Age=0"), "{s}");
    }

    #[test]
    fn the_token_is_found_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, "theme=dark".parse().unwrap());
        headers.append(
            header::COOKIE,
            "a=1; access_token=tok; b=2".parse().unwrap(),
        );
        assert_eq!(token_from_cookies(&headers).as_deref(), Some("tok"));
        let mut empty = HeaderMap::new();
        empty.append(header::COOKIE, "access_token=".parse().unwrap());
        assert_eq!(token_from_cookies(&empty), None);
    }
}
