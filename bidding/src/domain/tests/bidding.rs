//! Admission, minimum bids and proxy bidding.

use super::*;
use vocabulary::AuctionStatus;

#[test]
fn first_bid_below_the_starting_price_is_rejected() {
    let mut auction = Auction::open();
    let alice = UserId::new();
    let decision = auction.bid(alice, a(49), None, 10);
    assert_eq!(rejection(&decision), Some(RejectReason::BelowMinimum));
    assert_eq!(names(&decision), ["bid.rejected"]);
    assert_eq!(decision.events[0].recipient(), Some(alice));
    assert_eq!(auction.state.public().bid_count, 0);
}

#[test]
fn first_bid_at_the_starting_price_leads_and_publishes_the_price() {
    let mut auction = Auction::open();
    let seq_before = auction.state.seq();
    let alice = UserId::new();
    let decision = auction.bid(alice, a(50), None, 10);
    assert_eq!(
        decision.outcome.map(
            |outcome| matches!(outcome, BidOutcome::Accepted { seq, .. } if seq == seq_before + 1)
        ),
        Some(true)
    );
    assert_eq!(names(&decision), ["price", "bid.accepted"]);
    let public = decision.events[0].public_state().unwrap();
    assert_eq!(public.current_price, a(50));
    assert_eq!(public.bid_count, 1);
    assert_eq!(public.leading_bidder_id, Some(alice));
    assert!(matches!(
        decision.events[1].kind,
        EventKind::BidAccepted {
            leading: true,
            current_price,
            ..
        } if current_price == a(50)
    ));
    assert_eq!(decision.events[1].seq, seq_before + 1);
}

#[test]
fn increments_follow_the_band_of_the_current_price() {
    let mut auction = Auction::open();
    let (alice, bob) = (UserId::new(), UserId::new());
    assert_eq!(auction.state.minimum_next_bid(&auction.rules), a(50));
    assert!(accepted(&auction.bid(alice, a(95), None, 10)));
    assert_eq!(auction.state.minimum_next_bid(&auction.rules), a(100));
    assert!(accepted(&auction.bid(bob, a(100), None, 11)));
    // At 100 the band's increment is 25.
    assert_eq!(auction.state.minimum_next_bid(&auction.rules), a(125));
    assert_eq!(
        rejection(&auction.bid(alice, a(124), None, 12)),
        Some(RejectReason::BelowMinimum)
    );
    assert!(accepted(&auction.bid(alice, a(500), None, 13)));
    assert_eq!(auction.state.minimum_next_bid(&auction.rules), a(550));
}

#[test]
fn a_higher_maximum_outbids_the_leader_by_one_increment() {
    let mut auction = Auction::open();
    let (alice, bob) = (UserId::new(), UserId::new());
    auction.bid(alice, a(50), Some(a(120)), 10);
    assert_eq!(auction.price(), a(50));
    let decision = auction.bid(bob, a(55), Some(a(300)), 20);
    assert!(accepted(&decision));
    assert_eq!(auction.leader(), Some(bob));
    assert_eq!(auction.price(), a(145)); // 120 + 25
    assert_eq!(recipients(&decision, "outbid"), [alice]);
    assert_eq!(outbid_price(&decision), Some(a(145)));
    assert!(matches!(
        decision.events[1].kind,
        EventKind::BidAccepted {
            leading: true,
            current_price,
            amount,
            ..
        } if (current_price, amount) == (a(145), a(55))
    ));
}

#[test]
fn a_lower_maximum_raises_the_leader_and_is_outbid_at_once() {
    let mut auction = Auction::open();
    let (alice, bob) = (UserId::new(), UserId::new());
    auction.bid(alice, a(50), Some(a(300)), 10);
    let decision = auction.bid(bob, a(60), Some(a(90)), 20);
    assert!(accepted(&decision));
    assert_eq!(auction.leader(), Some(alice));
    assert_eq!(auction.price(), a(95));
    assert_eq!(names(&decision), ["price", "bid.accepted", "outbid"]);
    assert_eq!(recipients(&decision, "outbid"), [bob]);
    assert!(matches!(
        decision.events[1].kind,
        EventKind::BidAccepted { leading: false, .. }
    ));
}

#[test]
fn equal_maxima_the_earlier_bidder_wins_at_that_maximum() {
    let mut auction = Auction::open();
    let (alice, bob) = (UserId::new(), UserId::new());
    auction.bid(alice, a(50), Some(a(200)), 10);
    let decision = auction.bid(bob, a(100), Some(a(200)), 20);
    assert!(accepted(&decision));
    assert_eq!(auction.leader(), Some(alice));
    assert_eq!(auction.price(), a(200));
    assert_eq!(recipients(&decision, "outbid"), [bob]);
}

