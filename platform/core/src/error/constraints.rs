//! Constraint name → error code. A write that breaks a constraint was refused by the
//! database, so nothing was stored and the client caused it: the answer is a 4xx with the
//! code of that constraint when this table names it (`users_email_key` → `email_taken`),
//! and otherwise a generic code by kind (unique → `conflict`, check → `validation_failed`,
//! foreign key → `not_found`). Never a 500.
//!
//! Constraint names are Postgres's defaults (`<table>_<column>_key`, `<table>_<column>_check`)
//! or the names the migrations give; a migration that renames one must change this table.

use super::{ApiError, ErrorCode};

/// The constraints whose violation has a code of its own.
pub const CONSTRAINTS: &[(&str, ErrorCode)] = &[
    // gateway.users
    ("users_email_key", ErrorCode::EmailTaken),
    // bidding.bids
    ("bids_idempotency_key", ErrorCode::IdempotencyKeyReused),
    // auction.auctions
    ("auctions_title_check", ErrorCode::InvalidTitle),
    ("auctions_description_check", ErrorCode::InvalidDescription),
    ("auctions_currency_check", ErrorCode::InvalidCurrency),
    ("auctions_starting_price_check", ErrorCode::InvalidAmount),
    // Checks that name two columns get numbered names, in the order the migration
    // declares them: `reserve >= starting`, `buy-now > starting`, `buy-now >= reserve`.
    ("auctions_check", ErrorCode::InvalidReservePrice),
    ("auctions_check1", ErrorCode::InvalidBuyNowPrice),
    ("auctions_check2", ErrorCode::InvalidBuyNowPrice),
];

/// The code of a constraint named in [`CONSTRAINTS`].
pub fn code_of(constraint: &str) -> Option<ErrorCode> {
    CONSTRAINTS
        .iter()
        .find(|(name, _)| *name == constraint)
        .map(|(_, code)| *code)
}

/// The API error for a constraint violation; `None` when `err` is not one.
pub fn violation(err: &sqlx::Error) -> Option<ApiError> {
    let sqlx::Error::Database(db) = err else {
        return None;
    };
    let kind = if db.is_unique_violation() {
        ErrorCode::Conflict
    } else if db.is_check_violation() {
        ErrorCode::ValidationFailed
    } else if db.is_foreign_key_violation() {
        ErrorCode::NotFound
    } else {
        return None;
    };
    let code = db.constraint().and_then(code_of).unwrap_or(kind);
    tracing::debug!(constraint = ?db.constraint(), %code, "constraint violation");
    let message = match code {
        ErrorCode::Conflict => "the resource already exists".to_owned(),
        ErrorCode::NotFound => "a referenced resource does not exist".to_owned(),
        ErrorCode::ValidationFailed => "a value is out of range".to_owned(),
        named => named.describe().to_owned(),
    };
    Some(ApiError::new(code, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_constraint_maps_to_a_4xx_code() {
        for (name, code) in CONSTRAINTS {
            assert!((400..500).contains(&code.status()), "{name} → {code}");
            assert_eq!(code_of(name), Some(*code));
        }
        assert_eq!(code_of("no_such_constraint"), None);
    }

    #[test]
    fn errors_that_are_not_violations_are_not_mapped() {
        assert!(violation(&sqlx::Error::RowNotFound).is_none());
    }
}
