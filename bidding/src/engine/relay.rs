//! Outbox → event topic. Events are published in outbox order (per partition, which keeps
//! each auction's order) and deleted once the bus acknowledged them.

use crate::store::engine as store;
use platform_bus::Bus;
use platform_core::{AuctionId, EVENT_TOPIC};
use sqlx::PgPool;

/// Publishes `events` in order and waits for all acknowledgements. The publishes are
/// issued in order before any is awaited: the bus keeps per-key order for records it
/// received in order, so this is as ordered as awaiting them one by one, and much faster.
pub async fn publish_in_order(
    bus: &dyn Bus,
    events: &[(AuctionId, Vec<u8>)],
) -> anyhow::Result<()> {
    let keys: Vec<String> = events.iter().map(|(a, _)| a.to_string()).collect();
    let sends = events
        .iter()
        .zip(&keys)
        .map(|((_, payload), key)| bus.publish(EVENT_TOPIC, key.as_bytes(), payload));
    futures::future::try_join_all(sends).await?;
    Ok(())
}

/// Relays what a previous owner of `partition` stored but did not confirm as published.
pub async fn flush_leftovers(pool: &PgPool, bus: &dyn Bus, partition: i32) -> anyhow::Result<()> {
    let (ids, stored) = store::pending_outbox(pool, partition).await?;
    if ids.is_empty() {
        return Ok(());
    }
    let mut events = Vec::with_capacity(stored.len());
    for json in stored {
        let event: platform_core::log::Event = serde_json::from_value(json)?;
        events.push((event.auction_id, serde_json::to_vec(&event)?));
    }
    publish_in_order(bus, &events).await?;
    store::delete_outbox(pool, &ids).await?;
    tracing::info!(partition, count = events.len(), "relayed leftover events");
    Ok(())
}
