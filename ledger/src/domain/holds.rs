//! Holds, two-phase like a pending transfer: placed, then ended exactly once. And the
//! escrow each settlement keeps of what its captures took.

use super::entries::EntryKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vocabulary::{Amount, Currency, HoldId, SettlementId, UserId};

/// Money of one user set aside for one purpose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hold {
    pub id: HoldId,
    pub owner: UserId,
    pub kind: HoldKind,
    pub currency: Currency,
    /// What was set aside; it stays as placed after the hold ends (the end says how much
    /// of it was captured).
    pub amount: Amount,
    pub expires_at: DateTime<Utc>,
    pub state: HoldState,
}

/// What a hold is for; it decides the kind of the hold's entry and whether a penalty may
/// take it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldKind {
    /// The money behind a bid or a buy order, which a capture takes into escrow.
    Payment,
    /// A seller's bond: released when the sale completes or the listing ends unsold, paid
    /// to the buyer as a penalty if the seller defaults.
    Bond,
}

impl HoldKind {
    pub(super) const fn entry_kind(self) -> EntryKind {
        match self {
            HoldKind::Payment => EntryKind::Hold,
            HoldKind::Bond => EntryKind::Bond,
        }
    }
}

/// Where a hold is: open, or ended in one of four ways. An ended hold never changes again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(
    tag = "status",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum HoldState {
    Open,
    /// `amount` went into the escrow of `settlement_id`; the rest was released.
    Captured {
        amount: Amount,
        settlement_id: SettlementId,
    },
    Released,
    Expired,
    /// All of it was paid to `buyer_id` as a penalty.
    Forfeited {
        buyer_id: UserId,
    },
}

impl HoldState {
    pub const fn is_open(self) -> bool {
        matches!(self, HoldState::Open)
    }

    /// The state's name, as the wire writes its `status`.
    pub const fn as_str(self) -> &'static str {
        match self {
            HoldState::Open => "open",
            HoldState::Captured { .. } => "captured",
            HoldState::Released => "released",
            HoldState::Expired => "expired",
            HoldState::Forfeited { .. } => "forfeited",
        }
    }
}

/// What one settlement has in escrow. The first capture into a settlement fixes its
/// buyer and currency; payouts and refunds take from `balance`, never more than it, so
/// one settlement's money cannot pay another's seller. The escrow account of a currency
/// is the sum of its settlements' balances.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Escrow {
    pub buyer: UserId,
    pub currency: Currency,
    /// Captured and not yet paid out or refunded.
    pub balance: Amount,
}
