//! Keeps memory and the stored history bounded: feeds without streams are forgotten after
//! `idle`, stored events beyond `keep` per auction or older than `max_age` are deleted.

use super::pause;
use crate::history::History;
use crate::hub::Hub;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub struct Upkeep {
    pub hub: Arc<Hub>,
    pub history: History,
    pub every: Duration,
    pub idle: Duration,
    pub keep: i64,
    pub max_age: Duration,
}

impl Upkeep {
    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        while pause(self.every, &shutdown).await {
            let (auctions, users) = self.hub.evict_idle(self.idle);
            if auctions + users > 0 {
                tracing::debug!(auctions, users, "forgot idle feeds");
            }
            match self.history.prune(self.keep, self.max_age).await {
                Ok(0) => {}
                Ok(deleted) => {
                    tracing::debug!(deleted, "pruned stored events");
                    metrics::counter!("notification_history_pruned_total").increment(deleted);
                }
                // The next round tries again; nothing depends on pruning being prompt.
                Err(e) => tracing::warn!(error = %format!("{e:#}"), "pruning stored events failed"),
            }
        }
        Ok(())
    }
}
