//! What it costs a live stream to look at shutdown every time it is polled. Each of
//! `--streams` tasks holds one wait for shutdown and polls it, then yields, round after
//! round, on a runtime of `--threads` workers, all of them at once: the wait a stream's body
//! (and its connection) polls several times per batch of frames. Prints the time per poll
//! of each kind of wait next to tasks that poll nothing.
//!
//! `cargo run --release -p bench --bin end_poll -- --streams 10000 --rounds 200`

use clap::{Parser, ValueEnum};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};
use tokio::sync::{oneshot, watch, Barrier};
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
#[command(about = "What polling a wait for shutdown costs on many tasks at once")]
struct Args {
    /// Tasks, each with a wait of its own, polled together.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    streams: u32,
    /// Polls of its wait each task makes.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    rounds: u32,
    /// Worker threads of the runtime.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
    threads: u16,
    /// Runs of each kind, alternating.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=100))]
    runs: u16,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Wait {
    /// No wait at all: what polling and yielding cost by themselves.
    Nothing,
    /// A oneshot receiver of its own, whose sender goes at shutdown.
    Oneshot,
    /// `token.clone().cancelled_owned()`: every task on the one token.
    SharedToken,
    /// `token.child_token().cancelled_owned()`: a token of its own, under the shared one.
    ChildToken,
    /// `watch::Receiver::changed()` on one channel (what hyper-util's `GracefulShutdown`
    /// has every connection poll).
    Watch,
}

type Waiting = Pin<Box<dyn Future<Output = ()> + Send>>;

struct Shutdown {
    token: CancellationToken,
    watch: watch::Sender<()>,
    oneshots: Vec<oneshot::Sender<()>>,
}

impl Shutdown {
    fn wait(&mut self, kind: Wait) -> Option<Waiting> {
        Some(match kind {
            Wait::Nothing => return None,
            Wait::Oneshot => {
                let (tx, rx) = oneshot::channel();
                self.oneshots.push(tx);
                Box::pin(async move {
                    let _ = rx.await;
                })
            }
            Wait::SharedToken => Box::pin(self.token.clone().cancelled_owned()),
            Wait::ChildToken => Box::pin(self.token.child_token().cancelled_owned()),
            Wait::Watch => {
                let mut rx = self.watch.subscribe();
                Box::pin(async move {
                    let _ = rx.changed().await;
                })
            }
        })
    }
}

/// Wall time of all tasks' rounds, from when they all stand ready.
async fn run(kind: Wait, args: &Args) -> Duration {
    let mut shutdown = Shutdown {
        token: CancellationToken::new(),
        watch: watch::channel(()).0,
        oneshots: Vec::new(),
    };
    let ready = Arc::new(Barrier::new(args.streams as usize + 1));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..args.streams {
        let mut wait = shutdown.wait(kind);
        let (ready, rounds) = (ready.clone(), args.rounds);
        tasks.spawn(async move {
            ready.wait().await;
            for _ in 0..rounds {
                if let Some(wait) = wait.as_mut() {
                    std::future::poll_fn(|cx| {
                        assert!(wait.as_mut().poll(cx).is_pending(), "no shutdown yet");
                        Poll::Ready(())
                    })
                    .await;
                }
                tokio::task::yield_now().await;
            }
        });
    }
    ready.wait().await;
    let start = Instant::now();
    while tasks.join_next().await.is_some() {}
    let took = start.elapsed();
    shutdown.token.cancel();
    took
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads.into())
        .enable_all()
        .build()?;
    let kinds = Wait::value_variants();
    let polls = f64::from(args.streams) * f64::from(args.rounds);
    println!(
        "{} tasks x {} polls, {} worker threads, {} runs of each",
        args.streams, args.rounds, args.threads, args.runs
    );
    let mut took = vec![Vec::new(); kinds.len()];
    for _ in 0..args.runs {
        for (i, kind) in kinds.iter().enumerate() {
            took[i].push(runtime.block_on(run(*kind, &args)));
        }
    }
    let per_poll = |d: &Duration| d.as_secs_f64() * 1e9 * f64::from(args.threads) / polls;
    let floor = took[0].iter().map(per_poll).fold(f64::INFINITY, f64::min);
    println!("| wait | thread time per poll and yield, best / worst | above polling nothing |");
    println!("|---|---|---|");
    for (kind, runs) in kinds.iter().zip(&took) {
        let best = runs.iter().map(per_poll).fold(f64::INFINITY, f64::min);
        let worst = runs.iter().map(per_poll).fold(0.0, f64::max);
        println!(
            "| {kind:?} | {best:.0} / {worst:.0} ns | {:+.0} ns |",
            best - floor
        );
    }
    Ok(())
}
