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
    let rows = store::pending_outbox(pool, partition).await?;
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = rows.iter().map(|(id, _, _)| *id).collect();
    let events: Vec<(AuctionId, Vec<u8>)> = rows
        .into_iter()
        .map(|(_, auction, payload)| Ok((auction, serde_json::to_vec(&payload)?)))
        .collect::<anyhow::Result<_>>()?;
    publish_in_order(bus, &events).await?;
    store::delete_outbox(pool, &ids).await?;
    tracing::info!(partition, count = ids.len(), "relayed leftover events");
    Ok(())
}
