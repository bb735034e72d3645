//! Properties that hold for any sequence of commands an auction may see.

use super::*;
use chrono::{DateTime, Utc};
use proptest::prelude::*;
use std::collections::BTreeMap;
use uuid::Uuid;
use vocabulary::{AuctionStatus, Event};

/// One step of a random auction. Amounts are relative to the minimum next bid at that
/// moment, as a bidder reading the live price would place them; times only move forward.
#[derive(Clone, Copy, Debug)]
enum Maximum {
    /// A plain bid.
    None,
    /// A proxy bid this far above the amount (below it when negative: refused).
    Above(i64),
    /// A round figure, so equal maxima from different bidders are common.
    Round(i64),
}

fn maximum() -> impl Strategy<Value = Maximum> {
    prop_oneof![
        Just(Maximum::None),
        (-20..800i64).prop_map(Maximum::Above),
        (1..30i64).prop_map(|k| Maximum::Round(k * 100)),
    ]
}

#[derive(Clone, Debug)]
enum Step {
    Bid {
        bidder: u8,
        over_minimum: i64,
        max: Maximum,
        wait: i64,
    },
    BuyNow {
        bidder: u8,
        wait: i64,
    },
    Close {
        wait: i64,
    },
    Cancel,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        12 => (0..5u8, -40..300i64, maximum(), 0..90i64).prop_map(
            |(bidder, over_minimum, max, wait)| Step::Bid { bidder, over_minimum, max, wait }
        ),
        1 => (0..5u8, 0..90i64).prop_map(|(bidder, wait)| Step::BuyNow { bidder, wait }),
        2 => (0..200i64).prop_map(|wait| Step::Close { wait }),
        1 => Just(Step::Cancel),
    ]
}

fn listing() -> impl Strategy<Value = (Amount, Option<Amount>, Option<Amount>)> {
    (
        1..400i64,
        proptest::option::of(1..2_000i64),
        proptest::option::of(1..3_000i64),
    )
        .prop_map(|(start, reserve, buy_now)| (a(start), reserve.map(a), buy_now.map(a)))
}

/// Fixed ids, so a second run of the same commands can be compared field by field.
fn user(n: u8) -> UserId {
    UserId::from(Uuid::from_u128(1 + n as u128))
}

/// Builds the command list by playing the steps, checking every property on the way.
/// Bidder 0 is the seller.
fn play(listing: (Amount, Option<Amount>, Option<Amount>), steps: &[Step]) -> Vec<Command> {
    let rules = rules();
    let auction_id = AuctionId::from(Uuid::from_u128(99));
    let (starting_price, reserve_price, buy_now_price) = listing;
    let mut commands = vec![
        Command::List {
            auction_id,
            terms: Terms {
                reserve_price,
                buy_now_price,
                ..terms(user(0), starting_price)
            },
            listing: Default::default(),
            at: t(-100),
        },
        Command::Schedule {
            auction_id,
            starts_at: t(0),
            ends_at: t(END),
            at: t(-50),
        },
        Command::Open {
            auction_id,
            at: t(0),
        },
    ];
    let mut state = AuctionState::new(auction_id);
    let mut checker = Checker::default();
    for command in &commands {
        let decision = apply(&mut state, command, &rules);
        checker.check(&state, command, &decision, None);
    }
    let mut now = 0;
    for (n, step) in steps.iter().enumerate() {
        let bid_id = BidId::from(Uuid::from_u128(1_000 + n as u128));
        let command = match *step {
            Step::Bid {
                bidder,
                over_minimum,
                max,
                wait,
            } => {
                now += wait;
                let minimum = state.minimum_next_bid(&rules);
                // Round maxima bid the minimum (or the maximum, if lower) to reach them.
                let (amount, max_amount) = match max {
                    Maximum::None => (minimum + a(over_minimum), None),
                    Maximum::Above(extra) => (
                        minimum + a(over_minimum),
                        Some(minimum + a(over_minimum + extra)),
                    ),
                    Maximum::Round(max) => (minimum.min(a(max)), Some(a(max))),
                };
                Command::PlaceBid {
                    auction_id,
                    bid_id,
                    bidder_id: user(bidder),
                    amount,
                    max_amount,
                    received_at: t(now),
                }
            }
            Step::BuyNow { bidder, wait } => {
                now += wait;
                Command::BuyNow {
                    auction_id,
                    bid_id,
                    bidder_id: user(bidder),
                    received_at: t(now),
                }
            }
            Step::Close { wait } => {
                now += wait;
                Command::Close {
                    auction_id,
                    at: t(now),
                }
            }
            Step::Cancel => Command::Cancel {
                auction_id,
                at: t(now),
            },
        };
        let before = state.clone();
        let decision = apply(&mut state, &command, &rules);
        checker.check(&state, &command, &decision, Some(&before));
        commands.push(command);
    }
    commands
}

/// What the properties need to remember across commands.
#[derive(Default)]
struct Checker {
    seq: i64,
    price: Amount,
    /// Each bidder's highest accepted maximum and the step at which they reached it.
    maxima: BTreeMap<UserId, (Amount, usize)>,
    steps: usize,
    bought_by: Option<UserId>,
    ends_at: Option<DateTime<Utc>>,
}

