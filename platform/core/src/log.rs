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
///
/// On the wire: `type` and the variant's fields in one object. Reading goes through
/// `wire::FlatCommand` in one pass (serde's internally tagged enums buffer the object
/// first); the engine and the search indexer read every command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    try_from = "wire::FlatCommand"
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
/// On the wire: `auctionId`, `seq`, `at`, then the kind's `type` and fields beside them.
/// Reading goes through `wire::FlatEvent`, which takes every field in one pass, instead
/// of serde's flatten, which first buffers the whole object (every consumer of the topic
/// reads every event, so this is on the hot path of each).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "wire::FlatEvent")]
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

/// Reading a [`Command`] or an [`Event`] in one pass.
mod wire {
    use super::{Command, Event, EventKind, Listing, PublicState, RejectReason, Terms};
    use crate::{Amount, AuctionId, BidId, UserId};
    use chrono::{DateTime, Utc};
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum CommandType {
        List,
        Schedule,
        Open,
        Close,
        Cancel,
        PlaceBid,
        BuyNow,
    }

    /// Every field any command has.
    #[derive(Deserialize)]
    pub struct FlatCommand {
        #[serde(rename = "type")]
        kind: CommandType,
        auction_id: AuctionId,
        terms: Option<Terms>,
        listing: Option<Listing>,
        at: Option<DateTime<Utc>>,
        starts_at: Option<DateTime<Utc>>,
        ends_at: Option<DateTime<Utc>>,
        bid_id: Option<BidId>,
        bidder_id: Option<UserId>,
        amount: Option<Amount>,
        max_amount: Option<Amount>,
        received_at: Option<DateTime<Utc>>,
    }

    impl TryFrom<FlatCommand> for Command {
        type Error = String;

        fn try_from(f: FlatCommand) -> Result<Command, String> {
            let auction_id = f.auction_id;
            let at = |kind| required(f.at, kind, "at");
            Ok(match f.kind {
                CommandType::List => Command::List {
                    auction_id,
                    terms: required(f.terms, "list", "terms")?,
                    listing: f.listing.unwrap_or_default(),
                    at: at("list")?,
                },
                CommandType::Schedule => Command::Schedule {
                    auction_id,
                    starts_at: required(f.starts_at, "schedule", "starts_at")?,
                    ends_at: required(f.ends_at, "schedule", "ends_at")?,
                    at: at("schedule")?,
                },
                CommandType::Open => Command::Open {
                    auction_id,
                    at: at("open")?,
                },
                CommandType::Close => Command::Close {
                    auction_id,
                    at: at("close")?,
                },
                CommandType::Cancel => Command::Cancel {
                    auction_id,
                    at: at("cancel")?,
                },
                CommandType::PlaceBid => Command::PlaceBid {
                    auction_id,
                    bid_id: required(f.bid_id, "place_bid", "bid_id")?,
                    bidder_id: required(f.bidder_id, "place_bid", "bidder_id")?,
                    amount: required(f.amount, "place_bid", "amount")?,
                    max_amount: f.max_amount,
                    received_at: required(f.received_at, "place_bid", "received_at")?,
                },
                CommandType::BuyNow => Command::BuyNow {
                    auction_id,
                    bid_id: required(f.bid_id, "buy_now", "bid_id")?,
                    bidder_id: required(f.bidder_id, "buy_now", "bidder_id")?,
                    received_at: required(f.received_at, "buy_now", "received_at")?,
                },
            })
        }
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum EventType {
        Listed,
        Scheduled,
        Opened,
        Price,
        Extended,
        Closed,
        Cancelled,
        BidAccepted,
        BidRejected,
        Outbid,
        Won,
        AuctionClosedFor,
        Ending,
    }

    /// Every field any kind has, as the wire names them (the kind's own in snake case).
    #[derive(Deserialize)]
    pub struct FlatEvent {
        #[serde(rename = "auctionId")]
        auction_id: AuctionId,
        seq: i64,
        at: DateTime<Utc>,
        #[serde(rename = "type")]
        kind: EventType,
        terms: Option<Terms>,
        state: Option<PublicState>,
        bid_id: Option<BidId>,
        amount: Option<Amount>,
        bidder_id: Option<UserId>,
        current_price: Option<Amount>,
        leading: Option<bool>,
        reason: Option<RejectReason>,
        final_price: Option<Amount>,
        winner_id: Option<UserId>,
        user_id: Option<UserId>,
        ends_at: Option<DateTime<Utc>>,
        title: Option<String>,
    }

    fn required<T>(value: Option<T>, kind: &str, field: &str) -> Result<T, String> {
        value.ok_or_else(|| format!("a `{kind}` event needs `{field}`"))
    }

