//! What the engine stored, read back after a run through the bidding service's own
//! functions (`bidding::store::decisions`): each bid request with its outcome, in one pass.
//! `received_at` is stamped by the intake before it answers 202 and `decided_at` by the
//! engine in the transaction that stores the decision, so `decided_at - received_at` is an
//! upper bound of "202 → decision stored". The client's own clock (the same machine's) says
//! when each 202 arrived: `decided_at` minus that is "202 → decision stored" itself, as the
//! target names it. `decided_at` is taken as the engine writes the batch's decisions, a
//! moment before the batch's transaction commits.

use crate::latency::Latencies;
use bidding::store::decisions::Decision;
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use sqlx::PgPool;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use vocabulary::{AuctionId, UserId};

#[derive(Debug)]
pub struct Decisions {
    pub total: i64,
    pub pending: i64,
    pub accepted: i64,
    pub rejected: i64,
    /// Rejections by reason, most frequent first.
    pub reasons: Vec<(String, i64)>,
    /// From the first intake stamp to the last decision.
    pub window: Duration,
    /// `decided_at - received_at` of every decided bid.
    pub latency: Latencies,
    /// Accepted decisions stored in each whole second of the window, in order.
    pub accepted_per_second: Vec<i64>,
}

impl Decisions {
    /// Accepted bids per second over the whole window.
    pub fn sustained_accepted_per_second(&self) -> f64 {
        self.accepted as f64 / self.window.as_secs_f64().max(1e-9)
    }

    /// Lowest and median accepted count of the full seconds inside the window (the first
    /// and last, ramping, are left out), when there are any.
    pub fn steady_seconds(&self) -> Option<(i64, i64)> {
        steady_seconds(&self.accepted_per_second)
    }
}

pub fn steady_seconds(per_second: &[i64]) -> Option<(i64, i64)> {
    if per_second.len() < 3 {
        return None;
    }
    let mut inner = per_second[1..per_second.len() - 1].to_vec();
    inner.sort_unstable();
    Some((inner[0], inner[inner.len() / 2]))
}

/// The notices a bidder's private stream must carry for the stored decisions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Notices {
    pub accepted: i64,
    pub rejected: i64,
    /// Times another bidder's accepted bid took the lead from this one.
    pub outbid: i64,
}

impl Notices {
    pub fn total(&self) -> i64 {
        self.accepted + self.rejected + self.outbid
    }
}

