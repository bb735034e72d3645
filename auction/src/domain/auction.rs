//! An auction as this service stores it: the catalog (owned here) and the public state
//! (owned by the bid engine, mirrored from its events).

use chrono::{DateTime, Utc};
use vocabulary::{
    Amount, AuctionId, AuctionStatus, AuctionView, Currency, Listing, PublicState, Terms, UserId,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Auction {
    pub id: AuctionId,
    pub seller_id: UserId,
    pub title: String,
    pub description: String,
    pub category: String,
    pub currency: Currency,
    pub starting_price: Amount,
    pub reserve_price: Option<Amount>,
    pub buy_now_price: Option<Amount>,
    pub status: AuctionStatus,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub current_price: Amount,
    pub bid_count: i64,
    pub leading_bidder_id: Option<UserId>,
    pub reserve_met: bool,
    pub winner_id: Option<UserId>,
    pub final_price: Option<Amount>,
    /// The lowest amount a new bid must have, as the engine last reported it.
    pub minimum_bid: Option<Amount>,
    pub seq: i64,
    pub created_at: DateTime<Utc>,
    /// The scheduler has queued the Open command: the window can no longer move.
    pub open_requested: bool,
}

impl Auction {
    /// An admin may set or move the window until the auction is due to open.
    pub fn can_schedule(&self) -> bool {
        matches!(
            self.status,
            AuctionStatus::Pending | AuctionStatus::Scheduled
        ) && !self.open_requested
    }

    /// An admin may cancel anything that has not ended.
    pub fn can_cancel(&self) -> bool {
        !self.status.is_final()
    }

    pub fn terms(&self) -> Terms {
        Terms {
            seller_id: self.seller_id,
            currency: self.currency.clone(),
            starting_price: self.starting_price,
            reserve_price: self.reserve_price,
            buy_now_price: self.buy_now_price,
        }
    }

    /// The public state as this service last stored it. An admin's cancel shows before
    /// the engine's echo: no minimum bid from then on.
    pub fn public_state(&self) -> PublicState {
        PublicState {
            status: self.status,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            current_price: self.current_price,
            bid_count: self.bid_count,
            leading_bidder_id: self.leading_bidder_id,
            reserve_met: self.reserve_met,
            winner_id: self.winner_id,
            final_price: self.final_price,
            minimum_bid: self.minimum_bid.filter(|_| !self.status.is_final()),
        }
    }

    /// The auction as `viewer` (`None` when anonymous) may see it.
    pub fn view(&self, viewer: Option<UserId>) -> AuctionView {
        AuctionView::for_viewer(
            self.id,
            &self.terms(),
            self.listing(),
            self.seq,
            self.public_state(),
            viewer,
        )
    }

    /// The listing's words, as the `List` command carries them.
    pub fn listing(&self) -> Listing {
        Listing {
            title: self.title.clone(),
            description: self.description.clone(),
            category: self.category.clone(),
        }
    }
}
