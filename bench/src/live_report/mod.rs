//! The live benchmark's result and its checks; [`print`] shows it as a block for the
//! terminal and a markdown table for BENCHMARKS.md, with the machine and the targets.

mod print;

use crate::cpu::Usage;
use crate::decisions::{Decisions, Notices};
use crate::latency::ms;
use crate::load::LoadResult;
use crate::machine::Machine;
use crate::memory::Resident;
use crate::watch::{Opened, Tally, Watched};
use std::time::Duration;

/// The targets for one process on the in-process bus.
pub const TARGET_P99: Duration = Duration::from_millis(100);
pub const TARGET_BYTES_PER_STREAM: f64 = 16.0 * 1024.0;

pub struct LiveRun {
    pub machine: Machine,
    pub started: chrono::DateTime<chrono::Utc>,
    pub topology: &'static str,
    pub bus: &'static str,
    pub open_files: u64,
    pub auctions: usize,
    pub bidders: usize,
    pub rate: u32,
    pub seconds: u64,
    /// How the bids were sent ([`crate::live_bids::BidOrder::describe`]).
    pub bid_order: &'static str,
    /// `NOTIFICATION_STREAM_BUFFER` when the run set it.
    pub stream_buffer: Option<usize>,
    pub opened: Opened,
    pub rss_before: Resident,
    /// With the first `streams_at_half` streams open.
    pub rss_half: Resident,
    pub streams_at_half: usize,
    pub rss_open: Resident,
    /// Highest total seen while the bids ran.
    pub rss_load_peak: u64,
    pub load: LoadResult,
    pub decisions: Decisions,
    /// `seq` of each auction at the end, from `GET /api/auctions/{id}`.
    pub final_seqs: Vec<i64>,
    pub watched: Watched,
    /// Notices due to each private watcher, in order.
    pub notices_due: Vec<Notices>,
    /// Price events received by all watchers while the bids ran, and in all.
    pub prices_during_load: u64,
    pub prices_total: u64,
    /// From the first bid sent to the moment every watcher had caught up (or gave up).
    pub delivery_window: Duration,
    /// Watchers still short of the final state when the run stopped waiting.
    pub short: usize,
    pub cpu: Usage,
    /// The platform's write calls while the bids ran, when they could be read.
    pub platform_writes: Option<Writes>,
}

/// Write calls counted over a window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Writes {
    pub calls: u64,
    pub window: Duration,
}

/// Figures derived from the tallies.
pub struct Checks {
    pub gaps: u64,
    pub duplicates: u64,
    pub reconnects: u64,
    pub resnapshots: u64,
    pub failed_requests: u64,
    pub gave_up: usize,
    pub unmatched: u64,
    /// Public watchers without every price event published after their snapshot.
    pub incomplete: usize,
    /// Price events the public watchers should have received in all.
    pub prices_due: u64,
    /// Private watchers whose notices differ from the stored decisions.
    pub notices_off: usize,
}

impl LiveRun {
    pub fn streams(&self) -> usize {
        self.watched.public.len() + self.watched.private.len()
    }

    /// Resident bytes the second half of the streams added, per stream (the first half
    /// may have reused memory the setup left); `None` when the server shrank meanwhile
    /// (the allocator returned more than the streams took: nothing measured).
    pub fn bytes_per_stream(&self) -> Option<f64> {
        let added = self.rss_open.total.checked_sub(self.rss_half.total)?;
        let streams = self.streams().checked_sub(self.streams_at_half)?;
        (streams > 0).then(|| added as f64 / streams as f64)
    }

    fn per_stream_text(&self) -> String {
        match self.bytes_per_stream() {
            Some(bytes) => format!("{:.1} KB", bytes / 1024.0),
            None => "not measured (the server shrank while they opened)".to_owned(),
        }
    }

