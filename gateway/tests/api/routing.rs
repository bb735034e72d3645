use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn forged_identity_headers_never_reach_the_service() {
    let app = spawn().await;
    let forged_user = uuid::Uuid::now_v7().to_string();
    let forge = |req: reqwest::RequestBuilder| {
        req.header("x-auction-user", &forged_user)
            .header("x-auction-roles", "user,admin")
            .header("x-auction-token-expires", "9999999999")
            .header("x-auction-internal-token", "a-guess")
    };
    let anonymous: Value = forge(app.http.get(app.url("/api/auctions/1")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(anonymous["userId"], Value::Null);
    assert_eq!(
        anonymous["rawUser"],
        Value::Null,
        "the forged header was stripped"
    );
    assert_eq!(anonymous["rawRoles"], Value::Null);

    let (id, token) = app.signup("ada@example.com").await;
    let res = forge(app.http.get(app.url("/api/auctions/1")).bearer_auth(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let signed_in: Value = res.json().await.unwrap();
    assert_eq!(signed_in["userId"], id.as_str());
    assert_eq!(signed_in["rawUser"], id.as_str());
    assert_eq!(signed_in["roles"], json!(["user"]));
}

#[tokio::test]
async fn request_ids_are_echoed_or_made() {
    let app = spawn().await;
    let res = app
        .http
        .get(app.url("/api/auctions/1"))
        .header("x-request-id", "client-chosen-42")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "client-chosen-42");
    let seen: Value = res.json().await.unwrap();
    assert_eq!(
        seen["requestId"], "client-chosen-42",
        "the service sees it too"
    );

    let res = app.http.get(app.url("/api/nowhere")).send().await.unwrap();
    let made = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(made.parse::<uuid::Uuid>().is_ok(), "{made}");
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;

    // An id that is not a short printable token is replaced, onward and back alike.
    let res = app
        .http
        .get(app.url("/api/auctions/1"))
        .header("x-request-id", "<script>alert(1)</script>")
        .send()
        .await
        .unwrap();
    let replaced = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(replaced.parse::<uuid::Uuid>().is_ok(), "{replaced}");
    let seen: Value = res.json().await.unwrap();
    assert_eq!(seen["requestId"], replaced.as_str());
}

#[tokio::test]
async fn unknown_api_paths_and_methods_get_json_errors() {
    let app = spawn().await;
    for path in [
        "/api/nowhere",
        "/api",
        "/api/me/",
        "/api/auctions/1/unknown/deeper",
    ] {
        let res = app.http.get(app.url(path)).send().await.unwrap();
        assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    }
    let res = app.http.delete(app.url("/api/me")).send().await.unwrap();
    assert_error(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    // A path the table gives to a service, with a method that service lacks.
    let res = app
        .http
        .delete(app.url("/api/search"))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
}

#[tokio::test]
async fn the_openapi_document_covers_the_gateway_and_the_services() {
    let database = fresh_database().await;
    let common = platform_core::config::Common::for_tests(database.url(), "memory://");
    let service_doc = utoipa::openapi::OpenApiBuilder::new()
        .paths(utoipa::openapi::PathsBuilder::new().path(
            "/api/search",
            utoipa::openapi::path::PathItem::new(
                utoipa::openapi::path::HttpMethod::Get,
                utoipa::openapi::path::Operation::new(),
            ),
        ))
        .build();
    let started = gateway::build(
        &common,
        &test_config(),
        gateway::Upstream::InProcess(echo_service()),
        vec![service_doc],
        tokio_util::sync::CancellationToken::new(),
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let shutdown = tokio_util::sync::CancellationToken::new();
    tokio::spawn(platform_core::service::serve(
        listener,
        started,
        shutdown.clone(),
    ));
    let res = reqwest::get(format!("{base}/api/openapi.json"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let doc: Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/auth/signup",
        "/api/auth/login",
        "/api/auth/logout",
        "/api/me",
        "/api/search",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    // Operational endpoints are served next to the gateway's router.
    let ready = reqwest::get(format!("{base}/readyz")).await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    shutdown.cancel();
}

#[tokio::test]
async fn the_front_end_is_served_with_a_single_page_fallback() {
    let dir = std::env::temp_dir().join(format!("gateway-web-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(dir.join("index.html"), "<html>auction app</html>").unwrap();
    std::fs::write(dir.join("assets/app.js"), "console.log('bid')").unwrap();
    let app = spawn_with(gateway::Config {
        web_dir: dir.clone(),
        ..test_config()
    })
    .await;
    let asset = app
        .http
        .get(app.url("/assets/app.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(asset.status(), StatusCode::OK);
    assert_eq!(asset.text().await.unwrap(), "console.log('bid')");
    let deep_link = app.http.get(app.url("/auctions/123")).send().await.unwrap();
    assert_eq!(deep_link.status(), StatusCode::OK);
    assert_eq!(deep_link.text().await.unwrap(), "<html>auction app</html>");
    // The fallback never swallows the API.
    let api = app.http.get(app.url("/api/nowhere")).send().await.unwrap();
    assert_error(api, StatusCode::NOT_FOUND, "not_found").await;
    std::fs::remove_dir_all(dir).ok();

    let unbuilt = spawn().await;
    let page = unbuilt.http.get(unbuilt.url("/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("not built"));
}
