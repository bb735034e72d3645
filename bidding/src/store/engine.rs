//! What the engine reads at start-up and writes per batch. A batch is one transaction:
//! bid outcomes, auction states, the offsets that produced them and the outgoing events.
//! Either all of it is stored or none, which is what makes a crash at any point safe.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::collections::{HashMap, HashSet};
use vocabulary::{Amount, AuctionId, BidId, UserId};

/// The decided outcome of one bid command.
#[derive(Clone, Debug)]
pub struct OutcomeRow {
    pub bid_id: BidId,
    pub auction_id: AuctionId,
    pub bidder_id: UserId,
    pub kind: &'static str,
    pub amount: Option<Amount>,
    pub max_amount: Option<Amount>,
    pub accepted: bool,
    pub reason: Option<&'static str>,
    pub seq: Option<i64>,
    pub received_at: DateTime<Utc>,
}

/// A partition's offset moving from `from` (what this engine last stored; `None` if it
/// never stored one) to `to`.
#[derive(Clone, Copy, Debug)]
pub struct OffsetAdvance {
    pub partition: i32,
    pub from: Option<i64>,
    pub to: i64,
}

#[derive(Debug, Default)]
pub struct BatchWrite {
    pub outcomes: Vec<OutcomeRow>,
    /// `(auction, seller, state as JSON text)`: serialized straight from the state, not
    /// through a `serde_json::Value` tree.
    pub states: Vec<(AuctionId, Option<UserId>, String)>,
    pub offsets: Vec<OffsetAdvance>,
    /// `(command partition, auction, event JSON)` in emission order.
    pub events: Vec<(i32, AuctionId, Vec<u8>)>,
}

pub enum Persisted {
    /// Stored; the ids of the outbox rows that hold `events`.
    Committed(Vec<i64>),
    /// Another engine advanced this partition meanwhile: nothing was stored.
    Fenced(i32),
}

/// Everything of one batch in one statement: offsets first, and the rest only when every
/// partition moved from where this engine left it. One statement instead of one per
/// partition and table keeps the batch to three round trips (begin, this, commit), which
/// is most of what a batch waits for on a busy machine.
const PERSIST_BATCH: &str = "
WITH advanced AS (
    UPDATE engine_offsets o SET next_offset = a.next_offset
    FROM UNNEST($3::int4[], $4::int8[], $5::int8[]) AS a(partition, previous, next_offset)
    WHERE o.topic = $1 AND o.log_identity = $2 AND o.partition = a.partition
      AND a.previous IS NOT NULL AND o.next_offset = a.previous
    RETURNING o.partition
), first_stored AS (
    -- The first offset stored for this log: a row left from another log is replaced; a
    -- row another engine already stored for this log fences this one off.
    INSERT INTO engine_offsets (topic, partition, next_offset, log_identity)
    SELECT $1, a.partition, a.next_offset, $2
    FROM UNNEST($3::int4[], $4::int8[], $5::int8[]) AS a(partition, previous, next_offset)
    WHERE a.previous IS NULL
    ON CONFLICT (topic, partition) DO UPDATE
       SET next_offset = EXCLUDED.next_offset, log_identity = EXCLUDED.log_identity
       WHERE engine_offsets.log_identity <> EXCLUDED.log_identity
    RETURNING partition
), moved AS (
    SELECT partition FROM advanced UNION ALL SELECT partition FROM first_stored
), complete AS (
    SELECT count(*) = cardinality($3::int4[]) AS ok FROM moved
), requests AS (
    -- A request whose pending row is missing (its intake removed it after a publish it
    -- took for failed) is stored too, so that its outcome has a bid to belong to.
    INSERT INTO bid_requests (bid_id, auction_id, bidder_id, kind, amount, max_amount,
                              received_at)
    SELECT b, a, u, k, am, mx, rc
    FROM UNNEST($6::uuid[], $7::uuid[], $8::uuid[], $9::text[], $10::int8[], $11::int8[],
                $15::timestamptz[])
         AS t(b, a, u, k, am, mx, rc)
    WHERE (SELECT ok FROM complete)
    ON CONFLICT (bid_id) DO NOTHING
), decided AS (
    INSERT INTO bid_outcomes (bid_id, auction_id, status, reason, seq, amount, decided_at)
    SELECT b, a, st, r, s, am, $16
    FROM UNNEST($6::uuid[], $7::uuid[], $10::int8[], $12::text[], $13::text[], $14::int8[])
         AS t(b, a, am, st, r, s)
    WHERE (SELECT ok FROM complete)
    ON CONFLICT (bid_id) DO NOTHING
), states AS (
    INSERT INTO engine_auctions (auction_id, seller_id, state, updated_at)
    SELECT a, s, st, now() FROM UNNEST($17::uuid[], $18::uuid[], $19::text[]) AS t(a, s, st)
    WHERE (SELECT ok FROM complete)
    ON CONFLICT (auction_id) DO UPDATE
       SET state = EXCLUDED.state,
           seller_id = COALESCE(EXCLUDED.seller_id, engine_auctions.seller_id),
           updated_at = now()
), outbox AS (
    INSERT INTO outbox_batches (partition, events)
    SELECT p, e FROM UNNEST($20::int4[], $21::bytea[]) AS t(p, e)
    WHERE (SELECT ok FROM complete)
    RETURNING id
)
SELECT COALESCE((SELECT array_agg(partition) FROM moved), '{}') AS moved,
       COALESCE((SELECT array_agg(id ORDER BY id) FROM outbox), '{}') AS outbox_ids";

