//! Listing, scheduling, opening and the numbering of events.

use super::*;
use vocabulary::AuctionStatus;

#[test]
fn listing_publishes_the_terms_once() {
    let auction = Auction::listed(|seller| terms(seller, a(70)));
    assert_eq!(auction.state.seq(), 1);
    assert_eq!(auction.state.status(), AuctionStatus::Pending);
    assert_eq!(auction.price(), a(70));
    assert_eq!(auction.state.seller_id(), Some(auction.seller));
    let mut auction = auction;
    let id = auction.id();
    let again = auction.run(Command::List {
        auction_id: id,
        terms: terms(UserId::new(), a(10)),
        listing: Default::default(),
        at: t(-90),
    });
    assert_eq!(again, Decision::ignored());
    assert_eq!(auction.price(), a(70));
}

#[test]
fn listed_event_carries_terms_and_state() {
    let mut state = AuctionState::new(AuctionId::new());
    let seller = UserId::new();
    let command = Command::List {
        auction_id: state.auction_id(),
        terms: terms(seller, a(70)),
        listing: vocabulary::Listing {
            title: "Lens".into(),
            description: "50 mm".into(),
            category: "electronics".into(),
        },
        at: t(-100),
    };
    let decision = apply(&mut state, &command, &rules());
    assert_eq!(decision.outcome, None);
    assert_eq!(decision.events.len(), 1);
    let event = &decision.events[0];
    assert_eq!(
        (event.seq, event.at, event.auction_id),
        (1, t(-100), state.auction_id())
    );
    match &event.kind {
        EventKind::Listed {
            terms,
            listing,
            state: public,
        } => {
            assert_eq!(terms.seller_id, seller);
            assert_eq!(
                listing.as_ref().map(|l| l.title.as_str()),
                Some("Lens"),
                "the words travel on"
            );
            assert_eq!(public, &state.public());
        }
        other => panic!("expected listed, got {other:?}"),
    }
}

#[test]
fn scheduling_sets_the_window_until_the_auction_opens() {
    let mut auction = Auction::listed(|seller| terms(seller, a(50)));
    let decision = auction.schedule(0, END);
    assert_eq!(names(&decision), ["scheduled"]);
    assert_eq!(auction.state.status(), AuctionStatus::Scheduled);
    // Moving the window is allowed before opening; the soft-close cap follows it.
    auction.schedule(100, 1_000);
    let public = auction.state.public();
    assert_eq!(
        (public.starts_at, public.ends_at),
        (Some(t(100)), Some(t(1_000)))
    );
    let id = auction.id();
    assert_eq!(
        names(&auction.run(Command::Open {
            auction_id: id,
            at: t(100)
        })),
        ["opened"]
    );
    assert_eq!(auction.schedule(0, 5_000), Decision::ignored());
    assert_eq!(auction.state.ends_at(), Some(t(1_000)));
    auction.bid(UserId::new(), a(50), None, 999);
    let mut at = 999;
    while auction.state.ends_at() < Some(t(1_600)) {
        at += 50;
        let minimum = auction.state.minimum_next_bid(&auction.rules);
        assert!(accepted(&auction.bid(UserId::new(), minimum, None, at)));
    }
    assert_eq!(auction.state.ends_at(), Some(t(1_600)));
}

#[test]
fn a_window_that_ends_before_it_starts_is_ignored() {
    let mut auction = Auction::listed(|seller| terms(seller, a(50)));
    assert_eq!(auction.schedule(100, 100), Decision::ignored());
    assert_eq!(auction.schedule(100, 50), Decision::ignored());
    assert_eq!(auction.state.status(), AuctionStatus::Pending);
}

#[test]
fn lifecycle_commands_out_of_order_are_ignored() {
    let mut unknown = AuctionState::new(AuctionId::new());
    let id = unknown.auction_id();
    for command in [
        Command::Schedule {
            auction_id: id,
            starts_at: t(0),
            ends_at: t(END),
            at: t(0),
        },
        Command::Open {
            auction_id: id,
            at: t(0),
        },
        Command::Close {
            auction_id: id,
            at: t(END),
        },
        Command::Cancel {
            auction_id: id,
            at: t(0),
        },
    ] {
        assert_eq!(apply(&mut unknown, &command, &rules()), Decision::ignored());
    }
    assert_eq!(unknown, AuctionState::new(id));

    let mut pending = Auction::listed(|seller| terms(seller, a(50)));
    let id = pending.id();
    let open = Command::Open {
        auction_id: id,
        at: t(0),
    };
    assert_eq!(pending.run(open.clone()), Decision::ignored());
    pending.schedule(0, END);
    assert_eq!(pending.close(END), Decision::ignored());
    assert_eq!(pending.state.status(), AuctionStatus::Scheduled);
    assert_eq!(names(&pending.run(open.clone())), ["opened"]);
    assert_eq!(pending.run(open), Decision::ignored());
}

#[test]
fn a_scheduled_auction_can_be_cancelled_without_bidders() {
    let mut auction = Auction::listed(|seller| terms(seller, a(50)));
    auction.schedule(0, END);
    let decision = auction.cancel(-10);
    assert_eq!(names(&decision), ["cancelled"]);
    assert_eq!(auction.state.status(), AuctionStatus::Cancelled);
    assert_eq!(auction.schedule(0, END), Decision::ignored());
}

#[test]
fn public_events_number_one_by_one_and_private_ones_share_the_current_seq() {
    let mut auction = Auction::open();
    assert_eq!(auction.state.seq(), 3); // listed, scheduled, opened
    let (alice, bob) = (UserId::new(), UserId::new());
    let mut all = Vec::new();
    all.extend(auction.bid(alice, a(50), Some(a(500)), 10).events);
    all.extend(auction.bid(bob, a(60), None, 20).events);
    all.extend(auction.bid(bob, a(10), None, 30).events);
    all.extend(auction.bid(bob, a(600), None, END - 1).events);
    all.extend(auction.close(END + 59).events);
    let mut seq = 3;
    for event in &all {
        if event.is_public() {
            seq += 1;
            assert_eq!(event.public_state().map(|_| event.seq), Some(seq));
        } else {
            assert_eq!(event.seq, seq, "{event:?}");
        }
    }
    assert_eq!(auction.state.seq(), seq);
}

#[test]
fn state_survives_a_json_round_trip() {
    let mut auction = Auction::open_with(|seller| Terms {
        reserve_price: Some(Amount::minor(100)),
        buy_now_price: Some(Amount::minor(1_000)),
        ..terms(seller, a(50))
    });
    auction.bid(UserId::new(), a(50), Some(a(150)), 10);
    auction.bid(UserId::new(), a(75), None, END - 1);
    let json = serde_json::to_string(&auction.state).unwrap();
    let back: AuctionState = serde_json::from_str(&json).unwrap();
    assert_eq!(back, auction.state);
}
