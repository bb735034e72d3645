use crate::helpers::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims(user_id: &str, exp: i64) -> Value {
    json!({"sub": user_id, "roles": ["user", "admin"], "iat": now() - 10, "exp": exp, "iss": ISSUER})
}

fn sign(alg: Algorithm, key: &EncodingKey, claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, key).unwrap()
}

fn b64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Asserts that `/api/me` and an upstream route both refuse the token with `code`.
async fn assert_refused(app: &TestGateway, token: &str, code: &str) {
    assert_error(
        app.get_with_token("/api/me", token).await,
        StatusCode::UNAUTHORIZED,
        code,
    )
    .await;
    assert_error(
        app.get_with_token("/api/auctions/1", token).await,
        StatusCode::UNAUTHORIZED,
        code,
    )
    .await;
}

#[tokio::test]
async fn an_expired_token_is_401_and_its_cookie_is_cleared() {
    let app = spawn().await;
    let (id, _) = app.signup("ada@example.com").await;
    let key = EncodingKey::from_secret(SECRET.as_bytes());
    let expired = sign(Algorithm::HS256, &key, &claims(&id, now() - 60));
    assert_refused(&app, &expired, "token_expired").await;

    let res = app
        .http
        .get(app.url("/api/auctions"))
        .header("cookie", format!("access_token={expired}"))
        .send()
        .await
        .unwrap();
    let cleared = set_cookie(&res);
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_error(res, StatusCode::UNAUTHORIZED, "token_expired").await;

    // The same claims, still valid, pass: only the expiry made the difference.
    let fresh = sign(Algorithm::HS256, &key, &claims(&id, now() + 60));
    assert_eq!(
        app.get_with_token("/api/me", &fresh).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn tampered_tokens_are_401() {
    let app = spawn().await;
    let (_, token) = app.signup("ada@example.com").await;
    let (head_and_body, signature) = token.rsplit_once('.').unwrap();

    let mut flipped = signature.chars().collect::<Vec<_>>();
    flipped[3] = if flipped[3] == 'A' { 'B' } else { 'A' };
    let bad_signature = format!(
        "{head_and_body}.{}",
        flipped.into_iter().collect::<String>()
    );
    assert_refused(&app, &bad_signature, "invalid_token").await;

    // A payload promoting the holder to admin, with the original signature.
    let header = head_and_body.split('.').next().unwrap();
    let mut promoted = jsonwebtoken::dangerous::insecure_decode::<Value>(&token)
        .unwrap()
        .claims;
    promoted["roles"] = json!(["user", "admin"]);
    let forged = format!(
        "{header}.{}.{signature}",
        b64url(promoted.to_string().as_bytes())
    );
    assert_refused(&app, &forged, "invalid_token").await;

    assert_refused(&app, "not-a-jwt", "invalid_token").await;
}

#[tokio::test]
async fn tokens_from_another_secret_or_issuer_are_401() {
    let app = spawn().await;
    let (id, _) = app.signup("ada@example.com").await;
    let other = EncodingKey::from_secret(b"some-other-secret-some-other-secret!");
    assert_refused(
        &app,
        &sign(Algorithm::HS256, &other, &claims(&id, now() + 60)),
        "invalid_token",
    )
    .await;
    let mut foreign = claims(&id, now() + 60);
    foreign["iss"] = json!("someone-else");
    let key = EncodingKey::from_secret(SECRET.as_bytes());
    assert_refused(
        &app,
        &sign(Algorithm::HS256, &key, &foreign),
        "invalid_token",
    )
    .await;
    let mut no_exp = claims(&id, 0);
    no_exp.as_object_mut().unwrap().remove("exp");
    assert_refused(
        &app,
        &sign(Algorithm::HS256, &key, &no_exp),
        "invalid_token",
    )
    .await;
}

#[tokio::test]
async fn alg_none_and_other_algorithms_are_401() {
    let app = spawn().await;
    let (id, token) = app.signup("ada@example.com").await;
    let body = claims(&id, now() + 60).to_string();

    let none = format!(
        "{}.{}.",
        b64url(br#"{"alg":"none","typ":"JWT"}"#),
        b64url(body.as_bytes())
    );
    assert_refused(&app, &none, "invalid_token").await;

    // Correctly signed with the real secret, but HS512: the algorithm is pinned.
    let hs512 = sign(
        Algorithm::HS512,
        &EncodingKey::from_secret(SECRET.as_bytes()),
        &claims(&id, now() + 60),
    );
    assert_refused(&app, &hs512, "invalid_token").await;

    // A header claiming RS256 in front of a genuine HS256 signature (key confusion).
    let (_, rest) = token.split_once('.').unwrap();
    let rs256 = format!("{}.{rest}", b64url(br#"{"alg":"RS256","typ":"JWT"}"#));
    assert_refused(&app, &rs256, "invalid_token").await;

    // A genuine asymmetric signature (Ed25519, PKCS#8 from a fixed seed).
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(&[7u8; 32]);
    let eddsa = sign(
        Algorithm::EdDSA,
        &EncodingKey::from_ed_der(&der),
        &claims(&id, now() + 60),
    );
    assert_refused(&app, &eddsa, "invalid_token").await;

    // A non-bearer Authorization header is not quietly ignored either.
    let basic = app
        .http
        .get(app.url("/api/auctions/1"))
        .header("authorization", "Basic YWRhOnBhc3N3b3Jk")
        .send()
        .await
        .unwrap();
    assert_error(basic, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

#[tokio::test]
async fn a_stale_cookie_does_not_block_logging_in_again() {
    let app = spawn().await;
    app.signup("ada@example.com").await;
    let res = app
        .http
        .post(app.url("/api/auth/login"))
        .header("cookie", "access_token=stale.garbage.token")
        .json(&json!({"email": "ada@example.com", "password": "password-123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}
