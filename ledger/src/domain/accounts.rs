//! Who money belongs to: users' wallets and the platform's own accounts. Every account
//! exists once per currency; the currency is named beside it wherever it is used.

use serde::{Deserialize, Serialize};
use vocabulary::{Amount, UserId};

/// An account of the ledger, within one currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Account {
    /// A user's wallet: what they may spend (`available`) and what is set aside behind
    /// their bids, orders and bonds (`held`).
    User(UserId),
    /// Money captured from buyers, kept until its settlement pays the seller or refunds
    /// the buyer.
    Escrow,
    /// The platform's fees on completed sales.
    Fees,
    /// The payment provider's clearing account, the other side of every deposit and
    /// withdrawal. It goes negative as money enters the platform: its balance is minus what
    /// users brought in, net of what they took out.
    Clearing,
}

impl Account {
    /// Only the clearing account may go below zero; every other account holds real money,
    /// and a movement that would take it below zero is refused.
    pub const fn may_go_negative(self) -> bool {
        matches!(self, Account::Clearing)
    }

    pub const fn is_platform(self) -> bool {
        !matches!(self, Account::User(_))
    }
}

/// The two balances of an account in one currency. Platform accounts keep their money in
/// `available`; only users have money `held`, so a platform account's `held` stays zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Balance {
    pub available: Amount,
    pub held: Amount,
}

impl Balance {
    pub const ZERO: Balance = Balance {
        available: Amount::ZERO,
        held: Amount::ZERO,
    };

    /// `available + held`; `None` if that would overflow.
    pub fn total(self) -> Option<Amount> {
        self.available.checked_add(self.held)
    }

    /// The balance on one side.
    pub(super) fn side(self, side: Side) -> Amount {
        match side {
            Side::Available => self.available,
            Side::Held => self.held,
        }
    }

    pub(super) fn side_mut(&mut self, side: Side) -> &mut Amount {
        match side {
            Side::Available => &mut self.available,
            Side::Held => &mut self.held,
        }
    }
}

/// One of the two balances of an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Side {
    Available,
    Held,
}
