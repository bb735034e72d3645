//! `live`: live updates under load. Opens thousands of SSE streams through the gateway
//! (anonymous watchers of auctions, and bidders on their own streams), drives bids at a
//! fixed rate, and measures bid sent → event received for every (watcher, event), gaps,
//! duplicates, reconnects and the server's memory per stream. Prints the figures and the
//! machine, then a markdown section for BENCHMARKS.md. Sends load only to loopback
//! addresses, for a bounded number of seconds.

use anyhow::Context as _;
use bench::api::{http_client, Api, Lots, User};
use bench::cluster::{BusChoice, Cluster, ClusterConfig, PlatformArgs, Topology};
use bench::live_bids::{self, BidLog, BidOrder, BidTargets, LiveBidConfig, PipelineTargets};
use bench::live_report::{LiveRun, Writes};
use bench::machine::{raise_open_files_limit, Machine};
use bench::memory::Resident;
use bench::watch::{Opened, WatchPlan, Watchers};
use bench::{cpu, decisions};
use clap::Parser;
use reqwest::header::HeaderValue;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Amounts start here, in the top band of the default increment table, and rise by two of
/// its increments per bid.
const BASE_AMOUNT: i64 = 1_000_000;
const STEP: i64 = 20_000;
/// Idle time before each reading of the server's memory.
const SETTLE: Duration = Duration::from_secs(3);

#[derive(Parser, Debug)]
#[command(
    name = "live",
    about = "Live updates to many SSE watchers while bids are accepted"
)]
struct Args {
    /// Anonymous watchers on the auctions' public streams.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(0..=40_000))]
    clients: u64,
    /// Bidders who also watch their own stream (`/api/me/events`).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(0..=2_000))]
    private_clients: u64,
    /// Bidders (each signup costs an argon2 hash).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(2..=2_000))]
    bidders: u64,
    /// Bids per second on the schedule, over all auctions.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=20_000))]
    rate: u32,
    /// Seconds of bids.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    seconds: u64,
    /// Auctions the watchers and bids spread over.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1_000))]
    auctions: u64,
    #[arg(long, value_enum, default_value = "single")]
    topology: Topology,
    /// Streams opened together before waiting for them to be served.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=5_000))]
    wave: u64,
    /// How bids are sent: racing as separate requests (overtaken bids are refused), or in
    /// order over one pipelined connection per auction (none overtakes another; the
    /// gateway answers a connection's requests one after another).
    #[arg(long, value_enum, default_value = "racing")]
    bids: BidOrder,
    /// Bid requests in flight at most (in order: unanswered on one auction's connection).
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=2_000))]
    in_flight: u64,
    /// `NOTIFICATION_STREAM_BUFFER` of the platform (its default when not given).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    stream_buffer: Option<u64>,
    /// Seconds to wait after the bids for every watcher to catch up.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=600))]
    drain_seconds: u64,

    // The broker is used by `--topology split` only.
    #[command(flatten)]
    platform: PlatformArgs,
    /// Where the platform's logs go.
    #[arg(long, default_value = "/tmp/live-bench")]
    logs: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        args.private_clients <= args.bidders,
        "--private-clients ({}) must not exceed --bidders ({}): private watchers are bidders",
        args.private_clients,
        args.bidders
    );
    args.platform.ensure_loopback()?;
    // Before the platform starts, so that its processes inherit the limit.
    let open_files = raise_open_files_limit().context("raising the open files limit")?;
    let machine = Machine::current();
    eprintln!("machine: {machine}; open files allowed per process: {open_files}");
    let streams = args.clients + args.private_clients;
    // Split roles: the gateway holds each stream twice (client side and notification side).
    let per_stream = match args.topology {
        Topology::Single => 1,
        Topology::Split => 2,
    };
    anyhow::ensure!(
        streams * per_stream + 1_000 <= open_files,
        "{streams} streams need more open files than the {open_files} allowed per process"
    );

    let config = ClusterConfig {
        binary: bench::cluster::release_binary(args.platform.platform_bin.clone()),
        base_database_url: args.platform.database_url.clone(),
        bus: match args.topology {
            Topology::Single => BusChoice::Memory,
            Topology::Split => BusChoice::Kafka(args.platform.kafka.clone()),
        },
        topology: args.topology,
        command_partitions: 8,
        event_partitions: 8,
        database_max_connections: args.platform.db_connections,
        logs: args.logs.clone(),
        extra_env: args
            .stream_buffer
            .map(|b| ("NOTIFICATION_STREAM_BUFFER".to_owned(), b.to_string()))
            .into_iter()
            .collect(),
    };
    eprintln!("platform: starting {}", args.topology.describe());
    let mut cluster = Cluster::start(&config).await?;
    eprintln!("platform: ready, logs in {}", cluster.logs.display());
    let outcome = run(&args, &mut cluster, machine, open_files).await;
    cluster.stop();
    if !args.platform.keep {
        cluster.drop_run_data(&config).await;
    }
    let run = outcome?;
    println!("{}", run.text());
    println!("----- markdown for BENCHMARKS.md -----\n{}", run.markdown());
    Ok(())
}

