//! PostgreSQL is the one store. Each service owns a schema of its own (`gateway`,
//! `auction`, `bidding`, ...) in the same or in different databases, with its own
//! migrations, so services never read each other's tables.

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgPool};
use std::str::FromStr;
use std::time::Duration;

/// Opens a pool whose connections use `schema` (created when missing) as search path.
pub async fn connect(
    database_url: &str,
    schema: &str,
    max_connections: u32,
) -> anyhow::Result<PgPool> {
    let base = PgConnectOptions::from_str(database_url)
        .with_context(|| "DATABASE_URL is not a valid postgres URL")?
        .log_statements(tracing::log::LevelFilter::Trace);
    let mut conn = sqlx::PgConnection::connect_with(&base)
        .await
        .with_context(|| format!("connecting to postgres for schema {schema}"))?;
    // Two services starting at once may both try; the error of the loser is harmless.
    let create = format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\"");
    if let Err(err) = sqlx::query(&create).execute(&mut conn).await {
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)")
                .bind(schema)
                .fetch_one(&mut conn)
                .await?;
        if !exists {
            return Err(err).context("creating schema");
        }
    }
    conn.close().await.ok();
    // Named after the service, so that `pg_stat_activity` (and any tool reading it) tells
    // which service a session belongs to.
    let opts = base
        .options([("search_path", schema)])
        .application_name(schema);
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(opts)
        .await
        .with_context(|| format!("opening pool for schema {schema}"))
}

/// The pool of a service: its schema (created when missing) brought up to date by the
/// service's migrations (`sqlx::migrate!("./migrations")`).
pub async fn open(
    common: &crate::config::Common,
    schema: &str,
    migrations: sqlx::migrate::Migrator,
) -> anyhow::Result<PgPool> {
    let pool = connect(
        &common.database_url,
        schema,
        common.database_max_connections,
    )
    .await?;
    migrations
        .run(&pool)
        .await
        .with_context(|| format!("running the {schema} migrations"))?;
    Ok(pool)
}

/// Creates a new, empty database next to the one `database_url` names and returns its
/// URL. Tests use it to get a database of their own.
pub async fn create_fresh_database(database_url: &str, prefix: &str) -> anyhow::Result<String> {
    let opts = PgConnectOptions::from_str(database_url)?;
    let mut conn = sqlx::PgConnection::connect_with(&opts).await?;
    let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut conn)
        .await?;
    conn.close().await.ok();
    let mut url = url_without_database(database_url);
    url.push('/');
    url.push_str(&name);
    Ok(url)
}

fn url_without_database(database_url: &str) -> String {
    // postgres://user@host:port/db?params → postgres://user@host:port
    let (head, _) = database_url.split_once('?').unwrap_or((database_url, ""));
    match head.find("://") {
        Some(scheme_end) => match head[scheme_end + 3..].find('/') {
            Some(slash) => head[..scheme_end + 3 + slash].to_owned(),
            None => head.to_owned(),
        },
        None => head.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_the_database_name() {
        assert_eq!(
            url_without_database("postgres://u@h:5432/db?sslmode=disable"),
            "postgres://u@h:5432"
        );
        assert_eq!(url_without_database("postgres://h"), "postgres://h");
    }
}
