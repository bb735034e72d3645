//! After a sale: payouts with the platform's fee, refunds, and a defaulting seller's
//! penalty.

use super::*;

/// A buyer's `price` captured into a new settlement from a hold of `hold`.
fn sold(book: &mut Book, buyer: UserId, hold: i64, price: i64) -> SettlementId {
    book.deposit(buyer, hold);
    let hold_id = book.hold(buyer, hold);
    let settlement_id = SettlementId::new();
    book.ok(capture(hold_id, price, settlement_id));
    settlement_id
}

fn pay_out(settlement_id: SettlementId, seller: UserId, amount: i64, fee: i64) -> Operation {
    Operation::PayOut {
        settlement_id,
        seller_id: seller,
        amount: a(amount),
        fee: a(fee),
    }
}

fn refund(settlement_id: SettlementId, buyer: UserId, amount: i64) -> Operation {
    Operation::Refund {
        settlement_id,
        buyer_id: buyer,
        amount: a(amount),
    }
}

#[test]
fn a_payout_pays_the_seller_the_price_less_the_fee_and_the_fee_to_the_platform() {
    let mut book = Book::default();
    let (buyer, seller) = (UserId::new(), UserId::new());
    let settlement_id = sold(&mut book, buyer, 1_200, 1_000);
    let outcome = book.ok(pay_out(settlement_id, seller, 1_000, 50));
    assert_eq!(
        postings(&outcome),
        [
            (EntryKind::Payout, Account::Escrow, -950, 0),
            (EntryKind::Payout, Account::User(seller), 950, 0),
            (EntryKind::Fee, Account::Escrow, -50, 0),
            (EntryKind::Fee, Account::Fees, 50, 0),
        ]
    );
    assert!(outcome
        .entries
        .iter()
        .all(|entry| entry.reference == Reference::Settlement(settlement_id)));
    assert_eq!(book.wallet(seller), balance(950, 0));
    assert_eq!(book.platform(Account::Fees), a(50));
    assert_eq!(book.platform(Account::Escrow), a(0));
    assert_eq!(book.ledger.escrow(settlement_id).unwrap().balance, a(0));
    assert_eq!(book.wallet(buyer), balance(200, 0));
}

#[test]
fn a_payout_without_a_fee_posts_no_fee() {
    let mut book = Book::default();
    let (buyer, seller) = (UserId::new(), UserId::new());
    let settlement_id = sold(&mut book, buyer, 100, 100);
    let outcome = book.ok(pay_out(settlement_id, seller, 100, 0));
    assert_eq!(
        postings(&outcome),
        [
            (EntryKind::Payout, Account::Escrow, -100, 0),
            (EntryKind::Payout, Account::User(seller), 100, 0),
        ]
    );
}

#[test]
fn a_fee_is_between_zero_and_the_amount() {
    let mut book = Book::default();
    let (buyer, seller) = (UserId::new(), UserId::new());
    let settlement_id = sold(&mut book, buyer, 100, 100);
    for fee in [-1, 101] {
        let refusal = book.refused(pay_out(settlement_id, seller, 100, fee));
        assert_eq!(
            refusal,
            LedgerError::InvalidFee {
                amount: a(100),
                fee: a(fee)
            }
        );
        assert_eq!(refusal.code(), ErrorCode::InvalidAmount);
    }
    // All of it as a fee is allowed: the seller gets nothing, and no entry says so.
    let outcome = book.ok(pay_out(settlement_id, seller, 100, 100));
    assert_eq!(
        postings(&outcome),
        [
            (EntryKind::Fee, Account::Escrow, -100, 0),
            (EntryKind::Fee, Account::Fees, 100, 0),
        ]
    );
    assert_eq!(
        book.refused(pay_out(settlement_id, seller, 0, 0)),
        LedgerError::NonPositiveAmount(a(0))
    );
}

