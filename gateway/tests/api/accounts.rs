use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn signup_answers_201_with_a_session_and_sets_the_cookie() {
    let app = spawn().await;
    let res = app
        .post_json(
            "/api/auth/signup",
            &json!({"email": "  Ada@Example.COM ", "password": "password-123", "displayName": "  Ada  "}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let cookie = set_cookie(&res);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["email"], "ada@example.com");
    assert_eq!(body["user"]["displayName"], "Ada");
    assert_eq!(body["user"]["roles"], json!(["user"]));
    assert!(body["user"]["id"]
        .as_str()
        .unwrap()
        .parse::<uuid::Uuid>()
        .is_ok());
    assert_eq!(body["expiresIn"], 3600);
    let token = body["accessToken"].as_str().unwrap();
    assert!(
        cookie.starts_with(&format!("access_token={token}")),
        "{cookie}"
    );
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=3600"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
}

#[tokio::test]
async fn login_then_me_works_with_bearer_and_with_cookie() {
    let app = spawn().await;
    let (id, _) = app.signup("grace@example.com").await;
    let res = app
        .post_json(
            "/api/auth/login",
            &json!({"email": "GRACE@example.com", "password": "password-123"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(set_cookie(&res).contains("HttpOnly"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["id"], id.as_str());
    let token = body["accessToken"].as_str().unwrap().to_owned();

    let by_bearer = app.get_with_token("/api/me", &token).await;
    assert_eq!(by_bearer.status(), StatusCode::OK);
    let me: Value = by_bearer.json().await.unwrap();
    assert_eq!(
        me,
        json!({"id": id, "email": "grace@example.com", "displayName": "Bidder", "roles": ["user"]})
    );

    let by_cookie = app
        .http
        .get(app.url("/api/me"))
        .header("cookie", format!("theme=dark; access_token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_cookie.status(), StatusCode::OK);
    let me: Value = by_cookie.json().await.unwrap();
    assert_eq!(me["id"], id.as_str());
}

#[tokio::test]
async fn logout_answers_204_and_clears_the_cookie() {
    let app = spawn().await;
    let (_, token) = app.signup("ada@example.com").await;
    let res = app
        .http
        .post(app.url("/api/auth/logout"))
        .header("cookie", format!("access_token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let cookie = set_cookie(&res);
    assert!(cookie.starts_with("access_token=;"), "{cookie}");
    assert!(cookie.contains("Max-Age=0"), "{cookie}");
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_401() {
    let app = spawn().await;
    app.signup("ada@example.com").await;
    let wrong = app
        .post_json(
            "/api/auth/login",
            &json!({"email": "ada@example.com", "password": "not-the-password"}),
        )
        .await;
    let a = assert_error(wrong, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let unknown = app
        .post_json(
            "/api/auth/login",
            &json!({"email": "nobody@example.com", "password": "password-123"}),
        )
        .await;
    let b = assert_error(unknown, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_eq!(a, b, "the answers must not tell the two apart");
}

#[tokio::test]
async fn a_taken_email_is_409_whatever_its_case() {
    let app = spawn().await;
    app.signup("ada@example.com").await;
    let res = app
        .post_json(
            "/api/auth/signup",
            &json!({"email": " ADA@example.com", "password": "another-password", "displayName": "Ada 2"}),
        )
        .await;
    assert_error(res, StatusCode::CONFLICT, "email_taken").await;
}

#[tokio::test]
async fn invalid_signups_are_400() {
    let app = spawn().await;
    let cases = [
        json!({"email": "ada@example.com", "password": "short", "displayName": "Ada"}),
        json!({"email": "not-an-email", "password": "password-123", "displayName": "Ada"}),
        json!({"email": "ada@example.com", "password": "password-123", "displayName": "   "}),
        json!({"email": "ada@example.com", "password": "password-123", "displayName": "x".repeat(81)}),
        json!({"email": "ada@example.com", "password": "p".repeat(1025), "displayName": "Ada"}),
    ];
    for body in cases {
        let res = app.post_json("/api/auth/signup", &body).await;
        assert_error(res, StatusCode::BAD_REQUEST, "validation_failed").await;
    }
}

#[tokio::test]
async fn malformed_json_and_wrong_types_are_400() {
    let app = spawn().await;
    let malformed = app
        .http
        .post(app.url("/api/auth/signup"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    assert_error(malformed, StatusCode::BAD_REQUEST, "malformed_json").await;
    let wrong_types = app
        .post_json(
            "/api/auth/signup",
            &json!({"email": 42, "password": ["x"], "displayName": true}),
        )
        .await;
    assert_error(wrong_types, StatusCode::BAD_REQUEST, "invalid_body").await;
    let missing = app
        .post_json("/api/auth/login", &json!({"email": "a@b.co"}))
        .await;
    assert_error(missing, StatusCode::BAD_REQUEST, "invalid_body").await;
}

#[tokio::test]
async fn the_bootstrap_admin_is_admin_and_a_signup_is_not() {
    let app = spawn().await;
    let res = app
        .post_json(
            "/api/auth/login",
            &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["roles"], json!(["user", "admin"]));
    let admin_token = body["accessToken"].as_str().unwrap().to_owned();
    let seen: Value = app
        .get_with_token("/api/auctions/1", &admin_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["roles"], json!(["user", "admin"]));

    // Whatever a signup sends, it gets `user` only.
    let res = app
        .post_json(
            "/api/auth/signup",
            &json!({"email": "eve@example.com", "password": "password-123", "displayName": "Eve", "roles": ["admin"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["roles"], json!(["user"]));
}

#[tokio::test]
async fn bootstrap_promotes_an_existing_account_and_replaces_its_password() {
    let first = spawn().await;
    first.signup("boss@example.com").await;
    let config = gateway::Config {
        admin_email: Some("Boss@Example.com".into()),
        admin_password: Some("operator-chosen".into()),
        ..test_config()
    };
    let second = spawn_on(
        &first.database_url,
        config,
        gateway::Upstream::InProcess(echo_service()),
    )
    .await;
    let old = second
        .post_json(
            "/api/auth/login",
            &json!({"email": "boss@example.com", "password": "password-123"}),
        )
        .await;
    assert_error(old, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let res = second
        .post_json(
            "/api/auth/login",
            &json!({"email": "boss@example.com", "password": "operator-chosen"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["roles"], json!(["user", "admin"]));
}

#[tokio::test]
async fn me_without_a_token_is_401() {
    let app = spawn().await;
    let res = app.http.get(app.url("/api/me")).send().await.unwrap();
    assert_error(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
}
