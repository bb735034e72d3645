//! What a caller may ask of the ledger, each under an id of its own choosing.

use super::error::LedgerError;
use super::holds::HoldKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use vocabulary::{Amount, Currency, HoldId, SettlementId, UserId};

/// The most characters an [`OperationId`] may have.
pub const MAX_OPERATION_ID_CHARS: usize = 200;

/// The caller's name for one operation, which makes it idempotent: the ledger applies an
/// id once, and answers a retry under the same id with the first outcome. Callers derive
/// it from what they are doing (a user's `Idempotency-Key` with the user, a bid's id for
/// its hold, a settlement's id for its payout), so that a redelivered request or log
/// record finds the operation it already made.
///
/// 1 to [`MAX_OPERATION_ID_CHARS`] visible ASCII characters.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OperationId(String);

impl OperationId {
    pub fn parse(id: &str) -> Result<Self, LedgerError> {
        let visible = id.bytes().all(|b| b.is_ascii_graphic());
        if id.is_empty() || id.len() > MAX_OPERATION_ID_CHARS || !visible {
            return Err(LedgerError::InvalidOperationId);
        }
        Ok(Self(id.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OperationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for OperationId {
    type Error = LedgerError;
    fn try_from(id: String) -> Result<Self, Self::Error> {
        Self::parse(&id)
    }
}

impl From<OperationId> for String {
    fn from(id: OperationId) -> Self {
        id.0
    }
}

/// Everything that moves money. Each is applied whole or not at all; amounts must be
/// positive (a fee may be zero). Operations on a hold or a settlement take its currency
/// from the ledger, so they cannot name the wrong one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum Operation {
    /// Money in from the payment provider: clearing → the user's available.
    Deposit {
        user_id: UserId,
        currency: Currency,
        amount: Amount,
    },
    /// Money out to the payment provider: the user's available → clearing. Refused with
    /// `InsufficientFunds` beyond what is available (held money cannot be withdrawn).
    Withdraw {
        user_id: UserId,
        currency: Currency,
        amount: Amount,
    },
    /// Sets money aside behind a bid, an order or a seller's bond: available → held, under
    /// a new hold id. The hold stays open, past `expires_at` too, until one of the
    /// operations that end it does.
    PlaceHold {
        hold_id: HoldId,
        user_id: UserId,
        kind: HoldKind,
        currency: Currency,
        amount: Amount,
        expires_at: DateTime<Utc>,
    },
    /// Ends an open hold by taking `amount` (at most what it holds) into the escrow of
    /// `settlement_id`, and releasing the rest to available in the same step. A settlement
    /// takes captures from one buyer in one currency.
    CaptureHold {
        hold_id: HoldId,
        amount: Amount,
        settlement_id: SettlementId,
    },
    /// Ends an open hold by releasing all of it to available.
    ReleaseHold { hold_id: HoldId },
    /// Ends an open hold whose time is up (`now ≥ expires_at`) by releasing all of it.
    ExpireHold { hold_id: HoldId, now: DateTime<Utc> },
    /// Completes (part of) a settlement: `amount − fee` from its escrow to the seller's
    /// available and `fee` to the platform's fees. At most what the settlement still has
    /// in escrow.
    PayOut {
        settlement_id: SettlementId,
        seller_id: UserId,
        amount: Amount,
        fee: Amount,
    },
    /// Pays (part of) a settlement's escrow back to its buyer's available.
    Refund {
        settlement_id: SettlementId,
        buyer_id: UserId,
        amount: Amount,
    },
    /// Ends a defaulting seller's open bond hold by paying all of it to the buyer's
    /// available.
    Penalty { hold_id: HoldId, buyer_id: UserId },
}
