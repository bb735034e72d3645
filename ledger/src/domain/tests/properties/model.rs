//! The checks of every step of a run: what each result must be, and what must hold of
//! the ledger after it.

use super::super::*;
use std::collections::BTreeMap;

/// What the properties remember across operations: the ledger as its entries tell it.
#[derive(Default)]
pub(super) struct Model {
    /// Every operation applied, with its first outcome.
    applied: BTreeMap<OperationId, (Operation, Outcome)>,
    /// Each account's balances as the sum of its entries (wide, so that sums cannot
    /// overflow here).
    sums: BTreeMap<(Currency, Account), (i128, i128)>,
    deposited: BTreeMap<Currency, i128>,
    withdrawn: BTreeMap<Currency, i128>,
    last_seq: u64,
    /// Every hold once it has ended, as it ended.
    ended: BTreeMap<HoldId, Hold>,
}

impl Model {
    pub(super) fn check(
        &mut self,
        before: &Ledger,
        after: &Ledger,
        id: &OperationId,
        operation: &Operation,
        result: &Result<Outcome, LedgerError>,
    ) {
        let earlier = self.applied.get(id).cloned();
        let fresh_success = match (earlier, result) {
            (Some((first, outcome)), _) => {
                // A retry: the first outcome for the same body, a conflict for another.
                if first == *operation {
                    assert_eq!(result.as_ref(), Ok(&outcome), "retry of {id}");
                } else {
                    assert_eq!(
                        result.as_ref(),
                        Err(&LedgerError::IdempotencyConflict(id.clone()))
                    );
                }
                assert_eq!(after, before, "a retry changed the ledger");
                false
            }
            (None, Err(_)) => {
                assert_eq!(
                    after, before,
                    "{operation:?} was refused and changed the ledger"
                );
                assert_eq!(after.outcome(id), None);
                false
            }
            (None, Ok(outcome)) => {
                assert_eq!(after.outcome(id), Some(outcome));
                self.posted(id, operation, outcome);
                self.applied
                    .insert(id.clone(), (operation.clone(), outcome.clone()));
                true
            }
        };
        self.check_holds(before, after, operation, fresh_success);
        self.check_balances(after);
    }

    /// Entries: numbered without gaps, one currency, summing to zero, with the balances
    /// after them that the sums give.
    fn posted(&mut self, id: &OperationId, operation: &Operation, outcome: &Outcome) {
        assert!(!outcome.entries.is_empty(), "{operation:?} posted nothing");
        let currency = &outcome.entries[0].currency;
        let mut total = 0i128;
        for entry in &outcome.entries {
            self.last_seq += 1;
            assert_eq!(entry.seq, self.last_seq);
            assert_eq!(&entry.operation, id);
            assert_eq!(&entry.currency, currency);
            assert!(entry.available_delta != a(0) || entry.held_delta != a(0));
            let (available, held) = (entry.available_delta.get(), entry.held_delta.get());
            total += i128::from(available) + i128::from(held);
            let sum = self
                .sums
                .entry((entry.currency.clone(), entry.account))
                .or_default();
            sum.0 += i128::from(available);
            sum.1 += i128::from(held);
            assert_eq!(
                (
                    i128::from(entry.available_after.get()),
                    i128::from(entry.held_after.get())
                ),
                *sum
            );
        }
        assert_eq!(total, 0, "{operation:?} does not balance");
        match operation {
            Operation::Deposit {
                currency, amount, ..
            } => {
                *self.deposited.entry(currency.clone()).or_default() += i128::from(amount.get());
            }
            Operation::Withdraw {
                currency, amount, ..
            } => {
                *self.withdrawn.entry(currency.clone()).or_default() += i128::from(amount.get());
            }
            _ => {}
        }
    }

