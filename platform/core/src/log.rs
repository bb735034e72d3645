//! The two logs every auction lives in.
//!
//! * [`Command`]s go on [`crate::COMMAND_TOPIC`], keyed by auction id. Bids come from the
//!   bidding intake; listing and lifecycle commands (list, schedule, open, close, cancel)
//!   come from the auction service. One key means one total order per auction: the engine
//!   applies them in log order, so "bid vs close" is decided by that order, the same on
//!   every replay. Commands carry every input the engine needs (including the time they
//!   were stamped), so applying them never reads a clock or another service.
//! * [`Event`]s go on [`crate::EVENT_TOPIC`], keyed by auction id, written by the engine
//!   through its outbox. Public events carry the auction's `seq`, which grows by exactly
//!   one per public event; private events are addressed to one user and carry the `seq`
//!   current when they were emitted (they do not advance it). The auction service adds
//!   one private kind of its own, [`EventKind::Ending`], through its event outbox: it is
//!   ordered after the engine's events only as far as its `seq` says, which is why no
//!   consumer may use a private event's `seq` for gap detection.

use crate::{Amount, AuctionId, BidId, Currency, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a seller offers, fixed when the listing is created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Terms {
    pub seller_id: UserId,
    pub currency: Currency,
    pub starting_price: Amount,
    pub reserve_price: Option<Amount>,
    pub buy_now_price: Option<Amount>,
}

/// The words of a listing, carried on the `List` command so that readers of the command
/// log (the search indexer) learn them without asking the auction service. The engine
/// ignores them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Listing {
    pub title: String,
    pub description: String,
    pub category: String,
}

/// Everything that can change an auction, in the order the log gives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// A listing was created (status `pending`).
    List {
        auction_id: AuctionId,
        terms: Terms,
        #[serde(default)]
        listing: Listing,
        at: DateTime<Utc>,
    },
    /// An admin set (or moved) the auction's window before it opened.
    Schedule {
        auction_id: AuctionId,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    /// The scheduler found `startsAt` reached.
    Open {
        auction_id: AuctionId,
        at: DateTime<Utc>,
    },
    /// The scheduler found `endsAt` reached. Ignored by the engine when `at` is before the
    /// auction's current end (a soft-close extension moved it); the scheduler sends
    /// another at the new end.
    Close {
        auction_id: AuctionId,
        at: DateTime<Utc>,
    },
    /// An admin cancelled the auction.
    Cancel {
        auction_id: AuctionId,
        at: DateTime<Utc>,
    },
    /// A bid, stamped by the intake when it was received.
    PlaceBid {
        auction_id: AuctionId,
        bid_id: BidId,
        bidder_id: UserId,
        amount: Amount,
        max_amount: Option<Amount>,
        received_at: DateTime<Utc>,
    },
    /// A buy-now request, stamped by the intake when it was received.
    BuyNow {
        auction_id: AuctionId,
        bid_id: BidId,
        bidder_id: UserId,
        received_at: DateTime<Utc>,
    },
}

impl Command {
    pub fn auction_id(&self) -> AuctionId {
        match self {
            Command::List { auction_id, .. }
            | Command::Schedule { auction_id, .. }
            | Command::Open { auction_id, .. }
            | Command::Close { auction_id, .. }
            | Command::Cancel { auction_id, .. }
            | Command::PlaceBid { auction_id, .. }
            | Command::BuyNow { auction_id, .. } => *auction_id,
        }
    }
}

/// Lifecycle of an auction as the public sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuctionStatus {
    Pending,
    Scheduled,
    Open,
    Closed,
    Cancelled,
}

impl AuctionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AuctionStatus::Pending => "pending",
            AuctionStatus::Scheduled => "scheduled",
            AuctionStatus::Open => "open",
            AuctionStatus::Closed => "closed",
            AuctionStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => AuctionStatus::Pending,
            "scheduled" => AuctionStatus::Scheduled,
            "open" => AuctionStatus::Open,
            "closed" => AuctionStatus::Closed,
            "cancelled" => AuctionStatus::Cancelled,
            _ => return None,
        })
    }

    pub fn is_final(self) -> bool {
        matches!(self, AuctionStatus::Closed | AuctionStatus::Cancelled)
    }
}

/// The auction's public, engine-owned state after an event. Every public event carries the
/// whole of it, so any consumer can keep a read model by "newest `seq` wins".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicState {
    pub status: AuctionStatus,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub current_price: Amount,
    pub bid_count: i64,
    pub leading_bidder_id: Option<UserId>,
    pub reserve_met: bool,
    pub winner_id: Option<UserId>,
    pub final_price: Option<Amount>,
    /// The lowest `amount` a new bid must have now: the starting price until the first
    /// accepted bid, then one increment above the current price. `None` once the auction
    /// takes no more bids (closed, cancelled), and in states written before the engine
    /// reported it.
    #[serde(default)]
    pub minimum_bid: Option<Amount>,
}

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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
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
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    // Public: each advances `seq` by one.
    Listed {
        terms: Terms,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_round_trip_as_tagged_json() {
        let cmd = Command::PlaceBid {
            auction_id: AuctionId::new(),
            bid_id: BidId::new(),
            bidder_id: UserId::new(),
            amount: 1000,
            max_amount: Some(2000),
            received_at: Utc::now(),
        };
        let json = serde_json::to_string(&cmd).unwrap();
        assert!(json.contains("\"type\":\"place_bid\""));
        assert_eq!(serde_json::from_str::<Command>(&json).unwrap(), cmd);
    }

    #[test]
    fn private_events_name_their_recipient() {
        let bidder = UserId::new();
        let ev = Event {
            auction_id: AuctionId::new(),
            seq: 3,
            at: Utc::now(),
            kind: EventKind::Outbid {
                bidder_id: bidder,
                current_price: 10,
            },
        };
        assert_eq!(ev.recipient(), Some(bidder));
        assert_eq!(ev.name(), "outbid");
        let back: Event = serde_json::from_str(&serde_json::to_string(&ev).unwrap()).unwrap();
        assert_eq!(back, ev);
    }

    #[test]
    fn ending_notices_are_private_and_need_no_title() {
        let watcher = UserId::new();
        let ev = Event {
            auction_id: AuctionId::new(),
            seq: 9,
            at: Utc::now(),
            kind: EventKind::Ending {
                user_id: watcher,
                ends_at: Utc::now(),
                title: None,
            },
        };
        assert_eq!(
            (ev.recipient(), ev.name()),
            (Some(watcher), "auction.ending")
        );
        assert!(ev.public_state().is_none());
        let json = serde_json::to_string(&ev).unwrap();
        assert!(json.contains("\"type\":\"ending\"") && !json.contains("title"));
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), ev);
    }

    #[test]
    fn states_written_before_the_minimum_bid_still_read() {
        let json = r#"{"status":"open","startsAt":null,"endsAt":null,"currentPrice":5,
            "bidCount":0,"leadingBidderId":null,"reserveMet":true,"winnerId":null,
            "finalPrice":null}"#;
        let state: PublicState = serde_json::from_str(json).unwrap();
        assert_eq!(state.minimum_bid, None);
    }
}
