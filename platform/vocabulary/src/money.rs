//! Money is an integer count of the currency's smallest unit; never a float.

use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::RefOr;

/// An amount in the currency's smallest unit (cents, won, ...).
pub type Amount = i64;

/// Largest amount the platform accepts anywhere (10^13 minor units): far above any real
/// auction and far below overflow when increments are added.
pub const MAX_AMOUNT: Amount = 10_000_000_000_000;

/// True when `amount` is a price the platform can hold: positive and not absurd.
pub fn is_valid_amount(amount: Amount) -> bool {
    amount > 0 && amount <= MAX_AMOUNT
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

/// ISO 4217 code, three upper-case ASCII letters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
        assert!(!is_valid_amount(0));
        assert!(!is_valid_amount(-5));
        assert!(is_valid_amount(1));
        assert!(is_valid_amount(MAX_AMOUNT));
        assert!(!is_valid_amount(MAX_AMOUNT + 1));
    }

    #[test]
    fn currency_codes_are_three_upper_case_letters() {
        assert!(Currency::parse("KRW").is_ok());
        assert!(Currency::parse("krw").is_err());
        assert!(Currency::parse("KRWX").is_err());
        assert!(serde_json::from_str::<Currency>("\"U$D\"").is_err());
    }
}