/// Waits until no bid is pending any more (or `timeout`); returns how many still are.
pub async fn wait_settled(pool: &PgPool, timeout: Duration) -> sqlx::Result<i64> {
    let started = Instant::now();
    loop {
        let pending = bidding::store::decisions::pending(pool).await?;
        if pending == 0 || started.elapsed() >= timeout {
            return Ok(pending);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// What the stored decisions say about a run.
#[derive(Debug)]
pub struct Stored {
    pub decisions: Decisions,
    /// For each bid answered 202 whose decision is stored: the time from the answer to
    /// the decision (see [`Reading::new`]).
    pub after_202: Latencies,
    /// Notices due to each bidder (by user id), from the decided bids.
    pub notices: HashMap<String, Notices>,
}

/// Reads every stored bid once. `pool` is a pool of the `bidding` schema
/// (`platform_core::db::connect(url, "bidding", n)`); `answered` are the bids answered 202,
/// each with the wall-clock time its answer arrived (empty when not measured).
pub async fn read(pool: &PgPool, answered: &[(uuid::Uuid, DateTime<Utc>)]) -> sqlx::Result<Stored> {
    let mut reading = Reading::new(answered);
    let mut rows = bidding::store::decisions::decisions(pool);
    while let Some(decision) = rows.try_next().await? {
        reading.add(&decision);
    }
    Ok(reading.finish())
}

/// The figures of [`Stored`], built up one decision at a time. Decisions come ordered by
/// auction, then by `seq`, which is how leads are followed from bid to bid.
pub struct Reading {
    answered: HashMap<uuid::Uuid, DateTime<Utc>>,
    total: i64,
    pending: i64,
    accepted: i64,
    rejected: i64,
    reasons: HashMap<String, i64>,
    first_received: Option<DateTime<Utc>>,
    last_decided: Option<DateTime<Utc>>,
    latency: Latencies,
    accepted_at: Vec<DateTime<Utc>>,
    after_202: Latencies,
    notices: HashMap<UserId, Notices>,
    /// The auction and bidder of the accepted bid seen last.
    leader: Option<(AuctionId, UserId)>,
}

impl Reading {
    /// Decisions stamped before their 202 arrived (the engine can be quicker than the
    /// client's reading of the answer) count as 0 in `after_202`.
    pub fn new(answered: &[(uuid::Uuid, DateTime<Utc>)]) -> Self {
        Self {
            answered: answered.iter().copied().collect(),
            total: 0,
            pending: 0,
            accepted: 0,
            rejected: 0,
            reasons: HashMap::new(),
            first_received: None,
            last_decided: None,
            latency: Latencies::new(),
            accepted_at: Vec::new(),
            after_202: Latencies::new(),
            notices: HashMap::new(),
            leader: None,
        }
    }

    pub fn add(&mut self, d: &Decision) {
        self.total += 1;
        self.first_received = Some(
            self.first_received
                .map_or(d.received_at, |first| first.min(d.received_at)),
        );
        let notices = self.notices.entry(d.bidder_id).or_default();
        match d.status.as_str() {
            "accepted" => {
                self.accepted += 1;
                notices.accepted += 1;
            }
            "rejected" => {
                self.rejected += 1;
                notices.rejected += 1;
                let reason = d.reason.clone().unwrap_or_default();
                *self.reasons.entry(reason).or_default() += 1;
            }
            _ => self.pending += 1,
        }
        if let Some(decided) = d.decided_at {
            self.last_decided = self.last_decided.max(Some(decided));
            let micros = (decided - d.received_at).num_microseconds().unwrap_or(0);
            self.latency
                .record_micros(u64::try_from(micros).unwrap_or(0));
            if let Some(answered) = self.answered.get(&d.bid_id.0) {
                self.after_202
                    .record((decided - *answered).to_std().unwrap_or_default());
            }
            if d.status == "accepted" {
                self.accepted_at.push(decided);
            }
        }
        if d.status == "accepted" {
            // Another bidder's accepted bid took the lead from the previous leader.
            if let Some((auction, previous)) = self.leader {
                if auction == d.auction_id && previous != d.bidder_id {
                    self.notices.entry(previous).or_default().outbid += 1;
                }
            }
            self.leader = Some((d.auction_id, d.bidder_id));
        }
    }

    pub fn finish(self) -> Stored {
        let window = match (self.first_received, self.last_decided) {
            (Some(f), Some(l)) => (l - f).to_std().unwrap_or_default(),
            _ => Duration::ZERO,
        };
        let mut accepted_per_second = Vec::new();
        if let Some(first) = self.first_received {
            for at in &self.accepted_at {
                let micros = (*at - first).num_microseconds().unwrap_or(0);
                let Ok(second) = usize::try_from(micros.div_euclid(1_000_000)) else {
                    continue;
                };
                if accepted_per_second.len() <= second {
                    accepted_per_second.resize(second + 1, 0);
                }
                accepted_per_second[second] += 1;
            }
        }
        let mut reasons: Vec<(String, i64)> = self.reasons.into_iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Stored {
            decisions: Decisions {
                total: self.total,
                pending: self.pending,
                accepted: self.accepted,
                rejected: self.rejected,
                reasons,
                window,
                latency: self.latency,
                accepted_per_second,
            },
            after_202: self.after_202,
            notices: self
                .notices
                .into_iter()
                .map(|(bidder, due)| (bidder.to_string(), due))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vocabulary::BidId;

    fn at(ms: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-21T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
            + chrono::Duration::milliseconds(ms)
    }

    fn decision(status: &str, received: i64, decided: Option<i64>) -> Decision {
        Decision {
            bid_id: BidId::new(),
            auction_id: AuctionId(uuid::Uuid::nil()),
            bidder_id: UserId::new(),
            status: status.to_owned(),
            reason: (status == "rejected").then(|| "below_minimum".to_owned()),
            seq: None,
            received_at: at(received),
            decided_at: decided.map(at),
        }
    }

    fn stored(rows: &[Decision], answered: &[(uuid::Uuid, DateTime<Utc>)]) -> Stored {
        let mut reading = Reading::new(answered);
        for row in rows {
            reading.add(row);
        }
        reading.finish()
    }

    #[test]
    fn decisions_are_counted_and_timed() {
        // 10 accepted bids decided 10..100 ms after intake over ~2.1 s, 2 rejected, 1 pending.
        let mut rows: Vec<Decision> = (0..10)
            .map(|i| decision("accepted", i * 200, Some(i * 200 + (i + 1) * 10)))
            .collect();
        rows.push(decision("rejected", 50, Some(70)));
        rows.push(decision("rejected", 60, Some(80)));
        rows.push(decision("pending", 3_000, None));
        let d = stored(&rows, &[]).decisions;
        assert_eq!((d.total, d.accepted, d.rejected, d.pending), (13, 10, 2, 1));
        assert_eq!(d.reasons, vec![("below_minimum".to_owned(), 2)]);
        // First intake at 0 ms, last decision at 1800 + 100 ms.
        assert_eq!(d.window, Duration::from_millis(1_900));
        assert!((d.sustained_accepted_per_second() - 10.0 / 1.9).abs() < 1e-9);
        let s = d.latency.summary();
        assert_eq!(s.count, 12);
        assert!(
            (99_000..=100_100).contains(&(s.max.as_micros() as u64)),
            "{s:?}"
        );
        // Sorted: 10, 20, 20, 20, 30, 40, ...: the 6th of 12 is the median.
        assert!(
            (39_900..=40_100).contains(&(s.p50.as_micros() as u64)),
            "{s:?}"
        );
        // Accepted decisions at 10, 220, 430, 640, 850 | 1060, 1270, 1480, 1690, 1900 ms.
        assert_eq!(d.accepted_per_second, vec![5, 5]);
        let none = stored(&[], &[]).decisions;
        assert_eq!((none.total, none.window), (0, Duration::ZERO));
        assert!(none.accepted_per_second.is_empty());
    }

    #[test]
    fn answers_are_set_against_their_own_decisions() {
        let (a, b, c) = (
            decision("accepted", 0, Some(40)),
            decision("accepted", 0, Some(5)),
            decision("pending", 0, None),
        );
        // `a` decided 40 ms after its 202, `b` stamped 5 ms before its 202 arrived, `c` not
        // decided.
        let answered = vec![
            (a.bid_id.0, at(0)),
            (b.bid_id.0, at(10)),
            (c.bid_id.0, at(0)),
        ];
        let latency = stored(&[a, b, c], &answered).after_202;
        assert_eq!(latency.count(), 2);
        let max = latency.summary().max;
        assert!(
            max >= Duration::from_millis(40) && max < Duration::from_millis(41),
            "{max:?}"
        );
        assert!(latency.quantile(0.0) < Duration::from_millis(1));
    }

    #[test]
    fn each_bidder_is_due_its_outcomes_and_every_lead_it_lost() {
        let (x, y) = (UserId::new(), UserId::new());
        let (one, two) = (AuctionId::new(), AuctionId::new());
        let bid = |auction, bidder, status: &str, seq| Decision {
            auction_id: auction,
            bidder_id: bidder,
            seq,
            ..decision(status, 0, Some(1))
        };
        // Auction one: x leads, y takes it, y raises, x takes it back. Auction two: y then
        // x. A lead is only lost within an auction, not across two.
        let rows = [
            bid(one, x, "accepted", Some(1)),
            bid(one, y, "rejected", None),
            bid(one, y, "accepted", Some(2)),
            bid(one, y, "accepted", Some(3)),
            bid(one, x, "accepted", Some(4)),
            bid(two, x, "accepted", Some(1)),
            bid(two, y, "accepted", Some(2)),
        ];
        let due = stored(&rows, &[]).notices;
        let of = |bidder: UserId| due[&bidder.to_string()];
        assert_eq!(
            of(x),
            Notices {
                accepted: 3,
                rejected: 0,
                outbid: 2
            }
        );
        assert_eq!(
            of(y),
            Notices {
                accepted: 3,
                rejected: 1,
                outbid: 1
            }
        );
        assert_eq!(of(x).total(), 5);
    }

    #[test]
    fn steady_seconds_leave_out_the_ramps() {
        assert_eq!(
            steady_seconds(&[10, 5000, 5200, 4900, 300]),
            Some((4900, 5000))
        );
        assert_eq!(steady_seconds(&[10, 20]), None);
    }
}
