//! The embedded adapter: a tantivy index on local disk, for a single machine.
//!
//! One writer per directory (tantivy holds a lock file, so a second process on the same
//! directory fails at start). Writes go to the writer and to `pending`, the documents
//! written since the last commit, so `fetch` sees them before they are searchable;
//! `flush` commits, reloads the reader and forgets `pending`, all under one lock.

mod facets;
mod query;
pub mod schema;

use crate::domain::query::{SearchPage, SearchQuery};
use crate::domain::AuctionDoc;
use crate::port::SearchIndex;
use anyhow::Context;
use async_trait::async_trait;
use parking_lot::Mutex;
use schema::{AuctionTextTokenizer, Fields, TOKENIZER};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};
use vocabulary::AuctionId;

/// Memory the writer may fill before it writes a segment on its own.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

#[derive(Clone)]
pub struct EmbeddedIndex {
    shared: Arc<Shared>,
}

struct Shared {
    fields: Fields,
    volatile: bool,
    reader: IndexReader,
    writing: Mutex<Writing>,
}

struct Writing {
    writer: IndexWriter,
    pending: HashMap<AuctionId, AuctionDoc>,
    dirty: bool,
    /// Set by `clear` until the next commit: the committed view no longer counts.
    cleared: bool,
}

impl EmbeddedIndex {
    /// Opens the index under `dir`, creating it when missing.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating search data directory {}", dir.display()))?;
        let fields = Fields::new();
        let directory = tantivy::directory::MmapDirectory::open(dir)
            .with_context(|| format!("opening search index in {}", dir.display()))?;
        let index = Index::open_or_create(directory, fields.schema.clone())
            .context("opening search index (schema changed? rebuild into an empty directory)")?;
        Self::over(index, fields, false)
    }

    /// An index held in memory only (`SEARCH_URL=memory://`): for tests and throwaway
    /// single-process runs; it starts empty and is rebuilt from the logs on every start.
    pub fn in_memory() -> anyhow::Result<Self> {
        let fields = Fields::new();
        let index = Index::create_in_ram(fields.schema.clone());
        Self::over(index, fields, true)
    }

    fn over(index: Index, fields: Fields, volatile: bool) -> anyhow::Result<Self> {
        index
            .tokenizers()
            .register(TOKENIZER, TextAnalyzer::from(AuctionTextTokenizer));
        let writer = index
            .writer_with_num_threads(1, WRITER_MEMORY)
            .context("locking the search index (is another search process using it?)")?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            shared: Arc::new(Shared {
                fields,
                volatile,
                reader,
                writing: Mutex::new(Writing {
                    writer,
                    pending: HashMap::new(),
                    dirty: false,
                    cleared: false,
                }),
            }),
        })
    }

    /// Runs blocking index work off the async threads.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Shared) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let shared = self.shared.clone();
        tokio::task::spawn_blocking(move || f(&shared)).await?
    }
}

impl Shared {
    fn committed(&self, searcher: &Searcher, id: AuctionId) -> anyhow::Result<Option<AuctionDoc>> {
        let term = Term::from_field_text(self.fields.id, &id.to_string());
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        match top.first() {
            Some((_, address)) => Ok(Some(self.stored(searcher, *address)?)),
            None => Ok(None),
        }
    }

    fn stored(
        &self,
        searcher: &Searcher,
        address: tantivy::DocAddress,
    ) -> anyhow::Result<AuctionDoc> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let json = doc
            .get_first(self.fields.stored)
            .and_then(|v| v.as_str())
            .context("stored document without its source")?;
        Ok(serde_json::from_str(json)?)
    }

    fn current(
        &self,
        w: &Writing,
        searcher: &Searcher,
        id: AuctionId,
    ) -> anyhow::Result<Option<AuctionDoc>> {
        if let Some(doc) = w.pending.get(&id) {
            return Ok(Some(doc.clone()));
        }
        if w.cleared {
            return Ok(None);
        }
        self.committed(searcher, id)
    }
}

#[async_trait]
impl SearchIndex for EmbeddedIndex {
    async fn fetch(&self, ids: &[AuctionId]) -> anyhow::Result<HashMap<AuctionId, AuctionDoc>> {
        let ids = ids.to_vec();
        self.blocking(move |s| {
            let w = s.writing.lock();
            let searcher = s.reader.searcher();
            let mut found = HashMap::new();
            for id in ids {
                if let Some(doc) = s.current(&w, &searcher, id)? {
                    found.insert(id, doc);
                }
            }
            Ok(found)
        })
        .await
    }

    async fn write(&self, docs: Vec<AuctionDoc>) -> anyhow::Result<Vec<AuctionId>> {
        self.blocking(move |s| {
            let mut w = s.writing.lock();
            let searcher = s.reader.searcher();
            let mut refused = Vec::new();
            for doc in docs {
                let stored = s.current(&w, &searcher, doc.id)?;
                if stored.is_some_and(|old| !doc.supersedes(&old)) {
                    refused.push(doc.id);
                    continue;
                }
                w.writer
                    .delete_term(Term::from_field_text(s.fields.id, &doc.id.to_string()));
                w.writer.add_document(s.fields.document(&doc)?)?;
                w.pending.insert(doc.id, doc);
                w.dirty = true;
            }
            Ok(refused)
        })
        .await
    }

    async fn flush(&self) -> anyhow::Result<()> {
        self.blocking(|s| {
            let mut w = s.writing.lock();
            if w.dirty {
                w.writer.commit()?;
                s.reader.reload()?;
                w.pending.clear();
                w.dirty = false;
                w.cleared = false;
            }
            Ok(())
        })
        .await
    }

    async fn search(&self, query: &SearchQuery) -> anyhow::Result<SearchPage> {
        let query = query.clone();
        self.blocking(move |s| query::run(s, &query)).await
    }

    async fn clear(&self) -> anyhow::Result<()> {
        self.blocking(|s| {
            let mut w = s.writing.lock();
            w.writer.delete_all_documents()?;
            w.pending.clear();
            w.cleared = true;
            w.dirty = true;
            Ok(())
        })
        .await
    }

    async fn ping(&self) -> anyhow::Result<()> {
        Ok(())
    }

    fn is_volatile(&self) -> bool {
        self.shared.volatile
    }
}
