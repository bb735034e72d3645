//! Facet counts straight from the fast-field columns of `category` and `status`: one
//! counter per term ordinal per segment, turned into names once per segment. Far cheaper
//! than the general aggregation framework on large match sets.

use std::collections::BTreeMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

pub type Counts = BTreeMap<String, u64>;

pub struct FacetCounts {
    pub fields: [&'static str; 2],
}

pub struct SegmentFacets {
    columns: Vec<Option<(StrColumn, Vec<u64>)>>,
}

impl Collector for FacetCounts {
    type Fruit = [Counts; 2];
    type Child = SegmentFacets;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacets> {
        let mut columns = Vec::with_capacity(self.fields.len());
        for field in self.fields {
            let column = segment.fast_fields().str(field)?;
            columns.push(column.map(|c| {
                let terms = c.num_terms();
                (c, vec![0; terms])
            }));
        }
        Ok(SegmentFacets { columns })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<[Counts; 2]>) -> tantivy::Result<[Counts; 2]> {
        let mut total: [Counts; 2] = Default::default();
        for fruit in fruits {
            for (sum, counts) in total.iter_mut().zip(fruit) {
                for (name, n) in counts {
                    *sum.entry(name).or_default() += n;
                }
            }
        }
        Ok(total)
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = [Counts; 2];

    fn collect(&mut self, doc: DocId, _: Score) {
        for (column, counts) in self.columns.iter_mut().flatten() {
            if let Some(ord) = column.ords().first(doc) {
                counts[ord as usize] += 1;
            }
        }
    }

    fn harvest(self) -> [Counts; 2] {
        let mut out: [Counts; 2] = Default::default();
        for (slot, column) in out.iter_mut().zip(self.columns) {
            let Some((column, counts)) = column else {
                continue;
            };
            for (ord, n) in counts.into_iter().enumerate().filter(|(_, n)| *n > 0) {
                let mut name = String::new();
                if column.ord_to_str(ord as u64, &mut name).unwrap_or(false) {
                    slot.insert(name, n);
                }
            }
        }
        out
    }
}
