//! The operator's administrator account. `admin` is granted here and nowhere else.

use super::domain::{DisplayName, Email, Password, User};
use super::password::PasswordHasher;
use super::store::UserStore;
use crate::Config;
use platform_core::Role;

/// Creates the configured administrator, or promotes the existing account with that email.
/// The configured password replaces the account's: whoever signed up first with the
/// operator's address must not become an administrator with a password of their choosing.
pub async fn bootstrap_admin(
    store: &UserStore,
    hasher: &PasswordHasher,
    config: &Config,
) -> anyhow::Result<Option<User>> {
    let (email, password) = match (&config.admin_email, &config.admin_password) {
        (None, None) => return Ok(None),
        (Some(email), Some(password)) => (email, password),
        _ => anyhow::bail!("ADMIN_EMAIL and ADMIN_PASSWORD must be set together"),
    };
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("ADMIN_EMAIL: {}", e.message))?;
    let password = Password::parse(password.clone())
        .map_err(|e| anyhow::anyhow!("ADMIN_PASSWORD: {}", e.message))?;
    let display_name = DisplayName::parse(&config.admin_display_name)
        .map_err(|e| anyhow::anyhow!("ADMIN_DISPLAY_NAME: {}", e.message))?;
    let hash = hasher.hash(password.expose()).await?;
    let admin = store
        .upsert_with_roles(&email, &display_name, &hash, &[Role::User, Role::Admin])
        .await?;
    tracing::info!(user_id = %admin.id, "administrator account ready");
    Ok(Some(admin))
}
