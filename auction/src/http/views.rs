//! JSON shapes of the API (camelCase), as the contract names them.

use crate::domain::{Auction, ListingDraft};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use vocabulary::{Amount, UserId};

pub use vocabulary::AuctionView;

/// The views of `auctions` for `viewer` (`None` when anonymous).
pub fn views(auctions: &[Auction], viewer: Option<UserId>) -> Vec<AuctionView> {
    auctions.iter().map(|a| a.view(viewer)).collect()
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
