//! What the engine keeps for one auction between commands.

use super::rules::Rules;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use vocabulary::{Amount, AuctionId, AuctionStatus, Event, EventKind, PublicState, Terms, UserId};

/// The whole of one auction as the engine persists it (as JSON). Only [`super::apply`]
/// changes it, so every change is one the command log can replay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuctionState {
    pub(super) auction_id: AuctionId,
    /// `None` until the listing's `List` command is seen: the auction is unknown.
    pub(super) terms: Option<Terms>,
    pub(super) status: AuctionStatus,
    pub(super) starts_at: Option<DateTime<Utc>>,
    pub(super) ends_at: Option<DateTime<Utc>>,
    /// The end as scheduled, before any soft-close extension; the extension cap counts
    /// from here.
    pub(super) scheduled_end: Option<DateTime<Utc>>,
    pub(super) current_price: Amount,
    pub(super) bid_count: i64,
    pub(super) leader: Option<Leader>,
    /// Everyone who ever had a bid accepted; ordered, so the events sent to them are in the
    /// same order on every replay.
    pub(super) bidders: BTreeSet<UserId>,
    pub(super) winner_id: Option<UserId>,
    pub(super) final_price: Option<Amount>,
    pub(super) seq: i64,
    /// The lowest amount a bid may have after the last command, under the rules it was
    /// applied with (`None` once no bid can be taken, and in states stored before it was
    /// kept). Kept so that [`Self::public`] is whole without the rules.
    #[serde(default)]
    pub(super) minimum_bid: Option<Amount>,
}

/// The bidder currently winning, with the most they are willing to pay. The maximum is the
/// bidder's secret: it never leaves the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Leader {
    pub bidder_id: UserId,
    pub max_amount: Amount,
}

impl AuctionState {
    pub fn new(auction_id: AuctionId) -> Self {
        Self {
            auction_id,
            terms: None,
            status: AuctionStatus::Pending,
            starts_at: None,
            ends_at: None,
            scheduled_end: None,
            current_price: Amount::ZERO,
            bid_count: 0,
            leader: None,
            bidders: BTreeSet::new(),
            winner_id: None,
            final_price: None,
            seq: 0,
            minimum_bid: None,
        }
    }

    pub fn auction_id(&self) -> AuctionId {
        self.auction_id
    }

    /// The sequence number of the last public event (0 before the first).
    pub fn seq(&self) -> i64 {
        self.seq
    }

    pub fn status(&self) -> AuctionStatus {
        self.status
    }

    pub fn terms(&self) -> Option<&Terms> {
        self.terms.as_ref()
    }

    pub fn seller_id(&self) -> Option<UserId> {
        self.terms.as_ref().map(|terms| terms.seller_id)
    }

    pub fn ends_at(&self) -> Option<DateTime<Utc>> {
        self.ends_at
    }

    pub fn leader(&self) -> Option<Leader> {
        self.leader
    }

    /// Everyone who ever had a bid accepted, in a stable order.
    pub fn bidders(&self) -> impl Iterator<Item = UserId> + '_ {
        self.bidders.iter().copied()
    }

    /// The lowest `amount` a bid may have now: the starting price until someone bids, then
    /// the current price plus the increment of its band.
    pub fn minimum_next_bid(&self, rules: &Rules) -> Amount {
        minimum_bid(
            self.leader.is_some(),
            self.current_price,
            self.terms.as_ref(),
            rules,
        )
    }

    /// Sets `minimumBid` on the public events of one decision and on the state. The
    /// minimum follows from the state an event carries and the house rules; every public
    /// event passes through here before it leaves the domain, so each one carries the
    /// minimum as of its own state (the `price` event of a buy-now still shows one, the
    /// `closed` after it none).
    pub(super) fn stamp_minimum_bids(&mut self, rules: &Rules, events: &mut [Event]) {
        for event in events {
            if let Some(state) = event.public_state_mut() {
                state.minimum_bid = self.minimum_bid_at(state, rules);
            }
        }
        self.minimum_bid = self.minimum_bid_at(&self.public(), rules);
    }

    /// The minimum of a public state of this auction; `None` when no bid can be taken
    /// any more, or the auction is unknown.
    fn minimum_bid_at(&self, state: &PublicState, rules: &Rules) -> Option<Amount> {
        let terms = self.terms.as_ref()?;
        (!state.status.is_final()).then(|| {
            minimum_bid(
                state.leading_bidder_id.is_some(),
                state.current_price,
                Some(terms),
                rules,
            )
        })
    }

    /// True when a close now would have a winner as far as the reserve is concerned: no
    /// reserve, or a leader at or above it. A buy-now winner met the seller's own price.
    pub fn reserve_met(&self) -> bool {
        if self.winner_id.is_some() {
            return true;
        }
        match &self.terms {
            None => false,
            Some(Terms {
                reserve_price: None,
                ..
            }) => true,
            Some(Terms {
                reserve_price: Some(reserve),
                ..
            }) => self.leader.is_some() && self.current_price >= *reserve,
        }
    }

    pub fn public(&self) -> PublicState {
        PublicState {
            status: self.status,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            current_price: self.current_price,
            bid_count: self.bid_count,
            leading_bidder_id: self.leader.map(|leader| leader.bidder_id),
            reserve_met: self.reserve_met(),
            winner_id: self.winner_id,
            final_price: self.final_price,
            minimum_bid: self.minimum_bid,
        }
    }

    /// Appends a public event: advances `seq` by one and carries the state as it is now,
    /// so callers change the state first and publish after.
    pub(super) fn publish(
        &mut self,
        at: DateTime<Utc>,
        events: &mut Vec<Event>,
        kind: impl FnOnce(PublicState) -> EventKind,
    ) {
        self.seq += 1;
        events.push(Event {
            auction_id: self.auction_id,
            seq: self.seq,
            at,
            kind: kind(self.public()),
        });
    }

    /// Appends a private event; it carries the current `seq` and does not advance it.
    pub(super) fn notify(&self, at: DateTime<Utc>, events: &mut Vec<Event>, kind: EventKind) {
        events.push(Event {
            auction_id: self.auction_id,
            seq: self.seq,
            at,
            kind,
        });
    }

    /// Tells every bidder but the winner that the auction is over, with its result.
    pub(super) fn notify_closed_for_bidders(&self, at: DateTime<Utc>, events: &mut Vec<Event>) {
        for bidder_id in self.bidders() {
            if Some(bidder_id) != self.winner_id {
                self.notify(
                    at,
                    events,
                    EventKind::AuctionClosedFor {
                        bidder_id,
                        winner_id: self.winner_id,
                        final_price: self.final_price,
                    },
                );
            }
        }
    }
}

