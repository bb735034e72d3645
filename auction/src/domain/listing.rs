//! What a seller may put up for sale: the rules of `POST /api/auctions`.

use super::{Category, Invalid};
use vocabulary::{money::is_valid_amount, Amount, Currency, ErrorCode};

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 10_000;

/// A listing as the seller sent it, not yet checked.
#[derive(Clone, Debug, Default)]
pub struct ListingDraft {
    pub title: String,
    pub description: String,
    pub category: String,
    pub starting_price: Amount,
    pub reserve_price: Option<Amount>,
    pub buy_now_price: Option<Amount>,
    pub currency: Option<String>,
}

/// A listing that keeps every rule: a title of 1..=200 characters (trimmed, no control
/// characters), a description of at most 10,000 without NUL, a known category, valid
/// amounts with `reserve ≥ starting` and `buy-now > starting`, `buy-now ≥ reserve`, and an
/// ISO 4217 currency (KRW when none is given).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    pub title: String,
    pub description: String,
    pub category: Category,
    pub currency: Currency,
    pub starting_price: Amount,
    pub reserve_price: Option<Amount>,
    pub buy_now_price: Option<Amount>,
}

impl ListingDraft {
    pub fn validate(self) -> Result<Listing, Invalid> {
        let title = self.title.trim();
        let title_chars = title.chars().count();
        if title_chars == 0 || title_chars > MAX_TITLE_CHARS {
            return Err(Invalid::new(
                ErrorCode::InvalidTitle,
                format!("title must be 1 to {MAX_TITLE_CHARS} characters"),
            ));
        }
        if title.chars().any(char::is_control) {
            return Err(Invalid::new(
                ErrorCode::InvalidTitle,
                "title must not contain control characters",
            ));
        }
        let description = self.description.trim();
        if description.chars().count() > MAX_DESCRIPTION_CHARS {
            return Err(Invalid::new(
                ErrorCode::InvalidDescription,
                format!("description must be at most {MAX_DESCRIPTION_CHARS} characters"),
            ));
        }
        // Line breaks and tabs belong in a description; NUL does not, and PostgreSQL text
        // cannot hold it.
        if description.contains('\0') {
            return Err(Invalid::new(
                ErrorCode::InvalidDescription,
                "description must not contain NUL characters",
            ));
        }
        let category = Category::parse(&self.category)?;
        let currency = match self.currency.as_deref() {
            None => Currency::default(),
            Some(code) => {
                Currency::parse(code).map_err(|m| Invalid::new(ErrorCode::InvalidCurrency, m))?
            }
        };
        check_amount("startingPrice", self.starting_price)?;
        if let Some(reserve) = self.reserve_price {
            check_amount("reservePrice", reserve)?;
            if reserve < self.starting_price {
                return Err(Invalid::new(
                    ErrorCode::InvalidReservePrice,
                    "reservePrice must be at least startingPrice",
                ));
            }
        }
        if let Some(buy_now) = self.buy_now_price {
            check_amount("buyNowPrice", buy_now)?;
            if buy_now <= self.starting_price {
                return Err(Invalid::new(
                    ErrorCode::InvalidBuyNowPrice,
                    "buyNowPrice must be above startingPrice",
                ));
            }
            if self.reserve_price.is_some_and(|reserve| buy_now < reserve) {
                return Err(Invalid::new(
                    ErrorCode::InvalidBuyNowPrice,
                    "buyNowPrice must be at least reservePrice",
                ));
            }
        }
        Ok(Listing {
            title: title.to_owned(),
            description: description.to_owned(),
            category,
            currency,
            starting_price: self.starting_price,
            reserve_price: self.reserve_price,
            buy_now_price: self.buy_now_price,
        })
    }
}

fn check_amount(field: &str, amount: Amount) -> Result<(), Invalid> {
    if is_valid_amount(amount) {
        Ok(())
    } else {
        Err(Invalid::new(
            ErrorCode::InvalidAmount,
            format!(
                "{field} must be a positive whole amount of at most {}",
                vocabulary::money::MAX_AMOUNT
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ListingDraft {
        ListingDraft {
            title: "  Vintage camera ".into(),
            description: "Works.".into(),
            category: "electronics".into(),
            starting_price: Amount::minor(10_000),
            reserve_price: Some(Amount::minor(20_000)),
            buy_now_price: Some(Amount::minor(50_000)),
            currency: None,
        }
    }

    fn code(d: ListingDraft) -> &'static str {
        d.validate().unwrap_err().code.as_str()
    }

    #[test]
    fn a_good_listing_is_trimmed_and_defaults_to_krw() {
        let l = draft().validate().unwrap();
        assert_eq!(l.title, "Vintage camera");
        assert_eq!(l.currency.as_str(), "KRW");
        assert_eq!(l.category, Category::Electronics);
    }

    #[test]
    fn titles_are_bounded() {
        assert_eq!(
            code(ListingDraft {
                title: "   ".into(),
                ..draft()
            }),
            "invalid_title"
        );
        let long = "가".repeat(201);
        assert_eq!(
            code(ListingDraft {
                title: long,
                ..draft()
            }),
            "invalid_title"
        );
        let fits = "가".repeat(200);
        assert!(ListingDraft {
            title: fits,
            ..draft()
        }
        .validate()
        .is_ok());
        assert_eq!(
            code(ListingDraft {
                title: "a\u{0}b".into(),
                ..draft()
            }),
            "invalid_title"
        );
    }

    #[test]
    fn descriptions_are_bounded() {
        let long = "x".repeat(10_001);
        assert_eq!(
            code(ListingDraft {
                description: long,
                ..draft()
            }),
            "invalid_description"
        );
        assert_eq!(
            code(ListingDraft {
                description: "a\u{0}b".into(),
                ..draft()
            }),
            "invalid_description"
        );
        assert!(ListingDraft {
            description: "line one\n\tline two".into(),
            ..draft()
        }
        .validate()
        .is_ok());
    }

    #[test]
    fn prices_must_be_consistent() {
        assert_eq!(
            code(ListingDraft {
                starting_price: Amount::ZERO,
                ..draft()
            }),
            "invalid_amount"
        );
        assert_eq!(
            code(ListingDraft {
                reserve_price: Some(Amount::minor(5_000)),
                ..draft()
            }),
            "invalid_reserve_price"
        );
        assert_eq!(
            code(ListingDraft {
                buy_now_price: Some(Amount::minor(10_000)),
                ..draft()
            }),
            "invalid_buy_now_price"
        );
        assert_eq!(
            code(ListingDraft {
                buy_now_price: Some(Amount::minor(15_000)),
                ..draft()
            }),
            "invalid_buy_now_price"
        );
        let no_reserve = ListingDraft {
            reserve_price: None,
            buy_now_price: Some(Amount::minor(10_001)),
            ..draft()
        };
        assert!(no_reserve.validate().is_ok());
    }

    #[test]
    fn currencies_are_iso_codes() {
        assert_eq!(
            code(ListingDraft {
                currency: Some("won".into()),
                ..draft()
            }),
            "invalid_currency"
        );
        let usd = ListingDraft {
            currency: Some("USD".into()),
            ..draft()
        }
        .validate()
        .unwrap();
        assert_eq!(usd.currency.as_str(), "USD");
    }
}