    impl TryFrom<FlatEvent> for Event {
        type Error = String;

        fn try_from(f: FlatEvent) -> Result<Event, String> {
            let state = |kind| required(f.state, kind, "state");
            let kind = match f.kind {
                EventType::Listed => EventKind::Listed {
                    terms: required(f.terms, "listed", "terms")?,
                    state: state("listed")?,
                },
                EventType::Scheduled => EventKind::Scheduled {
                    state: state("scheduled")?,
                },
                EventType::Opened => EventKind::Opened {
                    state: state("opened")?,
                },
                EventType::Price => EventKind::Price {
                    bid_id: required(f.bid_id, "price", "bid_id")?,
                    amount: required(f.amount, "price", "amount")?,
                    bidder_id: required(f.bidder_id, "price", "bidder_id")?,
                    state: state("price")?,
                },
                EventType::Extended => EventKind::Extended {
                    state: state("extended")?,
                },
                EventType::Closed => EventKind::Closed {
                    state: state("closed")?,
                },
                EventType::Cancelled => EventKind::Cancelled {
                    state: state("cancelled")?,
                },
                EventType::BidAccepted => EventKind::BidAccepted {
                    bid_id: required(f.bid_id, "bid_accepted", "bid_id")?,
                    bidder_id: required(f.bidder_id, "bid_accepted", "bidder_id")?,
                    amount: required(f.amount, "bid_accepted", "amount")?,
                    current_price: required(f.current_price, "bid_accepted", "current_price")?,
                    leading: required(f.leading, "bid_accepted", "leading")?,
                },
                EventType::BidRejected => EventKind::BidRejected {
                    bid_id: required(f.bid_id, "bid_rejected", "bid_id")?,
                    bidder_id: required(f.bidder_id, "bid_rejected", "bidder_id")?,
                    reason: required(f.reason, "bid_rejected", "reason")?,
                },
                EventType::Outbid => EventKind::Outbid {
                    bidder_id: required(f.bidder_id, "outbid", "bidder_id")?,
                    current_price: required(f.current_price, "outbid", "current_price")?,
                },
                EventType::Won => EventKind::Won {
                    bidder_id: required(f.bidder_id, "won", "bidder_id")?,
                    final_price: required(f.final_price, "won", "final_price")?,
                },
                EventType::AuctionClosedFor => EventKind::AuctionClosedFor {
                    bidder_id: required(f.bidder_id, "auction_closed_for", "bidder_id")?,
                    winner_id: f.winner_id,
                    final_price: f.final_price,
                },
                EventType::Ending => EventKind::Ending {
                    user_id: required(f.user_id, "ending", "user_id")?,
                    ends_at: required(f.ends_at, "ending", "ends_at")?,
                    title: f.title,
                },
            };
            Ok(Event {
                auction_id: f.auction_id,
                seq: f.seq,
                at: f.at,
                kind,
            })
        }
    }
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

    fn state() -> PublicState {
        PublicState {
            status: AuctionStatus::Open,
            starts_at: Some(Utc::now()),
            ends_at: Some(Utc::now()),
            current_price: 1_200,
            bid_count: 3,
            leading_bidder_id: Some(UserId::new()),
            reserve_met: true,
            winner_id: None,
            final_price: None,
            minimum_bid: Some(1_300),
        }
    }

    fn terms() -> Terms {
        Terms {
            seller_id: UserId::new(),
            currency: Currency::default(),
            starting_price: 100,
            reserve_price: Some(5_000),
            buy_now_price: None,
        }
    }

    #[test]
    fn every_kind_of_event_round_trips() {
        let (bidder, bid) = (UserId::new(), BidId::new());
        let kinds = vec![
            EventKind::Listed {
                terms: terms(),
                state: state(),
            },
            EventKind::Scheduled { state: state() },
            EventKind::Opened { state: state() },
            EventKind::Price {
                bid_id: bid,
                amount: 1_200,
                bidder_id: bidder,
                state: state(),
            },
            EventKind::Extended { state: state() },
            EventKind::Closed { state: state() },
            EventKind::Cancelled { state: state() },
            EventKind::BidAccepted {
                bid_id: bid,
                bidder_id: bidder,
                amount: 1_200,
                current_price: 1_100,
                leading: false,
            },
            EventKind::BidRejected {
                bid_id: bid,
                bidder_id: bidder,
                reason: RejectReason::BelowMinimum,
            },
            EventKind::Outbid {
                bidder_id: bidder,
                current_price: 1_300,
            },
            EventKind::Won {
                bidder_id: bidder,
                final_price: 1_300,
            },
            EventKind::AuctionClosedFor {
                bidder_id: bidder,
                winner_id: Some(UserId::new()),
                final_price: Some(1_300),
            },
            EventKind::AuctionClosedFor {
                bidder_id: bidder,
                winner_id: None,
                final_price: None,
            },
            EventKind::Ending {
                user_id: bidder,
                ends_at: Utc::now(),
                title: Some("A lamp".into()),
            },
        ];
        for kind in kinds {
            let event = Event {
                auction_id: AuctionId::new(),
                seq: 7,
                at: Utc::now(),
                kind,
            };
            let json = serde_json::to_vec(&event).unwrap();
            assert_eq!(serde_json::from_slice::<Event>(&json).unwrap(), event);
        }
    }

