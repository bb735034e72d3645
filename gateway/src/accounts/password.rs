//! argon2id password hashes. Hashing is deliberately slow, so it runs on the blocking pool
//! and never stalls the async workers.

use anyhow::Context;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Argon2, PasswordHasher as _, PasswordVerifier as _};
use std::sync::Arc;

/// Hashes and verifies passwords. Holds a hash of a random password so that a login for
/// an unknown email costs the same as one for a known email with a wrong password.
#[derive(Clone)]
pub struct PasswordHasher {
    dummy_hash: Arc<str>,
}

impl PasswordHasher {
    pub async fn new() -> anyhow::Result<Self> {
        let random = uuid::Uuid::new_v4().to_string();
        let dummy_hash = hash(random).await?;
        Ok(Self {
            dummy_hash: dummy_hash.into(),
        })
    }

    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        hash(password.to_owned()).await
    }

    /// `true` when `password` matches `stored`; a malformed stored hash never matches.
    pub async fn verify(&self, password: &str, stored: &str) -> anyhow::Result<bool> {
        verify(password.to_owned(), stored.to_owned()).await
    }

    /// Spends the time of one verification and answers `false`.
    pub async fn verify_against_nothing(&self, password: &str) -> anyhow::Result<bool> {
        verify(password.to_owned(), self.dummy_hash.to_string()).await?;
        Ok(false)
    }
}

async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
    })
    .await
    .context("password hashing task")?
}

async fn verify(password: String, stored: String) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || match PasswordHash::new(&stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "stored password hash is malformed");
            false
        }
    })
    .await
    .context("password verification task")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hasher = PasswordHasher::new().await.unwrap();
        let stored = hasher.hash("correct horse").await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(hasher.verify("correct horse", &stored).await.unwrap());
        assert!(!hasher.verify("wrong horse", &stored).await.unwrap());
        assert!(!hasher.verify("correct horse", "not a hash").await.unwrap());
        assert!(!hasher
            .verify_against_nothing("correct horse")
            .await
            .unwrap());
    }
}
