//! Named scenarios for each rule, and properties over random command sequences.

mod bidding;
mod closing;
mod lifecycle;
mod properties;

use super::{apply, AuctionState, BidOutcome, Decision, IncrementTable, Rules};
use chrono::{DateTime, Utc};
use vocabulary::{
    Amount, AuctionId, BidId, Command, Currency, EventKind, RejectReason, Terms, UserId,
};

/// Second `s` of the test clock; the auction runs from 0 to [`END`].
fn t(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000 + s, 0).unwrap()
}

const END: i64 = 600;

fn rules() -> Rules {
    Rules {
        increments: IncrementTable::parse("0:5,100:25,500:50").unwrap(),
        ..Rules::default()
    }
}

/// `minor` units of the auctions' currency.
fn a(minor: i64) -> Amount {
    Amount::minor(minor)
}

fn terms(seller_id: UserId, starting_price: Amount) -> Terms {
    Terms {
        seller_id,
        currency: Currency::default(),
        starting_price,
        reserve_price: None,
        buy_now_price: None,
    }
}

/// One auction driven through `apply`, keeping every decision for inspection.
struct Auction {
    state: AuctionState,
    rules: Rules,
    seller: UserId,
}

impl Auction {
    /// Listed, not yet scheduled.
    fn listed(terms_of: impl FnOnce(UserId) -> Terms) -> Self {
        let seller = UserId::new();
        let mut auction = Self {
            state: AuctionState::new(AuctionId::new()),
            rules: rules(),
            seller,
        };
        let terms = terms_of(seller);
        auction.run(Command::List {
            auction_id: auction.id(),
            terms,
            listing: Default::default(),
            at: t(-100),
        });
        auction
    }

    /// Listed with starting price 50, scheduled 0..END and open.
    fn open() -> Self {
        Self::open_with(|seller| terms(seller, a(50)))
    }

    fn open_with(terms_of: impl FnOnce(UserId) -> Terms) -> Self {
        let mut auction = Self::listed(terms_of);
        auction.schedule(0, END);
        let id = auction.id();
        auction.run(Command::Open {
            auction_id: id,
            at: t(0),
        });
        auction
    }

    fn id(&self) -> AuctionId {
        self.state.auction_id()
    }

    fn run(&mut self, command: Command) -> Decision {
        apply(&mut self.state, &command, &self.rules)
    }

    fn schedule(&mut self, starts: i64, ends: i64) -> Decision {
        let id = self.id();
        self.run(Command::Schedule {
            auction_id: id,
            starts_at: t(starts),
            ends_at: t(ends),
            at: t(-50),
        })
    }

    fn bid(&mut self, bidder: UserId, amount: Amount, max: Option<Amount>, at: i64) -> Decision {
        let id = self.id();
        self.run(Command::PlaceBid {
            auction_id: id,
            bid_id: BidId::new(),
            bidder_id: bidder,
            amount,
            max_amount: max,
            received_at: t(at),
        })
    }

    fn buy_now(&mut self, bidder: UserId, at: i64) -> Decision {
        let id = self.id();
        self.run(Command::BuyNow {
            auction_id: id,
            bid_id: BidId::new(),
            bidder_id: bidder,
            received_at: t(at),
        })
    }

    fn close(&mut self, at: i64) -> Decision {
        let id = self.id();
        self.run(Command::Close {
            auction_id: id,
            at: t(at),
        })
    }

    fn cancel(&mut self, at: i64) -> Decision {
        let id = self.id();
        self.run(Command::Cancel {
            auction_id: id,
            at: t(at),
        })
    }

    fn price(&self) -> Amount {
        self.state.public().current_price
    }

    fn leader(&self) -> Option<UserId> {
        self.state.public().leading_bidder_id
    }
}

fn accepted(decision: &Decision) -> bool {
    matches!(decision.outcome, Some(BidOutcome::Accepted { .. }))
}

fn rejection(decision: &Decision) -> Option<RejectReason> {
    match decision.outcome {
        Some(BidOutcome::Rejected { reason, .. }) => Some(reason),
        _ => None,
    }
}

/// The SSE names of a decision's events, in order.
fn names(decision: &Decision) -> Vec<&'static str> {
    decision.events.iter().map(|event| event.name()).collect()
}

/// The private events of `kind` (by SSE name) and their recipients.
fn recipients(decision: &Decision, name: &str) -> Vec<UserId> {
    decision
        .events
        .iter()
        .filter(|event| event.name() == name)
        .filter_map(|event| event.recipient())
        .collect()
}

fn outbid_price(decision: &Decision) -> Option<Amount> {
    decision.events.iter().find_map(|event| match event.kind {
        EventKind::Outbid { current_price, .. } => Some(current_price),
        _ => None,
    })
}
