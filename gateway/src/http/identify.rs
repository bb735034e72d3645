//! Turns the caller's token into the identity headers services trust.
//!
//! Promises: any `x-auction-*` header a client sent is removed from every request, so a
//! client can never claim an identity; a valid token (bearer first, then the
//! `access_token` cookie) adds the identity headers and the internal token; an invalid or
//! expired token is `401`, never quietly anonymous; no token at all passes on anonymous
//! and the service decides whether it needs a user.

use super::session_cookie::{cleared_cookie, token_from_cookies};
use crate::tokens::{TokenKeys, TokenRejection};
use crate::upstream::routes::RouteClass;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderName, HeaderValue};
use platform_core::ErrorCode;
use platform_core::{ApiError, Identity};
use std::sync::Arc;

const IDENTITY_PREFIX: &str = "x-auction-";

#[derive(Clone)]
pub struct Authenticator {
    pub tokens: Arc<TokenKeys>,
    pub cookie_secure: bool,
}

enum Credential {
    Bearer(String),
    Cookie(String),
    /// An `Authorization` header that is not a bearer token.
    Unusable,
}

pub async fn identify(State(auth): State<Authenticator>, mut req: Request, next: Next) -> Response {
    strip_identity_headers(req.headers_mut());
    let class = RouteClass::of(req.uri().path());
    // The front end's files and the credential endpoints do not look at tokens.
    if class == RouteClass::Web || class.is_credentials_endpoint() {
        return next.run(req).await;
    }
    let Some(credential) = credential(req.headers()) else {
        return next.run(req).await;
    };
    let verified = match &credential {
        Credential::Bearer(token) | Credential::Cookie(token) => auth.tokens.verify(token),
        Credential::Unusable => Err(TokenRejection::Invalid),
    };
    match verified {
        Ok(identity) => {
            insert_identity(req.headers_mut(), &identity);
            req.extensions_mut().insert(identity);
            next.run(req).await
        }
        Err(rejection) => {
            let mut res = rejection_error(rejection).into_response();
            // A stale cookie would fail every request; clearing it lets the browser go
            // on anonymously (and sign in again).
            if matches!(credential, Credential::Cookie(_)) {
                res.headers_mut()
                    .append(header::SET_COOKIE, cleared_cookie(auth.cookie_secure));
            }
            res
        }
    }
}

fn strip_identity_headers(headers: &mut HeaderMap) {
    let forged: Vec<HeaderName> = headers
        .keys()
        .filter(|name| name.as_str().starts_with(IDENTITY_PREFIX))
        .cloned()
        .collect();
    for name in forged {
        headers.remove(name);
    }
}

fn credential(headers: &HeaderMap) -> Option<Credential> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let bearer = value
            .to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|token| !token.is_empty());
        return Some(match bearer {
            Some(token) => Credential::Bearer(token.to_owned()),
            None => Credential::Unusable,
        });
    }
    token_from_cookies(headers).map(Credential::Cookie)
}

fn insert_identity(headers: &mut HeaderMap, identity: &Identity) {
    for (name, value) in identity.signed_headers() {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
}

fn rejection_error(rejection: TokenRejection) -> ApiError {
    match rejection {
        TokenRejection::Expired => ApiError::new(
            ErrorCode::TokenExpired,
            "the access token has expired, sign in again",
        ),
        TokenRejection::Invalid => {
            ApiError::new(ErrorCode::InvalidToken, "the access token is not valid")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_identity_header_a_client_sends_is_removed() {
        let mut headers = HeaderMap::new();
        headers.insert("x-auction-user", "someone".parse().unwrap());
        headers.insert("X-Auction-Roles", "admin".parse().unwrap());
        headers.insert("x-auction-internal-token", "guess".parse().unwrap());
        headers.insert("x-auction-anything-new", "1".parse().unwrap());
        headers.insert("x-request-id", "r1".parse().unwrap());
        strip_identity_headers(&mut headers);
        assert_eq!(headers.len(), 1);
        assert!(headers.contains_key("x-request-id"));
    }

    #[test]
    fn the_bearer_header_wins_over_the_cookie() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "access_token=from-cookie".parse().unwrap());
        assert!(matches!(credential(&headers), Some(Credential::Cookie(t)) if t == "from-cookie"));
        headers.insert(header::AUTHORIZATION, "Bearer from-header".parse().unwrap());
        assert!(matches!(credential(&headers), Some(Credential::Bearer(t)) if t == "from-header"));
        headers.insert(header::AUTHORIZATION, "Basic dXNlcjpwYXNz".parse().unwrap());
        assert!(matches!(credential(&headers), Some(Credential::Unusable)));
    }
}
