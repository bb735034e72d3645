//! The search port: a store of [`AuctionDoc`]s that answers [`SearchQuery`]s. Two
//! adapters: the embedded tantivy index (single machine, default) and Elasticsearch.
//!
//! Promises every adapter keeps (checked by [`crate::contract`]):
//! * `write` replaces a stored document only with one that
//!   [supersedes](AuctionDoc::supersedes) it (everything the stored one has, and more); any
//!   other is refused and reported back, never applied. Callers merge and retry (see
//!   [`apply`]). The embedded index checks under its writer's lock; Elasticsearch checks
//!   against a fresh read and writes on condition that nothing changed since.
//! * `fetch` sees every accepted write, visible to searches or not.
//! * After `flush` returns, every accepted write is durable and visible to `search`.

use crate::domain::query::{SearchPage, SearchQuery};
use crate::domain::{AuctionDoc, Change};
use async_trait::async_trait;
use std::collections::HashMap;
use vocabulary::AuctionId;

#[async_trait]
pub trait SearchIndex: Send + Sync + 'static {
    /// The stored documents of these auctions (absent ones are left out).
    async fn fetch(&self, ids: &[AuctionId]) -> anyhow::Result<HashMap<AuctionId, AuctionDoc>>;

    /// Writes the documents; returns the ids refused because the stored one has something
    /// the new one lacks, or nothing the new one adds (see the promises above).
    async fn write(&self, docs: Vec<AuctionDoc>) -> anyhow::Result<Vec<AuctionId>>;

    /// [`Self::fetch`], with each document's [`Revision`] where the store keeps one, for
    /// [`Self::write_fetched`]. By default there is none.
    async fn fetch_for_write(
        &self,
        ids: &[AuctionId],
    ) -> anyhow::Result<HashMap<AuctionId, (AuctionDoc, Option<Revision>)>> {
        let found = self.fetch(ids).await?;
        Ok(found.into_iter().map(|(id, d)| (id, (d, None))).collect())
    }

    /// [`Self::write`] of documents merged into what [`Self::fetch_for_write`] returned,
    /// each with the revision it was merged into (`None`: none, or nothing stored). A store
    /// that keeps revisions may take a document only if its stored one is still at that
    /// revision, and save reading it again; by default this is [`Self::write`].
    async fn write_fetched(
        &self,
        docs: Vec<(AuctionDoc, Option<Revision>)>,
    ) -> anyhow::Result<Vec<AuctionId>> {
        self.write(docs.into_iter().map(|(d, _)| d).collect()).await
    }

    /// Makes accepted writes durable and searchable.
    async fn flush(&self) -> anyhow::Result<()>;

    async fn search(&self, query: &SearchQuery) -> anyhow::Result<SearchPage>;

    /// Removes every document (before a rebuild).
    async fn clear(&self) -> anyhow::Result<()>;

    /// Whether the store answers (for `/readyz`).
    async fn ping(&self) -> anyhow::Result<()>;

    /// True when the store forgets everything on restart (in-memory): the indexer then
    /// reads every partition it is given from the start instead of its committed offset.
    fn is_volatile(&self) -> bool {
        false
    }
}

/// A store's own stamp of where a stored document stood when it was read (Elasticsearch:
/// its `_seq_no` and `_primary_term`); a write conditioned on it is refused if the document
/// changed since.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Revision {
    pub seq_no: i64,
    pub primary_term: i64,
}

/// Rounds of fetch-merge-write before giving up on a document that keeps changing under us.
const MAX_ROUNDS: usize = 8;

/// Folds `changes` into the stored documents: fetch, merge, write, and for every write
/// refused by a concurrent newer one, fetch again and merge again. Merging is monotone
/// (words stay, state only moves to a newer `seq`), so a refused write whose content is
/// already in the stored document is simply done. Returns how many documents changed.
pub async fn apply(index: &dyn SearchIndex, changes: &[Change]) -> anyhow::Result<usize> {
    // Each auction's changes, in the order given; auctions in order of first change.
    let mut by_auction: HashMap<AuctionId, Vec<&Change>> = HashMap::new();
    let mut pending: Vec<AuctionId> = Vec::new();
    for c in changes {
        by_auction
            .entry(c.auction_id())
            .or_insert_with(|| {
                pending.push(c.auction_id());
                Vec::new()
            })
            .push(c);
    }
    let mut written = 0;
    for _ in 0..MAX_ROUNDS {
        if pending.is_empty() {
            return Ok(written);
        }
        let mut stored = index.fetch_for_write(&pending).await?;
        let mut docs = Vec::new();
        for id in &pending {
            let (mut doc, revision) = stored
                .remove(id)
                .unwrap_or_else(|| (AuctionDoc::empty(*id), None));
            let mut changed = false;
            for c in by_auction.get(id).into_iter().flatten() {
                changed |= doc.merge(c);
            }
            if changed {
                docs.push((doc, revision));
            }
        }
        let tried = docs.len();
        pending = index.write_fetched(docs).await?;
        written += tried - pending.len();
    }
    anyhow::bail!("auctions {pending:?} kept changing during {MAX_ROUNDS} rounds of merging")
}