    #[test]
    fn every_kind_of_command_round_trips() {
        let (auction_id, at) = (AuctionId::new(), Utc::now());
        let commands = vec![
            Command::List {
                auction_id,
                terms: terms(),
                listing: Listing {
                    title: "Lamp".into(),
                    description: "Brass".into(),
                    category: "home".into(),
                },
                at,
            },
            Command::Schedule {
                auction_id,
                starts_at: at,
                ends_at: at,
                at,
            },
            Command::Open { auction_id, at },
            Command::Close { auction_id, at },
            Command::Cancel { auction_id, at },
            Command::PlaceBid {
                auction_id,
                bid_id: BidId::new(),
                bidder_id: UserId::new(),
                amount: 10,
                max_amount: None,
                received_at: at,
            },
            Command::BuyNow {
                auction_id,
                bid_id: BidId::new(),
                bidder_id: UserId::new(),
                received_at: at,
            },
        ];
        for command in commands {
            let json = serde_json::to_vec(&command).unwrap();
            assert_eq!(serde_json::from_slice::<Command>(&json).unwrap(), command);
        }
    }

    /// The names on the wire, written out: a rename in the types must not go unnoticed,
    /// since records already on the topics keep the old ones.
    #[test]
    fn records_in_the_wire_format_read() {
        let price = r#"{"auctionId":"0193a000-0000-7000-8000-000000000001","seq":4,
            "at":"2026-11-21T09:00:00Z","type":"price",
            "bid_id":"0193a000-0000-7000-8000-000000000002","amount":1500,
            "bidder_id":"0193a000-0000-7000-8000-000000000003",
            "state":{"status":"open","startsAt":null,"endsAt":"2026-11-21T10:00:00Z",
            "currentPrice":1500,"bidCount":2,
            "leadingBidderId":"0193a000-0000-7000-8000-000000000003","reserveMet":false,
            "winnerId":null,"finalPrice":null,"minimumBid":1600},"unknown":[1,{"a":2}]}"#;
        let event: Event = serde_json::from_str(price).unwrap();
        assert_eq!((event.seq, event.name()), (4, "price"));
        assert_eq!(event.public_state().unwrap().minimum_bid, Some(1600));
        let list = r#"{"type":"list","auction_id":"0193a000-0000-7000-8000-000000000001",
            "terms":{"sellerId":"0193a000-0000-7000-8000-000000000003","currency":"KRW",
            "startingPrice":100,"reservePrice":null,"buyNowPrice":null},
            "at":"2026-11-21T09:00:00Z"}"#;
        match serde_json::from_str::<Command>(list).unwrap() {
            Command::List { listing, .. } => assert_eq!(listing, Listing::default()),
            other => panic!("read as {other:?}"),
        }
    }

    #[test]
    fn records_missing_a_field_or_of_an_unknown_kind_are_refused() {
        let at = r#""at":"2026-11-21T09:00:00Z""#;
        let id = r#""auctionId":"0193a000-0000-7000-8000-000000000001""#;
        for bad in [
            format!(r#"{{{id},"seq":1,{at},"type":"price","amount":5}}"#),
            format!(r#"{{{id},"seq":1,{at},"type":"opened"}}"#),
            format!(r#"{{{id},"seq":1,{at},"type":"teleported"}}"#),
            format!(r#"{{{id},"seq":1,{at}}}"#),
            format!(r#"{{{id},"seq":"one",{at},"type":"opened"}}"#),
            String::from("[]"),
        ] {
            let err = serde_json::from_str::<Event>(&bad).expect_err(&bad);
            assert!(!err.to_string().is_empty());
        }
        let bid = r#"{"type":"place_bid","auction_id":"0193a000-0000-7000-8000-000000000001",
            "amount":5}"#;
        let err = serde_json::from_str::<Command>(bid)
            .unwrap_err()
            .to_string();
        assert!(err.contains("bid_id"), "{err}");
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
