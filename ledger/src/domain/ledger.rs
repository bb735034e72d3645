//! The ledger's state, the one place it changes ([`Ledger::apply`]), and what may be read
//! of it.

use super::accounts::{Account, Balance};
use super::change::Change;
use super::decide::decide;
use super::entries::Entry;
use super::error::LedgerError;
use super::holds::{Escrow, Hold};
use super::operations::{Operation, OperationId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use vocabulary::{Currency, HoldId, SettlementId, UserId};

/// Every balance, hold and settlement escrow, and the operations applied so far. Ordered
/// maps throughout, so that everything read out of it comes in one order on every replay.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    /// Accounts that money has moved through; every other account is at zero.
    balances: BTreeMap<(Currency, Account), Balance>,
    holds: BTreeMap<HoldId, Hold>,
    escrows: BTreeMap<SettlementId, Escrow>,
    /// Each applied operation with its outcome: the fingerprint a retry is compared with.
    applied: BTreeMap<OperationId, Applied>,
    /// How many entries were posted, which is also the `seq` of the last one.
    entries_posted: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Applied {
    operation: Operation,
    outcome: Outcome,
}

/// What an applied operation posted, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub entries: Vec<Entry>,
}

impl Ledger {
    /// A ledger in which no money has moved yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies `operation` under `id`, whole or not at all.
    ///
    /// The first time an id is seen the operation is decided against the ledger as it is:
    /// either every entry is posted and every balance, hold and escrow changes, or nothing
    /// changes and the refusal says why (a refused operation is not recorded, so it may be
    /// retried once its cause is gone). Once an id has been applied, the same operation
    /// under it returns the first outcome again and changes nothing; another operation
    /// under it is refused with [`LedgerError::IdempotencyConflict`].
    pub fn apply(
        &mut self,
        id: &OperationId,
        operation: &Operation,
    ) -> Result<Outcome, LedgerError> {
        if let Some(applied) = self.applied.get(id) {
            return if applied.operation == *operation {
                Ok(applied.outcome.clone())
            } else {
                Err(LedgerError::IdempotencyConflict(id.clone()))
            };
        }
        let change = decide(self, id, operation)?;
        let outcome = self.commit(change);
        self.applied.insert(
            id.clone(),
            Applied {
                operation: operation.clone(),
                outcome: outcome.clone(),
            },
        );
        Ok(outcome)
    }

    /// Writes a change that was decided against this very ledger: nothing in it can fail.
    fn commit(&mut self, change: Change) -> Outcome {
        let Change {
            currency,
            balances,
            entries,
            hold,
            escrow,
            ..
        } = change;
        for (account, balance) in balances {
            self.balances.insert((currency.clone(), account), balance);
        }
        if let Some(hold) = hold {
            self.holds.insert(hold.id, hold);
        }
        if let Some((settlement_id, escrow)) = escrow {
            self.escrows.insert(settlement_id, escrow);
        }
        if let Some(last) = entries.last() {
            self.entries_posted = last.seq;
        }
        Outcome { entries }
    }

    /// The balances of `account` in `currency` (zero where no money has moved).
    pub fn balance(&self, account: Account, currency: &Currency) -> Balance {
        self.balances
            .get(&(currency.clone(), account))
            .copied()
            .unwrap_or_default()
    }

    /// A user's wallet: their balances in every currency money has moved in, by currency.
    pub fn wallet(&self, user: UserId) -> impl Iterator<Item = (&Currency, Balance)> + '_ {
        self.balances
            .iter()
            .filter(move |((_, account), _)| *account == Account::User(user))
            .map(|((currency, _), balance)| (currency, *balance))
    }

    /// Every account money has moved through, by currency and then account.
    pub fn balances(&self) -> impl Iterator<Item = (&Currency, Account, Balance)> + '_ {
        self.balances
            .iter()
            .map(|((currency, account), balance)| (currency, *account, *balance))
    }

    pub fn hold(&self, id: HoldId) -> Option<&Hold> {
        self.holds.get(&id)
    }

    /// Every hold ever placed, open or ended, by id.
    pub fn holds(&self) -> impl Iterator<Item = &Hold> + '_ {
        self.holds.values()
    }

    /// What a settlement has in escrow; `None` before its first capture.
    pub fn escrow(&self, settlement_id: SettlementId) -> Option<&Escrow> {
        self.escrows.get(&settlement_id)
    }

    pub fn escrows(&self) -> impl Iterator<Item = (SettlementId, &Escrow)> + '_ {
        self.escrows.iter().map(|(id, escrow)| (*id, escrow))
    }

    /// The outcome of the operation applied under `id`, if one was.
    pub fn outcome(&self, id: &OperationId) -> Option<&Outcome> {
        self.applied.get(id).map(|applied| &applied.outcome)
    }

    /// How many entries have been posted: the `seq` of the last one, 0 before the first.
    pub fn entries_posted(&self) -> u64 {
        self.entries_posted
    }
}
