//! Why the ledger refused an operation. A refused operation changed nothing and is not
//! recorded under its id, so it may be retried (and decided afresh) once its cause is gone.

use super::accounts::Account;
use super::holds::HoldState;
use super::operations::{OperationId, MAX_OPERATION_ID_CHARS};
use chrono::{DateTime, Utc};
use vocabulary::{Amount, Currency, ErrorCode, HoldId, SettlementId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("an operation id must be 1 to {MAX_OPERATION_ID_CHARS} visible ASCII characters")]
    InvalidOperationId,
    #[error("an amount must be positive, got {0}")]
    NonPositiveAmount(Amount),
    #[error("a fee must be between zero and the amount {amount}, got {fee}")]
    InvalidFee { amount: Amount, fee: Amount },
    #[error("hold {hold_id} holds {held}, less than the {amount} to capture")]
    CaptureExceedsHold {
        hold_id: HoldId,
        amount: Amount,
        held: Amount,
    },
    /// `available` is the balance the money would come from: a wallet's available money,
    /// or what a settlement has left in escrow.
    #[error("insufficient funds: {needed} {} needed, {available} available", .currency.as_str())]
    InsufficientFunds {
        account: Account,
        currency: Currency,
        needed: Amount,
        available: Amount,
    },
    #[error("operation id {0} was already used for another operation")]
    IdempotencyConflict(OperationId),
    #[error("no hold {0}")]
    HoldNotFound(HoldId),
    #[error("settlement {0} has nothing in escrow")]
    SettlementNotFound(SettlementId),
    #[error("hold {0} already exists")]
    HoldExists(HoldId),
    #[error("hold {hold_id} has already ended: {}", .state.as_str())]
    HoldClosed { hold_id: HoldId, state: HoldState },
    #[error("hold {hold_id} expires at {expires_at}, not before")]
    HoldNotExpired {
        hold_id: HoldId,
        expires_at: DateTime<Utc>,
    },
    #[error("hold {0} is not a seller's bond")]
    NotABond(HoldId),
    #[error("the bond of hold {0} cannot be paid to its own owner")]
    PenaltyToOwner(HoldId),
    /// A settlement takes captures from one buyer in one currency.
    #[error("settlement {settlement_id} holds {} of buyer {buyer}", .currency.as_str())]
    SettlementMismatch {
        settlement_id: SettlementId,
        buyer: UserId,
        currency: Currency,
    },
    #[error("settlement {settlement_id} refunds its buyer {buyer} only")]
    NotTheBuyer {
        settlement_id: SettlementId,
        buyer: UserId,
    },
    #[error("the amount would take a balance past the largest amount the ledger can hold")]
    Overflow,
}

impl LedgerError {
    /// The API error code this refusal answers with (see `vocabulary::errors`).
    pub const fn code(&self) -> ErrorCode {
        match self {
            LedgerError::InvalidOperationId => ErrorCode::InvalidIdempotencyKey,
            LedgerError::NonPositiveAmount(_)
            | LedgerError::InvalidFee { .. }
            | LedgerError::CaptureExceedsHold { .. }
            | LedgerError::Overflow => ErrorCode::InvalidAmount,
            LedgerError::InsufficientFunds { .. } => ErrorCode::InsufficientFunds,
            LedgerError::IdempotencyConflict(_) => ErrorCode::IdempotencyKeyReused,
            LedgerError::HoldNotFound(_) | LedgerError::SettlementNotFound(_) => {
                ErrorCode::NotFound
            }
            LedgerError::HoldExists(_) => ErrorCode::Conflict,
            LedgerError::HoldClosed { .. } | LedgerError::HoldNotExpired { .. } => {
                ErrorCode::InvalidState
            }
            LedgerError::NotABond(_)
            | LedgerError::PenaltyToOwner(_)
            | LedgerError::SettlementMismatch { .. }
            | LedgerError::NotTheBuyer { .. } => ErrorCode::ValidationFailed,
        }
    }
}
