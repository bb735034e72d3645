//! The floor under live fan-out: one piece written to each of `--streams` loopback TCP
//! connections, round after round, and read by a second process, with nothing else in
//! the way. Prints the CPU each side spent per write and how long a round took.
//!
//! `cargo run --release -p bench --bin loopback -- --streams 10000 --bytes 13000 --seconds 10`

use anyhow::{bail, Context};
use bench::cpu::{times_of, Times};
use bench::latency::ms;
use bench::loopback::{self, Payload, ReaderKind, WriterKind};
use bench::machine::{raise_open_files_limit, Machine};
use clap::{Parser, ValueEnum};
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(
    about = "What writing to many loopback TCP connections costs, with no HTTP and no application: the floor under live fan-out"
)]
struct Args {
    /// Connections written to in every round.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=18_000))]
    streams: u32,
    /// Bytes of event text per write.
    #[arg(long, default_value_t = 13_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    bytes: u32,
    /// Seconds of rounds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=120))]
    seconds: u64,
    /// Frame each write as one HTTP/1.1 chunk (three pieces in one `writev`), as a
    /// streamed response body is written.
    #[arg(long)]
    chunked: bool,
    /// How the writing side makes its writes.
    #[arg(long, value_enum, default_value_t = WriterKind::Bare)]
    writer: WriterKind,
    /// Threads the writing side writes on.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=64))]
    threads: u16,
    /// How the reading side reads.
    #[arg(long, value_enum, default_value_t = ReaderKind::Bare)]
    reader: ReaderKind,
    /// Run as the reading side, connecting to this address (the benchmark starts itself so).
    #[arg(long, hide = true)]
    read_from: Option<SocketAddr>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let files = raise_open_files_limit()?;
    if let Some(to) = args.read_from {
        return read_side(to, &args);
    }
    let machine = Machine::current();
    println!("loopback fan-out floor on {machine}");
    println!(
        "streams {}, {} bytes per write{}, {} s, writer {:?} on {} thread(s), reader {:?}, open files limit {files}",
        args.streams,
        args.bytes,
        if args.chunked {
            " as one HTTP/1.1 chunk"
        } else {
            ""
        },
        args.seconds,
        args.writer,
        args.threads,
        args.reader,
    );

    let listener = TcpListener::bind("127.0.0.1:0")?;
    let address = listener.local_addr()?;
    let mut child = Command::new(std::env::current_exe()?)
        .args(["--read-from", &address.to_string()])
        .args(["--streams", &args.streams.to_string()])
        .args(["--seconds", &args.seconds.to_string()])
        .args(["--reader", &value_name(args.reader)])
        .stdout(Stdio::piped())
        .spawn()
        .context("starting the reading side")?;
    let reader_pid = child.id();
    let mut lines = BufReader::new(child.stdout.take().context("reader's output")?).lines();

    let streams = loopback::accept(&listener, args.streams as usize, Duration::from_secs(120))
        .context("waiting for the reading side's connections")?;
    match lines.next() {
        Some(Ok(line)) if line == "connected" => {}
        other => bail!("the reading side did not connect: {other:?}"),
    }

    let payload = Payload::new(args.bytes as usize, args.chunked);
    let (writer_before, reader_before) = (own_times()?, times_of(reader_pid));
    let (written, streams) = loopback::write_rounds(
        args.writer,
        args.threads as usize,
        streams,
        &payload,
        Duration::from_secs(args.seconds),
    )?;
    let (writer_after, reader_after) = (own_times()?, times_of(reader_pid));
    drop(streams);

    let read = lines
        .next()
        .context("the reading side ended without its totals")??;
    child.wait()?;
    let read_bytes: u64 = read
        .strip_prefix("read ")
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .with_context(|| format!("the reading side's totals: {read}"))?;

    let seconds = written.elapsed.as_secs_f64().max(1e-9);
    let writes = written.writes.max(1) as f64;
    let rounds = written.round_times.summary();
    println!(
        "rounds: {} ({:.1} a second); one round over every stream: p50 {}  p99 {}  max {}",
        written.rounds,
        written.rounds as f64 / seconds,
        ms(rounds.p50),
        ms(rounds.p99),
        ms(rounds.max)
    );
    println!(
        "writes: {:.0} a second, {} short (the socket took less than the whole piece)",
        written.writes as f64 / seconds,
        written.short
    );
    println!(
        "bytes: {:.2} GB written ({:.2} GB/s), {:.2} GB read",
        written.bytes as f64 / 1e9,
        written.bytes as f64 / 1e9 / seconds,
        read_bytes as f64 / 1e9
    );
    let (user, system) = writer_after.seconds_since(&writer_before);
    print_side("writer", user, system, seconds, writes);
    match (reader_before, reader_after) {
        (Some(before), Some(after)) => {
            let (user, system) = after.seconds_since(&before);
            print_side("reader", user, system, seconds, writes);
        }
        _ => println!("reader CPU: not read (the process was gone)"),
    }
    Ok(())
}

fn print_side(side: &str, user: f64, system: f64, seconds: f64, writes: f64) {
    println!(
        "{side} CPU: {:.2} cores (user {:.2}, system {:.2}), {:.2} µs per write",
        (user + system) / seconds,
        user / seconds,
        system / seconds,
        (user + system) / writes * 1e6
    );
}

fn own_times() -> anyhow::Result<Times> {
    times_of(std::process::id()).context("reading /proc/self/stat")
}

/// How `value` is written on the command line.
fn value_name(value: impl ValueEnum) -> String {
    value
        .to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

/// The reading side: connects, says so, reads until every connection ends (or well past
/// the writer's time), then prints its totals.
fn read_side(to: SocketAddr, args: &Args) -> anyhow::Result<()> {
    let streams = loopback::connect(to, args.streams as usize)?;
    println!("connected");
    let deadline = Instant::now() + Duration::from_secs(args.seconds + 60);
    let totals = loopback::read_all(args.reader, streams, deadline)?;
    println!("read {} {} {}", totals.bytes, totals.reads, totals.closed);
    Ok(())
}