pub async fn persist(
    pool: &PgPool,
    topic: &str,
    log_identity: &str,
    batch: &BatchWrite,
) -> sqlx::Result<Persisted> {
    let offsets = &batch.offsets;
    let o = &batch.outcomes;
    let s = &batch.states;
    let grouped = events_by_partition(&batch.events);
    let mut tx = pool.begin().await?;
    let (moved, ids): (Vec<i32>, Vec<i64>) = sqlx::query_as(PERSIST_BATCH)
        .bind(topic)
        .bind(log_identity)
        .bind(offsets.iter().map(|a| a.partition).collect::<Vec<_>>())
        .bind(offsets.iter().map(|a| a.from).collect::<Vec<_>>())
        .bind(offsets.iter().map(|a| a.to).collect::<Vec<_>>())
        .bind(o.iter().map(|r| r.bid_id.0).collect::<Vec<_>>())
        .bind(o.iter().map(|r| r.auction_id.0).collect::<Vec<_>>())
        .bind(o.iter().map(|r| r.bidder_id.0).collect::<Vec<_>>())
        .bind(o.iter().map(|r| r.kind).collect::<Vec<_>>())
        .bind(o.iter().map(|r| r.amount).collect::<Vec<_>>())
        .bind(o.iter().map(|r| r.max_amount).collect::<Vec<_>>())
        .bind(
            o.iter()
                .map(|r| if r.accepted { "accepted" } else { "rejected" })
                .collect::<Vec<_>>(),
        )
        .bind(o.iter().map(|r| r.reason).collect::<Vec<_>>())
        .bind(o.iter().map(|r| r.seq).collect::<Vec<_>>())
        .bind(o.iter().map(|r| r.received_at).collect::<Vec<_>>())
        .bind(Utc::now())
        .bind(s.iter().map(|(a, _, _)| a.0).collect::<Vec<_>>())
        .bind(
            s.iter()
                .map(|(_, seller, _)| seller.map(|u| u.0))
                .collect::<Vec<_>>(),
        )
        .bind(s.iter().map(|(_, _, st)| st).collect::<Vec<_>>())
        .bind(grouped.iter().map(|(p, _)| *p).collect::<Vec<_>>())
        .bind(
            grouped
                .iter()
                .map(|(_, e)| e.as_slice())
                .collect::<Vec<_>>(),
        )
        .fetch_one(&mut *tx)
        .await?;
    if let Some(fenced) = offsets.iter().find(|a| !moved.contains(&a.partition)) {
        tx.rollback().await?;
        return Ok(Persisted::Fenced(fenced.partition));
    }
    tx.commit().await?;
    Ok(Persisted::Committed(ids))
}

