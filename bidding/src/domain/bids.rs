//! Bids and buy-now: admission, the proxy contest, soft close, and the events that tell
//! the public and each bidder what happened.

use super::apply::{finish, BidOutcome};
use super::proxy::{contest, ProxyBid};
use super::rules::Rules;
use super::state::{AuctionState, Leader};
use chrono::{DateTime, Utc};
use vocabulary::{Amount, AuctionStatus, BidId, Event, EventKind, RejectReason, UserId};

/// What every bid and buy-now request carries.
#[derive(Clone, Copy, Debug)]
pub(super) struct BidRequest {
    pub bid_id: BidId,
    pub bidder_id: UserId,
    pub received_at: DateTime<Utc>,
}

/// Checks shared by bids and buy-now, in the order their reasons are reported.
fn admit(state: &AuctionState, request: &BidRequest) -> Result<(), RejectReason> {
    let Some(seller_id) = state.seller_id() else {
        return Err(RejectReason::UnknownAuction);
    };
    if request.bidder_id == seller_id {
        return Err(RejectReason::SellerCannotBid);
    }
    match state.status {
        AuctionStatus::Pending | AuctionStatus::Scheduled => Err(RejectReason::AuctionNotOpen),
        AuctionStatus::Closed | AuctionStatus::Cancelled => Err(RejectReason::AuctionClosed),
        // The close command may still be on its way: the end itself is what counts.
        AuctionStatus::Open => match state.ends_at {
            Some(ends_at) if request.received_at < ends_at => Ok(()),
            _ => Err(RejectReason::AuctionClosed),
        },
    }
}

fn reject(
    state: &AuctionState,
    request: &BidRequest,
    reason: RejectReason,
    events: &mut Vec<Event>,
) -> BidOutcome {
    state.notify(
        request.received_at,
        events,
        EventKind::BidRejected {
            bid_id: request.bid_id,
            bidder_id: request.bidder_id,
            reason,
        },
    );
    BidOutcome::Rejected {
        bid_id: request.bid_id,
        reason,
    }
}

/// A bid of `amount`, optionally with a proxy maximum. A maximum below the amount is
/// refused as `below_minimum`: the bidder would not stand behind their own bid.
pub(super) fn place_bid(
    state: &mut AuctionState,
    rules: &Rules,
    request: BidRequest,
    amount: Amount,
    max_amount: Option<Amount>,
    events: &mut Vec<Event>,
) -> BidOutcome {
    if let Err(reason) = admit(state, &request) {
        return reject(state, &request, reason, events);
    }
    let max_amount = max_amount.unwrap_or(amount);
    if amount < state.minimum_next_bid(rules) || max_amount < amount {
        return reject(state, &request, RejectReason::BelowMinimum, events);
    }
    let reserve = state.terms.as_ref().and_then(|terms| terms.reserve_price);
    let price_before = state.current_price;
    let first_bid = state.leader.is_none();
    let settled = contest(
        state.leader,
        state.current_price,
        ProxyBid {
            bidder_id: request.bidder_id,
            amount,
            max_amount,
        },
        &rules.increments,
        reserve,
    );
    state.leader = Some(settled.leader);
    state.current_price = settled.price;
    let seq = accept(state, &request, amount, events);
    if let Some(bidder_id) = settled.outbid {
        state.notify(
            request.received_at,
            events,
            EventKind::Outbid {
                bidder_id,
                current_price: state.current_price,
            },
        );
    }
    // Only a bid others must answer extends the end: one that moved the price, or the
    // first bid (which moved the auction from "no bids"). A leader quietly raising their
    // own maximum gives nobody anything to answer.
    if first_bid || state.current_price > price_before {
        extend(state, rules, request.received_at, events);
    }
    BidOutcome::Accepted {
        bid_id: request.bid_id,
        seq,
    }
}

/// Buys the item at the listing's buy-now price and closes the auction at once, reserve
/// or not. Available while the price has not reached it (with no bids yet, the starting
/// price may equal it).
pub(super) fn buy_now(
    state: &mut AuctionState,
    request: BidRequest,
    events: &mut Vec<Event>,
) -> BidOutcome {
    if let Err(reason) = admit(state, &request) {
        return reject(state, &request, reason, events);
    }
    let buy_now_price = state.terms.as_ref().and_then(|terms| terms.buy_now_price);
    let Some(price) = buy_now_price.filter(|&price| {
        price > state.current_price || (state.leader.is_none() && price == state.current_price)
    }) else {
        return reject(state, &request, RejectReason::BuyNowUnavailable, events);
    };
    let previous = state.leader;
    let max_amount = match previous {
        Some(leader) if leader.bidder_id == request.bidder_id => leader.max_amount.max(price),
        _ => price,
    };
    state.leader = Some(Leader {
        bidder_id: request.bidder_id,
        max_amount,
    });
    state.current_price = price;
    let seq = accept(state, &request, price, events);
    if let Some(outbid) = previous.filter(|leader| leader.bidder_id != request.bidder_id) {
        state.notify(
            request.received_at,
            events,
            EventKind::Outbid {
                bidder_id: outbid.bidder_id,
                current_price: price,
            },
        );
    }
    state.winner_id = Some(request.bidder_id);
    state.final_price = Some(price);
    finish(state, AuctionStatus::Closed, request.received_at, events);
    BidOutcome::Accepted {
        bid_id: request.bid_id,
        seq,
    }
}

/// Records an accepted bid whose contest is already settled into the state: counts it,
/// publishes the `price` event and tells the bidder. Returns the `price` event's seq.
fn accept(
    state: &mut AuctionState,
    request: &BidRequest,
    amount: Amount,
    events: &mut Vec<Event>,
) -> i64 {
    state.bid_count += 1;
    state.bidders.insert(request.bidder_id);
    state.publish(request.received_at, events, |state| EventKind::Price {
        bid_id: request.bid_id,
        amount,
        bidder_id: request.bidder_id,
        state,
    });
    let leading = state
        .leader
        .is_some_and(|leader| leader.bidder_id == request.bidder_id);
    state.notify(
        request.received_at,
        events,
        EventKind::BidAccepted {
            bid_id: request.bid_id,
            bidder_id: request.bidder_id,
            amount,
            current_price: state.current_price,
            leading,
        },
    );
    state.seq
}

/// Soft close: moves the end when the change came in its last window.
fn extend(
    state: &mut AuctionState,
    rules: &Rules,
    received_at: DateTime<Utc>,
    events: &mut Vec<Event>,
) {
    let (Some(ends_at), Some(scheduled_end)) = (state.ends_at, state.scheduled_end) else {
        return;
    };
    if let Some(new_end) = rules
        .soft_close
        .extended_end(ends_at, scheduled_end, received_at)
    {
        state.ends_at = Some(new_end);
        state.publish(received_at, events, |state| EventKind::Extended { state });
    }
}
