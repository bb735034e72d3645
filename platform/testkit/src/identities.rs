//! The identities the gateway forwards to a service once it has checked a token: what a
//! service's own tests present instead of logging in.

use platform_core::{Identity, Role};
use vocabulary::UserId;

/// A new user (a new id every call), valid for decades.
pub fn user() -> Identity {
    Identity {
        user_id: UserId::new(),
        roles: vec![Role::User],
        expires_at: 4_000_000_000,
    }
}

/// A new user who is also an admin.
pub fn admin() -> Identity {
    Identity {
        roles: vec![Role::User, Role::Admin],
        ..user()
    }
}

/// The identity's signed headers, as the gateway sets them, for an HTTP request.
pub fn headers(identity: &Identity) -> Vec<(String, String)> {
    identity
        .signed_headers()
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}
