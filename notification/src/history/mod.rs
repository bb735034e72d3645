//! The stored history (schema `notification`): per auction the newest public state and
//! listing terms, and the recent public events as the streams send them.
//!
//! Promises:
//! * Idempotent: an event is one row per (auction, seq) and the state only ever moves to a
//!   newer `seq`, so re-reading the topic (a restart, a second instance, a redelivery)
//!   changes nothing.
//! * An event is stored before any stream is sent it, so a client can always resume from
//!   an id it was given, on any instance, until pruning removes the events after it.

use crate::hub::views::AuctionUpdate;
use anyhow::Context;
use sqlx::PgPool;
use std::collections::HashMap;
use std::time::Duration;
use uuid::Uuid;
use vocabulary::{AuctionId, Event, EventKind, PublicState, Terms};

#[derive(Clone)]
pub struct History {
    pool: PgPool,
}

/// What is stored about an auction.
pub struct StoredFeed {
    pub seq: i64,
    pub state: PublicState,
    pub terms: Option<Terms>,
}

/// A stored public event, ready to be sent again.
pub struct StoredEvent {
    pub name: String,
    pub update: AuctionUpdate,
}

impl History {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub async fn feed(&self, auction_id: AuctionId) -> anyhow::Result<Option<StoredFeed>> {
        let row: Option<(i64, String, Option<String>)> =
            sqlx::query_as("SELECT seq, state, terms FROM auction_feeds WHERE auction_id = $1")
                .bind(auction_id.0)
                .fetch_optional(&self.pool)
                .await
                .context("reading an auction feed")?;
        let Some((seq, state, terms)) = row else {
            return Ok(None);
        };
        Ok(Some(StoredFeed {
            seq,
            state: serde_json::from_str(&state).context("a stored state that is not one")?,
            terms: terms
                .map(|t| serde_json::from_str(&t))
                .transpose()
                .context("stored terms that are not terms")?,
        }))
    }

    /// Stores public events (in `seq` order per auction) and moves each auction's state
    /// to its newest one, in one transaction.
    pub async fn record(&self, events: &[(&Event, &AuctionUpdate)]) -> anyhow::Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let mut ids = Vec::with_capacity(events.len());
        let mut seqs = Vec::with_capacity(events.len());
        let mut names = Vec::with_capacity(events.len());
        let mut data = Vec::with_capacity(events.len());
        let mut newest: HashMap<AuctionId, (i64, &PublicState, Option<&Terms>)> = HashMap::new();
        for (event, update) in events {
            let Some(state) = event.public_state() else {
                continue;
            };
            ids.push(event.auction_id.0);
            seqs.push(event.seq);
            names.push(event.name().to_owned());
            data.push(serde_json::to_string(update)?);
            let terms = match &event.kind {
                EventKind::Listed { terms, .. } => Some(terms),
                _ => None,
            };
            let entry = newest
                .entry(event.auction_id)
                .or_insert((event.seq, state, terms));
            if event.seq >= entry.0 {
                *entry = (event.seq, state, terms.or(entry.2));
            } else if entry.2.is_none() {
                entry.2 = terms;
            }
        }
        let mut feed_ids: Vec<Uuid> = Vec::with_capacity(newest.len());
        let mut feed_seqs = Vec::with_capacity(newest.len());
        let mut states = Vec::with_capacity(newest.len());
        let mut terms = Vec::with_capacity(newest.len());
        for (auction_id, (seq, state, t)) in newest {
            feed_ids.push(auction_id.0);
            feed_seqs.push(seq);
            states.push(serde_json::to_string(state)?);
            terms.push(t.map(serde_json::to_string).transpose()?);
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO auction_events (auction_id, seq, name, data)
             SELECT a, s, n, d FROM UNNEST($1::uuid[], $2::bigint[], $3::text[], $4::text[])
                 AS t(a, s, n, d)
             ON CONFLICT (auction_id, seq) DO NOTHING",
        )
        .bind(&ids)
        .bind(&seqs)
        .bind(&names)
        .bind(&data)
        .execute(&mut *tx)
        .await
        .context("storing events")?;
        sqlx::query(
            "INSERT INTO auction_feeds AS f (auction_id, seq, state, terms)
             SELECT a, s, st, tm
             FROM UNNEST($1::uuid[], $2::bigint[], $3::text[], $4::text[]) AS t(a, s, st, tm)
             ON CONFLICT (auction_id) DO UPDATE SET
                 seq = GREATEST(f.seq, EXCLUDED.seq),
                 state = CASE WHEN EXCLUDED.seq > f.seq THEN EXCLUDED.state ELSE f.state END,
                 terms = COALESCE(f.terms, EXCLUDED.terms),
                 updated_at = now()",
        )
        .bind(&feed_ids)
        .bind(&feed_seqs)
        .bind(&states)
        .bind(&terms)
        .execute(&mut *tx)
        .await
        .context("storing auction states")?;
        tx.commit().await?;
        Ok(())
    }

    /// The stored events with `after < seq <= upto`, in order, if the history still holds
    /// every one of them; `None` when any is missing (pruned or never seen).
    pub async fn events_between(
        &self,
        auction_id: AuctionId,
        after: i64,
        upto: i64,
    ) -> anyhow::Result<Option<Vec<StoredEvent>>> {
        if upto <= after {
            return Ok(Some(Vec::new()));
        }
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT seq, name, data FROM auction_events
             WHERE auction_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq",
        )
        .bind(auction_id.0)
        .bind(after)
        .bind(upto)
        .fetch_all(&self.pool)
        .await
        .context("reading stored events")?;
        let complete = rows.len() as i64 == upto - after
            && rows
                .iter()
                .zip(after + 1..)
                .all(|((seq, _, _), want)| *seq == want);
        if !complete {
            return Ok(None);
        }
        rows.into_iter()
            .map(|(_, name, data)| {
                let update =
                    serde_json::from_str(&data).context("a stored event that is not one")?;
                Ok(StoredEvent { name, update })
            })
            .collect::<anyhow::Result<_>>()
            .map(Some)
    }

    /// Deletes events more than `keep` behind their auction's newest, or older than
    /// `max_age`. Returns how many went.
    pub async fn prune(&self, keep: i64, max_age: Duration) -> anyhow::Result<u64> {
        let deleted = sqlx::query(
            "DELETE FROM auction_events e USING auction_feeds f
             WHERE e.auction_id = f.auction_id
               AND (e.seq <= f.seq - $1 OR e.recorded_at < now() - $2 * interval '1 second')",
        )
        .bind(keep.max(1))
        .bind(max_age.as_secs() as f64)
        .execute(&self.pool)
        .await
        .context("pruning stored events")?;
        Ok(deleted.rows_affected())
    }
}
