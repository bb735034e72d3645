//! The scheduler: every tick it queues `Open` for auctions whose start has come and
//! `Close` for opened auctions whose end has come, through the outbox.
//!
//! Several instances may tick at once: rows are claimed with `FOR UPDATE SKIP LOCKED` and
//! marked in the same transaction that enqueues the command, so each command is queued
//! once. When a soft-close extension moves `endsAt`, the engine ignores the earlier Close
//! (its `at` is before the new end) and the read model's new `endsAt` makes the auction
//! due again; a new Close is queued then.

use super::relay::RelayWaker;
use crate::store::{self, outbox, scheduler};
use platform_core::log::Command;
use sqlx::PgPool;
use std::time::Duration;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

/// Most opens (and most closes) queued per tick.
const BATCH: i64 = 200;

pub struct Scheduler {
    pool: PgPool,
    waker: RelayWaker,
    tick: Duration,
    resend_after: chrono::Duration,
}

/// What one tick queued.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tick {
    pub opened: usize,
    pub closed: usize,
}

impl Scheduler {
    pub fn new(pool: PgPool, waker: RelayWaker, tick: Duration) -> Self {
        Self {
            pool,
            waker,
            tick,
            resend_after: scheduler::RESEND_AFTER,
        }
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
                Ok(tick) if tick.opened + tick.closed > 0 => {
                    tracing::info!(
                        opened = tick.opened,
                        closed = tick.closed,
                        "scheduler queued commands"
                    );
                    self.waker.wake();
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
        let now = store::now();
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
        tx.commit().await?;
        metrics::counter!("auction_scheduler_commands_total", "command" => "open")
            .increment(opening.len() as u64);
        metrics::counter!("auction_scheduler_commands_total", "command" => "close")
            .increment(closing.len() as u64);
        Ok(Tick {
            opened: opening.len(),
            closed: closing.len(),
        })
    }
}
