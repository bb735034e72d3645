//! The printed forms of a live run.

use super::LiveRun;
use crate::latency::ms;
use crate::memory::{mib, Resident};
use std::fmt::Write as _;

impl LiveRun {
    pub fn text(&self) -> String {
        let mut o = String::new();
        let c = self.checks();
        let d = &self.decisions;
        let l = &self.load;
        let (during, overall) = self.events_per_second();
        let w = |o: &mut String, label: &str, value: String| {
            let _ = writeln!(o, "  {label:<34} {value}");
        };
        let _ = writeln!(
            o,
            "live-updates benchmark, {}",
            self.started.format("%Y-%m-%d %H:%M UTC")
        );
        let _ = writeln!(
            o,
            "machine: {}; open files allowed per process: {}",
            self.machine, self.open_files
        );
        let _ = writeln!(o, "platform: {}, bus: {}", self.topology, self.bus);
        if let Some(b) = self.stream_buffer {
            let _ = writeln!(o, "NOTIFICATION_STREAM_BUFFER={b}");
        }
        let _ = writeln!(
            o,
            "watchers: {} public on {} auction(s), {} private; from {} source addresses, opened in {:.1} s ({} late)",
            self.watched.public.len(),
            self.auctions,
            self.watched.private.len(),
            self.opened.source_addresses,
            self.opened.took.as_secs_f64(),
            self.opened.late
        );
        let _ = writeln!(
            o,
            "bids: {} bidders, open loop {} bids/s for {} s, sent {}",
            self.bidders, self.rate, self.seconds, self.bid_order
        );
        w(
            &mut o,
            "scheduled / sent / answered 202",
            format!("{} / {} / {}", l.scheduled, l.sent, l.accepted_202),
        );
        if !l.other_statuses.is_empty() || l.failed > 0 {
            w(
                &mut o,
                "other answers / no answer",
                format!("{:?} / {}", l.other_statuses, l.failed),
            );
        }
        w(
            &mut o,
            "late starts (worst)",
            format!("{} ({})", l.late_starts, ms(l.max_lateness)),
        );
        w(
            &mut o,
            "client send → 202",
            l.latency_202.summary().to_string(),
        );
        w(
            &mut o,
            "accepted / rejected / pending",
            format!(
                "{} / {} / {}  {:?}",
                d.accepted, d.rejected, d.pending, d.reasons
            ),
        );
        w(
            &mut o,
            "accepted bids/s",
            format!(
                "{:.0}/s (202s: {:.0}/s)",
                d.sustained_accepted_per_second(),
                l.accepted_202 as f64 / l.elapsed.as_secs_f64().max(1e-9)
            ),
        );
        w(
            &mut o,
            "intake stamp → decision stored",
            d.latency.summary().to_string(),
        );
        let _ = writeln!(o, "delivery:");
        w(
            &mut o,
            "bid sent → price received",
            self.watched.price_latency.summary().to_string(),
        );
        w(
            &mut o,
            "engine emitted → price received",
            format!(
                "{}  (1 watcher in 50)",
                self.watched.emitted_latency.summary()
            ),
        );
        w(
            &mut o,
            "bid sent → bid.accepted received",
            self.watched.notice_latency.summary().to_string(),
        );
        w(
            &mut o,
            "price events received / due",
            format!("{} / {}", self.prices_total, c.prices_due),
        );
        w(
            &mut o,
            "price events/s delivered",
            format!(
                "{during:.0}/s during the bids, {overall:.0}/s first bid → caught up ({:.1} s)",
                self.delivery_window.as_secs_f64()
            ),
        );
        w(
            &mut o,
            "gaps / duplicates",
            format!("{} / {}", c.gaps, c.duplicates),
        );
        w(
            &mut o,
            "reconnects / late snapshots",
            format!("{} / {}", c.reconnects, c.resnapshots),
        );
        w(
            &mut o,
            "failed requests / gave up",
            format!("{} / {}", c.failed_requests, c.gave_up),
        );
        w(
            &mut o,
            "public watchers missing events",
            c.incomplete.to_string(),
        );
        w(
            &mut o,
            "private watchers with wrong notices",
            c.notices_off.to_string(),
        );
        if c.unmatched > 0 {
            w(
                &mut o,
                "amounts naming no bid sent",
                c.unmatched.to_string(),
            );
        }
        if self.short > 0 {
            w(
                &mut o,
                "still short when the wait ended",
                self.short.to_string(),
            );
        }
        let _ = writeln!(o, "server memory (VmRSS):");
        w(&mut o, "before the streams", resident(&self.rss_before));
        w(
            &mut o,
            &format!("{} streams open, idle", self.streams_at_half),
            resident(&self.rss_half),
        );
        w(&mut o, "all streams open, idle", resident(&self.rss_open));
        w(&mut o, "per stream", self.per_stream_text());
        w(&mut o, "peak during the bids", mib(self.rss_load_peak));
        let _ = writeln!(o, "CPU during the bids (cores of {}):", self.machine.cores);
        for (group, cores) in &self.cpu.cores {
            w(&mut o, group, format!("{cores:.2}"));
        }
        if let Some(writes) = self.writes_text() {
            w(&mut o, "platform writes", writes);
        }
        let _ = writeln!(o, "target: {}", self.verdict());
        o
    }

