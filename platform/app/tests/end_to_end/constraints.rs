//! The constraint table of `platform_core::error::constraints` against the schemas the
//! services' migrations really create: every name it maps exists, and a violation of one
//! comes back as that constraint's code, not as a 500.

use platform_core::error::constraints::CONSTRAINTS;
use platform_core::{ApiError, ErrorCode};

async fn migrated() -> (testkit::TestDatabase, Vec<sqlx::PgPool>) {
    let database = testkit::TestDatabase::create("app_test").await;
    let mut pools = Vec::new();
    for (schema, migrator) in [
        ("gateway", sqlx::migrate!("../../gateway/migrations")),
        ("auction", sqlx::migrate!("../../auction/migrations")),
        ("bidding", sqlx::migrate!("../../bidding/migrations")),
        (
            "notification",
            sqlx::migrate!("../../notification/migrations"),
        ),
    ] {
        let pool = platform_core::db::connect(database.url(), schema, 2)
            .await
            .unwrap();
        migrator.run(&pool).await.unwrap();
        pools.push(pool);
    }
    (database, pools)
}

#[tokio::test]
async fn every_mapped_constraint_exists_in_the_migrated_schemas() {
    let (_database, pools) = migrated().await;
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT conname::text FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
           WHERE n.nspname IN ('gateway', 'auction', 'bidding', 'notification')
         UNION
         SELECT indexname::text FROM pg_indexes
           WHERE schemaname IN ('gateway', 'auction', 'bidding', 'notification')",
    )
    .fetch_all(&pools[0])
    .await
    .unwrap();
    for (name, code) in CONSTRAINTS {
        assert!(
            names.iter().any(|n| n == name),
            "{name} (→ {code}) is in no migrated schema; the migrations name {names:?}"
        );
    }
    // The numbered names stand for what the table says they do.
    for (name, rule) in [
        ("auctions_check", "reserve_price >= starting_price"),
        ("auctions_check1", "buy_now_price > starting_price"),
        ("auctions_check2", "buy_now_price >= reserve_price"),
    ] {
        let definition: String = sqlx::query_scalar(
            "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
               JOIN pg_namespace n ON n.oid = c.connamespace
              WHERE n.nspname = 'auction' AND c.conname = $1",
        )
        .bind(name)
        .fetch_one(&pools[0])
        .await
        .unwrap();
        assert!(definition.contains(rule), "{name} is {definition}");
    }
}

#[tokio::test]
async fn a_violated_constraint_answers_with_its_own_code() {
    let (_database, pools) = migrated().await;
    let insert = "INSERT INTO users (id, email, password_hash, display_name)
        VALUES ($1, 'taken@example.com', 'x', 'First')";
    sqlx::query(insert)
        .bind(uuid::Uuid::now_v7())
        .execute(&pools[0])
        .await
        .unwrap();
    let err = sqlx::query(insert)
        .bind(uuid::Uuid::now_v7())
        .execute(&pools[0])
        .await
        .unwrap_err();
    let api = ApiError::from(err);
    assert_eq!(
        (api.code, api.status().as_u16()),
        (ErrorCode::EmailTaken, 409)
    );

    let err = sqlx::query(
        "INSERT INTO auctions (id, seller_id, title, description, category, currency,
            starting_price, status, current_price, seq, created_at, updated_at)
         VALUES ($1, $2, '', '', 'other', 'KRW', 100, 'pending', 100, 0, now(), now())",
    )
    .bind(uuid::Uuid::now_v7())
    .bind(uuid::Uuid::now_v7())
    .execute(&pools[1])
    .await
    .unwrap_err();
    let api = ApiError::from(err);
    assert_eq!(
        (api.code, api.status().as_u16()),
        (ErrorCode::InvalidTitle, 400)
    );
}
