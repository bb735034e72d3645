//! The scheduler: Open at `startsAt`, Close at `endsAt`, again after a soft-close extension.

use crate::support::{admin, id_of, listing, rfc3339, spawn_app, user};
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration as Span, Utc};
use std::time::Duration;
use vocabulary::{AuctionStatus, Command, Event, EventKind, PublicState};

pub(crate) fn opened_state(ends_at: DateTime<Utc>) -> PublicState {
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
        minimum_bid: None,
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

#[tokio::test]
async fn an_open_or_close_without_effect_is_queued_again_after_the_grace() {
    use auction::workers::relay::RelayWaker;
    use auction::workers::scheduler::Scheduler;
    let app = spawn_app().await;
    let id = id_of(&app.create(&user(), listing()).await);
    let starts = Utc::now() - Span::seconds(1);
    let ends = Utc::now() + Span::minutes(5);
    let (status, _) = app.schedule(&id, &rfc3339(starts), &rfc3339(ends)).await;
    assert_eq!(status, StatusCode::OK);

    // No engine answers here, so the auction stays `scheduled` whatever is queued.
    let patient = Scheduler::new(
        app.pool.clone(),
        RelayWaker::default(),
        Duration::from_secs(1),
    );
    let first = patient.tick_once().await.unwrap();
    let again = patient.tick_once().await.unwrap();
    assert_eq!(
        again.opened, 0,
        "within the grace nothing is queued twice (first: {first:?})"
    );
    let impatient = Scheduler::new(
        app.pool.clone(),
        RelayWaker::default(),
        Duration::from_secs(1),
    )
    .resend_after(Span::zero());
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(
        impatient.tick_once().await.unwrap().opened,
        1,
        "an Open without effect is queued again"
    );
}
