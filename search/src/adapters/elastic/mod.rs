//! The Elasticsearch adapter. A write keeps the port's promise with Elasticsearch's
//! optimistic concurrency control: each stored document is read with its `_seq_no` and
//! `_primary_term` (by the indexer's own fetch, or by `write` itself), the new one must
//! [supersede](AuctionDoc::supersedes) it, and it is written with `if_seq_no`/
//! `if_primary_term` (or as a `create` when none is stored), so that Elasticsearch refuses
//! it if anything was written in between. A refusal is a `409`
//! item, reported back as refused, never as a failure. Writes are durable when
//! acknowledged and searchable after the index's refresh interval (500 ms), so `flush` has
//! nothing to do.

pub mod dsl;

use crate::domain::query::{SearchPage, SearchQuery};
use crate::domain::AuctionDoc;
use crate::port::{Revision, SearchIndex};
use anyhow::Context;
use async_trait::async_trait;
use elasticsearch::auth::Credentials;
use elasticsearch::http::response::Response;
use elasticsearch::http::transport::{SingleNodeConnectionPool, TransportBuilder};
use elasticsearch::http::Url;
use elasticsearch::indices::{IndicesCreateParts, IndicesDeleteParts, IndicesExistsParts};
use elasticsearch::{BulkOperation, BulkParts, Elasticsearch, MgetParts, SearchParts};
use serde_json::{json, Value};
use std::collections::HashMap;
use vocabulary::AuctionId;

pub struct ElasticIndex {
    client: Elasticsearch,
    index: String,
}

async fn ok_json(res: Response, what: &str) -> anyhow::Result<Value> {
    let status = res.status_code();
    if !status.is_success() {
        let body = res.text().await.unwrap_or_default();
        anyhow::bail!("elasticsearch {what} answered {status}: {body}");
    }
    res.json()
        .await
        .with_context(|| format!("parsing elasticsearch {what} response"))
}

impl ElasticIndex {
    /// Connects to the cluster at `url` and creates `index` with its mappings unless it
    /// exists (an existing index keeps its mappings).
    pub async fn connect(url: &str, index: &str) -> anyhow::Result<Self> {
        Self::connect_as(url, index, None).await
    }

    /// Connects with HTTP basic authentication when `credentials` (user, password) are
    /// given, as a secured cluster (ECK's default) requires.
    pub async fn connect_as(
        url: &str,
        index: &str,
        credentials: Option<(String, String)>,
    ) -> anyhow::Result<Self> {
        let parsed: Url = url.parse().context("SEARCH_URL is not a valid URL")?;
        let mut builder = TransportBuilder::new(SingleNodeConnectionPool::new(parsed));
        if let Some((user, password)) = credentials {
            builder = builder.auth(Credentials::Basic(user, password));
        }
        let transport = builder
            .build()
            .context("building the Elasticsearch client")?;
        let this = Self {
            client: Elasticsearch::new(transport),
            index: index.to_owned(),
        };
        this.ensure_index().await?;
        Ok(this)
    }

    async fn mget(&self, ids: &[AuctionId]) -> anyhow::Result<Value> {
        let ids: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
        let res = self
            .client
            .mget(MgetParts::Index(&self.index))
            .body(json!({"ids": ids}))
            .send()
            .await?;
        ok_json(res, "mget").await
    }

    async fn ensure_index(&self) -> anyhow::Result<()> {
        let res = self
            .client
            .indices()
            .exists(IndicesExistsParts::Index(&[&self.index]))
            .send()
            .await
            .context("asking elasticsearch whether the index exists")?;
        match res.status_code().as_u16() {
            200 => Ok(()),
            404 => {
                let res = self
                    .client
                    .indices()
                    .create(IndicesCreateParts::Index(&self.index))
                    .body(dsl::index_definition())
                    .send()
                    .await?;
                ok_json(res, "index creation").await.map(|_| ())
            }
            other => anyhow::bail!("elasticsearch index check answered {other}"),
        }
    }
}

#[async_trait]
impl SearchIndex for ElasticIndex {
    async fn fetch(&self, ids: &[AuctionId]) -> anyhow::Result<HashMap<AuctionId, AuctionDoc>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        dsl::parse_mget(&self.mget(ids).await?)
    }

    async fn fetch_for_write(
        &self,
        ids: &[AuctionId],
    ) -> anyhow::Result<HashMap<AuctionId, (AuctionDoc, Option<Revision>)>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let found = dsl::parse_mget_revisions(&self.mget(ids).await?)?;
        Ok(found
            .into_iter()
            .map(|(id, (doc, revision))| (id, (doc, Some(revision))))
            .collect())
    }

    /// Reads what is stored, refuses what does not supersede it, and writes the rest on
    /// condition that nothing changed since the read.
    async fn write(&self, docs: Vec<AuctionDoc>) -> anyhow::Result<Vec<AuctionId>> {
        let ids: Vec<AuctionId> = docs.iter().map(|d| d.id).collect();
        let mut stored = self.fetch_for_write(&ids).await?;
        let mut refused = Vec::new();
        let mut checked = Vec::with_capacity(docs.len());
        for doc in docs {
            match stored.remove(&doc.id) {
                Some((current, _)) if !doc.supersedes(&current) => refused.push(doc.id),
                found => checked.push((doc, found.and_then(|(_, revision)| revision))),
            }
        }
        refused.extend(self.write_fetched(checked).await?);
        Ok(refused)
    }

    /// The documents were merged into what was read, so each has all its stored one had:
    /// written with `if_seq_no`/`if_primary_term` of that read, or as a `create` where
    /// nothing was stored, Elasticsearch takes it only if nothing was written in between.
    async fn write_fetched(
        &self,
        docs: Vec<(AuctionDoc, Option<Revision>)>,
    ) -> anyhow::Result<Vec<AuctionId>> {
        if docs.is_empty() {
            return Ok(Vec::new());
        }
        let mut ops: Vec<BulkOperation<Value>> = Vec::with_capacity(docs.len());
        for (doc, revision) in &docs {
            let source = dsl::source(doc)?;
            ops.push(match revision {
                None => BulkOperation::create(source).id(doc.id.to_string()).into(),
                Some(revision) => BulkOperation::index(source)
                    .id(doc.id.to_string())
                    .if_seq_no(revision.seq_no)
                    .if_primary_term(revision.primary_term)
                    .into(),
            });
        }
        let res = self
            .client
            .bulk(BulkParts::Index(&self.index))
            .body(ops)
            .send()
            .await?;
        dsl::parse_bulk(&ok_json(res, "bulk").await?)
    }

    async fn flush(&self) -> anyhow::Result<()> {
        Ok(())
    }

    async fn search(&self, query: &SearchQuery) -> anyhow::Result<SearchPage> {
        let res = self
            .client
            .search(SearchParts::Index(&[&self.index]))
            .body(dsl::search_body(query))
            .send()
            .await?;
        dsl::parse_search(&ok_json(res, "search").await?)
    }

    /// Drops and recreates the index: one request, however many documents it holds.
    async fn clear(&self) -> anyhow::Result<()> {
        let res = self
            .client
            .indices()
            .delete(IndicesDeleteParts::Index(&[&self.index]))
            .send()
            .await?;
        if res.status_code().as_u16() != 404 {
            ok_json(res, "index deletion").await?;
        }
        self.ensure_index().await
    }

    async fn ping(&self) -> anyhow::Result<()> {
        let res = self.client.ping().send().await?;
        anyhow::ensure!(
            res.status_code().is_success(),
            "elasticsearch ping answered {}",
            res.status_code()
        );
        Ok(())
    }
}
