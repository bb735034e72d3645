//! Scheduling and cancelling.

use crate::support::{admin, id_of, listing, rfc3339, spawn_app, user};
use axum::http::{Method, StatusCode};
use chrono::{Duration as Span, Utc};
use serde_json::json;
use std::time::Duration;
use vocabulary::Command;

#[tokio::test]
async fn only_admins_schedule() {
    let app = spawn_app().await;
    let seller = user();
    let id = id_of(&app.create(&seller, listing()).await);
    let uri = format!("/api/admin/auctions/{id}/schedule");
    let body = json!({
        "startsAt": rfc3339(Utc::now() + Span::hours(1)),
        "endsAt": rfc3339(Utc::now() + Span::hours(2)),
    });
    let before = app.stored().await;
    let (status, err) = app
        .call(Method::POST, &uri, Some(&seller), Some(body.clone()))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(err["error"]["code"], "forbidden");
    let (status, _) = app
        .call(Method::POST, &uri, Some(&seller), Some(json!({"x": 1})))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "403 before looking at the body"
    );
    let (status, _) = app.call(Method::POST, &uri, None, Some(body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/api/admin/auctions/{id}/cancel"),
            Some(&seller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.stored().await, before);
}

#[tokio::test]
async fn an_admin_schedules_and_a_schedule_command_follows() {
    let app = spawn_app().await;
    let id = id_of(&app.create(&user(), listing()).await);
    let starts = Utc::now() + Span::hours(1);
    let ends = starts + Span::days(3);
    let (status, auction) = app.schedule(&id, &rfc3339(starts), &rfc3339(ends)).await;
    assert_eq!(status, StatusCode::OK, "{auction}");
    assert_eq!(auction["status"], "scheduled");
    assert!(
        auction.get("reservePrice").is_none(),
        "the admin is not the seller"
    );
    let shown: chrono::DateTime<Utc> = auction["startsAt"].as_str().unwrap().parse().unwrap();
    assert_eq!(rfc3339(shown), rfc3339(starts));

    // Moving the window before it opens is allowed.
    let (status, _) = app
        .schedule(&id, &rfc3339(starts + Span::hours(1)), &rfc3339(ends))
        .await;
    assert_eq!(status, StatusCode::OK);

    let commands = app.commands_for(&id, 3, Duration::from_secs(5)).await;
    match commands.as_slice() {
        [Command::List { .. }, Command::Schedule {
            starts_at: first,
            ends_at,
            ..
        }, Command::Schedule {
            starts_at: moved, ..
        }] => {
            assert_eq!(rfc3339(*first), rfc3339(starts));
            assert_eq!(rfc3339(*ends_at), rfc3339(ends));
            assert_eq!(rfc3339(*moved), rfc3339(starts + Span::hours(1)));
        }
        other => panic!("expected List, Schedule, Schedule; got {other:?}"),
    }
}

#[tokio::test]
async fn bad_windows_are_refused() {
    let app = spawn_app().await;
    let id = id_of(&app.create(&user(), listing()).await);
    let now = Utc::now();
    let cases = [
        (now + Span::hours(2), now + Span::hours(1)),
        (now + Span::hours(1), now + Span::hours(1)),
        (now - Span::hours(2), now - Span::hours(1)),
        (now, now + Span::days(31)),
        (now + Span::days(400), now + Span::days(401)),
    ];
    let before = app.stored().await;
    for (starts, ends) in cases {
        let (status, err) = app.schedule(&id, &rfc3339(starts), &rfc3339(ends)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{starts} {ends}");
        assert_eq!(err["error"]["code"], "invalid_window");
    }
    let uri = format!("/api/admin/auctions/{id}/schedule");
    for body in [
        json!({"startsAt": "tomorrow", "endsAt": "2030-01-01T00:00:00Z"}),
        json!({"startsAt": 1700000000, "endsAt": 1700003600}),
        json!({"endsAt": "2030-01-01T00:00:00Z"}),
    ] {
        let (status, err) = app
            .call(Method::POST, &uri, Some(&admin()), Some(body))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(err["error"]["code"], "invalid_body");
    }
    assert_eq!(app.stored().await, before);
    // The barrier: a good window, scheduled last. Commands are relayed in the order they
    // were queued, so anything a refused request had queued would come before it.
    let (starts, ends) = (now + Span::hours(1), now + Span::hours(2));
    let (status, _) = app.schedule(&id, &rfc3339(starts), &rfc3339(ends)).await;
    assert_eq!(status, StatusCode::OK);
    let commands = app.commands_for(&id, 2, Duration::from_secs(10)).await;
    assert!(
        matches!(
            commands.as_slice(),
            [Command::List { .. }, Command::Schedule { .. }]
        ),
        "only the List, then the barrier: {commands:?}"
    );
}

#[tokio::test]
async fn cancel_queues_a_cancel_and_ends_what_an_admin_may_do() {
    let app = spawn_app().await;
    let id = id_of(&app.create(&user(), listing()).await);
    let cancel = format!("/api/admin/auctions/{id}/cancel");
    let (status, auction) = app.call(Method::POST, &cancel, Some(&admin()), None).await;
    assert_eq!(status, StatusCode::OK, "{auction}");
    assert_eq!(auction["status"], "cancelled");

    let before = app.stored().await;
    let (status, err) = app.call(Method::POST, &cancel, Some(&admin()), None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["error"]["code"], "invalid_state");
    let starts = Utc::now() + Span::hours(1);
    let (status, err) = app
        .schedule(&id, &rfc3339(starts), &rfc3339(starts + Span::hours(1)))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["error"]["code"], "invalid_state");
    assert_eq!(app.stored().await, before, "refused changes store nothing");

    let commands = app.commands_for(&id, 2, Duration::from_secs(5)).await;
    assert!(
        matches!(
            commands.as_slice(),
            [Command::List { .. }, Command::Cancel { .. }]
        ),
        "{commands:?}"
    );
    let (_, shown) = app.get(&format!("/api/auctions/{id}"), None).await;
    assert_eq!(shown["status"], "cancelled");
}

#[tokio::test]
async fn unknown_and_malformed_ids() {
    let app = spawn_app().await;
    let unknown = uuid::Uuid::now_v7();
    let starts = Utc::now() + Span::hours(1);
    let (status, err) = app
        .schedule(
            &unknown.to_string(),
            &rfc3339(starts),
            &rfc3339(starts + Span::hours(1)),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(err["error"]["code"], "not_found");
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/api/admin/auctions/{unknown}/cancel"),
            Some(&admin()),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, err) = app
        .call(
            Method::POST,
            "/api/admin/auctions/123/cancel",
            Some(&admin()),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"]["code"], "invalid_path");
}
