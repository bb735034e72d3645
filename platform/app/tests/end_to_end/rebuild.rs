//! `platform rebuild-search`: the index emptied and refilled from the auction service's
//! catalog export.

use std::path::PathBuf;

fn temp_dir() -> PathBuf {
    std::env::temp_dir().join(format!("rebuild-{}", uuid::Uuid::now_v7()))
}

#[tokio::test]
async fn rebuild_search_refills_the_index_from_the_auction_catalog() {
    let database = testkit::TestDatabase::create("app_test").await;
    let url = database.url();
    let pool = platform_core::db::connect(url, "auction", 2).await.unwrap();
    sqlx::migrate!("../../auction/migrations")
        .run(&pool)
        .await
        .unwrap();
    for (title, status, price, seq) in [
        ("나이키 덩크 로우", "open", 90_000i64, 3i64),
        ("Canon AE-1 camera", "closed", 200_000, 7),
        ("미공개 상품", "pending", 1000, 1),
    ] {
        sqlx::query(
            "INSERT INTO auctions (id, seller_id, title, description, category, currency,
            starting_price, status, current_price, seq, created_at, updated_at)
            VALUES ($1, $2, $3, '', 'misc', 'KRW', $4, $5, $4, $6, now(), now())",
        )
        .bind(uuid::Uuid::now_v7())
        .bind(uuid::Uuid::now_v7())
        .bind(title)
        .bind(price)
        .bind(status)
        .bind(seq)
        .execute(&pool)
        .await
        .unwrap();
    }
    let dir = temp_dir();
    let index = search::adapters::embedded::EmbeddedIndex::open(&dir).unwrap();
    let count = platform_app::commands::rebuild_search(url, &index, false)
        .await
        .unwrap();
    assert_eq!(count, 3);
    use search::port::SearchIndex;
    let page = index.search(&Default::default()).await.unwrap();
    assert_eq!(page.total, 2, "pending stays hidden");
    let q = search::domain::query::SearchQuery {
        text: Some("덩크".into()),
        ..Default::default()
    };
    let hit = &index.search(&q).await.unwrap().hits[0];
    assert_eq!(
        (
            hit.state.status.as_str(),
            hit.seq,
            hit.state.current_price.get()
        ),
        ("open", 3, 90_000)
    );
    // A second rebuild replaces, never duplicates.
    assert_eq!(
        platform_app::commands::rebuild_search(url, &index, false)
            .await
            .unwrap(),
        3
    );
    assert_eq!(index.search(&Default::default()).await.unwrap().total, 2);
    std::fs::remove_dir_all(dir).ok();
}
