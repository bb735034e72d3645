use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn an_oversized_body_is_413_with_the_error_body() {
    let app = spawn_with(gateway::Config {
        max_body_bytes: 1024,
        ..test_config()
    })
    .await;
    let big = json!({"email": "a@b.co", "password": "x".repeat(2000), "displayName": "A"});
    let res = app.post_json("/api/auth/signup", &big).await;
    assert_error(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    // No declared length: cut off while streaming into the service.
    let res = app
        .http
        .post(app.url("/api/auctions"))
        .header("content-type", "application/json")
        .body(streamed(vec![
            "{\"title\": \"",
            Box::leak("x".repeat(2000).into_boxed_str()),
            "\"}",
        ]))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    // Under the limit, the same streamed shape goes through.
    let res = app
        .http
        .post(app.url("/api/auctions"))
        .header("content-type", "application/json")
        .body(streamed(vec!["{\"title\": ", "\"lamp\"}"]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap(),
        json!({"title": "lamp"})
    );
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_address_with_retry_after() {
    let app = spawn_with(gateway::Config {
        auth_rate_per_minute: 1,
        auth_rate_burst: 3,
        trust_forwarded_for: true,
        ..test_config()
    })
    .await;
    let attempt = |from: &'static str| {
        app.http
            .post(app.url("/api/auth/login"))
            .header("x-forwarded-for", from)
            .json(&json!({"email": "nobody@example.com", "password": "password-123"}))
            .send()
    };
    for _ in 0..3 {
        let res = attempt("203.0.113.7").await.unwrap();
        assert_error(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    let limited = attempt("203.0.113.7").await.unwrap();
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_error(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Another address has a bucket of its own.
    let other = attempt("198.51.100.9").await.unwrap();
    assert_error(other, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
}

#[tokio::test]
async fn bids_are_limited_per_user() {
    let app = spawn_with(gateway::Config {
        bid_rate_per_second: 1,
        bid_rate_burst: 2,
        ..test_config()
    })
    .await;
    let (_, ada) = app.signup("ada@example.com").await;
    let (_, grace) = app.signup("grace@example.com").await;
    let bid = |token: String| {
        app.http
            .post(app.url("/api/auctions/7/bids"))
            .bearer_auth(token)
            .json(&json!({"amount": 100}))
            .send()
    };
    for _ in 0..2 {
        assert_eq!(
            bid(ada.clone()).await.unwrap().status(),
            StatusCode::ACCEPTED
        );
    }
    let limited = bid(ada.clone()).await.unwrap();
    assert_eq!(limited.headers()["retry-after"], "1");
    assert_error(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert_eq!(bid(grace).await.unwrap().status(), StatusCode::ACCEPTED);
    // Retry-After is honest: a bid after that wait goes through.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert_eq!(
        bid(ada.clone()).await.unwrap().status(),
        StatusCode::ACCEPTED
    );
    // Reading bids is not spending them.
    let read = app.get_with_token("/api/auctions/7/bids", &ada).await;
    assert_eq!(read.status(), StatusCode::OK);
}
