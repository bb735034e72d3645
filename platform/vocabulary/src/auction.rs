//! An auction as the public knows it: what the seller offers, fixed at listing, and the
//! state the engine keeps and every public event carries.

use crate::{Amount, AuctionId, Currency, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a seller offers, fixed when the listing is created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Terms {
    pub seller_id: UserId,
    pub currency: Currency,
    /// In the currency's smallest unit.
    pub starting_price: Amount,
    /// Shown only to the seller; never to anybody else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserve_price: Option<Amount>,
    pub buy_now_price: Option<Amount>,
}

impl Terms {
    /// The terms as anyone but the seller may see them: without the reserve price.
    pub fn public(&self) -> Terms {
        Terms {
            reserve_price: None,
            ..self.clone()
        }
    }
}

/// The words of a listing, carried on the `List` command so that readers of the command
/// log (the search indexer) learn them without asking the auction service. The engine
/// ignores them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct Listing {
    pub title: String,
    pub description: String,
    #[schema(example = "electronics")]
    pub category: String,
}

impl Listing {
    /// Whether this carries the words of a listing: every listing has a title, so an
    /// empty one is a record written before listings travelled with it.
    pub fn is_known(&self) -> bool {
        !self.title.is_empty()
    }
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicState {
    pub status: AuctionStatus,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// The starting price until the first accepted bid.
    pub current_price: Amount,
    pub bid_count: i64,
    pub leading_bidder_id: Option<UserId>,
    pub reserve_met: bool,
    pub winner_id: Option<UserId>,
    pub final_price: Option<Amount>,
    /// The lowest `amount` a new bid must have now: the starting price until the first
    /// accepted bid, then one increment above the current price. `null` once the auction
    /// takes no more bids (closed, cancelled), and in states written before the engine
    /// reported it.
    #[serde(default)]
    pub minimum_bid: Option<Amount>,
}

impl PublicState {
    /// The state of a listing no event has told about yet: pending at its starting price.
    pub fn before_any_event(terms: &Terms) -> Self {
        Self {
            status: AuctionStatus::Pending,
            starts_at: None,
            ends_at: None,
            current_price: terms.starting_price,
            bid_count: 0,
            leading_bidder_id: None,
            reserve_met: false,
            winner_id: None,
            final_price: None,
            minimum_bid: Some(terms.starting_price),
        }
    }
}

/// An auction as the public API shows it, wherever it is shown: `GET /api/auctions/{id}`,
/// lists, the watchlist, search hits and the live `snapshot`. It is made of the three
/// parts the platform already keeps: the seller's [`Terms`] (the reserve price only for
/// the seller: see [`AuctionView::for_viewer`]), the [`Listing`]'s words, and the
/// engine's [`PublicState`] as of event `seq`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuctionView {
    pub id: AuctionId,
    #[serde(flatten)]
    pub terms: Terms,
    #[serde(flatten)]
    pub listing: Listing,
    /// Grows by one with every event that changes the public state (0 before any).
    pub seq: i64,
    #[serde(flatten)]
    pub state: PublicState,
}

impl AuctionView {
    /// The auction as anyone may see it: the reserve price is never in it.
    pub fn public(
        id: AuctionId,
        terms: &Terms,
        listing: Listing,
        seq: i64,
        state: PublicState,
    ) -> Self {
        Self {
            id,
            terms: terms.public(),
            listing,
            seq,
            state,
        }
    }

    /// The auction as `viewer` (`None`: anonymous) may see it: the seller sees the reserve.
    pub fn for_viewer(
        id: AuctionId,
        terms: &Terms,
        listing: Listing,
        seq: i64,
        state: PublicState,
        viewer: Option<UserId>,
    ) -> Self {
        let mut view = Self::public(id, terms, listing, seq, state);
        if viewer == Some(terms.seller_id) {
            view.terms.reserve_price = terms.reserve_price;
        }
        view
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use utoipa::PartialSchema;

    fn terms(seller: UserId) -> Terms {
        Terms {
            seller_id: seller,
            currency: Currency::default(),
            starting_price: Amount::minor(10_000),
            reserve_price: Some(Amount::minor(987_654)),
            buy_now_price: None,
        }
    }

    fn listing() -> Listing {
        Listing {
            title: "필름 카메라".into(),
            description: "Works".into(),
            category: "electronics".into(),
        }
    }

    #[test]
    fn the_view_is_one_flat_camel_case_object_and_shows_the_reserve_only_to_the_seller() {
        let seller = UserId::new();
        let terms = terms(seller);
        let state = PublicState::before_any_event(&terms);
        let id = AuctionId::new();
        let anyone = AuctionView::for_viewer(id, &terms, listing(), 0, state.clone(), None);
        let json = serde_json::to_value(&anyone).unwrap();
        let mut names: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        names.sort_unstable();
        let mut expected = [
            "id",
            "sellerId",
            "currency",
            "startingPrice",
            "buyNowPrice",
            "title",
            "description",
            "category",
            "seq",
            "status",
            "startsAt",
            "endsAt",
            "currentPrice",
            "bidCount",
            "leadingBidderId",
            "reserveMet",
            "winnerId",
            "finalPrice",
            "minimumBid",
        ];
        expected.sort_unstable();
        assert_eq!(names, expected, "the contract's auction, flat, nulls kept");
        assert!(!json.to_string().contains("987654"));
        assert_eq!(json["status"], "pending");
        assert_eq!(json["minimumBid"], 10_000);
        assert_eq!(
            serde_json::from_value::<AuctionView>(json).unwrap(),
            anyone,
            "the view reads back"
        );

        let stranger = UserId::new();
        let other =
            AuctionView::for_viewer(id, &terms, listing(), 0, state.clone(), Some(stranger));
        assert_eq!(other.terms.reserve_price, None);
        let own = AuctionView::for_viewer(id, &terms, listing(), 0, state, Some(seller));
        let json = serde_json::to_value(&own).unwrap();
        assert_eq!(json["reservePrice"], 987_654);
    }

    #[test]
    fn the_schema_of_the_view_is_made_of_its_parts() {
        let schema = serde_json::to_value(AuctionView::schema()).unwrap();
        let parts: Vec<&str> = schema["allOf"]
            .as_array()
            .expect("flattened parts are composed")
            .iter()
            .filter_map(|p| p["$ref"].as_str())
            .collect();
        assert_eq!(
            parts,
            [
                "#/components/schemas/Terms",
                "#/components/schemas/Listing",
                "#/components/schemas/PublicState"
            ]
        );
        let own: &Value = schema["allOf"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["properties"].is_object())
            .expect("the view's own fields");
        assert!(own["properties"]["id"].is_object() && own["properties"]["seq"].is_object());
    }

    #[test]
    fn listings_without_a_title_are_records_from_before_the_words_travelled() {
        assert!(!Listing::default().is_known());
        assert!(listing().is_known());
    }
}
