//! The scheduler: every tick it queues `Open` for auctions whose start has come and
//! `Close` for opened auctions whose end has come, through the command outbox, and tells
//! the watchers of open auctions whose end is near (`auction.ending`), through the event
//! outbox.
//!
//! Several instances may tick at once: rows are claimed with `FOR UPDATE SKIP LOCKED` and
//! marked in the same transaction that enqueues the command or the notices, so each is
//! queued once. When a soft-close extension moves `endsAt`, the engine ignores the earlier
//! Close (its `at` is before the new end) and the read model's new `endsAt` makes the
//! auction due again; a new Close is queued then. The ending notice stays sent: an
//! extension after it sends no second one.

use super::relay::RelayWaker;
use crate::domain::window::to_micros;
use crate::store::{outbox, scheduler};
use chrono::{DateTime, Utc};
use platform_core::clock::Clock;
use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;
use vocabulary::{Command, Event, EventKind};

/// Most opens (and most closes) queued per tick.
const BATCH: i64 = 200;

pub struct Scheduler {
    pool: PgPool,
    waker: RelayWaker,
    tick: Duration,
    /// Where "now" comes from: the system clock, or the test's.
    clock: Arc<dyn Clock>,
    resend_after: chrono::Duration,
    /// How long before the end watchers are told, and the relay of their notices; `None`
    /// sends none.
    ending: Option<(chrono::Duration, RelayWaker)>,
}

/// What one tick queued.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tick {
    pub opened: usize,
    pub closed: usize,
    /// Auctions whose watchers were told they are ending.
    pub ending: usize,
    /// Notices queued for them, one per watcher.
    pub notices: usize,
}

impl Scheduler {
    pub fn new(pool: PgPool, waker: RelayWaker, tick: Duration) -> Self {
        Self {
            pool,
            waker,
            tick,
            clock: platform_core::clock::system(),
            resend_after: scheduler::RESEND_AFTER,
            ending: None,
        }
    }

    /// Tells the watchers of each open auction once, when its end is `window` away or
    /// less, through the event outbox whose relay `waker` wakes.
    pub fn ending_notices(mut self, window: chrono::Duration, waker: RelayWaker) -> Self {
        self.ending = Some((window, waker));
        self
    }

    /// Reads the time from `clock` instead of the system clock.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// How long a queued Open or Close may go without effect before it is queued again.
    pub fn resend_after(mut self, grace: chrono::Duration) -> Self {
        self.resend_after = grace;
        self
    }

    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let mut ticks = tokio::time::interval(self.tick);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return Ok(()),
                _ = ticks.tick() => {}
            }
            match self.tick_once().await {
                Ok(tick) if tick.opened + tick.closed + tick.notices > 0 => {
                    tracing::info!(
                        opened = tick.opened,
                        closed = tick.closed,
                        ending = tick.ending,
                        notices = tick.notices,
                        "scheduler queued commands and notices"
                    );
                    if tick.opened + tick.closed > 0 {
                        self.waker.wake();
                    }
                    if let (Some((_, events)), true) = (&self.ending, tick.notices > 0) {
                        events.wake();
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %format!("{e:#}"), "scheduler tick failed");
                    metrics::counter!("auction_scheduler_failures_total").increment(1);
                }
            }
        }
    }

    /// One pass: opens first, so an auction whose whole window has passed is opened and
    /// closed in that order.
    pub async fn tick_once(&self) -> anyhow::Result<Tick> {
        // To the microsecond, as the row keeps it: the command's `at` and the row agree.
        let now = to_micros(self.clock.now());
        let mut tx = self.pool.begin().await?;
        let opening = scheduler::claim_due_opens(&mut tx, now, BATCH, self.resend_after).await?;
        for &auction_id in &opening {
            outbox::enqueue(
                &mut tx,
                &Command::Open {
                    auction_id,
                    at: now,
                },
            )
            .await?;
        }
        let closing = scheduler::claim_due_closes(&mut tx, now, BATCH, self.resend_after).await?;
        for &auction_id in &closing {
            outbox::enqueue(
                &mut tx,
                &Command::Close {
                    auction_id,
                    at: now,
                },
            )
            .await?;
        }
        let (ending, notices) = match &self.ending {
            Some((window, _)) => queue_ending_notices(&mut tx, now, *window).await?,
            None => (0, 0),
        };
        tx.commit().await?;
        metrics::counter!("auction_scheduler_commands_total", "command" => "open")
            .increment(opening.len() as u64);
        metrics::counter!("auction_scheduler_commands_total", "command" => "close")
            .increment(closing.len() as u64);
        metrics::counter!("auction_ending_notices_total").increment(notices as u64);
        Ok(Tick {
            opened: opening.len(),
            closed: closing.len(),
            ending,
            notices,
        })
    }
}

/// Claims the auctions due for their ending notice and queues one private event per
/// watcher; returns how many auctions and notices. An auction nobody watches is claimed
/// all the same: it is due once, watched or not.
async fn queue_ending_notices(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    window: chrono::Duration,
) -> sqlx::Result<(usize, usize)> {
    let due = scheduler::claim_due_endings(conn, now, window, BATCH).await?;
    let by_id: HashMap<uuid::Uuid, &scheduler::Ending> = due.iter().map(|a| (a.id, a)).collect();
    let ids: Vec<uuid::Uuid> = by_id.keys().copied().collect();
    let watchers = scheduler::watchers_of(conn, &ids).await?;
    let notices: Vec<Event> = watchers
        .into_iter()
        .filter_map(|(auction_id, user_id)| {
            let auction = by_id.get(&auction_id)?;
            Some(Event {
                auction_id: auction_id.into(),
                seq: auction.seq,
                at: now,
                kind: EventKind::Ending {
                    user_id: user_id.into(),
                    ends_at: auction.ends_at,
                    title: Some(auction.title.clone()),
                },
            })
        })
        .collect();
    outbox::enqueue_events(conn, &notices).await?;
    Ok((due.len(), notices.len()))
}
