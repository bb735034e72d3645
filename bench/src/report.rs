//! The printed result: a block for people reading the terminal and a markdown section to
//! paste into BENCHMARKS.md. Both show the machine and the target next to the figures.

use crate::broker::BrokerResult;
use crate::cpu::Usage;
use crate::decisions::Decisions;
use crate::engine::EngineMetrics;
use crate::latency::{ms, Latencies};
use crate::load::{LoadResult, LATE_AFTER};
use crate::machine::Machine;
use std::fmt::Write as _;
use std::time::Duration;

/// The target: accepted bids per second, and p99 of 202 → decision stored.
pub const TARGET_RATE: f64 = 5_000.0;
pub const TARGET_P99: Duration = Duration::from_millis(100);

pub struct PlatformRun {
    pub topology: &'static str,
    pub auctions: usize,
    pub bidders: usize,
    pub rate: u32,
    pub seconds: u64,
    pub command_partitions: i32,
    pub load: LoadResult,
    pub decisions: Decisions,
    /// 202 arrived at the client → decision stored, per bid.
    pub after_202: Latencies,
    pub cpu: Usage,
    /// The engine's own counters, when its `/metrics` could be read.
    pub engine: Option<EngineMetrics>,
}

pub struct Report {
    pub machine: Machine,
    pub started: chrono::DateTime<chrono::Utc>,
    pub broker: Option<BrokerResult>,
    pub platform: Option<PlatformRun>,
}

fn rate(x: f64) -> String {
    format!("{x:.0}/s")
}

fn verdict(run: &PlatformRun) -> String {
    let got = run.decisions.sustained_accepted_per_second();
    let p99 = run.after_202.summary().p99;
    let rate_ok = got >= TARGET_RATE;
    let p99_ok = p99 < TARGET_P99;
    let mut out = format!(
        "{} {} accepted/s vs {} target",
        if rate_ok { "MET" } else { "MISSED" },
        rate(got),
        rate(TARGET_RATE)
    );
    if !rate_ok {
        let _ = write!(out, " ({:.0} % of it", 100.0 * got / TARGET_RATE);
        if f64::from(run.rate) < TARGET_RATE {
            let _ = write!(out, "; only {} bids/s were offered", run.rate);
        }
        out.push(')');
    }
    let _ = write!(
        out,
        "; {} p99 {} vs < {}",
        if p99_ok { "MET" } else { "MISSED" },
        ms(p99),
        ms(TARGET_P99)
    );
    out
}

