//! Access tokens: HS256 JWTs the gateway issues at login and verifies on every request.
//! Verification pins the algorithm (so `alg: none` and other algorithms are refused),
//! demands `exp`, `iat`, `sub` and our `iss`, and reads the caller from the claims alone,
//! without a database round trip.

use crate::accounts::domain::User;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use platform_core::{Identity, Role};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use vocabulary::UserId;

/// Shortest configured secret accepted: an HS256 key should carry at least 256 bits.
pub const MIN_SECRET_BYTES: usize = 32;
/// Clock skew tolerated on `exp`; the issuing and verifying clocks are the same fleet's.
const LEEWAY_SECS: u64 = 2;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: UserId,
    pub roles: Vec<Role>,
    pub exp: u64,
    pub iat: u64,
    pub iss: String,
}

pub struct IssuedToken {
    pub token: String,
    /// Seconds until the token expires.
    pub expires_in: u64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum TokenRejection {
    Expired,
    Invalid,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    ttl_secs: u64,
}

impl TokenKeys {
    /// Keys from the configured secret, or from a random one (logged as a warning: such
    /// tokens die with the process, and several gateways would not accept each other's).
    pub fn from_config(
        secret: Option<&str>,
        issuer: &str,
        ttl_secs: u64,
    ) -> anyhow::Result<TokenKeys> {
        anyhow::ensure!(ttl_secs > 0, "TOKEN_TTL_SECS must be positive");
        anyhow::ensure!(!issuer.trim().is_empty(), "JWT_ISSUER must not be empty");
        let secret = match secret {
            Some(s) => {
                anyhow::ensure!(
                    s.len() >= MIN_SECRET_BYTES,
                    "JWT_SECRET must have at least {MIN_SECRET_BYTES} bytes"
                );
                s.as_bytes().to_vec()
            }
            None => {
                tracing::warn!(
                    "JWT_SECRET is not set: using a random secret, tokens will not survive a restart"
                );
                let mut bytes = vec![0u8; 64];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                bytes
            }
        };
        Ok(Self::new(&secret, issuer, ttl_secs))
    }

    pub fn new(secret: &[u8], issuer: &str, ttl_secs: u64) -> TokenKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = LEEWAY_SECS;
        validation.validate_exp = true;
        validation.set_issuer(&[issuer]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            ttl_secs,
        }
    }

    pub fn ttl_secs(&self) -> u64 {
        self.ttl_secs
    }

    pub fn issue(&self, user: &User) -> anyhow::Result<IssuedToken> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: user.id,
            roles: user.roles.clone(),
            iat: now,
            exp: now + self.ttl_secs,
            iss: self.issuer.clone(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok(IssuedToken {
            token,
            expires_in: self.ttl_secs,
        })
    }

    pub fn verify(&self, token: &str) -> Result<Identity, TokenRejection> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenRejection::Expired,
                _ => TokenRejection::Invalid,
            })?;
        let claims = data.claims;
        Ok(Identity {
            user_id: claims.sub,
            roles: claims.roles,
            expires_at: i64::try_from(claims.exp).map_err(|_| TokenRejection::Invalid)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn user() -> User {
        User {
            id: UserId::new(),
            email: "ada@example.com".into(),
            display_name: "Ada".into(),
            roles: vec![Role::User],
            created_at: Utc::now(),
        }
    }

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn an_issued_token_verifies_to_its_user() {
        let keys = TokenKeys::new(SECRET, "test", 60);
        let user = user();
        let issued = keys.issue(&user).unwrap();
        let identity = keys.verify(&issued.token).unwrap();
        assert_eq!(identity.user_id, user.id);
        assert_eq!(identity.roles, vec![Role::User]);
        assert_eq!(issued.expires_in, 60);
    }

    #[test]
    fn another_issuer_or_secret_is_refused() {
        let token = TokenKeys::new(SECRET, "someone-else", 60)
            .issue(&user())
            .unwrap()
            .token;
        let keys = TokenKeys::new(SECRET, "test", 60);
        assert_eq!(keys.verify(&token), Err(TokenRejection::Invalid));
        let token = TokenKeys::new(b"another secret of thirty-two bytes!", "test", 60)
            .issue(&user())
            .unwrap()
            .token;
        assert_eq!(keys.verify(&token), Err(TokenRejection::Invalid));
        assert_eq!(keys.verify("not.a.token"), Err(TokenRejection::Invalid));
    }

    #[test]
    fn short_configured_secrets_are_refused() {
        assert!(TokenKeys::from_config(Some("short"), "test", 60).is_err());
        assert!(TokenKeys::from_config(None, "test", 60).is_ok());
    }
}
