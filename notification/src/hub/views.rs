//! JSON shapes of the stream events (camelCase, as the public API names things).
//!
//! Public events carry the whole public state of the auction, so any one of them is enough
//! to redraw it; the stored history keeps them without the live `watchers` count, which is
//! added when a frame is sent.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use vocabulary::{Amount, AuctionId, BidId, Event, EventKind, PublicState, Terms, UserId};

/// Data of `listed`, `scheduled`, `opened`, `price`, `extended`, `closed` and `cancelled`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuctionUpdate {
    pub auction_id: AuctionId,
    /// This event's `seq` (also its SSE `id`).
    pub seq: i64,
    /// When the engine emitted the event.
    pub at: DateTime<Utc>,
    /// `pending | scheduled | open | closed | cancelled`
    #[schema(example = "open")]
    pub status: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub current_price: Amount,
    pub bid_count: i64,
    pub leading_bidder_id: Option<UserId>,
    pub reserve_met: bool,
    pub winner_id: Option<UserId>,
    pub final_price: Option<Amount>,
    /// The lowest amount a new bid must have now; `null` once the auction takes no more
    /// bids (and in events stored before it was reported).
    #[serde(default)]
    pub minimum_bid: Option<Amount>,
    /// `price` only: the accepted bid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bid_id: Option<BidId>,
    /// `price` only: the accepted amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// `listed` only, like the terms below.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_id: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starting_price: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buy_now_price: Option<Amount>,
    /// Live streams this instance serves for the auction, when the event was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watchers: Option<usize>,
}

impl AuctionUpdate {
    /// The update a public event stands for; `None` for private events.
    pub fn of(event: &Event) -> Option<Self> {
        let state = event.public_state()?;
        let mut update = Self {
            auction_id: event.auction_id,
            seq: event.seq,
            at: event.at,
            status: state.status.as_str().to_owned(),
            starts_at: state.starts_at,
            ends_at: state.ends_at,
            current_price: state.current_price,
            bid_count: state.bid_count,
            leading_bidder_id: state.leading_bidder_id,
            reserve_met: state.reserve_met,
            winner_id: state.winner_id,
            final_price: state.final_price,
            minimum_bid: state.minimum_bid,
            bid_id: None,
            amount: None,
            seller_id: None,
            currency: None,
            starting_price: None,
            buy_now_price: None,
            watchers: None,
        };
        match &event.kind {
            EventKind::Price { bid_id, amount, .. } => {
                update.bid_id = Some(*bid_id);
                update.amount = Some(*amount);
            }
            // The reserve price stays with the seller: only the public terms are shown.
            EventKind::Listed { terms, .. } => {
                update.seller_id = Some(terms.seller_id);
                update.currency = Some(terms.currency.as_str().to_owned());
                update.starting_price = Some(terms.starting_price);
                update.buy_now_price = terms.buy_now_price;
            }
            _ => {}
        }
        Some(update)
    }

    /// The JSON sent on the stream, with the current count of watchers.
    pub fn render(mut self, watchers: usize) -> String {
        self.watchers = Some(watchers);
        serde_json::to_string(&self).unwrap_or_default()
    }
}

/// Data of `snapshot`: the auction as this service knows it. Title, description and
/// category belong to the catalog: the full listing is `GET /api/auctions/{id}`.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuctionSnapshot {
    pub id: AuctionId,
    /// Present once the auction's `listed` event was seen (as `currency`, `startingPrice`
    /// and `buyNowPrice`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seller_id: Option<UserId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starting_price: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buy_now_price: Option<Amount>,
    #[schema(example = "open")]
    pub status: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub current_price: Amount,
    pub bid_count: i64,
    pub leading_bidder_id: Option<UserId>,
    pub reserve_met: bool,
    /// The `seq` of the newest event reflected here (also the snapshot's SSE `id`).
    pub seq: i64,
    pub winner_id: Option<UserId>,
    pub final_price: Option<Amount>,
    /// The lowest amount a new bid must have now; `null` once the auction takes no more
    /// bids, or while not known.
    pub minimum_bid: Option<Amount>,
    /// Live streams this instance serves for the auction.
    pub watchers: usize,
}