impl Report {
    pub fn text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "bid-path benchmark, {}",
            self.started.format("%Y-%m-%d %H:%M UTC")
        );
        let _ = writeln!(o, "machine: {}", self.machine);
        if let Some(b) = &self.broker {
            let _ = writeln!(
                o,
                "\nraw broker ({} messages of {} bytes, {} partitions, acks=all idempotent, produce phase then consume phase)",
                b.messages, b.message_bytes, b.partitions
            );
            let _ = writeln!(
                o,
                "  produce              {:>10}  ({:.2} s)",
                rate(b.produce_per_second()),
                b.produce.as_secs_f64()
            );
            let _ = writeln!(
                o,
                "  consume              {:>10}  ({:.2} s, group join {:.2} s not counted)",
                rate(b.consume_per_second()),
                b.consume.as_secs_f64(),
                b.join.as_secs_f64()
            );
            let _ = writeln!(
                o,
                "  produce+consume      {:>10}  (messages / both phases' time)",
                rate(b.round_trip_per_second())
            );
        }
        if let Some(p) = &self.platform {
            let d = &p.decisions;
            let l = &p.load;
            let _ = writeln!(
                o,
                "\nplatform: {} | {} auctions, {} bidders, {} command partitions",
                p.topology, p.auctions, p.bidders, p.command_partitions
            );
            let _ = writeln!(
                o,
                "load: open loop at {} bids/s for {} s, at most one bid in flight per auction (≤ {} concurrent)",
                p.rate, p.seconds, p.auctions
            );
            let _ = writeln!(
                o,
                "  bids sent            {:>10}  of {} scheduled, in {:.1} s (all answered)",
                l.sent,
                l.scheduled,
                l.elapsed.as_secs_f64()
            );
            let _ = writeln!(o, "  answered 202         {:>10}", l.accepted_202);
            if !l.other_statuses.is_empty() || l.failed > 0 {
                let _ = writeln!(
                    o,
                    "  other answers        {:?}, no answer {}",
                    l.other_statuses, l.failed
                );
            }
            let _ = writeln!(
                o,
                "  late starts          {:>10}  (> {} behind schedule; worst {})",
                l.late_starts,
                ms(LATE_AFTER),
                ms(l.max_lateness)
            );
            let _ = writeln!(o, "  client send → 202    {}", l.latency_202.summary());
            let _ = writeln!(o, "decisions stored (from Postgres):");
            let _ = writeln!(o, "  accepted             {:>10}", d.accepted);
            let _ = writeln!(
                o,
                "  rejected             {:>10}  {:?}",
                d.rejected, d.reasons
            );
            if d.pending > 0 {
                let _ = writeln!(o, "  STILL PENDING        {:>10}", d.pending);
            }
            let _ = writeln!(
                o,
                "  sustained accepted   {:>10}  (accepted / {:.2} s from first intake stamp to last decision)",
                rate(d.sustained_accepted_per_second()),
                d.window.as_secs_f64()
            );
            if let Some((low, median)) = d.steady_seconds() {
                let _ = writeln!(
                    o,
                    "  per whole second     median {median}, lowest {low} accepted"
                );
            }
            let _ = writeln!(o, "  202 → stored         {}", p.after_202.summary());
            let _ = writeln!(
                o,
                "  (202 as the client read it → the engine's decision stamp, written in the transaction that stores it)"
            );
            let _ = writeln!(o, "  intake stamp → stored {}", d.latency.summary());
            let _ = writeln!(
                o,
                "  (the intake stamps a bid before it stores and publishes it, so this includes the time to the 202)"
            );
            if let Some(e) = &p.engine {
                let _ = writeln!(
                    o,
                    "engine: {} batches, {:.0} commands per batch, {} per batch on average (decide + store + relay)",
                    e.batches,
                    e.commands_per_batch(),
                    ms(e.mean_batch_time())
                );
            }
            let _ = writeln!(o, "CPU during the load (cores of {}):", self.machine.cores);
            for (group, cores) in &p.cpu.cores {
                let _ = writeln!(o, "  {group:<20} {cores:>6.2}");
            }
            let _ = writeln!(
                o,
                "  machine busy total   {:>6.2}",
                p.cpu.machine_busy_cores
            );
            let _ = writeln!(o, "target: {}", verdict(p));
        }
        o
    }

    pub fn markdown(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "### Run of {}",
            self.started.format("%Y-%m-%d %H:%M UTC")
        );
        let _ = writeln!(o, "\nMachine: {}.\n", self.machine);
        let _ = writeln!(o, "| figure | value |\n|---|---|");
        if let Some(b) = &self.broker {
            let _ = writeln!(
                o,
                "| raw broker produce ({} × {} B, {} partitions) | {} |",
                b.messages,
                b.message_bytes,
                b.partitions,
                rate(b.produce_per_second())
            );
            let _ = writeln!(
                o,
                "| raw broker consume | {} |",
                rate(b.consume_per_second())
            );
            let _ = writeln!(
                o,
                "| raw broker produce+consume (both phases) | {} |",
                rate(b.round_trip_per_second())
            );
        }
        if let Some(p) = &self.platform {
            let d = &p.decisions;
            let s = d.latency.summary();
            let c = p.load.latency_202.summary();
            let _ = writeln!(o, "| topology | {} |", p.topology);
            let _ = writeln!(
                o,
                "| load | open loop {} bids/s × {} s, {} auctions, {} bidders |",
                p.rate, p.seconds, p.auctions, p.bidders
            );
            let _ = writeln!(
                o,
                "| bids scheduled / sent / answered 202 | {} / {} / {} |",
                p.load.scheduled, p.load.sent, p.load.accepted_202
            );
            let _ = writeln!(
                o,
                "| accepted / rejected / pending | {} / {} / {} |",
                d.accepted, d.rejected, d.pending
            );
            let _ = writeln!(
                o,
                "| **sustained accepted bids/s** | **{}** |",
                rate(d.sustained_accepted_per_second())
            );
            let a = p.after_202.summary();
            let _ = writeln!(
                o,
                "| 202 → decision stored p50 / p90 / **p99** / max | {} / {} / **{}** / {} |",
                ms(a.p50),
                ms(a.p90),
                ms(a.p99),
                ms(a.max)
            );
            let _ = writeln!(
                o,
                "| intake stamp → decision stored p50 / p90 / p99 / max | {} / {} / {} / {} |",
                ms(s.p50),
                ms(s.p90),
                ms(s.p99),
                ms(s.max)
            );
            let _ = writeln!(
                o,
                "| client send → 202 p50 / p99 | {} / {} |",
                ms(c.p50),
                ms(c.p99)
            );
            if let Some(e) = &p.engine {
                let _ = writeln!(
                    o,
                    "| engine batches: count / commands each / time each | {} / {:.0} / {} |",
                    e.batches,
                    e.commands_per_batch(),
                    ms(e.mean_batch_time())
                );
            }
            let split: Vec<String> = p
                .cpu
                .cores
                .iter()
                .map(|(g, c)| format!("{g} {c:.2}"))
                .collect();
            let _ = writeln!(o, "| CPU cores used during load | {} |", split.join(", "));
            let _ = writeln!(o, "| target (≥ 5,000/s, p99 < 100 ms) | {} |", verdict(p));
        }
        o
    }
}
