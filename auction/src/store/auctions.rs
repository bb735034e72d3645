//! The `auctions` table: catalog writes from the API and the reads behind every view.

use crate::domain::{Auction, Category, Cursor, Listing, Window};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;
use vocabulary::{Amount, AuctionId, AuctionStatus, Currency, UserId};

/// Every column a view needs, read through the alias `a`.
pub(crate) const COLUMNS: &str = "a.id, a.seller_id, a.title, a.description, a.category, \
    a.currency, a.starting_price, a.reserve_price, a.buy_now_price, a.status, a.starts_at, \
    a.ends_at, a.current_price, a.bid_count, a.leading_bidder_id, a.reserve_met, a.winner_id, \
    a.final_price, a.minimum_bid, a.seq, a.created_at, a.open_requested_at";

#[derive(sqlx::FromRow)]
pub(crate) struct AuctionRow {
    id: Uuid,
    seller_id: Uuid,
    title: String,
    description: String,
    category: String,
    currency: String,
    starting_price: Amount,
    reserve_price: Option<Amount>,
    buy_now_price: Option<Amount>,
    status: String,
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<DateTime<Utc>>,
    current_price: Amount,
    bid_count: i64,
    leading_bidder_id: Option<Uuid>,
    reserve_met: bool,
    winner_id: Option<Uuid>,
    final_price: Option<Amount>,
    minimum_bid: Option<Amount>,
    seq: i64,
    created_at: DateTime<Utc>,
    open_requested_at: Option<DateTime<Utc>>,
}

impl TryFrom<AuctionRow> for Auction {
    type Error = sqlx::Error;

    fn try_from(r: AuctionRow) -> Result<Self, Self::Error> {
        let status = AuctionStatus::parse(&r.status)
            .ok_or_else(|| decode_error(format!("unknown auction status {:?}", r.status)))?;
        let currency = Currency::parse(&r.currency).map_err(decode_error)?;
        Ok(Auction {
            id: r.id.into(),
            seller_id: r.seller_id.into(),
            title: r.title,
            description: r.description,
            category: r.category,
            currency,
            starting_price: r.starting_price,
            reserve_price: r.reserve_price,
            buy_now_price: r.buy_now_price,
            status,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            current_price: r.current_price,
            bid_count: r.bid_count,
            leading_bidder_id: r.leading_bidder_id.map(UserId::from),
            reserve_met: r.reserve_met,
            winner_id: r.winner_id.map(UserId::from),
            final_price: r.final_price,
            minimum_bid: r.minimum_bid,
            seq: r.seq,
            created_at: r.created_at,
            open_requested: r.open_requested_at.is_some(),
        })
    }
}

fn decode_error(message: String) -> sqlx::Error {
    sqlx::Error::Decode(message.into())
}

pub(crate) fn into_auctions(rows: Vec<AuctionRow>) -> sqlx::Result<Vec<Auction>> {
    rows.into_iter().map(Auction::try_from).collect()
}

/// Stores a new listing as `pending`; before any bid its current price, and the minimum a
/// bid must have, is the starting price.
pub async fn insert(
    conn: &mut PgConnection,
    id: AuctionId,
    seller_id: UserId,
    listing: &Listing,
    now: DateTime<Utc>,
) -> sqlx::Result<Auction> {
    let sql = format!(
        "INSERT INTO auctions AS a (id, seller_id, title, description, category, currency, \
             starting_price, reserve_price, buy_now_price, status, current_price, minimum_bid, \
             reserve_met, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $7, $7, $8 IS NULL, $10, $10) \
         RETURNING {COLUMNS}"
    );
    let row: AuctionRow = sqlx::query_as(&sql)
        .bind(id.0)
        .bind(seller_id.0)
        .bind(&listing.title)
        .bind(&listing.description)
        .bind(listing.category.as_str())
        .bind(listing.currency.as_str())
        .bind(listing.starting_price)
        .bind(listing.reserve_price)
        .bind(listing.buy_now_price)
        .bind(now)
        .fetch_one(conn)
        .await?;
    row.try_into()
}

