//! The `gateway.users` table. Runtime-checked queries, so building needs no database.

use super::domain::{DisplayName, Email, User};
use chrono::{DateTime, Utc};
use platform_core::Role;
use sqlx::PgPool;
use uuid::Uuid;
use vocabulary::UserId;

#[derive(Clone)]
pub struct UserStore {
    pool: PgPool,
}

/// A stored account with its password hash, for login.
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
}

#[derive(Debug, thiserror::Error)]
pub enum InsertError {
    #[error("the email is taken")]
    EmailTaken,
    #[error(transparent)]
    Database(sqlx::Error),
}

type UserRow = (Uuid, String, String, Vec<String>, DateTime<Utc>);
type CredentialsRow = (Uuid, String, String, Vec<String>, DateTime<Utc>, String);

const USER_COLUMNS: &str = "id, email, display_name, roles, created_at";

impl UserStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub async fn insert(
        &self,
        email: &Email,
        display_name: &DisplayName,
        password_hash: &str,
        roles: &[Role],
    ) -> Result<User, InsertError> {
        let row: UserRow = sqlx::query_as(&format!(
            "INSERT INTO users (id, email, password_hash, display_name, roles) \
             VALUES ($1, $2, $3, $4, $5) RETURNING {USER_COLUMNS}"
        ))
        .bind(UserId::new().0)
        .bind(email.as_str())
        .bind(password_hash)
        .bind(display_name.as_str())
        .bind(role_names(roles))
        .fetch_one(&self.pool)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => InsertError::EmailTaken,
            _ => InsertError::Database(e),
        })?;
        Ok(user_from_row(row))
    }

    pub async fn find_by_id(&self, id: UserId) -> Result<Option<User>, sqlx::Error> {
        let row: Option<UserRow> =
            sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(user_from_row))
    }

    /// Looks an account up by its normalized email (see [`Email::normalize`]).
    pub async fn find_credentials(
        &self,
        normalized_email: &str,
    ) -> Result<Option<Credentials>, sqlx::Error> {
        let row: Option<CredentialsRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
        ))
        .bind(normalized_email)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(id, email, name, roles, created_at, password_hash)| Credentials {
                user: user_from_row((id, email, name, roles, created_at)),
                password_hash,
            },
        ))
    }

    /// Creates the account with `roles`, or gives an existing one `roles` (keeping any it
    /// had) and the given password hash. One statement, so two starting gateways agree.
    pub async fn upsert_with_roles(
        &self,
        email: &Email,
        display_name: &DisplayName,
        password_hash: &str,
        roles: &[Role],
    ) -> Result<User, sqlx::Error> {
        let row: UserRow = sqlx::query_as(&format!(
            "INSERT INTO users (id, email, password_hash, display_name, roles) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (email) DO UPDATE SET \
               password_hash = EXCLUDED.password_hash, \
               roles = ARRAY(SELECT DISTINCT r FROM unnest(users.roles || EXCLUDED.roles) AS r ORDER BY r DESC) \
             RETURNING {USER_COLUMNS}"
        ))
        .bind(UserId::new().0)
        .bind(email.as_str())
        .bind(password_hash)
        .bind(display_name.as_str())
        .bind(role_names(roles))
        .fetch_one(&self.pool)
        .await?;
        Ok(user_from_row(row))
    }
}

fn role_names(roles: &[Role]) -> Vec<String> {
    roles.iter().map(|r| r.as_str().to_owned()).collect()
}

fn user_from_row((id, email, display_name, roles, created_at): UserRow) -> User {
    User {
        id: UserId(id),
        email,
        display_name,
        // A role name this version does not know grants nothing.
        roles: roles.iter().filter_map(|r| Role::parse(r)).collect(),
        created_at,
    }
}
