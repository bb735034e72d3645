//! Operation ids: one id, one operation, one outcome.

use super::*;

#[test]
fn a_retry_returns_the_first_outcome_and_changes_nothing() {
    let mut ledger = Ledger::new();
    let alice = UserId::new();
    let key = id("deposit-1");
    let first = ledger.apply(&key, &deposit(alice, 500)).unwrap();
    let after_first = ledger.clone();
    let again = ledger.apply(&key, &deposit(alice, 500)).unwrap();
    assert_eq!(again, first);
    assert_eq!(ledger, after_first);
    assert_eq!(ledger.outcome(&key), Some(&first));
    assert_eq!(
        ledger.balance(Account::User(alice), &krw()),
        balance(500, 0)
    );
}

#[test]
fn an_id_used_again_for_another_operation_is_refused() {
    let mut ledger = Ledger::new();
    let alice = UserId::new();
    let key = id("deposit-1");
    ledger.apply(&key, &deposit(alice, 500)).unwrap();
    let before = ledger.clone();
    for other in [
        deposit(alice, 501),
        deposit(UserId::new(), 500),
        withdraw(alice, 500),
    ] {
        let refusal = ledger.apply(&key, &other).unwrap_err();
        assert_eq!(refusal, LedgerError::IdempotencyConflict(key.clone()));
        assert_eq!(refusal.code(), ErrorCode::IdempotencyKeyReused);
        assert_eq!(refusal.code().status(), 409);
        assert_eq!(ledger, before);
    }
}

#[test]
fn a_retried_capture_of_a_closed_hold_returns_the_capture() {
    let mut book = Book::default();
    let alice = UserId::new();
    book.deposit(alice, 500);
    let hold_id = book.hold(alice, 300);
    let settlement_id = SettlementId::new();
    let key = id("capture");
    let operation = capture(hold_id, 200, settlement_id);
    let first = book.ledger.apply(&key, &operation).unwrap();
    let before = book.ledger.clone();
    assert_eq!(book.ledger.apply(&key, &operation), Ok(first));
    assert_eq!(book.ledger, before);
    // Under a new id the same capture is a second end of the hold.
    assert!(matches!(
        book.refused(operation),
        LedgerError::HoldClosed { .. }
    ));
}

#[test]
fn a_refused_operation_is_not_recorded_and_may_be_retried() {
    let mut ledger = Ledger::new();
    let alice = UserId::new();
    let key = id("withdrawal-1");
    let refusal = ledger.apply(&key, &withdraw(alice, 100)).unwrap_err();
    assert!(matches!(refusal, LedgerError::InsufficientFunds { .. }));
    assert_eq!(ledger, Ledger::new());
    assert_eq!(ledger.outcome(&key), None);
    ledger
        .apply(&id("deposit-1"), &deposit(alice, 100))
        .unwrap();
    let outcome = ledger.apply(&key, &withdraw(alice, 100)).unwrap();
    assert_eq!(outcome.entries.len(), 2);
}

#[test]
fn operation_ids_are_visible_ascii_and_bounded() {
    assert_eq!(id("a").as_str(), "a");
    assert!(OperationId::parse(&"k".repeat(200)).is_ok());
    let too_long = "k".repeat(201);
    for bad in ["", " ", "a b", "tab\t", "é", too_long.as_str()] {
        let refusal = OperationId::parse(bad).unwrap_err();
        assert_eq!(refusal, LedgerError::InvalidOperationId, "{bad:?}");
        assert_eq!(refusal.code(), ErrorCode::InvalidIdempotencyKey);
    }
}

#[test]
fn every_refusal_answers_with_a_code_of_the_table() {
    let hold_id = HoldId::new();
    let settlement_id = SettlementId::new();
    let refusals = [
        (LedgerError::InvalidOperationId, 400),
        (LedgerError::NonPositiveAmount(a(0)), 400),
        (LedgerError::Overflow, 400),
        (LedgerError::HoldNotFound(hold_id), 404),
        (LedgerError::SettlementNotFound(settlement_id), 404),
        (LedgerError::HoldExists(hold_id), 409),
        (
            LedgerError::HoldClosed {
                hold_id,
                state: HoldState::Released,
            },
            409,
        ),
        (LedgerError::NotABond(hold_id), 400),
    ];
    for (refusal, status) in refusals {
        let code = refusal.code();
        assert_eq!(code.status(), status, "{refusal}");
        assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
    }
    assert_eq!(
        LedgerError::HoldClosed {
            hold_id,
            state: HoldState::Released
        }
        .to_string(),
        format!("hold {hold_id} has already ended: released")
    );
}
