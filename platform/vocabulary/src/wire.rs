//! Reading a [`Command`] or an [`Event`] in one pass.
//!
//! The wire format, for every record on the two logs and in the outboxes: one JSON object,
//! `type` a snake_case tag (`place_bid`, `bid_accepted`), every field name camelCase
//! (`auctionId`, `bidId`, `receivedAt`). Records written before the names were unified
//! used snake_case for commands' and event kinds' own fields (`auction_id`, `bid_id`);
//! those names are still read, so a topic or an outbox holding both reads whole.

use crate::{
    Amount, AuctionId, BidId, Command, Event, EventKind, Listing, PublicState, RejectReason, Terms,
    UserId,
};
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

/// Every field any command has, by its camelCase name or the snake_case one that
/// records written before used.
#[derive(Deserialize)]
pub(crate) struct FlatCommand {
    #[serde(rename = "type")]
    kind: CommandType,
    #[serde(rename = "auctionId", alias = "auction_id")]
    auction_id: AuctionId,
    terms: Option<Terms>,
    listing: Option<Listing>,
    at: Option<DateTime<Utc>>,
    #[serde(rename = "startsAt", alias = "starts_at")]
    starts_at: Option<DateTime<Utc>>,
    #[serde(rename = "endsAt", alias = "ends_at")]
    ends_at: Option<DateTime<Utc>>,
    #[serde(rename = "bidId", alias = "bid_id")]
    bid_id: Option<BidId>,
    #[serde(rename = "bidderId", alias = "bidder_id")]
    bidder_id: Option<UserId>,
    amount: Option<Amount>,
    #[serde(rename = "maxAmount", alias = "max_amount")]
    max_amount: Option<Amount>,
    #[serde(rename = "receivedAt", alias = "received_at")]
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
                starts_at: required(f.starts_at, "schedule", "startsAt")?,
                ends_at: required(f.ends_at, "schedule", "endsAt")?,
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
                bid_id: required(f.bid_id, "place_bid", "bidId")?,
                bidder_id: required(f.bidder_id, "place_bid", "bidderId")?,
                amount: required(f.amount, "place_bid", "amount")?,
                max_amount: f.max_amount,
                received_at: required(f.received_at, "place_bid", "receivedAt")?,
            },
            CommandType::BuyNow => Command::BuyNow {
                auction_id,
                bid_id: required(f.bid_id, "buy_now", "bidId")?,
                bidder_id: required(f.bidder_id, "buy_now", "bidderId")?,
                received_at: required(f.received_at, "buy_now", "receivedAt")?,
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

/// Every field any kind has, by its camelCase name or the snake_case one that records
/// written before used for the kind's own fields.
#[derive(Deserialize)]
pub(crate) struct FlatEvent {
    #[serde(rename = "auctionId")]
    auction_id: AuctionId,
    seq: i64,
    at: DateTime<Utc>,
    #[serde(rename = "type")]
    kind: EventType,
    terms: Option<Terms>,
    listing: Option<Listing>,
    state: Option<PublicState>,
    #[serde(rename = "bidId", alias = "bid_id")]
    bid_id: Option<BidId>,
    amount: Option<Amount>,
    #[serde(rename = "bidderId", alias = "bidder_id")]
    bidder_id: Option<UserId>,
    #[serde(rename = "currentPrice", alias = "current_price")]
    current_price: Option<Amount>,
    leading: Option<bool>,
    reason: Option<RejectReason>,
    #[serde(rename = "finalPrice", alias = "final_price")]
    final_price: Option<Amount>,
    #[serde(rename = "winnerId", alias = "winner_id")]
    winner_id: Option<UserId>,
    #[serde(rename = "userId", alias = "user_id")]
    user_id: Option<UserId>,
    #[serde(rename = "endsAt", alias = "ends_at")]
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
                listing: f.listing,
                state: state("listed")?,
            },
            EventType::Scheduled => EventKind::Scheduled {
                state: state("scheduled")?,
            },
            EventType::Opened => EventKind::Opened {
                state: state("opened")?,
            },
            EventType::Price => EventKind::Price {
                bid_id: required(f.bid_id, "price", "bidId")?,
                amount: required(f.amount, "price", "amount")?,
                bidder_id: required(f.bidder_id, "price", "bidderId")?,
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
                bid_id: required(f.bid_id, "bid_accepted", "bidId")?,
                bidder_id: required(f.bidder_id, "bid_accepted", "bidderId")?,
                amount: required(f.amount, "bid_accepted", "amount")?,
                current_price: required(f.current_price, "bid_accepted", "currentPrice")?,
                leading: required(f.leading, "bid_accepted", "leading")?,
            },
            EventType::BidRejected => EventKind::BidRejected {
                bid_id: required(f.bid_id, "bid_rejected", "bidId")?,
                bidder_id: required(f.bidder_id, "bid_rejected", "bidderId")?,
                reason: required(f.reason, "bid_rejected", "reason")?,
            },
            EventType::Outbid => EventKind::Outbid {
                bidder_id: required(f.bidder_id, "outbid", "bidderId")?,
                current_price: required(f.current_price, "outbid", "currentPrice")?,
            },
            EventType::Won => EventKind::Won {
                bidder_id: required(f.bidder_id, "won", "bidderId")?,
                final_price: required(f.final_price, "won", "finalPrice")?,
            },
            EventType::AuctionClosedFor => EventKind::AuctionClosedFor {
                bidder_id: required(f.bidder_id, "auction_closed_for", "bidderId")?,
                winner_id: f.winner_id,
                final_price: f.final_price,
            },
            EventType::Ending => EventKind::Ending {
                user_id: required(f.user_id, "ending", "userId")?,
                ends_at: required(f.ends_at, "ending", "endsAt")?,
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

#[cfg(test)]
mod tests {
    use crate::*;
    use chrono::Utc;

    #[test]
    fn commands_round_trip_as_tagged_json() {
        let cmd = Command::PlaceBid {
            auction_id: AuctionId::new(),
            bid_id: BidId::new(),
            bidder_id: UserId::new(),
            amount: Amount::minor(1000),
            max_amount: Some(Amount::minor(2000)),
            received_at: Utc::now(),
        };
        let json = serde_json::to_string(&cmd).unwrap();
        assert!(json.contains("\"type\":\"place_bid\""));
        assert!(json.contains("\"auctionId\"") && json.contains("\"receivedAt\""));
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
                current_price: Amount::minor(10),
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
            current_price: Amount::minor(1_200),
            bid_count: 3,
            leading_bidder_id: Some(UserId::new()),
            reserve_met: true,
            winner_id: None,
            final_price: None,
            minimum_bid: Some(Amount::minor(1_300)),
        }
    }

    fn terms() -> Terms {
        Terms {
            seller_id: UserId::new(),
            currency: Currency::default(),
            starting_price: Amount::minor(100),
            reserve_price: Some(Amount::minor(5_000)),
            buy_now_price: None,
        }
    }

    #[test]
    fn every_kind_of_event_round_trips() {
        let (bidder, bid) = (UserId::new(), BidId::new());
        let kinds = vec![
            EventKind::Listed {
                terms: terms(),
                listing: Some(Listing {
                    title: "Film camera".into(),
                    description: "With its case".into(),
                    category: "electronics".into(),
                }),
                state: state(),
            },
            EventKind::Scheduled { state: state() },
            EventKind::Opened { state: state() },
            EventKind::Price {
                bid_id: bid,
                amount: Amount::minor(1_200),
                bidder_id: bidder,
                state: state(),
            },
            EventKind::Extended { state: state() },
            EventKind::Closed { state: state() },
            EventKind::Cancelled { state: state() },
            EventKind::BidAccepted {
                bid_id: bid,
                bidder_id: bidder,
                amount: Amount::minor(1_200),
                current_price: Amount::minor(1_100),
                leading: false,
            },
            EventKind::BidRejected {
                bid_id: bid,
                bidder_id: bidder,
                reason: RejectReason::BelowMinimum,
            },
            EventKind::Outbid {
                bidder_id: bidder,
                current_price: Amount::minor(1_300),
            },
            EventKind::Won {
                bidder_id: bidder,
                final_price: Amount::minor(1_300),
            },
            EventKind::AuctionClosedFor {
                bidder_id: bidder,
                winner_id: Some(UserId::new()),
                final_price: Some(Amount::minor(1_300)),
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
                amount: Amount::minor(10),
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

    /// Every field name that leaves the process is camelCase, at any depth.
    #[test]
    fn records_are_written_in_camel_case() {
        fn keys(value: &serde_json::Value, out: &mut Vec<String>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        out.push(k.clone());
                        keys(v, out);
                    }
                }
                serde_json::Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
                _ => {}
            }
        }
        let bidder = UserId::new();
        let records = [
            serde_json::to_value(Command::PlaceBid {
                auction_id: AuctionId::new(),
                bid_id: BidId::new(),
                bidder_id: bidder,
                amount: Amount::minor(5),
                max_amount: Some(Amount::minor(9)),
                received_at: Utc::now(),
            })
            .unwrap(),
            serde_json::to_value(Command::List {
                auction_id: AuctionId::new(),
                terms: terms(),
                listing: Listing::default(),
                at: Utc::now(),
            })
            .unwrap(),
            serde_json::to_value(Event {
                auction_id: AuctionId::new(),
                seq: 2,
                at: Utc::now(),
                kind: EventKind::BidAccepted {
                    bid_id: BidId::new(),
                    bidder_id: bidder,
                    amount: Amount::minor(5),
                    current_price: Amount::minor(5),
                    leading: true,
                },
            })
            .unwrap(),
            serde_json::to_value(Event {
                auction_id: AuctionId::new(),
                seq: 3,
                at: Utc::now(),
                kind: EventKind::Price {
                    bid_id: BidId::new(),
                    amount: Amount::minor(5),
                    bidder_id: bidder,
                    state: state(),
                },
            })
            .unwrap(),
        ];
        for record in &records {
            let mut names = Vec::new();
            keys(record, &mut names);
            assert!(names.iter().all(|n| !n.contains('_')), "{record}");
        }
    }

    /// The camelCase names, written out: a rename in the types must not go unnoticed.
    #[test]
    fn records_in_the_wire_format_read() {
        let bid = r#"{"type":"place_bid","auctionId":"0193a000-0000-7000-8000-000000000001",
            "bidId":"0193a000-0000-7000-8000-000000000002",
            "bidderId":"0193a000-0000-7000-8000-000000000003","amount":1500,
            "maxAmount":2000,"receivedAt":"2026-11-21T09:00:00Z"}"#;
        match serde_json::from_str::<Command>(bid).unwrap() {
            Command::PlaceBid { max_amount, .. } => {
                assert_eq!(max_amount, Some(Amount::minor(2000)))
            }
            other => panic!("read as {other:?}"),
        }
        let won = r#"{"auctionId":"0193a000-0000-7000-8000-000000000001","seq":4,
            "at":"2026-11-21T09:00:00Z","type":"won",
            "bidderId":"0193a000-0000-7000-8000-000000000003","finalPrice":1500}"#;
        match serde_json::from_str::<Event>(won).unwrap().kind {
            EventKind::Won { final_price, .. } => assert_eq!(final_price, Amount::minor(1500)),
            other => panic!("read as {other:?}"),
        }
    }

    /// Records written before the names were unified (snake_case own fields), as they
    /// still sit on topics and in outboxes.
    #[test]
    fn records_in_the_earlier_wire_format_still_read() {
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
        assert_eq!(
            event.public_state().unwrap().minimum_bid,
            Some(Amount::minor(1600))
        );
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
        assert!(err.contains("bidId"), "{err}");
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
