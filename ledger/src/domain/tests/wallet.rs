//! Deposits, withdrawals, and reading balances.

use super::*;

#[test]
fn a_deposit_moves_money_from_clearing_to_the_users_available() {
    let mut book = Book::default();
    let alice = UserId::new();
    let outcome = book.deposit(alice, 500);
    assert_eq!(
        postings(&outcome),
        [
            (EntryKind::Deposit, Account::Clearing, -500, 0),
            (EntryKind::Deposit, Account::User(alice), 500, 0),
        ]
    );
    let [clearing, wallet] = &outcome.entries[..] else {
        panic!("two entries")
    };
    assert_eq!((clearing.seq, wallet.seq), (1, 2));
    assert_eq!(wallet.reference, Reference::Deposit(id("op-1")));
    assert_eq!(wallet.operation, id("op-1"));
    assert_eq!(wallet.currency, krw());
    assert_eq!((wallet.available_after, wallet.held_after), (a(500), a(0)));
    assert_eq!(clearing.available_after, a(-500));
    assert_eq!(book.wallet(alice), balance(500, 0));
    assert_eq!(book.platform(Account::Clearing), a(-500));
    assert_eq!(book.ledger.entries_posted(), 2);
}

#[test]
fn a_withdrawal_moves_available_money_back_to_clearing() {
    let mut book = Book::default();
    let alice = UserId::new();
    book.deposit(alice, 500);
    let outcome = book.ok(withdraw(alice, 200));
    assert_eq!(
        postings(&outcome),
        [
            (EntryKind::Withdrawal, Account::User(alice), -200, 0),
            (EntryKind::Withdrawal, Account::Clearing, 200, 0),
        ]
    );
    assert_eq!(
        outcome.entries[0].reference,
        Reference::Withdrawal(id("op-2"))
    );
    assert_eq!(outcome.entries[0].seq, 3);
    assert_eq!(book.wallet(alice), balance(300, 0));
    assert_eq!(book.platform(Account::Clearing), a(-300));
    // All of it may go.
    book.ok(withdraw(alice, 300));
    assert_eq!(book.wallet(alice), balance(0, 0));
    assert_eq!(book.platform(Account::Clearing), a(0));
}

#[test]
fn a_withdrawal_beyond_the_available_balance_is_refused() {
    let mut book = Book::default();
    let alice = UserId::new();
    book.deposit(alice, 500);
    let refusal = book.refused(withdraw(alice, 501));
    assert_eq!(
        refusal,
        LedgerError::InsufficientFunds {
            account: Account::User(alice),
            currency: krw(),
            needed: a(501),
            available: a(500),
        }
    );
    assert_eq!(refusal.code(), ErrorCode::InsufficientFunds);
    assert_eq!(refusal.code().as_str(), "insufficient_funds");
    assert_eq!(refusal.code().status(), 409);
    // A user who never deposited has nothing to take.
    assert!(matches!(
        book.refused(withdraw(UserId::new(), 1)),
        LedgerError::InsufficientFunds { available, .. } if available == a(0)
    ));
}

#[test]
fn held_money_cannot_be_withdrawn() {
    let mut book = Book::default();
    let alice = UserId::new();
    book.deposit(alice, 500);
    book.hold(alice, 400);
    assert!(matches!(
        book.refused(withdraw(alice, 101)),
        LedgerError::InsufficientFunds { needed, available, .. }
            if needed == a(101) && available == a(100)
    ));
    book.ok(withdraw(alice, 100));
    assert_eq!(book.wallet(alice), balance(0, 400));
}

#[test]
fn amounts_must_be_positive() {
    let mut book = Book::default();
    let alice = UserId::new();
    book.deposit(alice, 500);
    for amount in [0, -1, i64::MIN] {
        for operation in [
            deposit(alice, amount),
            withdraw(alice, amount),
            place_hold(HoldId::new(), alice, HoldKind::Payment, amount),
        ] {
            let refusal = book.refused(operation);
            assert_eq!(refusal, LedgerError::NonPositiveAmount(a(amount)));
            assert_eq!(refusal.code(), ErrorCode::InvalidAmount);
        }
    }
}

#[test]
fn balances_are_kept_per_currency() {
    let mut book = Book::default();
    let alice = UserId::new();
    book.deposit(alice, 500);
    book.ok(Operation::Deposit {
        user_id: alice,
        currency: usd(),
        amount: a(7),
    });
    assert!(matches!(
        book.refused(Operation::Withdraw {
            user_id: alice,
            currency: usd(),
            amount: a(8),
        }),
        LedgerError::InsufficientFunds { currency, .. } if currency == usd()
    ));
    let wallet: Vec<_> = book.ledger.wallet(alice).collect();
    assert_eq!(wallet, [(&krw(), balance(500, 0)), (&usd(), balance(7, 0))]);
    assert_eq!(
        book.ledger.balance(Account::Clearing, &usd()),
        balance(-7, 0)
    );
    assert_eq!(book.ledger.wallet(UserId::new()).count(), 0);
}

#[test]
fn a_deposit_that_would_overflow_a_balance_is_refused() {
    let mut book = Book::default();
    let alice = UserId::new();
    book.deposit(alice, i64::MAX);
    let refusal = book.refused(deposit(alice, 1));
    assert_eq!(refusal, LedgerError::Overflow);
    assert_eq!(refusal.code(), ErrorCode::InvalidAmount);
    // Clearing would overflow first for another user: it is at -MAX already.
    assert_eq!(
        book.refused(deposit(UserId::new(), 2)),
        LedgerError::Overflow
    );
    assert_eq!(book.wallet(alice), balance(i64::MAX, 0));
}
