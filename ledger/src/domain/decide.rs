//! The rule of each operation: what it checks and which money it moves. Each rule reads
//! the ledger and returns a [`Change`]; none of them writes, so a refusal at any point
//! leaves the ledger as it was.

use super::accounts::{Account, Side};
use super::change::Change;
use super::entries::{EntryKind, Reference};
use super::error::LedgerError;
use super::holds::{Escrow, Hold, HoldKind, HoldState};
use super::ledger::Ledger;
use super::operations::{Operation, OperationId};
use chrono::{DateTime, Utc};
use vocabulary::{Amount, Currency, HoldId, SettlementId, UserId};

pub(super) fn decide(
    ledger: &Ledger,
    id: &OperationId,
    operation: &Operation,
) -> Result<Change, LedgerError> {
    let rules = Rules { ledger, id };
    match operation {
        Operation::Deposit {
            user_id,
            currency,
            amount,
        } => rules.deposit(*user_id, currency, *amount),
        Operation::Withdraw {
            user_id,
            currency,
            amount,
        } => rules.withdraw(*user_id, currency, *amount),
        Operation::PlaceHold {
            hold_id,
            user_id,
            kind,
            currency,
            amount,
            expires_at,
        } => rules.place_hold(Hold {
            id: *hold_id,
            owner: *user_id,
            kind: *kind,
            currency: currency.clone(),
            amount: *amount,
            expires_at: *expires_at,
            state: HoldState::Open,
        }),
        Operation::CaptureHold {
            hold_id,
            amount,
            settlement_id,
        } => rules.capture(*hold_id, *amount, *settlement_id),
        Operation::ReleaseHold { hold_id } => rules.release(*hold_id, HoldState::Released),
        Operation::ExpireHold { hold_id, now } => rules.expire(*hold_id, *now),
        Operation::PayOut {
            settlement_id,
            seller_id,
            amount,
            fee,
        } => rules.pay_out(*settlement_id, *seller_id, *amount, *fee),
        Operation::Refund {
            settlement_id,
            buyer_id,
            amount,
        } => rules.refund(*settlement_id, *buyer_id, *amount),
        Operation::Penalty { hold_id, buyer_id } => rules.penalty(*hold_id, *buyer_id),
    }
}

const AVAILABLE: Side = Side::Available;
const HELD: Side = Side::Held;

/// The ledger one operation is decided against, and the operation's id.
struct Rules<'a> {
    ledger: &'a Ledger,
    id: &'a OperationId,
}