    pub fn checks(&self) -> Checks {
        let all = || self.watched.public.iter().chain(&self.watched.private);
        let sum = |f: fn(&Tally) -> u64| all().map(f).sum::<u64>();
        let incomplete = self
            .watched
            .public
            .iter()
            .filter(|t| !self.complete(t))
            .count();
        let prices_due = self
            .watched
            .public
            .iter()
            .filter_map(|t| Some((self.final_seq(t)? - t.first_seq?).max(0) as u64))
            .sum();
        let notices_off = self
            .watched
            .private
            .iter()
            .zip(&self.notices_due)
            .filter(|(t, due)| {
                (t.accepted, t.rejected, t.outbid)
                    != (due.accepted as u64, due.rejected as u64, due.outbid as u64)
            })
            .count();
        Checks {
            gaps: sum(|t| t.gaps),
            duplicates: sum(|t| t.duplicates),
            reconnects: sum(|t| u64::from(t.reconnects)),
            resnapshots: sum(|t| t.resnapshots),
            failed_requests: sum(|t| u64::from(t.failed_requests)),
            gave_up: all().filter(|t| t.gave_up.is_some()).count(),
            unmatched: sum(|t| t.unmatched),
            incomplete,
            prices_due,
            notices_off,
        }
    }

    fn final_seq(&self, t: &Tally) -> Option<i64> {
        match t.watching {
            crate::watch::Watching::Auction(a) => self.final_seqs.get(a).copied(),
            crate::watch::Watching::Mine(_) => None,
        }
    }

    /// Every event after the first snapshot up to the final `seq` arrived, none twice.
    fn complete(&self, t: &Tally) -> bool {
        t.first_seq.is_some()
            && t.gaps == 0
            && t.gave_up.is_none()
            && self.final_seq(t).is_some_and(|f| t.last_id >= f)
    }

    fn events_per_second(&self) -> (f64, f64) {
        (
            self.prices_during_load as f64 / (self.seconds as f64).max(1e-9),
            self.prices_total as f64 / self.delivery_window.as_secs_f64().max(1e-9),
        )
    }

    /// The platform's writes while the bids ran: how many a second, the price events each
    /// carried on average, and the platform's CPU per write.
    pub fn writes_text(&self) -> Option<String> {
        let w = self.platform_writes?;
        let calls = w.calls.max(1) as f64;
        let seconds = w.window.as_secs_f64().max(1e-9);
        let platform_cores = self
            .cpu
            .cores
            .iter()
            .find(|(group, _)| *group == crate::cpu::GROUPS[0])
            .map_or(0.0, |(_, cores)| *cores);
        Some(format!(
            "{:.0}/s, {:.1} price events and {:.1} µs of platform CPU per write",
            w.calls as f64 / seconds,
            self.prices_during_load as f64 / calls,
            platform_cores * seconds / calls * 1e6
        ))
    }

