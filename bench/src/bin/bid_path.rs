//! `bid-path`: the bid path through gateway, Kafka-protocol broker, engine and Postgres,
//! measured next to the raw broker in the same run. Prints the figures and the machine,
//! then a markdown section for BENCHMARKS.md. Sends load only to loopback addresses, for
//! a bounded number of seconds.

use anyhow::Context as _;
use bench::api::{http_client, Api, Lots};
use bench::broker::{self, BrokerConfig};
use bench::cluster::{BusChoice, Cluster, ClusterConfig, PlatformArgs, Topology};
use bench::engine::EngineMetrics;
use bench::load::{self, LoadConfig, Targets};
use bench::machine::Machine;
use bench::report::{PlatformRun, Report};
use bench::{cpu, decisions};
use clap::Parser;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum Bus {
    Kafka,
    Embedded,
    Memory,
}

#[derive(Parser, Debug)]
#[command(
    name = "bid-path",
    about = "Benchmark of the bid path next to the raw broker"
)]
struct Args {
    #[command(flatten)]
    platform: PlatformArgs,
    #[arg(long, value_enum, default_value = "single")]
    topology: Topology,
    /// The platform's bus: the Kafka-protocol broker, the one-process default (the
    /// in-process log journaled in PostgreSQL) or the in-process log alone (kept in
    /// memory only); the last two with `--topology single` only.
    #[arg(long, value_enum, default_value = "kafka")]
    bus: Bus,

    /// Messages of the raw broker run (1,000 to 2,000,000).
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u64).range(1_000..=2_000_000))]
    broker_messages: u64,
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(40..=10_000))]
    message_bytes: u64,
    /// Partitions of the raw topic and of the platform's command and event topics.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(i32).range(1..=64))]
    partitions: i32,

    /// Open auctions the bids spread over (also the most bids in flight at once).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=2_000))]
    auctions: u64,
    /// Bidders (each signup costs an argon2 hash).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(2..=2_000))]
    bidders: u64,
    /// Bids per second on the schedule.
    #[arg(long, default_value_t = 6_000, value_parser = clap::value_parser!(u32).range(1..=50_000))]
    rate: u32,
    /// Seconds of load.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=300))]
    seconds: u64,

    #[arg(long)]
    skip_broker: bool,
    #[arg(long)]
    skip_platform: bool,
    /// Where the platform's logs go.
    #[arg(long, default_value = "/tmp/bid-path-bench")]
    logs: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    args.platform.ensure_loopback()?;
    let mut report = Report {
        machine: Machine::current(),
        started: chrono::Utc::now(),
        broker: None,
        platform: None,
    };
    eprintln!("machine: {}", report.machine);

    if !args.skip_broker {
        eprintln!(
            "raw broker: producing then consuming {} messages",
            args.broker_messages
        );
        let config = BrokerConfig {
            brokers: args.platform.kafka.clone(),
            messages: args.broker_messages as usize,
            message_bytes: args.message_bytes as usize,
            partitions: args.partitions,
            keys: args.auctions as usize,
            in_flight: 20_000,
            time_limit: Duration::from_secs(300),
        };
        report.broker = Some(broker::run(&config).await?);
    }
    if !args.skip_platform {
        report.platform = Some(platform_run(&args).await?);
    }

    println!("{}", report.text());
    println!(
        "----- markdown for BENCHMARKS.md -----\n{}",
        report.markdown()
    );
    Ok(())
}