impl Rules<'_> {
    fn change(&self, currency: &Currency) -> Change {
        Change::new(self.ledger, self.id, currency)
    }

    fn deposit(
        &self,
        user: UserId,
        currency: &Currency,
        amount: Amount,
    ) -> Result<Change, LedgerError> {
        positive(amount)?;
        let mut change = self.change(currency);
        change.transfer(
            self.ledger,
            EntryKind::Deposit,
            &Reference::Deposit(self.id.clone()),
            (Account::Clearing, AVAILABLE),
            (Account::User(user), AVAILABLE),
            amount,
        )?;
        Ok(change)
    }

    fn withdraw(
        &self,
        user: UserId,
        currency: &Currency,
        amount: Amount,
    ) -> Result<Change, LedgerError> {
        positive(amount)?;
        let mut change = self.change(currency);
        change.transfer(
            self.ledger,
            EntryKind::Withdrawal,
            &Reference::Withdrawal(self.id.clone()),
            (Account::User(user), AVAILABLE),
            (Account::Clearing, AVAILABLE),
            amount,
        )?;
        Ok(change)
    }

    fn place_hold(&self, hold: Hold) -> Result<Change, LedgerError> {
        positive(hold.amount)?;
        if self.ledger.hold(hold.id).is_some() {
            return Err(LedgerError::HoldExists(hold.id));
        }
        let mut change = self.change(&hold.currency);
        let wallet = Account::User(hold.owner);
        change.transfer(
            self.ledger,
            hold.kind.entry_kind(),
            &Reference::Hold(hold.id),
            (wallet, AVAILABLE),
            (wallet, HELD),
            hold.amount,
        )?;
        change.hold = Some(hold);
        Ok(change)
    }

    /// `amount` of the hold into the settlement's escrow, the rest back to available.
    fn capture(
        &self,
        hold_id: HoldId,
        amount: Amount,
        settlement_id: SettlementId,
    ) -> Result<Change, LedgerError> {
        positive(amount)?;
        let hold = self.open_hold(hold_id)?;
        if amount > hold.amount {
            return Err(LedgerError::CaptureExceedsHold {
                hold_id,
                amount,
                held: hold.amount,
            });
        }
        let mut escrow = match self.ledger.escrow(settlement_id) {
            None => Escrow {
                buyer: hold.owner,
                currency: hold.currency.clone(),
                balance: Amount::ZERO,
            },
            Some(escrow) if escrow.buyer == hold.owner && escrow.currency == hold.currency => {
                escrow.clone()
            }
            Some(escrow) => {
                return Err(LedgerError::SettlementMismatch {
                    settlement_id,
                    buyer: escrow.buyer,
                    currency: escrow.currency.clone(),
                })
            }
        };
        escrow.balance = escrow
            .balance
            .checked_add(amount)
            .ok_or(LedgerError::Overflow)?;
        let rest = hold
            .amount
            .checked_sub(amount)
            .ok_or(LedgerError::Overflow)?;
        let wallet = Account::User(hold.owner);
        let mut change = self.change(&hold.currency);
        change.transfer(
            self.ledger,
            EntryKind::Capture,
            &Reference::Settlement(settlement_id),
            (wallet, HELD),
            (Account::Escrow, AVAILABLE),
            amount,
        )?;
        change.transfer(
            self.ledger,
            EntryKind::Release,
            &Reference::Hold(hold_id),
            (wallet, HELD),
            (wallet, AVAILABLE),
            rest,
        )?;
        change.hold = Some(Hold {
            state: HoldState::Captured {
                amount,
                settlement_id,
            },
            ..hold.clone()
        });
        change.escrow = Some((settlement_id, escrow));
        Ok(change)
    }

    /// All of the hold back to available, ending it as `end` (released or expired).
    fn release(&self, hold_id: HoldId, end: HoldState) -> Result<Change, LedgerError> {
        let hold = self.open_hold(hold_id)?;
        let wallet = Account::User(hold.owner);
        let mut change = self.change(&hold.currency);
        change.transfer(
            self.ledger,
            EntryKind::Release,
            &Reference::Hold(hold_id),
            (wallet, HELD),
            (wallet, AVAILABLE),
            hold.amount,
        )?;
        change.hold = Some(Hold {
            state: end,
            ..hold.clone()
        });
        Ok(change)
    }

    fn expire(&self, hold_id: HoldId, now: DateTime<Utc>) -> Result<Change, LedgerError> {
        let hold = self.open_hold(hold_id)?;
        if now < hold.expires_at {
            return Err(LedgerError::HoldNotExpired {
                hold_id,
                expires_at: hold.expires_at,
            });
        }
        self.release(hold_id, HoldState::Expired)
    }

    /// `amount − fee` of the settlement's escrow to the seller, `fee` to the platform.
    fn pay_out(
        &self,
        settlement_id: SettlementId,
        seller: UserId,
        amount: Amount,
        fee: Amount,
    ) -> Result<Change, LedgerError> {
        positive(amount)?;
        if fee < Amount::ZERO || fee > amount {
            return Err(LedgerError::InvalidFee { amount, fee });
        }
        let escrow = self.escrow(settlement_id)?;
        let (mut change, escrow) = self.take_from(escrow, amount)?;
        let to_seller = amount.checked_sub(fee).ok_or(LedgerError::Overflow)?;
        let reference = Reference::Settlement(settlement_id);
        let source = (Account::Escrow, AVAILABLE);
        change.transfer(
            self.ledger,
            EntryKind::Payout,
            &reference,
            source,
            (Account::User(seller), AVAILABLE),
            to_seller,
        )?;
        change.transfer(
            self.ledger,
            EntryKind::Fee,
            &reference,
            source,
            (Account::Fees, AVAILABLE),
            fee,
        )?;
        change.escrow = Some((settlement_id, escrow));
        Ok(change)
    }

    fn refund(
        &self,
        settlement_id: SettlementId,
        buyer: UserId,
        amount: Amount,
    ) -> Result<Change, LedgerError> {
        positive(amount)?;
        let escrow = self.escrow(settlement_id)?;
        if buyer != escrow.buyer {
            return Err(LedgerError::NotTheBuyer {
                settlement_id,
                buyer: escrow.buyer,
            });
        }
        let (mut change, escrow) = self.take_from(escrow, amount)?;
        change.transfer(
            self.ledger,
            EntryKind::Refund,
            &Reference::Settlement(settlement_id),
            (Account::Escrow, AVAILABLE),
            (Account::User(buyer), AVAILABLE),
            amount,
        )?;
        change.escrow = Some((settlement_id, escrow));
        Ok(change)
    }

    /// All of a seller's bond to the buyer.
    fn penalty(&self, hold_id: HoldId, buyer: UserId) -> Result<Change, LedgerError> {
        let hold = self.open_hold(hold_id)?;
        if hold.kind != HoldKind::Bond {
            return Err(LedgerError::NotABond(hold_id));
        }
        if buyer == hold.owner {
            return Err(LedgerError::PenaltyToOwner(hold_id));
        }
        let mut change = self.change(&hold.currency);
        change.transfer(
            self.ledger,
            EntryKind::Penalty,
            &Reference::Hold(hold_id),
            (Account::User(hold.owner), HELD),
            (Account::User(buyer), AVAILABLE),
            hold.amount,
        )?;
        change.hold = Some(Hold {
            state: HoldState::Forfeited { buyer_id: buyer },
            ..hold.clone()
        });
        Ok(change)
    }

    /// The hold, if it exists and has not ended.
    fn open_hold(&self, hold_id: HoldId) -> Result<&Hold, LedgerError> {
        let hold = self
            .ledger
            .hold(hold_id)
            .ok_or(LedgerError::HoldNotFound(hold_id))?;
        if !hold.state.is_open() {
            return Err(LedgerError::HoldClosed {
                hold_id,
                state: hold.state,
            });
        }
        Ok(hold)
    }

    /// What the settlement has in escrow, if anything was ever captured into it.
    fn escrow(&self, settlement_id: SettlementId) -> Result<&Escrow, LedgerError> {
        self.ledger
            .escrow(settlement_id)
            .ok_or(LedgerError::SettlementNotFound(settlement_id))
    }

    /// A change in the escrow's currency, and the escrow less `amount`: refused when the
    /// settlement has less than that left.
    fn take_from(&self, escrow: &Escrow, amount: Amount) -> Result<(Change, Escrow), LedgerError> {
        if amount > escrow.balance {
            return Err(LedgerError::InsufficientFunds {
                account: Account::Escrow,
                currency: escrow.currency.clone(),
                needed: amount,
                available: escrow.balance,
            });
        }
        let balance = escrow
            .balance
            .checked_sub(amount)
            .ok_or(LedgerError::Overflow)?;
        let change = self.change(&escrow.currency);
        Ok((
            change,
            Escrow {
                balance,
                ..escrow.clone()
            },
        ))
    }
}

fn positive(amount: Amount) -> Result<(), LedgerError> {
    if amount.is_positive() {
        Ok(())
    } else {
        Err(LedgerError::NonPositiveAmount(amount))
    }
}
