//! Applying the engine's public state to the `auctions` rows.
//!
//! Promise: a row only ever takes a state whose `seq` is newer than the one it has, so
//! replays and duplicates change nothing. Status only moves forward (see
//! `auction_status_rank` in the migration). Until the Open command is queued the window
//! belongs to the API (an admin may still move it, and the engine's echo of an older
//! window must not undo that); from then on the engine owns `ends_at` (soft close).

use sqlx::PgConnection;
use uuid::Uuid;
use vocabulary::{Amount, AuctionId, PublicState};

/// The newest public state seen for one auction.
#[derive(Clone, Debug)]
pub struct Update {
    pub auction_id: AuctionId,
    pub seq: i64,
    pub state: PublicState,
}

/// Applies every update in one statement; returns how many rows changed. Each auction
/// must appear at most once.
pub async fn apply(conn: &mut PgConnection, updates: &[Update]) -> sqlx::Result<u64> {
    if updates.is_empty() {
        return Ok(0);
    }
    let ids: Vec<Uuid> = updates.iter().map(|u| u.auction_id.0).collect();
    let seqs: Vec<i64> = updates.iter().map(|u| u.seq).collect();
    let statuses: Vec<&str> = updates.iter().map(|u| u.state.status.as_str()).collect();
    let ends: Vec<_> = updates.iter().map(|u| u.state.ends_at).collect();
    let prices: Vec<i64> = updates
        .iter()
        .map(|u| u.state.current_price.get())
        .collect();
    let counts: Vec<i64> = updates.iter().map(|u| u.state.bid_count).collect();
    let leaders: Vec<Option<Uuid>> = updates
        .iter()
        .map(|u| u.state.leading_bidder_id.map(|b| b.0))
        .collect();
    let reserve_met: Vec<bool> = updates.iter().map(|u| u.state.reserve_met).collect();
    let winners: Vec<Option<Uuid>> = updates
        .iter()
        .map(|u| u.state.winner_id.map(|w| w.0))
        .collect();
    let finals: Vec<Option<i64>> = updates
        .iter()
        .map(|u| u.state.final_price.map(Amount::get))
        .collect();
    let minimums: Vec<Option<i64>> = updates
        .iter()
        .map(|u| u.state.minimum_bid.map(Amount::get))
        .collect();
    let changed = sqlx::query(
        "UPDATE auctions a SET \
             status = CASE WHEN auction_status_rank(u.status) > auction_status_rank(a.status) \
                           THEN u.status ELSE a.status END, \
             ends_at = CASE WHEN a.open_requested_at IS NOT NULL \
                            THEN COALESCE(u.ends_at, a.ends_at) ELSE a.ends_at END, \
             current_price = u.current_price, bid_count = u.bid_count, \
             leading_bidder_id = u.leading_bidder_id, reserve_met = u.reserve_met, \
             winner_id = u.winner_id, final_price = u.final_price, \
             minimum_bid = u.minimum_bid, seq = u.seq, updated_at = now() \
         FROM UNNEST($1::uuid[], $2::int8[], $3::text[], $4::timestamptz[], $5::int8[], \
                     $6::int8[], $7::uuid[], $8::bool[], $9::uuid[], $10::int8[], \
                     $11::int8[]) \
              AS u(id, seq, status, ends_at, current_price, bid_count, leading_bidder_id, \
                   reserve_met, winner_id, final_price, minimum_bid) \
         WHERE a.id = u.id AND a.seq < u.seq",
    )
    .bind(ids)
    .bind(seqs)
    .bind(statuses)
    .bind(ends)
    .bind(prices)
    .bind(counts)
    .bind(leaders)
    .bind(reserve_met)
    .bind(winners)
    .bind(finals)
    .bind(minimums)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(changed)
}
