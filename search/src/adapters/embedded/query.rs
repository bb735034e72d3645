//! A [`SearchQuery`] as a tantivy query plus collectors: every query word must match the
//! title or the description (a word cut into several terms must match as a phrase), the
//! title counts double, filters are exact, facets count every match.

use super::facets::{Counts, FacetCounts};
use super::Shared;
use crate::domain::query::{Facets, SearchPage, SearchQuery, Sort};
use crate::domain::text;
use std::ops::Bound;
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Order, Term};
use vocabulary::Amount;

const TITLE_BOOST: f32 = 2.0;

pub(super) fn run(s: &Shared, q: &SearchQuery) -> anyhow::Result<SearchPage> {
    let query = build(s, q);
    let searcher = s.reader.searcher();
    let facets_collector = FacetCounts {
        fields: ["category", "status"],
    };
    let top = TopDocs::with_limit(q.size as usize).and_offset(q.offset());
    let (addresses, total, facets) = match q.sort {
        Sort::Relevance => collect(&searcher, &query, top.order_by_score(), facets_collector)?,
        Sort::EndingSoon => collect(
            &searcher,
            &query,
            top.order_by_fast_field::<i64>("ending", Order::Asc),
            facets_collector,
        )?,
        Sort::PriceAsc => collect(
            &searcher,
            &query,
            top.order_by_fast_field::<i64>("price", Order::Asc),
            facets_collector,
        )?,
        Sort::PriceDesc => collect(
            &searcher,
            &query,
            top.order_by_fast_field::<i64>("price", Order::Desc),
            facets_collector,
        )?,
        Sort::Newest => collect(
            &searcher,
            &query,
            top.order_by_fast_field::<i64>("listed", Order::Desc),
            facets_collector,
        )?,
    };
    let docs = addresses
        .into_iter()
        .map(|a| s.stored(&searcher, a))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let hits = docs.iter().filter_map(|d| d.hit()).collect();
    let [category, status] = facets;
    Ok(SearchPage {
        total: total as u64,
        hits,
        facets: Facets { category, status },
    })
}

fn collect<K, C>(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    top: C,
    facets: FacetCounts,
) -> anyhow::Result<(Vec<DocAddress>, usize, [Counts; 2])>
where
    C: Collector<Fruit = Vec<(K, DocAddress)>>,
{
    let (top, total, facets) = searcher.search(query, &(top, Count, facets))?;
    Ok((top.into_iter().map(|(_, a)| a).collect(), total, facets))
}

fn term(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// One query word in one field: a term, or a phrase when the word is cut into several.
fn word_in(field: Field, terms: &[String]) -> Box<dyn Query> {
    if terms.len() == 1 {
        return Box::new(TermQuery::new(
            Term::from_field_text(field, &terms[0]),
            IndexRecordOption::WithFreqs,
        ));
    }
    Box::new(PhraseQuery::new(
        terms
            .iter()
            .map(|t| Term::from_field_text(field, t))
            .collect(),
    ))
}

fn build(s: &Shared, q: &SearchQuery) -> BooleanQuery {
    let f = &s.fields;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for word in q.text.as_deref().unwrap_or("").split_whitespace() {
        let terms: Vec<String> = text::terms(word).into_iter().map(|t| t.text).collect();
        if terms.is_empty() {
            continue;
        }
        let either = BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(BoostQuery::new(word_in(f.title, &terms), TITLE_BOOST)) as Box<dyn Query>,
            ),
            (Occur::Should, word_in(f.description, &terms)),
        ]);
        clauses.push((Occur::Must, Box::new(either)));
    }
    // Filters decide membership only; they must not move relevance.
    let mut filter = |q: Box<dyn Query>| {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0))));
    };
    filter(Box::new(TermQuery::new(
        Term::from_field_u64(f.has_words, 1),
        IndexRecordOption::Basic,
    )));
    let statuses = q
        .statuses()
        .into_iter()
        .map(|st| (Occur::Should, term(f.status, st.as_str())))
        .collect();
    filter(Box::new(BooleanQuery::new(statuses)));
    if let Some(category) = &q.category {
        filter(term(f.category, category));
    }
    if q.min_price.is_some() || q.max_price.is_some() {
        let bound = |p: Option<i64>| match p {
            Some(p) => Bound::Included(Term::from_field_i64(f.price, p)),
            None => Bound::Unbounded,
        };
        filter(Box::new(RangeQuery::new(
            bound(q.min_price.map(Amount::get)),
            bound(q.max_price.map(Amount::get)),
        )));
    }
    BooleanQuery::new(clauses)
}
