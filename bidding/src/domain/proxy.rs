//! Proxy bidding: each bidder names the most they will pay, and the platform bids for them
//! only as far as needed to stay ahead. The price is always set by the runner-up: one
//! increment above the second-highest maximum, capped at the leader's maximum.

use super::increments::IncrementTable;
use super::state::Leader;
use vocabulary::{Amount, UserId};

/// An accepted bid as the contest sees it. Promised by the caller: `amount` is at least the
/// minimum next bid and `max_amount >= amount`.
#[derive(Clone, Copy, Debug)]
pub(super) struct ProxyBid {
    pub bidder_id: UserId,
    pub amount: Amount,
    pub max_amount: Amount,
}

/// Who leads after a bid, at what price, and who (if anyone) just lost the lead or failed
/// to take it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Contest {
    pub leader: Leader,
    pub price: Amount,
    pub outbid: Option<UserId>,
}

/// Settles a bid against the current leader. The returned price never exceeds the new
/// leader's maximum and, given the caller's promise, is never below `price`.
pub(super) fn contest(
    current: Option<Leader>,
    price: Amount,
    bid: ProxyBid,
    increments: &IncrementTable,
    reserve: Option<Amount>,
) -> Contest {
    let challenger = Leader {
        bidder_id: bid.bidder_id,
        max_amount: bid.max_amount,
    };
    let settled = match current {
        None => Contest {
            leader: challenger,
            price: bid.amount,
            outbid: None,
        },
        Some(leader) if leader.bidder_id == bid.bidder_id => Contest {
            // A leader raising their own maximum does not bid against themselves.
            leader: Leader {
                max_amount: leader.max_amount.max(bid.max_amount),
                ..leader
            },
            price,
            outbid: None,
        },
        Some(leader) if bid.max_amount > leader.max_amount => Contest {
            leader: challenger,
            price: bid
                .amount
                .max(bid.max_amount.min(increments.step_above(leader.max_amount))),
            outbid: Some(leader.bidder_id),
        },
        // Equal maxima: the earlier bidder keeps the lead, at their maximum.
        Some(leader) => Contest {
            leader,
            price: leader
                .max_amount
                .min(bid.amount.max(increments.step_above(bid.max_amount)))
                .max(bid.amount),
            outbid: Some(bid.bidder_id),
        },
    };
    lift_to_reserve(settled, reserve)
}

/// A leader whose maximum reaches the reserve pays at least the reserve: the seller's
/// floor is met as soon as someone is willing to meet it.
fn lift_to_reserve(mut settled: Contest, reserve: Option<Amount>) -> Contest {
    if let Some(reserve) = reserve {
        if settled.leader.max_amount >= reserve && settled.price < reserve {
            settled.price = reserve;
        }
    }
    settled
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ladder() -> IncrementTable {
        IncrementTable::parse("0:5,100:25,500:50").unwrap()
    }

    fn a(minor: i64) -> Amount {
        Amount::minor(minor)
    }

    fn bid(bidder_id: UserId, amount: i64, max_amount: i64) -> ProxyBid {
        ProxyBid {
            bidder_id,
            amount: a(amount),
            max_amount: a(max_amount),
        }
    }

    fn leading(bidder_id: UserId, max_amount: i64) -> Option<Leader> {
        Some(Leader {
            bidder_id,
            max_amount: a(max_amount),
        })
    }

    #[test]
    fn first_bid_leads_at_its_amount() {
        let alice = UserId::new();
        let got = contest(None, a(50), bid(alice, 60, 200), &ladder(), None);
        assert_eq!(got.leader, leading(alice, 200).unwrap());
        assert_eq!((got.price.get(), got.outbid), (60, None));
    }

    #[test]
    fn higher_maximum_takes_the_lead_one_increment_above_the_old_maximum() {
        let (alice, bob) = (UserId::new(), UserId::new());
        let got = contest(
            leading(alice, 120),
            a(60),
            bid(bob, 65, 300),
            &ladder(),
            None,
        );
        assert_eq!(got.leader.bidder_id, bob);
        assert_eq!((got.price.get(), got.outbid), (145, Some(alice)));
        // The step above the old maximum is capped by the new maximum.
        let got = contest(
            leading(alice, 120),
            a(60),
            bid(bob, 65, 130),
            &ladder(),
            None,
        );
        assert_eq!(got.price.get(), 130);
    }

    #[test]
    fn lower_maximum_pushes_the_leader_up_one_increment() {
        let (alice, bob) = (UserId::new(), UserId::new());
        let got = contest(
            leading(alice, 300),
            a(60),
            bid(bob, 65, 90),
            &ladder(),
            None,
        );
        assert_eq!(got.leader, leading(alice, 300).unwrap());
        assert_eq!((got.price.get(), got.outbid), (95, Some(bob)));
        // Capped by the leader's maximum.
        let got = contest(
            leading(alice, 100),
            a(60),
            bid(bob, 65, 99),
            &ladder(),
            None,
        );
        assert_eq!(got.price.get(), 100);
    }

    #[test]
    fn equal_maxima_keep_the_earlier_leader_at_that_maximum() {
        let (alice, bob) = (UserId::new(), UserId::new());
        let got = contest(
            leading(alice, 200),
            a(60),
            bid(bob, 150, 200),
            &ladder(),
            None,
        );
        assert_eq!(got.leader.bidder_id, alice);
        assert_eq!((got.price.get(), got.outbid), (200, Some(bob)));
    }

    #[test]
    fn leader_raising_keeps_the_price_and_the_larger_maximum() {
        let alice = UserId::new();
        let got = contest(
            leading(alice, 200),
            a(60),
            bid(alice, 65, 500),
            &ladder(),
            None,
        );
        assert_eq!(got.leader, leading(alice, 500).unwrap());
        assert_eq!((got.price.get(), got.outbid), (60, None));
        let got = contest(
            leading(alice, 200),
            a(60),
            bid(alice, 65, 70),
            &ladder(),
            None,
        );
        assert_eq!(got.leader.max_amount.get(), 200);
    }

    #[test]
    fn a_maximum_reaching_the_reserve_jumps_the_price_to_it() {
        let (alice, bob) = (UserId::new(), UserId::new());
        let got = contest(None, a(50), bid(alice, 60, 1_000), &ladder(), Some(a(400)));
        assert_eq!(got.price.get(), 400);
        let got = contest(None, a(50), bid(alice, 60, 399), &ladder(), Some(a(400)));
        assert_eq!(got.price.get(), 60);
        let got = contest(
            leading(alice, 399),
            a(60),
            bid(alice, 65, 400),
            &ladder(),
            Some(a(400)),
        );
        assert_eq!(got.price.get(), 400);
        let got = contest(
            leading(alice, 150),
            a(60),
            bid(bob, 65, 800),
            &ladder(),
            Some(a(400)),
        );
        assert_eq!((got.leader.bidder_id, got.price.get()), (bob, 400));
    }
}
