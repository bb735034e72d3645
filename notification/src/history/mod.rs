//! The stored history (schema `notification`): per auction the newest public state and
//! the listing (terms and words), and the recent public events as the event topic carried
//! them; a stream renders an event when it sends it.
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
use vocabulary::{AuctionId, Event, EventKind, Listing, PublicState, Terms};

/// The newest of a batch's events for one auction, and the listing any of them carried.
struct Newest<'a> {
    seq: i64,
    state: &'a PublicState,
    terms: Option<&'a Terms>,
    listing: Option<&'a Listing>,
}

#[derive(Clone)]
pub struct History {
    pool: PgPool,
}

/// What is stored about an auction.
pub struct StoredFeed {
    pub seq: i64,
    pub state: PublicState,
    pub terms: Option<Terms>,
    pub listing: Option<Listing>,
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
        let row: Option<(i64, String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT seq, state, terms, listing FROM auction_feeds WHERE auction_id = $1",
        )
        .bind(auction_id.0)
        .fetch_optional(&self.pool)
        .await
        .context("reading an auction feed")?;
        let Some((seq, state, terms, listing)) = row else {
            return Ok(None);
        };
        Ok(Some(StoredFeed {
            seq,
            state: serde_json::from_str(&state).context("a stored state that is not one")?,
            terms: terms
                .map(|t| serde_json::from_str(&t))
                .transpose()
                .context("stored terms that are not terms")?,
            listing: listing
                .map(|l| serde_json::from_str(&l))
                .transpose()
                .context("a stored listing that is not one")?,
        }))
    }

    /// Stores public events (in `seq` order per auction), each with its record as the
    /// event topic carried it, and moves each auction's state to its newest one, in one
    /// transaction.
    pub async fn record(&self, events: &[(&Event, &str)]) -> anyhow::Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let mut ids = Vec::with_capacity(events.len());
        let mut seqs = Vec::with_capacity(events.len());
        let mut names = Vec::with_capacity(events.len());
        let mut records = Vec::with_capacity(events.len());
        let mut newest: HashMap<AuctionId, Newest> = HashMap::new();
        for &(event, record) in events {
            let Some(state) = event.public_state() else {
                continue;
            };
            ids.push(event.auction_id.0);
            seqs.push(event.seq);
            names.push(event.name().to_owned());
            records.push(record);
            let (terms, listing) = match &event.kind {
                EventKind::Listed { terms, listing, .. } => (Some(terms), listing.as_ref()),
                _ => (None, None),
            };
            let entry = newest.entry(event.auction_id).or_insert(Newest {
                seq: event.seq,
                state,
                terms,
                listing,
            });
            if event.seq >= entry.seq {
                entry.seq = event.seq;
                entry.state = state;
            }
            entry.terms = entry.terms.or(terms);
            entry.listing = entry.listing.or(listing);
        }
        let mut feed_ids: Vec<Uuid> = Vec::with_capacity(newest.len());
        let mut feed_seqs = Vec::with_capacity(newest.len());
        let mut states = Vec::with_capacity(newest.len());
        let mut terms = Vec::with_capacity(newest.len());
        let mut listings = Vec::with_capacity(newest.len());
        for (auction_id, n) in newest {
            feed_ids.push(auction_id.0);
            feed_seqs.push(n.seq);
            states.push(serde_json::to_string(n.state)?);
            terms.push(n.terms.map(serde_json::to_string).transpose()?);
            listings.push(n.listing.map(serde_json::to_string).transpose()?);
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO auction_events (auction_id, seq, name, event)
             SELECT a, s, n, e FROM UNNEST($1::uuid[], $2::bigint[], $3::text[], $4::text[])
                 AS t(a, s, n, e)
             ON CONFLICT (auction_id, seq) DO NOTHING",
        )
        .bind(&ids)
        .bind(&seqs)
        .bind(&names)
        .bind(&records)
        .execute(&mut *tx)
        .await
        .context("storing events")?;
        sqlx::query(
            "INSERT INTO auction_feeds AS f (auction_id, seq, state, terms, listing)
             SELECT a, s, st, tm, l
             FROM UNNEST($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[])
                 AS t(a, s, st, tm, l)
             ON CONFLICT (auction_id) DO UPDATE SET
                 seq = GREATEST(f.seq, EXCLUDED.seq),
                 state = CASE WHEN EXCLUDED.seq > f.seq THEN EXCLUDED.state ELSE f.state END,
                 terms = COALESCE(f.terms, EXCLUDED.terms),
                 listing = COALESCE(f.listing, EXCLUDED.listing),
                 updated_at = now()",
        )
        .bind(&feed_ids)
        .bind(&feed_seqs)
        .bind(&states)
        .bind(&terms)
        .bind(&listings)
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
        let rows: Vec<(i64, String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT seq, name, event, data FROM auction_events
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
                .all(|((seq, ..), want)| *seq == want);
        if !complete {
            return Ok(None);
        }
        rows.into_iter()
            .map(|(_, name, event, data)| {
                let update = match (event, data) {
                    (Some(event), _) => {
                        let event: Event = serde_json::from_str(&event)
                            .context("a stored event that is not one")?;
                        AuctionUpdate::of(&event).context("a stored event that is not public")?
                    }
                    // Written as the stream's JSON, before the history kept events.
                    (None, Some(data)) => {
                        AuctionUpdate::stored(&data).context("a stored update that is not one")?
                    }
                    (None, None) => anyhow::bail!("a stored event without its record"),
                };
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
