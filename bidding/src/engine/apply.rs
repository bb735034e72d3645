//! One batch: decide every command and store everything in one transaction. The stored
//! events go to the relay afterwards ([`super::relay`]).

use super::relay::Delivery;
use super::Owned;
use crate::domain::{self, AuctionState, BidOutcome, Rules};
use crate::store::engine::{self as store, BatchWrite, OffsetAdvance, OutcomeRow, Persisted};
use platform_bus::Record;
use sqlx::PgPool;
use std::collections::{BTreeMap, HashSet};
use vocabulary::{topics::COMMANDS as COMMAND_TOPIC, AuctionId, BidId, Command};

/// Applies `records` (in log order per partition) and stores the outcome; returns what is
/// left to deliver (`None` when the batch held nothing of the owned partitions).
/// On error nothing of the batch is stored and `owned` may hold states ahead of Postgres:
/// the caller must rewind.
pub(crate) async fn apply_batch(
    pool: &PgPool,
    log_identity: &str,
    rules: &Rules,
    owned: &mut Owned,
    records: &[Record],
) -> anyhow::Result<Option<Delivery>> {
    let started = std::time::Instant::now();
    let commands = decode(owned, records);
    load_missing_states(pool, owned, &commands).await?;
    let already_decided = already_decided(pool, &commands).await?;

    let mut write = BatchWrite::default();
    let mut next: BTreeMap<i32, i64> = BTreeMap::new();
    let mut dirty: Vec<AuctionId> = Vec::new();
    let mut seen_bids: HashSet<BidId> = HashSet::new();
    for (partition, offset, command) in &commands {
        next.insert(*partition, offset + 1);
        let Some(command) = command else { continue };
        if let Some(bid_id) = bid_id_of(command) {
            if already_decided.contains(&bid_id) || !seen_bids.insert(bid_id) {
                metrics::counter!("engine_duplicate_commands_total").increment(1);
                continue;
            }
        }
        let auction_id = command.auction_id();
        let (_, state) = owned
            .auctions
            .entry(auction_id)
            .or_insert_with(|| (*partition, AuctionState::new(auction_id)));
        let decision = domain::apply(state, command, rules);
        if !dirty.contains(&auction_id) {
            dirty.push(auction_id);
        }
        if let Some(outcome) = decision.outcome {
            let price_paid = state.public().final_price;
            write
                .outcomes
                .extend(outcome_row(command, &outcome, price_paid));
        }
        for event in decision.events {
            write
                .events
                .push((*partition, auction_id, serde_json::to_vec(&event)?));
        }
    }
    if next.is_empty() {
        return Ok(None);
    }
    for auction_id in &dirty {
        let (_, state) = &owned.auctions[auction_id];
        write.states.push((
            *auction_id,
            state.seller_id(),
            serde_json::to_string(state)?,
        ));
    }
    write.offsets = next
        .iter()
        .map(|(&partition, &to)| OffsetAdvance {
            partition,
            from: owned.stored.get(&partition).copied().flatten(),
            to,
        })
        .collect();

    let ids = match store::persist(pool, COMMAND_TOPIC, log_identity, &write).await? {
        Persisted::Committed(ids) => ids,
        Persisted::Fenced(p) => anyhow::bail!("partition {p} was advanced by another engine"),
    };
    for adv in &write.offsets {
        owned.stored.insert(adv.partition, Some(adv.to));
    }
    // Closed auctions rarely change again; keep memory for the live ones.
    owned
        .auctions
        .retain(|_, (_, s)| !s.public().status.is_final());

    metrics::counter!("engine_commands_total").increment(commands.len() as u64);
    metrics::histogram!("engine_batch_seconds").record(started.elapsed().as_secs_f64());
    Ok(Some(Delivery {
        events: write
            .events
            .into_iter()
            .map(|(_, auction, payload)| (auction, payload))
            .collect(),
        outbox_ids: ids,
        offsets: next.into_iter().collect(),
    }))
}

