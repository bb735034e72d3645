//! Named scenarios for each operation and each refusal, and properties over random
//! sequences of operations.

mod holds;
mod idempotency;
mod properties;
mod settlements;
mod wallet;

use super::{
    Account, Balance, Entry, EntryKind, Hold, HoldKind, HoldState, Ledger, LedgerError, Operation,
    OperationId, Outcome, Reference,
};
use chrono::{DateTime, Utc};
use vocabulary::{Amount, Currency, ErrorCode, HoldId, SettlementId, UserId};

/// Second `s` of the test clock.
fn t(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000 + s, 0).unwrap()
}

fn a(minor: i64) -> Amount {
    Amount::minor(minor)
}

fn krw() -> Currency {
    Currency::parse("KRW").unwrap()
}

fn usd() -> Currency {
    Currency::parse("USD").unwrap()
}

fn id(key: &str) -> OperationId {
    OperationId::parse(key).unwrap()
}

/// A ledger driven through `apply`, naming each operation `op-1`, `op-2`, ...
#[derive(Default)]
struct Book {
    ledger: Ledger,
    applied: usize,
}

impl Book {
    /// Applies under the next id; a refusal is checked to have changed nothing.
    fn run(&mut self, operation: Operation) -> Result<Outcome, LedgerError> {
        self.applied += 1;
        let key = id(&format!("op-{}", self.applied));
        let before = self.ledger.clone();
        let result = self.ledger.apply(&key, &operation);
        if result.is_err() {
            assert_eq!(self.ledger, before, "a refusal changed the ledger");
        }
        result
    }

    fn ok(&mut self, operation: Operation) -> Outcome {
        self.run(operation).expect("applied")
    }

    /// The refusal of `operation`, which must be refused.
    fn refused(&mut self, operation: Operation) -> LedgerError {
        self.run(operation).expect_err("refused")
    }

    fn deposit(&mut self, user: UserId, amount: i64) -> Outcome {
        self.ok(deposit(user, amount))
    }

    /// A payment hold in KRW expiring at `t(100)`.
    fn hold(&mut self, user: UserId, amount: i64) -> HoldId {
        let hold_id = HoldId::new();
        self.ok(place_hold(hold_id, user, HoldKind::Payment, amount));
        hold_id
    }

    fn bond(&mut self, user: UserId, amount: i64) -> HoldId {
        let hold_id = HoldId::new();
        self.ok(place_hold(hold_id, user, HoldKind::Bond, amount));
        hold_id
    }

    fn wallet(&self, user: UserId) -> Balance {
        self.ledger.balance(Account::User(user), &krw())
    }

    fn platform(&self, account: Account) -> Amount {
        self.ledger.balance(account, &krw()).available
    }

    fn state(&self, hold_id: HoldId) -> HoldState {
        self.ledger.hold(hold_id).expect("placed").state
    }
}

fn deposit(user: UserId, amount: i64) -> Operation {
    Operation::Deposit {
        user_id: user,
        currency: krw(),
        amount: a(amount),
    }
}

fn withdraw(user: UserId, amount: i64) -> Operation {
    Operation::Withdraw {
        user_id: user,
        currency: krw(),
        amount: a(amount),
    }
}

fn place_hold(hold_id: HoldId, user: UserId, kind: HoldKind, amount: i64) -> Operation {
    Operation::PlaceHold {
        hold_id,
        user_id: user,
        kind,
        currency: krw(),
        amount: a(amount),
        expires_at: t(100),
    }
}

fn capture(hold_id: HoldId, amount: i64, settlement_id: SettlementId) -> Operation {
    Operation::CaptureHold {
        hold_id,
        amount: a(amount),
        settlement_id,
    }
}

fn balance(available: i64, held: i64) -> Balance {
    Balance {
        available: a(available),
        held: a(held),
    }
}

/// Each entry as (kind, account, available delta, held delta).
fn postings(outcome: &Outcome) -> Vec<(EntryKind, Account, i64, i64)> {
    outcome
        .entries
        .iter()
        .map(|entry: &Entry| {
            (
                entry.kind,
                entry.account,
                entry.available_delta.get(),
                entry.held_delta.get(),
            )
        })
        .collect()
}
