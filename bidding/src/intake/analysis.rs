//! `GET /api/auctions/{id}/analysis`: how an auction went, from the engine's own record
//! (its stored state and the accepted bids), so it agrees with what the engine decided.
//!
//! The engine does not keep the price after each bid, only the bids. It does not need to:
//! rejected bids never change an auction and lifecycle commands never change its price,
//! so applying the accepted bids again, in `seq` order, to a fresh auction with the same
//! terms reproduces every price the engine published (the same pure rules, the same
//! inputs). Only a change of the increment table since the bids were decided makes the
//! replay differ; that is logged and counted, and the replayed prices are still given.

use super::IntakeState;
use crate::domain::{apply, AuctionState, BidOutcome, Rules, SoftClose};
use crate::store::analysis::{self as store, AcceptedBid};
use axum::extract::State;
use chrono::{DateTime, Duration, Utc};
use platform_core::{ApiError, ApiJson, ApiPath, ErrorResponse};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use vocabulary::{Amount, AuctionId, Command, Terms};

#[derive(Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuctionAnalysis {
    pub auction_id: AuctionId,
    /// `pending | scheduled | open | closed | cancelled`, as the engine has it.
    #[schema(example = "closed")]
    pub status: String,
    /// Accepted bids.
    pub bid_count: i64,
    /// Bidders with at least one accepted bid.
    pub unique_bidders: i64,
    pub starting_price: Amount,
    /// The price paid; `null` unless the auction closed with a winner.
    pub final_price: Option<Amount>,
    /// Every change of the public price, in `seq` order: first the starting price when
    /// the auction opened, then each accepted bid that moved the price.
    pub price_points: Vec<PricePoint>,
    /// Accepted bids by the minute they were received, from the first such minute to the
    /// last, minutes without bids included as 0.
    pub bids_per_minute: Vec<MinuteCount>,
}

#[derive(Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PricePoint {
    /// When the price became this: the opening, or when the bid was received.
    pub at: DateTime<Utc>,
    pub price: Amount,
    /// The `seq` of the event that published it (`opened` or `price`).
    pub seq: i64,
}

#[derive(Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MinuteCount {
    /// The start of the minute (RFC 3339, UTC).
    pub minute: DateTime<Utc>,
    pub count: i64,
}

#[utoipa::path(
    get, path = "/api/auctions/{id}/analysis", tag = "analysis",
    params(("id" = uuid::Uuid, Path, description = "auction id")),
    responses(
        (status = 200, description = "how the auction went", body = AuctionAnalysis),
        (status = 400, description = "malformed id", body = ErrorResponse),
        (status = 404, description = "unknown auction", body = ErrorResponse),
    )
)]
pub async fn analysis(
    State(state): State<IntakeState>,
    ApiPath(auction_id): ApiPath<AuctionId>,
) -> Result<ApiJson<AuctionAnalysis>, ApiError> {
    let Some((stored, bids)) = store::auction_record(&state.pool, auction_id).await? else {
        return Err(ApiError::not_found("auction"));
    };
    let auction: AuctionState = serde_json::from_value(stored)
        .map_err(|e| ApiError::internal(format!("stored state of {auction_id}: {e}")))?;
    // A bid in an auction the engine never saw listed leaves a state without terms.
    let Some(terms) = auction.terms() else {
        return Err(ApiError::not_found("auction"));
    };
    let prices = replayed_prices(auction_id, terms, &bids, &state.rules);
    let public = auction.public();
    let replayed_last = prices.iter().rev().find_map(|p| *p);
    if prices.iter().any(Option::is_none)
        || replayed_last.is_some_and(|p| p != public.current_price)
    {
        tracing::warn!(%auction_id, "replayed prices differ from the engine's (increments changed since?)");
        metrics::counter!("bidding_analysis_replay_mismatches_total").increment(1);
    }
    Ok(ApiJson(AuctionAnalysis {
        auction_id,
        status: public.status.as_str().to_owned(),
        bid_count: public.bid_count,
        unique_bidders: auction.bidders().count() as i64,
        starting_price: terms.starting_price,
        final_price: public.final_price,
        price_points: price_points(&auction, terms, &bids, &prices),
        bids_per_minute: bids_per_minute(&bids),
    }))
}

