//! The contract every search adapter keeps, as test bodies: each takes an empty index.
//! `tests/contract_embedded.rs` runs them against the embedded index.

use crate::domain::query::{SearchQuery, Sort};
use crate::domain::{AuctionDoc, Change};
use crate::port::{apply, SearchIndex};
use chrono::{DateTime, Duration, TimeZone, Utc};
use vocabulary::{Amount, AuctionId, AuctionStatus, Currency, Listing, PublicState, Terms, UserId};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap()
}

pub fn terms(price: i64) -> Terms {
    let price = Amount::minor(price);
    Terms {
        seller_id: UserId::new(),
        currency: Currency::default(),
        starting_price: price,
        reserve_price: None,
        buy_now_price: None,
    }
}

/// The `List` command's words, listed `minutes` after a fixed time.
pub fn words(id: AuctionId, title: &str, category: &str, price: i64, minutes: i64) -> Change {
    Change::Words {
        auction_id: id,
        terms: terms(price),
        listing: Listing {
            title: title.into(),
            description: format!("{title} 설명 description"),
            category: category.into(),
        },
        at: t0() + Duration::minutes(minutes),
    }
}

/// A public event's state; the auction ends `ends_in` minutes after the fixed time.
pub fn state(id: AuctionId, seq: i64, status: AuctionStatus, price: i64, ends_in: i64) -> Change {
    let price = Amount::minor(price);
    Change::State {
        auction_id: id,
        seq,
        at: t0(),
        terms: None,
        listing: None,
        state: PublicState {
            status,
            starts_at: Some(t0()),
            ends_at: Some(t0() + Duration::minutes(ends_in)),
            current_price: price,
            bid_count: seq - 1,
            leading_bidder_id: None,
            reserve_met: false,
            winner_id: None,
            final_price: (status == AuctionStatus::Closed).then_some(price),
            minimum_bid: (!status.is_final()).then_some(price + Amount::minor(100)),
        },
    }
}

async fn put(index: &dyn SearchIndex, changes: &[Change]) {
    apply(index, changes).await.unwrap();
    index.flush().await.unwrap();
}