#[test]
fn a_leader_raising_their_maximum_keeps_the_price() {
    let mut auction = Auction::open();
    let (alice, bob) = (UserId::new(), UserId::new());
    auction.bid(alice, a(50), Some(a(100)), 10);
    let decision = auction.bid(alice, a(55), Some(a(400)), 20);
    assert!(accepted(&decision));
    assert_eq!(names(&decision), ["price", "bid.accepted"]);
    assert_eq!(auction.price(), a(50));
    assert_eq!(auction.state.public().bid_count, 2);
    assert_eq!(auction.state.leader().unwrap().max_amount, a(400));
    // The raised maximum now defends the lead.
    auction.bid(bob, a(55), Some(a(300)), 30);
    assert_eq!(auction.leader(), Some(alice));
    assert_eq!(auction.price(), a(325));
}

#[test]
fn a_maximum_below_the_amount_is_rejected() {
    let mut auction = Auction::open();
    let decision = auction.bid(UserId::new(), a(80), Some(a(70)), 10);
    assert_eq!(rejection(&decision), Some(RejectReason::BelowMinimum));
}

#[test]
fn the_seller_cannot_bid() {
    let mut auction = Auction::open();
    let seller = auction.seller;
    assert_eq!(
        rejection(&auction.bid(seller, a(100), None, 10)),
        Some(RejectReason::SellerCannotBid)
    );
    assert_eq!(
        rejection(&auction.buy_now(seller, 10)),
        Some(RejectReason::SellerCannotBid)
    );
}

#[test]
fn bids_before_the_auction_opens_are_rejected() {
    let mut auction = Auction::listed(|seller| terms(seller, a(50)));
    assert_eq!(
        rejection(&auction.bid(UserId::new(), a(100), None, -10)),
        Some(RejectReason::AuctionNotOpen)
    );
    auction.schedule(0, END);
    assert_eq!(
        rejection(&auction.bid(UserId::new(), a(100), None, 10)),
        Some(RejectReason::AuctionNotOpen)
    );
}

#[test]
fn bids_after_the_end_are_rejected_even_before_the_close_arrives() {
    let mut auction = Auction::open();
    let alice = UserId::new();
    assert_eq!(
        rejection(&auction.bid(alice, a(100), None, END)),
        Some(RejectReason::AuctionClosed)
    );
    assert_eq!(auction.state.status(), AuctionStatus::Open);
    auction.close(END);
    assert_eq!(
        rejection(&auction.bid(alice, a(100), None, END - 1)),
        Some(RejectReason::AuctionClosed)
    );
}

#[test]
fn bids_on_an_unknown_auction_are_rejected() {
    let mut state = AuctionState::new(AuctionId::new());
    let bidder = UserId::new();
    let command = Command::PlaceBid {
        auction_id: state.auction_id(),
        bid_id: BidId::new(),
        bidder_id: bidder,
        amount: Amount::minor(100),
        max_amount: None,
        received_at: t(0),
    };
    let decision = apply(&mut state, &command, &rules());
    assert_eq!(rejection(&decision), Some(RejectReason::UnknownAuction));
    assert_eq!(decision.events[0].recipient(), Some(bidder));
    assert_eq!(state, AuctionState::new(state.auction_id()));
}

#[test]
fn a_bid_for_another_auction_changes_nothing_here() {
    let mut auction = Auction::open();
    let before = auction.state.clone();
    let other = AuctionId::new();
    let decision = auction.run(Command::PlaceBid {
        auction_id: other,
        bid_id: BidId::new(),
        bidder_id: UserId::new(),
        amount: Amount::minor(100),
        max_amount: None,
        received_at: t(10),
    });
    assert_eq!(rejection(&decision), Some(RejectReason::UnknownAuction));
    assert_eq!(decision.events[0].auction_id, other);
    assert_eq!(auction.state, before);
}

#[test]
fn a_rejected_bid_leaves_the_state_untouched() {
    let mut auction = Auction::open();
    auction.bid(UserId::new(), a(60), None, 10);
    let before = auction.state.clone();
    let decision = auction.bid(UserId::new(), a(61), None, 11);
    assert_eq!(rejection(&decision), Some(RejectReason::BelowMinimum));
    assert_eq!(decision.events[0].seq, before.seq());
    assert_eq!(auction.state, before);
}
