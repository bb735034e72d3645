//! A search request once validated, and its answer.

use super::Hit;
use platform_core::ApiError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use vocabulary::{Amount, AuctionStatus, ErrorCode};

pub const DEFAULT_SIZE: u32 = 20;
pub const MAX_SIZE: u32 = 100;
/// Deepest result a page may reach; deeper paging is a crawl, not a search.
pub const MAX_WINDOW: u64 = 10_000;
pub const MAX_TEXT_CHARS: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    Relevance,
    EndingSoon,
    PriceAsc,
    PriceDesc,
    Newest,
}

/// The query string of `GET /api/search` as sent; [`SearchParams::validate`] makes it a
/// [`SearchQuery`]. Unknown enum values and wrong types are rejected by the extractor.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct SearchParams {
    /// Words to find in title and description (Korean or English), at most 200
    /// characters.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// A listing category (see `Category`); one no listing has matches nothing.
    pub category: Option<String>,
    /// Without it, pending listings (not yet scheduled) are not shown.
    #[param(inline)]
    pub status: Option<AuctionStatus>,
    /// Lowest current price; not above `maxPrice`.
    #[param(minimum = 0)]
    pub min_price: Option<Amount>,
    /// Highest current price.
    #[param(minimum = 0)]
    pub max_price: Option<Amount>,
    /// Default: `relevance` when `q` is given, else `newest`.
    pub sort: Option<Sort>,
    /// 1-based, default 1; `page × size` at most 10,000.
    #[param(minimum = 1, maximum = 10000)]
    pub page: Option<u32>,
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub size: Option<u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SearchQuery {
    pub text: Option<String>,
    pub category: Option<String>,
    pub status: Option<AuctionStatus>,
    pub min_price: Option<Amount>,
    pub max_price: Option<Amount>,
    pub sort: Sort,
    pub page: u32,
    pub size: u32,
}

impl Default for SearchQuery {
    fn default() -> Self {
        Self {
            text: None,
            category: None,
            status: None,
            min_price: None,
            max_price: None,
            sort: Sort::Newest,
            page: 1,
            size: DEFAULT_SIZE,
        }
    }
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidQuery, message)
}

impl SearchParams {
    pub fn validate(self) -> Result<SearchQuery, ApiError> {
        let text = self
            .q
            .map(|q| q.trim().to_owned())
            .filter(|q| !q.is_empty());
        if text
            .as_ref()
            .is_some_and(|q| q.chars().count() > MAX_TEXT_CHARS)
        {
            return Err(invalid(format!(
                "q is longer than {MAX_TEXT_CHARS} characters"
            )));
        }
        let category = self.category.filter(|c| !c.is_empty());
        for (name, price) in [("minPrice", self.min_price), ("maxPrice", self.max_price)] {
            if price.is_some_and(|p| p < Amount::ZERO) {
                return Err(invalid(format!("{name} must not be negative")));
            }
        }
        if let (Some(min), Some(max)) = (self.min_price, self.max_price) {
            if min > max {
                return Err(invalid("minPrice must not be greater than maxPrice"));
            }
        }
        let page = self.page.unwrap_or(1);
        if page == 0 {
            return Err(invalid("page starts at 1"));
        }
        let size = self.size.unwrap_or(DEFAULT_SIZE);
        if !(1..=MAX_SIZE).contains(&size) {
            return Err(invalid(format!("size must be between 1 and {MAX_SIZE}")));
        }
        if u64::from(page) * u64::from(size) > MAX_WINDOW {
            return Err(invalid(format!(
                "page * size must not exceed {MAX_WINDOW}; narrow the search instead"
            )));
        }
        let sort = self.sort.unwrap_or(if text.is_some() {
            Sort::Relevance
        } else {
            Sort::Newest
        });
        Ok(SearchQuery {
            text,
            category,
            status: self.status,
            min_price: self.min_price,
            max_price: self.max_price,
            sort,
            page,
            size,
        })
    }
}

impl SearchQuery {
    pub fn offset(&self) -> usize {
        (self.page as usize - 1) * self.size as usize
    }

    /// Statuses a result may have: the asked one, or every status but `pending` (a
    /// listing nobody scheduled yet is not on offer).
    pub fn statuses(&self) -> Vec<AuctionStatus> {
        match self.status {
            Some(s) => vec![s],
            None => vec![
                AuctionStatus::Scheduled,
                AuctionStatus::Open,
                AuctionStatus::Closed,
                AuctionStatus::Cancelled,
            ],
        }
    }
}

/// Counts of the matching auctions per value (over every match, not only the page).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Facets {
    pub category: BTreeMap<String, u64>,
    pub status: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchPage {
    pub total: u64,
    pub hits: Vec<Hit>,
    pub facets: Facets,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_depend_on_text() {
        let q = SearchParams::default().validate().unwrap();
        assert_eq!((q.sort, q.page, q.size), (Sort::Newest, 1, 20));
        let q = SearchParams {
            q: Some(" 나이키 ".into()),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(q.sort, Sort::Relevance);
        assert_eq!(q.text.as_deref(), Some("나이키"));
    }

    #[test]
    fn rejects_out_of_range_values() {
        let bad = [
            SearchParams {
                page: Some(0),
                ..Default::default()
            },
            SearchParams {
                size: Some(0),
                ..Default::default()
            },
            SearchParams {
                size: Some(101),
                ..Default::default()
            },
            SearchParams {
                min_price: Some(Amount::minor(10)),
                max_price: Some(Amount::minor(5)),
                ..Default::default()
            },
            SearchParams {
                min_price: Some(Amount::minor(-1)),
                ..Default::default()
            },
            SearchParams {
                page: Some(1000),
                size: Some(100),
                ..Default::default()
            },
        ];
        for params in bad {
            let err = params.validate().unwrap_err();
            assert_eq!(err.code.as_str(), "invalid_query");
        }
    }
}
