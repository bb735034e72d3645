//! The command relay: moves the command outbox to the command topic.
//!
//! Promises:
//! * Order: rows are published in outbox id order, one at a time, and a row is deleted
//!   only after the bus acknowledged it; together with the outbox's lock-then-enqueue rule
//!   every auction's commands reach the topic in the order they were committed.
//! * One relay at a time: an instance publishes only while it holds a Postgres session
//!   advisory lock; the others stand by and take over when its session ends.
//! * At least once: a crash between the publish and the delete publishes the command
//!   again on restart. The engine ignores a repeated lifecycle command (List, Schedule,
//!   Open, Close, Cancel carry everything they need and applying one twice changes nothing).

use super::pause;
use crate::store::outbox;
use platform_bus::Bus;
use platform_core::COMMAND_TOPIC;
use sqlx::{Connection, PgConnection, PgPool};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Advisory-lock key that elects the one publishing relay ("auction outbox").
const LEADER_LOCK: i64 = 0x6175_6374_696f_6e01;
/// Most rows read per round.
const BATCH: i64 = 256;
/// How often a standing-by instance tries to take over, and the back-off after a failure.
const STANDBY_RETRY: Duration = Duration::from_secs(1);

/// Wakes the relay right after a commit that enqueued commands in this process.
#[derive(Clone, Default)]
pub struct RelayWaker(Arc<Notify>);

impl RelayWaker {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

pub struct Relay {
    pool: PgPool,
    bus: Arc<dyn Bus>,
    waker: RelayWaker,
    /// How often the outbox is checked without a wake-up (rows of other instances).
    poll: Duration,
}

impl Relay {
    pub fn new(pool: PgPool, bus: Arc<dyn Bus>, waker: RelayWaker, poll: Duration) -> Self {
        Self {
            pool,
            bus,
            waker,
            poll,
        }
    }

    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        while !shutdown.is_cancelled() {
            if let Err(e) = self.lead(&shutdown).await {
                tracing::warn!(error = %format!("{e:#}"), "command relay failed, retrying");
                metrics::counter!("auction_command_relay_failures_total").increment(1);
                pause(STANDBY_RETRY, &shutdown).await;
            }
        }
        Ok(())
    }

    /// Stands by until this instance holds the lock, then publishes until shutdown. The
    /// lock lives in a connection of its own: when that connection ends, so does the lock.
    async fn lead(&self, shutdown: &CancellationToken) -> anyhow::Result<()> {
        let mut conn = self.pool.acquire().await?.detach();
        loop {
            let leading: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                .bind(LEADER_LOCK)
                .fetch_one(&mut conn)
                .await?;
            if leading {
                break;
            }
            if !pause(STANDBY_RETRY, shutdown).await {
                return Ok(());
            }
        }
        tracing::info!("command relay is publishing");
        loop {
            let read = self.publish_oldest(&mut conn).await?;
            if read as i64 == BATCH {
                continue;
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = self.waker.0.notified() => {}
                _ = tokio::time::sleep(self.poll) => {}
            }
        }
        conn.close().await.ok();
        Ok(())
    }

    /// Publishes the oldest rows in order and deletes those the bus acknowledged; stops at
    /// the first failure so nothing after it overtakes it. Returns how many rows were read.
    async fn publish_oldest(&self, conn: &mut PgConnection) -> anyhow::Result<usize> {
        let batch = outbox::oldest(conn, BATCH).await?;
        let mut published = Vec::with_capacity(batch.len());
        let mut failure = None;
        for command in &batch {
            let key = command.auction_id.to_string();
            match self
                .bus
                .publish(COMMAND_TOPIC, key.as_bytes(), command.payload.as_bytes())
                .await
            {
                Ok(_) => published.push(command.id),
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        outbox::remove(conn, &published).await?;
        metrics::counter!("auction_commands_published_total").increment(published.len() as u64);
        match failure {
            Some(e) => Err(e.context("publishing a command")),
            None => Ok(batch.len()),
        }
    }
}