impl Checker {
    fn check(
        &mut self,
        state: &AuctionState,
        command: &Command,
        decision: &Decision,
        before: Option<&AuctionState>,
    ) {
        self.steps += 1;
        self.check_numbering(state, &decision.events);
        self.check_outcome(state, command, decision, before);
        let public = state.public();
        assert!(public.current_price >= self.price, "price went down");
        self.price = public.current_price;
        if let Some(leader) = state.leader() {
            assert!(
                public.current_price <= leader.max_amount,
                "price above the leader's maximum"
            );
            if let Some(reserve) = state.terms().and_then(|terms| terms.reserve_price) {
                assert!(leader.max_amount < reserve || public.current_price >= reserve);
            }
        }
        self.check_leader(state);
        self.check_end(state, &decision.events);
        if public.status == AuctionStatus::Closed {
            let expected = state
                .leader()
                .filter(|_| public.reserve_met)
                .map(|l| l.bidder_id);
            assert_eq!(public.winner_id, expected);
        }
        let json = serde_json::to_string(state).unwrap();
        assert_eq!(&serde_json::from_str::<AuctionState>(&json).unwrap(), state);
    }

    /// Public events advance seq by exactly one and carry the state; private ones carry the
    /// seq current when they were emitted.
    fn check_numbering(&mut self, state: &AuctionState, events: &[Event]) {
        for event in events {
            if event.is_public() {
                self.seq += 1;
                assert!(event.public_state().is_some());
            }
            assert_eq!(event.seq, self.seq, "{event:?}");
        }
        assert_eq!(state.seq(), self.seq);
        if let Some(last) = events.iter().rev().find_map(Event::public_state) {
            assert_eq!(last, &state.public());
        }
    }

    fn check_outcome(
        &mut self,
        state: &AuctionState,
        command: &Command,
        decision: &Decision,
        before: Option<&AuctionState>,
    ) {
        let (bid_id, bidder_id) = match *command {
            Command::PlaceBid {
                bid_id, bidder_id, ..
            }
            | Command::BuyNow {
                bid_id, bidder_id, ..
            } => (bid_id, bidder_id),
            _ => {
                assert_eq!(decision.outcome, None);
                return;
            }
        };
        let outcome = decision.outcome.expect("every bid has an outcome");
        assert_eq!(outcome.bid_id(), bid_id);
        let settled = decision.events.iter().filter(|event| matches!(
            &event.kind,
            EventKind::BidAccepted { bid_id: id, .. } | EventKind::BidRejected { bid_id: id, .. } if *id == bid_id
        ));
        assert_eq!(settled.count(), 1, "exactly one private answer per bid");
        let Some(before) = before else { return };
        let in_window = |received_at| {
            before.status() == AuctionStatus::Open
                && bidder_id != user(0)
                && received_at < before.ends_at().unwrap()
        };
        let accepted = matches!(outcome, BidOutcome::Accepted { .. });
        match *command {
            Command::PlaceBid {
                amount,
                max_amount,
                received_at,
                ..
            } => {
                let max = max_amount.unwrap_or(amount);
                let valid = in_window(received_at)
                    && amount >= before.minimum_next_bid(&rules())
                    && max >= amount;
                assert_eq!(accepted, valid, "acceptance of {command:?}");
                if valid {
                    let entry = self.maxima.entry(bidder_id).or_insert((max, self.steps));
                    if max > entry.0 {
                        *entry = (max, self.steps);
                    }
                }
            }
            Command::BuyNow { received_at, .. } if accepted => {
                assert!(
                    in_window(received_at),
                    "buy-now accepted outside the window"
                );
                assert_eq!(state.status(), AuctionStatus::Closed);
                assert_eq!(state.public().winner_id, Some(bidder_id));
                assert_eq!(
                    state.public().final_price,
                    before.terms().unwrap().buy_now_price
                );
                self.bought_by = Some(bidder_id);
            }
            _ => {}
        }
    }

    /// The end only moves later, never past the cap, and always with an `extended` event.
    fn check_end(&mut self, state: &AuctionState, events: &[Event]) {
        let ends_at = state.ends_at();
        let extended = events.iter().any(|event| event.name() == "extended");
        assert_eq!(extended, self.ends_at.is_some() && ends_at != self.ends_at);
        if let (Some(before), Some(now)) = (self.ends_at, ends_at) {
            assert!(now >= before);
            assert!(now <= t(END) + rules().soft_close.max_total_extension);
        }
        self.ends_at = ends_at;
    }

    /// The leader is the bidder with the highest maximum; on a tie, whoever reached it
    /// first. A buy-now makes the buyer the leader whatever the maxima.
    fn check_leader(&self, state: &AuctionState) {
        let leader = state.leader().map(|leader| leader.bidder_id);
        if self.bought_by.is_some() {
            assert_eq!(leader, self.bought_by);
            return;
        }
        let expected = self
            .maxima
            .iter()
            .max_by(|(_, (max_a, at_a)), (_, (max_b, at_b))| max_a.cmp(max_b).then(at_b.cmp(at_a)))
            .map(|(bidder, _)| *bidder);
        assert_eq!(leader, expected);
        if let Some(leader) = state.leader() {
            assert_eq!(leader.max_amount, self.maxima[&leader.bidder_id].0);
        }
    }
}

fn replay(commands: &[Command]) -> (AuctionState, Vec<Event>) {
    let rules = rules();
    let mut state = AuctionState::new(commands[0].auction_id());
    let events = commands
        .iter()
        .flat_map(|command| apply(&mut state, command, &rules).events)
        .collect();
    (state, events)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_rule_holds_for_random_auctions(listing in listing(), steps in proptest::collection::vec(step(), 0..60)) {
        let commands = play(listing, &steps);
        let first = replay(&commands);
        let second = replay(&commands);
        prop_assert_eq!(first, second);
    }
}
