//! The scheduler: Open at `startsAt`, Close at `endsAt`, again after a soft-close extension.

use crate::support::{admin, id_of, listing, rfc3339, spawn_app, user};
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration as Span, Utc};
use platform_core::log::{AuctionStatus, Command, Event, EventKind, PublicState};
use std::time::Duration;

fn opened_state(ends_at: DateTime<Utc>) -> PublicState {
    PublicState {
        status: AuctionStatus::Open,
        starts_at: None,
        ends_at: Some(ends_at),
        current_price: 10000,
        bid_count: 0,
        leading_bidder_id: None,
        reserve_met: false,
        winner_id: None,
        final_price: None,
    }
}

#[tokio::test]
async fn opens_at_start_closes_at_end_and_again_after_an_extension() {
    let app = spawn_app().await;
    let id = id_of(&app.create(&user(), listing()).await);
    let starts = Utc::now() + Span::seconds(1);
    let ends = starts + Span::seconds(1);
    let (status, _) = app.schedule(&id, &rfc3339(starts), &rfc3339(ends)).await;
    assert_eq!(status, StatusCode::OK);
    let starts: DateTime<Utc> = rfc3339(starts).parse().unwrap();
    let ends: DateTime<Utc> = rfc3339(ends).parse().unwrap();

    let commands = app.commands_for(&id, 4, Duration::from_secs(10)).await;
    let (opened_at, closed_at) = match commands.as_slice() {
        [Command::List { .. }, Command::Schedule { .. }, Command::Open { at: open, .. }, Command::Close { at: close, .. }] => {
            (*open, *close)
        }
        other => panic!("expected List, Schedule, Open, Close; got {other:?}"),
    };
    assert!(
        opened_at >= starts && opened_at < ends,
        "open at {opened_at}"
    );
    assert!(closed_at > ends, "close at {closed_at}, end {ends}");
    assert!(closed_at - ends < Span::seconds(2), "closed promptly");

    // A soft-close extension moves the end: a new Close follows at the new end.
    let auction_id = id.parse().unwrap();
    let extended_to = Utc::now() + Span::seconds(1);
    for (seq, kind) in [
        (
            1,
            EventKind::Opened {
                state: opened_state(ends),
            },
        ),
        (
            2,
            EventKind::Extended {
                state: opened_state(extended_to),
            },
        ),
    ] {
        app.publish_event(&Event {
            auction_id,
            seq,
            at: Utc::now(),
            kind,
        })
        .await;
    }
    let commands = app.commands_for(&id, 5, Duration::from_secs(10)).await;
    match commands.get(4) {
        Some(Command::Close { at, .. }) => assert!(*at > extended_to, "{at} after {extended_to}"),
        other => panic!("expected a second Close, got {other:?} in {commands:?}"),
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let commands = app.commands_for(&id, 6, Duration::from_millis(300)).await;
    assert_eq!(commands.len(), 5, "one Close per end: {commands:?}");
}

#[tokio::test]
async fn a_cancelled_auction_is_never_opened() {
    let app = spawn_app().await;
    let id = id_of(&app.create(&user(), listing()).await);
    let starts = Utc::now() + Span::milliseconds(600);
    let (status, _) = app
        .schedule(&id, &rfc3339(starts), &rfc3339(starts + Span::seconds(1)))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/api/admin/auctions/{id}/cancel"),
            Some(&admin()),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let commands = app.commands_for(&id, 4, Duration::from_millis(300)).await;
    assert!(
        matches!(
            commands.as_slice(),
            [
                Command::List { .. },
                Command::Schedule { .. },
                Command::Cancel { .. }
            ]
        ),
        "{commands:?}"
    );
}

#[tokio::test]
async fn an_opening_auction_can_no_longer_be_rescheduled() {
    let app = spawn_app().await;
    let id = id_of(&app.create(&user(), listing()).await);
    let now = Utc::now();
    let (status, _) = app
        .schedule(
            &id,
            &rfc3339(now - Span::seconds(1)),
            &rfc3339(now + Span::hours(1)),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let commands = app.commands_for(&id, 3, Duration::from_secs(5)).await;
    assert!(
        matches!(commands.get(2), Some(Command::Open { .. })),
        "{commands:?}"
    );
    let (status, err) = app
        .schedule(
            &id,
            &rfc3339(now + Span::hours(1)),
            &rfc3339(now + Span::hours(2)),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["error"]["code"], "invalid_state");
}