#[test]
fn a_settlement_pays_out_no_more_than_it_has_in_escrow() {
    let mut book = Book::default();
    let (buyer, seller) = (UserId::new(), UserId::new());
    let settlement_id = sold(&mut book, buyer, 100, 100);
    // Another settlement's money in the same escrow account is not this one's.
    let other = sold(&mut book, UserId::new(), 500, 500);
    assert_eq!(book.platform(Account::Escrow), a(600));
    let refusal = book.refused(pay_out(settlement_id, seller, 101, 0));
    assert_eq!(
        refusal,
        LedgerError::InsufficientFunds {
            account: Account::Escrow,
            currency: krw(),
            needed: a(101),
            available: a(100),
        }
    );
    book.ok(pay_out(settlement_id, seller, 60, 0));
    book.ok(pay_out(settlement_id, seller, 40, 4));
    assert!(matches!(
        book.refused(pay_out(settlement_id, seller, 1, 0)),
        LedgerError::InsufficientFunds { available, .. } if available == a(0)
    ));
    assert_eq!(book.ledger.escrow(other).unwrap().balance, a(500));
    assert_eq!(book.platform(Account::Escrow), a(500));
}

#[test]
fn paying_out_or_refunding_an_unknown_settlement_is_not_found() {
    let mut book = Book::default();
    let settlement_id = SettlementId::new();
    for operation in [
        pay_out(settlement_id, UserId::new(), 10, 0),
        refund(settlement_id, UserId::new(), 10),
    ] {
        let refusal = book.refused(operation);
        assert_eq!(refusal, LedgerError::SettlementNotFound(settlement_id));
        assert_eq!(refusal.code(), ErrorCode::NotFound);
    }
}

#[test]
fn a_refund_pays_the_escrow_back_to_the_buyer_only() {
    let mut book = Book::default();
    let buyer = UserId::new();
    let settlement_id = sold(&mut book, buyer, 300, 250);
    let stranger = UserId::new();
    let refusal = book.refused(refund(settlement_id, stranger, 250));
    assert_eq!(
        refusal,
        LedgerError::NotTheBuyer {
            settlement_id,
            buyer
        }
    );
    assert_eq!(refusal.code(), ErrorCode::ValidationFailed);
    assert!(matches!(
        book.refused(refund(settlement_id, buyer, 251)),
        LedgerError::InsufficientFunds {
            account: Account::Escrow,
            ..
        }
    ));
    let outcome = book.ok(refund(settlement_id, buyer, 250));
    assert_eq!(
        postings(&outcome),
        [
            (EntryKind::Refund, Account::Escrow, -250, 0),
            (EntryKind::Refund, Account::User(buyer), 250, 0),
        ]
    );
    assert_eq!(book.wallet(buyer), balance(300, 0));
    assert_eq!(book.platform(Account::Escrow), a(0));
}

#[test]
fn a_defaulting_seller_refunds_the_buyer_and_forfeits_the_bond_to_them() {
    let mut book = Book::default();
    let (buyer, seller) = (UserId::new(), UserId::new());
    book.deposit(seller, 100);
    let bond = book.bond(seller, 40);
    let settlement_id = sold(&mut book, buyer, 500, 400);
    book.ok(refund(settlement_id, buyer, 400));
    let outcome = book.ok(Operation::Penalty {
        hold_id: bond,
        buyer_id: buyer,
    });
    assert_eq!(
        postings(&outcome),
        [
            (EntryKind::Penalty, Account::User(seller), 0, -40),
            (EntryKind::Penalty, Account::User(buyer), 40, 0),
        ]
    );
    assert_eq!(outcome.entries[0].reference, Reference::Hold(bond));
    assert_eq!(book.wallet(buyer), balance(540, 0));
    assert_eq!(book.wallet(seller), balance(60, 0));
    assert_eq!(book.state(bond), HoldState::Forfeited { buyer_id: buyer });
}

#[test]
fn a_penalty_takes_a_bond_and_pays_someone_else() {
    let mut book = Book::default();
    let (buyer, seller) = (UserId::new(), UserId::new());
    book.deposit(seller, 100);
    let payment = book.hold(seller, 30);
    let refusal = book.refused(Operation::Penalty {
        hold_id: payment,
        buyer_id: buyer,
    });
    assert_eq!(refusal, LedgerError::NotABond(payment));
    assert_eq!(refusal.code(), ErrorCode::ValidationFailed);
    let bond = book.bond(seller, 30);
    let refusal = book.refused(Operation::Penalty {
        hold_id: bond,
        buyer_id: seller,
    });
    assert_eq!(refusal, LedgerError::PenaltyToOwner(bond));
    assert_eq!(refusal.code(), ErrorCode::ValidationFailed);
    assert_eq!(book.state(bond), HoldState::Open);
}