/// The price after each of `bids` (accepted, in `seq` order) when applied again to a
/// fresh auction with `terms`; `None` for a bid the replay does not accept. The window is
/// one every bid falls in, and soft close is off: neither moves a price.
fn replayed_prices(
    auction_id: AuctionId,
    terms: &Terms,
    bids: &[AcceptedBid],
    rules: &Rules,
) -> Vec<Option<Amount>> {
    let (Some(first), Some(last)) = (
        bids.iter().map(|b| b.received_at).min(),
        bids.iter().map(|b| b.received_at).max(),
    ) else {
        return Vec::new();
    };
    let rules = Rules {
        increments: rules.increments.clone(),
        soft_close: SoftClose {
            window: Duration::zero(),
            extension: Duration::zero(),
            max_total_extension: Duration::zero(),
        },
    };
    let opened = first - Duration::seconds(1);
    let mut auction = AuctionState::new(auction_id);
    for command in [
        Command::List {
            auction_id,
            terms: terms.clone(),
            listing: Default::default(),
            at: opened,
        },
        Command::Schedule {
            auction_id,
            starts_at: opened,
            ends_at: last + Duration::days(1),
            at: opened,
        },
        Command::Open {
            auction_id,
            at: opened,
        },
    ] {
        apply(&mut auction, &command, &rules);
    }
    bids.iter()
        .map(|bid| {
            let command = again(auction_id, bid);
            match apply(&mut auction, &command, &rules).outcome {
                Some(BidOutcome::Accepted { .. }) => Some(auction.public().current_price),
                _ => None,
            }
        })
        .collect()
}

/// The command an accepted bid came from.
fn again(auction_id: AuctionId, bid: &AcceptedBid) -> Command {
    if bid.kind == "buy_now" {
        Command::BuyNow {
            auction_id,
            bid_id: bid.bid_id,
            bidder_id: bid.bidder_id,
            received_at: bid.received_at,
        }
    } else {
        Command::PlaceBid {
            auction_id,
            bid_id: bid.bid_id,
            bidder_id: bid.bidder_id,
            amount: bid.amount.unwrap_or_default(),
            max_amount: bid.max_amount,
            received_at: bid.received_at,
        }
    }
}

/// The starting price at the opening (when the auction is known to have opened), then
/// every accepted bid whose replayed price differs from the point before.
fn price_points(
    auction: &AuctionState,
    terms: &Terms,
    bids: &[AcceptedBid],
    prices: &[Option<Amount>],
) -> Vec<PricePoint> {
    let mut points = Vec::new();
    let opened = auction.public().starts_at.zip(opened_seq(auction, bids));
    if let Some((at, seq)) = opened {
        points.push(PricePoint {
            at,
            price: terms.starting_price,
            seq,
        });
    }
    let mut last = terms.starting_price;
    for (bid, price) in bids.iter().zip(prices) {
        if let Some(price) = *price {
            if price != last {
                points.push(PricePoint {
                    at: bid.received_at,
                    price,
                    seq: bid.seq,
                });
                last = price;
            }
        }
    }
    points
}

/// The `seq` of the auction's `opened` event. Nothing public happens between the opening
/// and the first accepted bid (nor the close of an auction without bids), so it is the
/// `seq` just before those. A cancelled auction without bids may never have opened: `None`.
fn opened_seq(auction: &AuctionState, bids: &[AcceptedBid]) -> Option<i64> {
    use vocabulary::AuctionStatus;
    match (bids.first(), auction.status()) {
        (Some(first), _) => Some(first.seq - 1),
        (None, AuctionStatus::Open) => Some(auction.seq()),
        (None, AuctionStatus::Closed) => Some(auction.seq() - 1),
        (None, _) => None,
    }
}

