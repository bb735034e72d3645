//! Background work: the event consumer that feeds the hub, and the upkeep that forgets
//! idle feeds and prunes the stored history.

pub mod consumer;
pub mod upkeep;

use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Sleeps `d`; `false` if shutdown fired first.
pub(crate) async fn pause(d: Duration, shutdown: &CancellationToken) -> bool {
    tokio::select! {
        _ = shutdown.cancelled() => false,
        _ = tokio::time::sleep(d) => true,
    }
}