async fn platform_run(args: &Args) -> anyhow::Result<PlatformRun> {
    let config = ClusterConfig {
        binary: bench::cluster::release_binary(args.platform.platform_bin.clone()),
        base_database_url: args.platform.database_url.clone(),
        bus: match args.bus {
            Bus::Kafka => BusChoice::Kafka(args.platform.kafka.clone()),
            Bus::Embedded => BusChoice::Embedded,
            Bus::Memory => BusChoice::Memory,
        },
        topology: args.topology,
        command_partitions: args.partitions,
        event_partitions: args.partitions,
        database_max_connections: args.platform.db_connections,
        logs: args.logs.clone(),
        extra_env: Vec::new(),
    };
    anyhow::ensure!(
        matches!(args.bus, Bus::Kafka) || matches!(args.topology, Topology::Single),
        "--bus embedded and --bus memory run one process only (--topology single)"
    );
    eprintln!("platform: starting {}", args.topology.describe());
    let mut cluster = Cluster::start(&config).await?;
    eprintln!("platform: ready, logs in {}", cluster.logs.display());
    let outcome = load_and_measure(args, &mut cluster).await;
    cluster.stop();
    if !args.platform.keep {
        cluster.drop_run_data(&config).await;
    }
    outcome
}

async fn load_and_measure(args: &Args, cluster: &mut Cluster) -> anyhow::Result<PlatformRun> {
    let auctions = args.auctions as usize;
    // The setup and the metrics only: the bids go over connections of their own.
    let http = http_client(32)?;
    let api = Api::new(cluster.gateway_url.clone(), http.clone());
    let (ids, bidders) = bench::api::set_up_lots(
        &api,
        &Lots {
            title: "Benchmark lot",
            starting_price: 1_000,
            auctions: args.auctions,
            bidders: args.bidders,
            lasting: Duration::from_secs(args.seconds + 30 * 60),
        },
    )
    .await?;
    cluster.check_alive()?;

    let starting_price = 1_000;
    let (gateway, host) = bench::http1::gateway_address(&cluster.gateway_url)?;
    let targets = Arc::new(Targets {
        gateway,
        host,
        bid_paths: ids
            .iter()
            .map(|id| format!("/api/auctions/{id}/bids"))
            .collect(),
        starting_prices: vec![starting_price; auctions],
        bidders: bidders
            .iter()
            .map(|b| format!("Bearer {}", b.token))
            .collect(),
        increments: bidding::domain::IncrementTable::default(),
    });
    let load_config = LoadConfig {
        rate: args.rate,
        duration: Duration::from_secs(args.seconds),
        request_timeout: Duration::from_secs(10),
    };
    eprintln!("load: {} bids/s for {} s", args.rate, args.seconds);
    let engine_before = EngineMetrics::fetch(&http, &cluster.engine_metrics_url).await;
    let before = cpu::Sample::take(&cluster.pids());
    let load = load::run(targets, &load_config).await;
    let cpu = cpu::Sample::take(&cluster.pids()).since(&before);
    cluster.check_alive()?;

    let pool = platform_core::db::connect(&cluster.database_url, "bidding", 2)
        .await
        .context("connecting to the run's database")?;
    eprintln!("waiting for every bid to be decided");
    let pending = decisions::wait_settled(&pool, Duration::from_secs(120)).await?;
    if pending > 0 {
        eprintln!("{pending} bids still pending after 120 s");
    }
    let stored = decisions::read(&pool, &load.answered).await?;
    pool.close().await;
    let engine_after = EngineMetrics::fetch(&http, &cluster.engine_metrics_url).await;
    let engine = match (engine_before, engine_after) {
        (Some(before), Some(after)) => Some(after.since(&before)),
        _ => None,
    };
    Ok(PlatformRun {
        topology: match args.bus {
            Bus::Kafka => args.topology.describe(),
            Bus::Embedded => "one process (SERVICES=all), the embedded bus (journaled)",
            Bus::Memory => "one process (SERVICES=all), the in-memory bus",
        },
        auctions,
        bidders: bidders.len(),
        rate: args.rate,
        seconds: args.seconds,
        command_partitions: args.partitions,
        load,
        decisions: stored.decisions,
        after_202: stored.after_202,
        cpu,
        engine,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_bounded() {
        assert!(Args::try_parse_from(["bid-path", "--seconds", "301"]).is_err());
        assert!(Args::try_parse_from(["bid-path", "--bidders", "1"]).is_err());
        let args = Args::try_parse_from(["bid-path", "--topology", "split"]).unwrap();
        assert_eq!(args.topology, Topology::Split);
        assert_eq!(args.rate, 6_000);
    }
}
