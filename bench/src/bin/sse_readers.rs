//! What reading live events costs a watcher: the watchers' own SSE reader, which reads
//! events in place from the piece it is handed, against eventsource-stream, over the same
//! pieces of price events, on one thread, bounded in time. No sockets and no platform.
//!
//! `cargo run --release -p bench --bin sse-readers -- --watchers 1000 --events-per-piece 28 --seconds 3`

use anyhow::Context;
use bench::cpu::times_of;
use bench::machine::Machine;
use bench::sse_cost::{self, Pieces, Read, Reader};
use clap::{Parser, ValueEnum};
use std::time::Duration;

/// What the live benchmark's watchers took at most in one run (`BENCHMARKS.md`, live
/// updates): 3.1 million events a second, on the load generator's share of two cores.
const LIVE_EVENTS_PER_SECOND: f64 = 3.1e6;

#[derive(Parser)]
#[command(
    about = "What reading live events costs a watcher: the in-place SSE reader against eventsource-stream"
)]
struct Args {
    /// Watchers, each with a reader of its own, handed one piece per round.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..=20_000))]
    watchers: u64,
    /// Price events in each piece (28 are about 13 KB, what one write carried in the live runs).
    #[arg(long, default_value_t = 28, value_parser = clap::value_parser!(u64).range(1..=200))]
    events_per_piece: u64,
    /// Seconds each reader reads, per case.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=60))]
    seconds: u64,
    /// Only this reader (both by default).
    #[arg(long, value_enum)]
    reader: Option<Reader>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    println!("SSE readers on {}, one thread", Machine::current());
    let readers = match args.reader {
        Some(reader) => vec![reader],
        None => vec![Reader::InPlace, Reader::EventsourceStream],
    };
    for (variants, case) in [
        (1, "one auction: every watcher gets the same bytes"),
        (9, "many auctions: neighbouring watchers' pieces differ"),
    ] {
        let pieces = Pieces::new(args.events_per_piece as usize, variants);
        println!(
            "{case}; {} watchers, {} events ({} bytes) a piece, {} s",
            args.watchers,
            pieces.events_per_piece,
            pieces.bytes_per_piece(),
            args.seconds
        );
        let mut reads: Vec<Read> = Vec::new();
        for reader in &readers {
            let me = std::process::id();
            let before = times_of(me).context("reading /proc/self/stat")?;
            let read = sse_cost::run(
                *reader,
                &pieces,
                args.watchers as usize,
                Duration::from_secs(args.seconds),
                usize::MAX,
            );
            let after = times_of(me).context("reading /proc/self/stat")?;
            let (user, system) = after.seconds_since(&before);
            let cpu = user + system;
            let per_event = cpu / read.events.max(1) as f64;
            println!(
                "  {:<19} {:>12.0} events/s  {:>7.1} ns CPU per event  {:.2} cores busy  {:.2} cores for {:.1} M events/s",
                value_name(*reader),
                read.events_per_second(),
                per_event * 1e9,
                cpu / read.elapsed.as_secs_f64().max(1e-9),
                per_event * LIVE_EVENTS_PER_SECOND,
                LIVE_EVENTS_PER_SECOND / 1e6,
            );
            reads.push(read);
        }
        // The readers must agree on what they read: the same sums per event.
        if let [a, b] = reads.as_slice() {
            let average = |r: &Read| {
                (
                    r.id_sum as f64 / r.events.max(1) as f64,
                    r.amount_sum as f64 / r.events.max(1) as f64,
                )
            };
            anyhow::ensure!(a.events > 0 && b.events > 0, "a reader read no events");
            println!(
                "  average id and amount read: {:?} and {:?}",
                average(a),
                average(b)
            );
        }
    }
    Ok(())
}

/// How `value` is written on the command line.
fn value_name(value: impl ValueEnum) -> String {
    value
        .to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}
