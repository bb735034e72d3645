//! The whole catalog, read in one read-only transaction, for tools that rebuild a copy
//! of it elsewhere (`platform rebuild-search`). The auction service is the only reader of
//! its schema: other services get the catalog through this export, never through SQL.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, Transaction};
use std::str::FromStr;
use vocabulary::{AuctionId, AuctionStatus, Currency, Listing, PublicState, Terms, UserId};

/// One auction as the catalog holds it: terms, words and the newest public state.
#[derive(Clone, Debug, PartialEq)]
pub struct CatalogEntry {
    pub id: AuctionId,
    pub terms: Terms,
    pub listing: Listing,
    pub listed_at: DateTime<Utc>,
    pub seq: i64,
    pub state: PublicState,
}

const SELECT: &str = "SELECT id, seller_id, title, description, category, currency, starting_price,
    reserve_price, buy_now_price, status, starts_at, ends_at, current_price, bid_count,
    leading_bidder_id, reserve_met, winner_id, final_price, minimum_bid, seq, created_at
    FROM auction.auctions WHERE $1::uuid IS NULL OR id > $1 ORDER BY id LIMIT $2";

/// The catalog as one read-only, repeatable-read transaction saw it when it opened, read
/// in batches in id order.
pub struct Catalog {
    tx: Transaction<'static, Postgres>,
    after: Option<uuid::Uuid>,
    batch: i64,
    /// Auctions in the catalog.
    pub total: u64,
}

impl Catalog {
    /// Opens `database_url`'s catalog, to be read `batch` auctions at a time.
    pub async fn open(database_url: &str, batch: usize) -> anyhow::Result<Self> {
        anyhow::ensure!(batch > 0, "an export batch holds at least one auction");
        let opts = PgConnectOptions::from_str(database_url).context("DATABASE_URL is not valid")?;
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(opts)
            .await?;
        let mut tx = pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let total: i64 = sqlx::query_scalar("SELECT count(*) FROM auction.auctions")
            .fetch_one(&mut *tx)
            .await
            .context("reading the catalog (is the auction schema migrated?)")?;
        Ok(Self {
            tx,
            after: None,
            batch: i64::try_from(batch).unwrap_or(i64::MAX),
            total: total.max(0) as u64,
        })
    }

    /// The next auctions in id order; empty once every one was read.
    pub async fn next_batch(&mut self) -> anyhow::Result<Vec<CatalogEntry>> {
        let rows = sqlx::query(SELECT)
            .bind(self.after)
            .bind(self.batch)
            .fetch_all(&mut *self.tx)
            .await?;
        let entries = rows
            .iter()
            .map(entry_of)
            .collect::<anyhow::Result<Vec<_>>>()?;
        if let Some(last) = entries.last() {
            self.after = Some(last.id.0);
        }
        Ok(entries)
    }
}

fn entry_of(row: &PgRow) -> anyhow::Result<CatalogEntry> {
    let status: String = row.try_get("status")?;
    let status =
        AuctionStatus::parse(&status).with_context(|| format!("unknown status {status:?}"))?;
    let currency: String = row.try_get("currency")?;
    let uid = |name: &str| -> anyhow::Result<Option<UserId>> {
        Ok(row.try_get::<Option<uuid::Uuid>, _>(name)?.map(UserId))
    };
    Ok(CatalogEntry {
        id: AuctionId(row.try_get("id")?),
        terms: Terms {
            seller_id: UserId(row.try_get("seller_id")?),
            currency: Currency::parse(&currency).map_err(anyhow::Error::msg)?,
            starting_price: row.try_get("starting_price")?,
            reserve_price: row.try_get("reserve_price")?,
            buy_now_price: row.try_get("buy_now_price")?,
        },
        listing: Listing {
            title: row.try_get("title")?,
            description: row.try_get("description")?,
            category: row.try_get("category")?,
        },
        listed_at: row.try_get("created_at")?,
        seq: row.try_get("seq")?,
        state: PublicState {
            status,
            starts_at: row.try_get("starts_at")?,
            ends_at: row.try_get("ends_at")?,
            current_price: row.try_get("current_price")?,
            bid_count: row.try_get("bid_count")?,
            leading_bidder_id: uid("leading_bidder_id")?,
            reserve_met: row.try_get("reserve_met")?,
            winner_id: uid("winner_id")?,
            final_price: row.try_get("final_price")?,
            minimum_bid: row.try_get("minimum_bid")?,
        },
    })
}