    pub fn verdict(&self) -> String {
        let c = self.checks();
        let p99 = self.watched.price_latency.summary().p99;
        let mark = |ok: bool| if ok { "MET" } else { "MISSED" };
        format!(
            "{} p99 {} vs < {}; {} {} gaps, {} duplicates, {} watchers missing events; {} {} per stream vs < {:.0} KB",
            mark(p99 < TARGET_P99 && self.watched.price_latency.count() > 0),
            ms(p99),
            ms(TARGET_P99),
            mark(c.gaps == 0 && c.duplicates == 0 && c.incomplete == 0 && c.notices_off == 0),
            c.gaps,
            c.duplicates,
            c.incomplete + c.notices_off,
            match self.bytes_per_stream() {
                Some(bytes) => mark(bytes < TARGET_BYTES_PER_STREAM),
                None => "UNKNOWN",
            },
            self.per_stream_text(),
            TARGET_BYTES_PER_STREAM / 1024.0,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latency::Latencies;
    use crate::watch::Watching;

    fn run(public: Vec<Tally>, private: Vec<Tally>, due: Vec<Notices>) -> LiveRun {
        LiveRun {
            machine: Machine::of(None, None, 2),
            started: chrono::Utc::now(),
            topology: "one process",
            bus: "in-process",
            open_files: 20_000,
            auctions: 2,
            bidders: 2,
            rate: 10,
            bid_order: "in order",
            seconds: 1,
            stream_buffer: None,
            opened: Opened {
                streams: public.len() + private.len(),
                late: 0,
                source_addresses: 1,
                took: Duration::ZERO,
            },
            rss_before: Resident {
                processes: Vec::new(),
                total: 90 << 20,
            },
            rss_half: Resident {
                processes: Vec::new(),
                total: 100 << 20,
            },
            streams_at_half: (public.len() + private.len()) / 2,
            rss_open: Resident {
                processes: Vec::new(),
                total: (100 << 20) + 3 * 10_240,
            },
            rss_load_peak: 0,
            load: LoadResult::default(),
            decisions: Decisions {
                total: 0,
                pending: 0,
                accepted: 0,
                rejected: 0,
                reasons: Vec::new(),
                window: Duration::ZERO,
                latency: Latencies::new(),
                accepted_per_second: Vec::new(),
            },
            final_seqs: vec![20, 30],
            watched: Watched {
                public,
                private,
                price_latency: Latencies::new(),
                notice_latency: Latencies::new(),
                emitted_latency: Latencies::new(),
            },
            notices_due: due,
            prices_during_load: 0,
            prices_total: 0,
            delivery_window: Duration::from_secs(1),
            short: 0,
            cpu: Usage {
                cores: Vec::new(),
                machine_busy_cores: 0.0,
            },
            platform_writes: None,
        }
    }

    #[test]
    fn writes_are_told_per_second_per_event_and_per_cpu() {
        let mut run = run(Vec::new(), Vec::new(), Vec::new());
        assert_eq!(run.writes_text(), None);
        run.prices_during_load = 2_000_000;
        run.cpu.cores = vec![("platform", 0.9), ("postgres", 0.2)];
        run.platform_writes = Some(Writes {
            calls: 100_000,
            window: Duration::from_secs(2),
        });
        assert_eq!(
            run.writes_text().unwrap(),
            "50000/s, 20.0 price events and 18.0 µs of platform CPU per write"
        );
    }

    fn public(auction: usize, first: i64, last: i64, gaps: u64) -> Tally {
        let mut t = Tally::new(Watching::Auction(auction));
        t.first_seq = Some(first);
        t.last_id = last;
        t.gaps = gaps;
        t
    }

    #[test]
    fn watchers_short_of_the_final_seq_or_with_gaps_are_incomplete() {
        let mut mine = Tally::new(Watching::Mine(0));
        mine.accepted = 2;
        let due = Notices {
            accepted: 2,
            rejected: 0,
            outbid: 1,
        };
        let r = run(
            vec![
                public(0, 5, 20, 0),
                public(1, 10, 30, 0),
                public(0, 5, 19, 0),
                public(1, 10, 30, 2),
            ],
            vec![mine],
            vec![due],
        );
        let c = r.checks();
        assert_eq!(
            c.incomplete, 2,
            "one short of its auction's end, one with gaps"
        );
        assert_eq!(c.prices_due, 15 + 20 + 15 + 20);
        assert_eq!((c.gaps, c.notices_off), (2, 1));
        // 5 streams, 2 of them open at the half: the other 3 added 30 KiB.
        assert_eq!(r.bytes_per_stream(), Some(10_240.0));
        assert!(r.verdict().starts_with("MISSED"), "no latency measured");
    }

    #[test]
    fn a_server_that_shrank_gives_no_memory_figure() {
        let mut r = run(vec![public(0, 1, 20, 0)], Vec::new(), Vec::new());
        r.rss_open.total = r.rss_half.total - 1;
        assert_eq!(r.bytes_per_stream(), None);
        assert!(r.verdict().contains("UNKNOWN"));
        assert!(r.text().contains("not measured"));
        assert!(r.markdown().contains("not measured"));
    }
}
