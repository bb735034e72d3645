//! Refilling the index from scratch: an operator tool (`platform rebuild-search`), fed with
//! documents by the caller (the composition root reads them from the auction service's
//! catalog export; search never reads another service's storage). Run it while the search
//! service is stopped (the embedded index allows one writer); afterwards the indexer
//! resumes from its committed positions, and versioned writes keep whichever is newer.

use crate::domain::AuctionDoc;
use crate::port::SearchIndex;

/// An index being refilled: emptied when it starts, flushed when it finishes.
pub struct Rebuild<'a> {
    index: &'a dyn SearchIndex,
    written: u64,
}

impl<'a> Rebuild<'a> {
    /// Empties `index`.
    pub async fn start(index: &'a dyn SearchIndex) -> anyhow::Result<Self> {
        index.clear().await?;
        Ok(Self { index, written: 0 })
    }

    /// Writes one batch; an emptied index refuses nothing, so a refusal is an error.
    pub async fn write(&mut self, docs: Vec<AuctionDoc>) -> anyhow::Result<()> {
        let tried = docs.len() as u64;
        let refused = self.index.write(docs).await?;
        anyhow::ensure!(refused.is_empty(), "the emptied index refused {refused:?}");
        self.written += tried;
        Ok(())
    }

    /// Flushes the index and returns the number of documents written.
    pub async fn finish(self) -> anyhow::Result<u64> {
        self.index.flush().await?;
        Ok(self.written)
    }
}
