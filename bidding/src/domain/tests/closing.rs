//! Reserve, soft close, closing, buy-now and cancelling.

use super::*;
use vocabulary::AuctionStatus;

fn with_reserve(reserve: Amount) -> Auction {
    Auction::open_with(|seller| Terms {
        reserve_price: Some(reserve),
        ..terms(seller, a(50))
    })
}

fn with_buy_now(buy_now: Amount) -> Auction {
    Auction::open_with(|seller| Terms {
        buy_now_price: Some(buy_now),
        ..terms(seller, a(50))
    })
}

#[test]
fn reserve_not_met_closes_without_a_winner() {
    let mut auction = with_reserve(a(400));
    let (alice, bob) = (UserId::new(), UserId::new());
    auction.bid(alice, a(100), None, 10);
    auction.bid(bob, a(200), Some(a(399)), 20);
    assert!(!auction.state.public().reserve_met);
    let decision = auction.close(END);
    let public = auction.state.public();
    assert_eq!(public.status, AuctionStatus::Closed);
    assert_eq!((public.winner_id, public.final_price), (None, None));
    assert_eq!(
        names(&decision),
        ["closed", "auction.closed", "auction.closed"]
    );
    let mut told = recipients(&decision, "auction.closed");
    told.sort();
    let mut everyone = vec![alice, bob];
    everyone.sort();
    assert_eq!(told, everyone);
}

#[test]
fn a_maximum_reaching_the_reserve_jumps_the_price_to_it() {
    let mut auction = with_reserve(a(400));
    let (alice, bob) = (UserId::new(), UserId::new());
    auction.bid(alice, a(60), Some(a(250)), 10);
    assert_eq!(auction.price(), a(60));
    assert!(!auction.state.public().reserve_met);
    // Alice raises her own maximum past the reserve: the price jumps to it.
    auction.bid(alice, a(65), Some(a(450)), 20);
    assert_eq!(auction.price(), a(400));
    assert!(auction.state.public().reserve_met);
    // A newcomer with a bigger maximum pays one increment (25 at 450) over Alice's.
    auction.bid(bob, a(450), Some(a(900)), 30);
    assert_eq!((auction.leader(), auction.price()), (Some(bob), a(475)));
}

#[test]
fn reserve_met_closes_with_the_leader_as_winner() {
    let mut auction = with_reserve(a(400));
    let (alice, bob) = (UserId::new(), UserId::new());
    auction.bid(alice, a(60), None, 10);
    auction.bid(bob, a(300), Some(a(1_000)), 20);
    assert_eq!(auction.price(), a(400));
    let decision = auction.close(END);
    let public = auction.state.public();
    assert_eq!(
        (public.winner_id, public.final_price),
        (Some(bob), Some(a(400)))
    );
    assert_eq!(names(&decision), ["closed", "won", "auction.closed"]);
    assert_eq!(recipients(&decision, "won"), [bob]);
    assert_eq!(recipients(&decision, "auction.closed"), [alice]);
    assert!(decision.events.iter().all(|e| e.seq == auction.state.seq()));
}

#[test]
fn a_late_price_change_extends_the_end_up_to_the_cap() {
    let mut auction = Auction::open();
    let (alice, bob) = (UserId::new(), UserId::new());
    let decision = auction.bid(alice, a(50), None, END - 30);
    assert_eq!(names(&decision), ["price", "bid.accepted", "extended"]);
    assert_eq!(auction.state.ends_at(), Some(t(END + 30)));
    let extended = decision.events[2].public_state().unwrap();
    assert_eq!(extended.ends_at, Some(t(END + 30)));
    assert_eq!(decision.events[2].seq, decision.events[0].seq + 1);
    // Keep sniping: each bid moves the end, but never past END + 10 minutes.
    let mut at = END + 20;
    let mut bidders = [bob, alice].into_iter().cycle();
    while at < END + 600 {
        let minimum = auction.state.minimum_next_bid(&auction.rules);
        let decision = auction.bid(bidders.next().unwrap(), minimum, None, at);
        assert_eq!(auction.state.ends_at(), Some(t((at + 60).min(END + 600))));
        assert_eq!(names(&decision).last(), Some(&"extended"));
        at += 50;
    }
    assert_eq!(auction.state.ends_at(), Some(t(END + 600)));
    let decision = auction.bid(
        alice,
        auction.state.minimum_next_bid(&auction.rules),
        None,
        END + 590,
    );
    assert!(accepted(&decision));
    assert_eq!(names(&decision), ["price", "bid.accepted"]);
    assert_eq!(auction.state.ends_at(), Some(t(END + 600)));
}

#[test]
fn bids_before_the_window_do_not_extend() {
    let mut auction = Auction::open();
    let decision = auction.bid(UserId::new(), a(50), None, END - 60);
    assert_eq!(names(&decision), ["price", "bid.accepted"]);
    assert_eq!(auction.state.ends_at(), Some(t(END)));
}

#[test]
fn a_rejected_bid_does_not_extend() {
    let mut auction = Auction::open();
    auction.bid(UserId::new(), a(50), None, 10);
    let decision = auction.bid(UserId::new(), a(51), None, END - 5);
    assert_eq!(names(&decision), ["bid.rejected"]);
    assert_eq!(auction.state.ends_at(), Some(t(END)));
}

