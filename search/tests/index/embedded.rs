//! The port's contract suite against the embedded (tantivy) index.

use search::adapters::embedded::EmbeddedIndex;
use search::contract;

fn fresh_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("search-contract-{}", uuid::Uuid::new_v4()))
}

macro_rules! contract_tests {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let dir = fresh_dir();
            contract::$name(&EmbeddedIndex::open(&dir).unwrap()).await;
            std::fs::remove_dir_all(dir).ok();
        }
    )*};
}

contract_tests!(
    korean_words_match_by_parts,
    english_words_match_as_phrase_and_any_case,
    filters_narrow_the_matches,
    every_sort_orders_as_named,
    pages_split_the_results,
    facets_count_every_match,
    older_state_never_overwrites_newer,
    words_then_state_merge,
    state_then_words_merge,
    closed_auction_shows_closed,
    a_state_merged_without_the_words_never_erases_them,
);
