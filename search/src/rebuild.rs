//! `search rebuild`: an operator tool that empties the index and fills it again from the
//! auction service's table `auction.auctions`. It reads that table in a read-only
//! transaction and never writes to the auction schema; it is the one place where search
//! reads another service's storage, and only as a repair tool. Run it while the search
//! service is stopped (the embedded index allows one writer); afterwards the indexer
//! resumes from its committed positions, and versioned writes keep whichever is newer.

use crate::domain::AuctionDoc;
use crate::port::SearchIndex;
use anyhow::Context;
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use platform_core::log::{AuctionStatus, Listing, PublicState, Terms};
use platform_core::{Currency, UserId};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::Row;
use std::io::Write;
use std::str::FromStr;

const BATCH: usize = 1000;

const SELECT: &str = "SELECT id, seller_id, title, description, category, currency, starting_price,
    reserve_price, buy_now_price, status, starts_at, ends_at, current_price, bid_count,
    leading_bidder_id, reserve_met, winner_id, final_price, minimum_bid, seq, created_at
    FROM auction.auctions ORDER BY id";

fn doc_of(row: &sqlx::postgres::PgRow) -> anyhow::Result<AuctionDoc> {
    let status: String = row.try_get("status")?;
    let status =
        AuctionStatus::parse(&status).with_context(|| format!("unknown status {status:?}"))?;
    let currency: String = row.try_get("currency")?;
    let uid = |name: &str| -> anyhow::Result<Option<UserId>> {
        Ok(row.try_get::<Option<uuid::Uuid>, _>(name)?.map(UserId))
    };
    Ok(AuctionDoc {
        id: platform_core::AuctionId(row.try_get("id")?),
        terms: Some(Terms {
            seller_id: UserId(row.try_get("seller_id")?),
            currency: Currency::parse(&currency).map_err(anyhow::Error::msg)?,
            starting_price: row.try_get("starting_price")?,
            reserve_price: row.try_get("reserve_price")?,
            buy_now_price: row.try_get("buy_now_price")?,
        }),
        listing: Some(Listing {
            title: row.try_get("title")?,
            description: row.try_get("description")?,
            category: row.try_get("category")?,
        }),
        listed_at: Some(row.try_get::<DateTime<Utc>, _>("created_at")?),
        seq: row.try_get("seq")?,
        state: Some(PublicState {
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
        }),
    })
}

/// Empties `index` and writes every auction of `database_url`'s `auction.auctions` into
/// it, printing progress on stderr. Returns the number of auctions indexed.
pub async fn rebuild(database_url: &str, index: &dyn SearchIndex) -> anyhow::Result<u64> {
    let opts = PgConnectOptions::from_str(database_url).context("DATABASE_URL is not valid")?;
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await?;
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION READ ONLY")
        .execute(&mut *tx)
        .await?;
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM auction.auctions")
        .fetch_one(&mut *tx)
        .await
        .context("reading auction.auctions (is the auction schema migrated?)")?;
    index.clear().await?;
    let mut done: u64 = 0;
    let mut batch = Vec::with_capacity(BATCH);
    {
        let mut rows = sqlx::query(SELECT).fetch(&mut *tx);
        while let Some(row) = rows.try_next().await? {
            batch.push(doc_of(&row)?);
            if batch.len() == BATCH {
                done += write(index, std::mem::take(&mut batch)).await?;
                progress(done, total);
            }
        }
    }
    done += write(index, batch).await?;
    index.flush().await?;
    tx.rollback().await.ok();
    progress(done, total);
    eprintln!("\nindexed {done} auctions");
    Ok(done)
}

async fn write(index: &dyn SearchIndex, docs: Vec<AuctionDoc>) -> anyhow::Result<u64> {
    let tried = docs.len() as u64;
    let refused = index.write(docs).await?;
    anyhow::ensure!(refused.is_empty(), "the emptied index refused {refused:?}");
    Ok(tried)
}

fn progress(done: u64, total: i64) {
    let total = total.max(1) as u64;
    let width = 30;
    let filled = (done.min(total) * width / total) as usize;
    eprint!(
        "\r[{}{}] {done}/{total}",
        "#".repeat(filled),
        "-".repeat(width as usize - filled)
    );
    std::io::stderr().flush().ok();
}
