//! Background work: the indexer that follows the two topics.

pub mod indexer;