async fn run(
    args: &Args,
    cluster: &mut Cluster,
    machine: Machine,
    open_files: u64,
) -> anyhow::Result<LiveRun> {
    let started = chrono::Utc::now();
    let http = http_client(args.in_flight as usize + 16)?;
    let api = Api::new(cluster.gateway_url.clone(), http.clone());
    let (ids, bidders) = bench::api::set_up_lots(
        &api,
        &Lots {
            title: "Live lot",
            starting_price: BASE_AMOUNT,
            auctions: args.auctions,
            bidders: args.bidders,
            lasting: Duration::from_secs(args.seconds + 30 * 60),
        },
    )
    .await?;
    cluster.check_alive()?;

    let per_auction = (args.rate as u64 * args.seconds).div_ceil(args.auctions) as usize + 1;
    let log = Arc::new(BidLog::new(ids.len(), per_auction, BASE_AMOUNT, STEP));
    let processes = cluster.processes();
    // Idle a moment first: the allocator returns what the setup freed after a delay.
    tokio::time::sleep(SETTLE).await;
    let rss_before = Resident::of(&processes);
    let plan = WatchPlan {
        gateway: cluster.gateway_url.clone(),
        auction_ids: ids.clone(),
        public: args.clients as usize,
        private: bidders[..args.private_clients as usize]
            .iter()
            .map(bearer)
            .collect::<anyhow::Result<_>>()?,
        wave: args.wave as usize,
        wave_timeout: Duration::from_secs(60),
        max_retries: 20,
    };
    // Memory per stream is what the second half of the streams adds: by then whatever
    // the setup freed and the allocator kept has been reused by the first half.
    let streams = plan.public + plan.private.len();
    let half = streams / 2;
    eprintln!("watchers: opening {streams} streams, half of them first");
    let mut watchers = Watchers::new(&plan, log.clone())?;
    let first = watchers.open(&plan, 0..half).await;
    tokio::time::sleep(SETTLE).await;
    let rss_half = Resident::of(&processes);
    let rest = watchers.open(&plan, half..streams).await;
    let opened = Opened {
        streams,
        late: first.late + rest.late,
        source_addresses: rest.source_addresses,
        took: first.took + rest.took,
    };
    eprintln!(
        "watchers: {} open in {:.1} s ({} late)",
        opened.streams,
        opened.took.as_secs_f64(),
        opened.late
    );
    // The same idle moment, so that what opening allocated and freed settles too.
    tokio::time::sleep(SETTLE).await;
    let rss_open = Resident::of(&processes);
    cluster.check_alive()?;

    let bid_paths: Vec<String> = ids
        .iter()
        .map(|id| format!("/api/auctions/{id}/bids"))
        .collect();
    let authorizations = bidders
        .iter()
        .map(bearer)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let bid_config = LiveBidConfig {
        rate: args.rate,
        duration: Duration::from_secs(args.seconds),
        in_flight: args.in_flight as usize,
        request_timeout: Duration::from_secs(10),
    };
    eprintln!("bids: {} per second for {} s", args.rate, args.seconds);
    let peak = Arc::new(AtomicU64::new(rss_open.total));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = tokio::spawn(sample_rss(
        processes.clone(),
        peak.clone(),
        sampling.clone(),
    ));
    let pids = cluster.pids();
    let cpu_before = cpu::Sample::take(&pids);
    let writes_before = (cpu::write_calls(&pids), Instant::now());
    let prices_before = watchers.prices_received();
    let first_bid = Instant::now();
    let load = match args.bids {
        BidOrder::InOrder => {
            let (gateway, host) = bench::http1::gateway_address(&cluster.gateway_url)?;
            let targets = PipelineTargets {
                gateway,
                host,
                bid_paths,
                bidders: authorizations
                    .iter()
                    .map(|a| a.to_str().map(str::to_owned))
                    .collect::<Result<_, _>>()?,
            };
            live_bids::run_in_order(Arc::new(targets), log, &bid_config).await?
        }
        BidOrder::Racing => {
            let targets = BidTargets {
                http: http.clone(),
                bid_urls: bid_paths
                    .iter()
                    .map(|path| format!("{}{path}", cluster.gateway_url))
                    .collect(),
                bidders: authorizations,
            };
            live_bids::run(Arc::new(targets), log, &bid_config).await
        }
    };
    let prices_during_load = watchers.prices_received() - prices_before;
    let cpu = cpu::Sample::take(&pids).since(&cpu_before);
    let platform_writes = match (writes_before, cpu::write_calls(&pids)) {
        ((Some(before), at), Some(after)) => Some(Writes {
            calls: after.saturating_sub(before),
            window: at.elapsed(),
        }),
        _ => None,
    };
    sampling.store(false, Ordering::Relaxed);
    sampler.await.ok();
    cluster.check_alive()?;

    let pool = platform_core::db::connect(&cluster.database_url, "bidding", 2)
        .await
        .context("connecting to the run's database")?;
    eprintln!("waiting for every bid to be decided");
    decisions::wait_settled(&pool, Duration::from_secs(120)).await?;
    let stored = decisions::read(&pool, &[]).await?;
    let (decisions, due) = (stored.decisions, stored.notices);
    pool.close().await;
    let notices_due: Vec<_> = bidders[..args.private_clients as usize]
        .iter()
        .map(|b| due.get(&b.id).copied().unwrap_or_default())
        .collect();
    let final_seqs = final_seqs(&api, &ids).await?;
    eprintln!("waiting for every watcher to catch up (final seq {final_seqs:?})");
    let want_notices: Vec<u64> = notices_due.iter().map(|n| n.total() as u64).collect();
    let short = watchers
        .wait_caught_up(
            &final_seqs,
            &want_notices,
            Duration::from_secs(args.drain_seconds),
        )
        .await;
    let delivery_window = first_bid.elapsed();
    let prices_total = watchers.prices_received();
    let watched = watchers.finish().await;
    Ok(LiveRun {
        machine,
        started,
        topology: args.topology.describe(),
        bus: match args.topology {
            Topology::Single => "in-process",
            Topology::Split => "Kafka protocol (tansu)",
        },
        open_files,
        auctions: ids.len(),
        bidders: bidders.len(),
        rate: args.rate,
        seconds: args.seconds,
        bid_order: args.bids.describe(),
        stream_buffer: args.stream_buffer.map(|b| b as usize),
        opened,
        rss_before,
        rss_half,
        streams_at_half: half,
        rss_open,
        rss_load_peak: peak.load(Ordering::Relaxed),
        load,
        decisions,
        final_seqs,
        watched,
        notices_due,
        prices_during_load,
        prices_total,
        delivery_window,
        short,
        cpu,
        platform_writes,
    })
}