/// Commands of owned partitions not yet applied, in log order. A record that is not a
/// valid command is kept as `None`: it is consumed (its offset advances) but changes
/// nothing, so one bad message can never stall a partition.
fn decode(owned: &Owned, records: &[Record]) -> Vec<(i32, i64, Option<Command>)> {
    records
        .iter()
        .filter(|r| match owned.stored.get(&r.partition) {
            None => false,
            Some(None) => true,
            Some(Some(next)) => r.offset >= *next,
        })
        .map(|r| {
            let command = match serde_json::from_slice::<Command>(&r.payload) {
                Ok(c) if c.auction_id().to_string().as_bytes() == r.key.as_slice() => Some(c),
                Ok(_) => {
                    tracing::warn!(partition = r.partition, offset = r.offset, "command key does not match its auction, skipped");
                    metrics::counter!("engine_invalid_commands_total").increment(1);
                    None
                }
                Err(e) => {
                    tracing::warn!(partition = r.partition, offset = r.offset, error = %e, "invalid command skipped");
                    metrics::counter!("engine_invalid_commands_total").increment(1);
                    None
                }
            };
            (r.partition, r.offset, command)
        })
        .collect()
}

async fn load_missing_states(
    pool: &PgPool,
    owned: &mut Owned,
    commands: &[(i32, i64, Option<Command>)],
) -> anyhow::Result<()> {
    let mut missing: Vec<(AuctionId, i32)> = Vec::new();
    for (p, _, c) in commands {
        if let Some(c) = c {
            let id = c.auction_id();
            if !owned.auctions.contains_key(&id) && !missing.iter().any(|(m, _)| *m == id) {
                missing.push((id, *p));
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let ids: Vec<AuctionId> = missing.iter().map(|(id, _)| *id).collect();
    for (id, json) in store::load_states(pool, &ids).await? {
        let state: AuctionState = serde_json::from_value(json)
            .map_err(|e| anyhow::anyhow!("stored state of auction {id} is unreadable: {e}"))?;
        let partition = missing
            .iter()
            .find(|(m, _)| *m == id)
            .map(|(_, p)| *p)
            .unwrap_or(0);
        owned.auctions.insert(id, (partition, state));
    }
    Ok(())
}

async fn already_decided(
    pool: &PgPool,
    commands: &[(i32, i64, Option<Command>)],
) -> anyhow::Result<HashSet<BidId>> {
    let ids: Vec<BidId> = commands
        .iter()
        .filter_map(|(_, _, c)| c.as_ref().and_then(bid_id_of))
        .collect();
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(store::decided(pool, &ids).await?)
}

fn bid_id_of(command: &Command) -> Option<BidId> {
    match command {
        Command::PlaceBid { bid_id, .. } | Command::BuyNow { bid_id, .. } => Some(*bid_id),
        _ => None,
    }
}

/// The row of a decided bid command; `price_paid` is the final price, which is what an
/// accepted buy-now bid amounts to.
fn outcome_row(
    command: &Command,
    outcome: &BidOutcome,
    price_paid: Option<vocabulary::Amount>,
) -> Option<OutcomeRow> {
    let (accepted, reason, seq, bid_id) = match outcome {
        BidOutcome::Accepted { bid_id, seq } => (true, None, Some(*seq), *bid_id),
        BidOutcome::Rejected { bid_id, reason } => (false, Some(reason.as_str()), None, *bid_id),
    };
    let (auction_id, bidder_id, kind, amount, max_amount, received_at) = match command {
        Command::PlaceBid {
            auction_id,
            bidder_id,
            amount,
            max_amount,
            received_at,
            ..
        } => (
            *auction_id,
            *bidder_id,
            "bid",
            Some(*amount),
            *max_amount,
            *received_at,
        ),
        Command::BuyNow {
            auction_id,
            bidder_id,
            received_at,
            ..
        } => (
            *auction_id,
            *bidder_id,
            "buy_now",
            if accepted { price_paid } else { None },
            None,
            *received_at,
        ),
        _ => return None,
    };
    Some(OutcomeRow {
        bid_id,
        auction_id,
        bidder_id,
        kind,
        amount,
        max_amount,
        accepted,
        reason,
        seq,
        received_at,
    })
}
