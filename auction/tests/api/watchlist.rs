//! The caller's watchlist.

use crate::support::{id_of, listing, spawn_app, user};
use axum::http::{Method, StatusCode};

#[tokio::test]
async fn watching_is_idempotent_both_ways() {
    let app = spawn_app().await;
    let (seller, watcher) = (user(), user());
    let first = id_of(&app.create(&seller, listing()).await);
    let second = id_of(&app.create(&seller, listing()).await);
    for id in [&first, &first, &second] {
        let (status, body) = app
            .call(
                Method::PUT,
                &format!("/api/me/watchlist/{id}"),
                Some(&watcher),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert!(body.is_null());
    }
    let (status, list) = app.get("/api/me/watchlist", Some(&watcher)).await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(
        ids,
        vec![second.clone(), first.clone()],
        "most recently watched first"
    );
    assert!(list["items"][0].get("reservePrice").is_none());

    let (_, others) = app.get("/api/me/watchlist", Some(&seller)).await;
    assert_eq!(
        others["items"].as_array().unwrap().len(),
        0,
        "watchlists are per user"
    );

    for _ in 0..2 {
        let (status, _) = app
            .call(
                Method::DELETE,
                &format!("/api/me/watchlist/{first}"),
                Some(&watcher),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let (_, list) = app.get("/api/me/watchlist", Some(&watcher)).await;
    let ids: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(ids, vec![second]);
}

#[tokio::test]
async fn watchlist_refusals() {
    let app = spawn_app().await;
    let watcher = user();
    let unknown = uuid::Uuid::now_v7();
    let before = app.stored().await;
    for method in [Method::PUT, Method::DELETE] {
        let uri = format!("/api/me/watchlist/{unknown}");
        let (status, err) = app.call(method.clone(), &uri, Some(&watcher), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(err["error"]["code"], "not_found");
        let (status, err) = app
            .call(
                method.clone(),
                "/api/me/watchlist/nope",
                Some(&watcher),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(err["error"]["code"], "invalid_path");
        let (status, _) = app.call(method, &uri, None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = app.get("/api/me/watchlist", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.stored().await, before);
}
