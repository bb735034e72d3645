//! Applying one command of the log to one auction: the only way an [`AuctionState`]
//! changes. Pure: time comes from the command, never from a clock, so replaying the same
//! commands in the same order from [`AuctionState::new`] gives the same state and events.

use super::bids::{self, BidRequest};
use super::rules::Rules;
use super::state::AuctionState;
use chrono::{DateTime, Utc};
use vocabulary::{AuctionStatus, BidId, Command, Event, EventKind, Listing, RejectReason, Terms};

/// What one command did: the bid's outcome (exactly one for `PlaceBid` and `BuyNow`, none
/// otherwise) and the events to publish, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub outcome: Option<BidOutcome>,
    pub events: Vec<Event>,
}

impl Decision {
    /// A command that changes nothing: no outcome, no events.
    pub fn ignored() -> Self {
        Self {
            outcome: None,
            events: Vec::new(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BidOutcome {
    /// `seq` is the sequence number of the bid's public `price` event.
    Accepted {
        bid_id: BidId,
        seq: i64,
    },
    Rejected {
        bid_id: BidId,
        reason: RejectReason,
    },
}

impl BidOutcome {
    pub fn bid_id(&self) -> BidId {
        match self {
            BidOutcome::Accepted { bid_id, .. } | BidOutcome::Rejected { bid_id, .. } => *bid_id,
        }
    }
}

/// Applies `command` to `state`. Lifecycle commands that do not fit the auction's status
/// are ignored (no events), so a redelivered or late command is harmless. A command for
/// another auction changes nothing; a bid in one is rejected as `unknown_auction`.
pub fn apply(state: &mut AuctionState, command: &Command, rules: &Rules) -> Decision {
    if command.auction_id() != state.auction_id {
        let mut stranger = AuctionState::new(command.auction_id());
        return match command {
            Command::PlaceBid { .. } | Command::BuyNow { .. } => {
                apply(&mut stranger, command, rules)
            }
            _ => Decision::ignored(),
        };
    }
    let mut events = Vec::new();
    let outcome = match command {
        Command::List {
            terms, listing, at, ..
        } => {
            list(state, terms, listing, *at, &mut events);
            None
        }
        Command::Schedule {
            starts_at,
            ends_at,
            at,
            ..
        } => {
            schedule(state, *starts_at, *ends_at, *at, &mut events);
            None
        }
        Command::Open { at, .. } => {
            open(state, *at, &mut events);
            None
        }
        Command::Close { at, .. } => {
            close(state, *at, &mut events);
            None
        }
        Command::Cancel { at, .. } => {
            cancel(state, *at, &mut events);
            None
        }
        Command::PlaceBid {
            bid_id,
            bidder_id,
            amount,
            max_amount,
            received_at,
            ..
        } => Some(bids::place_bid(
            state,
            rules,
            BidRequest {
                bid_id: *bid_id,
                bidder_id: *bidder_id,
                received_at: *received_at,
            },
            *amount,
            *max_amount,
            &mut events,
        )),
        Command::BuyNow {
            bid_id,
            bidder_id,
            received_at,
            ..
        } => Some(bids::buy_now(
            state,
            BidRequest {
                bid_id: *bid_id,
                bidder_id: *bidder_id,
                received_at: *received_at,
            },
            &mut events,
        )),
    };
    state.stamp_minimum_bids(rules, &mut events);
    Decision { outcome, events }
}

/// The first `List` wins; the terms of a listing never change afterwards. The `listed`
/// event passes the listing's words on (the engine itself never reads them), so that a
/// reader of the event topic alone can show the whole auction.
fn list(
    state: &mut AuctionState,
    terms: &Terms,
    listing: &Listing,
    at: DateTime<Utc>,
    events: &mut Vec<Event>,
) {
    if state.terms.is_some() {
        return;
    }
    state.terms = Some(terms.clone());
    state.status = AuctionStatus::Pending;
    state.current_price = terms.starting_price;
    state.publish(at, events, |state| EventKind::Listed {
        terms: terms.clone(),
        listing: listing.is_known().then(|| listing.clone()),
        state,
    });
}

/// Sets (or moves) the window while the auction has not opened. A window that ends before
/// it starts cannot be run and is ignored.
fn schedule(
    state: &mut AuctionState,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    at: DateTime<Utc>,
    events: &mut Vec<Event>,
) {
    let before_opening = matches!(
        state.status,
        AuctionStatus::Pending | AuctionStatus::Scheduled
    );
    if state.terms.is_none() || !before_opening || ends_at <= starts_at {
        return;
    }
    state.status = AuctionStatus::Scheduled;
    state.starts_at = Some(starts_at);
    state.ends_at = Some(ends_at);
    state.scheduled_end = Some(ends_at);
    state.publish(at, events, |state| EventKind::Scheduled { state });
}

fn open(state: &mut AuctionState, at: DateTime<Utc>, events: &mut Vec<Event>) {
    if state.status != AuctionStatus::Scheduled {
        return;
    }
    state.status = AuctionStatus::Open;
    state.publish(at, events, |state| EventKind::Opened { state });
}

/// Closes an open auction whose (possibly extended) end has come. A close stamped before
/// the current end was overtaken by a soft-close extension: the scheduler sends another.
fn close(state: &mut AuctionState, at: DateTime<Utc>, events: &mut Vec<Event>) {
    let end_reached = state.ends_at.is_some_and(|ends_at| at >= ends_at);
    if state.status != AuctionStatus::Open || !end_reached {
        return;
    }
    if state.reserve_met() {
        if let Some(leader) = state.leader {
            state.winner_id = Some(leader.bidder_id);
            state.final_price = Some(state.current_price);
        }
    }
    finish(state, AuctionStatus::Closed, at, events);
}

fn cancel(state: &mut AuctionState, at: DateTime<Utc>, events: &mut Vec<Event>) {
    if state.terms.is_none() || state.status.is_final() {
        return;
    }
    finish(state, AuctionStatus::Cancelled, at, events);
}

/// Moves the auction to its final status (winner and final price already set, or not) and
/// tells the public, the winner and every other bidder.
pub(super) fn finish(
    state: &mut AuctionState,
    status: AuctionStatus,
    at: DateTime<Utc>,
    events: &mut Vec<Event>,
) {
    state.status = status;
    state.publish(at, events, |state| match status {
        AuctionStatus::Cancelled => EventKind::Cancelled { state },
        _ => EventKind::Closed { state },
    });
    if let (Some(bidder_id), Some(final_price)) = (state.winner_id, state.final_price) {
        state.notify(
            at,
            events,
            EventKind::Won {
                bidder_id,
                final_price,
            },
        );
    }
    state.notify_closed_for_bidders(at, events);
}
