//! Money is an integer count of the currency's smallest unit; never a float.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::RefOr;

/// An amount in the currency's smallest unit (cents, won, ...): a whole number, never a
/// float. On the wire and in the database it is a plain integer (`i64`).
///
/// Arithmetic on amounts stays among amounts (adding a count of minor units is spelled
/// [`Amount::minor`]); [`Amount::saturating_add`] and friends are there for the bid rules,
/// which must never overflow.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
#[serde(transparent)]
pub struct Amount(i64);

impl Amount {
    pub const ZERO: Amount = Amount(0);

    /// Largest amount the platform accepts anywhere (10^13 minor units): far above any
    /// real auction and far below overflow when increments are added.
    pub const MAX: Amount = Amount(MAX_AMOUNT);

    /// `minor` units of the currency (cents, won, ...).
    pub const fn minor(minor: i64) -> Self {
        Self(minor)
    }

    /// The count of minor units.
    pub const fn get(self) -> i64 {
        self.0
    }

    /// True when this is a price the platform can hold: positive and not absurd.
    pub const fn is_valid(self) -> bool {
        self.0 > 0 && self.0 <= MAX_AMOUNT
    }

    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub const fn saturating_add(self, other: Amount) -> Amount {
        Amount(self.0.saturating_add(other.0))
    }

    pub const fn saturating_sub(self, other: Amount) -> Amount {
        Amount(self.0.saturating_sub(other.0))
    }

    pub const fn checked_add(self, other: Amount) -> Option<Amount> {
        match self.0.checked_add(other.0) {
            Some(sum) => Some(Amount(sum)),
            None => None,
        }
    }

    pub const fn checked_sub(self, other: Amount) -> Option<Amount> {
        match self.0.checked_sub(other.0) {
            Some(difference) => Some(Amount(difference)),
            None => None,
        }
    }
}

impl From<Amount> for i64 {
    fn from(amount: Amount) -> i64 {
        amount.0
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for Amount {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Amount)
    }
}

impl std::ops::Add for Amount {
    type Output = Amount;
    fn add(self, other: Amount) -> Amount {
        Amount(self.0 + other.0)
    }
}

impl std::ops::Sub for Amount {
    type Output = Amount;
    fn sub(self, other: Amount) -> Amount {
        Amount(self.0 - other.0)
    }
}

impl std::ops::AddAssign for Amount {
    fn add_assign(&mut self, other: Amount) {
        self.0 += other.0;
    }
}

impl std::ops::SubAssign for Amount {
    fn sub_assign(&mut self, other: Amount) {
        self.0 -= other.0;
    }
}

impl std::iter::Sum for Amount {
    fn sum<I: Iterator<Item = Amount>>(iter: I) -> Amount {
        Amount(iter.map(|a| a.0).sum())
    }
}

impl utoipa::PartialSchema for Amount {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .description(Some("A whole amount in the currency's smallest unit."))
            .into()
    }
}

impl utoipa::ToSchema for Amount {}

/// [`Amount::MAX`] in minor units.
pub const MAX_AMOUNT: i64 = 10_000_000_000_000;

/// True when `amount` is a price the platform can hold: positive and not absurd.
pub fn is_valid_amount(amount: Amount) -> bool {
    amount.is_valid()
}

/// The OpenAPI schema of an amount [`is_valid_amount`] accepts (a price, a bid), for
/// request fields: `#[schema(value_type = Price)]` on an [`Amount`]. Only a document type.
pub struct Price;

impl utoipa::PartialSchema for Price {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(1))
            .maximum(Some(MAX_AMOUNT))
            .description(Some(
                "A positive whole amount in the currency's smallest unit, at most 10^13.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Price {}

/// ISO 4217 code, three upper-case ASCII letters. Ordered by code, so balances kept per
/// currency are listed and replayed in one order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl Currency {
    pub fn parse(code: &str) -> Result<Self, String> {
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(code.to_owned()))
        } else {
            Err(format!(
                "currency must be a three-letter ISO 4217 code, got {code:?}"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Three upper-case ASCII letters, as [`Currency::parse`] demands.
pub const CURRENCY_PATTERN: &str = "^[A-Z]{3}$";

impl utoipa::PartialSchema for Currency {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(CURRENCY_PATTERN))
            .description(Some("ISO 4217 code: three upper-case letters."))
            .examples(["KRW"])
            .into()
    }
}

impl utoipa::ToSchema for Currency {}

impl Default for Currency {
    fn default() -> Self {
        Self("KRW".to_owned())
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> Self {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_must_be_positive_and_bounded() {
        assert!(!Amount::ZERO.is_valid());
        assert!(!Amount::minor(-5).is_valid());
        assert!(Amount::minor(1).is_valid());
        assert!(Amount::MAX.is_valid());
        assert!(!Amount::minor(MAX_AMOUNT + 1).is_valid());
    }

    #[test]
    fn an_amount_is_a_plain_integer_on_the_wire() {
        let amount = Amount::minor(12_500);
        assert_eq!(serde_json::to_string(&amount).unwrap(), "12500");
        assert_eq!(serde_json::from_str::<Amount>("12500").unwrap(), amount);
        assert!(serde_json::from_str::<Amount>("12.5").is_err());
        assert_eq!("12500".parse::<Amount>().unwrap(), amount);
        assert_eq!(amount.to_string(), "12500");
    }

    #[test]
    fn currency_codes_are_three_upper_case_letters() {
        assert!(Currency::parse("KRW").is_ok());
        assert!(Currency::parse("krw").is_err());
        assert!(Currency::parse("KRWX").is_err());
        assert!(serde_json::from_str::<Currency>("\"U$D\"").is_err());
    }
}