    pub fn markdown(&self) -> String {
        let mut o = String::new();
        let c = self.checks();
        let d = &self.decisions;
        let p = self.watched.price_latency.summary();
        let n = self.watched.notice_latency.summary();
        let e = self.watched.emitted_latency.summary();
        let (during, _) = self.events_per_second();
        let _ = writeln!(
            o,
            "### Run of {}\n",
            self.started.format("%Y-%m-%d %H:%M UTC")
        );
        let _ = writeln!(
            o,
            "Machine: {}; {} open files allowed per process.\n",
            self.machine, self.open_files
        );
        let _ = writeln!(o, "| figure | value |\n|---|---|");
        let mut row = |k: &str, v: String| {
            let _ = writeln!(o, "| {k} | {v} |");
        };
        row("platform", format!("{}, bus: {}", self.topology, self.bus));
        row(
            "watchers",
            format!(
                "{} public on {} auction(s) + {} private, from {} source addresses",
                self.watched.public.len(),
                self.auctions,
                self.watched.private.len(),
                self.opened.source_addresses
            ),
        );
        row(
            "bids offered",
            format!(
                "{} bids/s × {} s, {} bidders, sent {}",
                self.rate, self.seconds, self.bidders, self.bid_order
            ),
        );
        row(
            "answered 202 / accepted / rejected",
            format!(
                "{} / {} / {}",
                self.load.accepted_202, d.accepted, d.rejected
            ),
        );
        row(
            "**accepted bids/s**",
            format!("**{:.0}/s**", d.sustained_accepted_per_second()),
        );
        row(
            "bid sent → price received p50 / p99 / max",
            format!("{} / **{}** / {}", ms(p.p50), ms(p.p99), ms(p.max)),
        );
        row(
            "engine emitted → price received p50 / p99 / max (1 watcher in 50)",
            format!("{} / {} / {}", ms(e.p50), ms(e.p99), ms(e.max)),
        );
        row(
            "bid sent → own `bid.accepted` p50 / p99 / max",
            format!("{} / {} / {}", ms(n.p50), ms(n.p99), ms(n.max)),
        );
        row(
            "price events delivered",
            format!(
                "{} of {} due; {during:.0}/s during the bids",
                self.prices_total, c.prices_due
            ),
        );
        row(
            "gaps / duplicates / watchers missing events",
            format!(
                "{} / {} / {}",
                c.gaps,
                c.duplicates,
                c.incomplete + c.notices_off
            ),
        );
        row(
            "reconnects / late snapshots / gave up",
            format!("{} / {} / {}", c.reconnects, c.resnapshots, c.gave_up),
        );
        row(
            "server RSS before / half the streams open / all open / peak under load",
            format!(
                "{} / {} / {} / {}",
                mib(self.rss_before.total),
                mib(self.rss_half.total),
                mib(self.rss_open.total),
                mib(self.rss_load_peak)
            ),
        );
        row(
            "**server memory per stream**",
            format!("**{}**", self.per_stream_text()),
        );
        let cpu: Vec<String> = self
            .cpu
            .cores
            .iter()
            .map(|(g, c)| format!("{g} {c:.2}"))
            .collect();
        row("CPU cores during the bids", cpu.join(", "));
        if let Some(writes) = self.writes_text() {
            row("platform write calls during the bids", writes);
        }
        row(
            "target (p99 < 100 ms, 0 gaps/dups, < 16 KB per stream)",
            self.verdict(),
        );
        o
    }
}

fn resident(r: &Resident) -> String {
    let parts: Vec<String> = r
        .processes
        .iter()
        .map(|(role, bytes)| format!("{role} {}", mib(*bytes)))
        .collect();
    if parts.len() > 1 {
        format!("{} ({})", mib(r.total), parts.join(", "))
    } else {
        mib(r.total)
    }
}