impl AuctionSnapshot {
    pub fn render(
        auction_id: AuctionId,
        seq: i64,
        state: &PublicState,
        terms: Option<&Terms>,
        watchers: usize,
    ) -> String {
        let snapshot = Self {
            id: auction_id,
            seller_id: terms.map(|t| t.seller_id),
            currency: terms.map(|t| t.currency.as_str().to_owned()),
            starting_price: terms.map(|t| t.starting_price),
            buy_now_price: terms.and_then(|t| t.buy_now_price),
            status: state.status.as_str().to_owned(),
            starts_at: state.starts_at,
            ends_at: state.ends_at,
            current_price: state.current_price,
            bid_count: state.bid_count,
            leading_bidder_id: state.leading_bidder_id,
            reserve_met: state.reserve_met,
            seq,
            winner_id: state.winner_id,
            final_price: state.final_price,
            minimum_bid: state.minimum_bid,
            watchers,
        };
        serde_json::to_string(&snapshot).unwrap_or_default()
    }
}

/// Data of a private notice: the event's own fields as the wire writes them, camelCase
/// (nulls kept), plus
/// `auctionId`, `seq` (the auction's seq when it was emitted) and `at`. `None` for public
/// events.
pub fn notice(event: &Event) -> Option<String> {
    event.recipient()?;
    let Ok(Value::Object(fields)) = serde_json::to_value(&event.kind) else {
        return None;
    };
    let mut data = Map::new();
    data.insert(
        "auctionId".into(),
        Value::String(event.auction_id.to_string()),
    );
    data.insert("seq".into(), Value::from(event.seq));
    data.insert("at".into(), serde_json::to_value(event.at).ok()?);
    for (name, value) in fields {
        if name != "type" {
            data.insert(name, value);
        }
    }
    serde_json::to_string(&Value::Object(data)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use vocabulary::{AuctionStatus, Currency, RejectReason};

    fn state() -> PublicState {
        PublicState {
            status: AuctionStatus::Open,
            starts_at: None,
            ends_at: Some(Utc::now()),
            current_price: 1500,
            bid_count: 2,
            leading_bidder_id: Some(UserId::new()),
            reserve_met: false,
            winner_id: None,
            final_price: None,
            minimum_bid: Some(1550),
        }
    }

    #[test]
    fn listed_updates_show_the_terms_but_never_the_reserve() {
        let event = Event {
            auction_id: AuctionId::new(),
            seq: 1,
            at: Utc::now(),
            kind: EventKind::Listed {
                terms: Terms {
                    seller_id: UserId::new(),
                    currency: Currency::default(),
                    starting_price: 1000,
                    reserve_price: Some(987_654),
                    buy_now_price: Some(9000),
                },
                state: state(),
            },
        };
        let json = AuctionUpdate::of(&event).unwrap().render(3);
        assert!(!json.contains("987654") && !json.contains("reserve_price"));
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["startingPrice"], 1000);
        assert_eq!(v["minimumBid"], 1550);
        assert_eq!(v["watchers"], 3);
        assert_eq!(
            v["winnerId"],
            Value::Null,
            "state fields are always present"
        );
        // Events stored before `minimumBid` existed are still read back.
        let mut stored = v.as_object().unwrap().clone();
        stored.remove("minimumBid");
        let old: AuctionUpdate = serde_json::from_value(Value::Object(stored)).unwrap();
        assert_eq!(old.minimum_bid, None);
    }

    #[test]
    fn notices_are_camel_case_and_keep_nulls() {
        let bidder = UserId::new();
        let event = Event {
            auction_id: AuctionId::new(),
            seq: 4,
            at: Utc::now(),
            kind: EventKind::AuctionClosedFor {
                bidder_id: bidder,
                winner_id: None,
                final_price: None,
            },
        };
        let v: Value = serde_json::from_str(&notice(&event).unwrap()).unwrap();
        assert_eq!(v["bidderId"], bidder.to_string());
        assert_eq!(v["auctionId"], event.auction_id.to_string());
        assert!(v.get("winnerId").unwrap().is_null());
        assert!(v.get("type").is_none());
        let rejected = Event {
            kind: EventKind::BidRejected {
                bid_id: BidId::new(),
                bidder_id: bidder,
                reason: RejectReason::BelowMinimum,
            },
            ..event
        };
        let v: Value = serde_json::from_str(&notice(&rejected).unwrap()).unwrap();
        assert_eq!(v["reason"], "below_minimum");
    }
}
