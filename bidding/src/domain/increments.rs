//! The bid increment: how much a new bid must add to the current price, by price band.

use std::fmt;
use vocabulary::Amount;

/// Price bands, each `(from_price, increment)`: from `from_price` upwards (until the next
/// band starts) a bid must beat the current price by `increment`.
///
/// Promised by construction: at least one band, the first starts at 0, bands are strictly
/// ascending, and every increment is positive — so [`IncrementTable::increment_at`] is
/// total and always moves the price up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncrementTable {
    bands: Vec<(Amount, Amount)>,
}

impl IncrementTable {
    pub fn new(bands: Vec<(Amount, Amount)>) -> Result<Self, String> {
        let Some(&(first_from, _)) = bands.first() else {
            return Err("an increment table needs at least one band".to_owned());
        };
        if first_from != Amount::ZERO {
            return Err(format!(
                "the first increment band must start at 0, not {first_from}"
            ));
        }
        for pair in bands.windows(2) {
            if pair[1].0 <= pair[0].0 {
                return Err(format!(
                    "increment bands must be strictly ascending: {} after {}",
                    pair[1].0, pair[0].0
                ));
            }
        }
        if let Some(&(from, increment)) = bands.iter().find(|(_, inc)| !inc.is_positive()) {
            return Err(format!(
                "the increment from {from} must be positive, not {increment}"
            ));
        }
        Ok(Self { bands })
    }

    /// Parses `"0:5,100:25,500:50"` (band start `:` increment, comma separated, in minor
    /// units), as given in configuration.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let bands =
            spec.split(',')
                .map(|band| {
                    let (from, increment) = band.trim().split_once(':').ok_or_else(|| {
                        format!("increment band {band:?} is not `from:increment`")
                    })?;
                    let number = |s: &str| {
                        s.trim().parse::<Amount>().map_err(|_| {
                            format!("{s:?} in increment band {band:?} is not a number")
                        })
                    };
                    Ok((number(from)?, number(increment)?))
                })
                .collect::<Result<Vec<_>, String>>()?;
        Self::new(bands)
    }

    /// The increment that applies when the price stands at `price`. Prices below 0 (never
    /// held by an auction) fall in the first band.
    pub fn increment_at(&self, price: Amount) -> Amount {
        let band = self.bands.partition_point(|&(from, _)| from <= price);
        self.bands[band.saturating_sub(1)].1
    }

    /// `price` plus the increment at `price`; saturates instead of overflowing.
    pub fn step_above(&self, price: Amount) -> Amount {
        price.saturating_add(self.increment_at(price))
    }

    pub fn bands(&self) -> &[(Amount, Amount)] {
        &self.bands
    }
}

/// The eBay ladder in minor units (cents): 5 below 1.00, 25 to 5.00, 50 to 25.00, 1.00 to
/// 100.00, 2.50 to 250.00, 5.00 to 500.00, 10.00 to 1,000.00, 25.00 to 2,500.00, 50.00 to
/// 5,000.00, and 100.00 above.
impl Default for IncrementTable {
    fn default() -> Self {
        const LADDER: [(i64, i64); 10] = [
            (0, 5),
            (100, 25),
            (500, 50),
            (2_500, 100),
            (10_000, 250),
            (25_000, 500),
            (50_000, 1_000),
            (100_000, 2_500),
            (250_000, 5_000),
            (500_000, 10_000),
        ];
        Self::new(
            LADDER
                .iter()
                .map(|&(from, increment)| (Amount::minor(from), Amount::minor(increment)))
                .collect(),
        )
        .expect("the default increment table is well formed")
    }
}

/// Writes the table in the form [`IncrementTable::parse`] reads.
impl fmt::Display for IncrementTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (from, increment)) in self.bands.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{from}:{increment}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(minor: i64) -> Amount {
        Amount::minor(minor)
    }

    #[test]
    fn increments_follow_the_band_the_price_is_in() {
        let table = IncrementTable::parse("0:5,100:25,500:50").unwrap();
        assert_eq!(table.increment_at(a(0)), a(5));
        assert_eq!(table.increment_at(a(99)), a(5));
        assert_eq!(table.increment_at(a(100)), a(25));
        assert_eq!(table.increment_at(a(499)), a(25));
        assert_eq!(table.increment_at(a(500)), a(50));
        assert_eq!(table.increment_at(a(1_000_000)), a(50));
        assert_eq!(table.increment_at(a(-3)), a(5));
        assert_eq!(table.step_above(a(120)), a(145));
    }

    #[test]
    fn default_table_is_the_ebay_ladder() {
        let table = IncrementTable::default();
        assert_eq!(table.increment_at(a(50)), a(5));
        assert_eq!(table.increment_at(a(2_499)), a(50));
        assert_eq!(table.increment_at(a(2_500)), a(100));
        assert_eq!(table.increment_at(a(600_000)), a(10_000));
    }

    #[test]
    fn parse_accepts_spaces_and_round_trips_through_display() {
        let table = IncrementTable::parse(" 0:5 , 100: 25,500 :50").unwrap();
        assert_eq!(
            table.bands(),
            &[(a(0), a(5)), (a(100), a(25)), (a(500), a(50))]
        );
        assert_eq!(table.to_string(), "0:5,100:25,500:50");
        assert_eq!(IncrementTable::parse(&table.to_string()).unwrap(), table);
    }

    #[test]
    fn malformed_tables_are_refused() {
        for spec in [
            "",
            "5:5",
            "0:5,100",
            "0:5,x:25",
            "0:5,100:0",
            "0:5,100:-1",
            "0:5,100:25,100:50",
            "0:5,500:25,100:50",
        ] {
            assert!(
                IncrementTable::parse(spec).is_err(),
                "{spec:?} was accepted"
            );
        }
        assert!(IncrementTable::new(Vec::new()).is_err());
    }

    #[test]
    fn step_above_saturates_instead_of_overflowing() {
        let table = IncrementTable::default();
        let top = Amount::minor(i64::MAX);
        assert_eq!(table.step_above(top), top);
    }
}