async fn ids(index: &dyn SearchIndex, q: SearchQuery) -> Vec<AuctionId> {
    index
        .search(&q)
        .await
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

fn text(q: &str) -> SearchQuery {
    SearchQuery {
        text: Some(q.into()),
        sort: Sort::Relevance,
        ..Default::default()
    }
}

/// Three open auctions: Korean sneakers, English sneakers, a Korean book.
async fn catalog(index: &dyn SearchIndex) -> [AuctionId; 3] {
    let ids = [AuctionId::new(), AuctionId::new(), AuctionId::new()];
    put(
        index,
        &[
            words(ids[0], "나이키 에어포스 1 한정판", "shoes", 100_000, 1),
            state(ids[0], 2, AuctionStatus::Open, 150_000, 30),
            words(ids[1], "Nike Air Force 1 Low", "shoes", 90_000, 2),
            state(ids[1], 2, AuctionStatus::Open, 90_000, 10),
            words(ids[2], "해리포터 전집 초판", "books", 50_000, 3),
            state(ids[2], 2, AuctionStatus::Scheduled, 50_000, 60),
        ],
    )
    .await;
    ids
}

pub async fn korean_words_match_by_parts(index: &dyn SearchIndex) {
    let [kr, _, book] = catalog(index).await;
    assert_eq!(ids(index, text("나이키")).await, [kr]);
    assert_eq!(ids(index, text("에어포스")).await, [kr]);
    assert_eq!(ids(index, text("포터")).await, [book]);
    assert!(ids(index, text("아디다스")).await.is_empty());
}

pub async fn english_words_match_as_phrase_and_any_case(index: &dyn SearchIndex) {
    let [_, en, _] = catalog(index).await;
    assert_eq!(ids(index, text("air force")).await, [en]);
    assert_eq!(ids(index, text("NIKE")).await, [en]);
    assert!(ids(index, text("air jordan")).await.is_empty());
}

pub async fn filters_narrow_the_matches(index: &dyn SearchIndex) {
    let [kr, en, book] = catalog(index).await;
    let q = |f: fn(&mut SearchQuery)| {
        let mut q = SearchQuery::default();
        f(&mut q);
        q
    };
    let mut got = ids(index, q(|q| q.category = Some("shoes".into()))).await;
    got.sort();
    let mut want = vec![kr, en];
    want.sort();
    assert_eq!(got, want);
    assert_eq!(
        ids(index, q(|q| q.status = Some(AuctionStatus::Scheduled))).await,
        [book]
    );
    assert_eq!(
        ids(
            index,
            q(|q| {
                q.min_price = Some(Amount::minor(95_000));
                q.max_price = Some(Amount::minor(150_000))
            })
        )
        .await,
        [kr]
    );
    assert_eq!(
        ids(index, q(|q| q.max_price = Some(Amount::minor(50_000)))).await,
        [book]
    );
    assert!(ids(index, q(|q| q.status = Some(AuctionStatus::Closed)))
        .await
        .is_empty());
}

pub async fn every_sort_orders_as_named(index: &dyn SearchIndex) {
    let [kr, en, book] = catalog(index).await;
    let sorted = |sort| SearchQuery {
        sort,
        ..Default::default()
    };
    assert_eq!(ids(index, sorted(Sort::PriceAsc)).await, [book, en, kr]);
    assert_eq!(ids(index, sorted(Sort::PriceDesc)).await, [kr, en, book]);
    assert_eq!(ids(index, sorted(Sort::Newest)).await, [book, en, kr]);
    assert_eq!(ids(index, sorted(Sort::EndingSoon)).await, [en, kr, book]);
    // Relevance: a title match outranks a description-only one.
    let other = AuctionId::new();
    put(
        index,
        &[
            Change::Words {
                auction_id: other,
                terms: terms(1000),
                listing: Listing {
                    title: "shoe box".into(),
                    description: "for nike".into(),
                    category: "etc".into(),
                },
                at: t0(),
            },
            state(other, 2, AuctionStatus::Open, 1000, 5),
        ],
    )
    .await;
    assert_eq!(ids(index, text("nike")).await, [en, other]);
}

pub async fn pages_split_the_results(index: &dyn SearchIndex) {
    let mut all = Vec::new();
    let mut changes = Vec::new();
    for i in 0..25 {
        let id = AuctionId::new();
        all.push(id);
        changes.push(words(id, &format!("item {i}"), "misc", 1000 + i, i));
        changes.push(state(id, 2, AuctionStatus::Open, 1000 + i, 10));
    }
    put(index, &changes).await;
    let page = |page| SearchQuery {
        sort: Sort::PriceAsc,
        page,
        size: 10,
        ..Default::default()
    };
    let first = index.search(&page(1)).await.unwrap();
    assert_eq!(first.total, 25);
    let mut seen: Vec<AuctionId> = first.hits.iter().map(|h| h.id).collect();
    seen.extend(ids(index, page(2)).await);
    seen.extend(ids(index, page(3)).await);
    assert_eq!(seen, all);
    assert!(ids(index, page(4)).await.is_empty());
}

pub async fn facets_count_every_match(index: &dyn SearchIndex) {
    catalog(index).await;
    let page = index
        .search(&SearchQuery {
            size: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(page.facets.category.get("shoes"), Some(&2));
    assert_eq!(page.facets.category.get("books"), Some(&1));
    assert_eq!(page.facets.status.get("open"), Some(&2));
    assert_eq!(page.facets.status.get("scheduled"), Some(&1));
    let page = index.search(&text("나이키")).await.unwrap();
    assert_eq!(page.facets.category.len(), 1);
    assert_eq!(page.facets.status.get("open"), Some(&1));
}

pub async fn older_state_never_overwrites_newer(index: &dyn SearchIndex) {
    let id = AuctionId::new();
    put(
        index,
        &[
            words(id, "Vintage Rolex", "watches", 1000, 0),
            state(id, 5, AuctionStatus::Open, 9000, 10),
        ],
    )
    .await;
    put(index, &[state(id, 3, AuctionStatus::Open, 4000, 10)]).await;
    let hit = &index.search(&text("rolex")).await.unwrap().hits[0];
    assert_eq!((hit.seq, hit.state.current_price.get()), (5, 9000));
    assert_eq!(
        hit.state.minimum_bid.map(Amount::get),
        Some(9100),
        "the newest state's minimum"
    );
    // The store itself refuses a document that is not newer.
    let mut stale = index.fetch(&[id]).await.unwrap().remove(&id).unwrap();
    stale.seq = 4;
    assert_eq!(index.write(vec![stale]).await.unwrap(), [id]);
    let stored = index.fetch(&[id]).await.unwrap().remove(&id).unwrap();
    assert_eq!(stored.seq, 5);
}

pub async fn words_then_state_merge(index: &dyn SearchIndex) {
    let id = AuctionId::new();
    put(
        index,
        &[words(id, "Leica M6 카메라", "cameras", 500_000, 0)],
    )
    .await;
    assert!(
        ids(index, text("leica")).await.is_empty(),
        "pending listings are hidden"
    );
    let pending = SearchQuery {
        status: Some(AuctionStatus::Pending),
        ..text("leica")
    };
    assert_eq!(ids(index, pending.clone()).await, [id]);
    let listed = &index.search(&pending).await.unwrap().hits[0];
    assert_eq!(
        listed.state.minimum_bid.map(Amount::get),
        Some(500_000),
        "before any event the starting price is the minimum"
    );
    put(
        index,
        &[state(id, 2, AuctionStatus::Scheduled, 500_000, 60)],
    )
    .await;
    let hit = &index.search(&text("카메라")).await.unwrap().hits[0];
    assert_eq!(
        (hit.id, hit.state.status.as_str(), hit.seq),
        (id, "scheduled", 2)
    );
    assert_eq!(hit.listing.category, "cameras");
}

pub async fn state_then_words_merge(index: &dyn SearchIndex) {
    let id = AuctionId::new();
    put(index, &[state(id, 3, AuctionStatus::Open, 70_000, 60)]).await;
    assert!(
        ids(index, SearchQuery::default()).await.is_empty(),
        "no words, nothing to show"
    );
    put(
        index,
        &[words(id, "Fender Stratocaster 기타", "music", 50_000, 0)],
    )
    .await;
    let hit = &index.search(&text("기타")).await.unwrap().hits[0];
    assert_eq!(
        (
            hit.id,
            hit.state.status.as_str(),
            hit.state.current_price.get(),
            hit.seq
        ),
        (id, "open", 70_000, 3)
    );
    assert_eq!(hit.terms.starting_price.get(), 50_000);
    let stored: AuctionDoc = index.fetch(&[id]).await.unwrap().remove(&id).unwrap();
    assert_eq!(stored.version(), 7);
}

/// Two writers that merged their change into the same stale copy: the words land first,
/// then a newer state built without them. The state must be refused (and merged again by
/// `apply`), never stored over the words.
pub async fn a_state_merged_without_the_words_never_erases_them(index: &dyn SearchIndex) {
    let id = AuctionId::new();
    let mut with_words = AuctionDoc::empty(id);
    with_words.merge(&words(id, "Leica M6 카메라", "cameras", 500_000, 0));
    assert!(index.write(vec![with_words]).await.unwrap().is_empty());
    let mut stale = AuctionDoc::empty(id);
    stale.merge(&state(id, 2, AuctionStatus::Scheduled, 500_000, 60));
    assert_eq!(index.write(vec![stale]).await.unwrap(), [id]);
    // What `apply` does with a refusal: fetch, merge, write again.
    apply(
        index,
        &[state(id, 2, AuctionStatus::Scheduled, 500_000, 60)],
    )
    .await
    .unwrap();
    index.flush().await.unwrap();
    let hit = &index.search(&text("카메라")).await.unwrap().hits[0];
    assert_eq!(
        (hit.id, hit.state.status.as_str(), hit.seq),
        (id, "scheduled", 2)
    );
}

pub async fn closed_auction_shows_closed(index: &dyn SearchIndex) {
    let id = AuctionId::new();
    put(
        index,
        &[
            words(id, "Galaxy S25 갤럭시", "phones", 300_000, 0),
            state(id, 2, AuctionStatus::Open, 300_000, 1),
        ],
    )
    .await;
    put(index, &[state(id, 9, AuctionStatus::Closed, 420_000, 1)]).await;
    let hit = &index.search(&text("갤럭시")).await.unwrap().hits[0];
    assert_eq!(
        (
            hit.state.status.as_str(),
            hit.state.final_price.map(Amount::get)
        ),
        ("closed", Some(420_000))
    );
    let ending = SearchQuery {
        sort: Sort::EndingSoon,
        ..Default::default()
    };
    assert_eq!(index.search(&ending).await.unwrap().hits.len(), 1);
}