fn bearer(user: &User) -> anyhow::Result<HeaderValue> {
    HeaderValue::from_str(&format!("Bearer {}", user.token))
        .context("a token is not a header value")
}

/// The highest resident total of the platform while `running`, sampled twice a second.
async fn sample_rss(processes: Vec<(String, u32)>, peak: Arc<AtomicU64>, running: Arc<AtomicBool>) {
    while running.load(Ordering::Relaxed) {
        peak.fetch_max(Resident::of(&processes).total, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Each auction's `seq` once the read model has every decision: two readings a second
/// apart that agree.
async fn final_seqs(api: &Api, ids: &[String]) -> anyhow::Result<Vec<i64>> {
    let mut last: Option<Vec<i64>> = None;
    for _ in 0..60 {
        let mut seqs = Vec::with_capacity(ids.len());
        for id in ids {
            let auction = api.auction(id).await?;
            seqs.push(auction["seq"].as_i64().context("no seq in the auction")?);
        }
        if last.as_ref() == Some(&seqs) {
            return Ok(seqs);
        }
        last = Some(seqs);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    last.context("no auction read")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_bounded() {
        assert!(Args::try_parse_from(["live", "--seconds", "301"]).is_err());
        assert!(Args::try_parse_from(["live", "--clients", "40001"]).is_err());
        assert!(Args::try_parse_from(["live", "--rate", "0"]).is_err());
        let args =
            Args::try_parse_from(["live", "--clients", "10000", "--topology", "split"]).unwrap();
        assert_eq!(args.clients, 10_000);
        assert_eq!(args.topology, Topology::Split);
        assert_eq!(args.auctions, 1);
        assert_eq!(args.bids, BidOrder::Racing);
        let args = Args::try_parse_from(["live", "--bids", "in-order"]).unwrap();
        assert_eq!(args.bids, BidOrder::InOrder);
    }
}