/// Counts per minute of receipt, with the empty minutes between the first and the last.
fn bids_per_minute(bids: &[AcceptedBid]) -> Vec<MinuteCount> {
    let mut counts: BTreeMap<i64, i64> = BTreeMap::new();
    for bid in bids {
        *counts
            .entry(bid.received_at.timestamp().div_euclid(60))
            .or_default() += 1;
    }
    let (Some(&first), Some(&last)) = (counts.keys().next(), counts.keys().next_back()) else {
        return Vec::new();
    };
    (first..=last)
        .filter_map(|minute| {
            Some(MinuteCount {
                minute: DateTime::from_timestamp(minute * 60, 0)?,
                count: counts.get(&minute).copied().unwrap_or(0),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use vocabulary::{BidId, Currency, UserId};

    fn a(minor: i64) -> Amount {
        Amount::minor(minor)
    }

    fn t(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    fn accepted(
        seq: i64,
        bidder: UserId,
        amount: Amount,
        max: Option<Amount>,
        at: i64,
    ) -> AcceptedBid {
        AcceptedBid {
            seq,
            bid_id: BidId::new(),
            bidder_id: bidder,
            kind: "bid".into(),
            amount: Some(amount),
            max_amount: max,
            received_at: t(at),
        }
    }

    fn terms() -> Terms {
        Terms {
            seller_id: UserId::new(),
            currency: Currency::default(),
            starting_price: Amount::minor(1_000),
            reserve_price: None,
            buy_now_price: Some(Amount::minor(50_000)),
        }
    }

    #[test]
    fn proxy_bids_are_priced_as_the_engine_priced_them() {
        let (alice, bob) = (UserId::new(), UserId::new());
        let rules = Rules::default();
        let step = |price| rules.increments.step_above(price);
        let bids = [
            accepted(4, alice, a(1_000), Some(a(5_000)), 0),
            // Bob's bid under Alice's maximum pushes her up to one step above it.
            accepted(5, bob, a(2_000), None, 10),
            // Alice raising her own maximum moves nothing.
            accepted(6, alice, step(step(a(2_000))), Some(a(9_000)), 20),
        ];
        let prices = replayed_prices(AuctionId::new(), &terms(), &bids, &rules);
        assert_eq!(
            prices,
            [Some(a(1_000)), Some(step(a(2_000))), Some(step(a(2_000)))]
        );
        // A bid the rules refuse now (here: under the minimum) gets no price.
        let refused = [accepted(4, alice, a(10), None, 0)];
        assert_eq!(
            replayed_prices(AuctionId::new(), &terms(), &refused, &rules),
            [None]
        );
    }

    #[test]
    fn points_start_at_the_opening_and_follow_each_change() {
        let alice = UserId::new();
        let bids = [
            accepted(4, alice, a(1_000), None, 0),
            accepted(6, UserId::new(), a(3_000), None, 30),
        ];
        let terms = terms();
        let prices = [Some(a(1_000)), Some(a(3_000))];
        let mut auction = AuctionState::new(AuctionId::new());
        let rules = Rules::default();
        for command in [
            Command::List {
                auction_id: auction.auction_id(),
                terms: terms.clone(),
                listing: Default::default(),
                at: t(-100),
            },
            Command::Schedule {
                auction_id: auction.auction_id(),
                starts_at: t(-50),
                ends_at: t(600),
                at: t(-100),
            },
        ] {
            apply(&mut auction, &command, &rules);
        }
        let points = price_points(&auction, &terms, &bids, &prices);
        assert_eq!(
            points,
            [
                PricePoint {
                    at: t(-50),
                    price: Amount::minor(1_000),
                    seq: 3
                },
                PricePoint {
                    at: t(30),
                    price: Amount::minor(3_000),
                    seq: 6
                },
            ]
        );
    }

    #[test]
    fn minutes_without_bids_count_zero_between_the_first_and_the_last() {
        let who = UserId::new();
        // t(0) is 09:20:00 UTC on a minute boundary: 1_800_000_000 = 30_000_000 minutes.
        let bids = [
            accepted(2, who, a(1), None, 5),
            accepted(3, who, a(2), None, 59),
            accepted(4, who, a(3), None, 185),
        ];
        let minutes: Vec<(i64, i64)> = bids_per_minute(&bids)
            .iter()
            .map(|m| ((m.minute - t(0)).num_minutes(), m.count))
            .collect();
        assert_eq!(minutes, [(0, 2), (1, 0), (2, 0), (3, 1)]);
        assert!(bids_per_minute(&[]).is_empty());
    }
}
