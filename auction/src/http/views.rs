//! JSON shapes of the API (camelCase), as the contract names them.

use crate::domain::{Auction, ListingDraft};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use vocabulary::{Amount, UserId};

/// An auction as anyone may see it. `reservePrice` is present only for its seller.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuctionView {
    pub id: Uuid,
    pub seller_id: Uuid,
    pub title: String,
    pub description: String,
    #[schema(example = "electronics")]
    pub category: String,
    #[schema(example = "KRW")]
    pub currency: String,
    /// In the currency's smallest unit.
    pub starting_price: Amount,
    /// Shown only to the seller; never to anybody else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserve_price: Option<Amount>,
    pub reserve_met: bool,
    pub buy_now_price: Option<Amount>,
    /// `pending | scheduled | open | closed | cancelled`
    #[schema(example = "open")]
    pub status: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// The starting price until the first accepted bid.
    pub current_price: Amount,
    pub bid_count: i64,
    pub leading_bidder_id: Option<Uuid>,
    /// Grows by one with every event that changes the public state (0 before any).
    pub seq: i64,
    pub winner_id: Option<Uuid>,
    pub final_price: Option<Amount>,
    /// The lowest `amount` a new bid must have now: the starting price until the first
    /// accepted bid, then one increment above the current price. `null` once the auction
    /// takes no more bids (closed, cancelled), or while not known yet.
    pub minimum_bid: Option<Amount>,
}

impl AuctionView {
    /// The view of `auction` for `viewer` (`None` when anonymous).
    pub fn of(auction: &Auction, viewer: Option<UserId>) -> Self {
        let is_seller = viewer == Some(auction.seller_id);
        Self {
            id: auction.id.0,
            seller_id: auction.seller_id.0,
            title: auction.title.clone(),
            description: auction.description.clone(),
            category: auction.category.clone(),
            currency: auction.currency.as_str().to_owned(),
            starting_price: auction.starting_price,
            reserve_price: auction.reserve_price.filter(|_| is_seller),
            reserve_met: auction.reserve_met,
            buy_now_price: auction.buy_now_price,
            status: auction.status.as_str().to_owned(),
            starts_at: auction.starts_at,
            ends_at: auction.ends_at,
            current_price: auction.current_price,
            bid_count: auction.bid_count,
            leading_bidder_id: auction.leading_bidder_id.map(|u| u.0),
            seq: auction.seq,
            winner_id: auction.winner_id.map(|u| u.0),
            final_price: auction.final_price,
            // An admin's cancel shows before the engine's echo: no minimum from then on.
            minimum_bid: auction.minimum_bid.filter(|_| !auction.status.is_final()),
        }
    }

    pub fn all(auctions: &[Auction], viewer: Option<UserId>) -> Vec<Self> {
        auctions.iter().map(|a| Self::of(a, viewer)).collect()
    }
}

/// A new listing. Unknown fields are ignored.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "title": "Film camera", "description": "Works; comes with its case.",
    "category": "electronics", "startingPrice": 10000, "reservePrice": 20000,
    "buyNowPrice": 50000, "currency": "KRW"
}))]
pub struct CreateAuctionRequest {
    /// 1 to 200 characters after trimming, no control characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub title: String,
    /// At most 10,000 characters, no NUL.
    #[schema(max_length = 10000, pattern = r"^[^\u0000]*$")]
    pub description: String,
    #[schema(value_type = super::schemas::CategorySchema)]
    pub category: String,
    #[schema(value_type = vocabulary::money::Price)]
    pub starting_price: Amount,
    /// At least `startingPrice`; hidden from everyone but the seller.
    #[schema(value_type = Option<vocabulary::money::Price>)]
    pub reserve_price: Option<Amount>,
    /// Above `startingPrice` and at least `reservePrice`.
    #[schema(value_type = Option<vocabulary::money::Price>)]
    pub buy_now_price: Option<Amount>,
    /// `KRW` when absent.
    #[schema(value_type = Option<vocabulary::Currency>)]
    pub currency: Option<String>,
}

impl From<CreateAuctionRequest> for ListingDraft {
    fn from(r: CreateAuctionRequest) -> Self {
        ListingDraft {
            title: r.title,
            description: r.description,
            category: r.category,
            starting_price: r.starting_price,
            reserve_price: r.reserve_price,
            buy_now_price: r.buy_now_price,
            currency: r.currency,
        }
    }
}

/// The auction's window, RFC 3339. `endsAt` after `startsAt` and in the future, at most 30
/// days long, starting within 365 days.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleRequest {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// Filters and position of `GET /api/auctions`.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    #[param(value_type = Option<vocabulary::AuctionStatus>, inline)]
    pub status: Option<String>,
    #[param(value_type = Option<super::schemas::CategorySchema>, inline)]
    pub category: Option<String>,
    pub seller_id: Option<Uuid>,
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    #[param(value_type = Option<platform_core::cursor::Cursor>, inline)]
    pub cursor: Option<String>,
}

/// One page of auctions, newest first; `nextCursor` is absent on the last page.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuctionPage {
    pub items: Vec<AuctionView>,
    pub next_cursor: Option<String>,
}

/// The caller's watched auctions, most recently watched first (at most 1,000).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WatchlistView {
    pub items: Vec<AuctionView>,
}
