//! The fixed list of categories a listing can be filed under.

use super::Invalid;
use vocabulary::ErrorCode;

/// A listing's category. The API spells them in lower case; anything else is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    Electronics,
    Fashion,
    Home,
    Collectibles,
    Art,
    Sports,
    Vehicles,
    Books,
    Other,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Electronics,
        Category::Fashion,
        Category::Home,
        Category::Collectibles,
        Category::Art,
        Category::Sports,
        Category::Vehicles,
        Category::Books,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Electronics => "electronics",
            Category::Fashion => "fashion",
            Category::Home => "home",
            Category::Collectibles => "collectibles",
            Category::Art => "art",
            Category::Sports => "sports",
            Category::Vehicles => "vehicles",
            Category::Books => "books",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<&str> = Self::ALL.iter().map(|c| c.as_str()).collect();
                Invalid::new(
                    ErrorCode::InvalidCategory,
                    format!("category must be one of {}", known.join(", ")),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_round_trips_and_others_are_refused() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Ok(c));
        }
        assert_eq!(
            Category::parse("Electronics").unwrap_err().code.as_str(),
            "invalid_category"
        );
        assert!(Category::parse("").is_err());
    }
}