    /// Holds end at most once, by an operation on them, and never change afterwards; an
    /// open hold changes only by ending.
    fn check_holds(
        &mut self,
        before: &Ledger,
        after: &Ledger,
        operation: &Operation,
        fresh_success: bool,
    ) {
        assert!(after.holds().count() >= before.holds().count());
        for hold in after.holds() {
            if let Some(ended) = self.ended.get(&hold.id) {
                assert_eq!(ended, hold, "an ended hold changed");
                continue;
            }
            let was = before.hold(hold.id);
            if hold.state.is_open() {
                if let Some(was) = was {
                    assert_eq!(was, hold, "an open hold changed without ending");
                }
                continue;
            }
            assert!(fresh_success && hold_of(operation) == Some(hold.id));
            assert!(was.is_some_and(|was| was.state.is_open()));
            if let HoldState::Captured { amount, .. } = hold.state {
                assert!(amount > a(0) && amount <= hold.amount);
            }
            self.ended.insert(hold.id, hold.clone());
        }
    }

    /// Money is conserved in each currency, no balance but clearing's is negative, and
    /// every balance is the sum of its entries.
    fn check_balances(&self, ledger: &Ledger) {
        let mut sum_of_all = BTreeMap::<&Currency, i128>::new();
        let mut on_platform = BTreeMap::<&Currency, i128>::new();
        let mut escrow = BTreeMap::<&Currency, i128>::new();
        let mut held = BTreeMap::<(&Currency, UserId), i128>::new();
        for (currency, account, balance) in ledger.balances() {
            let total = i128::from(balance.available.get()) + i128::from(balance.held.get());
            *sum_of_all.entry(currency).or_default() += total;
            if account == Account::Clearing {
                assert!(balance.available <= a(0), "clearing is positive");
            } else {
                assert!(balance.available >= a(0), "{account:?} is negative");
                assert!(balance.held >= a(0), "{account:?} holds less than nothing");
                *on_platform.entry(currency).or_default() += total;
            }
            if account.is_platform() {
                assert_eq!(balance.held, a(0), "{account:?} holds money");
            }
            let sums = self.sums.get(&(currency.clone(), account)).copied();
            assert_eq!(
                sums.unwrap_or_default(),
                (
                    i128::from(balance.available.get()),
                    i128::from(balance.held.get())
                ),
                "{account:?} is not the sum of its entries"
            );
        }
        for (currency, account) in self.sums.keys() {
            let balance = ledger.balance(*account, currency);
            assert_eq!(
                self.sums[&(currency.clone(), *account)],
                (
                    i128::from(balance.available.get()),
                    i128::from(balance.held.get())
                )
            );
        }
        for currency in [krw(), usd()] {
            assert_eq!(sum_of_all.get(&currency).copied().unwrap_or(0), 0);
            let deposited = self.deposited.get(&currency).copied().unwrap_or(0);
            let withdrawn = self.withdrawn.get(&currency).copied().unwrap_or(0);
            assert_eq!(
                deposited - withdrawn,
                on_platform.get(&currency).copied().unwrap_or(0),
                "deposited − withdrawn is not what the platform holds"
            );
        }
        for (_, settlement) in ledger.escrows() {
            assert!(settlement.balance >= a(0));
            *escrow.entry(&settlement.currency).or_default() +=
                i128::from(settlement.balance.get());
        }
        for hold in ledger.holds().filter(|hold| hold.state.is_open()) {
            *held.entry((&hold.currency, hold.owner)).or_default() += i128::from(hold.amount.get());
        }
        for (currency, account, balance) in ledger.balances() {
            match account {
                Account::Escrow => assert_eq!(
                    i128::from(balance.available.get()),
                    escrow.get(currency).copied().unwrap_or(0),
                    "the escrow account is not its settlements' escrow"
                ),
                Account::User(user) => assert_eq!(
                    i128::from(balance.held.get()),
                    held.get(&(currency, user)).copied().unwrap_or(0),
                    "a user's held balance is not their open holds"
                ),
                _ => {}
            }
        }
    }
}

/// The hold an operation is about, if it is about one.
fn hold_of(operation: &Operation) -> Option<HoldId> {
    match operation {
        Operation::PlaceHold { hold_id, .. }
        | Operation::CaptureHold { hold_id, .. }
        | Operation::ReleaseHold { hold_id }
        | Operation::ExpireHold { hold_id, .. }
        | Operation::Penalty { hold_id, .. } => Some(*hold_id),
        _ => None,
    }
}
