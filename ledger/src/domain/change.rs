//! The effect of one operation, worked out against the ledger without touching it:
//! the new balances of the accounts it moves, its entries, and the hold and escrow it
//! changes. Only [`super::Ledger`] writes a change, and only a whole one, so an operation
//! refused halfway has changed nothing.

use super::accounts::{Account, Balance, Side};
use super::entries::{Entry, EntryKind, Reference};
use super::error::LedgerError;
use super::holds::{Escrow, Hold};
use super::ledger::Ledger;
use super::operations::OperationId;
use std::collections::BTreeMap;
use vocabulary::{Amount, Currency, SettlementId};

/// One end of a movement: a side of an account.
pub(super) type Leg = (Account, Side);

pub(super) struct Change {
    pub(super) currency: Currency,
    /// The new balances of every account this change moves.
    pub(super) balances: BTreeMap<Account, Balance>,
    pub(super) entries: Vec<Entry>,
    pub(super) hold: Option<Hold>,
    pub(super) escrow: Option<(SettlementId, Escrow)>,
    operation: OperationId,
    last_seq: u64,
}

impl Change {
    /// A change in `currency`, made by the operation `operation`, on top of `ledger`.
    pub(super) fn new(ledger: &Ledger, operation: &OperationId, currency: &Currency) -> Self {
        Self {
            currency: currency.clone(),
            balances: BTreeMap::new(),
            entries: Vec::new(),
            hold: None,
            escrow: None,
            operation: operation.clone(),
            last_seq: ledger.entries_posted(),
        }
    }

    /// Moves `amount` (never negative) from one side of an account to a side of the same
    /// or another account, and posts the entries that say so: one for a move within an
    /// account (available → held), one per account otherwise. A zero amount moves nothing
    /// and posts nothing.
    ///
    /// Refused when the source would go below zero (unless it is clearing) and when a
    /// balance would overflow; the change is then dropped whole.
    pub(super) fn transfer(
        &mut self,
        ledger: &Ledger,
        kind: EntryKind,
        reference: &Reference,
        (from, from_side): Leg,
        (to, to_side): Leg,
        amount: Amount,
    ) -> Result<(), LedgerError> {
        if amount == Amount::ZERO {
            return Ok(());
        }
        let mut source = self.balance(ledger, from);
        let before = source.side(from_side);
        let after = before.checked_sub(amount).ok_or(LedgerError::Overflow)?;
        if after < Amount::ZERO && !from.may_go_negative() {
            return Err(LedgerError::InsufficientFunds {
                account: from,
                currency: self.currency.clone(),
                needed: amount,
                available: before,
            });
        }
        *source.side_mut(from_side) = after;
        let mut target = if to == from {
            source
        } else {
            self.balance(ledger, to)
        };
        let credited = target.side(to_side).checked_add(amount);
        *target.side_mut(to_side) = credited.ok_or(LedgerError::Overflow)?;

        let negative = Amount::ZERO
            .checked_sub(amount)
            .ok_or(LedgerError::Overflow)?;
        if to == from {
            let mut deltas = Balance::ZERO;
            *deltas.side_mut(from_side) = negative;
            *deltas.side_mut(to_side) = amount;
            self.post(kind, reference, to, deltas, target)?;
        } else {
            let mut debit = Balance::ZERO;
            *debit.side_mut(from_side) = negative;
            self.post(kind, reference, from, debit, source)?;
            let mut credit = Balance::ZERO;
            *credit.side_mut(to_side) = amount;
            self.post(kind, reference, to, credit, target)?;
            self.balances.insert(from, source);
        }
        self.balances.insert(to, target);
        Ok(())
    }

    /// The balance of `account` as this change leaves it so far.
    fn balance(&self, ledger: &Ledger, account: Account) -> Balance {
        match self.balances.get(&account) {
            Some(balance) => *balance,
            None => ledger.balance(account, &self.currency),
        }
    }

    fn post(
        &mut self,
        kind: EntryKind,
        reference: &Reference,
        account: Account,
        deltas: Balance,
        after: Balance,
    ) -> Result<(), LedgerError> {
        self.last_seq = self.last_seq.checked_add(1).ok_or(LedgerError::Overflow)?;
        self.entries.push(Entry {
            seq: self.last_seq,
            operation: self.operation.clone(),
            kind,
            account,
            currency: self.currency.clone(),
            available_delta: deltas.available,
            held_delta: deltas.held,
            available_after: after.available,
            held_after: after.held,
            reference: reference.clone(),
        });
        Ok(())
    }
}
