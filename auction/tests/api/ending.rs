//! `auction.ending`: the watchers of an open auction are told once, shortly before it
//! ends, through the event outbox and its relay.

use crate::scheduler::opened_state;
use crate::support::{id_of, listing, rfc3339, spawn_app_adjusted, user, TestApp};
use auction::workers::relay::RelayWaker;
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration as Span, Utc};
use platform_core::Identity;
use std::collections::BTreeSet;
use std::time::Duration;
use vocabulary::UserId;
use vocabulary::{Event, EventKind};

/// A listing scheduled to have started a second before the test's clock and to end
/// `lasts` after it, watched by `watchers`, and opened as the engine would report it
/// (`seq` 1). Returns its id and end.
async fn open_watched(
    app: &TestApp,
    lasts: Span,
    watchers: &[&Identity],
) -> (String, DateTime<Utc>) {
    let id = id_of(&app.create(&user(), listing()).await);
    let now = app.clock.now();
    let ends: DateTime<Utc> = rfc3339(now + lasts).parse().unwrap();
    let (status, _) = app
        .schedule(&id, &rfc3339(now - Span::seconds(1)), &rfc3339(ends))
        .await;
    assert_eq!(status, StatusCode::OK);
    for who in watchers {
        let path = format!("/api/me/watchlist/{id}");
        let (status, _) = app.call(Method::PUT, &path, Some(who), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    // The read model takes the engine's end only once the Open is queued.
    app.commands_for(&id, 3, Duration::from_secs(10)).await;
    app.publish_event(&Event {
        auction_id: id.parse().unwrap(),
        seq: 1,
        at: now,
        kind: EventKind::Opened {
            state: opened_state(ends),
        },
    })
    .await;
    app.wait_for_auction(&id, Duration::from_secs(10), |a| a["status"] == "open")
        .await;
    (id, ends)
}

fn recipients(notices: &[Event]) -> BTreeSet<UserId> {
    notices.iter().filter_map(Event::recipient).collect()
}

#[tokio::test]
async fn watchers_are_told_once_that_an_auction_is_ending() {
    let app = spawn_app_adjusted(|c| c.auction_ending_notice_secs = 60).await;
    let (alice, bob, carol) = (user(), user(), user());
    let (soon, ends) = open_watched(&app, Span::seconds(30), &[&alice, &bob]).await;
    let (later, _) = open_watched(&app, Span::minutes(10), &[&alice, &carol]).await;

    let notices = app
        .ending_notices_for(&soon, 2, Duration::from_secs(10))
        .await;
    assert_eq!(
        recipients(&notices),
        BTreeSet::from([alice.user_id, bob.user_id]),
        "one notice per watcher: {notices:?}"
    );
    assert_eq!(notices.len(), 2, "{notices:?}");
    for notice in &notices {
        assert_eq!((notice.name(), notice.seq), ("auction.ending", 1));
        match &notice.kind {
            EventKind::Ending { ends_at, title, .. } => {
                assert_eq!(*ends_at, ends);
                assert_eq!(title.as_deref(), Some("Vintage film camera"));
            }
            other => panic!("not an ending notice: {other:?}"),
        }
    }

    // A soft-close extension after the notice sends no second one.
    app.publish_event(&Event {
        auction_id: soon.parse().unwrap(),
        seq: 2,
        at: Utc::now(),
        kind: EventKind::Extended {
            state: opened_state(ends + Span::seconds(20)),
        },
    })
    .await;
    app.wait_for_auction(&soon, Duration::from_secs(10), |a| a["seq"] == 2)
        .await;
    // The barrier: a tick after the extension queues no notice, for either auction (the
    // other is ten minutes from its end).
    let tick = app
        .scheduler()
        .ending_notices(Span::seconds(60), RelayWaker::default())
        .tick_once()
        .await
        .unwrap();
    assert_eq!((tick.ending, tick.notices), (0, 0), "{tick:?}");
    let early = app.ending_notices_for(&later, 1, Duration::ZERO).await;
    assert!(early.is_empty(), "{early:?}");
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM event_outbox")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(queued, 0, "the relay published and removed every notice");
    let again = app.ending_notices_for(&soon, 3, Duration::ZERO).await;
    assert_eq!(again.len(), 2, "{again:?}");
}

#[tokio::test]
async fn schedulers_ticking_together_queue_each_notice_once() {
    // The service's own scheduler sends none here: the two below are the ones racing.
    let app = spawn_app_adjusted(|c| c.auction_ending_notice_secs = 0).await;
    let watchers = [user(), user(), user()];
    let (id, _) = open_watched(&app, Span::minutes(2), &watchers.iter().collect::<Vec<_>>()).await;
    let (ended, _) = open_watched(&app, Span::seconds(2), &[&watchers[0]]).await;
    let (unwatched, _) = open_watched(&app, Span::minutes(1), &[]).await;
    app.clock.advance(Span::seconds(3));

    let scheduler = || {
        app.scheduler()
            .ending_notices(Span::minutes(5), RelayWaker::default())
    };
    let (a, b) = (scheduler(), scheduler());
    let (one, two) = tokio::join!(a.tick_once(), b.tick_once());
    let (one, two) = (one.unwrap(), two.unwrap());
    assert_eq!(
        (one.ending + two.ending, one.notices + two.notices),
        (2, 3),
        "the watched and the unwatched auction, once each; not the ended one ({ended}): {one:?} {two:?}"
    );
    assert_eq!(scheduler().tick_once().await.unwrap().notices, 0);

    // The service's relay publishes them: one per watcher, nothing for the others.
    let notices = app
        .ending_notices_for(&id, 3, Duration::from_secs(10))
        .await;
    assert_eq!(
        recipients(&notices),
        watchers.iter().map(|w| w.user_id).collect(),
        "{notices:?}"
    );
    assert_eq!(notices.len(), 3, "{notices:?}");
    // The barrier: once the outbox is empty the relay has published all it was given.
    app.wait_for_empty_event_outbox().await;
    for other in [&ended, &unwatched] {
        let none = app.ending_notices_for(other, 1, Duration::ZERO).await;
        assert!(none.is_empty(), "{none:?}");
    }
}
