//! `POST /api/auth/signup`, `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/me`.

use super::domain::{DisplayName, Email, Password, User, UserView, MAX_PASSWORD_CHARS};
use super::password::PasswordHasher;
use super::store::{InsertError, UserStore};
use crate::http::session_cookie::{cleared_cookie, session_cookie};
use crate::tokens::TokenKeys;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use platform_core::ErrorCode;
use platform_core::{ApiError, ApiJson, ErrorResponse, Identity, Role};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;

#[derive(Clone)]
pub struct Accounts {
    pub store: UserStore,
    pub hasher: PasswordHasher,
    pub tokens: Arc<TokenKeys>,
    pub cookie_secure: bool,
}

pub fn router(accounts: Accounts) -> Router {
    Router::new()
        .route("/api/auth/signup", post(signup))
        .route("/api/auth/login", post(login))
        .route("/api/auth/logout", post(logout))
        .route("/api/me", get(me))
        .with_state(accounts)
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignupRequest {
    /// An address `local@domain.tld`; trimmed and lower-cased, so two spellings of one
    /// address are one account (`409 email_taken`).
    #[schema(example = "ada@example.com", format = Email, max_length = 254)]
    pub email: String,
    /// 8 to 1024 characters.
    #[schema(min_length = 8, max_length = 1024)]
    pub password: String,
    /// 1 to 80 characters after trimming, no control characters.
    #[schema(
        example = "Ada",
        min_length = 1,
        max_length = 80,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub display_name: String,
}

/// Any email and password of at most 1024 characters; a wrong pair is `401`.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    #[schema(example = "ada@example.com")]
    pub email: String,
    #[schema(max_length = 1024)]
    pub password: String,
}

/// A signed-in session: the account, its bearer token and the token's lifetime in seconds.
/// The same token is set as the `access_token` cookie.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub user: UserView,
    pub access_token: String,
    pub expires_in: u64,
}

/// Creates an account with role `user` and signs it in.
#[utoipa::path(
    post, path = "/api/auth/signup", tag = "accounts",
    request_body = SignupRequest,
    responses(
        (status = 201, description = "account created, `access_token` cookie set", body = Session),
        (status = 400, description = "malformed body or invalid email, password or name", body = ErrorResponse),
        (status = 409, description = "`email_taken`", body = ErrorResponse),
        (status = 415, description = "the body is not `application/json`", body = ErrorResponse),
        (status = 429, description = "too many attempts from this address", body = ErrorResponse),
    )
)]
pub async fn signup(
    State(accounts): State<Accounts>,
    ApiJson(body): ApiJson<SignupRequest>,
) -> Result<Response, ApiError> {
    let email = Email::parse(&body.email)?;
    let password = Password::parse(body.password)?;
    let display_name = DisplayName::parse(&body.display_name)?;
    let hash = accounts.hasher.hash(password.expose()).await?;
    let user = accounts
        .store
        .insert(&email, &display_name, &hash, &[Role::User])
        .await
        .map_err(|e| match e {
            InsertError::EmailTaken => {
                ApiError::new(ErrorCode::EmailTaken, "an account with this email exists")
            }
            InsertError::Database(e) => ApiError::from(e),
        })?;
    tracing::info!(user_id = %user.id, "account created");
    accounts.session(StatusCode::CREATED, &user)
}

/// Signs in with email and password. Unknown emails and wrong passwords get the same
/// answer after the same work.
#[utoipa::path(
    post, path = "/api/auth/login", tag = "accounts",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "signed in, `access_token` cookie set", body = Session),
        (status = 400, description = "malformed body", body = ErrorResponse),
        (status = 401, description = "`invalid_credentials`", body = ErrorResponse),
        (status = 415, description = "the body is not `application/json`", body = ErrorResponse),
        (status = 429, description = "too many attempts from this address", body = ErrorResponse),
    )
)]
pub async fn login(
    State(accounts): State<Accounts>,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    if body.password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(ApiError::validation(format!(
            "password must have at most {MAX_PASSWORD_CHARS} characters"
        )));
    }
    let email = Email::normalize(&body.email);
    // No account's address contains NUL (signup refuses control characters), and asking
    // PostgreSQL for one is an error rather than no row: such an address is unknown.
    let found = if email.contains('\0') {
        None
    } else {
        accounts.store.find_credentials(&email).await?
    };
    let user = match found {
        Some(found) => accounts
            .hasher
            .verify(&body.password, &found.password_hash)
            .await?
            .then_some(found.user),
        None => {
            accounts
                .hasher
                .verify_against_nothing(&body.password)
                .await?;
            None
        }
    };
    let user = user.ok_or_else(|| {
        ApiError::new(ErrorCode::InvalidCredentials, "email or password is wrong")
    })?;
    accounts.session(StatusCode::OK, &user)
}

/// Clears the `access_token` cookie. Tokens are stateless: a bearer token stays valid
/// until it expires.
#[utoipa::path(
    post, path = "/api/auth/logout", tag = "accounts",
    responses((status = 204, description = "cookie cleared"))
)]
pub async fn logout(State(accounts): State<Accounts>) -> Response {
    (
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cleared_cookie(accounts.cookie_secure))],
    )
        .into_response()
}

/// The signed-in account.
#[utoipa::path(
    get, path = "/api/me", tag = "accounts",
    responses(
        (status = 200, description = "the caller's account", body = UserView),
        (status = 401, description = "no valid token", body = ErrorResponse),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn me(
    State(accounts): State<Accounts>,
    identity: Identity,
) -> Result<Json<UserView>, ApiError> {
    let user = accounts
        .store
        .find_by_id(identity.user_id)
        .await?
        .ok_or_else(|| ApiError::unauthorized("the account no longer exists"))?;
    Ok(Json(UserView::from(&user)))
}

impl Accounts {
    fn session(&self, status: StatusCode, user: &User) -> Result<Response, ApiError> {
        let issued = self.tokens.issue(user)?;
        let cookie = session_cookie(&issued.token, issued.expires_in, self.cookie_secure);
        let body = Session {
            user: UserView::from(user),
            access_token: issued.token,
            expires_in: issued.expires_in,
        };
        Ok((
            status,
            [
                (header::SET_COOKIE, cookie),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            Json(body),
        )
            .into_response())
    }
}
