//! The relays: each moves one outbox to its topic (commands to the command topic, this
//! service's own private events to the event topic).
//!
//! Promises, per outbox:
//! * Order: rows are published in outbox id order, one at a time, and a row is deleted
//!   only after the bus acknowledged it; together with the outbox's lock-then-enqueue rule
//!   every auction's messages reach the topic in the order they were committed. The two
//!   outboxes are not ordered against each other, nor events against the engine's: the
//!   events here are private notices, which no consumer orders by `seq`.
//! * One relay per outbox at a time: an instance publishes only while it holds that
//!   outbox's Postgres session advisory lock; the others stand by and take over when its
//!   session ends.
//! * At least once: a crash between the publish and the delete publishes the message
//!   again on restart. The engine ignores a repeated lifecycle command (List, Schedule,
//!   Open, Close, Cancel carry everything they need and applying one twice changes
//!   nothing); the notification service sends a repeated notice once.

use super::pause;
use crate::store::outbox::{self, Outbox};
use platform_bus::Bus;
use sqlx::{Connection, PgConnection, PgPool};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Advisory-lock keys that elect the one publishing relay of each outbox ("auction" and
/// a number).
const COMMANDS_LEADER_LOCK: i64 = 0x6175_6374_696f_6e01;
const EVENTS_LEADER_LOCK: i64 = 0x6175_6374_696f_6e02;
/// Most rows read per round.
const BATCH: i64 = 256;
/// How often a standing-by instance tries to take over, and the back-off after a failure.
const STANDBY_RETRY: Duration = Duration::from_secs(1);

/// Wakes a relay right after a commit that enqueued into its outbox in this process.
#[derive(Clone, Default)]
pub struct RelayWaker(Arc<Notify>);

impl RelayWaker {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

pub struct Relay {
    outbox: Outbox,
    pool: PgPool,
    bus: Arc<dyn Bus>,
    waker: RelayWaker,
    /// How often the outbox is checked without a wake-up (rows of other instances).
    poll: Duration,
}

impl Relay {
    pub fn new(
        outbox: Outbox,
        pool: PgPool,
        bus: Arc<dyn Bus>,
        waker: RelayWaker,
        poll: Duration,
    ) -> Self {
        Self {
            outbox,
            pool,
            bus,
            waker,
            poll,
        }
    }

    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        while !shutdown.is_cancelled() {
            if let Err(e) = self.lead(&shutdown).await {
                tracing::warn!(error = %format!("{e:#}"), outbox = self.outbox.carries(), "relay failed, retrying");
                metrics::counter!("auction_relay_failures_total", "outbox" => self.outbox.carries()).increment(1);
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
                .bind(self.leader_lock())
                .fetch_one(&mut conn)
                .await?;
            if leading {
                break;
            }
            if !pause(STANDBY_RETRY, shutdown).await {
                return Ok(());
            }
        }
        tracing::info!(outbox = self.outbox.carries(), "relay is publishing");
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
        let batch = outbox::oldest(conn, self.outbox, BATCH).await?;
        let mut published = Vec::with_capacity(batch.len());
        let mut failure = None;
        for message in &batch {
            let key = message.auction_id.to_string();
            match self
                .bus
                .publish(
                    self.outbox.topic(),
                    key.as_bytes(),
                    message.payload.as_bytes(),
                )
                .await
            {
                Ok(_) => published.push(message.id),
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        outbox::remove(conn, self.outbox, &published).await?;
        metrics::counter!("auction_outbox_published_total", "outbox" => self.outbox.carries())
            .increment(published.len() as u64);
        match failure {
            Some(e) => Err(e.context(format!("publishing {}", self.outbox.carries()))),
            None => Ok(batch.len()),
        }
    }

    fn leader_lock(&self) -> i64 {
        match self.outbox {
            Outbox::Commands => COMMANDS_LEADER_LOCK,
            Outbox::Events => EVENTS_LEADER_LOCK,
        }
    }
}
