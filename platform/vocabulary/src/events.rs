//! Everything an auction emits, on [`crate::topics::EVENTS`] keyed by auction id, written
//! by the engine through its outbox. Public events carry the auction's `seq`, which grows
//! by exactly one per public event; private events are addressed to one user and carry
//! the `seq` current when they were emitted (they do not advance it). The auction service
//! adds one private kind of its own, [`EventKind::Ending`], through its event outbox: it
//! is ordered after the engine's events only as far as its `seq` says, which is why no
//! consumer may use a private event's `seq` for gap detection.

use crate::{Amount, AuctionId, BidId, Listing, PublicState, Terms, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Why a bid was not accepted. The string forms are the API's `reason` codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    AuctionNotOpen,
    AuctionClosed,
    BelowMinimum,
    SellerCannotBid,
    BuyNowUnavailable,
    UnknownAuction,
}

impl RejectReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::AuctionNotOpen => "auction_not_open",
            RejectReason::AuctionClosed => "auction_closed",
            RejectReason::BelowMinimum => "below_minimum",
            RejectReason::SellerCannotBid => "seller_cannot_bid",
            RejectReason::BuyNowUnavailable => "buy_now_unavailable",
            RejectReason::UnknownAuction => "unknown_auction",
        }
    }
}

/// One entry of the auction event topic.
///
/// On the wire: `auctionId`, `seq`, `at`, then the kind's `type` (snake_case) and fields
/// (camelCase) beside them. Reading goes through `wire::FlatEvent`, which takes every
/// field in one pass, instead of serde's flatten, which first buffers the whole object
/// (every consumer of the topic reads every event, so this is on the hot path of each).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "crate::wire::FlatEvent")]
pub struct Event {
    pub auction_id: AuctionId,
    /// For public events, this event's sequence number; for private ones, the auction's
    /// sequence number when it was emitted.
    pub seq: i64,
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub kind: EventKind,
}

impl Event {
    /// The user a private event is addressed to; `None` for public events.
    pub fn recipient(&self) -> Option<UserId> {
        match &self.kind {
            EventKind::BidAccepted { bidder_id, .. }
            | EventKind::BidRejected { bidder_id, .. }
            | EventKind::Outbid { bidder_id, .. }
            | EventKind::Won { bidder_id, .. }
            | EventKind::AuctionClosedFor { bidder_id, .. } => Some(*bidder_id),
            EventKind::Ending { user_id, .. } => Some(*user_id),
            _ => None,
        }
    }

    pub fn is_public(&self) -> bool {
        self.recipient().is_none()
    }

    /// The SSE event name of this event (`price`, `bid.accepted`, ...).
    pub fn name(&self) -> &'static str {
        match &self.kind {
            EventKind::Listed { .. } => "listed",
            EventKind::Scheduled { .. } => "scheduled",
            EventKind::Opened { .. } => "opened",
            EventKind::Price { .. } => "price",
            EventKind::Extended { .. } => "extended",
            EventKind::Closed { .. } => "closed",
            EventKind::Cancelled { .. } => "cancelled",
            EventKind::BidAccepted { .. } => "bid.accepted",
            EventKind::BidRejected { .. } => "bid.rejected",
            EventKind::Outbid { .. } => "outbid",
            EventKind::Won { .. } => "won",
            EventKind::AuctionClosedFor { .. } => "auction.closed",
            EventKind::Ending { .. } => "auction.ending",
        }
    }

    /// The public state carried by a public event.
    pub fn public_state(&self) -> Option<&PublicState> {
        match &self.kind {
            EventKind::Listed { state, .. }
            | EventKind::Scheduled { state }
            | EventKind::Opened { state }
            | EventKind::Price { state, .. }
            | EventKind::Extended { state }
            | EventKind::Closed { state }
            | EventKind::Cancelled { state } => Some(state),
            _ => None,
        }
    }

    /// The public state carried by a public event, to change in place.
    pub fn public_state_mut(&mut self) -> Option<&mut PublicState> {
        match &mut self.kind {
            EventKind::Listed { state, .. }
            | EventKind::Scheduled { state }
            | EventKind::Opened { state }
            | EventKind::Price { state, .. }
            | EventKind::Extended { state }
            | EventKind::Closed { state }
            | EventKind::Cancelled { state } => Some(state),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum EventKind {
    // Public: each advances `seq` by one.
    Listed {
        terms: Terms,
        /// The listing's words, from the `List` command; absent in events written before
        /// they travelled here.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        listing: Option<Listing>,
        state: PublicState,
    },
    Scheduled {
        state: PublicState,
    },
    Opened {
        state: PublicState,
    },
    /// An accepted bid (or buy-now) changed price, bid count or leader.
    Price {
        bid_id: BidId,
        amount: Amount,
        bidder_id: UserId,
        state: PublicState,
    },
    /// Soft close moved `endsAt`.
    Extended {
        state: PublicState,
    },
    Closed {
        state: PublicState,
    },
    Cancelled {
        state: PublicState,
    },
    // Private: addressed to `bidder_id` (`user_id` for `Ending`).
    BidAccepted {
        bid_id: BidId,
        bidder_id: UserId,
        amount: Amount,
        current_price: Amount,
        leading: bool,
    },
    BidRejected {
        bid_id: BidId,
        bidder_id: UserId,
        reason: RejectReason,
    },
    Outbid {
        bidder_id: UserId,
        current_price: Amount,
    },
    Won {
        bidder_id: UserId,
        final_price: Amount,
    },
    /// The auction a user bid on closed (sent to every bidder but the winner).
    AuctionClosedFor {
        bidder_id: UserId,
        winner_id: Option<UserId>,
        final_price: Option<Amount>,
    },
    /// A watched auction is about to end: sent once per watcher when the end comes within
    /// the notice window, by the auction service (which owns the watchlist), not by the
    /// engine. A soft-close extension after it sends no second one.
    Ending {
        user_id: UserId,
        ends_at: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
}
