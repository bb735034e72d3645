//! JSON shapes of the stream events (camelCase, as the public API names things).
//!
//! Public events carry the whole public state of the auction, so any one of them is enough
//! to redraw it; the stored history keeps them without the live `watchers` count, which is
//! added when a frame is sent.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use vocabulary::{Amount, AuctionId, BidId, Event, EventKind, Listing, PublicState, Terms};

/// Data of `listed`, `scheduled`, `opened`, `price`, `extended`, `closed` and `cancelled`:
/// the event's [`PublicState`] with its `seq`, the accepted bid on `price`, and on
/// `listed` the listing itself (its public terms and its words).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuctionUpdate {
    pub auction_id: AuctionId,
    /// This event's `seq` (also its SSE `id`).
    pub seq: i64,
    /// When the engine emitted the event.
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub state: PublicState,
    /// `price` only: the accepted bid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bid_id: Option<BidId>,
    /// `price` only: the accepted amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// `listed` only: the terms as the public sees them (never the reserve price).
    #[serde(flatten)]
    pub terms: Option<Terms>,
    /// `listed` only: the words, when the event carries them.
    #[serde(flatten)]
    pub listing: Option<Listing>,
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
            state: state.clone(),
            bid_id: None,
            amount: None,
            terms: None,
            listing: None,
            watchers: None,
        };
        match &event.kind {
            EventKind::Price { bid_id, amount, .. } => {
                update.bid_id = Some(*bid_id);
                update.amount = Some(*amount);
            }
            EventKind::Listed { terms, listing, .. } => {
                update.terms = Some(terms.public());
                update.listing = listing.clone().filter(Listing::is_known);
            }
            _ => {}
        }
        Some(update)
    }

    /// An update stored as sent by an earlier version (the history now keeps events).
    pub fn stored(data: &str) -> serde_json::Result<Self> {
        let mut update: Self = serde_json::from_str(data)?;
        update.listing = update.listing.filter(Listing::is_known);
        update.terms = update.terms.map(|t| t.public());
        update.watchers = None;
        Ok(update)
    }

    /// The JSON sent on the stream, with the current count of watchers.
    pub fn render(mut self, watchers: usize) -> String {
        self.watchers = Some(watchers);
        serde_json::to_string(&self).unwrap_or_default()
    }
}

/// Data of `snapshot`: the auction object of the API as this service knows it, with the
/// count of watchers. Its parts are those of [`vocabulary::AuctionView`], the view every
/// service shows: the public terms and the words come from the auction's `listed` event,
/// and are absent on an instance that never saw one (the event had left the topic before
/// this instance first read it, or was written before the words travelled with it).
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuctionSnapshot {
    pub id: AuctionId,
    #[serde(flatten)]
    pub terms: Option<Terms>,
    #[serde(flatten)]
    pub listing: Option<Listing>,
    /// The `seq` of the newest event reflected here (also the snapshot's SSE `id`).
    pub seq: i64,
    #[serde(flatten)]
    pub state: PublicState,
    /// Live streams this instance serves for the auction.
    pub watchers: usize,
}

