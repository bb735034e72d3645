//! The verified caller, as the gateway passes it downstream.
//!
//! Only the gateway verifies tokens. It strips any identity headers a client sent, then
//! sets [`USER_HEADER`], [`ROLES_HEADER`] and [`EXPIRES_HEADER`] for authenticated calls,
//! plus [`INTERNAL_TOKEN_HEADER`] carrying the shared internal secret. A service accepts
//! the identity headers only alongside that secret, so a client that reaches a service
//! directly cannot claim to be anybody.

use crate::ApiError;
use crate::ErrorCode;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use vocabulary::UserId;

pub const USER_HEADER: &str = "x-auction-user";
pub const ROLES_HEADER: &str = "x-auction-roles";
pub const EXPIRES_HEADER: &str = "x-auction-token-expires";
pub const INTERNAL_TOKEN_HEADER: &str = "x-auction-internal-token";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "user" => Some(Role::User),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub user_id: UserId,
    pub roles: Vec<Role>,
    /// Unix seconds at which the caller's token expires.
    pub expires_at: i64,
}

impl Identity {
    pub fn is_admin(&self) -> bool {
        self.roles.contains(&Role::Admin)
    }

    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(ApiError::new(
                ErrorCode::Forbidden,
                "this action needs the admin role",
            ))
        }
    }

    /// Header pairs that carry this identity to a service.
    pub fn to_headers(&self) -> [(&'static str, String); 3] {
        [
            (USER_HEADER, self.user_id.to_string()),
            (
                ROLES_HEADER,
                self.roles
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            (EXPIRES_HEADER, self.expires_at.to_string()),
        ]
    }

    /// [`Self::to_headers`] plus the internal token: what a service trusts, as the gateway
    /// sends it.
    pub fn signed_headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = self.to_headers().to_vec();
        headers.push((INTERNAL_TOKEN_HEADER, internal_token().to_owned()));
        headers
    }

    /// Reads the identity from request headers; `None` when absent, unsigned or malformed.
    pub fn from_headers(headers: &http::HeaderMap) -> Option<Identity> {
        let token = headers.get(INTERNAL_TOKEN_HEADER)?.to_str().ok()?;
        if !constant_time_eq(token.as_bytes(), internal_token().as_bytes()) {
            return None;
        }
        let user_id = headers.get(USER_HEADER)?.to_str().ok()?.parse().ok()?;
        let roles = headers
            .get(ROLES_HEADER)?
            .to_str()
            .ok()?
            .split(',')
            .filter_map(Role::parse)
            .collect();
        let expires_at = headers.get(EXPIRES_HEADER)?.to_str().ok()?.parse().ok()?;
        Some(Identity {
            user_id,
            roles,
            expires_at,
        })
    }
}

static INTERNAL_TOKEN: OnceLock<String> = OnceLock::new();

/// Sets the secret shared by the gateway and the services (`INTERNAL_TOKEN`). In one
/// process a random one is generated when none is configured.
pub fn set_internal_token(token: String) {
    let _ = INTERNAL_TOKEN.set(token);
}

pub fn internal_token() -> &'static str {
    INTERNAL_TOKEN.get_or_init(|| {
        std::env::var("INTERNAL_TOKEN")
            .ok()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A handler argument `identity: Identity` answers `401` when the caller is anonymous.
impl<S: Send + Sync> FromRequestParts<S> for Identity {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Identity::from_headers(&parts.headers)
            .ok_or_else(|| ApiError::unauthorized("sign in to do this"))
    }
}

/// `MaybeIdentity` is for endpoints open to anyone that behave differently when signed in.
pub struct MaybeIdentity(pub Option<Identity>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeIdentity {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeIdentity(Identity::from_headers(&parts.headers)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_round_trips_through_headers_only_with_the_internal_token() {
        let id = Identity {
            user_id: UserId::new(),
            roles: vec![Role::User, Role::Admin],
            expires_at: 1_900_000_000,
        };
        let mut headers = http::HeaderMap::new();
        for (k, v) in id.to_headers() {
            headers.insert(k, v.parse().unwrap());
        }
        assert_eq!(
            Identity::from_headers(&headers),
            None,
            "unsigned identity is ignored"
        );
        headers.insert(INTERNAL_TOKEN_HEADER, internal_token().parse().unwrap());
        assert_eq!(Identity::from_headers(&headers), Some(id));
        headers.insert(INTERNAL_TOKEN_HEADER, "forged".parse().unwrap());
        assert_eq!(Identity::from_headers(&headers), None);
    }
}