pub async fn get(db: impl PgExecutor<'_>, id: AuctionId) -> sqlx::Result<Option<Auction>> {
    let sql = format!("SELECT {COLUMNS} FROM auctions a WHERE a.id = $1");
    let row: Option<AuctionRow> = sqlx::query_as(&sql).bind(id.0).fetch_optional(db).await?;
    row.map(Auction::try_from).transpose()
}

/// Reads the auction and locks its row until the transaction ends, so the state check and
/// the change that follows cannot interleave with the scheduler or another admin.
pub async fn lock(conn: &mut PgConnection, id: AuctionId) -> sqlx::Result<Option<Auction>> {
    let sql = format!("SELECT {COLUMNS} FROM auctions a WHERE a.id = $1 FOR UPDATE");
    let row: Option<AuctionRow> = sqlx::query_as(&sql).bind(id.0).fetch_optional(conn).await?;
    row.map(Auction::try_from).transpose()
}

pub async fn exists(db: impl PgExecutor<'_>, id: AuctionId) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM auctions WHERE id = $1)")
        .bind(id.0)
        .fetch_one(db)
        .await
}

/// Sets (or moves) the window of a locked auction that has not been opened yet. Moving it
/// forgets any Close queued for the old end.
pub async fn set_window(
    conn: &mut PgConnection,
    id: AuctionId,
    window: Window,
    now: DateTime<Utc>,
) -> sqlx::Result<Auction> {
    let sql = format!(
        "UPDATE auctions a SET status = 'scheduled', starts_at = $2, ends_at = $3, \
             close_requested_for = NULL, updated_at = $4 \
         WHERE a.id = $1 RETURNING {COLUMNS}"
    );
    let row: AuctionRow = sqlx::query_as(&sql)
        .bind(id.0)
        .bind(window.starts_at)
        .bind(window.ends_at)
        .bind(now)
        .fetch_one(conn)
        .await?;
    row.try_into()
}

pub async fn set_cancelled(
    conn: &mut PgConnection,
    id: AuctionId,
    now: DateTime<Utc>,
) -> sqlx::Result<Auction> {
    let sql = format!(
        "UPDATE auctions a SET status = 'cancelled', updated_at = $2 \
         WHERE a.id = $1 RETURNING {COLUMNS}"
    );
    let row: AuctionRow = sqlx::query_as(&sql)
        .bind(id.0)
        .bind(now)
        .fetch_one(conn)
        .await?;
    row.try_into()
}

/// Filters of the newest-first listing.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub status: Option<AuctionStatus>,
    pub category: Option<Category>,
    pub seller_id: Option<UserId>,
    pub after: Option<Cursor>,
}

/// Up to `limit` auctions matching `filter`, newest first, strictly after the cursor.
pub async fn list(pool: &PgPool, filter: &ListFilter, limit: i64) -> sqlx::Result<Vec<Auction>> {
    let mut q: QueryBuilder<Postgres> =
        QueryBuilder::new(format!("SELECT {COLUMNS} FROM auctions a WHERE true"));
    if let Some(status) = filter.status {
        q.push(" AND a.status = ").push_bind(status.as_str());
    }
    if let Some(category) = filter.category {
        q.push(" AND a.category = ").push_bind(category.as_str());
    }
    if let Some(seller) = filter.seller_id {
        q.push(" AND a.seller_id = ").push_bind(seller.0);
    }
    if let Some(after) = filter.after {
        q.push(" AND (a.created_at, a.id) < (")
            .push_bind(after.at)
            .push(", ")
            .push_bind(after.id)
            .push(")");
    }
    q.push(" ORDER BY a.created_at DESC, a.id DESC LIMIT ")
        .push_bind(limit);
    let rows: Vec<AuctionRow> = q.build_query_as().fetch_all(pool).await?;
    into_auctions(rows)
}
