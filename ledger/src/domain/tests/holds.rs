//! Holds: placing, capturing (fully or in part), releasing, expiring, and ending once.

use super::*;

#[test]
fn a_hold_moves_available_money_to_held_in_one_entry() {
    let mut book = Book::default();
    let alice = UserId::new();
    book.deposit(alice, 500);
    let hold_id = HoldId::new();
    let outcome = book.ok(place_hold(hold_id, alice, HoldKind::Payment, 300));
    assert_eq!(
        postings(&outcome),
        [(EntryKind::Hold, Account::User(alice), -300, 300)]
    );
    let entry = &outcome.entries[0];
    assert_eq!(entry.reference, Reference::Hold(hold_id));
    assert_eq!((entry.available_after, entry.held_after), (a(200), a(300)));
    assert_eq!(book.wallet(alice), balance(200, 300));
    let hold = book.ledger.hold(hold_id).unwrap();
    assert_eq!(
        (hold.owner, hold.amount, hold.kind, hold.state),
        (alice, a(300), HoldKind::Payment, HoldState::Open)
    );
    assert_eq!(hold.expires_at, t(100));
}

#[test]
fn a_sellers_bond_is_a_hold_of_kind_bond() {
    let mut book = Book::default();
    let seller = UserId::new();
    book.deposit(seller, 100);
    let hold_id = HoldId::new();
    let outcome = book.ok(place_hold(hold_id, seller, HoldKind::Bond, 10));
    assert_eq!(
        postings(&outcome),
        [(EntryKind::Bond, Account::User(seller), -10, 10)]
    );
    assert_eq!(book.ledger.hold(hold_id).unwrap().kind, HoldKind::Bond);
}

#[test]
fn a_hold_beyond_the_available_balance_is_refused() {
    let mut book = Book::default();
    let alice = UserId::new();
    book.deposit(alice, 500);
    book.hold(alice, 300);
    let hold_id = HoldId::new();
    let refusal = book.refused(place_hold(hold_id, alice, HoldKind::Payment, 201));
    assert_eq!(
        refusal,
        LedgerError::InsufficientFunds {
            account: Account::User(alice),
            currency: krw(),
            needed: a(201),
            available: a(200),
        }
    );
    assert!(book.ledger.hold(hold_id).is_none());
}

#[test]
fn a_hold_id_is_placed_once() {
    let mut book = Book::default();
    let alice = UserId::new();
    book.deposit(alice, 500);
    let hold_id = book.hold(alice, 100);
    let refusal = book.refused(place_hold(hold_id, alice, HoldKind::Payment, 100));
    assert_eq!(refusal, LedgerError::HoldExists(hold_id));
    assert_eq!(refusal.code(), ErrorCode::Conflict);
}

#[test]
fn a_partial_capture_takes_the_price_into_escrow_and_releases_the_rest() {
    let mut book = Book::default();
    let alice = UserId::new();
    book.deposit(alice, 500);
    let hold_id = book.hold(alice, 300);
    let settlement_id = SettlementId::new();
    let outcome = book.ok(capture(hold_id, 220, settlement_id));
    assert_eq!(
        postings(&outcome),
        [
            (EntryKind::Capture, Account::User(alice), 0, -220),
            (EntryKind::Capture, Account::Escrow, 220, 0),
            (EntryKind::Release, Account::User(alice), 80, -80),
        ]
    );
    assert_eq!(
        outcome.entries[0].reference,
        Reference::Settlement(settlement_id)
    );
    assert_eq!(outcome.entries[2].reference, Reference::Hold(hold_id));
    assert_eq!(
        (
            outcome.entries[2].available_after,
            outcome.entries[2].held_after
        ),
        (a(280), a(0))
    );
    assert_eq!(book.wallet(alice), balance(280, 0));
    assert_eq!(book.platform(Account::Escrow), a(220));
    assert_eq!(
        book.state(hold_id),
        HoldState::Captured {
            amount: a(220),
            settlement_id
        }
    );
    let escrow = book.ledger.escrow(settlement_id).unwrap();
    assert_eq!(
        (escrow.buyer, &escrow.currency, escrow.balance),
        (alice, &krw(), a(220))
    );
}

#[test]
fn a_full_capture_releases_nothing() {
    let mut book = Book::default();
    let alice = UserId::new();
    book.deposit(alice, 300);
    let hold_id = book.hold(alice, 300);
    let outcome = book.ok(capture(hold_id, 300, SettlementId::new()));
    assert_eq!(
        postings(&outcome),
        [
            (EntryKind::Capture, Account::User(alice), 0, -300),
            (EntryKind::Capture, Account::Escrow, 300, 0),
        ]
    );
    assert_eq!(book.wallet(alice), balance(0, 0));
}

#[test]
fn a_capture_takes_something_and_no_more_than_the_hold() {
    let mut book = Book::default();
    let alice = UserId::new();
    book.deposit(alice, 500);
    let hold_id = book.hold(alice, 300);
    let refusal = book.refused(capture(hold_id, 301, SettlementId::new()));
    assert_eq!(
        refusal,
        LedgerError::CaptureExceedsHold {
            hold_id,
            amount: a(301),
            held: a(300)
        }
    );
    assert_eq!(refusal.code(), ErrorCode::InvalidAmount);
    for amount in [0, -5] {
        assert_eq!(
            book.refused(capture(hold_id, amount, SettlementId::new())),
            LedgerError::NonPositiveAmount(a(amount))
        );
    }
    assert_eq!(book.state(hold_id), HoldState::Open);
}