impl AuctionSnapshot {
    pub fn render(
        auction_id: AuctionId,
        seq: i64,
        state: &PublicState,
        terms: Option<&Terms>,
        listing: Option<&Listing>,
        watchers: usize,
    ) -> String {
        let snapshot = Self {
            id: auction_id,
            terms: terms.map(Terms::public),
            listing: listing.filter(|l| l.is_known()).cloned(),
            seq,
            state: state.clone(),
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
    use vocabulary::{AuctionStatus, Currency, RejectReason, UserId};

    fn state() -> PublicState {
        PublicState {
            status: AuctionStatus::Open,
            starts_at: None,
            ends_at: Some(Utc::now()),
            current_price: Amount::minor(1500),
            bid_count: 2,
            leading_bidder_id: Some(UserId::new()),
            reserve_met: false,
            winner_id: None,
            final_price: None,
            minimum_bid: Some(Amount::minor(1550)),
        }
    }

    fn terms() -> Terms {
        Terms {
            seller_id: UserId::new(),
            currency: Currency::default(),
            starting_price: Amount::minor(1000),
            reserve_price: Some(Amount::minor(987_654)),
            buy_now_price: Some(Amount::minor(9000)),
        }
    }

    fn listing() -> Listing {
        Listing {
            title: "Canon AE-1".into(),
            description: "With a 50 mm lens".into(),
            category: "electronics".into(),
        }
    }

    fn listed(listing: Option<Listing>) -> Event {
        Event {
            auction_id: AuctionId::new(),
            seq: 1,
            at: Utc::now(),
            kind: EventKind::Listed {
                terms: terms(),
                listing,
                state: state(),
            },
        }
    }

    #[test]
    fn listed_updates_show_the_listing_but_never_the_reserve() {
        let json = AuctionUpdate::of(&listed(Some(listing())))
            .unwrap()
            .render(3);
        assert!(!json.contains("987654") && !json.contains("reservePrice"));
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["startingPrice"], 1000);
        assert_eq!(v["title"], "Canon AE-1");
        assert_eq!(v["minimumBid"], 1550);
        assert_eq!(v["watchers"], 3);
        assert_eq!(
            v["winnerId"],
            Value::Null,
            "state fields are always present"
        );
        let without_words = AuctionUpdate::of(&listed(None)).unwrap().render(0);
        assert!(!without_words.contains("title") && without_words.contains("sellerId"));
    }

    #[test]
    fn updates_stored_by_an_earlier_version_still_read() {
        let seller = UserId::new();
        let old_listed = format!(
            r#"{{"auctionId":"{}","seq":1,"at":"2026-11-21T09:10:00Z","status":"pending","startsAt":null,"endsAt":null,"currentPrice":1000,"bidCount":0,"leadingBidderId":null,"reserveMet":false,"winnerId":null,"finalPrice":null,"sellerId":"{seller}","currency":"KRW","startingPrice":1000,"buyNowPrice":null}}"#,
            AuctionId::new()
        );
        let update = AuctionUpdate::stored(&old_listed).unwrap();
        assert_eq!(update.terms.map(|t| t.seller_id), Some(seller));
        assert_eq!(update.listing, None, "no words were stored with it");
        assert_eq!(update.state.minimum_bid, None, "stored before the minimum");
        let old_price = format!(
            r#"{{"auctionId":"{}","seq":2,"at":"2026-11-21T09:10:00Z","status":"open","startsAt":null,"endsAt":null,"currentPrice":1200,"bidCount":1,"leadingBidderId":null,"reserveMet":false,"winnerId":null,"finalPrice":null,"minimumBid":1300,"bidId":"{}","amount":1200}}"#,
            AuctionId::new(),
            BidId::new()
        );
        let update = AuctionUpdate::stored(&old_price).unwrap();
        assert_eq!(
            (update.terms, update.amount),
            (None, Some(Amount::minor(1200)))
        );
        assert_eq!(update.state.current_price, Amount::minor(1200));
    }

    #[test]
    fn a_snapshot_is_the_public_auction_view_and_its_watchers() {
        let event = listed(Some(listing()));
        let EventKind::Listed { terms, listing, .. } = &event.kind else {
            unreachable!()
        };
        let state = state();
        let json = AuctionSnapshot::render(
            event.auction_id,
            7,
            &state,
            Some(terms),
            listing.as_ref(),
            2,
        );
        let mut snapshot: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(snapshot["watchers"], 2);
        snapshot.as_object_mut().unwrap().remove("watchers");
        let view = vocabulary::AuctionView::public(
            event.auction_id,
            terms,
            listing.clone().unwrap(),
            7,
            state.clone(),
        );
        assert_eq!(snapshot, serde_json::to_value(view).unwrap());
        assert!(!json.contains("987654"));
        let unknown = AuctionSnapshot::render(event.auction_id, 7, &state, None, None, 0);
        let v: Value = serde_json::from_str(&unknown).unwrap();
        assert_eq!((v["seq"].as_i64(), v.get("sellerId")), (Some(7), None));
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