#[test]
fn a_leader_raising_their_maximum_late_does_not_extend() {
    let mut auction = Auction::open();
    let alice = UserId::new();
    auction.bid(alice, a(50), Some(a(100)), 10);
    let decision = auction.bid(alice, a(55), Some(a(500)), END - 5);
    assert_eq!(names(&decision), ["price", "bid.accepted"]);
    assert_eq!(auction.state.ends_at(), Some(t(END)));
}

#[test]
fn a_close_before_the_extended_end_is_ignored() {
    let mut auction = Auction::open();
    auction.bid(UserId::new(), a(50), None, END - 10);
    assert_eq!(auction.state.ends_at(), Some(t(END + 50)));
    let before = auction.state.clone();
    assert_eq!(auction.close(END), Decision::ignored());
    assert_eq!(auction.state, before);
    let decision = auction.close(END + 50);
    assert_eq!(names(&decision)[0], "closed");
    assert_eq!(auction.state.status(), AuctionStatus::Closed);
    // A redelivered close changes nothing.
    assert_eq!(auction.close(END + 51), Decision::ignored());
}

#[test]
fn buy_now_closes_the_auction_at_its_price() {
    let mut auction = Auction::open_with(|seller| Terms {
        buy_now_price: Some(Amount::minor(1_000)),
        reserve_price: Some(Amount::minor(5_000)),
        ..terms(seller, a(50))
    });
    let (alice, bob, carol) = (UserId::new(), UserId::new(), UserId::new());
    auction.bid(alice, a(100), Some(a(300)), 10);
    assert!(accepted(&auction.bid(bob, a(150), None, 20)));
    let decision = auction.buy_now(carol, END - 5);
    assert!(accepted(&decision));
    assert_eq!(
        names(&decision),
        [
            "price",
            "bid.accepted",
            "outbid",
            "closed",
            "won",
            "auction.closed",
            "auction.closed"
        ]
    );
    assert_eq!(recipients(&decision, "outbid"), [alice]);
    assert_eq!(recipients(&decision, "won"), [carol]);
    let public = auction.state.public();
    assert_eq!(public.status, AuctionStatus::Closed);
    assert_eq!(
        (public.winner_id, public.final_price),
        (Some(carol), Some(a(1_000)))
    );
    assert_eq!((public.current_price, public.bid_count), (a(1_000), 3));
    assert!(public.reserve_met);
    assert_eq!(
        rejection(&auction.bid(alice, a(2_000), None, END - 4)),
        Some(RejectReason::AuctionClosed)
    );
}

#[test]
fn buy_now_is_unavailable_once_the_price_reaches_it() {
    let mut auction = with_buy_now(a(300));
    let (alice, bob) = (UserId::new(), UserId::new());
    assert!(accepted(&auction.bid(alice, a(200), Some(a(300)), 10)));
    assert!(accepted(&auction.bid(bob, a(225), Some(a(250)), 20)));
    assert_eq!(auction.price(), a(275));
    assert!(accepted(&auction.bid(bob, a(300), None, 30)));
    assert_eq!(auction.price(), a(300));
    let decision = auction.buy_now(bob, 40);
    assert_eq!(rejection(&decision), Some(RejectReason::BuyNowUnavailable));
    assert_eq!(names(&decision), ["bid.rejected"]);
    assert_eq!(auction.state.status(), AuctionStatus::Open);
}

#[test]
fn buy_now_needs_a_buy_now_price_and_an_open_auction() {
    let mut auction = Auction::open();
    assert_eq!(
        rejection(&auction.buy_now(UserId::new(), 10)),
        Some(RejectReason::BuyNowUnavailable)
    );
    let mut auction = with_buy_now(a(300));
    assert_eq!(
        rejection(&auction.buy_now(UserId::new(), END)),
        Some(RejectReason::AuctionClosed)
    );
    let mut pending = Auction::listed(|seller| Terms {
        buy_now_price: Some(Amount::minor(300)),
        ..terms(seller, a(50))
    });
    assert_eq!(
        rejection(&pending.buy_now(UserId::new(), 10)),
        Some(RejectReason::AuctionNotOpen)
    );
}

#[test]
fn cancelling_tells_every_bidder_there_is_no_winner() {
    let mut auction = Auction::open();
    let (alice, bob) = (UserId::new(), UserId::new());
    auction.bid(alice, a(50), None, 10);
    auction.bid(bob, a(100), None, 20);
    auction.bid(alice, a(200), None, 30);
    let decision = auction.cancel(40);
    assert_eq!(
        names(&decision),
        ["cancelled", "auction.closed", "auction.closed"]
    );
    assert!(decision.events.iter().skip(1).all(|event| matches!(
        event.kind,
        EventKind::AuctionClosedFor {
            winner_id: None,
            final_price: None,
            ..
        }
    )));
    assert_eq!(auction.state.status(), AuctionStatus::Cancelled);
    assert_eq!(auction.cancel(41), Decision::ignored());
    assert_eq!(auction.close(END), Decision::ignored());
    assert_eq!(
        rejection(&auction.bid(bob, a(500), None, 50)),
        Some(RejectReason::AuctionClosed)
    );
}