#[test]
fn a_settlement_takes_captures_from_one_buyer_in_one_currency() {
    let mut book = Book::default();
    let (alice, bob) = (UserId::new(), UserId::new());
    book.deposit(alice, 500);
    book.deposit(bob, 500);
    let settlement_id = SettlementId::new();
    let first = book.hold(alice, 100);
    book.ok(capture(first, 100, settlement_id));
    // A second capture of the same buyer adds to the escrow.
    let second = book.hold(alice, 50);
    book.ok(capture(second, 50, settlement_id));
    assert_eq!(book.ledger.escrow(settlement_id).unwrap().balance, a(150));

    let bobs = book.hold(bob, 100);
    let mismatch = LedgerError::SettlementMismatch {
        settlement_id,
        buyer: alice,
        currency: krw(),
    };
    assert_eq!(book.refused(capture(bobs, 100, settlement_id)), mismatch);
    assert_eq!(mismatch.code(), ErrorCode::ValidationFailed);

    book.ok(Operation::Deposit {
        user_id: alice,
        currency: usd(),
        amount: a(10),
    });
    let dollars = HoldId::new();
    book.ok(Operation::PlaceHold {
        hold_id: dollars,
        user_id: alice,
        kind: HoldKind::Payment,
        currency: usd(),
        amount: a(10),
        expires_at: t(100),
    });
    assert_eq!(book.refused(capture(dollars, 10, settlement_id)), mismatch);
}

#[test]
fn a_release_returns_all_of_the_hold() {
    let mut book = Book::default();
    let alice = UserId::new();
    book.deposit(alice, 500);
    let hold_id = book.hold(alice, 300);
    let outcome = book.ok(Operation::ReleaseHold { hold_id });
    assert_eq!(
        postings(&outcome),
        [(EntryKind::Release, Account::User(alice), 300, -300)]
    );
    assert_eq!(book.wallet(alice), balance(500, 0));
    assert_eq!(book.state(hold_id), HoldState::Released);
}

#[test]
fn a_hold_expires_at_its_time_and_not_before() {
    let mut book = Book::default();
    let alice = UserId::new();
    book.deposit(alice, 500);
    let hold_id = book.hold(alice, 300);
    let refusal = book.refused(Operation::ExpireHold {
        hold_id,
        now: t(99),
    });
    assert_eq!(
        refusal,
        LedgerError::HoldNotExpired {
            hold_id,
            expires_at: t(100)
        }
    );
    assert_eq!(refusal.code(), ErrorCode::InvalidState);
    let outcome = book.ok(Operation::ExpireHold {
        hold_id,
        now: t(100),
    });
    assert_eq!(
        postings(&outcome),
        [(EntryKind::Release, Account::User(alice), 300, -300)]
    );
    assert_eq!(book.state(hold_id), HoldState::Expired);
    assert_eq!(book.wallet(alice), balance(500, 0));
}

#[test]
fn a_hold_stays_open_past_its_time_until_something_ends_it() {
    // Whichever end comes first wins: here the capture, before the expiry.
    let mut book = Book::default();
    let alice = UserId::new();
    book.deposit(alice, 500);
    let hold_id = book.hold(alice, 300);
    book.ok(capture(hold_id, 300, SettlementId::new()));
    assert!(matches!(
        book.refused(Operation::ExpireHold {
            hold_id,
            now: t(500)
        }),
        LedgerError::HoldClosed { .. }
    ));
}

/// Every operation that ends a hold (a bond, so that the penalty applies, paid to `buyer`).
fn ends(hold_id: HoldId, buyer: UserId) -> Vec<Operation> {
    vec![
        capture(hold_id, 10, SettlementId::new()),
        Operation::ReleaseHold { hold_id },
        Operation::ExpireHold {
            hold_id,
            now: t(100),
        },
        Operation::Penalty {
            hold_id,
            buyer_id: buyer,
        },
    ]
}

#[test]
fn a_hold_ends_once_whichever_way_it_ends() {
    let (seller, buyer) = (UserId::new(), UserId::new());
    for n in 0..ends(HoldId::new(), buyer).len() {
        let mut book = Book::default();
        book.deposit(seller, 500);
        let hold_id = book.bond(seller, 100);
        let first = ends(hold_id, buyer).swap_remove(n);
        book.ok(first);
        let state = book.state(hold_id);
        assert!(!state.is_open());
        let wallet = book.wallet(seller);
        for again in ends(hold_id, buyer) {
            let refusal = book.refused(again);
            assert_eq!(refusal, LedgerError::HoldClosed { hold_id, state });
            assert_eq!(refusal.code(), ErrorCode::InvalidState);
        }
        assert_eq!(book.state(hold_id), state);
        assert_eq!(book.wallet(seller), wallet);
    }
}

#[test]
fn ending_an_unknown_hold_is_not_found() {
    let mut book = Book::default();
    let hold_id = HoldId::new();
    for operation in ends(hold_id, UserId::new()) {
        let refusal = book.refused(operation);
        assert_eq!(refusal, LedgerError::HoldNotFound(hold_id));
        assert_eq!(refusal.code(), ErrorCode::NotFound);
    }
}
