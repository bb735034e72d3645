//! A database of the test's own on the test server (`TEST_DATABASE_URL`, else the local
//! PostgreSQL), so that tests run side by side and start from nothing.
//!
//! The database is dropped when its guard is dropped, unless the thread is panicking: a
//! failed test keeps its database for inspection and prints its URL (the test command
//! drops what earlier runs kept before it starts).

use sqlx::{Connection, Executor, PgConnection};

/// The server tests create their databases on.
pub fn server_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A fresh database; dropped with the guard when the test passes.
#[derive(Debug)]
pub struct TestDatabase {
    url: String,
    name: String,
    server: String,
}

impl TestDatabase {
    /// Creates an empty database whose name starts with `prefix` (the suite's name).
    pub async fn create(prefix: &str) -> Self {
        let server = server_url();
        let url = platform_core::db::create_fresh_database(&server, prefix)
            .await
            .unwrap_or_else(|e| panic!("creating a test database on {server}: {e:#}"));
        let name = url.rsplit('/').next().unwrap_or_default().to_owned();
        Self { url, name, server }
    }

    /// Its URL, for the services under test (a restart uses the same URL again).
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("the failed test's database is kept: {}", self.url);
            return;
        }
        // Drop runs inside the test's runtime, which must not block on itself: the drop
        // gets a thread and a runtime of its own. FORCE ends the connections the services
        // under test may still hold while they shut down.
        let (server, name) = (self.server.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut conn = PgConnection::connect(&server).await?;
                conn.execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str())
                    .await?;
                conn.close().await?;
                anyhow::Ok(())
            })
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("the test database {} was not dropped: {e:#}", self.url);
        }
    }
}
