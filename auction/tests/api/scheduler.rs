//! The scheduler: Open at `startsAt`, Close at `endsAt`, again after a soft-close extension.

use crate::support::{
    admin, id_of, listing, rfc3339, spawn_app, spawn_app_adjusted, user, TestApp,
};
use auction::workers::scheduler::Tick;
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration as Span, Utc};
use std::time::Duration;
use vocabulary::Amount;
use vocabulary::{AuctionStatus, Command, Event, EventKind, PublicState};

pub(crate) fn opened_state(ends_at: DateTime<Utc>) -> PublicState {
    PublicState {
        status: AuctionStatus::Open,
        starts_at: None,
        ends_at: Some(ends_at),
        current_price: Amount::minor(10000),
        bid_count: 0,
        leading_bidder_id: None,
        reserve_met: false,
        winner_id: None,
        final_price: None,
        minimum_bid: None,
    }
}

/// The instant `at` as the API takes it and the store keeps it (to the millisecond).
fn instant(at: DateTime<Utc>) -> DateTime<Utc> {
    rfc3339(at).parse().unwrap()
}

#[tokio::test]
async fn opens_at_start_closes_at_end_and_again_after_an_extension() {
    let app = spawn_app().await;
    let id = id_of(&app.create(&user(), listing()).await);
    let auction_id = id.parse().unwrap();
    let starts = instant(app.clock.now() + Span::hours(1));
    let ends = starts + Span::hours(1);
    let (status, _) = app.schedule(&id, &rfc3339(starts), &rfc3339(ends)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.scheduler().tick_once().await.unwrap(),
        Tick::default(),
        "nothing is due before the start"
    );

    app.clock.set(starts);
    let commands = app.commands_for(&id, 3, Duration::from_secs(10)).await;
    match commands.as_slice() {
        [Command::List { .. }, Command::Schedule { .. }, Command::Open { at, .. }] => {
            assert_eq!(*at, starts, "opened at the clock's time, its start")
        }
        other => panic!("expected List, Schedule, Open; got {other:?}"),
    }
    publish(
        &app,
        auction_id,
        1,
        EventKind::Opened {
            state: opened_state(ends),
        },
    )
    .await;
    app.wait_for_auction(&id, Duration::from_secs(10), |a| a["status"] == "open")
        .await;

    // At the end itself nothing is due yet (the stored end may be truncated); just past it,
    // a Close.
    app.clock.set(ends);
    assert_eq!(app.scheduler().tick_once().await.unwrap().closed, 0);
    let past_end = ends + Span::microseconds(1);
    app.clock.set(past_end);
    let commands = app.commands_for(&id, 4, Duration::from_secs(10)).await;
    match commands.get(3) {
        Some(Command::Close { at, .. }) => assert_eq!(*at, past_end),
        other => panic!("expected a Close, got {other:?} in {commands:?}"),
    }

    // A soft-close extension moves the end: a new Close follows at the new end, and only
    // then.
    let extended_to = ends + Span::seconds(30);
    publish(
        &app,
        auction_id,
        2,
        EventKind::Extended {
            state: opened_state(extended_to),
        },
    )
    .await;
    app.wait_for_auction(&id, Duration::from_secs(10), |a| a["seq"] == 2)
        .await;
    assert_eq!(app.scheduler().tick_once().await.unwrap().closed, 0);
    app.clock.set(extended_to + Span::seconds(1));
    let commands = app.commands_for(&id, 5, Duration::from_secs(10)).await;
    match commands.get(4) {
        Some(Command::Close { at, .. }) => assert!(*at > extended_to, "{at} after {extended_to}"),
        other => panic!("expected a second Close, got {other:?} in {commands:?}"),
    }
    // The barrier: a tick at this very time queues nothing, and the row says the Close
    // for this end is queued. One Close per end.
    assert_eq!(app.scheduler().tick_once().await.unwrap(), Tick::default());
    assert_eq!(app.commands_for(&id, 5, Duration::ZERO).await.len(), 5);
}

async fn publish(app: &TestApp, auction_id: vocabulary::AuctionId, seq: i64, kind: EventKind) {
    app.publish_event(&Event {
        auction_id,
        seq,
        at: app.clock.now(),
        kind,
    })
    .await;
}

#[tokio::test]
async fn a_cancelled_auction_is_never_opened() {
    let app = spawn_app().await;
    let id = id_of(&app.create(&user(), listing()).await);
    let starts = app.clock.now() + Span::hours(1);
    let (status, _) = app
        .schedule(&id, &rfc3339(starts), &rfc3339(starts + Span::hours(1)))
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
    app.clock.set(starts + Span::hours(2));
    // The barrier: a tick at the new time queues nothing, and no tick (the service's own
    // included) ever marked an Open for it.
    assert_eq!(app.scheduler().tick_once().await.unwrap(), Tick::default());
    let requested: Option<DateTime<Utc>> =
        sqlx::query_scalar("SELECT open_requested_at FROM auctions WHERE id = $1")
            .bind(id.parse::<uuid::Uuid>().unwrap())
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(requested, None);
    let commands = app.commands_for(&id, 3, Duration::from_secs(10)).await;
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
    let now = app.clock.now();
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
    // The service's own scheduler ticks once an hour here: the test ticks.
    let app = spawn_app_adjusted(|c| c.auction_scheduler_tick_ms = 3_600_000).await;
    let id = id_of(&app.create(&user(), listing()).await);
    let starts = app.clock.now() - Span::seconds(1);
    let ends = app.clock.now() + Span::minutes(5);
    let (status, _) = app.schedule(&id, &rfc3339(starts), &rfc3339(ends)).await;
    assert_eq!(status, StatusCode::OK);

    // No engine answers here, so the auction stays `scheduled` whatever is queued.
    let patient = app.scheduler();
    let first = patient.tick_once().await.unwrap();
    let again = patient.tick_once().await.unwrap();
    assert_eq!(
        again.opened, 0,
        "within the grace nothing is queued twice (first: {first:?})"
    );
    let impatient = app.scheduler().resend_after(Span::zero());
    app.clock.advance(Span::milliseconds(1));
    assert_eq!(
        impatient.tick_once().await.unwrap().opened,
        1,
        "an Open without effect is queued again"
    );
}
