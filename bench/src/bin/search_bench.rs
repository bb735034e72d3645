//! Search benchmark: builds the embedded index from generated auctions (Korean and
//! English titles, categories, prices, statuses) and measures a mix of text, filter and
//! sort queries against it.
//!
//! `cargo run --release -p bench --bin search_bench -- --auctions 100000 --queries 5000`

use bench::latency::{ms, Latencies};
use bench::machine::Machine;
use chrono::{Duration as Span, TimeZone, Utc};
use clap::Parser;
use search::adapters::embedded::EmbeddedIndex;
use search::domain::query::{SearchQuery, Sort};
use search::domain::AuctionDoc;
use search::port::SearchIndex;
use std::time::Instant;
use vocabulary::{Amount, AuctionId, AuctionStatus, Currency, Listing, PublicState, Terms, UserId};

#[derive(Parser)]
#[command(
    name = "search",
    about = "Embedded search index: build time and query latency"
)]
struct Cli {
    #[arg(long, default_value_t = 100_000)]
    auctions: usize,
    #[arg(long, default_value_t = 5_000)]
    queries: usize,
    /// Index directory (default: a fresh temporary one, removed afterwards).
    #[arg(long)]
    dir: Option<std::path::PathBuf>,
}

/// A small deterministic generator, so runs are comparable.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, of: &[&'a str]) -> &'a str {
        of[self.below(of.len())]
    }
}

const BRANDS: &[&str] = &[
    "나이키",
    "아디다스",
    "삼성",
    "애플",
    "캐논",
    "레고",
    "Nike",
    "Adidas",
    "Samsung",
    "Apple",
    "Canon",
    "Lego",
    "Rolex",
    "Sony",
    "롤렉스",
    "소니",
];
const ITEMS: &[&str] = &[
    "에어포스",
    "운동화",
    "갤럭시",
    "아이폰",
    "카메라",
    "시계",
    "헤드폰",
    "블록",
    "Air Force",
    "sneakers",
    "Galaxy",
    "iPhone",
    "camera",
    "watch",
    "headphones",
    "bricks",
];
const EXTRAS: &[&str] = &[
    "한정판",
    "새상품",
    "중고",
    "빈티지",
    "limited edition",
    "brand new",
    "used",
    "vintage",
    "박스 포함",
    "with box",
];
const CATEGORIES: &[&str] = &[
    "shoes", "phones", "cameras", "watches", "audio", "toys", "fashion", "etc",
];
const WORDS: &[&str] = &[
    "나이키",
    "에어포스",
    "갤럭시",
    "카메라",
    "시계",
    "한정판",
    "빈티지",
    "nike",
    "air force",
    "iphone",
    "camera",
    "vintage",
    "limited",
    "sony headphones",
    "레고 블록",
    "롤렉스",
];
const STATUSES: [AuctionStatus; 4] = [
    AuctionStatus::Scheduled,
    AuctionStatus::Open,
    AuctionStatus::Closed,
    AuctionStatus::Cancelled,
];
const SORTS: [Sort; 5] = [
    Sort::Relevance,
    Sort::EndingSoon,
    Sort::PriceAsc,
    Sort::PriceDesc,
    Sort::Newest,
];

fn auction(dice: &mut Dice, i: usize) -> AuctionDoc {
    let start = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap() + Span::minutes(i as i64);
    let price = Amount::minor(1_000 * (1 + dice.below(2_000) as i64));
    let status = STATUSES[dice.below(STATUSES.len())];
    let title = format!(
        "{} {} {}",
        dice.pick(BRANDS),
        dice.pick(ITEMS),
        dice.pick(EXTRAS)
    );
    AuctionDoc {
        id: AuctionId::new(),
        terms: Some(Terms {
            seller_id: UserId::new(),
            currency: Currency::default(),
            starting_price: price,
            reserve_price: None,
            buy_now_price: None,
        }),
        listing: Some(Listing {
            description: format!("{title} — {} {}", dice.pick(EXTRAS), dice.pick(ITEMS)),
            title,
            category: dice.pick(CATEGORIES).to_owned(),
        }),
        listed_at: Some(start),
        seq: 2,
        state: Some(PublicState {
            status,
            starts_at: Some(start),
            ends_at: Some(start + Span::days(7)),
            current_price: price,
            bid_count: 0,
            leading_bidder_id: None,
            reserve_met: false,
            winner_id: None,
            final_price: None,
            minimum_bid: None,
        }),
    }
}

fn query(dice: &mut Dice) -> SearchQuery {
    let mut q = SearchQuery {
        sort: SORTS[dice.below(SORTS.len())],
        page: 1 + dice.below(3) as u32,
        ..Default::default()
    };
    if dice.below(4) != 0 {
        q.text = Some(dice.pick(WORDS).to_owned());
    }
    if dice.below(2) == 0 {
        q.category = Some(dice.pick(CATEGORIES).to_owned());
    }
    if dice.below(3) == 0 {
        q.status = Some(STATUSES[dice.below(2)]);
    }
    if dice.below(3) == 0 {
        let min = 1_000 * dice.below(1_000) as i64;
        q.min_price = Some(Amount::minor(min));
        q.max_price = Some(Amount::minor(min + 500_000));
    }
    q
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let dir = cli.dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("search-bench-{}", uuid::Uuid::new_v4()))
    });
    let machine = Machine::current();
    println!("machine: {machine}");
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15);
    let docs: Vec<AuctionDoc> = (0..cli.auctions).map(|i| auction(&mut dice, i)).collect();

    let index = EmbeddedIndex::open(&dir)?;
    let build = Instant::now();
    for chunk in docs.chunks(5_000) {
        let refused = index.write(chunk.to_vec()).await?;
        anyhow::ensure!(refused.is_empty(), "fresh index refused documents");
    }
    index.flush().await?;
    let build = build.elapsed();
    println!(
        "build: {} auctions in {:.2} s ({:.0} docs/s)",
        cli.auctions,
        build.as_secs_f64(),
        cli.auctions as f64 / build.as_secs_f64()
    );

    let queries: Vec<SearchQuery> = (0..cli.queries).map(|_| query(&mut dice)).collect();
    for q in queries.iter().take(200) {
        index.search(q).await?; // warm the page cache and the readers
    }
    let mut latencies = Latencies::new();
    let mut matched = 0u64;
    for q in &queries {
        let t = Instant::now();
        let page = index.search(q).await?;
        latencies.record(t.elapsed());
        matched += page.total;
    }
    let s = latencies.summary();
    println!(
        "queries: {} (text+filters+sort+facets, one at a time), mean matches {}",
        s.count,
        matched / s.count.max(1)
    );
    println!(
        "latency: p50 {} p90 {} p99 {} max {}",
        ms(s.p50),
        ms(s.p90),
        ms(s.p99),
        ms(s.max)
    );
    println!(
        "target p99 < 20 ms: {}",
        if s.p99.as_millis() < 20 {
            "met"
        } else {
            "MISSED"
        }
    );
    drop(index);
    if cli.dir.is_none() {
        std::fs::remove_dir_all(&dir).ok();
    }
    Ok(())
}