/// The batch's events as one JSON array per partition, each in emission order. Each
/// event is already JSON, so the array is written around the bytes as they are.
fn events_by_partition(events: &[(i32, AuctionId, Vec<u8>)]) -> Vec<(i32, Vec<u8>)> {
    let mut by_partition: std::collections::BTreeMap<i32, Vec<u8>> =
        std::collections::BTreeMap::new();
    for (p, _, event) in events {
        let array = by_partition.entry(*p).or_insert_with(|| vec![b'[']);
        if array.len() > 1 {
            array.push(b',');
        }
        array.extend_from_slice(event);
    }
    by_partition
        .into_iter()
        .map(|(p, mut array)| {
            array.push(b']');
            (p, array)
        })
        .collect()
}

/// Stored next offsets of `partitions` in the log named `log_identity` (absent: never
/// stored for this log).
pub async fn load_offsets(
    pool: &PgPool,
    topic: &str,
    log_identity: &str,
    partitions: &[i32],
) -> sqlx::Result<HashMap<i32, i64>> {
    let rows: Vec<(i32, i64)> = sqlx::query_as(
        "SELECT partition, next_offset FROM engine_offsets
         WHERE topic = $1 AND partition = ANY($2) AND log_identity = $3",
    )
    .bind(topic)
    .bind(partitions)
    .bind(log_identity)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().collect())
}

pub async fn load_states(
    pool: &PgPool,
    ids: &[AuctionId],
) -> sqlx::Result<Vec<(AuctionId, serde_json::Value)>> {
    sqlx::query_as("SELECT auction_id, state::json FROM engine_auctions WHERE auction_id = ANY($1)")
        .bind(ids.iter().map(|a| a.0).collect::<Vec<_>>())
        .fetch_all(pool)
        .await
}

/// Which of `bid_ids` already have an outcome (a command seen twice is applied once).
pub async fn decided(pool: &PgPool, bid_ids: &[BidId]) -> sqlx::Result<HashSet<BidId>> {
    let rows: Vec<BidId> =
        sqlx::query_scalar("SELECT bid_id FROM bid_outcomes WHERE bid_id = ANY($1)")
            .bind(bid_ids.iter().map(|b| b.0).collect::<Vec<_>>())
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().collect())
}

/// Events of `partition` still waiting in the outbox, oldest first, with the ids of the
/// outbox rows that hold them.
pub async fn pending_outbox(
    pool: &PgPool,
    partition: i32,
) -> sqlx::Result<(Vec<i64>, Vec<serde_json::Value>)> {
    let rows: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT id, events FROM outbox_batches WHERE partition = $1 ORDER BY id")
            .bind(partition)
            .fetch_all(pool)
            .await?;
    let mut ids = Vec::with_capacity(rows.len());
    let mut events = Vec::new();
    for (id, bytes) in rows {
        ids.push(id);
        let list: Vec<serde_json::Value> =
            serde_json::from_slice(&bytes).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        events.extend(list);
    }
    Ok((ids, events))
}

pub async fn delete_outbox(pool: &PgPool, ids: &[i64]) -> sqlx::Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query("DELETE FROM outbox_batches WHERE id = ANY($1)")
        .bind(ids)
        .execute(pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_become_one_json_array_per_partition_in_emission_order() {
        let a = AuctionId::new();
        let events = vec![
            (3, a, br#"{"n":1}"#.to_vec()),
            (1, a, br#"{"n":2}"#.to_vec()),
            (3, a, br#"{"n":3}"#.to_vec()),
        ];
        let grouped = events_by_partition(&events);
        let parsed: Vec<(i32, serde_json::Value)> = grouped
            .iter()
            .map(|(p, bytes)| (*p, serde_json::from_slice(bytes).unwrap()))
            .collect();
        assert_eq!(
            parsed,
            vec![
                (1, serde_json::json!([{"n": 2}])),
                (3, serde_json::json!([{"n": 1}, {"n": 3}])),
            ]
        );
    }
}
