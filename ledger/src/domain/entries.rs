//! Entries: what the ledger posts. An entry, once given out, is never changed or removed;
//! a correction is a new operation with entries of its own.

use super::accounts::Account;
use super::operations::OperationId;
use serde::{Deserialize, Serialize};
use vocabulary::{Amount, Currency, HoldId, SettlementId};

/// One posting to one account. The entries of one operation sum to zero in their
/// currency (`available_delta + held_delta` over all of them), and the entries of an
/// account, summed, give its balance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The entry's place in the ledger: 1 for the first entry ever posted, one more for
    /// each after it, with no gaps. The same operations in the same order give the same
    /// numbers.
    pub seq: u64,
    /// The operation that posted it.
    pub operation: OperationId,
    pub kind: EntryKind,
    pub account: Account,
    pub currency: Currency,
    pub available_delta: Amount,
    pub held_delta: Amount,
    /// The account's balances right after this entry.
    pub available_after: Amount,
    pub held_after: Amount,
    /// What the money moved for: `{type, id}` on the wire.
    #[serde(rename = "ref")]
    pub reference: Reference,
}

/// The kinds of the contract's wallet entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Money brought in through the payment provider.
    Deposit,
    /// Money taken out through the payment provider.
    Withdrawal,
    /// Available money set aside behind a bid or an order.
    Hold,
    /// Held money back to available: a hold released, expired, or the rest of a partial
    /// capture.
    Release,
    /// Held money taken into a settlement's escrow.
    Capture,
    /// Escrow paid to the seller of a completed settlement.
    Payout,
    /// Escrow paid to the platform's fees.
    Fee,
    /// Escrow paid back to the buyer.
    Refund,
    /// A defaulting seller's bond paid to the buyer.
    Penalty,
    /// Available money set aside as a seller's bond.
    Bond,
}

impl EntryKind {
    /// The kind as the contract writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            EntryKind::Deposit => "deposit",
            EntryKind::Withdrawal => "withdrawal",
            EntryKind::Hold => "hold",
            EntryKind::Release => "release",
            EntryKind::Capture => "capture",
            EntryKind::Payout => "payout",
            EntryKind::Fee => "fee",
            EntryKind::Refund => "refund",
            EntryKind::Penalty => "penalty",
            EntryKind::Bond => "bond",
        }
    }
}

/// What an entry's money moved for. Deposits and withdrawals are named by their
/// operation's id, since the caller chose it and the payment provider knows it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Reference {
    Deposit(OperationId),
    Withdrawal(OperationId),
    Hold(HoldId),
    Settlement(SettlementId),
}
