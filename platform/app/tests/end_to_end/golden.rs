//! The JSON every client sees, byte for byte: the auction object of the API, search hits,
//! and the data of every live-stream event, each rendered from fixed inputs and compared
//! with a file under `golden/`. A change to any of them fails here first; when it is
//! meant (a new field, say), `UPDATE_GOLDEN=1 cargo test -p platform-app --test end_to_end
//! golden` writes the files anew and the diff shows what clients will see.

use chrono::{DateTime, TimeZone, Utc};
use vocabulary::{
    Amount, AuctionId, AuctionStatus, BidId, Currency, Event, EventKind, Listing, PublicState,
    RejectReason, Terms, UserId,
};

fn id(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x0193a000_0000_7000_8000_000000000000 + n)
}

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 9, minute, 0).unwrap()
}

const AUCTION: u128 = 1;
const SELLER: u128 = 2;
const BIDDER: u128 = 3;
const RIVAL: u128 = 4;
const BID: u128 = 5;

fn terms() -> Terms {
    Terms {
        seller_id: UserId(id(SELLER)),
        currency: Currency::parse("KRW").unwrap(),
        starting_price: Amount::minor(10_000),
        reserve_price: Some(Amount::minor(50_000)),
        buy_now_price: Some(Amount::minor(90_000)),
    }
}

fn listing() -> Listing {
    Listing {
        title: "Canon AE-1 필름 카메라".into(),
        description: "Works, with a 50 mm lens".into(),
        category: "electronics".into(),
    }
}

fn state(status: AuctionStatus) -> PublicState {
    let closed = status.is_final();
    PublicState {
        status,
        starts_at: Some(at(0)),
        ends_at: Some(at(30)),
        current_price: Amount::minor(12_000),
        bid_count: 2,
        leading_bidder_id: Some(UserId(id(BIDDER))),
        reserve_met: false,
        winner_id: closed.then_some(UserId(id(BIDDER))),
        final_price: closed.then_some(Amount::minor(12_000)),
        minimum_bid: (!closed).then_some(Amount::minor(12_500)),
    }
}

fn event(seq: i64, kind: EventKind) -> Event {
    Event {
        auction_id: AuctionId(id(AUCTION)),
        seq,
        at: at(10),
        kind,
    }
}

fn public_events() -> Vec<Event> {
    vec![
        event(
            1,
            EventKind::Listed {
                terms: terms(),
                state: state(AuctionStatus::Pending),
                listing: Some(listing()),
            },
        ),
        event(
            2,
            EventKind::Scheduled {
                state: state(AuctionStatus::Scheduled),
            },
        ),
        event(
            3,
            EventKind::Opened {
                state: state(AuctionStatus::Open),
            },
        ),
        event(
            4,
            EventKind::Price {
                bid_id: BidId(id(BID)),
                amount: Amount::minor(12_000),
                bidder_id: UserId(id(BIDDER)),
                state: state(AuctionStatus::Open),
            },
        ),
        event(
            5,
            EventKind::Extended {
                state: state(AuctionStatus::Open),
            },
        ),
        event(
            6,
            EventKind::Closed {
                state: state(AuctionStatus::Closed),
            },
        ),
        event(
            7,
            EventKind::Cancelled {
                state: state(AuctionStatus::Cancelled),
            },
        ),
    ]
}

fn private_events() -> Vec<Event> {
    let bidder = UserId(id(BIDDER));
    vec![
        event(
            4,
            EventKind::BidAccepted {
                bid_id: BidId(id(BID)),
                bidder_id: bidder,
                amount: Amount::minor(12_000),
                current_price: Amount::minor(12_000),
                leading: true,
            },
        ),
        event(
            4,
            EventKind::BidRejected {
                bid_id: BidId(id(BID)),
                bidder_id: bidder,
                reason: RejectReason::BelowMinimum,
            },
        ),
        event(
            5,
            EventKind::Outbid {
                bidder_id: UserId(id(RIVAL)),
                current_price: Amount::minor(12_500),
            },
        ),
        event(
            6,
            EventKind::Won {
                bidder_id: bidder,
                final_price: Amount::minor(12_000),
            },
        ),
        event(
            6,
            EventKind::AuctionClosedFor {
                bidder_id: UserId(id(RIVAL)),
                winner_id: Some(bidder),
                final_price: Some(Amount::minor(12_000)),
            },
        ),
        event(
            6,
            EventKind::Ending {
                user_id: bidder,
                ends_at: at(30),
                title: Some(listing().title),
            },
        ),
    ]
}

/// Every rendering, one per line, named.
fn rendered() -> String {
    let mut lines = Vec::new();
    for e in public_events() {
        let update = notification::hub::views::AuctionUpdate::of(&e).unwrap();
        lines.push(format!("sse {}: {}", e.name(), update.render(3)));
    }
    for e in private_events() {
        let notice = notification::hub::views::notice(&e).unwrap();
        lines.push(format!("sse {}: {notice}", e.name()));
    }
    let open = state(AuctionStatus::Open);
    lines.push(format!(
        "sse snapshot: {}",
        notification::hub::views::AuctionSnapshot::render(
            AuctionId(id(AUCTION)),
            4,
            &open,
            Some(&terms()),
            Some(&listing()),
            3
        )
    ));
    let auction = catalog_auction();
    for (who, viewer) in [("anyone", None), ("seller", Some(UserId(id(SELLER))))] {
        let view = auction.view(viewer);
        lines.push(format!(
            "api auction for {who}: {}",
            serde_json::to_string(&view).unwrap()
        ));
    }
    let doc = search::domain::AuctionDoc {
        id: AuctionId(id(AUCTION)),
        terms: Some(terms()),
        listing: Some(listing()),
        listed_at: Some(at(0)),
        seq: 4,
        state: Some(open),
    };
    lines.push(format!(
        "api search hit: {}",
        serde_json::to_string(&doc.hit().expect("a listed auction")).unwrap()
    ));
    lines.join("\n") + "\n"
}

fn catalog_auction() -> auction::domain::Auction {
    let (terms, listing, state) = (terms(), listing(), state(AuctionStatus::Open));
    auction::domain::Auction {
        id: AuctionId(id(AUCTION)),
        seller_id: terms.seller_id,
        title: listing.title,
        description: listing.description,
        category: listing.category,
        currency: terms.currency,
        starting_price: terms.starting_price,
        reserve_price: terms.reserve_price,
        buy_now_price: terms.buy_now_price,
        status: state.status,
        starts_at: state.starts_at,
        ends_at: state.ends_at,
        current_price: state.current_price,
        bid_count: state.bid_count,
        leading_bidder_id: state.leading_bidder_id,
        reserve_met: state.reserve_met,
        winner_id: state.winner_id,
        final_price: state.final_price,
        minimum_bid: state.minimum_bid,
        seq: 4,
        created_at: at(0),
        open_requested: true,
    }
}

#[test]
fn what_clients_see_is_unchanged() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/end_to_end/golden/client_json.txt");
    let now = rendered();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &now).unwrap();
    }
    let golden =
        std::fs::read_to_string(&path).expect("the golden file (UPDATE_GOLDEN=1 writes it)");
    for (line, (want, got)) in golden.lines().zip(now.lines()).enumerate() {
        assert_eq!(got, want, "line {} of {}", line + 1, path.display());
    }
    assert_eq!(golden.lines().count(), now.lines().count());
}
