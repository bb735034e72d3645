//! Everything that can change an auction, on [`crate::topics::COMMANDS`] keyed by auction
//! id. Bids come from the bidding intake; listing and lifecycle commands (list, schedule,
//! open, close, cancel) come from the auction service. One key means one total order per
//! auction: the engine applies them in log order, so "bid vs close" is decided by that
//! order, the same on every replay. Commands carry every input the engine needs
//! (including the time they were stamped), so applying them never reads a clock or
//! another service.

use crate::{Amount, AuctionId, BidId, Listing, Terms, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Everything that can change an auction, in the order the log gives.
///
/// On the wire: `type` (snake_case) and the variant's fields (camelCase) in one object.
/// Reading goes through `wire::FlatCommand` in one pass (serde's internally tagged enums
/// buffer the object first); the engine and the search indexer read every command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase",
    try_from = "crate::wire::FlatCommand"
)]
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