/// The starting price until someone leads, then the current price plus its band's
/// increment.
fn minimum_bid(
    has_leader: bool,
    current_price: Amount,
    terms: Option<&Terms>,
    rules: &Rules,
) -> Amount {
    match (has_leader, terms) {
        (false, Some(terms)) => terms.starting_price,
        (false, None) => Amount::ZERO,
        (true, _) => rules.increments.step_above(current_price),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{apply, IncrementTable};
    use super::*;
    use vocabulary::{BidId, Command, Currency};

    fn a(minor: i64) -> Amount {
        Amount::minor(minor)
    }

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + s, 0).unwrap()
    }

    #[test]
    fn every_public_event_and_the_state_say_what_the_next_bid_must_be() {
        let rules = Rules {
            increments: IncrementTable::parse("0:5,100:25,500:50").unwrap(),
            ..Rules::default()
        };
        let (id, seller) = (AuctionId::new(), UserId::new());
        let terms = Terms {
            seller_id: seller,
            currency: Currency::default(),
            starting_price: Amount::minor(80),
            reserve_price: None,
            buy_now_price: Some(Amount::minor(1_000)),
        };
        let mut state = AuctionState::new(id);
        let minimums = |events: &[Event]| -> Vec<Option<i64>> {
            events
                .iter()
                .filter_map(|e| e.public_state().map(|s| s.minimum_bid.map(Amount::get)))
                .collect()
        };
        let commands = [
            Command::List {
                auction_id: id,
                terms,
                listing: Default::default(),
                at: t(0),
            },
            Command::Schedule {
                auction_id: id,
                starts_at: t(10),
                ends_at: t(600),
                at: t(0),
            },
            Command::Open {
                auction_id: id,
                at: t(10),
            },
        ];
        for command in &commands {
            let events = apply(&mut state, command, &rules).events;
            assert_eq!(minimums(&events), [Some(80)], "{command:?}");
        }
        let bid = |amount| Command::PlaceBid {
            auction_id: id,
            bid_id: BidId::new(),
            bidder_id: UserId::new(),
            amount,
            max_amount: None,
            received_at: t(20),
        };
        // 95 is in the first band: +5. 100 starts the next: +25.
        let events = apply(&mut state, &bid(a(95)), &rules).events;
        assert_eq!(minimums(&events), [Some(100)]);
        let events = apply(&mut state, &bid(a(100)), &rules).events;
        assert_eq!(minimums(&events), [Some(125)]);
        assert_eq!(state.public().minimum_bid, Some(a(125)));
        // A buy-now's price event still shows a minimum; the close after it none.
        let buy = Command::BuyNow {
            auction_id: id,
            bid_id: BidId::new(),
            bidder_id: UserId::new(),
            received_at: t(30),
        };
        let events = apply(&mut state, &buy, &rules).events;
        assert_eq!(minimums(&events), [Some(1_050), None]);
        assert_eq!(state.public().minimum_bid, None);
    }
}
