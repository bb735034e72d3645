//! An auction as the public knows it: what the seller offers, fixed at listing, and the
//! state the engine keeps and every public event carries.

use crate::{Amount, Currency, UserId};
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

/// Lifecycle of an auction as the public sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
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
